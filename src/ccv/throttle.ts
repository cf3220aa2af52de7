/**
 * Client-side budget for CCV's rate limits (docs/reference/ccvshop-api.md#rate-limits: 150 GET and
 * 100 writes per minute per resource and method). A sliding window per key; a slot counts from the
 * moment its request FINISHED, so a request sent after a full window can never arrive inside the
 * server's window of an older one, whatever the network delay. Requests in flight hold their slot.
 * Live work (../live.ts, a webhook's order) goes first, and a few slots of each key are kept for it
 * (`liveReserve`): an import that spends its budget in a minute's first seconds would otherwise leave
 * a webhook's order waiting for the rest of that minute.
 */

import { isLive } from "../live";

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

export class RequestWindow {
  private readonly slots = new Map<string, Array<{ end: number }>>();
  /** Live requests (../live.ts) waiting per key: while there are any, other requests of that key wait behind them. */
  private readonly liveWaiting = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * Waits until `key` has fewer than `limit` slots in the window, takes one and returns the
   * function that marks the request finished. `onWait` hears every wait before it starts.
   */
  async take(key: string, limit: number, onWait?: (ms: number) => void): Promise<() => void> {
    const mine = isLive();
    if (mine) this.liveWaiting.set(key, (this.liveWaiting.get(key) ?? 0) + 1);
    try {
      return await this.takeSlot(key, limit, mine, onWait);
    } finally {
      if (mine) this.liveWaiting.set(key, (this.liveWaiting.get(key) ?? 1) - 1);
    }
  }

  private async takeSlot(key: string, limit: number, mine: boolean, onWait: ((ms: number) => void) | undefined): Promise<() => void> {
    for (;;) {
      const now = this.clock();
      const live = (this.slots.get(key) ?? []).filter((s) => s.end > now - this.windowMs);
      this.slots.set(key, live);
      const yieldToLive = !mine && (this.liveWaiting.get(key) ?? 0) > 0;
      if (live.length < (mine ? limit : limit - liveReserve(limit)) && !yieldToLive) {
        const slot = { end: Number.POSITIVE_INFINITY };
        live.push(slot);
        return () => {
          slot.end = this.clock();
        };
      }
      const earliest = Math.min(...live.map((s) => s.end));
      // All slots in flight (or a live request goes first): look again shortly.
      const wait = !yieldToLive && Number.isFinite(earliest) ? earliest + this.windowMs - now : Math.min(50, this.windowMs / 10);
      const ms = Math.max(1, Math.ceil(wait));
      onWait?.(ms);
      await sleep(ms);
    }
  }
}

/** Slots of a key's budget that only live work may take: 10 of CCV's 150 GETs, 6 of its 100 writes. */
export function liveReserve(limit: number): number {
  return Math.floor(limit / 15);
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
