/**
 * Client-side throttle per SnelStart administration (docs/reference/snelstart-api.md#rate-limits):
 * sliding windows for calls per minute and per hour, plus a cap on concurrent calls. Requests queue
 * FIFO (live calls, ../live.ts, ahead of the rest) and are admitted when all three allow it.
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

import { isLive } from "../live";

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
  /** Clock (default Date.now). Waiting uses real timers. */
  now?: () => number;
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

/** A granted slot: call `release` exactly once when the HTTP call is over. */
export interface Permit {
  /** How long the call waited in the queue, ms. */
  waitedMs: number;
  release(): void;
}

export class Throttle {
  private limitsInForce: EffectiveLimits;
  private readonly now: () => number;
  /** Admission times within the hour window, ascending. */
  private stamps: number[] = [];
  private running = 0;
  private readonly queue: Array<() => void> = [];
  /** Live calls (../live.ts: a webhook's order) are admitted before the queue. */
  private readonly liveQueue: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  /** The most calls that were ever running at once. */
  maxActive = 0;
  /** Calls admitted so far. */
  admitted = 0;

  constructor(options: ThrottleOptions = {}) {
    this.limitsInForce = effective(options);
    this.now = options.now ?? Date.now;
  }

  get limits(): EffectiveLimits {
    return { ...this.limitsInForce };
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.queue.length + this.liveQueue.length;
  }

  /** Changes the limits; the calls already counted stay counted. */
  configure(options: ThrottleOptions): void {
    this.limitsInForce = effective(options);
    this.pump();
  }

  /** Waits for a slot. */
  acquire(): Promise<Permit> {
    const asked = this.now();
    // Admitted inside this call (no queueing) counts as no wait, even if the clock ticked.
    let immediate = true;
    const granted = new Promise<Permit>((resolve) => {
      (isLive() ? this.liveQueue : this.queue).push(() => {
        let released = false;
        resolve({
          waitedMs: immediate ? 0 : Math.max(0, this.now() - asked),
          release: () => {
            if (released) return;
            released = true;
            this.running -= 1;
            this.pump();
          },
        });
      });
      this.pump();
    });
    immediate = false;
    return granted;
  }

  /** Runs `fn` inside a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const permit = await this.acquire();
    try {
      return await fn();
    } finally {
      permit.release();
    }
  }

  /** Ms until the windows allow one more call (0 = now). */
  private windowWait(t: number): number {
    const { perMinute, perHour, minuteMs, hourMs } = this.limitsInForce;
    while (this.stamps.length && this.stamps[0] <= t - hourMs) this.stamps.shift();
    let wait = 0;
    if (this.stamps.length >= perHour) wait = Math.max(wait, this.stamps[this.stamps.length - perHour] + hourMs - t);
    const inMinute = this.stamps.length - firstAfter(this.stamps, t - minuteMs);
    if (inMinute >= perMinute) wait = Math.max(wait, this.stamps[this.stamps.length - perMinute] + minuteMs - t);
    return wait;
  }

  private pump(): void {
    while (this.queue.length || this.liveQueue.length) {
      if (this.running >= this.limitsInForce.concurrent) return; // a release pumps again
      const t = this.now();
      const wait = this.windowWait(t);
      if (wait > 0) {
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, Math.ceil(wait));
        }
        return;
      }
      // Unlimited: no window counts, so no stamps are kept.
      if (Number.isFinite(this.limitsInForce.perHour)) this.stamps.push(t);
      this.running += 1;
      this.admitted += 1;
      this.maxActive = Math.max(this.maxActive, this.running);
      ((this.liveQueue.length ? this.liveQueue : this.queue).shift() as () => void)();
    }
  }
}

/** Index of the first element > x in an ascending array. */
function firstAfter(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
