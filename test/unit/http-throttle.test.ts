/**
 * The one throttle (src/http/throttle.ts) with an injected clock: the windows, the cap at once,
 * the order of admission, what a caller is told it waited, and both ways of counting a call (from
 * its admission, as SnelStart's administration throttle does; from its end, as CCV's lanes do),
 * also through the two APIs' own configurations (src/snelstart/throttle.ts, src/ccv/throttle.ts).
 * Time moves only when the test moves it: no real sleep.
 */
import assert from "node:assert/strict";
import { GET_BUDGET, WRITE_BUDGET, ccvThrottle, liveReserve, rateLimitKey } from "../../src/ccv/throttle";
import { type Permit, Throttle } from "../../src/http/throttle";
import { asLive } from "../../src/live";
import { Throttle as SnelStartThrottle } from "../../src/snelstart/throttle";
import { FakeClock, settle } from "./helpers/fake-clock";

/** Acquires in `lane` and records `name@time` once admitted. */
function recorder(t: Throttle, clock: FakeClock) {
  const order: string[] = [];
  const acquire = (name: string, lane = "", live = false): Promise<Permit> => {
    const go = () => t.acquire(lane);
    return (live ? asLive(go) : go()).then((p) => {
      order.push(`${name}@${clock.now()}`);
      return p;
    });
  };
  return { order, acquire };
}

describe("unit: the HTTP throttle", () => {
  describe("counting from admission (windows and a cap at once)", () => {
    it("admits up to the window's calls at once, without telling anyone they waited, and the next when the oldest leaves the window", async () => {
      const clock = new FakeClock(1_000);
      const t = new Throttle({ countFrom: "start", clock, limits: () => ({ windows: [{ calls: 3, ms: 100 }], concurrent: Infinity }) });
      const { order, acquire } = recorder(t, clock);
      const first = await Promise.all([acquire("a"), acquire("b"), acquire("c")]);
      assert.deepEqual(first.map((p) => p.waitedMs), [0, 0, 0]);
      for (const p of first) p.release();
      const d = acquire("d");
      await clock.advance(99);
      assert.deepEqual(order, ["a@1000", "b@1000", "c@1000"], "released, but still in the window");
      await clock.advance(1);
      assert.deepEqual(order, ["a@1000", "b@1000", "c@1000", "d@1100"]);
      assert.equal((await d).waitedMs, 100);
      assert.equal(t.admitted, 4);
    });

    it("live work that needs less of the window than a waiting import call is not held to the import's later timer", async () => {
      const clock = new FakeClock();
      const t = new Throttle({ countFrom: "start", clock, limits: () => ({ windows: [{ calls: 3, ms: 1_000, reserve: 1 }], concurrent: Infinity }) });
      const { order, acquire } = recorder(t, clock);
      const at = async (ms: number, name: string, live: boolean) => {
        await clock.advance(ms - clock.now());
        void acquire(name, "", live).then((p) => p.release());
        await settle();
      };
      await at(0, "a", false);
      await at(100, "b", false);
      await at(300, "live1", true); // the reserve
      await at(400, "c", false); // needs two calls out of the window: 1,100
      await at(500, "live2", true); // needs one: 1,000
      await clock.advance(500);
      assert.deepEqual(order, ["a@0", "b@100", "live1@300", "live2@1000"]);
      await clock.advance(300);
      assert.deepEqual(order, ["a@0", "b@100", "live1@300", "live2@1000", "c@1300"]);
    });

    it("every window must have room: a short one and a long one", async () => {
      const clock = new FakeClock();
      const t = new Throttle({
        countFrom: "start",
        clock,
        limits: () => ({
          windows: [
            { calls: 2, ms: 10 },
            { calls: 3, ms: 1_000 },
          ],
          concurrent: Infinity,
        }),
      });
      const { order, acquire } = recorder(t, clock);
      for (const n of ["a", "b", "c", "d"]) void acquire(n).then((p) => p.release());
      await clock.advance(10);
      assert.deepEqual(order, ["a@0", "b@0", "c@10"], "the short window lets c go at 10; the long one holds d");
      await clock.advance(989);
      assert.equal(order.length, 3);
      await clock.advance(1);
      assert.deepEqual(order.slice(3), ["d@1000"]);
    });

    it("never runs more than the cap at once; a release admits the next in line", async () => {
      const clock = new FakeClock();
      const t = new Throttle({ countFrom: "start", clock, limits: () => ({ windows: [], concurrent: 2 }) });
      const { order, acquire } = recorder(t, clock);
      const a = await acquire("a");
      await acquire("b");
      const c = acquire("c");
      await clock.advance(50);
      assert.deepEqual([order, t.active, t.queued], [["a@0", "b@0"], 2, 1]);
      a.release();
      a.release(); // a second release does nothing
      await settle();
      assert.deepEqual([order, t.active, t.maxActive], [["a@0", "b@0", "c@50"], 2, 2]);
      assert.equal((await c).waitedMs, 50);
    });

    it("live work is admitted before the calls that queued earlier, in its own order", async () => {
      const clock = new FakeClock();
      const t = new Throttle({ countFrom: "start", clock, limits: () => ({ windows: [], concurrent: 1 }) });
      const { order, acquire } = recorder(t, clock);
      const permits = new Map<string, Promise<Permit>>([["first", acquire("first")]]);
      for (const [name, live] of [["n1", false], ["live1", true], ["n2", false], ["live2", true]] as const) permits.set(name, acquire(name, "", live));
      // Each one admitted is released in turn; the order of admission is the test.
      for (let i = 0; i < 5; i++) {
        await settle();
        const last = order[order.length - 1].split("@")[0];
        (await (permits.get(last) as Promise<Permit>)).release();
      }
      assert.deepEqual(order, ["first@0", "live1@0", "live2@0", "n1@0", "n2@0"]);
    });

    it("a lane without windows keeps no timer and admits everything at once", async () => {
      const clock = new FakeClock();
      const t = new Throttle({ countFrom: "start", clock, limits: () => ({ windows: [{ calls: Infinity, ms: 60_000 }], concurrent: Infinity }) });
      const permits = await Promise.all(Array.from({ length: 1_000 }, () => t.acquire()));
      assert.equal(t.active, 1_000);
      assert.ok(permits.every((p) => p.waitedMs === 0));
      assert.equal(clock.pending, 0);
      for (const p of permits) p.release();
      assert.equal(t.active, 0);
    });

    it("reconfigure applies new limits at once; what was counted stays counted", async () => {
      const clock = new FakeClock();
      let calls = 1;
      const t = new Throttle({ countFrom: "start", clock, limits: () => ({ windows: [{ calls, ms: 1_000 }], concurrent: Infinity }) });
      const { order, acquire } = recorder(t, clock);
      await acquire("a");
      void acquire("b");
      void acquire("c");
      await clock.advance(10);
      assert.deepEqual(order, ["a@0"]);
      calls = 2;
      t.reconfigure();
      await settle();
      assert.deepEqual(order, ["a@0", "b@10"], "one more fits now; a still counts");
      await clock.advance(990);
      assert.deepEqual(order, ["a@0", "b@10", "c@1000"]);
    });
  });

  describe("counting from the end (CCV's lanes)", () => {
    const oneASecond = (clock: FakeClock) => new Throttle({ countFrom: "end", clock, limits: () => ({ windows: [{ calls: 1, ms: 1_000 }], concurrent: Infinity }) });

    it("a running call holds its place however long it runs; its window starts when it finishes", async () => {
      const clock = new FakeClock();
      const t = oneASecond(clock);
      const { order, acquire } = recorder(t, clock);
      const a = await acquire("a");
      const b = acquire("b");
      await clock.advance(5_000);
      assert.deepEqual(order, ["a@0"], "a is still running");
      a.release();
      await clock.advance(999);
      assert.deepEqual(order, ["a@0"]);
      await clock.advance(1);
      assert.deepEqual(order, ["a@0", "b@6000"]);
      assert.equal((await b).waitedMs, 6_000);
    });

    it("lanes are independent", async () => {
      const clock = new FakeClock();
      const t = oneASecond(clock);
      const { order, acquire } = recorder(t, clock);
      (await acquire("orders", "GET /orders/")).release();
      (await acquire("invoices", "GET /invoices/")).release();
      void acquire("orders2", "GET /orders/");
      await clock.advance(1_000);
      assert.deepEqual(order, ["orders@0", "invoices@0", "orders2@1000"]);
    });

    it("CCV's configuration: 150 GETs and 100 writes per resource and method in a window, per lane, of which 10 and 6 only live work takes", async () => {
      const clock = new FakeClock();
      const t = ccvThrottle(1_000, clock);
      const get = rateLimitKey("GET", "/api/rest/v1/orders/123/");
      const post = rateLimitKey("POST", "/api/rest/v1/webhooks/");
      assert.deepEqual([get, post], ["GET /api/rest/v1/orders/:id/", "POST /api/rest/v1/webhooks/"]);
      assert.deepEqual([liveReserve(GET_BUDGET), liveReserve(WRITE_BUDGET)], [10, 6]);
      const gets = await Promise.all(Array.from({ length: GET_BUDGET - 10 }, () => t.acquire(get)));
      const posts = await Promise.all(Array.from({ length: WRITE_BUDGET - 6 }, () => t.acquire(post)));
      let lateGet: Permit | null = null;
      let latePost: Permit | null = null;
      void t.acquire(get).then((p) => (lateGet = p));
      void t.acquire(post).then((p) => (latePost = p));
      const live = await Promise.all([...Array.from({ length: 10 }, () => asLive(() => t.acquire(get))), ...Array.from({ length: 6 }, () => asLive(() => t.acquire(post)))]);
      assert.equal(live.length, 16, "live work takes the reserve at once");
      await clock.advance(100);
      for (const p of [...gets, ...posts, ...live]) p.release();
      await clock.advance(999);
      assert.equal(lateGet, null);
      assert.equal(latePost, null);
      await clock.advance(1);
      assert.ok(lateGet && latePost);
      assert.deepEqual([(lateGet as Permit).waitedMs, (latePost as Permit).waitedMs], [1_100, 1_100]);
    });
  });

  describe("SnelStart's configuration", () => {
    it("a test-tier administration at scale 60: 90 calls a 'minute' of 1,020 ms, 6 of them for live work, 4 at once", async () => {
      const clock = new FakeClock();
      const t = new SnelStartThrottle({ tier: "test", scale: 60, clock });
      assert.deepEqual([t.limits.perMinute, t.limits.concurrent, liveReserve(t.limits.perMinute)], [90, 4, 6]);
      const admitted: number[] = [];
      const take = (live: boolean) => {
        const acquire = () => t.acquire();
        return (live ? asLive(acquire) : acquire()).then((p) => {
          admitted.push(clock.now());
          p.release();
        });
      };
      const normal = Array.from({ length: 85 }, () => take(false));
      await settle();
      assert.equal(admitted.length, 84, "an import takes the minute less the reserve");
      const live = Array.from({ length: 6 }, () => take(true));
      await settle();
      assert.equal(admitted.length, 90, "live work takes the reserve at once");
      assert.equal(t.maxActive, 4);
      await clock.advance(1_019);
      assert.equal(admitted.length, 90);
      await clock.advance(1);
      await Promise.all([...normal, ...live]);
      assert.equal(admitted[90], 1_020);
    });

    it("configure changes the limits of the running throttle", async () => {
      const clock = new FakeClock();
      const t = new SnelStartThrottle({ perMinute: 1, perHour: 100, concurrent: 10, margin: 0, clock });
      (await t.acquire()).release();
      let second: Permit | null = null;
      void t.acquire().then((p) => (second = p));
      await settle();
      assert.equal(second, null);
      t.configure({ unlimited: true, clock });
      await settle();
      assert.ok(second);
      assert.equal(t.limits.perMinute, Infinity);
    });
  });
});
