/**
 * ccv-orders-in against the CCV simulator: which orders a run sends (statuses, paid only, start
 * date, historical import, the ledger), the message it sends, webhooks (one order, and
 * registering them), cancellations and credit invoices of booked orders, and its failures.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Node } from "node-red";
import { amsterdamDate } from "../../src/koppeling/dates";
import {
  NODES,
  TAB,
  addCreditInvoice,
  customer,
  row,
  addOrder,
  assertCode,
  atLeast,
  boekingen,
  collect,
  control,
  credentials,
  documents,
  emptyRunMarkers,
  helper,
  koppelingFlow,
  simpleOrder,
  sleep,
  startSims,
  statusMatching,
  statuses,
  teardown,
  trigger,
  until,
  type Msg,
  type Sims,
  readLedger,
  withUserDir,
} from "./support";

const ALL_BUT_CANCELLED = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14];

/** ccv-orders-in alone: its output to `orders`, a Catch node to `caught`, a Status node to `statuses`. */
const WEBHOOK_TOKEN = "0123456789abcdef0123456789abcdef0123";

function ordersFlow(sims: Sims, over: Record<string, unknown> = {}): Array<Record<string, unknown> & { id: string; type: string }> {
  const z = TAB;
  return [
    { id: TAB, type: "tab", label: "orders" },
    { id: "ccv", type: "ccv-config", name: "shop", shopUrl: sims.ccv.url, contextStore: "" },
    { id: "in", type: "ccv-orders-in", z, x: 100, y: 40, ccv: "ccv", statuses: ALL_BUT_CANCELLED, paidOnly: true, since: "", importExisting: true, credits: true, ...over, wires: [["orders"]] },
    { id: "orders", type: "helper", z, x: 300, y: 40 },
    { id: "catchAll", type: "catch", z, x: 100, y: 80, scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", z, x: 300, y: 80 },
    { id: "statusOfIn", type: "status", z, x: 100, y: 120, scope: ["in"], wires: [["statusMsgs"]] },
    { id: "statusMsgs", type: "helper", z, x: 300, y: 120 },
  ];
}

type Ledger = {
  booked: Record<string, { factuurnummer: string }>;
  failed: Record<string, { code: string; stage: string; attempts: number }>;
  runs: { consecutiveFailures: number; firstRunAt: string | null; lastError: { code: string } | null };
};

const ledger = () => readLedger<Ledger>();

const ids = (msgs: Msg[]) => documents(msgs).map((m) => m.payload.order?.id ?? m.payload.invoice?.id);

describe("nodes: ccv-orders-in", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("sends one message per due order: {order, rows}, msg.ccv, msg.run, msg.topic; progress in its status", async () => {
    sims = await startSims();
    const a = await addOrder(sims, simpleOrder(1001, { status: 1 }));
    const b = await addOrder(sims, simpleOrder(1002, { status: 4, orderrows: [{ product_name: "A", count: 1, price: 10, tax: 21 }, { product_name: "B", count: 3, price: 2.5, tax: 9 }] }));
    const c = await addOrder(sims, simpleOrder(1003, { status: 7 }));
    await addOrder(sims, simpleOrder(1004, { paid: false }));
    await addOrder(sims, simpleOrder(1005, { status: 8, paid: false }));
    await addOrder(sims, simpleOrder(1006, { is_completed: false, ordernumber: null }));
    await helper.load(NODES, ordersFlow(sims), credentials(sims));
    const out = collect("orders", { ends: true });
    trigger();
    await atLeast(out, 4);
    await statusMatching("in", /^3\/3 sent \d\d:\d\d$/);
    await sleep(20);
    assert.equal(out.length, 4, "three documents and the run's end");
    assert.deepEqual(ids(out).sort(), [a.id, b.id, c.id].sort());

    const mb = out.find((m) => m.payload.order.id === b.id) as Msg;
    assert.equal(mb.payload.rows.length, 2);
    assert.deepEqual(
      mb.payload.rows.map((r: { product_name: string; count: number; price: number; tax: number }) => [r.product_name, r.count, r.price, r.tax]),
      [
        ["A", 1, 10, 21],
        ["B", 3, 2.5, 9],
      ],
    );
    assert.equal(mb.payload.order.ordernumber, 1002);
    assert.equal(mb.topic, "1002");
    assert.deepEqual(mb.ccv, { configId: "ccv", shopId: new URL(sims.ccv.url).host, orderId: b.id, ordernumber: 1002, kind: "order" });
    const runId = out[0].run?.id;
    assert.ok(runId);
    assert.deepEqual(
      out.map((m) => m.run),
      [
        ...[1, 2, 3].map((index) => ({ id: runId, configId: "ccv", index, total: null, trigger: "schedule" })),
        { id: runId, configId: "ccv", index: 0, total: 3, trigger: "schedule", end: true },
      ],
      "documents stream (their number unknown), the end message tells it",
    );
    assert.equal(out[3].ccv, undefined);

    const texts = statuses("in").map((s) => `${s.fill}/${s.shape}/${s.text}`);
    // Texts without numbers are keys of the node's catalogue (the editor translates them); with numbers, the runtime's translation.
    assert.equal(texts[0], "grey/ring/ccv-orders-in.statusText.ready");
    assert.equal(texts[1], "yellow/ring/ccv-orders-in.statusText.fullSweep", "the first run lists everything since the start");
    assert.deepEqual(texts.slice(2, 5), ["yellow/ring/1 found…", "yellow/ring/2 found…", "yellow/ring/3 found…"]);
    assert.match(texts[5], /^green\/dot\/3\/3 sent \d\d:\d\d$/);
  });

  it("honours the selected statuses (as a comma-separated string) and paid-only off", async () => {
    sims = await startSims();
    const s1 = await addOrder(sims, simpleOrder(1101, { status: 1, paid: false }));
    await addOrder(sims, simpleOrder(1102, { status: 2 }));
    const s4 = await addOrder(sims, simpleOrder(1103, { status: 4 }));
    await addOrder(sims, simpleOrder(1104, { status: 7 }));
    await helper.load(NODES, ordersFlow(sims, { statuses: "1, 4", paidOnly: false }), credentials(sims));
    const out = collect("orders");
    trigger();
    await statusMatching("in", /sent/);
    assert.deepEqual(ids(out).sort(), [s1.id, s4.id].sort());
  });

  it("honours the start date as midnight in Amsterdam (summer and winter time)", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(1201, { create_date: "2025-06-02T21:59:59Z" })); // 23:59:59 on 2 June in Amsterdam (CEST)
    const june = await addOrder(sims, simpleOrder(1202, { create_date: "2025-06-02T22:00:00Z" })); // 00:00 on 3 June
    const dec = await addOrder(sims, simpleOrder(1203, { create_date: "2025-11-30T23:00:00Z" })); // 00:00 on 1 December (CET)
    await addOrder(sims, simpleOrder(1204, { create_date: "2025-11-30T22:59:59Z" }));
    await helper.load(NODES, ordersFlow(sims, { since: "2025-06-03" }), credentials(sims));
    const out = collect("orders");
    trigger();
    await statusMatching("in", /sent/);
    assert.deepEqual(ids(out).sort(), [june.id, dec.id, sims.ccv.state.orders[3].id].sort());
    await helper.unload();

    await helper.load(NODES, ordersFlow(sims, { since: "2025-12-01" }), credentials(sims));
    const winter = collect("orders");
    trigger();
    await statusMatching("in", /sent/);
    assert.deepEqual(ids(winter), [dec.id]);
  });

  it("without historical import leaves orders created before the first run alone and takes those after it", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(1301, { create_date: new Date(Date.now() - 3_600_000).toISOString().slice(0, 19) + "Z" }));
    await helper.load(NODES, ordersFlow(sims, { importExisting: false }), credentials(sims));
    const out = collect("orders", { ends: true });
    trigger();
    await statusMatching("in", /^nothing due \d\d:\d\d$/);
    assert.equal(documents(out).length, 0);
    assert.equal(emptyRunMarkers(out).length, 1, "a run with nothing due sends one marker for the report");
    const firstRunAt = (await ledger()).runs.firstRunAt;
    assert.ok(firstRunAt);

    // CCV gives create_date in whole seconds: an order placed in the same second as (after) the first run.
    const sameSecond = await addOrder(sims, simpleOrder(1302, { create_date: `${firstRunAt.slice(0, 19)}Z` }));
    const later = await addOrder(sims, simpleOrder(1303, { create_date: new Date(Date.parse(firstRunAt) + 60_000).toISOString().slice(0, 19) + "Z" }));
    const before = statuses("in").length;
    trigger();
    await until("the second run", () => statuses("in").length > before + 1 && /sent/.test(String(statuses("in").at(-1)?.text)));
    assert.deepEqual(ids(out).sort(), [sameSecond.id, later.id].sort());
    assert.equal((await ledger()).runs.firstRunAt, firstRunAt, "the first run stays the first run");
  });

  it("with historical import on takes old orders too; booked orders (ledger) are not sent again", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(1401, { create_date: "2020-01-15T10:00:00Z" }));
    await addOrder(sims, simpleOrder(1402));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const orders = collect("orders", { ends: true });
    const out = collect("out");
    trigger();
    await atLeast(out, 2, "bookings");
    assert.deepEqual(boekingen(sims).map((b) => b.factuurnummer).sort(), ["20201401", "20251402"]);

    trigger();
    await statusMatching("in", /^nothing due/);
    assert.equal(documents(orders).length, 2, "the second run sends no order");

    const third = await addOrder(sims, simpleOrder(1403));
    trigger();
    await until("the third booking", () => documents(out).length >= 3);
    const sent = documents(orders);
    assert.equal(sent.length, 3);
    assert.equal(sent[2].payload.order.id, third.id);
    const end = orders.filter((m) => m.run?.end && m.run.id === sent[2].run?.id);
    assert.deepEqual(end.map((m) => m.run?.total), [1], "the third run's end message counts its one document");
  });

  it("a webhook (msg.payload.id, as CCV posts it) sends that one order only if it is due", async () => {
    sims = await startSims();
    const receiver = await startReceiver();
    try {
      await helper.load(NODES, ordersFlow(sims, { webhook: true, publicUrl: receiver.base }), { ...credentials(sims), in: { webhookToken: WEBHOOK_TOKEN } });
      const out = collect("orders");
      const caught = collect("caught");

      // register-webhooks: the three order events for the node's address (public address, path, token), once.
      trigger({ topic: "register-webhooks" });
      await statusMatching("in", /^webhooks: 3 new, 0 kept$/);
      assert.deepEqual(sims.ccv.state.webhooks.map((w) => w.event).sort(), ["orders.created", "orders.updated.ispaid", "orders.updated.status"]);
      const address = `${receiver.base}/ccv-snelstart/webhook/${WEBHOOK_TOKEN}`;
      assert.ok(sims.ccv.state.webhooks.every((w) => w.address === address && w.is_active));
      trigger({ topic: "register-webhooks", payload: { address: receiver.base } });
      await statusMatching("in", /^webhooks: 0 new, 3 kept$/);
      assert.equal(sims.ccv.state.webhooks.length, 3);
      assert.equal(out.length, 0, "registering sends nothing");

      await addOrder(sims, simpleOrder(1501)); // due, but the webhooks below name another order
      const unpaid = await addOrder(sims, simpleOrder(1502, { paid: false }));
      await sims.ccv.state.settled();
      const created = receiver.bodies.find((b) => b.id === unpaid.id);
      assert.ok(created, "CCV posted orders.created");
      trigger({ payload: created });
      await statusMatching("in", new RegExp(`^order ${unpaid.id} not due`));
      assert.equal(out.length, 0);

      await control(sims.ccv.url, "PATCH", `/__sim/orders/${unpaid.id}`, { paid: true });
      await sims.ccv.state.settled();
      const paid = receiver.bodies.find((b) => b.id === unpaid.id && b.paid === true);
      assert.ok(paid, "CCV posted orders.updated.ispaid");
      trigger({ payload: paid });
      await atLeast(out, 1);
      await statusMatching("in", new RegExp(`^order ${unpaid.id} sent`));
      assert.equal(out.length, 1);
      assert.equal(out[0].payload.order.id, unpaid.id);
      assert.deepEqual([out[0].run?.index, out[0].run?.total], [1, 1]);

      trigger({ payload: { id: "12; DROP" } });
      trigger({ topic: "register-webhooks", payload: { address: "not a url" } });
      trigger({ topic: "register-webhooks", payload: { address: "http://node-red.example.nl" } });
      trigger({ topic: "register-webhooks", payload: { address: `https://node-red.example.nl/ccv-snelstart/webhook/${WEBHOOK_TOKEN}` } });
      await atLeast(caught, 4, "caught errors");
      assert.deepEqual(caught.map((c) => c.error?.code).sort(), ["CCV_WEBHOOK_ADDRESS", "CCV_WEBHOOK_ADDRESS", "CCV_WEBHOOK_ADDRESS", "CCV_WEBHOOK_INVALID"]);
      assert.match(String(caught.find((c) => /https/.test(String(c.error?.message)))?.error?.message), /must start with https:\/\//);
    } finally {
      await receiver.close();
    }
  });

  it("credits booked orders: a cancellation, and a CCV credit invoice (which wins over the cancellation of its order)", async () => {
    sims = await startSims();
    // Placed two days ago: a routine run looks for cancellations among the orders of the last 90 days.
    const placed = new Date(Date.now() - 2 * 86_400_000);
    const y = amsterdamDate(placed.toISOString()).slice(0, 4);
    const at = { create_date: `${placed.toISOString().slice(0, 19)}Z` };
    const a = await addOrder(sims, simpleOrder(1601, at));
    const b = await addOrder(sims, simpleOrder(1602, at));
    const c = await addOrder(sims, simpleOrder(1603, at));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const orders = collect("orders");
    const out = collect("out");
    trigger();
    await atLeast(out, 3, "bookings");

    await control(sims.ccv.url, "PATCH", `/__sim/orders/${a.id}`, { status: 8 });
    addCreditInvoice(sims, b, 90001);
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${c.id}`, { status: 8 });
    addCreditInvoice(sims, c, 90002);
    trigger();
    await atLeast(out, 5, "bookings");
    await sleep(50);
    const second = documents(orders).slice(3);
    assert.deepEqual(
      second.map((m) => [m.ccv.kind, m.ccv.ordernumber, m.ccv.originalFactuurnummer]).sort(),
      [
        ["cancellation", 1601, `${y}1601`],
        ["credit-invoice", 1602, `${y}1602`],
        ["credit-invoice", 1603, `${y}1603`],
      ],
      "A's cancellation, B's credit invoice, and for C (cancelled and credited) only its credit invoice",
    );
    const cancel = second.find((m) => m.ccv.kind === "cancellation") as Msg;
    assert.equal(cancel.ccv.orderId, a.id);
    assert.equal(cancel.payload.order.status, 8);
    const credit = second.find((m) => m.ccv.ordernumber === 1602) as Msg;
    assert.equal(credit.payload.invoice.type, "credit");
    assert.equal(credit.ccv.orderId, credit.payload.invoice.id, "a credit invoice is named by its CCV invoice id");
    assert.ok(credit.payload.rows.length > 0);

    const byNumber = Object.fromEntries(boekingen(sims).map((x) => [x.factuurnummer, x.factuurbedrag]));
    assert.deepEqual(byNumber, {
      [`${y}1601`]: 24.2,
      [`${y}1602`]: 24.2,
      [`${y}1603`]: 24.2,
      [`C${y}1601`]: -24.2,
      [`C${y}1602-90001`]: -24.2,
      [`C${y}1603-90002`]: -24.2,
    });

    // Everything is credited once: the next run has nothing to do.
    const before = documents(orders).length;
    trigger();
    await statusMatching("in", /nothing due/);
    assert.equal(documents(orders).length, before);
  });

  it("a CCV credit invoice dated after 1 July 2021 of an earlier sale to an EU consumer keeps the Dutch VAT that sale carried (its order's day decides)", async () => {
    sims = await startSims({ ossEnabled: false });
    const fr = customer({ country: "FR", email: "client@example.fr", name: "Fatima Jansen" });
    const order = await addOrder(sims, simpleOrder(1701, { create_date: "2021-06-28T02:08:43Z", customer: fr, orderrows: [row({ name: "Oude kaas", number: "KAAS-1", price: 10.9, tax: 9 })] }));
    addCreditInvoice(sims, order, 90011);
    const credit = sims.ccv.state.invoices[sims.ccv.state.invoices.length - 1];
    credit.create_date = "2021-07-04T03:03:09Z";
    await helper.load(NODES, koppelingFlow(sims, { mapping: { euConsumers: "oss" } }), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    await atLeast(out, 2, "the order and its credit note");
    assert.deepEqual(caught, []);
    const byNumber = Object.fromEntries(boekingen(sims).map((x) => [x.factuurnummer, x.btw.map((v) => [v.btwSoort, v.btwBedrag])]));
    assert.deepEqual(byNumber, { "20211701": [["VerkopenLaag", 0.9]], "C20211701-90011": [["VerkopenLaag", -0.9]] });
  });

  it("a credit invoice whose order's date the ledger does not keep (booked by 0.1, or folded) reads it from CCV Shop: still the Dutch VAT of that sale", async () => {
    sims = await startSims({ ossEnabled: false });
    const fr = customer({ country: "FR", email: "client@example.fr", name: "Fatima Jansen" });
    const order = await addOrder(sims, simpleOrder(1702, { create_date: "2021-06-28T02:08:43Z", customer: fr, orderrows: [row({ name: "Oude kaas", number: "KAAS-1", price: 10.9, tax: 9 })] }));
    await helper.load(NODES, koppelingFlow(sims, { mapping: { euConsumers: "oss" } }), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    await atLeast(out, 1, "the order");
    const shop = helper.getNode("ccv") as unknown as { ledger: { update<T>(fn: (l: { booked: Record<string, Record<string, unknown>> }) => T): Promise<T> } };
    const key = `order:${order.id}`;
    // As a ledger of 0.1 has it: no order date with the booking.
    const had = await shop.ledger.update((l) => {
      const { created, ...rest } = l.booked[key];
      l.booked[key] = rest;
      return created;
    });
    assert.equal(had, "2021-06-28T02:08:43Z", "0.2 keeps the order's date with its booking");
    addCreditInvoice(sims, order, 90012);
    sims.ccv.state.invoices[sims.ccv.state.invoices.length - 1].create_date = "2021-07-04T03:03:09Z";
    trigger();
    await atLeast(out, 2, "the credit note");
    assert.deepEqual(caught, []);
    const credit = boekingen(sims).find((x) => x.factuurnummer === "C20211702-90012");
    assert.deepEqual(credit?.btw.map((v) => [v.btwSoort, v.btwBedrag]), [["VerkopenLaag", -0.9]]);
    const msg = documents(out).find((m) => m.ccv.kind === "credit-invoice");
    assert.equal(msg?.ccv.originalCreated, "2021-06-28T02:08:43Z");
  });

  it("a cancellation arriving by webhook while the order's CCV credit invoice is being booked is not credited as well", async () => {
    sims = await startSims();
    await control(sims.ss.url, "PUT", "/__sim/unique-check", { enabled: false });
    const order = await addOrder(sims, simpleOrder(1604));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 1, "bookings");

    // The credit invoice's POST is held in SnelStart while the order's cancellation comes in by webhook.
    addCreditInvoice(sims, order, 90003);
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "delay", ms: 3000, method: "POST", path: "/v2/verkoopboekingen", count: 1 });
    trigger();
    await until("the credit invoice's POST held in SnelStart", () => sims?.ss.state.faults.pending === 0);
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${order.id}`, { status: 8 });
    trigger({ topic: "webhook", payload: { id: order.id } });
    await atLeast(out, 3, "bookings and skips", 10_000);

    assert.deepEqual(boekingen(sims).map((x) => x.factuurnummer).sort(), ["20251604", "C20251604-90003"], "credited once, by the credit invoice");
    const skipped = out.find((m) => m.ccv.kind === "cancellation") as Msg;
    const credit = out.find((m) => m.ccv.kind === "credit-invoice") as Msg;
    assert.equal(skipped.snelstart?.creditedBy, `credit:${credit.ccv.orderId}`);
    assert.equal(skipped.snelstart?.alreadyBooked, true);
  });

  it("CCV_AUTH: a wrong secret ends the run with an error for the Catch node, a red status (seen by a Status node) and a run failure in the ledger", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(1701));
    await helper.load(NODES, ordersFlow(sims), credentials(sims, { ccv: { secret: "wrong-secret-value" } }));
    const out = collect("orders");
    const caught = collect("caught");
    const statusMsgs = collect("statusMsgs");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "CCV_AUTH");
    assert.equal(c.ccv, undefined, "a run failure names no order");
    assert.deepEqual([c.run?.configId, c.run?.index, c.run?.total], ["ccv", 0, 0]);
    assert.ok(!JSON.stringify(c.error).includes("wrong-secret-value"), "the secret is not in the error");
    assert.equal(out.length, 0);
    assert.deepEqual(statuses("in").at(-1), { fill: "red", shape: "ring", text: "CCV_AUTH" });
    const seen = await atLeast(statusMsgs, 1, "status messages");
    await until("a CCV_AUTH status message", () => seen.some((m) => (m as unknown as { status: { text: string } }).status.text === "CCV_AUTH"));
    const l = await ledger();
    assert.equal(l.runs.consecutiveFailures, 1);
    assert.equal(l.runs.lastError?.code, "CCV_AUTH");
  });

  it("a shop without API keys: a run and register-webhooks both end in CCV_CONFIG, with a red status", async () => {
    sims = await startSims();
    await helper.load(NODES, ordersFlow(sims, { webhook: true }), { in: { webhookToken: WEBHOOK_TOKEN } });
    const caught = collect("caught");
    trigger();
    await atLeast(caught, 1, "caught errors");
    assertCode(caught[0], "CCV_CONFIG");
    assert.deepEqual(statuses("in").at(-1), { fill: "red", shape: "ring", text: "CCV_CONFIG" });
    trigger({ topic: "register-webhooks", payload: { address: "https://node-red.example.nl" } });
    await atLeast(caught, 2, "caught errors");
    assertCode(caught[1], "CCV_CONFIG");
    assert.ok(statuses("in").filter((st) => st.text === "CCV_CONFIG").length >= 2, "register-webhooks shows its failure too");
    assert.equal(sims.ccv.state.requests.toJSON()["GET /api/rest/v1/webhooks/"] ?? 0, 0);
  });

  it("a problem fetching one order's rows is reported for that order (msg.ccv) and the run goes on", async () => {
    sims = await startSims();
    const a = await addOrder(sims, simpleOrder(1801));
    const b = await addOrder(sims, simpleOrder(1802));
    const c = await addOrder(sims, simpleOrder(1803));
    await control(sims.ccv.url, "POST", "/__sim/faults", { kind: "status", status: 404, method: "GET", path: `orders/${b.id}/orderrows` });
    await helper.load(NODES, ordersFlow(sims), credentials(sims));
    const out = collect("orders");
    const caught = collect("caught");
    trigger();
    const [err] = await atLeast(caught, 1, "caught errors");
    await statusMatching("in", /sent/);
    assertCode(err, "CCV_NOT_FOUND");
    assert.equal(err.ccv.orderId, b.id);
    assert.deepEqual([err.run?.index, err.run?.total], [2, null], "the second document of a streaming run");
    assert.deepEqual(ids(out).sort(), [a.id, c.id].sort());
    assert.match(String(statuses("in").at(-1)?.text), /^2\/3 sent/);
    const l = await ledger();
    assert.deepEqual([l.failed[`order:${b.id}`]?.code, l.failed[`order:${b.id}`]?.stage], ["CCV_NOT_FOUND", "ccv-orders-in"]);
  });

  it("skips a second run while one is busy", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(1901));
    await control(sims.ccv.url, "POST", "/__sim/faults", { kind: "delay", ms: 300, method: "GET", path: "/orders/" });
    await helper.load(NODES, ordersFlow(sims), credentials(sims));
    const out = collect("orders");
    trigger();
    await sleep(50);
    trigger();
    await statusMatching("in", /sent/);
    await sleep(50);
    assert.equal(out.length, 1);
    assert.ok(statuses("in").some((s) => s.text === "ccv-orders-in.statusText.busy"));
  });
});

describe("nodes: ccv-orders-in closed (redeploy) during a run", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });
  withUserDir();

  it("close while a run is paging: the run stops, nothing is fetched or sent after close resolves, the status is cleared, and the ledger on disk loads cleanly for the next run", async () => {
    const s = (sims = await startSims());
    const first = Date.parse("2025-05-01T10:00:00Z");
    for (let n = 0; n < 120; n++) s.ccv.state.addOrder(simpleOrder(2100 + n, { create_date: `${new Date(first + n * 60_000).toISOString().slice(0, 19)}Z` }));
    // The fourth order's rows are slow: the run waits on CCV, in its first page of two, when the node closes.
    const slow = s.ccv.state.orders[3];
    await control(s.ccv.url, "POST", "/__sim/faults", { kind: "delay", ms: 500, method: "GET", path: `orders/${slow.id}/orderrows` });
    const asked = () => Object.values(s.ccv.state.requests.toJSON()).reduce((a, b) => a + b, 0);
    const answered = () => [...s.ccv.state.statusCounts.values()].reduce((a, b) => a + b, 0);
    await helper.load(NODES, ordersFlow(s), credentials(s));
    const out = collect("orders", { ends: true });
    trigger();
    await until("the slow request", () => s.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/orderrows/") === 4);

    await (helper.getNode("in") as Node & { close(removed: boolean): Promise<void> }).close(false);
    assert.equal(answered() < asked(), true, "close did not wait for CCV's slow answer");
    assert.deepEqual(statuses("in").at(-1), {}, "the status is cleared");
    const sentAtClose = out.length;
    const askedAtClose = asked();
    assert.equal(sentAtClose, 3);
    await until("CCV's slow answer", () => answered() === asked());
    assert.deepEqual([out.length, asked()], [sentAtClose, askedAtClose], "nothing sent or fetched after close");
    assert.equal(documents(out).length, out.length, "a stopped run sends no end message");
    await helper.unload();

    // The next life on the same user directory: the journal loads; what was found is due, the marks did not move.
    await helper.load(NODES, ordersFlow(s), credentials(s));
    type Pending = { pending: Record<string, { due: boolean }>; runs: { marks: { orders: string | null; fullSweepAt: string | null } } };
    const l = await readLedger<Pending>();
    assert.deepEqual(
      Object.keys(l.pending).sort(),
      s.ccv.state.orders
        .slice(0, 4)
        .map((o) => `order:${o.id}`)
        .sort(),
    );
    assert.ok(Object.values(l.pending).every((p) => p.due));
    assert.deepEqual([l.runs.marks.orders, l.runs.marks.fullSweepAt], [null, null]);
    const again = collect("orders");
    trigger();
    await statusMatching("in", /^120\/120 sent/, 15_000);
    const ids = again.map((m) => m.payload.order.id);
    assert.deepEqual([ids.length, new Set(ids).size], [120, 120], "every order once: nothing lost, nothing twice");
  });
});

/** A webhook receiver on 127.0.0.1 (any path) that keeps the JSON bodies CCV posts. */
async function startReceiver(): Promise<{ base: string; bodies: Array<Record<string, unknown>>; close(): Promise<void> }> {
  const bodies: Array<Record<string, unknown>> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
