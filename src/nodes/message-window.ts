/**
 * How many of a shop's document messages may be on their way through the flow at once. A run
 * (an import of 30,000 orders) waits for room before it sends the next document, so it fetches
 * from CCV Shop only as fast as SnelStart books and holds a bounded number of orders in memory.
 * A message leaves when snelstart-invoice is done with it or a node fails it; one that never
 * arrives there (a flow that drops it) leaves after `timeoutMs`. Live messages (webhooks) go in
 * without waiting. Without any snelstart-invoice node deployed (a flow that only looks at the
 * orders) nothing would ever let a message out, so the window does not hold anything back then.
 */

let consumers = 0;

/** Counts a node that lets messages out of the windows (snelstart-invoice); returns its removal. */
export function addWindowConsumer(): () => void {
  consumers++;
  let removed = false;
  return () => {
    if (!removed) consumers--;
    removed = true;
  };
}

export class MessageWindow {
  /** Messages on their way: `left` resolves when `leave` (called by `done`) lets them out. */
  private readonly open = new Map<string, { timer: NodeJS.Timeout; done: () => void; left: Promise<void> }>();
  private waiters: Array<() => void> = [];
  /** Counts clear(): a waiter it released goes in without looking for room again. */
  private cleared = 0;

  constructor(
    readonly size = 16,
    readonly timeoutMs = 60_000,
  ) {}

  get inFlight(): number {
    return this.open.size;
  }

  /**
   * Waits for room (unless `live`), then counts `id` as on its way. When `signal` aborts while it
   * waits (the sending node closed), it stops waiting, takes no room, and rejects with the
   * signal's reason.
   */
  async enter(id: string, live = false, signal?: AbortSignal): Promise<void> {
    if (consumers === 0) return;
    const cleared = this.cleared;
    while (!live && this.open.size >= this.size && this.cleared === cleared) await this.room(signal);
    signal?.throwIfAborted();
    let done = () => {};
    const left = new Promise<void>((resolve) => (done = resolve));
    const timer = setTimeout(() => this.leave(id), this.timeoutMs);
    timer.unref();
    this.open.set(id, { timer, done, left });
  }

  /** Resolves at the next leave (or clear); a waiter withdrawn by `signal` is not woken, so the leave wakes the next one. */
  private room(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const withdraw = () => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(signal?.reason);
      };
      const wake = () => {
        signal?.removeEventListener("abort", withdraw);
        resolve();
      };
      signal?.addEventListener("abort", withdraw, { once: true });
      this.waiters.push(wake);
    });
  }

  /** Resolves when `id` has left (at once when it is not on its way). */
  settled(id: string): Promise<void> {
    return this.open.get(id)?.left ?? Promise.resolve();
  }

  /** Resolves when every message now on its way has left. */
  async drained(): Promise<void> {
    await Promise.all([...this.open.values()].map((m) => m.left));
  }

  /** `id` is done (booked, failed, or dropped). */
  leave(id: string): void {
    const entry = this.open.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.open.delete(id);
    entry.done();
    this.waiters.shift()?.();
  }

  /** Lets everything go (redeploy). */
  clear(): void {
    this.cleared++;
    for (const id of [...this.open.keys()]) this.leave(id);
    for (const w of this.waiters.splice(0)) w();
  }
}
