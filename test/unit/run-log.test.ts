/**
 * The Koppeling sidebar's run log as stored (src/nodes/run-log.ts): the file in the user
 * directory or the global context, only counts, codes and times, written whole, read back, and
 * only when what is stored changed; published while a run goes.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EventEmitter } from "node:events";
import type { NodeAPI } from "node-red";
import type { CcvConfigNode } from "../../src/nodes/ccv-config";
import { RunLogStore, runLogStorage, runsTopic } from "../../src/nodes/run-log";

const t0 = new Date("2026-03-02T09:00:00Z");

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
    const store = new RunLogStore(fakeRED(published, dir), shop, runLogStorage(shop, dir), () => t0);
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

    const next = fakeShop();
    const again = new RunLogStore(fakeRED([], dir), next, runLogStorage(next, dir), () => t0);
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
    const store = new RunLogStore(fakeRED([]), shop, runLogStorage(shop, undefined), () => t0);
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
    const fromBroken = new RunLogStore(fakeRED([], dir), broken, runLogStorage(broken, dir), () => t0);
    assert.deepEqual(await fromBroken.views(), []);
    assert.equal(broken.warnings.length, 1);
    assert.match(broken.warnings[0], /run log could not be read/);
  });

  it("while a run goes, its progress is published at most every 250 ms, the latest state last", async () => {
    const published: Array<{ topic: string; data: { run: { due: number; booked: number; state: string } } }> = [];
    const shop = fakeShop();
    const store = new RunLogStore(fakeRED(published as Array<{ topic: string; data: unknown }>), shop, runLogStorage(shop, undefined));
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

  it("writes only when what is stored changed: a webhook's run that found nothing due writes nothing", async () => {
    const shop = fakeShop();
    const file = runLogStorage(shop, dir);
    const writes: unknown[] = [];
    const counted = { read: () => file.read(), write: (value: unknown) => (writes.push(value), file.write(value)) };
    const store = new RunLogStore(fakeRED([], dir), shop, counted, () => t0);
    await store.change((l, now) => l.start("w1", "webhook", now), { publishNow: true });
    assert.equal(await store.change((l, now) => l.listed("w1", now), { publishNow: true }), null);
    await store.save();
    assert.equal(writes.length, 0);
    assert.ok(!fs.existsSync(path.join(dir, "ccv-snelstart")), "no file made");

    await store.change((l, now) => l.start("s1", "schedule", now), { publishNow: true });
    await store.change((l, now) => l.listed("s1", now), { publishNow: true });
    await store.save();
    await store.save();
    assert.equal(writes.length, 1, "one write for the run, none for the second save");

    await store.change((l, now) => l.start("w2", "webhook", now));
    await store.change((l, now) => l.listed("w2", now));
    await store.close();
    assert.equal(writes.length, 1, "the dropped run did not rewrite the file on close");
    assert.deepEqual(
      (JSON.parse(fs.readFileSync(path.join(dir, "ccv-snelstart", "ccv_snelstart_ledger_shop_example_nl.runs.json"), "utf8")) as { runs: Array<{ id: string }> }).runs.map((r) => r.id),
      ["s1"],
    );
  });

  it("a failed write is tried again by the next save", async () => {
    const shop = fakeShop();
    const file = runLogStorage(shop, dir);
    let fail = true;
    const flaky = { read: () => file.read(), write: (value: unknown) => (fail ? Promise.reject(new Error("disk full")) : file.write(value)) };
    const store = new RunLogStore(fakeRED([], dir), shop, flaky, () => t0);
    await store.change((l, now) => l.start("s1", "schedule", now));
    await assert.rejects(store.save(), /disk full/);
    fail = false;
    await store.close();
    const again = fakeShop();
    assert.deepEqual(
      (await new RunLogStore(fakeRED([], dir), again, runLogStorage(again, dir), () => t0).views()).map((v) => v.id),
      ["s1"],
    );
  });
});
