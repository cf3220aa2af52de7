/**
 * The Node-RED setting that tells the koppeling's own API clients how to keep to the services'
 * rate limits, in settings.js:
 *
 *     ccvSnelstart: { rateLimits: "real" | "off" | "scaled:K" }
 *
 * It is meant for the simulators (`npm run sim`, `npm run demo`, the benchmark and the chaos run
 * start them with the same switch), never for the real services:
 * - `real` (the default, also when the setting is absent): the documented budgets — the CCV
 *   client's 150 GET / 100 writes a minute per resource, the SnelStart throttle's tier;
 * - `off`: the clients do not throttle themselves (a 429 is still honoured: SnelStart's
 *   Retry-After, or for CCV a whole documented window);
 * - `scaled:K`: every window K times shorter (a minute becomes 60/K seconds), the budgets the same.
 * A value that is none of these is warned about once and `real` is used.
 *
 * The simulators parse the same words themselves (sim/http.ts): they may not import the koppeling.
 */
import type { NodeAPI } from "node-red";
import { RATE_LIMIT_WINDOW_MS } from "../ccv/throttle";
import type { ThrottleOptions, ThrottleTier } from "../snelstart/throttle";

export type RateLimitSetting = "real" | "off" | { scale: number };

/**
 * Reads `ccvSnelstart` of settings.js: the mode, and a warning when `rateLimits` is not one of
 * the three forms (the mode is then `real`).
 */
export function parseRateLimitSetting(ccvSnelstart: unknown): { mode: RateLimitSetting; warning: string | null } {
  if (ccvSnelstart === undefined || ccvSnelstart === null) return { mode: "real", warning: null };
  const isObject = typeof ccvSnelstart === "object" && !Array.isArray(ccvSnelstart);
  const value = isObject ? (ccvSnelstart as { rateLimits?: unknown }).rateLimits : undefined;
  if (isObject && value === undefined) return { mode: "real", warning: null };
  if (value === "real" || value === "off") return { mode: value, warning: null };
  const m = typeof value === "string" ? /^scaled:(\d+(?:\.\d+)?)$/.exec(value) : null;
  if (m && Number(m[1]) > 0) return { mode: { scale: Number(m[1]) }, warning: null };
  const found = isObject ? `rateLimits is ${JSON.stringify(value)}` : `is ${JSON.stringify(ccvSnelstart)}, not an object`;
  return { mode: "real", warning: `settings.js ccvSnelstart: ${found}; expected { rateLimits: "real" | "off" | "scaled:K" } (K > 0). The API clients keep the real rate limits.` };
}

/** The setting as settings.js writes it. */
export function formatRateLimitSetting(mode: RateLimitSetting): string {
  return typeof mode === "string" ? mode : `scaled:${mode.scale}`;
}

/** The CCV client's rate-limit window in ms; null: no client-side budget. */
export function ccvWindowMs(mode: RateLimitSetting): number | null {
  if (mode === "off") return null;
  return mode === "real" ? RATE_LIMIT_WINDOW_MS : RATE_LIMIT_WINDOW_MS / mode.scale;
}

/** The options of the SnelStart throttle of an administration on `tier`. */
export function snelstartThrottleOptions(mode: RateLimitSetting, tier: ThrottleTier): ThrottleOptions {
  if (mode === "off") return { tier, unlimited: true };
  return mode === "real" ? { tier } : { tier, scale: mode.scale };
}

/** Warnings already logged in this process. */
const warned = new Set<string>();

/**
 * The setting of this Node-RED runtime. A bad value, and any value but `real`, is logged as a
 * warning once, however many nodes ask.
 */
export function rateLimitSetting(RED: NodeAPI): RateLimitSetting {
  const { mode, warning } = parseRateLimitSetting((RED.settings as unknown as { ccvSnelstart?: unknown }).ccvSnelstart);
  const text = warning ?? (mode === "real" ? null : `ccv-snelstart: the API clients' rate limits are "${formatRateLimitSetting(mode)}" (settings.js ccvSnelstart.rateLimits), meant for the simulators only`);
  if (text && !warned.has(text)) {
    warned.add(text);
    RED.log.warn(text);
  }
  return mode;
}
