/**
 * OData v3 query building for SnelStart (docs/reference/snelstart-api.md#odata). Every `$filter`
 * this package sends is built here: values go through `odataString` / `odataInt`, property names
 * are checked, and the whole query is percent-encoded with encodeURIComponent, so a value such as
 * `x' or 1 eq 1` stays one string literal.
 */
import { KoppelingError } from "../errors";

/**
 * THE escaping function for OData v3 string literals: wraps in single quotes and doubles every
 * quote inside (`O'Brien` -> `'O''Brien'`). Nothing else needs escaping inside a literal; the
 * percent-encoding of the query string is a separate step (`queryString`).
 */
export function odataString(value: string): string {
  if (typeof value !== "string") throw new KoppelingError("SNELSTART_ODATA", `An OData string literal needs a string, got ${typeof value}`);
  return `'${value.replace(/'/g, "''")}'`;
}

/** An OData Int32/Int64 literal; refuses anything but a safe integer. */
export function odataInt(value: number): string {
  if (!Number.isSafeInteger(value)) throw new KoppelingError("SNELSTART_ODATA", `An OData integer literal needs a safe integer, got ${String(value)}`);
  return String(value);
}

const PROPERTY = /^[A-Z][A-Za-z0-9]*(\/[A-Z][A-Za-z0-9]*)*$/;

/** `Property eq <literal>`: strings via `odataString`, numbers via `odataInt`. */
export function odataEq(property: string, value: string | number): string {
  if (!PROPERTY.test(property)) throw new KoppelingError("SNELSTART_ODATA", `Not an OData property name: ${property}`);
  return `${property} eq ${typeof value === "number" ? odataInt(value) : odataString(value)}`;
}

/**
 * An OData v3 DateTime literal of a calendar day at midnight (no zone, as SnelStart's dates):
 * `2025-03-01` -> `datetime'2025-03-01T00:00:00'`. Refuses anything but a real `yyyy-MM-dd` day.
 */
export function odataDateTime(day: string): string {
  const ms = typeof day === "string" && /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  const ok = !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
  if (!ok) throw new KoppelingError("SNELSTART_ODATA", `An OData date needs a yyyy-MM-dd day, got ${String(day)}`);
  return `datetime'${day}T00:00:00'`;
}

/** `Property ge datetime'from' and Property lt datetime'to'`: the days from `from` up to, not including, `to`. */
export function odataDayRange(property: string, from: string, to: string): string {
  if (!PROPERTY.test(property)) throw new KoppelingError("SNELSTART_ODATA", `Not an OData property name: ${property}`);
  return `${property} ge ${odataDateTime(from)} and ${property} lt ${odataDateTime(to)}`;
}

/**
 * `?k=v&…` with every value percent-encoded by encodeURIComponent; keys are written as given
 * (`$filter`, `$top`). Undefined values are left out; "" when nothing remains.
 */
export function queryString(params: Readonly<Record<string, string | number | undefined>>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}
