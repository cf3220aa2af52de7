/**
 * The Koppeling sidebar's run history (src/koppeling/run-history.ts): a run's counts and when it
 * is done, the bounds (runs and days), what survives a restart, what started a run, and when what
 * is stored changes.
 */
import assert from "node:assert/strict";
import { DEPLOY_WINDOW_MS, MAX_AGE_DAYS, MAX_RUNS, QUIET_MS, RunHistory, scheduledRunGoing, stateOf, triggerOf, viewOf } from "../../src/koppeling/run-history";

const t0 = new Date("2026-03-02T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("run history", () => {
  it("counts a run's documents; it is done when its listing ended and every document is booked, skipped or failed", () => {
    const log = new RunHistory();
    log.start("r1", "schedule", t0);
    for (let i = 0; i < 3; i++) log.found("r1", at(100 * i));
    log.settle("r1", "booked", at(400));
    log.settle("r1", "failed", at(500));
    assert.equal(stateOf(log.get("r1")!, at(600)), "running");
    log.listed("r1", at(700));
    assert.equal(viewOf(log.get("r1")!, at(800)).state, "running", "one document still on its way");
    // While running, the duration runs on with the clock.
    assert.equal(viewOf(log.get("r1")!, at(5000)).durationMs, 5000);
    log.settle("r1", "skipped", at(2500));
    const v = viewOf(log.get("r1")!, at(9000));
    assert.deepEqual(
      { state: v.state, due: v.due, listed: v.listed, booked: v.booked, skipped: v.skipped, failed: v.failed, durationMs: v.durationMs, endedAt: v.endedAt },
      { state: "done", due: 3, listed: true, booked: 1, skipped: 1, failed: 1, durationMs: 2500, endedAt: at(2500).toISOString() },
    );
  });

  it("a retry's run of one order, going, does not keep the shop's Run now waiting; a scheduled run does", () => {
    const log = new RunHistory();
    log.start("retry", "manual", t0, { single: true });
    log.found("retry", at(10));
    assert.equal(scheduledRunGoing([viewOf(log.get("retry")!, at(20))]), false);
    log.start("r2", "manual", at(30));
    assert.equal(scheduledRunGoing(["retry", "r2"].map((id) => viewOf(log.get(id)!, at(40)))), true);
  });

  it("a run with nothing due is done when its listing ends; a failed run keeps its code", () => {
    const log = new RunHistory();
    log.start("empty", "schedule", t0);
    log.listed("empty", at(1200));
    assert.deepEqual([viewOf(log.get("empty")!, at(5000)).state, viewOf(log.get("empty")!, at(5000)).durationMs], ["done", 1200]);
    log.start("broken", "manual", at(2000));
    log.found("broken", at(2100));
    log.fail("broken", "CCV_AUTH", at(2300));
    const v = viewOf(log.get("broken")!, at(9000));
    assert.deepEqual([v.state, v.error, v.durationMs], ["failed", "CCV_AUTH", 300]);
  });

  it("a webhook that found nothing due is not kept; one that found its order, or failed, is", () => {
    const log = new RunHistory();
    log.start("w1", "webhook", t0);
    assert.deepEqual(log.views(at(10)), [], "not shown before it found its order");
    assert.equal(log.listed("w1", at(50)), null);
    assert.equal(log.get("w1"), null);
    log.start("w2", "webhook", t0);
    log.found("w2", at(10));
    log.settle("w2", "booked", at(20));
    log.listed("w2", at(30));
    log.start("w3", "webhook", t0);
    log.fail("w3", "CCV_NETWORK", at(40));
    assert.deepEqual(
      log.views(at(100)).map((v) => [v.id, v.state]),
      [
        ["w3", "failed"],
        ["w2", "done"],
      ],
    );
  });

  it("a run nothing was heard of for the quiet time is incomplete", () => {
    const log = new RunHistory();
    log.start("r", "schedule", t0);
    log.found("r", at(1000));
    log.listed("r", at(2000));
    assert.equal(stateOf(log.get("r")!, at(2000 + QUIET_MS)), "running");
    const late = at(2001 + QUIET_MS);
    assert.equal(stateOf(log.get("r")!, late), "incomplete");
    assert.equal(viewOf(log.get("r")!, late).durationMs, 2000, "up to the last thing heard of it");
  });

  it(`keeps the last ${MAX_RUNS} runs and none older than ${MAX_AGE_DAYS} days; newest first`, () => {
    const log = new RunHistory();
    for (let i = 0; i < MAX_RUNS + 20; i++) log.start(`r${i}`, "schedule", at(i * 60_000));
    assert.equal(log.size, MAX_RUNS);
    const views = log.views(at(MAX_RUNS * 60_000));
    assert.equal(views[0].id, `r${MAX_RUNS + 19}`);
    assert.equal(views[views.length - 1].id, "r20");
    assert.equal(log.get("r19"), null);
    assert.equal(log.views(at(0), 5).length, 5);

    const days = new RunHistory();
    days.start("old", "schedule", t0);
    days.start("new", "schedule", at((MAX_AGE_DAYS - 1) * 86_400_000));
    days.start("newest", "schedule", at(MAX_AGE_DAYS * 86_400_000 + 1));
    assert.deepEqual(
      days.views(at(MAX_AGE_DAYS * 86_400_000 + 1)).map((v) => v.id),
      ["newest", "new"],
    );
  });

  it("revives what was stored: a run that was going ended incomplete; broken records are left out; events of unknown runs are ignored", () => {
    const log = new RunHistory();
    log.start("done", "deploy", t0);
    log.listed("done", at(100));
    log.start("going", "schedule", at(1000));
    log.found("going", at(1500));
    const stored = JSON.parse(JSON.stringify({ version: 1, runs: [...log.records(), { id: 7 }, { id: "x", trigger: "nonsense", startedAt: t0.toISOString() }, null] }));
    const back = RunHistory.revive(stored, at(2000));
    assert.deepEqual(
      back.views(at(2000)).map((v) => [v.id, v.state, v.trigger, v.due]),
      [
        ["going", "incomplete", "schedule", 1],
        ["done", "done", "deploy", 0],
      ],
    );
    assert.equal(back.settle("gone", "booked", at(3000)), null);
    assert.equal(back.found("gone", at(3000)), null);
    assert.equal(RunHistory.revive(undefined, t0).size, 0);
    assert.equal(RunHistory.revive("not a log", t0).size, 0);
  });

  it("what started a run: msg.trigger, a retry, a webhook, the first run soon after a deploy, else the schedule", () => {
    const fresh = { webhook: false, firstRun: true, sinceStartMs: 5_000 };
    assert.equal(triggerOf({ trigger: "manual" }, fresh), "manual");
    assert.equal(triggerOf({ trigger: "schedule" }, fresh), "schedule", "msg.trigger wins over the deploy guess");
    assert.equal(triggerOf({ trigger: "nonsense" }, fresh), "deploy");
    assert.equal(triggerOf({ topic: "retry" }, { ...fresh, webhook: true }), "manual");
    assert.equal(triggerOf({ topic: "webhook" }, { ...fresh, webhook: true }), "webhook");
    assert.equal(triggerOf({}, { ...fresh, sinceStartMs: DEPLOY_WINDOW_MS + 1 }), "schedule");
    assert.equal(triggerOf({}, { ...fresh, firstRun: false }), "schedule");
    assert.equal(triggerOf({ topic: "full-sync" }, { ...fresh, firstRun: false }), "schedule");
  });

  it("what is stored moves on (revision) with every change of a shown run; a webhook's run that finds nothing due and is dropped leaves it as it was", () => {
    const log = new RunHistory();
    log.start("w1", "webhook", t0);
    assert.equal(log.revision, 0);
    assert.deepEqual(log.records(), [], "a webhook's run is not stored before it found its order");
    assert.equal(log.listed("w1", at(10)), null);
    assert.equal(log.revision, 0);
    assert.equal(log.settle("gone", "booked", at(20)), null);
    assert.equal(log.revision, 0, "events of runs it does not hold change nothing");

    const moves: number[] = [];
    const step = (fn: () => unknown) => {
      const before = log.revision;
      fn();
      moves.push(log.revision - before);
    };
    step(() => log.start("s1", "schedule", at(100)));
    step(() => log.found("s1", at(110)));
    step(() => log.settle("s1", "booked", at(120)));
    step(() => log.listed("s1", at(130)));
    step(() => log.start("w2", "webhook", at(200)));
    step(() => log.found("w2", at(210)));
    step(() => log.start("w3", "webhook", at(300)));
    step(() => log.fail("w3", "CCV_NETWORK", at(310)));
    assert.deepEqual(moves, [1, 1, 1, 1, 0, 1, 0, 1]);
    assert.deepEqual(
      log.records().map((r) => r.id),
      ["s1", "w2", "w3"],
    );
  });

  it("dropping runs beyond the bounds moves the revision only when a stored run goes", () => {
    const log = new RunHistory([], { maxRuns: 2, maxAgeMs: 86_400_000 });
    log.start("a", "schedule", t0);
    log.start("b", "schedule", at(1));
    const before = log.revision;
    log.start("c", "schedule", at(2));
    assert.equal(log.revision - before, 2, "c started, a dropped");
    assert.deepEqual(
      log.records().map((r) => r.id),
      ["b", "c"],
    );
    const revived = RunHistory.revive({ version: 1, runs: log.records() }, at(3));
    assert.equal(revived.revision, 0, "what was read back is what is stored");
  });
});
