/**
 * Live work (src/live.ts) goes ahead of the rest in the one throttle (src/http/throttle.ts) as both
 * APIs use it: CCV's lanes (src/ccv/throttle.ts: per key, a call counting from when it finished)
 * give a live request the next free slot of its key before a normal one that was waiting longer,
 * and leave other keys alone; SnelStart's Throttle (src/snelstart/throttle.ts) admits a live call
 * before the queued normal ones. Time is a sinon fake clock, so "before" is the order of
 * admission, not a race against a sleep.
 */
import assert from "node:assert/strict";
import sinon from "sinon";
import { clockWith } from "../../src/clock";
import { liveReserve } from "../../src/ccv/throttle";
import { Throttle as HttpThrottle } from "../../src/http/throttle";
import { asLive, isLive } from "../../src/live";
import { type Permit, Throttle } from "../../src/snelstart/throttle";

const ORDERS = "GET /orders/";
const INVOICES = "GET /invoices/";

describe("unit: live work", () => {
  it("isLive is true inside asLive, through awaits and timers, and false outside", async () => {
    assert.equal(isLive(), false);
    const seen = await asLive(async () => {
      const before = isLive();
      await new Promise<void>((resolve) => setImmediate(resolve));
      return [before, isLive()];
    });
    assert.deepEqual(seen, [true, true]);
    assert.equal(isLive(), false);
  });
});

describe("unit: live requests in the CCV request window", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => clock.restore());

  /** CCV's kind of lanes: a call counts from when it finished; here one call per second per key. */
  const requestWindow = () => new HttpThrottle({ countFrom: "end", limits: () => ({ windows: [{ calls: 1, ms: 1_000 }], concurrent: Infinity }), clock: clockWith(() => clock.now) });

  /** Takes a slot of `key` (live or not), records when it was granted, and answers its release. */
  function taker(w: HttpThrottle, order: string[]) {
    return (name: string, key: string, live: boolean): Promise<() => void> => {
      const take = () => w.acquire(key);
      return (live ? asLive(take) : take()).then((permit) => {
        order.push(`${name}@${clock.now}`);
        return () => permit.release();
      });
    };
  }

  it("with the budget full, a live take gets the next free slot before a normal take of the same key that waited longer", async () => {
    const w = requestWindow();
    const order: string[] = [];
    const take = taker(w, order);
    (await take("first", ORDERS, false))(); // finished at 0: the key is full until 1,000
    const normal = take("normal", ORDERS, false);
    await clock.tickAsync(400);
    const live = take("live", ORDERS, true);
    await clock.tickAsync(599);
    assert.deepEqual(order, ["first@0"], "nothing before the window has room");
    await clock.tickAsync(1);
    assert.deepEqual(order, ["first@0", "live@1000"]);
    (await live)(); // the live request finished at 1,000: the next room is at 2,000
    await clock.tickAsync(999);
    assert.deepEqual(order, ["first@0", "live@1000"], "the normal take waits for the window, not for ever");
    await clock.tickAsync(1);
    assert.deepEqual(order, ["first@0", "live@1000", "normal@2000"]);
    (await normal)();
  });

  it("a live take waits behind nothing but the budget; a normal take of another key is not held back by it", async () => {
    const w = requestWindow();
    const order: string[] = [];
    const take = taker(w, order);
    (await take("first", ORDERS, false))();
    const live = take("live", ORDERS, true);
    await clock.tickAsync(10);
    // Another key has room: its normal take goes at once, while the live one of ORDERS waits.
    (await take("invoices", INVOICES, false))();
    assert.deepEqual(order, ["first@0", "invoices@10"]);
    // And a full other key waits only for its own window.
    const invoices2 = take("invoices2", INVOICES, false);
    await clock.tickAsync(990);
    assert.deepEqual(order, ["first@0", "invoices@10", "live@1000"]);
    await clock.tickAsync(10);
    assert.deepEqual(order, ["first@0", "invoices@10", "live@1000", "invoices2@1010"]);
    (await live)();
    (await invoices2)();
  });

  it("two live takes keep their order; a normal take goes after both", async () => {
    const w = requestWindow();
    const order: string[] = [];
    const take = taker(w, order);
    (await take("first", ORDERS, false))();
    const normal = take("normal", ORDERS, false);
    const live1 = take("live1", ORDERS, true);
    const live2 = take("live2", ORDERS, true);
    // Each is asserted before it is awaited: a take not granted yet would never resolve under the fake clock.
    await clock.tickAsync(1_000);
    assert.deepEqual(order, ["first@0", "live1@1000"]);
    (await live1)();
    await clock.tickAsync(1_000);
    assert.deepEqual(order, ["first@0", "live1@1000", "live2@2000"]);
    (await live2)();
    await clock.tickAsync(1_000);
    assert.deepEqual(order, ["first@0", "live1@1000", "live2@2000", "normal@3000"]);
    (await normal)();
  });

  it("keeps a reserve of a lane's budget for live work: a normal take waits at the budget less the reserve, a live take goes at once", async () => {
    assert.deepEqual([150, 100, 15, 14, 1].map(liveReserve), [10, 6, 1, 0, 0]);
    const w = new HttpThrottle({ countFrom: "end", limits: () => ({ windows: [{ calls: 15, ms: 1_000, reserve: liveReserve(15) }], concurrent: Infinity }), clock: clockWith(() => clock.now) });
    const order: string[] = [];
    const take = taker(w, order);
    for (let i = 0; i < 14; i++) (await take(`n${i}`, ORDERS, false))(); // 14 of 15: the budget less the reserve of 1
    const normal = take("normal", ORDERS, false);
    await clock.tickAsync(10);
    assert.equal(order.length, 14, "the normal take waits although the lane has one place free");
    (await take("live", ORDERS, true))();
    assert.deepEqual(order.slice(14), ["live@10"], "the live take gets the reserved place at once");
    await clock.tickAsync(989);
    assert.equal(order.length, 15);
    await clock.tickAsync(1);
    assert.deepEqual(order.slice(14), ["live@10", "normal@1000"], "the normal take goes when the window has room below the reserve");
    (await normal)();
  });
});

describe("unit: live calls in the SnelStart throttle", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => clock.restore());

  /** Acquires (live or not) and records the order of admission. */
  function acquirer(t: Throttle, order: string[]) {
    return (name: string, live: boolean): Promise<Permit> => {
      const acquire = () => t.acquire();
      return (live ? asLive(acquire) : acquire()).then((permit) => {
        order.push(name);
        return permit;
      });
    };
  }

  it("admits a live call before the queued normal ones when a concurrent slot frees", async () => {
    const t = new Throttle({ concurrent: 1, perMinute: 1_000, perHour: 10_000, margin: 0, now: () => clock.now });
    const order: string[] = [];
    const acquire = acquirer(t, order);
    const first = await acquire("first", false);
    const n1 = acquire("n1", false);
    const n2 = acquire("n2", false);
    const live = acquire("live", true);
    await clock.tickAsync(0);
    assert.deepEqual([order, t.queued], [["first"], 3]);
    first.release();
    await clock.tickAsync(0);
    assert.deepEqual(order, ["first", "live"]);
    (await live).release();
    await clock.tickAsync(0);
    (await n1).release();
    await clock.tickAsync(0);
    (await n2).release();
    assert.deepEqual(order, ["first", "live", "n1", "n2"]);
    assert.equal(t.active, 0);
  });

  it("admits a live call first when the minute window opens, and tells it how long it waited", async () => {
    // One call per "minute" of 1,020 ms (scale 60, 2 % padding).
    const t = new Throttle({ perMinute: 1, perHour: 1_000, concurrent: 10, margin: 0, scale: 60, now: () => clock.now });
    const order: string[] = [];
    const acquire = acquirer(t, order);
    const first = await acquire("first", false);
    assert.equal(first.waitedMs, 0);
    first.release();
    const normal = acquire("normal", false);
    await clock.tickAsync(20);
    const live = acquire("live", true);
    await clock.tickAsync(999);
    assert.deepEqual(order, ["first"], "the window is full until 1,020");
    await clock.tickAsync(1);
    assert.deepEqual(order, ["first", "live"]);
    const livePermit = await live;
    assert.equal(livePermit.waitedMs, 1_000, "asked at 20, admitted at 1,020");
    livePermit.release();
    await clock.tickAsync(1_019);
    assert.deepEqual(order, ["first", "live"]);
    await clock.tickAsync(1);
    assert.deepEqual(order, ["first", "live", "normal"]);
    assert.equal((await normal).waitedMs, 2_040);
  });
});
