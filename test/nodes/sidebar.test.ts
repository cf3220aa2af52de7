/**
 * The Koppeling sidebar's admin routes (src/nodes/koppeling-sidebar.ts) over the koppeling flow
 * against both simulators: the shops (with their reconcile nodes), the run log a run leaves (with its live messages on comms),
 * the failed order with its code, the order search (with the amount booked), and the buttons (run now, retry this order,
 * retry all failed) that send ccv-orders-in its own messages. Answers hold numbers, codes and
 * times: never the customer.
 */
import assert from "node:assert/strict";
import sidebar from "../../src/nodes/koppeling-sidebar";
import { NODES, addOrder, atLeast, boekingen, collect, control, credentials, helper, koppelingFlow, row, simpleOrder, startSims, teardown, trigger, type Sims } from "./support";

type Answer = { ok: boolean; code?: string; message?: string } & Record<string, unknown>;
type RunView = { id: string; trigger: string; state: string; due: number; listed: boolean; booked: number; skipped: number; failed: number; durationMs: number; error: string | null; startedAt: string; endedAt: string | null };
type Item = { key: string; kind: string; id: number; ordernumber: number | null; code: string | null; stage: string | null; attempts: number; firstAt: string; lastAt: string; retry: boolean };

async function get(url: string): Promise<Answer> {
  const res = await helper.request().get(url);
  assert.equal(res.status, 200, `${url} answered ${res.status}`);
  return res.body as Answer;
}
async function post(url: string, body: unknown = {}): Promise<Answer> {
  const res = await helper.request().post(url).send(body as object).set("Content-Type", "application/json");
  assert.equal(res.status, 200, `${url} answered ${res.status}`);
  return res.body as Answer;
}

const runsOf = async () => (await get("/ccv-snelstart/koppeling/ccv/runs")).runs as RunView[];

/** Polls the runs route until `check` holds for the list; returns it. */
async function runsUntil(what: string, check: (runs: RunView[]) => boolean, timeoutMs = 10_000): Promise<RunView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await runsOf();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every comms message published from now on. */
function comms(): Array<{ topic: string; data: { configId: string; run: RunView } }> {
  const list: Array<{ topic: string; data: { configId: string; run: RunView } }> = [];
  (helper as unknown as { _events: { on(e: string, fn: (m: { topic: string; data: { configId: string; run: RunView } }) => void): void } })._events.on("comms", (m) => list.push(m));
  return list;
}

describe("nodes: the Koppeling sidebar's admin routes", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("after a run with one malformed order: the run, the failed order with its code, search; fixed and retried: booked; retry all; run now", async () => {
    sims = await startSims();
    const orders = [];
    for (let n = 0; n < 4; n++) orders.push(await addOrder(sims, simpleOrder(6100 + n)));
    const bad = orders[2];
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${bad.id}/raw`, { set: { total_tax: null } });
    // A reconcile node of the shop (the sidebar's Controle asks it), and a disabled one it leaves out.
    const reconcilers = [
      { id: "rec", type: "ccv-snelstart-reconcile", name: "controle", ccv: "ccv", mapping: "map", wires: [] },
      { id: "rec-off", type: "ccv-snelstart-reconcile", ccv: "ccv", mapping: "map", d: true, wires: [] },
    ];
    await helper.load([...NODES, sidebar], koppelingFlow(sims, { extra: reconcilers }), credentials(sims));
    const published = comms();
    const summaries = collect("summary");

    const shops = await get("/ccv-snelstart/koppeling/shops");
    assert.deepEqual(shops, { ok: true, shops: [{ id: "ccv", name: "shop", shopId: new URL(sims.ccv.url).host, ordersIn: [{ id: "in", name: "" }], reconcile: [{ id: "rec", name: "controle" }] }] });
    assert.deepEqual((await get("/ccv-snelstart/koppeling/ccv/runs")).runs, []);

    trigger();
    await atLeast(summaries, 1, "summaries");
    const [first] = await runsUntil("the first run done", (r) => r.length === 1 && r[0].state === "done");
    assert.deepEqual(
      { trigger: first.trigger, due: first.due, listed: first.listed, booked: first.booked, skipped: first.skipped, failed: first.failed, error: first.error },
      { trigger: "deploy", due: 4, listed: true, booked: 3, skipped: 0, failed: 1, error: null },
      "the node's first run right after its start counts as the deploy's",
    );
    assert.ok(first.endedAt && first.durationMs >= 0 && first.durationMs === Date.parse(first.endedAt) - Date.parse(first.startedAt));
    // Live: the start, progress while it went, the end; on the shop's topic, nothing but the run's counts.
    const mine = published.filter((p) => p.topic === "ccv-snelstart/koppeling/ccv");
    assert.ok(mine.length >= 2, `${mine.length} comms messages`);
    assert.equal(mine[0].data.run.state, "running");
    assert.deepEqual([mine.at(-1)!.data.run.state, mine.at(-1)!.data.run.booked, mine.at(-1)!.data.run.failed], ["done", 3, 1]);

    const attention = await get("/ccv-snelstart/koppeling/ccv/attention");
    assert.equal(attention.ok, true);
    const failed = attention.failed as Item[];
    assert.deepEqual(
      failed.map((f) => [f.key, f.ordernumber, f.code, f.stage, f.attempts, f.retry]),
      [[`order:${bad.id}`, 6102, "CCV_INVALID_DOCUMENT", "ccv-orders-in", 1, true]],
    );
    assert.deepEqual([attention.failedTotal, attention.unknown, attention.unknownTotal], [1, [], 0]);

    const booked = await get("/ccv-snelstart/koppeling/ccv/orders/6101");
    const boeking = boekingen(sims).find((b) => b.factuurnummer.endsWith("6101"));
    assert.ok(boeking);
    assert.deepEqual(
      (booked.booked as Array<{ kind: string; factuurnummer: string; amountCents: number | null }>).map((b) => [b.kind, b.factuurnummer, b.amountCents]),
      [["order", boeking.factuurnummer, Math.round(boeking.factuurbedrag * 100)]],
    );
    assert.ok((booked.booked as Array<{ snelstartId: string }>)[0].snelstartId.length > 0);
    const why = await get("/ccv-snelstart/koppeling/ccv/orders/6102");
    assert.deepEqual(
      [(why.booked as unknown[]).length, (why.failed as Item[]).map((f) => f.code)],
      [0, ["CCV_INVALID_DOCUMENT"]],
    );
    const unseen = await get("/ccv-snelstart/koppeling/ccv/orders/777");
    assert.deepEqual([unseen.booked, unseen.failed, unseen.unknown, unseen.pending], [[], [], [], []]);
    assert.deepEqual([(await get("/ccv-snelstart/koppeling/ccv/orders/12a")).ok, (await get("/ccv-snelstart/koppeling/nope/runs")).code], [false, "CCV_CONFIG"]);

    // Nothing of the customers in any answer or live message.
    const everything = JSON.stringify([shops, first, attention, booked, why, published]);
    for (const n of [6100, 6101, 6102, 6103]) {
      assert.ok(!everything.includes(`klant${n}@example.nl`) && !everything.includes(`Klant ${n}`), `customer of ${n} in an answer`);
    }

    // Retry: refused for a document that needs nothing; after the fix, the order is booked in a manual run.
    assert.deepEqual([(await post("/ccv-snelstart/koppeling/ccv/retry", { key: "order:999999" })).code, (await post("/ccv-snelstart/koppeling/ccv/retry", { key: "credit:1" })).code], ["RETRY_NOT_FAILED", "SIDEBAR_REQUEST_INVALID"]);
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${bad.id}/raw`, { set: { total_tax: 4.2 } });
    const retried = await post("/ccv-snelstart/koppeling/ccv/retry", { key: `order:${bad.id}` });
    assert.deepEqual(retried, { ok: true, retried: 1, node: "in" });
    const afterRetry = await runsUntil("the retry's run done", (r) => r.length === 2 && r[0].state === "done");
    assert.deepEqual([afterRetry[0].trigger, afterRetry[0].due, afterRetry[0].booked, afterRetry[0].failed], ["manual", 1, 1, 0]);
    assert.equal(boekingen(sims).length, 4);
    assert.deepEqual((await get("/ccv-snelstart/koppeling/ccv/attention")).failed, []);
    const nowBooked = await get("/ccv-snelstart/koppeling/ccv/orders/6102");
    assert.deepEqual(
      (nowBooked.booked as Array<{ factuurnummer: string }>).map((b) => b.factuurnummer),
      boekingen(sims)
        .filter((b) => b.factuurnummer.endsWith("6102"))
        .map((b) => b.factuurnummer),
    );

    // Retry all failed: two new orders fail on a mapping problem (a 7 % row); both are retried, each in a run of its own.
    const seven = { orderrows: [row({ name: "Boek", number: "BOEK-1", price: 10.7, tax: 7 })] };
    const x = await addOrder(sims, simpleOrder(6110, { ...seven, create_date: new Date().toISOString().replace(/\.\d+Z$/, "Z") }));
    const y = await addOrder(sims, simpleOrder(6111, { ...seven, create_date: new Date().toISOString().replace(/\.\d+Z$/, "Z") }));
    const runNow = await post("/ccv-snelstart/koppeling/ccv/run");
    assert.deepEqual(runNow, { ok: true, started: true, busy: false, node: "in" });
    const third = await runsUntil("the run-now run done", (r) => r.length === 3 && r[0].state === "done");
    assert.deepEqual([third[0].trigger, third[0].due, third[0].failed], ["manual", 2, 2]);
    const all = await post("/ccv-snelstart/koppeling/ccv/retry-failed");
    assert.deepEqual(all, { ok: true, retried: 2, total: 2, node: "in" });
    const five = await runsUntil("both retries done", (r) => r.length === 5 && r.slice(0, 2).every((v) => v.state === "done"));
    assert.deepEqual(
      five.slice(0, 2).map((v) => [v.trigger, v.due, v.failed]),
      [
        ["manual", 1, 1],
        ["manual", 1, 1],
      ],
    );
    const again = (await get("/ccv-snelstart/koppeling/ccv/attention")).failed as Item[];
    assert.deepEqual(again.map((f) => [f.key, f.code, f.attempts]).sort(), [
      [`order:${x.id}`, "VAT_UNMAPPED_RATE", 1],
      [`order:${y.id}`, "VAT_UNMAPPED_RATE", 1],
    ].sort(), "a retry forgets the failure's history: one attempt again");
  });

  it("run now while a run goes answers busy and starts nothing", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(6200));
    // CCV Shop answers the order listing slowly: the first run is still going when the button is pressed again.
    await control(sims.ccv.url, "POST", "/__sim/faults", { kind: "delay", ms: 1500, method: "GET", path: "/orders", count: 1 });
    await helper.load([...NODES, sidebar], koppelingFlow(sims), credentials(sims));
    const first = await post("/ccv-snelstart/koppeling/ccv/run");
    assert.equal(first.started, true);
    await runsUntil("the run to start", (r) => r.length === 1 && r[0].state === "running");
    const second = await post("/ccv-snelstart/koppeling/ccv/run");
    assert.deepEqual(second, { ok: true, started: false, busy: true, node: "in" });
    const done = await runsUntil("the run done", (r) => r.length === 1 && r[0].state === "done");
    assert.deepEqual([done[0].trigger, done[0].due, done[0].booked], ["manual", 1, 1]);
  });

  it("without a running ccv-orders-in node the buttons answer CCV_CONFIG; reading still works", async () => {
    sims = await startSims();
    const flow = koppelingFlow(sims).map((n) => (n.id === "in" ? { ...n, d: true } : n));
    await helper.load([...NODES, sidebar], flow, credentials(sims));
    const shops = (await get("/ccv-snelstart/koppeling/shops")).shops as Array<{ ordersIn: unknown[]; reconcile: unknown[] }>;
    assert.deepEqual([shops[0].ordersIn, shops[0].reconcile], [[], []]);
    const r = await post("/ccv-snelstart/koppeling/ccv/run");
    assert.deepEqual([r.ok, r.code], [false, "CCV_CONFIG"]);
    assert.match(String(r.message), /ccv-orders-in/);
    assert.deepEqual((await get("/ccv-snelstart/koppeling/ccv/runs")).runs, []);
    assert.equal(boekingen(sims).length, 0);
  });
});
