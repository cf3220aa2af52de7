/**
 * Routine runs cost what is new, not the shop's history (koppeling/due.ts), and stay correct:
 * after the first run (a full sweep), a scheduled run lists orders since the high-water mark,
 * re-reads what is still pending, and finds cancellations and credit invoices within the
 * horizon; a full sweep (`msg.topic` "full-sync") catches what is older. Counted at the CCV
 * simulator's request log, through the whole example flow.
 */
import assert from "node:assert/strict";
import type { LedgerState } from "../../src/koppeling/sync-ledger";
import { amsterdamDate } from "../../src/koppeling/dates";
import { NODES, addCreditInvoice, addOrder, atLeast, boekingen, collect, control, credentials, helper, koppelingFlow, readLedger, simpleOrder, startSims, teardown, trigger, type Msg, type Sims } from "./support";

const DAY = 86_400_000;
/** CCV's form of an instant `days` ago. */
const daysAgo = (days: number) => `${new Date(Date.now() - days * DAY).toISOString().slice(0, 19)}Z`;
/** The invoice number of order `n` placed `days` ago (the year of its Amsterdam date before it). */
const numberOf = (n: number, days: number) => `${amsterdamDate(daysAgo(days)).slice(0, 4)}${n}`;

describe("nodes: routine runs (high-water marks, pending, horizon, full sweep)", function () {
  let sims: Sims | null = null;
  let summaries: Msg[] = [];
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  async function load(ordersIn: Record<string, unknown> = {}): Promise<void> {
    await helper.load(NODES, koppelingFlow(sims as Sims, { ordersIn: { horizonDays: 90, ...ordersIn } }), credentials(sims as Sims));
    summaries = collect("summary");
  }

  /** Runs once (as the inject node does) and waits for its summary; answers the CCV calls it made, by template. */
  async function runOnce(msg: Record<string, unknown> = { payload: Date.now() }): Promise<{ summary: { total: number; booked: number; failed: number }; calls: Record<string, number> }> {
    const before = (sims as Sims).ccv.state.requests.toJSON();
    const n = summaries.length;
    trigger(msg);
    await atLeast(summaries, n + 1, "summaries", 20_000);
    const after = (sims as Sims).ccv.state.requests.toJSON();
    const calls = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
    return { summary: summaries[n].payload as { total: number; booked: number; failed: number }, calls };
  }

  const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
  const LIST = "GET /api/rest/v1/orders/";
  const READ = "GET /api/rest/v1/orders/:id/";

  it("a routine run for 5 new orders costs the same whether the shop holds 40 or 120 booked orders", async () => {
    const cost: number[] = [];
    let n = 5000;
    for (const history of [40, 120]) {
      // A new shop each time (its own ledger: the ledger is named after the shop's address).
      await teardown(sims);
      sims = await startSims();
      for (let i = 0; i < history; i++) await addOrder(sims, simpleOrder(++n, { create_date: daysAgo(200 - i / 10) }));
      await load();
      const first = await runOnce();
      assert.equal(first.summary.booked, history);
      for (let i = 0; i < 5; i++) await addOrder(sims, simpleOrder(++n, { create_date: daysAgo(0.01) }));
      const routine = await runOnce();
      assert.equal(routine.summary.booked, 5);
      cost.push(total(routine.calls));
      assert.ok((routine.calls[LIST] ?? 0) <= 3, `one page of new orders, one of cancellations: ${JSON.stringify(routine.calls)}`);
    }
    assert.equal(cost[0], cost[1], `CCV calls of the routine run at 40 and 120 orders of history: ${cost.join(" and ")}`);
    assert.ok(cost[0] <= 30, `at most 30 CCV calls for 5 new orders (${cost[0]})`);
  });

  it("the import streams: never more than 16 orders on their way, rows fetched only as SnelStart books", async () => {
    sims = await startSims();
    for (let i = 0; i < 60; i++) await addOrder(sims, simpleOrder(5501 + i, { create_date: daysAgo(30 - i / 10) }));
    // SnelStart is slow: every booking is held a moment, so the run must wait for room.
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "delay", ms: 400, method: "POST", path: "/v2/verkoopboekingen", count: 60 });
    await load();
    const shop = helper.getNode("ccv") as unknown as { window: { inFlight: number } };
    let most = 0;
    let rowsAhead = 0;
    const out = collect("out");
    for (const id of ["orders", "out"]) {
      (helper.getNode(id) as unknown as { on(e: "input", fn: () => void): void }).on("input", () => {
        most = Math.max(most, shop.window.inFlight);
        rowsAhead = Math.max(rowsAhead, (sims as Sims).ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/orderrows/") - out.length);
      });
    }
    const first = await runOnce();
    assert.equal(first.summary.booked, 60);
    assert.ok(most > 1 && most <= 16, `orders on their way at once: ${most}`);
    assert.ok(rowsAhead <= 17, `order rows fetched ahead of the bookings: ${rowsAhead}`);
  });

  it("a first run books an order and, once that is booked, its CCV credit invoice: both in the one run", async () => {
    sims = await startSims();
    const order = await addOrder(sims, simpleOrder(5401, { create_date: daysAgo(5) }));
    addCreditInvoice(sims, order, 95401);
    await load();
    const first = await runOnce();
    assert.deepEqual([first.summary.total, first.summary.booked], [2, 2]);
    assert.deepEqual(boekingen(sims).map((b) => b.factuurnummer).sort(), [numberOf(5401, 5), `C${numberOf(5401, 5)}-95401`].sort());
  });

  it("an order paid 60 days after it was placed is booked by a routine run; it was re-read, not listed again", async () => {
    sims = await startSims();
    const unpaid = await addOrder(sims, simpleOrder(6001, { create_date: daysAgo(60), paid: false }));
    await addOrder(sims, simpleOrder(6002, { create_date: daysAgo(1) }));
    await load();
    assert.equal((await runOnce()).summary.booked, 1);
    const l = await readLedger<LedgerState>();
    assert.equal(l.pending[`order:${unpaid.id}`]?.due, false, "waiting for its payment");

    await control(sims.ccv.url, "PATCH", `/__sim/orders/${unpaid.id}`, { paid: true });
    const routine = await runOnce();
    assert.equal(routine.summary.booked, 1);
    assert.equal(routine.calls[READ], 1, "the pending order is read by id");
    assert.ok(boekingen(sims).some((b) => b.factuurnummer === numberOf(6001, 60)));
    assert.equal((await readLedger<LedgerState>()).pending[`order:${unpaid.id}`], undefined, "no longer pending once booked");
  });

  it("a pending order that cannot be re-read fails alone: the run books the others, the order stays pending", async () => {
    sims = await startSims();
    const unpaid = await addOrder(sims, simpleOrder(6011, { create_date: daysAgo(20), paid: false }));
    await load();
    await runOnce();
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${unpaid.id}`, { paid: true });
    await addOrder(sims, simpleOrder(6012, { create_date: daysAgo(0.01) }));
    await control(sims.ccv.url, "POST", "/__sim/faults", { kind: "status", status: 400, method: "GET", path: `/orders/${unpaid.id}/`, count: 1 });
    const failing = await runOnce();
    assert.equal(failing.summary.booked, 1, "the new order is booked");
    const l = await readLedger<LedgerState>();
    assert.equal(l.failed[`order:${unpaid.id}`]?.code, "CCV_BAD_REQUEST");
    assert.ok(l.pending[`order:${unpaid.id}`], "still pending");
    const next = await runOnce();
    assert.equal(next.summary.booked, 1, "re-read and booked by the next run");
    assert.ok(boekingen(sims).some((b) => b.factuurnummer === numberOf(6011, 20)));
  });

  it("many unpaid orders waiting: one listing of paid orders costs fewer calls than reading each, and finds the two paid since", async () => {
    sims = await startSims();
    const waiting = [];
    for (let i = 0; i < 30; i++) waiting.push(await addOrder(sims, simpleOrder(6051 + i, { create_date: daysAgo(10 - i / 100), paid: false })));
    await load();
    await runOnce();
    assert.equal(Object.keys((await readLedger<LedgerState>()).pending).length, 30);
    for (const o of [waiting[3], waiting[20]]) await control(sims.ccv.url, "PATCH", `/__sim/orders/${o.id}`, { paid: true });
    const routine = await runOnce();
    assert.equal(routine.summary.booked, 2);
    assert.equal(routine.calls[READ] ?? 0, 0, "no order read one by one");
    assert.ok((routine.calls[LIST] ?? 0) <= 3, `new orders, paid orders back to the oldest waiting, cancellations: ${JSON.stringify(routine.calls)}`);
    assert.equal(Object.keys((await readLedger<LedgerState>()).pending).length, 28);
  });

  it("an order cancelled a month after it was booked is credited by a routine run", async () => {
    sims = await startSims();
    const order = await addOrder(sims, simpleOrder(6101, { create_date: daysAgo(35) }));
    await load();
    await runOnce();
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${order.id}`, { status: 8 });
    const routine = await runOnce();
    assert.equal(routine.summary.booked, 1);
    assert.ok(boekingen(sims).some((b) => b.factuurnummer === `C${numberOf(6101, 35)}`));
  });

  it("a credit invoice made today for last year's order is booked by a routine run", async () => {
    sims = await startSims();
    const order = await addOrder(sims, simpleOrder(6201, { create_date: daysAgo(400) }));
    await load();
    await runOnce();
    await runOnce();
    addCreditInvoice(sims, order, 96201);
    (sims.ccv.state.invoices.at(-1) as { create_date: string }).create_date = daysAgo(0.01);
    const routine = await runOnce();
    assert.equal(routine.summary.booked, 1);
    assert.ok(boekingen(sims).some((b) => b.factuurnummer === `C${numberOf(6201, 400)}-96201`));
  });

  it("an order that only waited past the horizon is no longer read; a full sweep (full-sync) books it once paid", async () => {
    sims = await startSims();
    const old = await addOrder(sims, simpleOrder(6301, { create_date: daysAgo(120), paid: false }));
    await addOrder(sims, simpleOrder(6302, { create_date: daysAgo(1) }));
    await load();
    await runOnce();
    const l = await readLedger<LedgerState>();
    assert.equal(l.pending[`order:${old.id}`], undefined, "older than the horizon: not kept pending");

    await control(sims.ccv.url, "PATCH", `/__sim/orders/${old.id}`, { paid: true });
    const routine = await runOnce();
    assert.equal(routine.summary.booked, 0, "a routine run does not look back that far");
    assert.equal(routine.calls[READ] ?? 0, 0);

    const sweep = await runOnce({ topic: "full-sync" });
    assert.equal(sweep.summary.booked, 1);
    assert.ok(boekingen(sims).some((b) => b.factuurnummer === numberOf(6301, 120)));
    assert.equal((await readLedger<LedgerState>()).runs.marks.fullSweepAt != null, true);
  });
});
