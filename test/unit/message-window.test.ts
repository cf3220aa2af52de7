/**
 * The per-shop message window (src/nodes/message-window.ts): without a consumer it holds nothing
 * back; with one, the (size+1)th message waits for a leave; live messages never wait; a message
 * that never leaves is let out after timeoutMs; clear() lets everything go. Timers are faked
 * (sinon), so "still waiting" and "let out at timeoutMs" are exact, not a matter of sleeping.
 */
import assert from "node:assert/strict";
import sinon from "sinon";
import { MessageWindow, addWindowConsumer } from "../../src/nodes/message-window";

/** A promise with a flag telling whether it settled yet. */
function watch(p: Promise<void>): { readonly done: boolean; promise: Promise<void> } {
  const w = { done: false, promise: p };
  p.then(() => (w.done = true));
  return w;
}

describe("unit: the message window", () => {
  let clock: sinon.SinonFakeTimers;
  const removals: Array<() => void> = [];
  /** Lets pending promise callbacks run (no time passes). */
  const flush = () => clock.tickAsync(0);

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    for (const remove of removals.splice(0)) remove();
    clock.restore();
  });

  const consumer = () => {
    const remove = addWindowConsumer();
    removals.push(remove);
    return remove;
  };

  it("without a consumer, enter never waits, nothing counts as on its way, settled resolves at once", async () => {
    const w = new MessageWindow(1, 100);
    for (const id of ["a", "b", "c"]) {
      const entered = watch(w.enter(id));
      await flush();
      assert.ok(entered.done, `${id} entered`);
    }
    assert.equal(w.inFlight, 0);
    const settled = watch(w.settled("a"));
    await flush();
    assert.ok(settled.done);
  });

  it("with a consumer, the (size+1)th message waits until one leaves; settled resolves on the leave", async () => {
    consumer();
    const w = new MessageWindow(2, 60_000);
    await w.enter("a");
    await w.enter("b");
    assert.equal(w.inFlight, 2);
    const c = watch(w.enter("c"));
    const aSettled = watch(w.settled("a"));
    await clock.tickAsync(30_000);
    assert.equal(c.done, false, "no room: c waits");
    assert.equal(aSettled.done, false, "a is on its way");
    w.leave("a");
    await flush();
    assert.ok(c.done, "a left: c is in");
    assert.ok(aSettled.done);
    assert.equal(w.inFlight, 2);
    const settledUnknown = watch(w.settled("never-entered"));
    await flush();
    assert.ok(settledUnknown.done, "an id not on its way is settled");
  });

  it("a leave lets one waiter in, and leaving twice (or an unknown id) lets in no more", async () => {
    consumer();
    const w = new MessageWindow(1, 60_000);
    await w.enter("a");
    const b = watch(w.enter("b"));
    const c = watch(w.enter("c"));
    w.leave("a");
    w.leave("a");
    w.leave("nope");
    await flush();
    assert.deepEqual([b.done, c.done, w.inFlight], [true, false, 1]);
    w.leave("b");
    await flush();
    assert.deepEqual([c.done, w.inFlight], [true, 1]);
  });

  it("a waiter whose signal aborts stops waiting, takes no room, and the next leave wakes the waiter after it", async () => {
    consumer();
    const w = new MessageWindow(1, 60_000);
    await w.enter("a");
    const stop = new AbortController();
    const reason = new Error("closed");
    const withdrawn = w.enter("b", false, stop.signal);
    const outcome = withdrawn.then(
      () => "entered",
      (err: unknown) => err,
    );
    const c = watch(w.enter("c"));
    stop.abort(reason);
    assert.equal(await outcome, reason, "enter rejects with the signal's reason");
    w.leave("a");
    await flush();
    assert.deepEqual([c.done, w.inFlight], [true, 1], "the leave went to c, not to the withdrawn b");
    await assert.rejects(w.enter("d", false, stop.signal), (err: unknown) => err === reason, "an aborted signal does not wait at all");
    assert.equal(w.inFlight, 1);
  });

  it("a live message goes in without waiting, past a full window", async () => {
    consumer();
    const w = new MessageWindow(1, 60_000);
    await w.enter("a");
    const normal = watch(w.enter("b"));
    const live = watch(w.enter("webhook", true));
    await flush();
    assert.equal(live.done, true);
    assert.equal(normal.done, false);
    assert.equal(w.inFlight, 2);
  });

  it("lets a message that never leaves out after timeoutMs, and the next one in", async () => {
    consumer();
    const w = new MessageWindow(1, 100);
    await w.enter("lost");
    const settled = watch(w.settled("lost"));
    const next = watch(w.enter("next"));
    await clock.tickAsync(99);
    assert.deepEqual([settled.done, next.done, w.inFlight], [false, false, 1]);
    await clock.tickAsync(1);
    assert.deepEqual([settled.done, next.done, w.inFlight], [true, true, 1]);
    // A message that left in time has its timer cleared: it does not let another out later.
    w.leave("next");
    await w.enter("third");
    await clock.tickAsync(99);
    assert.equal(w.inFlight, 1);
    await clock.tickAsync(1);
    assert.equal(w.inFlight, 0);
  });

  it("clear() lets everything go: the messages on their way and every waiter", async () => {
    consumer();
    const w = new MessageWindow(1, 60_000);
    await w.enter("a");
    const aSettled = watch(w.settled("a"));
    const waiters = ["b", "c", "d"].map((id) => watch(w.enter(id)));
    await flush();
    assert.deepEqual(
      waiters.map((x) => x.done),
      [false, false, false],
    );
    w.clear();
    await flush();
    assert.ok(aSettled.done, "a is let out");
    assert.deepEqual(
      waiters.map((x) => x.done),
      [true, true, true],
      "every waiter goes",
    );
    // The window still works after a clear: a message that comes later waits for room again.
    const later = watch(w.enter("e"));
    await flush();
    assert.equal(later.done, false);
  });

  it("a consumer's removal counts once: removing one of two consumers twice still leaves the window in force", async () => {
    const first = consumer();
    consumer();
    first();
    first();
    const w = new MessageWindow(1, 60_000);
    await w.enter("a");
    const b = watch(w.enter("b"));
    await flush();
    assert.equal(b.done, false, "one consumer is left: the window holds b back");
  });
});
