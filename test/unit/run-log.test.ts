/**
 * The Koppeling sidebar's run log (src/nodes/run-log.ts): a run's counts and when it is done, the
 * bounds (runs and days), what survives a restart, what started a run, and the store's file: only
 * counts, codes and times, written whole, read back.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EventEmitter } from "node:events";
import type { NodeAPI } from "node-red";
import type { CcvConfigNode } from "../../src/nodes/ccv-config";
import { DEPLOY_WINDOW_MS, MAX_AGE_DAYS, MAX_RUNS, QUIET_MS, RunLog, RunLogStore, runsTopic, scheduledRunGoing, stateOf, triggerOf, viewOf } from "../../src/nodes/run-log";

const t0 = new Date("2026-03-02T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("run log", () => {
  it("counts a run's documents; it is done when its listing ended and every document is booked, skipped or failed", () => {
    const log = new RunLog();
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
    const log = new RunLog();
    log.start("retry", "manual", t0, { single: true });
    log.found("retry", at(10));
    assert.equal(scheduledRunGoing([viewOf(log.get("retry")!, at(20))]), false);
    log.start("r2", "manual", at(30));
    assert.equal(scheduledRunGoing(["retry", "r2"].map((id) => viewOf(log.get(id)!, at(40)))), true);
  });

  it("a run with nothing due is done when its listing ends; a failed run keeps its code", () => {
    const log = new RunLog();
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
    const log = new RunLog();
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
    const log = new RunLog();
    log.start("r", "schedule", t0);
    log.found("r", at(1000));
    log.listed("r", at(2000));
    assert.equal(stateOf(log.get("r")!, at(2000 + QUIET_MS)), "running");
    const late = at(2001 + QUIET_MS);
    assert.equal(stateOf(log.get("r")!, late), "incomplete");
    assert.equal(viewOf(log.get("r")!, late).durationMs, 2000, "up to the last thing heard of it");
  });

  it(`keeps the last ${MAX_RUNS} runs and none older than ${MAX_AGE_DAYS} days; newest first`, () => {
    const log = new RunLog();
    for (let i = 0; i < MAX_RUNS + 20; i++) log.start(`r${i}`, "schedule", at(i * 60_000));
    assert.equal(log.size, MAX_RUNS);
    const views = log.views(at(MAX_RUNS * 60_000));
    assert.equal(views[0].id, `r${MAX_RUNS + 19}`);
    assert.equal(views[views.length - 1].id, "r20");
    assert.equal(log.get("r19"), null);
    assert.equal(log.views(at(0), 5).length, 5);

    const days = new RunLog();
    days.start("old", "schedule", t0);
    days.start("new", "schedule", at((MAX_AGE_DAYS - 1) * 86_400_000));
    days.start("newest", "schedule", at(MAX_AGE_DAYS * 86_400_000 + 1));
    assert.deepEqual(
      days.views(at(MAX_AGE_DAYS * 86_400_000 + 1)).map((v) => v.id),
      ["newest", "new"],
    );
  });

  it("revives what was stored: a run that was going ended incomplete; broken records are left out; events of unknown runs are ignored", () => {
    const log = new RunLog();
    log.start("done", "deploy", t0);
    log.listed("done", at(100));
    log.start("going", "schedule", at(1000));
    log.found("going", at(1500));
    const stored = JSON.parse(JSON.stringify({ version: 1, runs: [...log.records(), { id: 7 }, { id: "x", trigger: "nonsense", startedAt: t0.toISOString() }, null] }));
    const back = RunLog.revive(stored, at(2000));
    assert.deepEqual(
      back.views(at(2000)).map((v) => [v.id, v.state, v.trigger, v.due]),
      [
        ["going", "incomplete", "schedule", 1],
        ["done", "done", "deploy", 0],
      ],
    );
    assert.equal(back.settle("gone", "booked", at(3000)), null);
    assert.equal(back.found("gone", at(3000)), null);
    assert.equal(RunLog.revive(undefined, t0).size, 0);
    assert.equal(RunLog.revive("not a log", t0).size, 0);
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
});

/** A ccv-config node as the store sees it: its id, ledger key and store, warnings, close and global context. */
function fakeShop(values: Map<string, unknown> = new Map()): CcvConfigNode & { warnings: string[]; closeAll(): Promise<void> } {
  const emitter = new EventEmitter();
  const warnings: string[] = [];
  const closers: Array<(removed: boolean, done: () => void) => void> = [];
  const global = {
    get: (key: string, _store: string | undefined, cb: (err: Error | undefined, v: unknown) => void) => cb(undefined, values.get(key)),
    set: (key: string, value: unknown, _store: string | undefined, cb: (err?: Error) => void) => {
      values.set(key, JSON.parse(JSON.stringify(value)));
      cb();
    },
  };
  return Object.assign(emitter, {
    id: "cfg1",
    type: "ccv-config",
    shopId: "shop.example.nl",
    ledger: { key: "ccv_snelstart_ledger_shop_example_nl", store: "" },
    warnings,
    warn: (m: string) => warnings.push(m),
    context: () => ({ global }),
    on(event: string, fn: (removed: boolean, done: () => void) => void) {
      if (event === "close") closers.push(fn);
      return this;
    },
    closeAll: () => Promise.all(closers.map((c) => new Promise<void>((r) => c(false, r)))).then(() => undefined),
  }) as unknown as CcvConfigNode & { warnings: string[]; closeAll(): Promise<void> };
}

function fakeRED(published: Array<{ topic: string; data: unknown }>, userDir?: string): NodeAPI {
  return { settings: { userDir }, comms: { publish: (topic: string, data: unknown) => published.push({ topic, data }) } } as unknown as NodeAPI;
}

describe("run log store", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-log-test-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("with a user directory: ccv-snelstart/<ledger key>.runs.json, written on close with counts, codes and times only, read back by the next store", async () => {
    const published: Array<{ topic: string; data: unknown }> = [];
    const shop = fakeShop();
    const store = new RunLogStore(fakeRED(published, dir), shop, dir, () => t0);
    await store.change((l, now) => l.start("r1", "manual", now), { publishNow: true });
    await store.change((l, now) => l.found("r1", now));
    await store.change((l, now) => l.settle("r1", "failed", now));
    await store.change((l, now) => l.listed("r1", now));
    await store.close();
    const file = path.join(dir, "ccv-snelstart", "ccv_snelstart_ledger_shop_example_nl.runs.json");
    const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { version: number; runs: Array<Record<string, unknown>> };
    assert.equal(stored.version, 1);
    assert.deepEqual(Object.keys(stored.runs[0]).sort(), ["booked", "due", "endedAt", "error", "failed", "full", "id", "incomplete", "lastAt", "listed", "single", "skipped", "startedAt", "trigger"]);
    assert.deepEqual([stored.runs[0].due, stored.runs[0].failed, stored.runs[0].trigger], [1, 1, "manual"]);
    assert.ok(!fs.existsSync(`${file}.tmp`), "the temporary file was renamed");

    const again = new RunLogStore(fakeRED([], dir), fakeShop(), dir, () => t0);
    assert.deepEqual(
      (await again.views()).map((v) => [v.id, v.state, v.failed]),
      [["r1", "done", 1]],
    );
    // Published: the start at once, and the end (a change of state) at once, on the shop's topic.
    assert.ok(published.length >= 2);
    assert.ok(published.every((p) => p.topic === runsTopic("cfg1")));
    const last = published[published.length - 1].data as { configId: string; run: { id: string; state: string } };
    assert.deepEqual([last.configId, last.run.id, last.run.state], ["cfg1", "r1", "done"]);
  });

  it("without a user directory: the global context key <ledger key>_runs; an unreadable file starts an empty log with a warning", async () => {
    const values = new Map<string, unknown>();
    const shop = fakeShop(values);
    const store = new RunLogStore(fakeRED([]), shop, undefined, () => t0);
    await store.change((l, now) => l.start("r1", "schedule", now));
    await store.close();
    const value = values.get("ccv_snelstart_ledger_shop_example_nl_runs") as { runs: Array<{ id: string }> };
    assert.deepEqual(
      value.runs.map((r) => r.id),
      ["r1"],
    );

    fs.mkdirSync(path.join(dir, "ccv-snelstart"));
    fs.writeFileSync(path.join(dir, "ccv-snelstart", "ccv_snelstart_ledger_shop_example_nl.runs.json"), "{ not json");
    const broken = fakeShop();
    const fromBroken = new RunLogStore(fakeRED([], dir), broken, dir, () => t0);
    assert.deepEqual(await fromBroken.views(), []);
    assert.equal(broken.warnings.length, 1);
    assert.match(broken.warnings[0], /run log could not be read/);
  });

  it("while a run goes, its progress is published at most every 250 ms, the latest state last", async () => {
    const published: Array<{ topic: string; data: { run: { due: number; booked: number; state: string } } }> = [];
    const store = new RunLogStore(fakeRED(published as Array<{ topic: string; data: unknown }>), fakeShop(), undefined);
    await store.change((l, now) => l.start("r", "schedule", now), { publishNow: true });
    for (let i = 0; i < 50; i++) {
      await store.change((l, now) => l.found("r", now));
      await store.change((l, now) => l.settle("r", "booked", now));
    }
    const during = published.length;
    assert.ok(during <= 3, `${during} messages for 100 changes within a few ms`);
    // The trailing message comes by itself, with the latest counts.
    const deadline = Date.now() + 2000;
    while (!published.some((p) => p.data.run.booked === 50)) {
      assert.ok(Date.now() < deadline, "the latest state was never published");
      await new Promise((r) => setTimeout(r, 20));
    }
    const last = published[published.length - 1].data.run;
    assert.deepEqual([last.due, last.booked, last.state], [50, 50, "running"]);
    await store.close();
  });
});
