/**
 * The one clock of the HTTP layer: the throttle measures windows with it and the request sender
 * waits with it, so tests hand both a fake one and never sleep for real.
 */

export interface Clock {
  /** Milliseconds on a clock that only moves forward (not the time of day). */
  now(): number;
  /** Calls `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): void;
  /** Resolves `ms` from now. */
  sleep(ms: number): Promise<void>;
}

/** Resolves after `ms` on the real timers. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The process's monotonic clock and real timers (looked up at each call, so fake timers of a test apply). */
export const systemClock: Clock = {
  now: () => performance.now(),
  after: (ms, fn) => void setTimeout(fn, ms),
  sleep,
};

/** `systemClock` read through another `now` (a test's fake time with the real or fake timers). */
export function clockWith(now: () => number): Clock {
  return { now, after: systemClock.after, sleep };
}
