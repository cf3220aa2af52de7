import assert from "node:assert/strict";
import { resetThrottles, Throttle, throttleFor } from "../../src/snelstart/throttle";
import type { WaitInfo } from "../../src/snelstart/client";
import { setup, sleep, type Setup } from "./helpers";

describe("SnelStart throttle", () => {
  afterEach(() => resetThrottles());

  it("keeps a safety margin under the documented limits of both tiers", () => {
    const prod = new Throttle({ tier: "production" }).limits;
    assert.deepEqual([prod.perMinute, prod.perHour, prod.concurrent], [450, 4_500, 45]);
    const test = new Throttle({ tier: "test" }).limits;
    assert.deepEqual([test.perMinute, test.perHour, test.concurrent], [90, 900, 4]);
    assert.ok(test.minuteMs > 60_000 && test.hourMs > 3_600_000, "windows are padded, not shortened");
    const scaled = new Throttle({ tier: "test", scale: 60, margin: 0 }).limits;
    assert.deepEqual([scaled.perMinute, scaled.concurrent], [100, 5]);
    assert.ok(Math.abs(scaled.minuteMs - 1_020) < 1e-9);
  });

  it("defaults to the stricter test tier and refuses a nonsensical margin", () => {
    assert.equal(new Throttle().limits.perMinute, 90);
    assert.throws(() => new Throttle({ margin: 1 }), RangeError);
    assert.throws(() => new Throttle({ scale: 0 }), RangeError);
  });

  it("never runs more calls at once than the cap", async () => {
    const t = new Throttle({ concurrent: 3, perMinute: 10_000, perHour: 100_000, margin: 0 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        t.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(5);
          running -= 1;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.equal(t.maxActive, 3);
    assert.equal(t.admitted, 20);
    assert.equal(t.active, 0);
  });

  it("holds a call back until the minute window has room", async () => {
    // 10 per "minute" of 1,020 ms (scale 60, 2 % padding).
    const t = new Throttle({ perMinute: 10, perHour: 1_000, concurrent: 100, margin: 0, scale: 60 });
    const start = Date.now();
    const admittedAt: number[] = [];
    await Promise.all(Array.from({ length: 12 }, () => t.run(async () => void admittedAt.push(Date.now() - start))));
    admittedAt.sort((a, b) => a - b);
    assert.ok(admittedAt[9] < 200, `the first 10 go at once (${admittedAt[9]} ms)`);
    assert.ok(admittedAt[10] >= 1_000, `the 11th waits for the window (${admittedAt[10]} ms)`);
  });

  it("also honours the hour window", async () => {
    const t = new Throttle({ perMinute: 100, perHour: 5, concurrent: 100, margin: 0, scale: 3_600 });
    const start = Date.now();
    let last = 0;
    await Promise.all(Array.from({ length: 6 }, () => t.run(async () => void (last = Math.max(last, Date.now() - start)))));
    assert.ok(last >= 1_000, `the 6th waits for the hour window of ~1 s (${last} ms)`);
  });

  it("throttleFor shares one instance per administration; options reconfigure it", () => {
    const a = throttleFor("key-a", { tier: "test" });
    assert.equal(throttleFor("key-a"), a);
    assert.notEqual(throttleFor("key-b"), a);
    assert.equal(throttleFor("key-a", { tier: "production" }), a);
    assert.equal(a.limits.perMinute, 450);
    assert.equal(throttleFor("key-a").limits.perMinute, 450, "a call without options leaves it as it is");
  });
});

describe("SnelStart throttle against the simulator's rate limits", () => {
  let s: Setup;
  afterEach(async () => {
    resetThrottles();
    await s.close();
  });

  it("a burst of 200 GETs on a test-tier administration: no 429 at all, concurrency within the cap", async () => {
    // Simulator: test tier (100/min, 5 concurrent) with 60x shorter windows (a minute = 1 s).
    const throttle = new Throttle({ tier: "test", scale: 60 });
    const waits: WaitInfo[] = [];
    s = await setup({ rateLimits: { scale: 60 }, rateLimitTier: "test" }, { throttle, onWait: (w) => waits.push(w) });
    const start = Date.now();
    const results = await Promise.all(Array.from({ length: 200 }, () => s.client.companyInfo()));
    const elapsed = Date.now() - start;
    assert.equal(results.length, 200);
    assert.ok(results.every((r) => r.administratieNaam === "Demo Webwinkel B.V."));
    assert.equal(s.sim.state.rateLimited, 0, "the throttle stayed under the limit: SnelStart never answered 429");
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 200, "nothing was repeated");
    assert.ok(throttle.maxActive <= 4, `client concurrency ${throttle.maxActive}`);
    assert.ok(s.sim.state.maxInFlight <= 4, `server saw ${s.sim.state.maxInFlight} at once`);
    assert.ok(elapsed >= 2_000, `the burst spanned more than two windows (${elapsed} ms)`);
    assert.ok(waits.some((w) => w.reason === "throttle" && w.ms > 500), "callers were told they waited");
  });

  it("when the client's budget is too generous, the 429s it bounces off are retried and never reach the caller", async () => {
    const throttle = new Throttle({ perMinute: 100_000, perHour: 1_000_000, concurrent: 4, margin: 0 });
    const waits: WaitInfo[] = [];
    s = await setup({ rateLimits: { scale: 60 }, rateLimitTier: "test" }, { throttle, onWait: (w) => waits.push(w) });
    const results = await Promise.all(Array.from({ length: 200 }, () => s.client.companyInfo()));
    assert.equal(results.length, 200);
    assert.ok(s.sim.state.rateLimited > 0, "the simulator did answer 429");
    assert.ok(waits.some((w) => w.reason === "rate-limit" && w.ms === 1_000), "Retry-After (1 s) was honoured");
  });
});
