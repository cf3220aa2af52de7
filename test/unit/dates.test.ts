/**
 * Amsterdam calendar dates (src/koppeling/dates.ts): an instant's date against the time-zone
 * database, and a date's midnight as a UTC instant (amsterdamMidnightUtc) in summer, winter, on
 * the days the clocks change, and against an Intl-based reference for every day of 2024-2026.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import "./helpers/fc-seed";
import { amsterdamDate } from "../../src/koppeling";
import { amsterdamMidnightUtc } from "../../src/koppeling/dates";

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

  describe("amsterdamMidnightUtc", () => {
    const HOUR = 3_600_000;
    /** Independent of the rule: the first quarter-hour from 03:00 UTC the day before whose Amsterdam date (Intl) is `day`. */
    function reference(day: string): string {
      const utcMidnight = Date.parse(`${day}T00:00:00Z`);
      for (let ms = utcMidnight - 3 * HOUR; ms <= utcMidnight; ms += 15 * 60_000) {
        if (intl.format(ms) === day) return new Date(ms).toISOString().replace(".000", "");
      }
      throw new Error(`no midnight found for ${day}`);
    }

    it("is 22:00 UTC the day before in summer, 23:00 UTC in winter", () => {
      assert.equal(amsterdamMidnightUtc("2025-07-15"), "2025-07-14T22:00:00Z");
      assert.equal(amsterdamMidnightUtc("2025-01-15"), "2025-01-14T23:00:00Z");
      assert.equal(amsterdamMidnightUtc("2026-01-01"), "2025-12-31T23:00:00Z");
      assert.equal(amsterdamMidnightUtc(" 2025-07-15 "), "2025-07-14T22:00:00Z", "surrounding blanks are ignored");
    });

    it("on the days the clocks change: midnight is still on the old time, the next day on the new", () => {
      // 2025: summer time from Sunday 30 March, winter time from Sunday 26 October.
      assert.equal(amsterdamMidnightUtc("2025-03-29"), "2025-03-28T23:00:00Z");
      assert.equal(amsterdamMidnightUtc("2025-03-30"), "2025-03-29T23:00:00Z");
      assert.equal(amsterdamMidnightUtc("2025-03-31"), "2025-03-30T22:00:00Z");
      assert.equal(amsterdamMidnightUtc("2025-10-26"), "2025-10-25T22:00:00Z");
      assert.equal(amsterdamMidnightUtc("2025-10-27"), "2025-10-26T23:00:00Z");
      // 2026: 29 March and 25 October.
      assert.equal(amsterdamMidnightUtc("2026-03-29"), "2026-03-28T23:00:00Z");
      assert.equal(amsterdamMidnightUtc("2026-03-30"), "2026-03-29T22:00:00Z");
      assert.equal(amsterdamMidnightUtc("2026-10-25"), "2026-10-24T22:00:00Z");
      assert.equal(amsterdamMidnightUtc("2026-10-26"), "2026-10-25T23:00:00Z");
    });

    it("is the first instant of that Amsterdam date", () => {
      for (const day of ["2025-03-30", "2025-03-31", "2025-10-26", "2025-10-27", "2025-07-01", "2025-12-31"]) {
        const ms = Date.parse(amsterdamMidnightUtc(day) as string);
        assert.equal(intl.format(ms), day, day);
        assert.notEqual(intl.format(ms - 1), day, day);
      }
    });

    it("refuses what is not a calendar date", () => {
      for (const bad of ["2025-02-30", "2025-02-29", "2025-13-01", "2025-00-10", "", "   ", "2025-6-1", "2025-06-01T00:00:00Z", "01-06-2025", "gisteren"]) {
        assert.equal(amsterdamMidnightUtc(bad), null, JSON.stringify(bad));
      }
      assert.equal(amsterdamMidnightUtc(undefined as unknown as string), null);
      assert.equal(amsterdamMidnightUtc("2024-02-29"), "2024-02-28T23:00:00Z", "a leap day is a date");
    });

    it("agrees with the Intl reference on every day of 2024-2026", () => {
      let days = 0;
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 24 * HOUR) {
        const day = new Date(ms).toISOString().slice(0, 10);
        assert.equal(amsterdamMidnightUtc(day), reference(day), day);
        days++;
      }
      assert.equal(days, 366 + 365 + 365);
    });
  });
});
