/**
 * Calendar dates in Europe/Amsterdam. CCV Shop sends UTC instants; the invoice date and the
 * year of a year-prefixed invoice number are the Amsterdam date (an order at
 * 2023-12-31T23:30:00Z is 2024-01-01 in Amsterdam).
 *
 * Computed with the EU summer-time rule (in force since 1996: from the last Sunday of March
 * 01:00 UTC to the last Sunday of October 01:00 UTC, UTC+2, otherwise UTC+1) instead of an
 * Intl formatter per call, which costs microseconds per order. Earlier dates go through one
 * cached Intl formatter. A unit test checks the rule against the time-zone database.
 */

const HOUR = 3_600_000;
const RULE_FROM_YEAR = 1996;

/** [summer time start, end) per year, in UTC ms. */
const summerTime = new Map<number, readonly [number, number]>();

function lastSundayUtc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const weekday = new Date(lastDay).getUTCDay(); // 0 = Sunday
  return lastDay - weekday * 24 * HOUR;
}

function summerTimeOf(year: number): readonly [number, number] {
  let range = summerTime.get(year);
  if (range === undefined) {
    range = [lastSundayUtc(year, 2) + HOUR, lastSundayUtc(year, 9) + HOUR] as const;
    summerTime.set(year, range);
  }
  return range;
}

let intlFormatter: Intl.DateTimeFormat | undefined;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Parses an ISO 8601 date-time to UTC ms; a value without a zone designator is taken as UTC
 * (CCV's dates are UTC). NaN when unparsable.
 */
export function parseUtc(iso: string): number {
  const hasZone = /(?:Z|[+-]\d\d:?\d\d)$/i.test(iso) || !iso.includes("T");
  return Date.parse(hasZone ? iso : `${iso}Z`);
}

/** The Europe/Amsterdam calendar date (`yyyy-MM-dd`) of a UTC instant in ms. */
export function amsterdamDateOfMs(utcMs: number): string {
  const year = new Date(utcMs).getUTCFullYear();
  if (year < RULE_FROM_YEAR) {
    intlFormatter ??= new Intl.DateTimeFormat("en-CA", {
      timeZone: "Europe/Amsterdam",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    return intlFormatter.format(utcMs);
  }
  const [start, end] = summerTimeOf(year);
  const local = new Date(utcMs + (utcMs >= start && utcMs < end ? 2 : 1) * HOUR);
  return `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}`;
}

/** The Europe/Amsterdam calendar date (`yyyy-MM-dd`) of an ISO 8601 UTC date-time; throws on an unparsable value. */
export function amsterdamDate(isoUtc: string): string {
  const ms = parseUtc(isoUtc);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 date-time: ${isoUtc}`);
  return amsterdamDateOfMs(ms);
}

/** A `yyyy-MM-dd` date as SnelStart's date-time without zone: `yyyy-MM-ddT00:00:00`. */
export function snelstartDate(date: string): string {
  return `${date}T00:00:00`;
}

/**
 * `YYYY-MM-DD` as the UTC instant (ISO, whole seconds) of midnight in Amsterdam, or null when it
 * is not such a date. By the same rule as amsterdamDateOfMs: midnight is 22:00 or 23:00 UTC the
 * day before, whichever is the first instant of that Amsterdam date.
 */
export function amsterdamMidnightUtc(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec((date ?? "").trim());
  if (!m) return null;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  const utcMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(utcMidnight) || new Date(utcMidnight).toISOString().slice(0, 10) !== day) return null;
  for (const offsetHours of [2, 1]) {
    const candidate = utcMidnight - offsetHours * HOUR;
    if (amsterdamDateOfMs(candidate) === day && amsterdamDateOfMs(candidate - 1) !== day) return new Date(candidate).toISOString().replace(".000", "");
  }
  return new Date(utcMidnight).toISOString().replace(".000", "");
}
