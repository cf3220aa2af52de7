/**
 * Shared set-up of the node tests: the test-helper on the Node-RED this run selects
 * (`NODE_RED_MODULE`, else the root's node-red), the package's node modules, both simulators
 * in-process on random ports (rate limits off), the koppeling flow of the example wired to
 * helper nodes, CCV order builders, and waits for messages and statuses.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import helper from "node-red-node-test-helper";
import type { Node, NodeAPI, NodeMessage, NodeStatus } from "node-red";
import type { SinonSpy } from "sinon";
import { startCcvSim, type CcvSim } from "../../sim/ccv/server";
import type { ShapeMode } from "../../sim/ccv/shapes";
import type { SimOrder } from "../../sim/ccv/types";
import { generateInvoices } from "../../sim/ccv/invoices";
import { simLedgerId, simOmzetgroepId, startSnelStartSim, type SnelStartSim } from "../../sim/snelstart/server";
import ccvConfig from "../../src/nodes/ccv-config";
import { SnelStartClient } from "../../src/snelstart/client";
import { Throttle } from "../../src/snelstart/throttle";
import ordersIn from "../../src/nodes/ccv-orders-in";
import reconcile from "../../src/nodes/ccv-snelstart-reconcile";
import report from "../../src/nodes/ccv-snelstart-report";
import snelstartConfig from "../../src/nodes/snelstart-config";
import debtor from "../../src/nodes/snelstart-debtor";
import invoice from "../../src/nodes/snelstart-invoice";
import vatMapper from "../../src/nodes/vat-mapper";
import vatMapping from "../../src/nodes/vat-mapping";
import { translator } from "../unit/helpers/catalogue";

helper.init(require.resolve(process.env.NODE_RED_MODULE ?? "node-red"));

export { helper };

/** A node set's module with Node-RED's translation of its en-US catalogue as `RED._`, which the test helper leaves out (its `RED._` returns the key). */
function withCatalogue(set: string, mod: (RED: NodeAPI) => void): (RED: NodeAPI) => void {
  return (RED) => mod(Object.assign(Object.create(RED) as NodeAPI, { _: translator(set) }));
}

/** Every runtime node of the package, for `helper.load`. */
export const NODES = Object.entries({
  "ccv-config": ccvConfig,
  "snelstart-config": snelstartConfig,
  "vat-mapping": vatMapping,
  "ccv-orders-in": ordersIn,
  "vat-mapper": vatMapper,
  "snelstart-debtor": debtor,
  "snelstart-invoice": invoice,
  "ccv-snelstart-report": report,
  "ccv-snelstart-reconcile": reconcile,
}).map(([set, mod]) => withCatalogue(set, mod));

export const L = simLedgerId;
export const GROUP = simOmzetgroepId;
export const CCV_PUBLIC = "demo-public";
export const CCV_SECRET = "demo-secret";
export const SUBSCRIPTION = "demo-subscription";

// ---------------------------------------------------------------------------------------------
// simulators

export interface Sims {
  ccv: CcvSim;
  ss: SnelStartSim;
  /** This test's koppelsleutel: its own token cache entry and throttle. */
  koppelsleutel: string;
  close(): Promise<void>;
}

let simCounter = 0;

/**
 * A CCV shop without orders (tests add the ones they need) and a SnelStart administration. The
 * shop serves its documents in both shapes (`mixed`, the simulator's default) unless `shapes` says.
 */
export async function startSims(opts: { ossEnabled?: boolean; shapes?: ShapeMode } = {}): Promise<Sims> {
  simCounter += 1;
  const koppelsleutel = `nodes-koppelsleutel-${process.pid}-${simCounter}`;
  const ccv = await startCcvSim({ orders: 0, rateLimits: "off", publicKey: CCV_PUBLIC, secret: CCV_SECRET, shapes: opts.shapes });
  const ss = await startSnelStartSim({ rateLimits: "off", koppelsleutel, subscriptionKey: SUBSCRIPTION, ossEnabled: opts.ossEnabled ?? true });
  return {
    ccv,
    ss,
    koppelsleutel,
    close: async () => {
      await ccv.close();
      await ss.close();
    },
  };
}

/** A SnelStart client of the test's administration, to prepare or inspect it as another program would. */
export function snelstartClient(sims: Sims): SnelStartClient {
  return new SnelStartClient({
    subscriptionKey: SUBSCRIPTION,
    koppelsleutel: sims.koppelsleutel,
    apiUrl: sims.ss.apiBase,
    tokenUrl: sims.ss.tokenUrl,
    retryBaseMs: 5,
    throttle: new Throttle({ perMinute: 1_000_000, perHour: 10_000_000, concurrent: 1_000, margin: 0 }),
  });
}

/** A call to a simulator's control API (`/__sim/…`); throws unless it answers 2xx. */
export async function control(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

// ---------------------------------------------------------------------------------------------
// CCV orders (posted through the CCV simulator's control API)

const COUNTRY_NAMES: Record<string, string> = { NL: "Nederland", DE: "Duitsland", BE: "België", US: "Verenigde Staten" };

export interface CustomerSpec {
  email?: string;
  country?: string;
  name?: string;
  company?: string;
  /** VAT number: makes the customer a business. */
  btw?: string;
}

export function customer(spec: CustomerSpec = {}): Record<string, unknown> {
  const country = spec.country ?? "NL";
  const [first, last] = (spec.name ?? "Jan Jansen").split(" ");
  return {
    billingaddress: {
      gender: null,
      initials: `${first[0]}.`,
      first_name: first,
      last_name: last ?? "",
      full_name: spec.name ?? "Jan Jansen",
      company: spec.company ?? "",
      address_line_1: "Dorpsstraat 1",
      address_line_2: "",
      street: "Dorpsstraat",
      housenumber: 1,
      housenumber_suffix: "",
      zipcode: country === "NL" ? "1234 AB" : "10115",
      city: country === "NL" ? "Alkmaar" : "Berlin",
      province: "",
      telephone: "",
      mobile: "",
      fax: "",
      comment: "",
      country: COUNTRY_NAMES[country] ?? country,
      country_code: country,
    },
    email: spec.email ?? "jan@example.nl",
    customertype: spec.btw ? "b2b" : "b2c",
    btw: spec.btw ?? "",
    kvk: "",
    reference: "",
  };
}

export interface RowSpec {
  name?: string;
  number?: string;
  count?: number;
  price: number;
  tax: number;
}

export function row(r: RowSpec): Record<string, unknown> {
  return { product_name: r.name ?? `Product ${r.tax}%`, product_number: r.number ?? `SKU-${r.tax}`, count: r.count ?? 1, price: r.price, tax: r.tax };
}

/**
 * The known order of these tests: a Dutch consumer, 2 x 12.10 at 21 %, 1 x 10.90 at 9 %, shipping
 * 4.95 at 21 %, all incl. VAT. Total 40.05, VAT 5.06 + 0.90; net 20.00 + 4.09 (shipping) + 10.00.
 */
export function knownOrder(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ordernumber: 10330,
    create_date: "2025-06-02T10:00:00Z",
    status: 7,
    paid: true,
    customer: customer(),
    total_shipping: 4.95,
    shipping_tax_percentage: 21,
    orderrows: [row({ name: "Koffiebonen 1 kg", number: "KOF-1", count: 2, price: 12.1, tax: 21 }), row({ name: "Thee", number: "THEE-1", price: 10.9, tax: 9 })],
    ...over,
  };
}

/** A small Dutch order: one row at 21 %. */
export function simpleOrder(ordernumber: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ordernumber,
    create_date: "2025-06-03T10:00:00Z",
    status: 7,
    paid: true,
    customer: customer({ email: `klant${ordernumber}@example.nl`, name: `Klant ${ordernumber}` }),
    orderrows: [row({ name: `Artikel ${ordernumber}`, number: `ART-${ordernumber}`, price: 24.2, tax: 21 })],
    ...over,
  };
}

/** An EU business order (ICP): all rates 0, net prices, shipping 12.50 at 0 %. */
export function icpOrder(ordernumber: number, btw: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ordernumber,
    create_date: "2025-06-04T10:00:00Z",
    status: 7,
    paid: true,
    is_intra_community_order: true,
    order_row_taxes_included: false,
    shipping_taxes_included: false,
    shipping_tax_percentage: 0,
    total_shipping: 12.5,
    customer: customer({ country: "DE", email: `einkauf${ordernumber}@example.de`, name: "Hans Müller", company: "Müller GmbH", btw }),
    orderrows: [row({ name: "Kaffeemaschine", number: "KM-1", count: 2, price: 100, tax: 0 })],
    ...over,
  };
}

/** Adds an order through `POST /__sim/orders`; answers it as the simulator stores it. */
export async function addOrder(sims: Sims, input: Record<string, unknown>): Promise<SimOrder> {
  return (await control(sims.ccv.url, "POST", "/__sim/orders", input)) as SimOrder;
}

/** Puts a CCV credit invoice of the whole `order` (negative amounts, own invoice number) in the shop. */
export function addCreditInvoice(sims: Sims, order: SimOrder, invoicenumber: number): void {
  // The simulator's generator credits a cancelled, invoiced order with a chance per seed: use the first seed that does.
  const source: SimOrder = { ...structuredClone(order), status: 8, invoicenumber: invoicenumber - 1 };
  for (let seed = 1; seed < 200; seed++) {
    const credit = generateInvoices([source], seed).find((i) => i.type === "credit");
    if (credit) {
      const id = 130_000_000 + invoicenumber;
      const href = credit.href.replace(/invoices\/\d+\/$/, `invoices/${id}/`);
      const invoicerows = credit.invoicerows.map((r) => ({ ...r, invoice_id: id, parent: { href } }));
      sims.ccv.state.invoices.push({ ...credit, id, href, invoicenumber, invoicenumber_full: String(invoicenumber), invoicerows });
      return;
    }
  }
  throw new Error("no seed makes a credit invoice");
}

// ---------------------------------------------------------------------------------------------
// the koppeling flow

type Def = Record<string, unknown> & { id: string; type: string };

export const TAB = "tab1";

/** The mapping of the tests, on the simulator's chart of accounts. */
export const MAPPING = {
  ledgerHoog: L(8000),
  ledgerLaag: L(8010),
  ledgerGeen: L(8030),
  ledgerShipping: L(8200),
  ledgerPayment: L(8210),
  ledgerIcp: L(8100),
  ledgerExport: L(8110),
  ledgerOssSR: L(8400),
  ledgerOssRRH: L(8401),
  ledgerOssRRL: L(8402),
  ledgerOssPR: L(8403),
  ledgerOssSRR: L(8404),
  costsVat: "shipping",
  euConsumers: "nl-vat",
  grouping: "ledger",
  invoiceSource: "ordernumber",
  yearPrefix: true,
  creditPrefix: "C",
  groupHoog: GROUP(1),
  groupLaag: GROUP(2),
  groupGeen: GROUP(3),
};

export interface FlowOptions {
  ccv?: Record<string, unknown>;
  snelstart?: Record<string, unknown>;
  mapping?: Record<string, unknown>;
  ordersIn?: Record<string, unknown>;
  mapper?: Record<string, unknown>;
  debtor?: Record<string, unknown>;
  invoice?: Record<string, unknown>;
  report?: Record<string, unknown>;
  /** Extra nodes (e.g. a status node), on the tab. */
  extra?: Def[];
}

/**
 * The example's flow: ccv-orders-in → snelstart-debtor → vat-mapper → snelstart-invoice → report,
 * a Catch node `catchAll` (whole tab) → report, and helper nodes tapping every stage:
 * `orders` (ccv-orders-in), `debtors` (snelstart-debtor), `mapped` (vat-mapper), `out`
 * (snelstart-invoice), `caught` (catch), `summary` and `alert` (report). The test orders are
 * dated 2025: a horizon of ten years keeps them within reach of routine runs (its own tests set it).
 */
export function koppelingFlow(sims: Sims, o: FlowOptions = {}): Def[] {
  const z = TAB;
  let y = 0;
  const at = () => ({ x: 100, y: (y += 40) });
  const flow: Def[] = [
    { id: TAB, type: "tab", label: "koppeling" },
    { id: "ccv", type: "ccv-config", name: "shop", shopUrl: sims.ccv.url, contextStore: "", ...o.ccv },
    { id: "ss", type: "snelstart-config", name: "admin", apiUrl: sims.ss.apiBase, tokenUrl: sims.ss.tokenUrl, tier: "production", ...o.snelstart },
    { id: "map", type: "vat-mapping", name: "mapping", snelstart: "ss", ...MAPPING, ...o.mapping },
    { id: "in", type: "ccv-orders-in", z, ...at(), ccv: "ccv", statuses: [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14], paidOnly: true, since: "", importExisting: true, credits: true, horizonDays: 3650, ...o.ordersIn, wires: [["debtor", "orders"]] },
    { id: "debtor", type: "snelstart-debtor", z, ...at(), snelstart: "ss", mapping: "map", matchOnEmail: true, ...o.debtor, wires: [["mapper", "debtors"]] },
    { id: "mapper", type: "vat-mapper", z, ...at(), mapping: "map", mode: "verkoopboeking", ...o.mapper, wires: [["invoice", "mapped"]] },
    { id: "invoice", type: "snelstart-invoice", z, ...at(), snelstart: "ss", ...o.invoice, wires: [["report", "out"]] },
    { id: "catchAll", type: "catch", z, ...at(), scope: null, uncaught: false, wires: [["report", "caught"]] },
    { id: "report", type: "ccv-snelstart-report", z, ...at(), threshold: 3, to: "owner@example.nl", ...o.report, wires: [["summary"], ["alert"]] },
    ...["orders", "mapped", "debtors", "out", "caught", "summary", "alert"].map((id) => ({ id, type: "helper", z, ...at() })),
    ...(o.extra ?? []).map((d) => ({ z, ...at(), ...d })),
  ];
  return flow;
}

/** The credentials of the flow's config nodes (kept apart from the flow, as Node-RED does). */
export function credentials(sims: Sims, over: { ccv?: Record<string, string>; ss?: Record<string, string> } = {}): Record<string, Record<string, string>> {
  return {
    ccv: { publicKey: CCV_PUBLIC, secret: CCV_SECRET, ...over.ccv },
    ss: { subscriptionKey: SUBSCRIPTION, koppelsleutel: sims.koppelsleutel, ...over.ss },
  };
}

// ---------------------------------------------------------------------------------------------
// messages, statuses, waits

/** What the koppeling's messages carry (loosely typed for assertions). */
export type Msg = NodeMessage & {
  payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ccv?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  run?: { id: string; configId: string; index: number; total: number | null; end?: true; trigger?: string };
  snelstart?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  error?: { message: string; code?: string; source?: { id: string; type: string } };
};

/**
 * Every message a (helper) node receives from now on; a scheduled run's end message (`run.end`,
 * no document) only with `ends`.
 */
export function collect(id: string, opts: { ends?: boolean } = {}): Msg[] {
  const list: Msg[] = [];
  (helper.getNode(id) as unknown as { on(event: "input", fn: (m: Msg) => void): void }).on("input", (m) => {
    if (opts.ends || !(m.run?.end === true && !m.ccv)) list.push(m);
  });
  return list;
}

/** The messages that carry a CCV document (each scheduled run also sends its end message, without). */
export function documents(list: Msg[]): Msg[] {
  return list.filter((m) => m.ccv);
}

/** The end messages of runs with nothing due: topic "run", no payload, `run.end`, `run.total` 0. */
export function emptyRunMarkers(list: Msg[]): Msg[] {
  return list.filter((m) => !m.ccv && m.topic === "run" && m.payload === null && m.run?.end === true && m.run.total === 0);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a truthy value; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | null | undefined | false, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Waits until `list` holds at least `n` messages and returns them. */
export function atLeast(list: Msg[], n: number, what = "messages", timeoutMs?: number): Promise<Msg[]> {
  return until(`${n} ${what} (have ${list.length})`, () => list.length >= n && list, timeoutMs);
}

/** The status calls a node made, in order (the test-helper spies Node.prototype.status). */
export function statuses(id: string): NodeStatus[] {
  const node = helper.getNode(id);
  const spy = node.status as unknown as SinonSpy;
  return spy
    .getCalls()
    .filter((c) => c.thisValue === node)
    .map((c) => c.args[0] as NodeStatus);
}

/** Waits for a status of node `id` whose text matches. */
export function statusMatching(id: string, text: RegExp, timeoutMs?: number): Promise<NodeStatus> {
  return until(`a status of ${id} matching ${text}`, () => statuses(id).find((s) => text.test(String(s.text ?? ""))), timeoutMs);
}

/** The warnings a node logged through `node.warn`. */
export function warnings(id: string): string[] {
  const node = helper.getNode(id);
  const spy = node.warn as unknown as SinonSpy;
  return spy
    .getCalls()
    .filter((c) => c.thisValue === node)
    .map((c) => String(c.args[0]));
}

/** Starts a run of ccv-orders-in (as the inject node does). */
export function trigger(msg: Record<string, unknown> = { payload: Date.now() }, id = "in"): void {
  (helper.getNode(id) as Node & { receive(m: unknown): void }).receive(msg);
}

/** Sends a message into any node. */
export function inject(id: string, msg: Record<string, unknown>): void {
  (helper.getNode(id) as Node & { receive(m: unknown): void }).receive(msg);
}

/** Verkoopboekingen the SnelStart simulator holds, by factuurnummer. */
export function boekingen(sims: Sims): Array<{ factuurnummer: string; factuurbedrag: number; klantId: string; boekingsregels: Array<{ grootboekId: string; bedrag: number; btwSoort: string }>; btw: Array<{ btwSoort: string; btwBedrag: number }> }> {
  return [...sims.ss.state.verkoopboekingen.values()];
}

export function postsOf(sims: Sims, template: string): number {
  return sims.ss.state.requests.get("POST", template);
}

/** A copy of the shop's sync ledger (of the ccv-config node `ccv`), typed as the test reads it. */
export function readLedger<L>(): Promise<L> {
  const shop = helper.getNode("ccv") as unknown as { ledger: { read<T>(fn: (l: L) => T): Promise<T> } };
  return shop.ledger.read((l) => structuredClone(l));
}

/** A test's sims and flow, unloaded and closed again by `teardown`. */
export async function teardown(sims: Sims | null): Promise<void> {
  await helper.unload();
  if (sims) await sims.close();
}

export function assertCode(msg: Msg | undefined, code: string): void {
  assert.ok(msg, `expected a caught message with ${code}`);
  assert.equal(msg.error?.code, code, `expected ${code}, got ${msg.error?.code}: ${msg.error?.message}`);
}

/**
 * Gives each test of the calling describe block its own Node-RED user directory (the durable
 * ledger's home), removed after the test; call it after the block's own afterEach, which then
 * runs first. Returns the directory of the running test.
 */
export function withUserDir(): () => string {
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-userdir-"));
    helper.settings({ userDir: dir } as never);
  });
  afterEach(() => {
    helper.settings({});
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
