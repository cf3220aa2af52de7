/**
 * SnelStart's rate limits per administration (docs/reference/snelstart-api.md#rate-limits) as the
 * client-side throttle of ../http/throttle.ts: sliding windows for calls per minute and per hour,
 * plus a cap on concurrent calls. Requests queue FIFO (live calls, ../live.ts, ahead of the rest)
 * and are admitted when all three allow it; one call in 15 of each window is kept for live calls
 * (`liveReserve`), so a webhook's order books while an import runs.
 *
 * Documented limits per administration:
 *   tier "production" (Maatwerk/Productie): 500/min, 5,000/h, 50 concurrent
 *   tier "test" (Ontwikkeling & Test):      100/min, 1,000/h,  5 concurrent
 *
 * Safety margin (default `margin: 0.1`): we aim to stay UNDER the limits rather than bounce off
 * them, because SnelStart's counting is not ours (it counts on arrival, may count retries and
 * calls of other tools on the same administration):
 *   - window limits are multiplied by (1 - margin), rounded down: 500 -> 450, 100 -> 90;
 *   - the concurrency cap is reduced by ceil(cap × margin): 50 -> 45, 5 -> 4;
 *   - windows are treated as 2 % longer than documented, so network jitter between our send
 *     and their arrival count cannot squeeze one call too many into their window.
 * `scale: K` makes both windows K times shorter (tests and benchmarks against a simulator
 * running with `rateLimits: {scale: K}`); `unlimited` admits every call at once (a simulator
 * running with its limits off).
 */

import { type Clock, clockWith } from "../clock";
import { type LaneLimits, type Permit, Throttle as HttpThrottle, liveReserve } from "../http/throttle";

export type { Permit };

export type ThrottleTier = "production" | "test";

export interface ThrottleLimits {
  perMinute: number;
  perHour: number;
  concurrent: number;
}

export const THROTTLE_TIERS: Readonly<Record<ThrottleTier, ThrottleLimits>> = {
  production: { perMinute: 500, perHour: 5_000, concurrent: 50 },
  test: { perMinute: 100, perHour: 1_000, concurrent: 5 },
};

export interface ThrottleOptions {
  /** Which documented limits (default "test", the stricter). */
  tier?: ThrottleTier;
  /** Override the tier's documented limits (before the margin is applied). */
  perMinute?: number;
  perHour?: number;
  concurrent?: number;
  /** Fraction kept in reserve, 0 <= margin < 1 (default 0.1). */
  margin?: number;
  /** Windows K times shorter than a minute and an hour (default 1). */
  scale?: number;
  /** No windows and no concurrency cap: every call is admitted at once (default false). */
  unlimited?: boolean;
  /** Clock for the windows (default the monotonic system clock); waiting uses real timers. */
  now?: () => number;
  /** Clock and timers both (tests); wins over `now`. */
  clock?: Clock;
}

/** The limits in force after the margin, and the window lengths in ms. */
export interface EffectiveLimits extends ThrottleLimits {
  minuteMs: number;
  hourMs: number;
}

const WINDOW_PAD = 0.02;

function effective(o: ThrottleOptions): EffectiveLimits {
  const base = THROTTLE_TIERS[o.tier ?? "test"];
  const margin = o.margin ?? 0.1;
  const scale = o.scale ?? 1;
  if (!(margin >= 0 && margin < 1)) throw new RangeError(`throttle margin must be in [0, 1), got ${margin}`);
  if (!(scale > 0)) throw new RangeError(`throttle scale must be > 0, got ${scale}`);
  const perMinute = o.perMinute ?? base.perMinute;
  const perHour = o.perHour ?? base.perHour;
  const concurrent = o.concurrent ?? base.concurrent;
  if (o.unlimited) return { perMinute: Infinity, perHour: Infinity, concurrent: Infinity, minuteMs: 60_000 / scale, hourMs: 3_600_000 / scale };
  return {
    perMinute: Math.max(1, Math.floor(perMinute * (1 - margin))),
    perHour: Math.max(1, Math.floor(perHour * (1 - margin))),
    concurrent: Math.max(1, concurrent - Math.ceil(concurrent * margin)),
    minuteMs: (60_000 / scale) * (1 + WINDOW_PAD),
    hourMs: (3_600_000 / scale) * (1 + WINDOW_PAD),
  };
}

/** The lane of an administration: a minute and an hour window (none when unlimited) and the cap at once. */
function laneOf(l: EffectiveLimits): LaneLimits {
  return {
    windows: [
      { calls: l.perMinute, ms: l.minuteMs, reserve: liveReserve(l.perMinute) },
      { calls: l.perHour, ms: l.hourMs, reserve: liveReserve(l.perHour) },
    ],
    concurrent: l.concurrent,
  };
}

/** The throttle of one administration: the one throttle of ../http/throttle.ts with one lane, counting calls from their admission. */
export class Throttle extends HttpThrottle {
  private inForce: EffectiveLimits;

  constructor(options: ThrottleOptions = {}) {
    const limits = effective(options);
    const lane = laneOf(limits);
    super({ countFrom: "start", clock: options.clock ?? (options.now ? clockWith(options.now) : undefined), limits: () => lane });
    this.inForce = limits;
  }

  get limits(): EffectiveLimits {
    return { ...this.inForce };
  }

  /** Changes the limits; the calls already counted stay counted. */
  configure(options: ThrottleOptions): void {
    this.inForce = effective(options);
    const lane = laneOf(this.inForce);
    this.reconfigure(() => lane);
  }
}

const shared = new Map<string, Throttle>();

/**
 * The one throttle of an administration (keyed by koppelsleutel), so every node and client on
 * it shares one budget. The first call creates it; a later call with options reconfigures it
 * (the latest configuration wins, the calls already made stay counted); a call without options
 * returns it unchanged.
 */
export function throttleFor(koppelsleutel: string, options?: ThrottleOptions): Throttle {
  const existing = shared.get(koppelsleutel);
  if (existing) {
    if (options) existing.configure(options);
    return existing;
  }
  const t = new Throttle(options);
  shared.set(koppelsleutel, t);
  return t;
}

/** Forgets every shared throttle (tests). */
export function resetThrottles(): void {
  shared.clear();
}
