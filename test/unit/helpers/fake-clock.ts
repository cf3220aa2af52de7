/**
 * A Clock (src/clock.ts) whose time moves only when a test says so: timers and sleeps fire in
 * time order as `advance` passes them, each followed by the promise callbacks it set off. Nothing
 * waits for real time. Its milliseconds are also the time of day's (`date()`).
 */
import type { Clock } from "../../../src/clock";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets every pending promise callback (and what they start in turn) run; no time passes on any clock. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  /** Every sleep asked for, in ms, in order. */
  readonly slept: number[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  date(): Date {
    return new Date(this.t);
  }

  after(ms: number, fn: () => void): void {
    this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, fn });
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.slept.push(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn: () => {
        signal?.removeEventListener("abort", abort);
        resolve();
      } };
      const abort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal?.reason);
      };
      this.timers.push(timer);
      signal?.addEventListener("abort", abort, { once: true });
    });
  }

  /** How many timers and sleeps are waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves the time `ms` on, firing what falls due in order, and lets the work it starts run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      let next: Timer | null = null;
      for (const timer of this.timers) if (timer.at <= end && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) next = timer;
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}
