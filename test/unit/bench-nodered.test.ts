/**
 * The arithmetic of the Node-RED bench (scripts/bench-nodered.ts): flags, the busiest window, the
 * projection of an import on the real services' budgets, percentiles, and rewriting only the
 * generated part of docs/benchmarks.md.
 */
import assert from "node:assert/strict";
import { DOCS_END, DOCS_START, benchFlags, busiestWindow, callsText, parseNodeRedFlags, percentile, projectImport, replaceGenerated, spanText, windowedMinutes } from "../../scripts/bench-nodered";
import { niceMax, tickCount } from "../../scripts/bench-chart";

describe("unit: the Node-RED bench's arithmetic", () => {
  it("reads its flags; small sizes measure webhooks during the smallest import", () => {
    const d = parseNodeRedFlags([]);
    assert.deepEqual([d.sizes, d.rounds, d.duringSize, d.write], [[1_000, 10_000, 30_000], 3, 1_000, true]);
    const small = parseNodeRedFlags(["--sizes", "500,200", "--rounds=1", "--no-write"]);
    assert.deepEqual([small.sizes, small.rounds, small.duringSize, small.write], [[200, 500], 1, 200, false]);
    assert.equal(parseNodeRedFlags(["--sizes", "200", "--during-size", "300"]).duringSize, 300);
    assert.throws(() => parseNodeRedFlags(["--sizes", "200,x"]), /--sizes/);
    assert.throws(() => parseNodeRedFlags(["--rounds", "0"]), /--rounds/);
    assert.throws(() => parseNodeRedFlags(["--size", "200"]), /unknown argument/);
  });

  it("every shop sells the smallest one's orders over 90 days a day unless told; its history ends now unless told", () => {
    const d = parseNodeRedFlags([]);
    assert.deepEqual([d.ordersPerDay * 90, d.historyEnd], [1_000, "now"]);
    assert.equal(parseNodeRedFlags(["--sizes", "500,200"]).ordersPerDay * 90, 200);
    const o = parseNodeRedFlags(["--orders-per-day", "2.5", "--history-end=reference"]);
    assert.deepEqual([o.ordersPerDay, o.historyEnd], [2.5, "reference"]);
    assert.throws(() => parseNodeRedFlags(["--orders-per-day", "0"]), /--orders-per-day/);
    assert.throws(() => parseNodeRedFlags(["--orders-per-day", "many"]), /--orders-per-day/);
    assert.throws(() => parseNodeRedFlags(["--history-end", "yesterday"]), /--history-end/);
  });

  it("names the flags that differ from a full run, and a history's span and a run's calls in words", () => {
    assert.equal(benchFlags(parseNodeRedFlags([])), "");
    // The daily volume and the webhook import follow the sizes: not flags of their own then.
    assert.equal(benchFlags(parseNodeRedFlags(["--sizes", "200,500", "--rounds", "1"])), "--sizes 200,500 --rounds 1");
    assert.equal(benchFlags(parseNodeRedFlags(["--orders-per-day", "3", "--history-end", "reference", "--quota-orders", "100"])), "--quota-orders 100 --orders-per-day 3 --history-end reference");
    assert.deepEqual([90, 400, 912.5, 2_700].map(spanText), ["90 days", "400 days", "2.5 years", "7.4 years"]);
    const calls = { "GET /api/rest/v1/orders/:id/orderrows/": 5, "GET /api/rest/v1/invoices/:id/": 41, "GET /api/rest/v1/orders/": 1, "GET /api/rest/v1/webshops/": 2, "GET /api/rest/v1/invoices/": 0 };
    assert.equal(callsText(calls), "41 invoice reads, 5 orders' rows, 2 `GET /webshops/`, 1 order page");
  });

  it("finds the most calls in any window", () => {
    assert.equal(busiestWindow([], 60_000), 0);
    assert.equal(busiestWindow([0, 10, 20], 60_000), 3);
    assert.equal(busiestWindow([0, 59_999, 60_000, 60_001, 119_000], 60_000), 4);
    assert.equal(busiestWindow([0, 60_000, 120_000], 60_000), 1);
  });

  it("a window's budget goes at once, the next calls a window later; full hours first", () => {
    assert.equal(windowedMinutes(0, 150), 0);
    assert.equal(windowedMinutes(150, 150), 0);
    assert.equal(windowedMinutes(151, 150), 1);
    assert.equal(windowedMinutes(1_500, 150), 9);
    assert.equal(windowedMinutes(4_500, 450, 4_500), 9);
    assert.equal(windowedMinutes(4_501, 450, 4_500), 60);
    assert.equal(windowedMinutes(9_900, 450, 4_500), 2 * 60 + 1);
    assert.equal(windowedMinutes(150, 150, Infinity, 30_000), 0);
    assert.equal(windowedMinutes(301, 150, Infinity, 30_000), 1);
  });

  it("projects an import from the calls of a measured one: the slowest CCV resource or SnelStart's hour, whichever is slower", () => {
    const imp = { orders: 1_000, ccvByResource: { "GET /api/rest/v1/orders/:id/orderrows/": 720, "GET /api/rest/v1/orders/": 8, "POST /api/rest/v1/webhooks/": 3 }, snelstartApiCalls: 1_800 };
    const p = projectImport(imp, 10_000);
    assert.equal(p.ccvBound, "GET /api/rest/v1/orders/:id/orderrows/");
    assert.equal(p.ccvMinutes, 51); // 7,200 GETs at the 140 a minute an import may use of 150
    // 18,000 calls at the 4,200 an hour an import may use of 4,500 (4 full hours of windows 2 % long), then 1,200 at 420 a minute (2 more windows of 1.02 minutes).
    assert.ok(Math.abs(p.snelstartMinutes - (4 * 61.2 + 2 * 1.02)) < 1e-9, String(p.snelstartMinutes));
    assert.equal(p.minutes, p.snelstartMinutes);
    const small = projectImport({ ...imp, snelstartApiCalls: 10 }, 1_000);
    assert.equal(small.minutes, small.ccvMinutes);
    assert.equal(small.ccvMinutes, 5); // 720 GETs at 140 a minute: 6 windows
  });

  it("percentiles by rank", () => {
    const v = Array.from({ length: 20 }, (_, i) => 20 - i);
    assert.equal(percentile(v, 50), 10);
    assert.equal(percentile(v, 95), 19);
    assert.equal(percentile([7], 95), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it("rewrites only what is between the markers, and appends them once when absent", () => {
    const doc = `# Benchmarks\n\nkept above\n\n${DOCS_START}\nold figures\n${DOCS_END}\n\nkept below\n`;
    const once = replaceGenerated(doc, "new figures");
    assert.equal(once, `# Benchmarks\n\nkept above\n\n${DOCS_START}\nnew figures\n${DOCS_END}\n\nkept below\n`);
    assert.equal(replaceGenerated(once, "new figures"), once);
    const appended = replaceGenerated("# Benchmarks\n\ntext\n", "figures");
    assert.equal(appended, `# Benchmarks\n\ntext\n\n${DOCS_START}\nfigures\n${DOCS_END}\n`);
    assert.equal(replaceGenerated(appended, "again").split(DOCS_START).length, 2);
  });

  it("the chart's axes end at a round number at or above the largest value", () => {
    assert.deepEqual([7, 10, 11, 24, 26, 180, 30_000, 31_000, 0].map(niceMax), [8, 10, 15, 25, 30, 200, 30_000, 40_000, 1]);
    // …divided into round steps: 150 by 50, 15 by 5, 0.25 by 0.05, 200 by 50, 60 by 20.
    assert.deepEqual([150, 15, 0.25, 200, 60, 8, 1].map(tickCount), [3, 3, 5, 4, 3, 4, 4]);
  });
});
