/**
 * The one clock (src/clock.ts): its sleep is cancellable, and a cancelled sleep leaves no timer
 * behind. The real timers are sinon's fake ones here, so nothing waits for real time.
 */
import assert from "node:assert/strict";
import sinon from "sinon";
import { clockWith, systemClock } from "../../src/clock";

describe("clock", () => {
  let timers: sinon.SinonFakeTimers;
  beforeEach(() => (timers = sinon.useFakeTimers({ now: Date.parse("2026-03-04T05:06:07Z") })));
  afterEach(() => timers.restore());

  it("sleep resolves once its time has passed, not before", async () => {
    let done = false;
    const slept = systemClock.sleep(1_000).then(() => (done = true));
    await timers.tickAsync(999);
    assert.equal(done, false);
    await timers.tickAsync(1);
    await slept;
    assert.equal(done, true);
  });

  it("an abort rejects the sleep with the signal's reason at once and clears its timer", async () => {
    const ctl = new AbortController();
    const slept = systemClock.sleep(60_000, ctl.signal);
    assert.equal(timers.countTimers(), 1);
    const reason = new Error("closed");
    ctl.abort(reason);
    await assert.rejects(slept, (e) => e === reason);
    assert.equal(timers.countTimers(), 0, "the timer is gone");
  });

  it("a sleep on a signal already aborted rejects without a timer", async () => {
    const ctl = new AbortController();
    ctl.abort(new Error("over"));
    await assert.rejects(systemClock.sleep(10, ctl.signal), /over/);
    assert.equal(timers.countTimers(), 0);
  });

  it("a sleep that ran out lets go of its signal: a later abort changes nothing", async () => {
    const ctl = new AbortController();
    const slept = systemClock.sleep(5, ctl.signal);
    await timers.tickAsync(5);
    await slept;
    ctl.abort(new Error("late"));
    assert.equal(timers.countTimers(), 0);
  });

  it("date is the time of day; clockWith swaps only the monotonic now", () => {
    assert.equal(systemClock.date().toISOString(), "2026-03-04T05:06:07.000Z");
    const c = clockWith(() => 42);
    assert.equal(c.now(), 42);
    assert.equal(c.date().toISOString(), "2026-03-04T05:06:07.000Z");
  });
});
