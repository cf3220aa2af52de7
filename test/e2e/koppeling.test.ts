/**
 * The whole koppeling end to end, through a real Node-RED runtime (a child process with this
 * package installed from its tarball) and its admin API — no test-helper. The example flow is
 * deployed against the simulators; the scenarios build on each other in order.
 *
 * Runs on Node-RED 4.1 (this Node.js) and, in the test runner's second pass, on Node-RED 5
 * (NODE_RED_MODULE points at it, and this process is Node.js 22).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { EXAMPLE_IDS, type KoppelingRuntime, startKoppeling } from "../../scripts/node-red-runtime";
import type { SimOrder } from "../../sim/ccv/generate";
import { SIM_CREDENTIALS } from "../../sim/cli";
import { sleep, waitFor } from "./wait";

/** The statuses the example books: every status but 8 (cancelled). */
const BOOKED_STATUSES = new Set([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]);

function qualifies(o: SimOrder): boolean {
  return o.is_completed === true && o.ordernumber != null && o.status != null && BOOKED_STATUSES.has(o.status) && o.paid;
}

/** The factuurnummers booked in the SnelStart simulator, with how often each occurs. */
function bookedNumbers(rt: KoppelingRuntime): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of rt.snelstart.state.verkoopboekingen.values()) counts.set(b.factuurnummer, (counts.get(b.factuurnummer) ?? 0) + 1);
  return counts;
}

/** The invoice number the example's mapping gives an order: year (Amsterdam) + order number. */
function factuurnummerOf(o: SimOrder): string {
  const year = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Amsterdam", year: "numeric" }).format(new Date(o.create_date));
  return `${year}${o.ordernumber}`;
}

/** A hand-written order for the CCV simulator's control API: one 21 % row, paid. */
function newOrder(ordernumber: number, opts: { paid?: boolean; tax?: number; email?: string } = {}): Record<string, unknown> {
  const tax = opts.tax ?? 21;
  const gross = 121;
  const vat = Math.round((gross * tax * 100) / (100 + tax)) / 100;
  return {
    ordernumber,
    create_date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    status: 1,
    is_completed: true,
    paid: opts.paid ?? true,
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
      email: opts.email ?? `e2e-${ordernumber}@example.nl`,
      customertype: "b2c",
      btw: "",
      billingaddress: { first_name: "Eva", last_name: "Eind", full_name: "Eva Eind", street: "Teststraat", housenumber: 1, zipcode: "1234 AB", city: "Utrecht", country_code: "NL", country: "Nederland" },
    },
    orderrows: [{ product_type: "product", product_name: "Testartikel", product_number: "E2E-1", count: 1, price: gross, discount: 0, total_price: gross, tax }],
  };
}

async function control(base: string, method: string, p: string, body?: unknown): Promise<unknown> {
  const r = await fetch(base + p, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

describe("the koppeling end to end in a real Node-RED", function () {
  this.timeout(180_000);
  let rt: KoppelingRuntime;
  let nextNumber = 900001;

  before(async () => {
    const nodeRedDir = process.env.NODE_RED_MODULE;
    rt = await startKoppeling({
      orders: 40,
      seed: 7,
      // CCV's and SnelStart's per-minute windows, 6 times shorter: every limit is enforced, the runs stay quick.
      rateLimits: { scale: 6 },
      ...(nodeRedDir ? { nodeRedDir, nodeBinary: process.execPath } : {}),
    });
    await rt.waitForSummary(1);
  });

  after(async () => {
    await rt?.stop();
  });

  it("runs on the Node-RED this pass selects (4.1, or 5 under Node.js 22)", async () => {
    const settings = (await rt.adminGet("/settings")) as { version: string };
    const expected = JSON.parse(fs.readFileSync(path.join(process.env.NODE_RED_MODULE ?? path.dirname(require.resolve("node-red/package.json")), "package.json"), "utf8")).version;
    // Node-RED appends "-git" to its version when it runs inside a git checkout (as node_modules here does).
    assert.equal(settings.version.replace(/-git$/, ""), expected);
    assert.match(settings.version, process.env.NODE_RED_MODULE ? /^5\./ : /^4\.1\./);
  });

  it("loads every node set of the package in the runtime", async () => {
    const info = (await rt.adminGet("/nodes/@open-koppeling/node-red-ccv-snelstart")) as { nodes: Array<{ types: string[]; enabled: boolean; err?: string }> };
    const types = info.nodes.flatMap((n) => n.types).sort();
    assert.deepEqual(types, ["ccv-config", "ccv-orders-in", "ccv-snelstart-reconcile", "ccv-snelstart-report", "snelstart-config", "snelstart-debtor", "snelstart-invoice", "vat-mapper", "vat-mapping"]);
    assert.ok(info.nodes.every((n) => n.enabled && !n.err));
  });

  it("books every qualifying order exactly once at the first run, and nothing else", () => {
    const expected = rt.ccv.state.orders.filter(qualifies).map(factuurnummerOf).sort();
    assert.ok(expected.length >= 10, `only ${expected.length} qualifying orders in the seeded shop`);
    const booked = bookedNumbers(rt);
    assert.deepEqual([...booked.keys()].sort(), expected);
    assert.ok([...booked.values()].every((n) => n === 1), "an order was booked twice");
    const s = rt.summaries[0];
    // A fresh ledger checks the cancellations of paid orders older than itself once (nothing to credit here).
    const checked = rt.ccv.state.orders.filter((o) => o.status === 8 && o.paid && o.ordernumber != null).length;
    assert.equal(s.total, expected.length + checked);
    assert.equal(s.booked, expected.length);
    assert.equal(s.alreadyBooked, checked);
    assert.equal(s.failed, 0, JSON.stringify(s.errors));
  });

  it("keeps every secret out of flows.json (credentials go, encrypted, to flows_cred.json)", () => {
    const flows = fs.readFileSync(path.join(rt.userDir, "flows.json"), "utf8");
    const creds = fs.readFileSync(path.join(rt.userDir, "flows_cred.json"), "utf8");
    for (const secret of Object.values(SIM_CREDENTIALS)) {
      assert.ok(!flows.includes(secret), `flows.json contains ${secret}`);
      assert.ok(!creds.includes(secret), `flows_cred.json holds ${secret} in clear text`);
    }
    assert.match(creds, /"\$"/);
    assert.ok(JSON.parse(flows).some((n: { type: string }) => n.type === "ccv-config"));
  });

  it("books nothing new in a second run", async () => {
    const before = rt.snelstart.state.verkoopboekingen.size;
    const s = await rt.run();
    assert.equal(s.total, 0);
    assert.equal(s.failed, 0);
    assert.equal(rt.snelstart.state.verkoopboekingen.size, before);
  });

  it("books an order on the next run once it is paid", async () => {
    const unpaid = newOrder(nextNumber++, { paid: false });
    const added = (await control(rt.ccv.url, "POST", "/__sim/orders", unpaid)) as { id: number; ordernumber: number; create_date: string };
    let s = await rt.run();
    assert.equal(s.total, 0, "an unpaid order was due");
    await control(rt.ccv.url, "PATCH", `/__sim/orders/${added.id}`, { paid: true });
    const before = rt.snelstart.state.verkoopboekingen.size;
    s = await rt.run();
    assert.equal(s.booked, 1);
    assert.equal(rt.snelstart.state.verkoopboekingen.size, before + 1);
    assert.equal(bookedNumbers(rt).get(factuurnummerOf(added as unknown as SimOrder)), 1);
  });

  it("books a new order pushed through the webhook within 2 seconds; a wrong token gets 401 and fetches nothing", async () => {
    await rt.inject(EXAMPLE_IDS.registerWebhooks);
    await waitFor("webhooks registered", 10_000, () => rt.ccv.state.webhooks.length >= 3);
    assert.deepEqual(rt.ccv.state.webhooks.map((w) => w.event).sort(), ["orders.created", "orders.updated.ispaid", "orders.updated.status"]);

    const gets = rt.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/");
    const refused = await fetch(rt.webhookUrl.replace(/[^/]+$/, "wrong-token"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: 1 }) });
    assert.equal(refused.status, 401);
    await sleep(300);
    assert.equal(rt.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/"), gets, "a refused webhook fetched an order");

    const order = newOrder(nextNumber++);
    const started = Date.now();
    const added = (await control(rt.ccv.url, "POST", "/__sim/orders", order)) as SimOrder;
    const number = factuurnummerOf(added);
    await waitFor(`booking ${number}`, 2_000, () => bookedNumbers(rt).get(number) === 1);
    assert.ok(Date.now() - started <= 2_000);
  });

  it("books nothing wrongly while SnelStart answers 503, and the next run catches up", async () => {
    // SnelStart answers every booking POST with 503 from now on; then three orders arrive (their
    // webhooks try to book them at once) and a scheduled run tries again.
    await control(rt.snelstart.url, "POST", "/__sim/faults", { kind: "status", status: 503, method: "POST", path: "/v2/verkoopboekingen", count: 1000 });
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const added = (await control(rt.ccv.url, "POST", "/__sim/orders", newOrder(nextNumber++, { email: `e2e-503-${i}@example.nl` }))) as SimOrder;
      numbers.push(factuurnummerOf(added));
    }
    const failing = await rt.run();
    await sleep(500);
    await control(rt.snelstart.url, "DELETE", "/__sim/faults");
    assert.equal(failing.booked, 0);
    for (const n of numbers) assert.equal(bookedNumbers(rt).get(n) ?? 0, 0, `${n} was booked during the outage`);

    const s = await rt.run();
    assert.equal(s.failed, 0, JSON.stringify(s.errors));
    const booked = bookedNumbers(rt);
    for (const n of numbers) assert.equal(booked.get(n), 1, `${n} after the outage`);
    assert.ok([...booked.values()].every((c) => c === 1), "an order was booked twice");
  });

  it("credits an order that is cancelled after it was booked", async () => {
    const added = (await control(rt.ccv.url, "POST", "/__sim/orders", newOrder(nextNumber++))) as SimOrder & { id: number };
    const number = factuurnummerOf(added);
    await waitFor(`booking ${number}`, 5_000, () => bookedNumbers(rt).get(number) === 1);
    await control(rt.ccv.url, "PATCH", `/__sim/orders/${added.id}`, { status: 8 });
    await waitFor(`credit note C${number}`, 5_000, () => bookedNumbers(rt).get(`C${number}`) === 1);
    const credit = [...rt.snelstart.state.verkoopboekingen.values()].find((b) => b.factuurnummer === `C${number}`);
    assert.equal(credit?.factuurbedrag, -121);
  });

  it("sends one alert mail after an order failed in three runs in a row", async () => {
    // A 7 % row: no Dutch VAT rate, so vat-mapper refuses the order (VAT_UNMAPPED_RATE) in every run.
    await rt.ccv.state.settled();
    const runsBefore = rt.summaries.length;
    const bad = (await control(rt.ccv.url, "POST", "/__sim/orders", newOrder(nextNumber++, { tax: 7 }))) as SimOrder;
    // The webhook run may already have counted one attempt; runs until three are done.
    await waitFor("the webhook run", 5_000, () => rt.summaries.length > runsBefore);
    const mailsBefore = rt.mails.length;
    for (let i = 0; i < 3; i++) {
      const s = await rt.run();
      assert.equal(s.failed, 1);
      assert.equal(s.errors[0].code, "VAT_UNMAPPED_RATE");
    }
    await waitFor("the alert mail", 10_000, () => rt.mails.length > mailsBefore);
    await rt.run();
    await sleep(1_000);
    assert.equal(rt.mails.length, mailsBefore + 1, "not exactly one alert");
    const mail = rt.mails[mailsBefore];
    assert.deepEqual(mail.to, ["owner@example.nl"]);
    assert.match(mail.subject, /CCV Shop → SnelStart/);
    assert.match(mail.text, new RegExp(`Order ${bad.ordernumber}: VAT_UNMAPPED_RATE`));
  });
});
