/**
 * Query parameters of the list endpoints: paging
 * (docs/reference/ccvshop-api.md#collections-and-paging), filters and `orderby`
 * (docs/reference/ccvshop-api.md#order-list-filters, #invoices). Invalid values answer 400 (the
 * stricter choice; CCV's behaviour is UNCERTAIN).
 *
 * Dates (`min_create_date`, `max_create_date`; format UNCERTAIN,
 * docs/reference/ccvshop-api.md#order-list-filters): `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM:SS` and ISO 8601 (`T`, optional milliseconds, `Z`/`±HH:MM`) are accepted;
 * without an offset they are UTC. Both bounds are inclusive; a bare date as maximum means the
 * whole day.
 */
import { BadInput } from "./responses";

export function intParam(q: URLSearchParams, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new BadInput(`${name} must be an integer from ${min} to ${max}`);
  return Number(raw);
}

export function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  if (raw !== "true" && raw !== "false") throw new BadInput(`${name} must be true or false`);
  return raw === "true";
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})?$/;

/** A date bound in ms; `end` turns a bare date into the last millisecond of that day. */
export function dateParam(q: URLSearchParams, name: string, end: boolean): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  let t = Number.NaN;
  if (DATE_ONLY.test(raw)) {
    t = Date.parse(`${raw}T00:00:00Z`) + (end ? 86_400_000 - 1 : 0);
  } else {
    const m = DATE_TIME.exec(raw);
    if (m) {
      const zone = !m[4] || m[4] === "Z" ? "Z" : m[4].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
      t = Date.parse(`${m[1]}T${m[2]}${m[3] ?? ""}${zone}`);
    }
  }
  if (Number.isNaN(t)) throw new BadInput(`${name} must be a date (YYYY-MM-DD) or date-time (YYYY-MM-DD HH:MM:SS or ISO 8601)`);
  return t;
}

/**
 * `items` sorted by `orderby=<field>` ascending or `<field>_desc` descending, among `fields`; ties
 * by `id` ascending. Without `orderby`: `fallback` (UNCERTAIN what CCV uses; we use id ascending).
 * Each item's key is computed once (a shop of 30,000 orders is sorted for every page).
 */
export function sortBy<T extends { id: number }>(items: readonly T[], q: URLSearchParams, fields: Record<string, (x: T) => number | string | null>, fallback = "id"): T[] {
  const raw = q.get("orderby") ?? fallback;
  const desc = raw.endsWith("_desc");
  const field = desc ? raw.slice(0, -5) : raw;
  const key = fields[field];
  if (!key) throw new BadInput(`orderby must be one of ${Object.keys(fields).flatMap((f) => [f, `${f}_desc`]).join(", ")}`);
  const keyed = items.map((item) => ({ item, k: key(item) }));
  keyed.sort((a, b) => {
    const x = a.k;
    const y = b.k;
    // Nulls (unfinished checkouts have no ordernumber) sort first ascending, last descending.
    const c = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
    return (desc ? -c : c) || a.item.id - b.item.id;
  });
  return keyed.map((e) => e.item);
}

/** `start`/`size` with our limits: size 1..100 (max UNCERTAIN, docs/reference/ccvshop-api.md#collections-and-paging; larger is refused), default 25. */
export function pagingParams(q: URLSearchParams): { start: number; size: number } {
  return { start: intParam(q, "start") ?? 0, size: intParam(q, "size", 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE };
}

/** Up to 250 per page (a client generated from CCV's documentation clamps to 1..250; UNCERTAIN, docs/reference/ccvshop-api.md#collections-and-paging). */
export const MAX_PAGE_SIZE = 250;
export const DEFAULT_PAGE_SIZE = 25;
