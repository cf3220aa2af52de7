/**
 * The koppeling against a shop that answers like the real CCV Shop (the simulator's `real` and
 * `mixed` shapes: string ids, URL-string invoice links, numeric invoice statuses, nulls, missing
 * fields) and with broken documents among good ones: one bad document fails alone, recorded in
 * the ledger with a code that names it, the field and what was found; the run books the rest,
 * the report counts it, and the next run retries it.
 */
import assert from "node:assert/strict";
import {
  NODES,
  addCreditInvoice,
  addOrder,
  atLeast,
  boekingen,
  collect,
  control,
  credentials,
  documents,
  helper,
  koppelingFlow,
  simpleOrder,
  sleep,
  startSims,
  statusMatching,
  teardown,
  trigger,
  type Msg,
  type Sims,
  readLedger,
} from "./support";

/** A failed entry as the ledger keeps it: code and stage, no message (that is only in the run's messages). */
type Failure = { code: string; stage: string; attempts: number; message?: string };
type Ledger = { booked: Record<string, { factuurnummer: string }>; failed: Record<string, Failure>; runs: { consecutiveFailures: number } };

const ledger = () => readLedger<Ledger>();

type Summary = { booked: number; failed: number; alreadyBooked: number; total: number; runError: unknown; errors: Array<{ ordernumber: number | null; code: string; message: string }> };

/** Writes raw values into a stored CCV document, as broken as a real shop may send it. */
function malform(sims: Sims, kind: "orders" | "invoices", id: number, body: { set?: Record<string, unknown>; unset?: string[] }): Promise<unknown> {
  return control(sims.ccv.url, "PATCH", `/__sim/${kind}/${id}/raw`, body);
}

describe("nodes: a shop shaped like the real CCV Shop, with broken documents among good ones", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("a scheduled run over 50 orders with one malformed order books the other 49; the bad one is recorded with its code, field and value, and booked once fixed", async () => {
    sims = await startSims({ shapes: "real" });
    const orders = [];
    for (let n = 0; n < 50; n++) orders.push(await addOrder(sims, simpleOrder(5000 + n)));
    const bad = orders[17];
    await malform(sims, "orders", bad.id, { set: { total_tax: null } });
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const summaries = collect("summary");
    const caught = collect("caught");

    trigger();
    const first = { payload: (await atLeast(summaries, 1, "summaries", 15_000))[0].payload as Summary };
    assert.equal(first.payload.runError, null, "the run itself did not fail");
    assert.equal(first.payload.total, 50);
    assert.equal(first.payload.booked, 49);
    assert.equal(first.payload.failed, 1);
    assert.deepEqual(
      first.payload.errors.map((e) => [e.ordernumber, e.code]),
      [[5017, "CCV_INVALID_DOCUMENT"]],
    );
    assert.match(first.payload.errors[0].message, new RegExp(`order ${bad.id}.*total_tax.*found null`));
    assert.equal(boekingen(sims).length, 49);
    assert.ok(!boekingen(sims).some((b) => b.factuurnummer === "20255017"));
    const caughtBad = caught.find((m) => m.ccv?.ordernumber === 5017);
    assert.equal(caughtBad?.error?.code, "CCV_INVALID_DOCUMENT");
    assert.equal(caughtBad?.error?.source?.type, "ccv-orders-in");

    const l = await ledger();
    assert.equal(Object.keys(l.booked).length, 49);
    const failure = l.failed[`order:${bad.id}`];
    assert.equal(failure.code, "CCV_INVALID_DOCUMENT");
    assert.equal(failure.stage, "ccv-orders-in");
    assert.equal(failure.attempts, 1);
    assert.equal(failure.message, undefined, "the reason is in the run's messages, not in the ledger");
    assert.equal(l.runs.consecutiveFailures, 0, "a bad document is not a failed run");

    // The next run retries it: still broken, a second attempt; once the shop fixes it, booked once.
    trigger();
    await atLeast(summaries, 2, "summaries");
    assert.equal((summaries[1].payload as Summary).failed, 1);
    assert.equal((await ledger()).failed[`order:${bad.id}`].attempts, 2);
    await malform(sims, "orders", bad.id, { set: { total_tax: 4.2 } });
    trigger();
    await atLeast(summaries, 3, "summaries");
    assert.deepEqual([(summaries[2].payload as Summary).booked, (summaries[2].payload as Summary).failed], [1, 0]);
    assert.equal(boekingen(sims).length, 50);
    assert.equal(boekingen(sims).filter((b) => b.factuurnummer === "20255017").length, 1);
    assert.equal((await ledger()).failed[`order:${bad.id}`], undefined);
  });

  it("leaves a broken order alone when what decides it is due says it is not; reports one whose status cannot be read", async () => {
    sims = await startSims();
    await helper.load(NODES, koppelingFlow(sims, { ordersIn: { paidOnly: false } }), credentials(sims));
    const summaries = collect("summary");
    // A first run starts the ledger; orders placed after it that it never saw posted were never booked.
    trigger();
    await atLeast(summaries, 1, "summaries");
    await addOrder(sims, simpleOrder(5101, { create_date: new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, "Z") }));
    // Listed (one query for all statuses) but cancelled and never booked: not due, whatever else it holds.
    const cancelled = await addOrder(sims, simpleOrder(5102, { status: 8, create_date: new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, "Z") }));
    const garbled = await addOrder(sims, simpleOrder(5103, { create_date: new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, "Z") }));
    await malform(sims, "orders", cancelled.id, { set: { total_tax: null, customer: "?" } });
    await malform(sims, "orders", garbled.id, { set: { status: "verzonden" } });
    trigger();
    const s = { payload: (await atLeast(summaries, 2, "summaries"))[1].payload as Summary };
    assert.deepEqual([s.payload.booked, s.payload.failed], [1, 1], JSON.stringify(s.payload.errors));
    assert.deepEqual(boekingen(sims).map((b) => b.factuurnummer), [`${new Date().getFullYear()}5101`]);
    const l = await ledger();
    assert.deepEqual(Object.keys(l.failed), [`order:${garbled.id}`]);
    assert.equal(l.failed[`order:${garbled.id}`].code, "CCV_INVALID_DOCUMENT");
    assert.match(s.payload.errors[0].message, /status.*found "verzonden"/);
  });

  it("a row the booking cannot do without (tax null) fails its order in snelstart-debtor (the first to read it, before a debtor is made), naming the row and the field; null where nothing is booked from it books", async () => {
    sims = await startSims();
    const broken = await addOrder(sims, simpleOrder(5201));
    const fine = await addOrder(sims, simpleOrder(5202));
    await malform(sims, "orders", broken.id, { set: { "orderrows.0.tax": null } });
    await malform(sims, "orders", fine.id, { set: { "orderrows.0.count": null, "orderrows.0.price": null, "orderrows.0.discount": null } });
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const summaries = collect("summary");
    trigger();
    const s = { payload: (await atLeast(summaries, 1, "summaries"))[0].payload as Summary };
    assert.deepEqual([s.payload.booked, s.payload.failed], [1, 1]);
    assert.deepEqual(boekingen(sims).map((b) => [b.factuurnummer, b.factuurbedrag]), [["20255202", 24.2]]);
    const failure = (await ledger()).failed[`order:${broken.id}`];
    assert.equal(failure.code, "ORDER_INVALID");
    assert.equal(failure.stage, "snelstart-debtor");
    assert.equal(sims.ss.state.requests.get("POST", "/v2/relaties"), 1, "a relatie for the order that books only");
    assert.deepEqual(s.payload.errors.map((e) => [e.ordernumber, e.code]), [[5201, "ORDER_INVALID"]]);
    assert.match(s.payload.errors[0].message, /row 1 \(Artikel 5201\) has no tax in CCV Shop \(found null\)/);
  });

  it("a webhook for a malformed order records that order's failure; the run is not a failed fetch", async () => {
    sims = await startSims();
    const o = await addOrder(sims, simpleOrder(5301));
    await malform(sims, "orders", o.id, { set: { is_intra_community_order: "nee" } });
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const caught = collect("caught");
    trigger({ payload: { id: o.id } });
    await atLeast(caught, 1, "caught errors");
    assert.equal(caught[0].error?.code, "CCV_INVALID_DOCUMENT");
    assert.equal(caught[0].ccv?.orderId, o.id);
    assert.match(caught[0].error?.message ?? "", /is_intra_community_order.*found "nee"/);
    const l = await ledger();
    assert.equal(l.failed[`order:${o.id}`].code, "CCV_INVALID_DOCUMENT");
    assert.equal(l.runs.consecutiveFailures, 0);
  });

  it("a shop in the real shape: string ids, URL-string invoice links, numeric statuses; books, credits a credit invoice and a cancellation", async () => {
    sims = await startSims({ shapes: "real" });
    const a = await addOrder(sims, simpleOrder(5401, { user: { id: 24464274, discount_percentage: 0, href: null } }));
    const b = await addOrder(sims, simpleOrder(5402));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const orders = collect("orders");
    const out = collect("out");
    trigger();
    await atLeast(out, 2, "bookings");
    // What the shop serves really is the real shape.
    const sent = documents(orders).find((m) => m.ccv.ordernumber === 5401) as Msg;
    assert.equal(sent.payload.order.user.id, 24464274, "user.id came as a string and is read as a number");

    addCreditInvoice(sims, a, 91001);
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${b.id}`, { status: 8 });
    const served = (await (await fetch(`${sims.ccv.url}/__sim/orders`)).json()) as unknown[];
    assert.equal(served.length, 2);
    trigger();
    await atLeast(out, 4, "bookings");
    await sleep(20);
    const byNumber = Object.fromEntries(boekingen(sims).map((x) => [x.factuurnummer, x.factuurbedrag]));
    assert.deepEqual(byNumber, { "20255401": 24.2, "20255402": 24.2, "C20255401-91001": -24.2, C20255402: -24.2 });
    const credit = documents(orders).find((m) => m.ccv.kind === "credit-invoice") as Msg;
    assert.equal(credit.payload.invoice.type, "credit");
    assert.equal(credit.payload.invoice.status, "reimbursed", "status 3 reads as reimbursed");
    assert.match(credit.payload.invoice.order.href, new RegExp(`/orders/${a.id}$`), "the URL-string order link is read");
    trigger();
    await statusMatching("in", /nothing due/);
  });
});
