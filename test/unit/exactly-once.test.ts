/**
 * The exactly-once protocol (src/booking/exactly-once.ts) against fakes of its three ports: an
 * in-memory SnelStart that can lose answers and be slow, a sync ledger that can die in a write,
 * and a clock whose waits are recorded. The crash points are a new ExactlyOnce (a new life) on
 * the ledger and SnelStart the old one left.
 */
import assert from "node:assert/strict";
import { ExactlyOnce, LOOKUP_GAP_MS, type BookRequest, type DocumentRef, type LookupReason, type SnelStartPort, type Stored } from "../../src/booking/exactly-once";
import { systemClock } from "../../src/clock";
import { KoppelingError } from "../../src/errors";
import { HttpError } from "../../src/http/errors";
import { type LedgerKey, type LedgerPort, type LedgerState, emptyLedger } from "../../src/koppeling/sync-ledger";
import { FakeClock, settle } from "./helpers/fake-clock";

/** What the fake SnelStart is asked to post: a number and an amount (another amount under a number is not this document). */
interface Doc {
  type: "verkoopboeking" | "verkooporder";
  number: string;
  cents: number;
}

/** What the SnelStart client throws for a POST whose answer got lost (src/snelstart/errors.ts snelStartFailure). */
const lostAnswer = () =>
  new HttpError("SNELSTART_UNKNOWN_OUTCOME", "no answer", { unknownOutcome: true }, { status: null, method: "POST", url: "https://b2bapi.snelstart.nl/v2/verkoopboekingen", apiCodes: [], unknownOutcome: true });

/** A SnelStart that holds documents by number, and misbehaves as told. */
class FakeSnelStart implements SnelStartPort<Doc> {
  readonly held = new Map<string, Stored & { cents: number }>();
  readonly posts: string[] = [];
  readonly finds: Array<[string, LookupReason]> = [];
  readonly prepared: string[] = [];
  /** What the next POST does: store and answer, store and lose the answer, die before it reaches SnelStart, or be refused. */
  next: Array<"ok" | "lost-stored" | "lost" | "killed-before" | "killed-after" | "refused" | "duplicate"> = [];
  /** Documents stored but not yet listed: `find` misses them this many more times. */
  hiddenFor = 0;
  /** A POST waits for this, when set. */
  gate: Promise<void> | null = null;
  /** Called with the ledger's state when a POST starts (to see what was recorded before it). */
  onPost: ((d: Doc) => void) | null = null;
  private ids = 0;

  async find(d: Doc, why: LookupReason): Promise<Stored | null> {
    this.finds.push([d.number, why]);
    const h = this.held.get(d.number);
    if (!h) return null;
    if (this.hiddenFor > 0) {
      this.hiddenFor--;
      return null;
    }
    if (h.cents !== d.cents) throw new KoppelingError("INVOICE_NUMBER_TAKEN", `${d.number} holds another amount`);
    return { id: h.id, type: h.type };
  }

  async prepare(d: Doc): Promise<void> {
    this.prepared.push(d.number);
  }

  async post(d: Doc): Promise<Stored> {
    this.onPost?.(d);
    this.posts.push(d.number);
    if (this.gate) await this.gate;
    const what = this.next.shift() ?? "ok";
    if (what === "killed-before") throw new Error("killed");
    if (what === "lost") throw lostAnswer();
    if (what === "refused") throw new KoppelingError("SNELSTART_BOE_0039", "not in balance");
    if (what === "duplicate") throw new KoppelingError("SNELSTART_BOE_0021", "factuurnummer bestaat al");
    const stored = { id: `id-${++this.ids}`, type: d.type, cents: d.cents };
    this.held.set(d.number, stored);
    if (what === "lost-stored") throw lostAnswer();
    if (what === "killed-after") throw new Error("killed");
    return { id: stored.id, type: stored.type };
  }
}

/** The sync ledger in memory; `dieOnBooked` makes the write of an outcome fail (a kill before it reached the disk). */
class FakeLedger implements LedgerPort {
  state: LedgerState = emptyLedger();
  dieOnBooked = false;
  readonly writes: string[] = [];

  async read<T>(fn: (l: LedgerState) => T): Promise<T> {
    return fn(this.state);
  }

  async update<T>(fn: (l: LedgerState) => T): Promise<T> {
    const next = structuredClone(this.state);
    const booked = Object.keys(next.booked).length;
    const result = fn(next);
    if (this.dieOnBooked && Object.keys(next.booked).length > booked) throw new Error("killed while recording the outcome");
    this.writes.push(JSON.stringify({ intents: Object.keys(next.intents), booked: Object.keys(next.booked) }));
    this.state = next;
    return result;
  }
}

/** A clock at a fixed time that records its waits and lets them pass at once (unless aborted). */
class InstantClock extends FakeClock {
  constructor() {
    super(Date.parse("2026-02-03T04:05:06.000Z"));
  }
  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.slept.push(ms);
    signal?.throwIfAborted();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const ref = (kind: DocumentRef["kind"], id: number, ordernumber: number): DocumentRef => ({
  key: `${kind === "order" ? "order" : kind === "cancellation" ? "cancel" : "credit"}:${id}` as LedgerKey,
  kind,
  orderId: kind === "credit-invoice" ? 9000 + id : id,
  ordernumber,
});

function request(ledger: LedgerPort | undefined, doc: Doc, document?: DocumentRef, extra: Partial<BookRequest<Doc>> = {}): BookRequest<Doc> {
  return { posting: doc, type: doc.type, factuurnummer: doc.number, ...(document ? { document } : {}), ...(ledger ? { ledger } : {}), ...extra };
}

const order1 = { type: "verkoopboeking", number: "20261", cents: 1210 } as const;

describe("exactly once (the protocol, with fakes)", () => {
  it("an order's booking keeps its create_date (its credit invoices follow that day's VAT rules); a credit's does not", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    const once = new ExactlyOnce(ss, new FakeClock());
    await once.book(request(ledger, order1, { ...ref("order", 1, 1), created: "2021-06-28T02:08:43Z" }));
    await once.book(request(ledger, { type: "verkoopboeking", number: "C20261-5", cents: -1210 }, { ...ref("credit-invoice", 5, 1), created: "2021-06-28T02:08:43Z" }));
    assert.equal(ledger.state.booked["order:1"]?.created, "2021-06-28T02:08:43Z");
    assert.equal(ledger.state.booked["credit:5"]?.created, undefined);
  });

  it("records the intent before the POST and the outcome after it, with the clock's time", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    let intentAtPost: unknown = null;
    ss.onPost = () => (intentAtPost = ledger.state.intents["order:1"] ?? null);
    const r = await new ExactlyOnce(ss, new InstantClock()).book(request(ledger, order1, ref("order", 1, 1)));
    assert.deepEqual(r, { status: "booked", id: "id-1", type: "verkoopboeking", factuurnummer: "20261", adopted: false, warnings: [] });
    assert.deepEqual(intentAtPost, { factuurnummer: "20261", type: "verkoopboeking", at: "2026-02-03T04:05:06.000Z" });
    assert.deepEqual(ledger.state.booked["order:1"], { ordernumber: 1, factuurnummer: "20261", snelstartId: "id-1", type: "verkoopboeking", adopted: false, at: "2026-02-03T04:05:06.000Z" });
    assert.deepEqual(ledger.state.intents, {}, "the outcome replaces the intent");
    assert.deepEqual(ss.finds, [], "nothing to look up: no earlier attempt");
    assert.deepEqual(ss.prepared, ["20261"], "prepared before the intent");
  });

  it("keeps the document's amount with its outcome, also when it is adopted; none when the request names none", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    const booker = new ExactlyOnce(ss, new FakeClock());
    await booker.book(request(ledger, order1, ref("order", 1, 1), { amountCents: 1210 }));
    assert.equal(ledger.state.booked["order:1"]?.amountCents, 1210);
    // SnelStart already holds the credit note (BOE-0021): adopted, with the amount the koppeling books.
    const credit = { type: "verkoopboeking", number: "C20261", cents: -1210 } as const;
    ss.held.set("C20261", { id: "by-hand", type: "verkoopboeking", cents: -1210 });
    ss.next = ["duplicate"];
    await booker.book(request(ledger, credit, ref("cancellation", 1, 1), { amountCents: -1210 }));
    assert.deepEqual([ledger.state.booked["cancel:1"]?.adopted, ledger.state.booked["cancel:1"]?.amountCents], [true, -1210]);
    await booker.book(request(ledger, { type: "verkoopboeking", number: "20262", cents: 500 }, ref("order", 2, 2)));
    assert.equal("amountCents" in (ledger.state.booked["order:2"] ?? {}), false);
  });

  it("a document the ledger lists as booked is not posted, nor looked up", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    const booker = new ExactlyOnce(ss, new InstantClock());
    await booker.book(request(ledger, order1, ref("order", 1, 1)));
    const again = await booker.book(request(ledger, order1, ref("order", 1, 1)));
    assert.deepEqual(again, { status: "already", factuurnummer: "20261", id: "id-1", type: "verkoopboeking" });
    assert.deepEqual(ss.posts, ["20261"]);
  });

  it("killed after the intent, before the POST reached SnelStart: the next life looks, finds nothing, and posts once", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    ss.next = ["killed-before"];
    await assert.rejects(new ExactlyOnce(ss, new InstantClock()).book(request(ledger, order1, ref("order", 1, 1))), /killed/);
    assert.equal(ledger.state.intents["order:1"]?.factuurnummer, "20261", "the intent survives the kill");
    assert.equal(ss.held.size, 0);

    const r = await new ExactlyOnce(ss, new InstantClock()).book(request(ledger, order1, ref("order", 1, 1)));
    assert.deepEqual(ss.finds, [["20261", "earlier-attempt"]]);
    assert.deepEqual([r.status, r.status === "booked" && r.adopted], ["booked", false]);
    assert.equal(ss.held.size, 1);
    assert.equal(ledger.state.booked["order:1"]?.adopted, false);
  });

  it("killed after the POST, before its outcome was recorded: the next life finds it and adopts it, never posts it again", async () => {
    for (const how of ["killed-after", "ledger write"] as const) {
      const ss = new FakeSnelStart();
      const ledger = new FakeLedger();
      if (how === "killed-after") ss.next = ["killed-after"];
      else ledger.dieOnBooked = true;
      await assert.rejects(new ExactlyOnce(ss, new InstantClock()).book(request(ledger, order1, ref("order", 1, 1))), /killed/);
      assert.equal(ss.held.size, 1, `${how}: SnelStart holds it`);
      assert.ok(ledger.state.intents["order:1"] && !ledger.state.booked["order:1"], `${how}: only the intent is recorded`);

      ledger.dieOnBooked = false;
      const r = await new ExactlyOnce(ss, new InstantClock()).book(request(ledger, order1, ref("order", 1, 1)));
      assert.deepEqual(r, { status: "booked", id: "id-1", type: "verkoopboeking", factuurnummer: "20261", adopted: true, warnings: [] }, how);
      assert.deepEqual(ss.posts, ["20261"], `${how}: posted once`);
      const after: LedgerState = ledger.state;
      assert.deepEqual([after.booked["order:1"]?.adopted, after.intents["order:1"]], [true, undefined]);
    }
  });

  it("a lost answer: looked up three times, a moment apart (1 s, 2 s), and adopted when SnelStart lists it", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    const clock = new InstantClock();
    ss.next = ["lost-stored"];
    ss.hiddenFor = 2;
    const r = await new ExactlyOnce(ss, clock).book(request(ledger, order1, ref("order", 1, 1)));
    assert.equal(r.status === "booked" && r.adopted, true);
    assert.deepEqual(clock.slept, [LOOKUP_GAP_MS, 2 * LOOKUP_GAP_MS]);
    assert.deepEqual(ss.finds.map(([, why]) => why), ["unknown-outcome", "unknown-outcome", "unknown-outcome"]);
    assert.deepEqual(ss.posts, ["20261"]);
  });

  it("a lost answer SnelStart did not store: the unknown outcome is thrown, the intent kept, and the next attempt looks first, then posts once", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    ss.next = ["lost"];
    const booker = new ExactlyOnce(ss, new InstantClock());
    await assert.rejects(booker.book(request(ledger, order1, ref("order", 1, 1))), { code: "SNELSTART_UNKNOWN_OUTCOME" });
    assert.equal(ss.finds.length, 3);
    assert.ok(ledger.state.intents["order:1"]);
    await booker.book(request(ledger, order1, ref("order", 1, 1)));
    assert.deepEqual(ss.finds.at(-1), ["20261", "earlier-attempt"]);
    assert.deepEqual(ss.posts, ["20261", "20261"], "the first POST stored nothing: posted again, once");
    assert.equal(ss.held.size, 1);
  });

  it("BOE-0021 (the number exists): the booking found under it is adopted", async () => {
    const ss = new FakeSnelStart();
    ss.held.set("20261", { id: "by-hand", type: "verkoopboeking", cents: 1210 });
    ss.next = ["duplicate"];
    const r = await new ExactlyOnce(ss, new InstantClock()).book(request(new FakeLedger(), order1, ref("order", 1, 1)));
    assert.deepEqual([r.status, r.status === "booked" && r.id, r.status === "booked" && r.adopted], ["booked", "by-hand", true]);
    assert.deepEqual(ss.finds, [["20261", "duplicate-number"]]);
  });

  it("a POST refused outright stored nothing: its intent is dropped; a number another document holds is INVOICE_NUMBER_TAKEN, also without intent", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    ss.next = ["refused"];
    await assert.rejects(new ExactlyOnce(ss, new InstantClock()).book(request(ledger, order1, ref("order", 1, 1))), { code: "SNELSTART_BOE_0039" });
    assert.deepEqual(ledger.state.intents, {});
    assert.ok(ledger.writes.some((w) => w.includes('"intents":["order:1"]')), "the intent was written before the POST");

    // An intent left by a kill, then the number turns out to be another document's.
    ss.next = ["killed-before"];
    await assert.rejects(new ExactlyOnce(ss, new InstantClock()).book(request(ledger, order1, ref("order", 1, 1))), /killed/);
    ss.held.set("20261", { id: "other", type: "verkoopboeking", cents: 999 });
    await assert.rejects(new ExactlyOnce(ss, new InstantClock()).book(request(ledger, order1, ref("order", 1, 1))), { code: "INVOICE_NUMBER_TAKEN" });
    assert.deepEqual(ledger.state.intents, {});
  });

  it("without a ledger a sales booking is looked up by its number first; a sales order is not (it would page through all of them)", async () => {
    const ss = new FakeSnelStart();
    const booker = new ExactlyOnce(ss, new InstantClock());
    await booker.book(request(undefined, order1));
    await booker.book(request(undefined, { type: "verkooporder", number: "10330", cents: 4005 }));
    assert.deepEqual(ss.finds, [["20261", "earlier-attempt"]]);
    assert.deepEqual(ss.posts, ["20261", "10330"]);
  });

  it("the credit lane: an order, its credit invoice and its cancellation are posted one at a time, in the order they came; the cancellation then credits nothing (creditedBy)", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    const booker = new ExactlyOnce(ss, new InstantClock());
    const gate = deferred();
    ss.gate = gate.promise;
    const order = booker.book(request(ledger, order1, ref("order", 1, 100)));
    const credit = booker.book(request(ledger, { type: "verkoopboeking", number: "C20261-5", cents: -1210 }, ref("credit-invoice", 5, 100)));
    const cancel = booker.book(request(ledger, { type: "verkoopboeking", number: "C20261", cents: -1210 }, ref("cancellation", 1, 100)));
    const other = booker.book(request(ledger, { type: "verkoopboeking", number: "20262", cents: 500 }, ref("order", 2, 101)));
    await settle();
    assert.deepEqual(ss.posts, ["20261", "20262"], "the credits wait for the order; another order number does not");
    gate.resolve();
    const [, c, x] = await Promise.all([order, credit, cancel, other]);
    assert.deepEqual(ss.posts, ["20261", "20262", "C20261-5"]);
    assert.equal(c.status, "booked");
    assert.deepEqual(x, { status: "already", factuurnummer: "C20261-5", creditedBy: "credit:5" });
    assert.equal(ledger.state.booked["cancel:1"], undefined, "the cancellation is not recorded as booked");
  });

  it("a credit invoice after the cancellation was credited (earlierCredit): not posted", async () => {
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    const booker = new ExactlyOnce(ss, new InstantClock());
    await booker.book(request(ledger, { type: "verkoopboeking", number: "C20261", cents: -1210 }, ref("cancellation", 1, 100)));
    const r = await booker.book(request(ledger, { type: "verkoopboeking", number: "C20261-5", cents: -1210 }, ref("credit-invoice", 5, 100)));
    assert.deepEqual(r, { status: "already", factuurnummer: "C20261", creditedBy: "cancel:1" });
    assert.deepEqual(ss.posts, ["C20261"]);
  });

  it("a cancellation whose original the ledger does not know: credited only when SnelStart holds the original, else nothing to credit", async () => {
    const credit = { type: "verkoopboeking", number: "C20261", cents: -1210 } as const;
    const original = { posting: { type: "verkoopboeking", number: "20261", cents: 1210 } as Doc, factuurnummer: "20261" };
    // SnelStart holds it (a kill left the ledger without its outcome): the original is recorded, the credit posted.
    const ss = new FakeSnelStart();
    const ledger = new FakeLedger();
    ss.held.set("20261", { id: "orig", type: "verkoopboeking", cents: 1210 });
    const r = await new ExactlyOnce(ss, new InstantClock()).book(request(ledger, credit, ref("cancellation", 1, 100), { original }));
    assert.equal(r.status, "booked");
    assert.deepEqual([ledger.state.booked["order:1"]?.snelstartId, ledger.state.booked["order:1"]?.adopted], ["orig", true]);
    assert.deepEqual(ss.finds[0], ["20261", "original"]);

    // It does not: nothing to credit, settled for good.
    const ss2 = new FakeSnelStart();
    const ledger2 = new FakeLedger();
    const r2 = await new ExactlyOnce(ss2, new InstantClock()).book(request(ledger2, credit, ref("cancellation", 1, 100), { original }));
    assert.deepEqual(r2, { status: "already", nothingToCredit: true });
    assert.equal(ledger2.state.booked["cancel:1"]?.type, "none");
    assert.deepEqual(ss2.posts, []);
  });

  describe("close (a redeploy)", () => {
    it("a POST in progress finishes and its outcome is recorded before close resolves; nothing starts after", async () => {
      const ss = new FakeSnelStart();
      const ledger = new FakeLedger();
      const booker = new ExactlyOnce(ss, new InstantClock());
      const gate = deferred();
      ss.gate = gate.promise;
      const inFlight = booker.book(request(ledger, order1, ref("order", 1, 100)));
      const queued = booker.book(request(ledger, { type: "verkoopboeking", number: "C20261", cents: -1210 }, ref("cancellation", 1, 100)));
      await settle();
      let closed = false;
      const closing = booker.close().then(() => (closed = true));
      await settle();
      assert.equal(closed, false, "close waits for the POST");
      gate.resolve();
      await closing;
      assert.equal((await inFlight).status, "booked");
      assert.ok(ledger.state.booked["order:1"], "its outcome is in the ledger");
      assert.deepEqual(ledger.state.intents, {});
      await assert.rejects(queued, { code: "FLOW_STOPPED" });
      await assert.rejects(booker.book(request(ledger, { type: "verkoopboeking", number: "20262", cents: 1 }, ref("order", 2, 101))), { code: "FLOW_STOPPED" });
      assert.deepEqual(ss.posts, ["20261"]);
    });

    it("the wait between lookups of a lost answer is cut short, its timer cleared; the intent stays for the next run", async () => {
      const ss = new FakeSnelStart();
      const ledger = new FakeLedger();
      ss.next = ["lost"];
      const booker = new ExactlyOnce(ss, systemClock);
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
      // After a turn of the event loop: mocha starts the test's own timer once the test is under way.
      await settle();
      const before = timers();
      const started = Date.now();
      const booking = booker.book(request(ledger, order1, ref("order", 1, 1)));
      await new Promise<void>((resolve) => {
        const poll = () => (ss.finds.length >= 1 && timers() > before ? resolve() : setImmediate(poll));
        poll();
      });
      await booker.close();
      await assert.rejects(booking, { code: "FLOW_STOPPED" });
      assert.ok(Date.now() - started < LOOKUP_GAP_MS, "not waited out");
      assert.equal(timers(), before, "no timer left");
      assert.ok(ledger.state.intents["order:1"], "the intent stays: the next run looks it up first");
      assert.equal(ss.finds.length, 1);
    });
  });
});
