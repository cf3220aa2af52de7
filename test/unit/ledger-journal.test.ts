/**
 * The ledger journal: a snapshot plus fsynced change lines, replayed in order; a line cut short
 * by a crash is dropped; compaction and its crash windows lose nothing; a write names only the
 * keys it changed (O(1) in the ledger's size); an older context-store ledger is where it starts;
 * pending documents (`p`) are journaled and replayed; a `runs` line is merged, so one written
 * without the high-water marks keeps them as they were.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Node } from "node-red";
import { ListingMarks, advanceMarks, dueSettings, notePending, planRun } from "../../src/koppeling/due";
import { emptyLedger, findBooked, markAlerted, markBooked, recordFailure, recordIntent, recordRunSuccess, reviveLedger, type LedgerState } from "../../src/koppeling/sync-ledger";
import { LedgerJournal, applyRecord, parseJournal } from "../../src/nodes/ledger-journal";
import { LedgerStore } from "../../src/nodes/ledger-store";

const NOW = new Date("2026-12-01T10:00:00Z");
const booked = (n: number) => ({ ordernumber: n, factuurnummer: `2026${n}`, snelstartId: `id-${n}`, type: "verkoopboeking" as const, adopted: false });

/** A ccv-config stand-in whose global context holds `value` under any key. */
function fakeNode(value: unknown = undefined): Node {
  const global = { get: (_k: string, _s: string | undefined, cb: (err: undefined, v: unknown) => void) => cb(undefined, value), set: () => assert.fail("the journal mode writes no context") };
  return { context: () => ({ global }) } as unknown as Node;
}

describe("unit: the ledger journal", function () {
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-journal-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("applies records: set, delete, runs; replaying one twice changes nothing", () => {
    const s = emptyLedger();
    const rec = { b: { "order:1": { x: 1 }, "order:2": { x: 2 } }, i: { "order:3": { y: 3 } }, r: { ...s.runs, consecutiveFailures: 2 } };
    applyRecord(s, rec);
    applyRecord(s, { b: { "order:2": null }, i: { "order:3": null } });
    const once = JSON.stringify(s);
    applyRecord(s, { b: { "order:2": null }, i: { "order:3": null } });
    assert.equal(JSON.stringify(s), once);
    assert.deepEqual(Object.keys(s.booked), ["order:1"]);
    assert.deepEqual(s.intents, {});
    assert.equal(s.runs.consecutiveFailures, 2);
  });

  it("a compaction folds the bookings older than the fold age; a new store finds them by number and keeps the recent ones whole", async () => {
    const a = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    const now = new Date();
    const longAgo = new Date(now.getTime() - 200 * 86_400_000);
    await a.update((l) => {
      for (let n = 1; n <= 50; n++) markBooked(l, `order:${n}`, booked(n), longAgo);
      markBooked(l, "order:51", booked(51), now);
    });
    await a.compact();
    await a.close();
    const snapshot = fs.readFileSync(path.join(dir, "ccv-snelstart", "ledger_shop.snapshot.jsonl"), "utf8");
    assert.equal((snapshot.match(/"order:\d+"/g) ?? []).length, 1, "only the recent booking is kept whole");
    assert.match(snapshot, /"x":\{/);
    const b = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    const found = await b.read((l) => [findBooked(l, "order:999", 7, longAgo.toISOString())?.factuurnummer, findBooked(l, "order:51", 51)?.snelstartId]);
    assert.deepEqual(found, ["20267", "id-51"]);
    await b.close();
  });

  it("drops a last line cut short, refuses a broken line before the last", () => {
    assert.deepEqual(parseJournal('{"b":{}}\n{"f":{}}\n{"b":{"order:1":{"fa'), [{ b: {} }, { f: {} }]);
    assert.deepEqual(parseJournal(""), []);
    assert.throws(() => parseJournal('{"b":{}}\n{"f":\n{"b":{}}\n'), /line 2 of the journal is not JSON/);
  });

  it("a store writes one line per update naming only what changed, and a new store on the same directory reads it all back", async () => {
    const a = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    for (let n = 1; n <= 200; n++) await a.update((l) => markBooked(l, `order:${n}`, booked(n), NOW));
    await a.update((l) => recordIntent(l, "order:201", { factuurnummer: "2026201", type: "verkoopboeking" }, NOW));
    await a.update((l) => recordFailure(l, "order:202", { ordernumber: 202, stage: "vat-mapper", code: "VAT_X", runId: "r1" }, NOW));
    await a.update((l) => markAlerted(l, { orders: [{ key: "order:202", ...l.failed["order:202"] }], run: null }));
    await a.read(() => undefined); // a read writes nothing
    await a.close();
    const lines = fs.readFileSync(path.join(dir, "ccv-snelstart", "ledger_shop.journal.jsonl"), "utf8").split("\n").filter(Boolean);
    assert.equal(lines.length, 203);
    assert.ok(lines.every((l) => l.length < 400), "each line holds one change, not the ledger");
    assert.deepEqual(Object.keys(JSON.parse(lines[199]) as object), ["b"]);

    const b = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    const state = await b.read((l) => structuredClone(l));
    assert.equal(Object.keys(state.booked).length, 200);
    assert.equal(state.intents["order:201"]?.factuurnummer, "2026201");
    assert.equal(state.failed["order:202"]?.alerted, true, "an entry replaced, not changed in place, is journaled");
    await b.close();
  });

  it("compaction folds the journal into the snapshot; a kill between the two leaves a state that replays to the same", async () => {
    const a = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    for (let n = 1; n <= 20; n++) await a.update((l) => markBooked(l, `order:${n}`, booked(n), NOW));
    const journalText = fs.readFileSync(path.join(dir, "ccv-snelstart", "ledger_shop.journal.jsonl"), "utf8");
    await a.compact();
    await a.close();
    assert.equal(fs.readFileSync(path.join(dir, "ccv-snelstart", "ledger_shop.journal.jsonl"), "utf8"), "");
    // The kill came after the snapshot was renamed into place, before the journal was emptied.
    fs.writeFileSync(path.join(dir, "ccv-snelstart", "ledger_shop.journal.jsonl"), journalText);
    const j = new LedgerJournal(path.join(dir, "ccv-snelstart"), "ledger_shop");
    const state = await j.load(reviveLedger, async () => assert.fail("the snapshot exists"));
    assert.equal(Object.keys(state.booked).length, 20);
    await j.close();
  });

  it("starts from the ledger an older version kept in the context store, and from then on writes no context", async () => {
    const old = emptyLedger() as LedgerState & { booked: Record<string, unknown> };
    old.booked["order:9"] = { ...booked(9), at: NOW.toISOString() };
    const store = new LedgerStore(fakeNode(old), "ledger_old", "", dir);
    assert.ok(await store.read((l) => l.booked["order:9"]));
    await store.update((l) => markBooked(l, "order:10", booked(10), NOW));
    await store.close();
    const again = new LedgerStore(fakeNode(undefined), "ledger_old", "", dir);
    assert.deepEqual(await again.read((l) => Object.keys(l.booked).sort()), ["order:10", "order:9"]);
    await again.close();
  });

  it("applies pending changes (`p`): set and delete", () => {
    const s = emptyLedger();
    const entry = { ordernumber: 7, created: NOW.toISOString(), due: false };
    applyRecord(s, { p: { "order:7": entry, "credit:8": { ...entry, due: true } } });
    applyRecord(s, { p: { "credit:8": null } });
    assert.deepEqual(s.pending, { "order:7": entry });
  });

  it("a `runs` line without marks keeps the marks as they were; one with marks replaces them", () => {
    const s = emptyLedger();
    const marks = { orders: "2026-11-30T10:00:00Z", invoices: null, lastOrdernumber: 40, fullSweepAt: NOW.toISOString() };
    applyRecord(s, { r: { ...s.runs, marks } });
    const { marks: _left, ...older } = { ...s.runs, consecutiveFailures: 4 };
    applyRecord(s, JSON.parse(JSON.stringify({ r: older })));
    assert.deepEqual(s.runs.marks, marks);
    assert.equal(s.runs.consecutiveFailures, 4);
    const next = { ...marks, lastOrdernumber: 41 };
    applyRecord(s, { r: { ...s.runs, marks: next } });
    assert.deepEqual(s.runs.marks, next);
  });

  it("a store journals pending notes as `p` lines and a new store replays them; a hand-written `p` line and a `runs` line without marks are replayed too", async () => {
    const settings = dueSettings({});
    const a = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    await a.update((l) => notePending(l, "order:7", { ordernumber: 7, created: NOW.toISOString() }, "waiting", NOW, settings));
    await a.update((l) => notePending(l, "order:8", { ordernumber: 8, created: NOW.toISOString() }, "due", NOW, settings));
    await a.update((l) => notePending(l, "order:7", { ordernumber: 7, created: NOW.toISOString() }, "waiting", NOW, settings)); // no change: no line
    await a.update((l) => notePending(l, "order:8", { ordernumber: 8, created: NOW.toISOString() }, "settled", NOW, settings));
    await a.update((l) => {
      const plan = planRun(l, settings, NOW);
      const seen = new ListingMarks();
      seen.order({ create_date: "2026-11-30T10:00:00Z", ordernumber: 40 });
      advanceMarks(l, plan, seen, NOW);
    });
    await a.close();
    const file = path.join(dir, "ccv-snelstart", "ledger_shop.journal.jsonl");
    const lines = fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.slice(0, 3).map((l) => l.p),
      [{ "order:7": { ordernumber: 7, created: NOW.toISOString(), due: false } }, { "order:8": { ordernumber: 8, created: NOW.toISOString(), due: true } }, { "order:8": null }],
    );
    assert.equal(lines.length, 4, "a note that changed nothing writes no line");
    const marks = { orders: "2026-11-30T10:00:00Z", invoices: null, lastOrdernumber: 40, fullSweepAt: NOW.toISOString() };

    // An older version's lines: a pending note, and a run's outcome without the marks.
    const runs = emptyLedger().runs as Partial<LedgerState["runs"]>;
    delete runs.marks;
    fs.appendFileSync(file, `${JSON.stringify({ p: { "credit:9": { ordernumber: 7, created: NOW.toISOString(), due: false } } })}\n`);
    fs.appendFileSync(file, `${JSON.stringify({ r: { ...runs, consecutiveFailures: 2, firstRunAt: NOW.toISOString() } })}\n`);

    const b = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    const state = await b.read((l) => structuredClone(l));
    assert.deepEqual(Object.keys(state.pending).sort(), ["credit:9", "order:7"]);
    assert.deepEqual(state.runs.marks, marks, "the marks as they were");
    assert.equal(state.runs.consecutiveFailures, 2);
    // After a compaction, the snapshot holds the pending notes and the marks.
    await b.update((l) => recordRunSuccess(l, NOW));
    await b.compact();
    await b.close();
    assert.equal(fs.readFileSync(file, "utf8"), "");
    const c = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    const again = await c.read((l) => structuredClone(l));
    assert.deepEqual([Object.keys(again.pending).sort(), again.runs.marks, again.runs.consecutiveFailures], [["credit:9", "order:7"], marks, 0]);
    await c.close();
  });
  it("a change that arrives after close (a booking finishing its step at a redeploy) is written, and the file closed again", async () => {
    const a = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    await a.update((l) => recordIntent(l, "order:1", { factuurnummer: "20261", type: "verkoopboeking" }, NOW));
    const closing = a.close();
    const late = a.update((l) => markBooked(l, "order:1", booked(1), NOW));
    await Promise.all([closing, late]);
    const handle = () => (a as unknown as { journal: { handle: unknown } }).journal.handle;
    assert.equal(handle(), null, "no file left open");
    const b = new LedgerStore(fakeNode(), "ledger_shop", "", dir);
    assert.deepEqual(await b.read((l) => [l.booked["order:1"]?.snelstartId, l.intents["order:1"]]), ["id-1", undefined]);
    await b.close();
  });
});
