/**
 * The one clock of the package: the HTTP layer's throttles measure windows with it and its request
 * sender waits with it; the exactly-once booker and ccv-orders-in read the time of day from it and
 * wait with it, cancellably. Tests hand a fake one and never sleep for real.
 */

export interface Clock {
  /** Milliseconds on a clock that only moves forward (not the time of day): windows and waits. */
  now(): number;
  /** The time of day: what the sync ledger records. */
  date(): Date;
  /** Calls `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): void;
  /** Resolves `ms` from now; rejects with `signal.reason` as soon as `signal` aborts (the timer is cleared then). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Resolves after `ms` on the real timers; rejects with `signal.reason` when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** The process's monotonic clock, the time of day and real timers (looked up at each call, so fake timers of a test apply). */
export const systemClock: Clock = {
  now: () => performance.now(),
  date: () => new Date(),
  after: (ms, fn) => void setTimeout(fn, ms),
  sleep,
};

/** `systemClock` read through another `now` (a test's fake time with the real or fake timers). */
export function clockWith(now: () => number): Clock {
  return { ...systemClock, now };
}
