/**
 * ccv-snelstart-report: the summary of each run (booked, already booked, failed, the run's own
 * failure), one alert when a document fails in N runs or N runs cannot fetch from CCV Shop,
 * and the incomplete summary of a run that goes quiet.
 */
import assert from "node:assert/strict";
import sinon from "sinon";
import {
  NODES,
  addOrder,
  atLeast,
  collect,
  credentials,
  helper,
  inject,
  knownOrder,
  koppelingFlow,
  row,
  simpleOrder,
  sleep,
  startSims,
  statuses,
  teardown,
  trigger,
  type Sims,
} from "./support";

/** The order no run can book: a 7 % row. */
const unmappable = (n: number) => knownOrder({ ordernumber: n, total_shipping: 0, orderrows: [row({ name: "Boek", number: "BOEK-1", price: 10.7, tax: 7 })] });

describe("nodes: ccv-snelstart-report", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("reports a scheduled run with nothing due: its marker passes the flow nodes untouched", async () => {
    sims = await startSims();
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const summary = collect("summary");
    const caught = collect("caught");
    trigger();
    const [s] = await atLeast(summary, 1, "summaries");
    assert.deepEqual(
      { total: s.payload.total, booked: s.payload.booked, failed: s.payload.failed, runError: s.payload.runError, trigger: s.payload.trigger },
      { total: 0, booked: 0, failed: 0, runError: null, trigger: "schedule" },
    );
    assert.equal(caught.length, 0, "no node took the marker for an order");
    assert.equal(sims.ss.state.requests.get("POST", "/v2/relaties"), 0);
  });

  it("sends the summary of a run once every message of it came back (booked and failed)", async () => {
    sims = await startSims();
    await addOrder(sims, unmappable(3001));
    await addOrder(sims, simpleOrder(3002));
    await addOrder(sims, simpleOrder(3003));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const summary = collect("summary");
    const alert = collect("alert");
    trigger();
    const [s] = await atLeast(summary, 1, "summaries");
    await sleep(50);
    assert.equal(summary.length, 1);
    assert.equal(s.topic, "summary");
    const p = s.payload;
    assert.deepEqual(
      { total: p.total, booked: p.booked, alreadyBooked: p.alreadyBooked, failed: p.failed, runError: p.runError, incomplete: p.incomplete, shopId: p.shopId },
      { total: 3, booked: 2, alreadyBooked: 0, failed: 1, runError: null, incomplete: false, shopId: new URL(sims.ccv.url).host },
    );
    assert.equal(p.errors.length, 1);
    assert.deepEqual([p.errors[0].ordernumber, p.errors[0].code, p.errors[0].stage], [3001, "VAT_UNMAPPED_RATE", "vat-mapper"]);
    assert.ok(p.startedAt <= p.finishedAt);
    assert.equal(alert.length, 0, "one failure is no alert (threshold 3)");
    assert.deepEqual(statuses("report").at(-1), { fill: "red", shape: "ring", text: "2 booked, 1 failed" });
  });

  it("counts already-booked messages, ignores messages without msg.run, and reports a clean run green", async () => {
    sims = await startSims();
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const summary = collect("summary");
    const run = { id: "run-x", configId: "ccv", total: 2 };
    inject("report", { payload: "something else" });
    inject("report", { run: { ...run, index: 1 }, ccv: { ordernumber: 1 }, snelstart: { boekingId: "b1" } });
    await sleep(20);
    assert.equal(summary.length, 0, "the run is not complete yet");
    inject("report", { run: { ...run, index: 2 }, ccv: { ordernumber: 2 }, snelstart: { boekingId: "b2", alreadyBooked: true } });
    const [s] = await atLeast(summary, 1, "summaries");
    assert.deepEqual([s.payload.runId, s.payload.total, s.payload.booked, s.payload.alreadyBooked, s.payload.failed], ["run-x", 2, 1, 1, 0]);
    const last = statuses("report").at(-1);
    assert.equal(last?.fill, "green");
    assert.match(String(last?.text), /^1 booked \d\d:\d\d$/);
  });

  it("alerts once when the same order fails in N runs (threshold 2): not after run 1, once after run 2, not again after run 3", async () => {
    sims = await startSims();
    await addOrder(sims, unmappable(3101));
    await helper.load(NODES, koppelingFlow(sims, { report: { threshold: "2", to: "boekhouding@example.nl" } }), credentials(sims));
    const summary = collect("summary");
    const alert = collect("alert");
    for (let n = 1; n <= 3; n++) {
      trigger();
      await atLeast(summary, n, "summaries");
      await sleep(20);
      assert.equal(alert.length, n >= 2 ? 1 : 0, `alerts after run ${n}`);
    }
    const [a] = alert;
    assert.equal(a.to, "boekhouding@example.nl");
    assert.match(String(a.topic), /1 not booked/);
    assert.match(String(a.payload), /Order 3101: VAT_UNMAPPED_RATE \(vat-mapper, 2 runs since/);
    const alerts = (a as unknown as { alerts: { orders: Array<{ ordernumber: number; attempts: number; code: string }>; run: unknown } }).alerts;
    assert.deepEqual(
      alerts.orders.map((o) => [o.ordernumber, o.attempts, o.code]),
      [[3101, 2, "VAT_UNMAPPED_RATE"]],
    );
    assert.equal(alerts.run, null);
  });

  it("alerts once when N runs in a row cannot fetch from CCV Shop (CCV_AUTH), with a summary per run", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(3201));
    await helper.load(NODES, koppelingFlow(sims, { report: { threshold: 2 } }), credentials(sims, { ccv: { secret: "not-the-secret" } }));
    const summary = collect("summary");
    const alert = collect("alert");
    for (let n = 1; n <= 3; n++) {
      trigger();
      await atLeast(summary, n, "summaries");
      await sleep(20);
      assert.equal(alert.length, n >= 2 ? 1 : 0, `alerts after run ${n}`);
      assert.equal(summary[n - 1].payload.runError?.code, "CCV_AUTH");
      assert.equal(summary[n - 1].payload.total, 0);
    }
    assert.match(String(alert[0].topic), /fetching orders fails/);
    assert.match(String(alert[0].payload), /The last 2 runs could not fetch orders from CCV Shop/);
    assert.match(String(alert[0].payload), /CCV_AUTH/);
    assert.ok(!String(alert[0].payload).includes("not-the-secret"));
    assert.deepEqual(statuses("report").at(-1), { fill: "red", shape: "ring", text: "run failed: CCV_AUTH" });
  });

  it("sends an incomplete summary when a run goes quiet for ten minutes", async () => {
    sims = await startSims();
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const summary = collect("summary");
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], now: Date.now() });
    try {
      inject("report", { run: { id: "quiet", configId: "ccv", index: 1, total: 3 }, ccv: { ordernumber: 1 }, snelstart: { boekingId: "b1" } });
      await clock.tickAsync(9 * 60_000);
      assert.equal(summary.length, 0);
      await clock.tickAsync(61_000);
    } finally {
      clock.restore();
    }
    const [s] = await atLeast(summary, 1, "summaries");
    assert.deepEqual([s.payload.runId, s.payload.incomplete, s.payload.total, s.payload.booked], ["quiet", true, 3, 1]);
  });
});
