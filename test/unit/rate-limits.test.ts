/**
 * The settings.js switch `ccvSnelstart.rateLimits`: from the setting to the CCV client's window
 * and the SnelStart throttle's limits, and one warning for a value that is not understood.
 */
import assert from "node:assert/strict";
import type { NodeAPI } from "node-red";
import { ccvWindowMs, formatRateLimitSetting, parseRateLimitSetting, rateLimitSetting, snelstartThrottleOptions } from "../../src/nodes/rate-limits";
import { Throttle } from "../../src/snelstart/throttle";

describe("unit: the rate-limit setting for the API clients", () => {
  it("is real when absent, and reads real, off and scaled:K", () => {
    for (const absent of [undefined, null, {}, { other: 1 }]) assert.deepEqual(parseRateLimitSetting(absent), { mode: "real", warning: null });
    assert.deepEqual(parseRateLimitSetting({ rateLimits: "real" }), { mode: "real", warning: null });
    assert.deepEqual(parseRateLimitSetting({ rateLimits: "off" }), { mode: "off", warning: null });
    assert.deepEqual(parseRateLimitSetting({ rateLimits: "scaled:60" }), { mode: { scale: 60 }, warning: null });
    assert.deepEqual(parseRateLimitSetting({ rateLimits: "scaled:2.5" }), { mode: { scale: 2.5 }, warning: null });
  });

  it("a value it does not understand is real, with a warning naming it", () => {
    for (const [setting, shown] of [
      [{ rateLimits: "fast" }, '"fast"'],
      [{ rateLimits: "OFF" }, '"OFF"'],
      [{ rateLimits: "scaled:0" }, '"scaled:0"'],
      [{ rateLimits: "scaled:-2" }, '"scaled:-2"'],
      [{ rateLimits: "scaled:" }, '"scaled:"'],
      [{ rateLimits: 60 }, "60"],
      [{ rateLimits: { scale: 60 } }, '{"scale":60}'],
      ["off", '"off"'],
      [["off"], '["off"]'],
    ] as const) {
      const { mode, warning } = parseRateLimitSetting(setting);
      assert.equal(mode, "real", JSON.stringify(setting));
      assert.ok(warning?.includes(shown), `${JSON.stringify(setting)}: ${warning}`);
      assert.match(warning ?? "", /real rate limits/);
    }
  });

  it("gives the CCV client the documented minute, none, or a minute K times shorter", () => {
    assert.equal(ccvWindowMs("real"), 60_000);
    assert.equal(ccvWindowMs("off"), null);
    assert.equal(ccvWindowMs({ scale: 60 }), 1_000);
    assert.equal(ccvWindowMs({ scale: 4 }), 15_000);
  });

  it("gives the SnelStart throttle the tier's limits, none, or the tier's limits in shorter windows", () => {
    const real = new Throttle(snelstartThrottleOptions("real", "production")).limits;
    assert.deepEqual([real.perMinute, real.perHour, real.concurrent], [450, 4_500, 45]);
    assert.ok(Math.abs(real.minuteMs - 61_200) < 1e-9);
    const test = new Throttle(snelstartThrottleOptions("real", "test")).limits;
    assert.deepEqual([test.perMinute, test.concurrent], [90, 4]);
    const scaled = new Throttle(snelstartThrottleOptions({ scale: 60 }, "production")).limits;
    assert.deepEqual([scaled.perMinute, scaled.perHour, scaled.concurrent], [450, 4_500, 45]);
    assert.ok(Math.abs(scaled.minuteMs - 1_020) < 1e-9 && Math.abs(scaled.hourMs - 61_200) < 1e-9);
    const off = new Throttle(snelstartThrottleOptions("off", "production")).limits;
    assert.deepEqual([off.perMinute, off.perHour, off.concurrent], [Infinity, Infinity, Infinity]);
  });

  it("off: the throttle admits far more calls at once than any tier allows, none of them waiting", async () => {
    const t = new Throttle(snelstartThrottleOptions("off", "test"));
    const permits = await Promise.all(Array.from({ length: 2_000 }, () => t.acquire()));
    assert.equal(t.active, 2_000);
    assert.equal(t.maxActive, 2_000);
    assert.ok(permits.every((p) => p.waitedMs === 0));
    for (const p of permits) p.release();
    assert.equal(t.active, 0);
  });

  it("writes back as settings.js spells it", () => {
    for (const text of ["real", "off", "scaled:60", "scaled:2.5"]) assert.equal(formatRateLimitSetting(parseRateLimitSetting({ rateLimits: text }).mode), text);
  });

  it("in a runtime: a bad value or a mode other than real is warned about once, however many nodes read it", () => {
    const warnings: string[] = [];
    const red = (ccvSnelstart: unknown) => ({ settings: { ccvSnelstart }, log: { warn: (m: string) => warnings.push(m) } }) as unknown as NodeAPI;
    assert.equal(rateLimitSetting(red(undefined)), "real");
    assert.equal(rateLimitSetting(red({ rateLimits: "real" })), "real");
    assert.deepEqual(warnings, []);
    for (let i = 0; i < 3; i++) assert.equal(rateLimitSetting(red({ rateLimits: "bogus-for-this-test" })), "real");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /"bogus-for-this-test"/);
    for (let i = 0; i < 3; i++) assert.deepEqual(rateLimitSetting(red({ rateLimits: "scaled:7919" })), { scale: 7919 });
    assert.equal(warnings.length, 2);
    assert.match(warnings[1], /"scaled:7919".*simulators only/);
  });
});
