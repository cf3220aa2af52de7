/**
 * The sync ledger as a journal in Node-RED's user directory: every step is on disk before the
 * next, so a crash at any moment of a booking leaves either nothing, an intent, or the outcome.
 * A crash is played by cutting the journal back to what a process killed at that moment would
 * have left, and starting the flow again on the same user directory, with SnelStart's
 * duplicate-number check (BOE-0021) switched off: exactly once may not rest on it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { LedgerState } from "../../src/koppeling/sync-ledger";
import { NODES, addOrder, atLeast, boekingen, collect, control, credentials, helper, koppelingFlow, postsOf, readLedger, simpleOrder, startSims, teardown, trigger, withUserDir, type Sims } from "./support";

/** The journal file of the flow's shop in `dir`. */
function journalOf(dir: string): string {
  const folder = path.join(dir, "ccv-snelstart");
  const file = fs.readdirSync(folder).find((f) => f.endsWith(".journal.jsonl"));
  assert.ok(file, "the journal exists");
  return path.join(folder, file);
}

describe("nodes: the durable sync ledger (journal in the user directory)", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });
  const userDir = withUserDir();

  /** One life of the flow: load, run once, wait for `n` outcomes (booked or caught), unload. */
  async function life(n = 1): Promise<void> {
    await helper.load(NODES, koppelingFlow(sims as Sims), credentials(sims as Sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    await until(() => out.length + caught.length >= n);
    await helper.unload();
  }

  async function until(check: () => boolean): Promise<void> {
    const end = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Cuts the journal back to the line that recorded the intent for `key` (a kill right after it). */
  function crashAfterIntent(key: string): void {
    const file = journalOf(userDir());
    const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
    const at = lines.findIndex((l) => {
      const rec = JSON.parse(l) as { i?: Record<string, unknown> };
      return rec.i?.[key] != null;
    });
    assert.ok(at >= 0, `an intent for ${key} was journaled`);
    fs.writeFileSync(file, `${lines.slice(0, at + 1).join("\n")}\n`);
  }

  it("keeps every step on disk: a new life on the same user directory sees the booking, and books nothing again", async () => {
    sims = await startSims();
    await control(sims.ss.url, "PUT", "/__sim/unique-check", { enabled: false });
    await addOrder(sims, simpleOrder(7001));
    await life();
    assert.equal(boekingen(sims).length, 1);
    // No flush, no graceful write: the journal line is all there is. A second life finds nothing due.
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const summaries = collect("summary");
    trigger();
    await atLeast(summaries, 1, "summaries");
    assert.equal(summaries[0].payload.total, 0, "nothing due");
    assert.equal(boekingen(sims).length, 1);
  });

  it("a kill after the POST, before its outcome was recorded: the next life finds the booking by number and adopts it", async () => {
    sims = await startSims();
    await control(sims.ss.url, "PUT", "/__sim/unique-check", { enabled: false });
    const order = await addOrder(sims, simpleOrder(7002));
    await life();
    crashAfterIntent(`order:${order.id}`);

    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 1, "booked orders");
    assert.equal(out[0].snelstart?.adopted, true);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 1, "posted once, in the first life");
    assert.equal(boekingen(sims).length, 1);
    const l = await readLedger<LedgerState>();
    assert.ok(l.booked[`order:${order.id}`]);
    assert.deepEqual(l.intents, {});
  });

  it("a kill after the intent, before the POST reached SnelStart: the next life looks, finds nothing, and books once", async () => {
    sims = await startSims();
    await control(sims.ss.url, "PUT", "/__sim/unique-check", { enabled: false });
    const order = await addOrder(sims, simpleOrder(7003));
    await life();
    crashAfterIntent(`order:${order.id}`);
    // The POST never arrived: SnelStart has nothing.
    sims.ss.state.verkoopboekingen.clear();

    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 1, "booked orders");
    assert.equal(out[0].snelstart?.adopted, undefined, "posted, not adopted");
    assert.equal(boekingen(sims).length, 1);
  });

  /** Runs once in a new life and waits for its summary. */
  async function runOnce(): Promise<{ out: Array<{ snelstart?: Record<string, unknown>; payload?: unknown }>; summary: { total: number; booked: number; alreadyBooked: number; failed: number } }> {
    await helper.load(NODES, koppelingFlow(sims as Sims), credentials(sims as Sims));
    const out = collect("out");
    const summaries = collect("summary");
    trigger();
    await atLeast(summaries, 1, "summaries");
    const summary = summaries[0].payload as { total: number; booked: number; alreadyBooked: number; failed: number };
    await helper.unload();
    return { out, summary };
  }

  const credits = () => boekingen(sims as Sims).filter((b) => b.factuurnummer.startsWith("C"));

  it("a cancellation never depends on the ledger: with the ledger lost, a booked order cancelled later is credited once (found by number)", async () => {
    sims = await startSims();
    await control(sims.ss.url, "PUT", "/__sim/unique-check", { enabled: false });
    const order = await addOrder(sims, simpleOrder(7101));
    await life();
    const number = boekingen(sims)[0].factuurnummer;
    fs.rmSync(path.join(userDir(), "ccv-snelstart"), { recursive: true, force: true });
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${order.id}`, { status: 8 });

    const first = await runOnce();
    assert.equal(first.summary.failed, 0, JSON.stringify(first.summary));
    assert.deepEqual(credits().map((b) => [b.factuurnummer, b.factuurbedrag]), [[`C${number}`, -boekingen(sims)[0].factuurbedrag]]);
    const again = await runOnce();
    assert.equal(again.summary.total, 0, "credited once: nothing due after");
    assert.equal(credits().length, 1);
  });

  it("a paid order cancelled before it was ever booked: checked once, nothing credited, nothing due after", async () => {
    sims = await startSims();
    const order = await addOrder(sims, simpleOrder(7102, { status: 8 }));
    const first = await runOnce();
    assert.deepEqual([first.summary.total, first.summary.alreadyBooked, first.summary.failed], [1, 1, 0]);
    assert.equal(first.out[0].snelstart?.nothingToCredit, true);
    assert.equal(boekingen(sims).length, 0, "nothing booked, nothing credited");
    const again = await runOnce();
    assert.equal(again.summary.total, 0);
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const l = await readLedger<LedgerState>();
    assert.equal(l.booked[`cancel:${order.id}`]?.type, "none");
  });

  it("a kill after the POST, then the order is cancelled: the next life credits it (the intent names the original)", async () => {
    sims = await startSims();
    await control(sims.ss.url, "PUT", "/__sim/unique-check", { enabled: false });
    const order = await addOrder(sims, simpleOrder(7103));
    await life();
    const number = boekingen(sims)[0].factuurnummer;
    crashAfterIntent(`order:${order.id}`);
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${order.id}`, { status: 8 });
    const first = await runOnce();
    assert.equal(first.summary.failed, 0);
    assert.deepEqual(credits().map((b) => b.factuurnummer), [`C${number}`]);
    assert.equal(boekingen(sims).length, 2, "the order once, its credit once");
  });

  it("a journal cut mid-line by a kill loses only that line", async () => {
    sims = await startSims();
    const order = await addOrder(sims, simpleOrder(7004));
    await life();
    const file = journalOf(userDir());
    fs.appendFileSync(file, '{"b":{"order:1":{"facture');
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const l = await readLedger<LedgerState>();
    assert.ok(l.booked[`order:${order.id}`], "the whole lines are read");
    assert.equal(l.booked["order:1"], undefined, "the cut line is not");
  });
});
