/**
 * `npm run chaos`: exactly once under crashes and faults, counted.
 *
 * Starts the whole koppeling (both simulators, a real Node-RED with the packed package and the
 * example flow; its schedule does not fire by itself) with N seeded orders, registers the
 * webhooks, and feeds random faults into both simulators: SnelStart answers lost after storing
 * (drop-response), 500, 503, 429, connection resets and delays on the POSTs of sales bookings,
 * sales orders, relaties and articles and on its GETs; CCV Shop 500, 429 and resets on GETs.
 * Then K times: start a run, wait a random time, SIGKILL Node-RED, change the shop (late
 * payments, cancellations (status 8), new orders; some also while Node-RED runs, so webhooks
 * arrive during runs), let SnelStart finish the requests it holds back, and start Node-RED again
 * on the same user directory. At the end the faults are cleared and fault-free runs follow until
 * one books nothing new (at most 5).
 *
 * Then it compares, by number: every due order (paid, status not 8, completed checkout) booked
 * exactly once in SnelStart (sales bookings by invoice number, or sales orders by reference),
 * for CCV's total; every booked order cancelled afterwards credited exactly once (`C<number>`,
 * or by the order's CCV credit invoices, whichever the koppeling met first); nothing booked for
 * an order that was never due; no customer created twice. Prints a table and exits non-zero when
 * any count is not 0.
 *
 * Flags: --orders (1000), --seed (1), --kills (10), --mode verkoopboeking|verkooporder,
 * --unique-check on|off (SnelStart's BOE-0021 check; default on), --rate-limits real|off|scaled:K
 * (default off), --webhooks on|off (default on), --faults on|off (default on), --max-wait MS
 * (longest wait between starting a run and the kill; default 4000), --keep (keep the user
 * directory and print where it is).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Fault, type RateLimitMode, parseRateLimitMode, seededRandom } from "../sim/http";
import type { SimInvoice, SimOrder } from "../sim/ccv/generate";
import { integerFlag, readFlags } from "../sim/cli";
import { LANDEN } from "../sim/snelstart/data";
import type { RunSummary } from "../src/koppeling/report";
import { formatRateLimitSetting } from "../src/nodes/rate-limits";
import { EXAMPLE_IDS, type FlowNode, type KoppelingRuntime, scheduleByHand, startKoppeling } from "./node-red-runtime";

export type ChaosMode = "verkoopboeking" | "verkooporder";

export interface ChaosOptions {
  orders: number;
  seed: number;
  kills: number;
  mode: ChaosMode;
  /** SnelStart's duplicate-invoice-number check (BOE-0021). */
  uniqueCheck: boolean;
  rateLimits: RateLimitMode;
  /** Register CCV's webhooks, so shop changes start runs of their own while Node-RED is up. */
  webhooks: boolean;
  /** Random faults in both simulators during the kill phase. */
  faults: boolean;
  /** Longest wait between starting a run and killing Node-RED (ms). */
  maxWaitMs: number;
  /** Keep the user directory (and say where). */
  keep?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export const CHAOS_DEFAULTS: ChaosOptions = {
  orders: 1000,
  seed: 1,
  kills: 10,
  mode: "verkoopboeking",
  uniqueCheck: true,
  rateLimits: "off",
  webhooks: true,
  faults: true,
  maxWaitMs: 4000,
};

/** The counts that must all be 0. */
export interface ChaosCounts {
  /** Due orders with no booking. */
  missing: number;
  /** Orders booked more than once (extra documents counted once per order). */
  duplicated: number;
  /** Bookings or credits whose amount is not CCV's. */
  wrongAmount: number;
  /** Bookings of orders that were never due, and SnelStart documents no CCV order explains. */
  notDue: number;
  /** Booked orders cancelled afterwards (or with a CCV credit invoice) without their credit. */
  creditsMissing: number;
  /** Credits booked more than once, or where none was due. */
  creditsDuplicated: number;
  /** Relaties beyond the first for one customer: the same e-mail address (ignoring case), country and VAT number. */
  duplicateRelaties: number;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, "log">;
  counts: ChaosCounts;
  /**
   * Of `creditsMissing`: cancelled orders booked in SnelStart whose booking the ledger does not
   * know, only an intent (a kill between the POST and its outcome, then the cancellation).
   */
  creditsMissingLedgerUnaware: number;
  /**
   * Relaties beyond the first per e-mail address (ignoring case), whatever their country and VAT
   * number: the duplicates and the customers that share an address in another country or with
   * another VAT number (which get their own relatie by design).
   */
  relatiesSharingEmail: number;
  /**
   * Due orders not booked because the koppeling holds them for a person by design (MANUAL codes:
   * the shop's data needs a decision, e.g. a VAT number SnelStart refuses with OSS on): reported
   * with an alert, never booked by a run; not counted as missing.
   */
  heldForPerson: number;
  kills: number;
  seconds: number;
  /** Orders in the shop at the end, due at the end, cancelled by the run, paid late, added. */
  shop: { orders: number; due: number; cancelled: number; paidLate: number; added: number };
  /** Documents in SnelStart at the end. */
  snelstart: { verkoopboekingen: number; verkooporders: number; credits: number; relaties: number };
  /** Faults a request ran into. */
  faultsHit: { snelstart: number; ccv: number };
  /** Fault-free runs at the end, and the last one's summary. */
  finalRuns: number;
  lastSummary: RunSummary | null;
  /** What went wrong, one line per order (at most 50). */
  problems: string[];
  /** Failures the ledger still holds at the end, per error code. */
  ledgerFailures: Record<string, number>;
  userDir: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CANCELLED = 8;
/** The example's selection: every status but 8 (cancelled). */
const qualifies = (o: SimOrder) => o.is_completed === true && o.ordernumber != null && o.status != null && o.status !== CANCELLED && o.paid === true;
const cents = (euros: number) => Math.round(euros * 100);

/** The invoice number the example's mapping gives an order: year (Amsterdam) + order number. */
export function factuurnummerOf(o: SimOrder): string {
  const year = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Amsterdam", year: "numeric" }).format(new Date(o.create_date));
  return `${year}${o.ordernumber}`;
}

/** What the chaos run reads of the sync ledger (for its diagnosis only, never for the verdict). */
export interface LedgerView {
  booked: Record<string, unknown>;
  failed: Record<string, { code: string }>;
  intents: Record<string, unknown>;
}

/**
 * The ledger as Node-RED left it in the user directory: the snapshot (`<name>.snapshot.jsonl`,
 * lines in the journal's format; or an older `<name>.snapshot.json`, the whole state) with the
 * journal's lines over it (`b`, `f`, `i`: keys set, or deleted with null); a line cut short is
 * left out. Read here, not with the package's code, so the diagnosis does not lean on what it checks.
 */
export function readLedgerFromDisk(userDir: string): LedgerView | null {
  const dir = path.join(userDir, "ccv-snelstart");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const name = files.find((f) => /\.(snapshot\.jsonl?|journal\.jsonl)$/.test(f))?.replace(/\.(snapshot\.jsonl?|journal\.jsonl)$/, "");
  if (name === undefined) return null;
  const state: LedgerView = { booked: {}, failed: {}, intents: {} };
  const apply = (text: string) => {
    for (const line of text.split("\n")) {
      let rec: Record<string, Record<string, unknown> | undefined>;
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        continue;
      }
      for (const [part, target] of [["b", state.booked], ["f", state.failed], ["i", state.intents]] as const) {
        for (const [k, v] of Object.entries(rec[part] ?? {})) {
          if (v === null) delete target[k];
          else (target as Record<string, unknown>)[k] = v;
        }
      }
    }
  };
  const file = (ext: string) => path.join(dir, `${name}.${ext}`);
  if (fs.existsSync(file("snapshot.jsonl"))) apply(fs.readFileSync(file("snapshot.jsonl"), "utf8"));
  else if (fs.existsSync(file("snapshot.json"))) Object.assign(state, JSON.parse(fs.readFileSync(file("snapshot.json"), "utf8")) as LedgerView);
  if (fs.existsSync(file("journal.jsonl"))) apply(fs.readFileSync(file("journal.jsonl"), "utf8"));
  return state;
}

/** A hand-written paid or unpaid NL order with one row, as a shopper places it now. */
export function newOrder(rng: () => number, email: string, paid: boolean): Record<string, unknown> {
  const tax = rng() < 0.7 ? 21 : 9;
  const gross = Math.round((5 + rng() * 300) * 100) / 100;
  const vat = Math.round((gross * tax * 100) / (100 + tax)) / 100;
  return {
    create_date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    status: 1,
    is_completed: true,
    paid,
    taxes_included: true,
    order_row_taxes_included: true,
    shipping_taxes_included: true,
    shipping_tax_percentage: 21,
    is_intra_community_order: false,
    total_orderrow_price: gross,
    total_shipping: 0,
    total_discounts: 0,
    total_price: gross,
    total_tax: vat,
    paymethod_costs: 0,
    credit_point_discount: 0,
    extra_costs: 0,
    currency: "EUR",
    user: { id: null },
    customer: {
      email,
      customertype: "b2c",
      btw: "",
      billingaddress: { first_name: "Chaos", last_name: "Klant", full_name: "Chaos Klant", street: "Teststraat", housenumber: 1, zipcode: "1234 AB", city: "Utrecht", country_code: "NL", country: "Nederland" },
    },
    orderrows: [{ product_type: "product", product_name: "Chaosartikel", product_number: "CHAOS-1", count: 1, price: gross, discount: 0, total_price: gross, tax }],
  };
}

/**
 * Random faults for the simulators' one-shot fault queues: every 150 ms both queues are emptied
 * and get new faults, so a fault whose request does not come soon does not block the others.
 * `hits` counts the faults a request used up.
 */
class FaultFeeder {
  hits = { snelstart: 0, ccv: 0 };
  private timer: NodeJS.Timeout | null = null;
  private added = { snelstart: 0, ccv: 0 };

  constructor(
    private readonly rt: KoppelingRuntime,
    private readonly rng: () => number,
    private readonly mode: ChaosMode,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), 150);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.settle();
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rng() * list.length)];
  }

  /** Counts the faults a request used up since the last tick, and empties the queues. */
  private settle(): void {
    const ss = this.rt.snelstart.state.faults;
    const ccv = this.rt.ccv.state.faults;
    this.hits.snelstart += this.added.snelstart - ss.pending;
    this.hits.ccv += this.added.ccv - ccv.pending;
    ss.clear();
    ccv.clear();
    this.added = { snelstart: 0, ccv: 0 };
  }

  /** Up to three SnelStart faults and one CCV fault, each for a random kind of request, for the next 150 ms. */
  private tick(): void {
    this.settle();
    for (let i = 0; i < 3; i++) {
      if (this.rng() < 0.7) {
        this.rt.snelstart.state.faults.add(this.snelstartFault());
        this.added.snelstart++;
      }
    }
    if (this.rng() < 0.25) {
      this.rt.ccv.state.faults.add(this.ccvFault());
      this.added.ccv++;
    }
  }

  private snelstartFault(): Fault {
    if (this.rng() < 0.6) {
      const posts = ["/v2/verkoopboekingen", "/v2/relaties", ...(this.mode === "verkooporder" ? ["/v2/verkooporders", "/v2/verkooporders", "/v2/artikelen"] : [])];
      const kind = this.pick(["drop-response", "drop-response", "status-500", "status-503", "status-429", "reset", "delay"] as const);
      return { method: "POST", path: this.pick(posts), ...this.kind(kind) };
    }
    const gets = ["/v2/verkoopfacturen", "/v2/relaties", "/v2/", ...(this.mode === "verkooporder" ? ["/v2/verkooporders", "/v2/artikelen"] : [])];
    return { method: "GET", path: this.pick(gets), ...this.kind(this.pick(["status-500", "status-503", "reset", "delay", "drop-response"] as const)) };
  }

  private ccvFault(): Fault {
    // Rarely a 429: CCV sends no Retry-After, so the client rightly waits a whole minute.
    const r = this.rng();
    const kind = r < 0.1 ? "status-429" : r < 0.55 ? "status-500" : "reset";
    return { method: "GET", path: this.pick(["/api/rest/v1/orders/", "/orderrows/", "/api/rest/v1/invoices/", "/api/rest/v1/"]), ...this.kind(kind) };
  }

  private kind(k: "drop-response" | "status-500" | "status-503" | "status-429" | "reset" | "delay"): Pick<Fault, "kind" | "status" | "ms"> {
    if (k === "delay") return { kind: "delay", ms: 100 + Math.floor(this.rng() * 1900) };
    if (k.startsWith("status-")) return { kind: "status", status: Number(k.slice(7)) };
    return { kind: k as "drop-response" | "reset" };
  }
}

/**
 * What happened when, for finding out why a count is not 0: the script's own steps, every fault a
 * request ran into, and every document the SnelStart simulator stored (its map's inserts). Also
 * knows until when SnelStart holds a delayed request back.
 * Written to `<userDir>/chaos-trace.jsonl` when the user directory is kept.
 */
class Trace {
  readonly lines: string[] = [];
  /** When the last request SnelStart holds back (a delay fault) is handled. */
  snelstartBusyUntil = 0;

  constructor(rt: KoppelingRuntime) {
    const faults = (name: string, queue: { take(method: string, path: string): Fault | null }) => {
      const take = queue.take.bind(queue);
      queue.take = (method: string, p: string) => {
        const f = take(method, p);
        if (f) this.add("fault", { sim: name, method, path: p, kind: f.kind, status: f.status, ms: f.ms });
        if (f?.kind === "delay" && name === "snelstart") this.snelstartBusyUntil = Math.max(this.snelstartBusyUntil, Date.now() + (f.ms ?? 0));
        return f;
      };
    };
    faults("snelstart", rt.snelstart.state.faults);
    faults("ccv", rt.ccv.state.faults);
    const st = rt.snelstart.state;
    const inserts = <V>(name: string, map: Map<string, V>, show: (v: V) => Record<string, unknown>) => {
      const set = map.set.bind(map);
      map.set = (k: string, v: V) => {
        if (!map.has(k)) this.add("stored", { what: name, id: k, ...show(v) });
        return set(k, v);
      };
    };
    inserts("verkoopboeking", st.verkoopboekingen, (b) => ({ factuurnummer: b.factuurnummer, bedrag: b.factuurbedrag, klant: b.klantId }));
    inserts("verkooporder", st.verkooporders, (o) => ({ orderreferentie: o.orderreferentie, totaal: o.totaalInclusiefBtw, relatie: o.relatieId }));
    inserts("relatie", st.relaties, (r) => ({ relatiecode: r.relatiecode, email: r.email, land: r.vestigingsAdres?.landId ?? null, btw: r.btwNummer }));
  }

  add(what: string, data: Record<string, unknown> = {}): void {
    this.lines.push(JSON.stringify({ t: new Date().toISOString(), what, ...data }));
  }
}

/** The shop's changes between (and during) runs, and which orders were ever due. */
class Shop {
  readonly everDue = new Set<number>();
  readonly cancelled = new Set<number>();
  paidLate = 0;
  added = 0;

  constructor(
    private readonly rt: KoppelingRuntime,
    private readonly rng: () => number,
    private readonly trace: Trace,
  ) {
    this.noteDue();
  }

  private noteDue(): void {
    for (const o of this.rt.ccv.state.orders) if (qualifies(o)) this.everDue.add(o.id);
  }

  private take<T>(list: T[], n: number): T[] {
    const out: T[] = [];
    const pool = [...list];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(this.rng() * pool.length), 1)[0]);
    return out;
  }

  /** Late payments, cancellations (mostly of due orders, so mostly booked ones) and new orders. */
  change(n: { pay: number; cancel: number; add: number }): void {
    const ccv = this.rt.ccv.state;
    const orders = ccv.orders;
    for (const o of this.take(
      orders.filter((x) => !x.paid && x.is_completed && x.status !== CANCELLED && x.ordernumber != null),
      n.pay,
    )) {
      ccv.patchOrder(o.id, { paid: true });
      this.trace.add("paid", { order: o.id, ordernumber: o.ordernumber });
      this.paidLate++;
    }
    const open = orders.filter((x) => x.is_completed && x.status !== CANCELLED);
    const due = open.filter((x) => this.everDue.has(x.id));
    const other = open.filter((x) => !this.everDue.has(x.id));
    const fromDue = Math.round(n.cancel * 0.8);
    for (const o of [...this.take(due, fromDue), ...this.take(other, n.cancel - fromDue)]) {
      ccv.patchOrder(o.id, { status: CANCELLED });
      this.trace.add("cancelled", { order: o.id, ordernumber: o.ordernumber, wasDue: this.everDue.has(o.id) });
      this.cancelled.add(o.id);
    }
    const nl = orders.filter((x) => x.customer?.billingaddress?.country_code === "NL" && x.customer.email);
    for (let i = 0; i < n.add; i++) {
      // A third are customers who ordered before (their address as given then): found, not created again.
      const email = this.rng() < 0.33 && nl.length ? String(nl[Math.floor(this.rng() * nl.length)].customer.email) : `chaos-${ccv.orders.length + 1}@example.nl`;
      const added = ccv.addOrder(newOrder(this.rng, email, this.rng() < 0.8));
      this.trace.add("added", { order: added.id, ordernumber: added.ordernumber, paid: added.paid, email });
      this.added++;
    }
    this.noteDue();
  }
}

/** How many POSTs SnelStart has been sent so far. */
function postsTo(rt: KoppelingRuntime): number {
  return Object.entries(rt.snelstart.state.requests.toJSON()).reduce((n, [k, v]) => (k.startsWith("POST /v2/") ? n + v : n), 0);
}

/** Failure codes that hold an order for a person by design (README "Exactly once"): no run books it. */
const MANUAL = new Set(["ICP_VAT_NUMBER_REFUSED"]);

/** Compares the shop with SnelStart, by number. */
function compare(rt: KoppelingRuntime, shop: Shop, mode: ChaosMode, ledger: LedgerView | null) {
  const counts: ChaosCounts = { missing: 0, duplicated: 0, wrongAmount: 0, notDue: 0, creditsMissing: 0, creditsDuplicated: 0, duplicateRelaties: 0 };
  let ledgerUnaware = 0;
  let heldForPerson = 0;
  const problems: string[] = [];
  const problem = (line: string) => problems.length < 50 && problems.push(line);
  const boekingen = [...rt.snelstart.state.verkoopboekingen.values()];
  const verkooporders = [...rt.snelstart.state.verkooporders.values()];
  const byNumber = new Map<string, number[]>();
  for (const b of boekingen) byNumber.set(b.factuurnummer, [...(byNumber.get(b.factuurnummer) ?? []), cents(b.factuurbedrag)]);
  const byReference = new Map<string, number[]>();
  for (const v of verkooporders) if (v.orderreferentie) byReference.set(v.orderreferentie, [...(byReference.get(v.orderreferentie) ?? []), cents(v.totaalInclusiefBtw)]);
  const explained = new Set<string>();
  const creditInvoices = new Map<number, SimInvoice[]>();
  for (const i of rt.ccv.state.invoices) if (String(i.type).toLowerCase() === "credit") creditInvoices.set(i.ordernumber, [...(creditInvoices.get(i.ordernumber) ?? []), i]);

  for (const o of rt.ccv.state.orders) {
    if (o.ordernumber == null) continue;
    const fn = factuurnummerOf(o);
    const ref = String(o.ordernumber);
    explained.add(`b:${fn}`).add(`v:${ref}`);
    const docs = [...(byNumber.get(fn) ?? []), ...(mode === "verkooporder" ? (byReference.get(ref) ?? []) : [])];
    const label = `order ${o.id} (number ${o.ordernumber}, invoice ${fn}, status ${o.status}, ${o.paid ? "paid" : "unpaid"})`;
    const total = cents(o.total_price);
    const wasDue = shop.everDue.has(o.id);
    const cancelledHere = o.status === CANCELLED && shop.cancelled.has(o.id);
    if (mode === "verkooporder" && (byNumber.get(fn)?.length ?? 0) > 0) problem(`${label}: booked as a sales booking in verkooporder mode`);
    if (qualifies(o) || (cancelledHere && wasDue)) {
      if (docs.length === 0 && qualifies(o)) {
        const key = `order:${o.id}`;
        const held = ledger?.failed[key] && MANUAL.has(ledger.failed[key].code);
        if (held) heldForPerson++;
        else counts.missing++;
        problem(`${label}: due, not booked (ledger: ${ledger?.failed[key] ? `failed ${ledger.failed[key].code}` : ledger?.intents[key] ? "intent" : ledger?.booked[key] ? "booked" : "nothing"})${held ? ": held for a person by design" : ""}`);
      }
      if (docs.length > 1) {
        counts.duplicated++;
        problem(`${label}: booked ${docs.length} times`);
      }
      // A sales order's VAT is SnelStart's, from each article's revenue group (README): it is CCV's
      // for a domestic order, to the cent with gross row prices, within a cent per line (SnelStart
      // rounds per line) with net ones; foreign sales orders are not compared.
      const net = o.order_row_taxes_included === false;
      const comparable = mode === "verkoopboeking" || (o.customer?.billingaddress?.country_code === "NL" && !o.is_intra_community_order);
      const tolerance = mode === "verkooporder" && net ? o.orderrows.length + 3 : 0;
      if (comparable && docs.some((a) => Math.abs(a - total) > tolerance)) {
        counts.wrongAmount++;
        problem(`${label}: booked for ${docs.map((a) => (a / 100).toFixed(2)).join(", ")}, CCV total ${(total / 100).toFixed(2)}`);
      }
    } else if (docs.length > 0) {
      counts.notDue++;
      problem(`${label}: booked ${docs.length}x but never due`);
    }

    // Credits, one kind per order: its CCV credit invoices (C<number>-<credit invoice>), or, when
    // it was cancelled, the cancellation (C<number>). Whichever the koppeling met first rules the
    // other out (ccv-orders-in): a run credits the invoices first, a webhook the cancellation.
    const booked = docs.length > 0;
    const invoices = creditInvoices.get(o.ordernumber) ?? [];
    const found = boekingen.filter((b) => b.factuurnummer === `C${fn}` || b.factuurnummer.startsWith(`C${fn}-`));
    const cancellationCredited = found.some((b) => b.factuurnummer === `C${fn}`);
    const expected = new Map<string, number>();
    if (booked && o.status === CANCELLED && (cancellationCredited || invoices.length === 0)) expected.set(`C${fn}`, -total);
    else if (booked) for (const i of invoices) expected.set(`C${fn}-${i.invoicenumber}`, -Math.abs(cents(i.total_price)));
    for (const b of found) explained.add(`b:${b.factuurnummer}`);
    for (const [number, amount] of expected) {
      const hits = found.filter((b) => b.factuurnummer === number);
      if (hits.length === 0) {
        counts.creditsMissing++;
        // The known gap: a kill between the POST and its outcome left an intent, then the order was cancelled.
        const key = `order:${o.id}`;
        const unaware = ledger != null && !ledger.booked[key] && ledger.intents[key] != null;
        if (unaware) ledgerUnaware++;
        const state = !ledger ? "no ledger" : ledger.booked[key] ? "booked" : ledger.intents[key] ? "only an intent: the outcome was never recorded" : ledger.failed[key] ? `failed ${ledger.failed[key].code}` : "nothing";
        problem(`${label}: credit ${number} missing (the ledger holds for the order: ${state})`);
      }
      if (hits.length > 1) {
        counts.creditsDuplicated++;
        problem(`${label}: credit ${number} booked ${hits.length} times`);
      }
      if (hits.some((b) => cents(b.factuurbedrag) !== amount)) {
        counts.wrongAmount++;
        problem(`${label}: credit ${number} for ${hits.map((b) => b.factuurbedrag.toFixed(2)).join(", ")}, expected ${(amount / 100).toFixed(2)}`);
      }
    }
    const unexpected = found.filter((b) => !expected.has(b.factuurnummer));
    if (unexpected.length) {
      counts.creditsDuplicated++;
      problem(`${label}: credit(s) ${unexpected.map((b) => b.factuurnummer).join(", ")} not due`);
    }
  }
  for (const b of boekingen) {
    if (!explained.has(`b:${b.factuurnummer}`)) {
      counts.notDue++;
      problem(`sales booking ${b.factuurnummer}: no CCV order has this number`);
    }
  }
  for (const v of verkooporders) {
    if (!explained.has(`v:${v.orderreferentie}`)) {
      counts.notDue++;
      problem(`sales order ${v.nummer} (reference ${v.orderreferentie}): no CCV order has this number`);
    }
  }

  // One customer = one e-mail address (in any case) in one country with one VAT number (or none):
  // the koppeling gives a customer elsewhere, or a business with another VAT number, its own relatie.
  const klanten = [...rt.snelstart.state.relaties.values()].filter((r) => r.relatiesoort.includes("Klant"));
  const byEmail = new Map<string, typeof klanten>();
  for (const r of klanten) {
    const email = (r.email ?? "").trim().toLowerCase();
    if (email) byEmail.set(email, [...(byEmail.get(email) ?? []), r]);
  }
  const where = (r: (typeof klanten)[number]) => (r.vestigingsAdres?.landId ? (LANDEN.find((l) => l.id === r.vestigingsAdres?.landId)?.landcode ?? "?") : "no address");
  let sharing = 0;
  for (const [email, list] of byEmail) {
    if (list.length < 2) continue;
    sharing += list.length - 1;
    const customers = new Set(list.map((r) => `${where(r)} ${(r.btwNummer ?? "").toUpperCase()}`));
    const extra = list.length - customers.size;
    counts.duplicateRelaties += extra;
    if (extra) problem(`e-mail ${email}: ${list.length} relaties for ${customers.size} customer(s): ${list.map((r) => `${r.relatiecode} "${r.email}" ${where(r)}${r.btwNummer ? ` VAT ${r.btwNummer}` : ""}`).join(", ")}`);
  }
  return { counts, ledgerUnaware, heldForPerson, sharing, problems };
}

/** The runtime of the chaos run in progress (for Ctrl-C). */
let running: { rt: KoppelingRuntime; userDir: string; keep: boolean } | null = null;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const o = options;
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-chaos-"));
  const rng = seededRandom((o.seed * 2654435761) >>> 0 || 1);
  const rt = await startKoppeling({
    orders: o.orders,
    seed: o.seed,
    rateLimits: o.rateLimits,
    userDir,
    editFlow: (flow: FlowNode[]) => {
      // Runs only when this script presses the button: not at each start, not every 2 hours.
      scheduleByHand(flow);
      // The mode is vat-mapper's (it maps the sales order; snelstart-invoice only posts).
      const mapper = flow.find((n) => n.id === EXAMPLE_IDS.mapper);
      if (!mapper) throw new Error("the example flow has no vat-mapper");
      mapper.mode = o.mode;
      // Sales orders need an article for every row: rows without a product number get this one.
      const mapping = flow.find((n) => n.id === EXAMPLE_IDS.mapping);
      if (mapping && o.mode === "verkooporder") mapping.articleFallback = "ARTIKEL";
    },
  });
  running = { rt, userDir, keep: o.keep === true };
  try {
    rt.snelstart.state.uniqueFactuurnummer = o.uniqueCheck;
    if (o.webhooks) {
      await rt.inject(EXAMPLE_IDS.registerWebhooks);
      for (let i = 0; rt.ccv.state.webhooks.length < 3; i++) {
        if (i > 100) throw new Error("the example flow did not register the webhooks");
        await sleep(100);
      }
    }
    const trace = new Trace(rt);
    const shop = new Shop(rt, rng, trace);
    const feeder = new FaultFeeder(rt, rng, o.mode);
    // Per cycle, about 2 % of the orders paid late, 2 % cancelled, 1 % new.
    const per = (share: number) => Math.max(1, Math.round(o.orders * share));
    if (o.faults) feeder.start();
    let kills = 0;
    for (let k = 1; k <= o.kills; k++) {
      const posts = postsTo(rt);
      const t0 = Date.now();
      trace.add("press", { cycle: k });
      await rt.inject(EXAMPLE_IDS.inject);
      // Half the kills at any moment of the run; the other half once it has started posting to
      // SnelStart (right into the bookings), at most the longest wait after the press.
      const whilePosting = rng() < 0.5;
      const wait = Math.floor(rng() * (whilePosting ? Math.min(1000, o.maxWaitMs) : o.maxWaitMs));
      if (whilePosting) while (postsTo(rt) === posts && Date.now() - t0 < o.maxWaitMs) await sleep(20);
      // Some changes while the run goes on: with webhooks, runs of their own during the run.
      await sleep(wait / 2);
      if (rng() < 0.5) shop.change({ pay: 1, cancel: 1, add: 1 });
      await sleep(wait / 2);
      await rt.kill();
      trace.add("killed", { cycle: k });
      kills++;
      // SnelStart finishes what it was handling (a request held by a delay fault; the simulator
      // stores it also when the client is gone) before Node-RED is back: a document stored after
      // the restarted koppeling looked for it would be booked twice, which no API without an
      // idempotency key can prevent.
      await sleep(Math.max(0, trace.snelstartBusyUntil - Date.now() + 50));
      shop.change({ pay: per(0.02), cancel: per(0.02), add: per(0.01) });
      log(`kill ${k}/${o.kills} ${Date.now() - t0} ms after the press${whilePosting ? " (while posting)" : ""}; SnelStart holds ${rt.snelstart.state.verkoopboekingen.size} sales bookings, ${rt.snelstart.state.verkooporders.size} sales orders`);
      await rt.restart();
      trace.add("restarted", { cycle: k });
    }
    feeder.stop();
    trace.add("faults off");

    // Fault-free runs until one books nothing new; the first is a full sweep, as the weekly one:
    // routine runs look only within the horizon, and webhooks sent while Node-RED was down are lost.
    const count = () => rt.snelstart.state.verkoopboekingen.size + rt.snelstart.state.verkooporders.size + rt.snelstart.state.relaties.size;
    let finalRuns = 0;
    let lastSummary: RunSummary | null = null;
    for (; finalRuns < 5; ) {
      const before = count();
      trace.add("final run", { n: finalRuns + 1 });
      lastSummary = await rt.run(900_000, { full: finalRuns === 0 });
      finalRuns++;
      log(`fault-free run ${finalRuns}: ${lastSummary.total} due, ${lastSummary.booked} booked, ${lastSummary.failed} failed`);
      if (count() === before) break;
    }
    // Webhook runs started by the last changes may still be busy: let them finish.
    await sleep(1000);

    const ledger = readLedgerFromDisk(userDir);
    if (o.keep) fs.writeFileSync(path.join(userDir, "chaos-trace.jsonl"), trace.lines.join("\n") + "\n");
    const { counts, ledgerUnaware, heldForPerson, sharing, problems } = compare(rt, shop, o.mode, ledger);
    const ledgerFailures: Record<string, number> = {};
    for (const f of Object.values(ledger?.failed ?? {})) ledgerFailures[f.code] = (ledgerFailures[f.code] ?? 0) + 1;
    const boekingen = [...rt.snelstart.state.verkoopboekingen.values()];
    const { log: _log, ...shown } = o;
    return {
      options: shown,
      counts,
      creditsMissingLedgerUnaware: ledgerUnaware,
      relatiesSharingEmail: sharing,
      heldForPerson,
      kills,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      shop: { orders: rt.ccv.state.orders.length, due: rt.ccv.state.orders.filter(qualifies).length, cancelled: shop.cancelled.size, paidLate: shop.paidLate, added: shop.added },
      snelstart: {
        verkoopboekingen: boekingen.filter((b) => !b.factuurnummer.startsWith("C")).length,
        verkooporders: rt.snelstart.state.verkooporders.size,
        credits: boekingen.filter((b) => b.factuurnummer.startsWith("C")).length,
        relaties: [...rt.snelstart.state.relaties.values()].filter((r) => r.relatiesoort.includes("Klant")).length,
      },
      faultsHit: feeder.hits,
      finalRuns,
      lastSummary,
      problems,
      ledgerFailures,
      userDir: o.keep ? userDir : null,
    };
  } finally {
    running = null;
    await rt.stop();
    if (!o.keep) fs.rmSync(userDir, { recursive: true, force: true });
  }
}

export function chaosFailed(r: ChaosReport): boolean {
  return Object.values(r.counts).some((n) => n !== 0);
}

export function formatReport(r: ChaosReport): string {
  const o = r.options;
  const c = r.counts;
  const rows: Array<[string, string | number]> = [
    ["missing (due, not booked)", `${c.missing}${r.heldForPerson ? `   (and held for a person by design, not counted: ${r.heldForPerson})` : ""}`],
    ["duplicated", c.duplicated],
    ["wrong amount", c.wrongAmount],
    ["booked, never due", c.notDue],
    ["credits missing", `${c.creditsMissing}${c.creditsMissing ? ` (${r.creditsMissingLedgerUnaware} of them: the ledger holds only an intent for the booking)` : ""}`],
    ["credits duplicated or not due", c.creditsDuplicated],
    ["duplicate relaties", `${c.duplicateRelaties}   (relaties sharing an e-mail address with another: ${r.relatiesSharingEmail})`],
    ["kills done", r.kills],
    ["run time", `${r.seconds} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    `chaos: ${o.orders} orders, seed ${o.seed}, ${o.kills} kills, mode ${o.mode}, unique check ${o.uniqueCheck ? "on" : "off"}, rate limits ${formatRateLimitSetting(o.rateLimits)}, webhooks ${o.webhooks ? "on" : "off"}, faults ${o.faults ? "on" : "off"}`,
    `shop: ${r.shop.orders} orders, ${r.shop.due} due at the end, ${r.shop.cancelled} cancelled, ${r.shop.paidLate} paid late, ${r.shop.added} new`,
    `SnelStart: ${r.snelstart.verkoopboekingen} sales bookings, ${r.snelstart.verkooporders} sales orders, ${r.snelstart.credits} credits, ${r.snelstart.relaties} klanten`,
    `faults hit: SnelStart ${r.faultsHit.snelstart}, CCV Shop ${r.faultsHit.ccv}; fault-free runs at the end: ${r.finalRuns}` +
      (r.lastSummary ? ` (last: ${r.lastSummary.total} due, ${r.lastSummary.booked} booked, ${r.lastSummary.failed} failed)` : ""),
    ...(Object.keys(r.ledgerFailures).length ? [`ledger failures left: ${Object.entries(r.ledgerFailures).map(([k, n]) => `${k} ${n}`).join(", ")}`] : []),
    "",
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
  ];
  if (r.problems.length) lines.push("", ...r.problems.map((p) => `  - ${p}`));
  if (r.userDir) lines.push("", `user directory kept: ${r.userDir}`);
  return lines.join("\n");
}

function onOff(flags: Map<string, string>, name: string, fallback: boolean): boolean {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (v !== "on" && v !== "off") throw new Error(`--${name} must be on or off, not "${v}"`);
  return v === "on";
}

export function parseChaosFlags(argv: readonly string[]): ChaosOptions {
  const f = readFlags(
    argv.filter((a) => a !== "--keep"),
    ["orders", "seed", "kills", "mode", "unique-check", "rate-limits", "webhooks", "faults", "max-wait"],
  );
  const mode = f.get("mode") ?? CHAOS_DEFAULTS.mode;
  if (mode !== "verkoopboeking" && mode !== "verkooporder") throw new Error(`--mode must be verkoopboeking or verkooporder, not "${mode}"`);
  return {
    orders: integerFlag(f, "orders", CHAOS_DEFAULTS.orders, 1),
    seed: integerFlag(f, "seed", CHAOS_DEFAULTS.seed),
    kills: integerFlag(f, "kills", CHAOS_DEFAULTS.kills),
    mode,
    uniqueCheck: onOff(f, "unique-check", CHAOS_DEFAULTS.uniqueCheck),
    rateLimits: f.has("rate-limits") ? parseRateLimitMode(f.get("rate-limits") as string) : CHAOS_DEFAULTS.rateLimits,
    webhooks: onOff(f, "webhooks", CHAOS_DEFAULTS.webhooks),
    faults: onOff(f, "faults", CHAOS_DEFAULTS.faults),
    maxWaitMs: integerFlag(f, "max-wait", CHAOS_DEFAULTS.maxWaitMs),
    keep: argv.includes("--keep"),
  };
}

async function main(): Promise<void> {
  let options: ChaosOptions;
  try {
    options = parseChaosFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`npm run chaos: ${(err as Error).message}`);
    process.exit(2);
  }
  console.log(`Starting the koppeling (${options.orders} orders, seed ${options.seed}) for ${options.kills} kills …`);
  // Ctrl-C: stop Node-RED and the simulators, and remove the user directory unless --keep.
  const interrupt = () => {
    const r = running;
    void (r?.rt.stop() ?? Promise.resolve()).finally(() => {
      if (r && !r.keep) fs.rmSync(r.userDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  try {
    const report = await runChaos({ ...options, log: (line) => console.log(line) });
    console.log("");
    console.log(formatReport(report));
    process.exit(chaosFailed(report) ? 1 : 0);
  } catch (err) {
    console.error(`npm run chaos failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
