/**
 * The one client-side throttle of both APIs: per key (a "lane"), sliding windows of at most N
 * calls, plus a cap on calls at once; calls wait FIFO, live work (../live.ts: what a webhook
 * started) ahead of the rest, so a webhook's order never waits behind a running import.
 *
 * Each API describes its limits (../ccv/throttle.ts, ../snelstart/throttle.ts):
 * - `countFrom: "start"`: a call counts in the windows from its admission (SnelStart counts
 *   calls on arrival; one lane per administration: a minute and an hour window, a cap at once);
 * - `countFrom: "end"`: a call holds a place while it runs and counts from the moment it
 *   FINISHED, so a call admitted after a full window can never arrive inside the server's window
 *   of an older one, whatever the network delay (CCV: one lane per method and resource).
 *
 * The hot path (a lane with room and nobody waiting) admits synchronously: one promise and one
 * permit per call, no timer. A lane without windows keeps no timestamps at all.
 */
import { isLive } from "../live";
import { type Clock, systemClock } from "../clock";

export interface WindowLimit {
  /** At most this many calls … */
  calls: number;
  /** … in any stretch of this many ms. */
  ms: number;
  /**
   * Of those, this many only live work may take (default 0): an import that spends a window's
   * budget in its first seconds would otherwise leave a webhook's order waiting for the rest of it.
   */
  reserve?: number;
}

export interface LaneLimits {
  /** Windows that all must have room (calls Infinity or none: no window). */
  windows: readonly WindowLimit[];
  /** Calls at once (Infinity: no cap). */
  concurrent: number;
}

export interface ThrottleSettings {
  countFrom: "start" | "end";
  /** The limits of a lane, asked when the lane is first used and again on `reconfigure`. */
  limits: (key: string) => LaneLimits;
  /** Default: the monotonic system clock and real timers. */
  clock?: Clock;
}

/**
 * The places of a window's budget that only live work may take: one in 15 (CCV: 10 of 150 GETs
 * a minute; SnelStart production: 30 of 450 a minute and 300 of 4,500 an hour). A webhook's order
 * then books while an import uses the rest, at 93 % of the budget.
 */
export function liveReserve(calls: number): number {
  return Math.floor(calls / 15);
}

/** A granted place: call `release` when the HTTP call is over (a second call does nothing). */
export interface Permit {
  /** How long the call waited for its place, ms (0: admitted at once). */
  readonly waitedMs: number;
  release(): void;
}

class Lane {
  windows: WindowLimit[] = [];
  concurrent = Infinity;
  /** The longest window (timestamps older than it are dropped). */
  longest = 0;
  /** Admission (start) or finish (end) times within the longest window, ascending. */
  readonly stamps: number[] = [];
  running = 0;
  readonly queue: Waiter[] = [];
  readonly liveQueue: Waiter[] = [];
  /** When the armed timer fires (null: none): a call that may go sooner arms one of its own. */
  timerAt: number | null = null;

  constructor(readonly key: string) {}

  set(limits: LaneLimits): void {
    this.windows = limits.windows.filter((w) => Number.isFinite(w.calls));
    this.concurrent = limits.concurrent;
    this.longest = Math.max(0, ...this.windows.map((w) => w.ms));
  }
}

interface Waiter {
  asked: number;
  /** True while its `acquire` runs: a place granted then was not waited for. */
  immediate: boolean;
  grant: (p: Grant) => void;
}

class Grant implements Permit {
  waitedMs = 0;
  private released = false;

  constructor(
    private readonly throttle: Throttle,
    private readonly lane: Lane,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.throttle.finished(this.lane);
  }
}

export class Throttle {
  private readonly lanes = new Map<string, Lane>();
  private readonly countFromEnd: boolean;
  private limitsOf: (key: string) => LaneLimits;
  private readonly clock: Clock;
  private running = 0;
  /** The most calls that were ever running at once (all lanes). */
  maxActive = 0;
  /** Calls admitted so far (all lanes). */
  admitted = 0;

  constructor(settings: ThrottleSettings) {
    this.countFromEnd = settings.countFrom === "end";
    this.limitsOf = settings.limits;
    this.clock = settings.clock ?? systemClock;
  }

  /** Calls running now (all lanes). */
  get active(): number {
    return this.running;
  }

  /** Calls waiting now (all lanes). */
  get queued(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queue.length + lane.liveQueue.length;
    return n;
  }

  /** Waits for a place in lane `key`. */
  acquire(key = ""): Promise<Permit> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(key);
      lane.set(this.limitsOf(key));
      this.lanes.set(key, lane);
    }
    const l = lane;
    return new Promise<Permit>((resolve) => {
      const waiter: Waiter = { asked: this.clock.now(), immediate: true, grant: resolve };
      (isLive() ? l.liveQueue : l.queue).push(waiter);
      this.pump(l);
      waiter.immediate = false;
    });
  }

  /** Runs `fn` inside a place of lane `key`. */
  async run<T>(fn: () => Promise<T>, key = ""): Promise<T> {
    const permit = await this.acquire(key);
    try {
      return await fn();
    } finally {
      permit.release();
    }
  }

  /** Asks every lane's limits again (`settings.limits` may answer differently now); what was counted stays counted. */
  reconfigure(limits?: (key: string) => LaneLimits): void {
    if (limits) this.limitsOf = limits;
    for (const lane of this.lanes.values()) {
      lane.set(this.limitsOf(lane.key));
      this.pump(lane);
    }
  }

  /** A permit's release (called by the permit only). */
  finished(lane: Lane): void {
    lane.running -= 1;
    this.running -= 1;
    if (this.countFromEnd && lane.windows.length) lane.stamps.push(this.clock.now());
    this.pump(lane);
  }

  /** Ms until every window of `lane` has room for one more (`live`: reserve included) call at `t`; Infinity: not before a running call finishes. */
  private windowWait(lane: Lane, t: number, live: boolean): number {
    const stamps = lane.stamps;
    while (stamps.length && stamps[0] <= t - lane.longest) stamps.shift();
    const held = this.countFromEnd ? lane.running : 0;
    let wait = 0;
    for (const w of lane.windows) {
      const inWindow = stamps.length - firstAfter(stamps, t - w.ms);
      const over = held + inWindow - (live ? w.calls : w.calls - (w.reserve ?? 0)) + 1;
      if (over <= 0) continue;
      // `over` of the counted calls must leave the window; running calls only leave by finishing.
      if (over > inWindow) return Infinity;
      wait = Math.max(wait, stamps[stamps.length - inWindow + over - 1] + w.ms - t);
    }
    return wait;
  }

  private pump(lane: Lane): void {
    while (lane.queue.length || lane.liveQueue.length) {
      if (lane.running >= lane.concurrent) return; // a release pumps again
      const t = this.clock.now();
      if (lane.windows.length) {
        const wait = this.windowWait(lane, t, lane.liveQueue.length > 0);
        if (wait === Infinity) return;
        if (wait > 0) {
          // Live work may go sooner than the call a timer waits for: then it gets its own (a timer
          // that fires later only pumps again).
          const at = t + Math.ceil(wait);
          if (lane.timerAt === null || at < lane.timerAt) {
            lane.timerAt = at;
            this.clock.after(at - t, () => {
              if (lane.timerAt === at) lane.timerAt = null;
              this.pump(lane);
            });
          }
          return;
        }
        if (!this.countFromEnd) lane.stamps.push(t);
      }
      lane.running += 1;
      this.running += 1;
      this.admitted += 1;
      if (this.running > this.maxActive) this.maxActive = this.running;
      const waiter = (lane.liveQueue.length ? lane.liveQueue : lane.queue).shift() as Waiter;
      const permit = new Grant(this, lane);
      if (!waiter.immediate) permit.waitedMs = Math.max(0, t - waiter.asked);
      waiter.grant(permit);
    }
  }
}

/** Index of the first element > x in an ascending array. */
function firstAfter(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
