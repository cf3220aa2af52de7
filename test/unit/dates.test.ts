import assert from "node:assert/strict";
import fc from "fast-check";
import "./helpers/fc-seed";
import { amsterdamDate } from "../../src/koppeling";

const intl = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit" });

describe("Amsterdam dates", () => {
  it("agrees with the time-zone database for any instant 1990-2060", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }), (ms) => {
        assert.equal(amsterdamDate(new Date(ms).toISOString()), intl.format(ms));
      }),
      { numRuns: 20000 },
    );
  });

  it("agrees at every summer-time switch (±1 minute) 1996-2040", () => {
    for (let year = 1996; year <= 2040; year++) {
      for (const month of [2, 9]) {
        const last = new Date(Date.UTC(year, month + 1, 0));
        const switchMs = Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
        for (const ms of [switchMs - 60_000, switchMs, switchMs + 60_000, switchMs + 22 * 3_600_000 - 60_000, switchMs + 23 * 3_600_000]) {
          assert.equal(amsterdamDate(new Date(ms).toISOString()), intl.format(ms), new Date(ms).toISOString());
        }
      }
    }
  });

  it("puts New Year's Eve 23:30 UTC in the next year, and summer 22:30 UTC on the next day", () => {
    assert.equal(amsterdamDate("2023-12-31T23:30:00Z"), "2024-01-01");
    assert.equal(amsterdamDate("2023-12-31T22:59:59Z"), "2023-12-31");
    assert.equal(amsterdamDate("2023-07-31T22:30:00Z"), "2023-08-01");
    assert.equal(amsterdamDate("2023-07-31T21:59:00+00:00"), "2023-07-31");
  });

  it("reads a date-time without zone as UTC and refuses garbage", () => {
    assert.equal(amsterdamDate("2023-12-31T23:30:00"), "2024-01-01");
    assert.throws(() => amsterdamDate("gisteren"), RangeError);
  });
});
