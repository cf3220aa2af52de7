/**
 * CCV Shop's rate limits (docs/reference/ccvshop-api.md#rate-limits: 150 GET and 100 writes per
 * minute per resource and method) as the client-side budget of ../http/throttle.ts: one lane per
 * `METHOD template`, one window each, a call counting from the moment it FINISHED (a request sent
 * after a full window can never arrive inside the server's window of an older one, whatever the
 * network delay); calls in flight hold their place. Live work (../live.ts, a webhook's order) goes
 * first within its lane, and a few places of each lane are kept for it (`liveReserve`: 10 of 150 GETs, 6 of 100 writes): an import
 * that spends its budget in a minute's first seconds would otherwise leave a webhook's order
 * waiting for the rest of that minute.
 */
import type { Clock } from "../clock";
import { Throttle, liveReserve } from "../http/throttle";

/** Documented limits per resource and method per window of a minute. */
export const GET_BUDGET = 150;
export const WRITE_BUDGET = 100;
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** The budget of a lane (`GET /api/rest/v1/orders/:id/`). */
export function budgetOf(key: string): number {
  return key.startsWith("GET ") ? GET_BUDGET : WRITE_BUDGET;
}

export { liveReserve };

/** The throttle of one CCV client: windows of `windowMs` (a minute; shorter against a scaled simulator). */
export function ccvThrottle(windowMs: number, clock?: Clock): Throttle {
  return new Throttle({ countFrom: "end", clock, limits: (key) => ({ windows: [{ calls: budgetOf(key), ms: windowMs, reserve: liveReserve(budgetOf(key)) }], concurrent: Infinity }) });
}

/** The rate-limit key of a request: method and path template (numeric segments as `:id`). */
export function rateLimitKey(method: string, path: string): string {
  const template = path
    .split("?")[0]
    .split("/")
    .map((seg) => (/^\d+$/.test(seg) ? ":id" : seg))
    .join("/");
  return `${method} ${template.endsWith("/") ? template : `${template}/`}`;
}
