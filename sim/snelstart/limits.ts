/**
 * Per-administration rate limits (docs/reference/snelstart-api.md#rate-limits): calls per minute,
 * calls per hour and concurrent calls, keyed by koppelsleutel. Past a limit the gateway answers 429
 * with `Retry-After` in seconds (the Azure API Management convention; UNCERTAIN in the reference).
 * A request counts against the windows when it is admitted; a refused one does not. A request
 * refused by the hour window has already used a minute slot (conservative, never lenient).
 */
import { WindowLimiter, windowMs, type RateLimitMode, type SimResponse } from "../http";
import { gatewayError } from "./messages";

export interface Tier {
  perMinute: number;
  perHour: number;
  concurrent: number;
}

export const TIERS = {
  production: { perMinute: 500, perHour: 5_000, concurrent: 50 },
  test: { perMinute: 100, perHour: 1_000, concurrent: 5 },
} as const satisfies Record<string, Tier>;

export type Admission = { ok: true; release: () => void } | { ok: false; response: SimResponse };

export class AdminLimits {
  private readonly minute: WindowLimiter | null;
  private readonly hour: WindowLimiter | null;
  private readonly active = new Map<string, number>();
  /** Highest number of concurrent requests seen for any administration. */
  maxInFlight = 0;

  constructor(
    private readonly mode: RateLimitMode,
    private readonly tier: Tier,
    now: () => number,
  ) {
    const minuteMs = windowMs(mode, 60_000);
    const hourMs = windowMs(mode, 3_600_000);
    this.minute = minuteMs === null ? null : new WindowLimiter(tier.perMinute, minuteMs, now);
    this.hour = hourMs === null ? null : new WindowLimiter(tier.perHour, hourMs, now);
  }

  get inFlight(): number {
    let n = 0;
    for (const v of this.active.values()) n += v;
    return n;
  }

  /** Admits a request of `admin`, or returns the 429 to send. Call `release` when its response is done. */
  admit(admin: string): Admission {
    const current = this.active.get(admin) ?? 0;
    if (this.mode !== "off" && current >= this.tier.concurrent) {
      return { ok: false, response: tooMany(1_000, `Too many concurrent requests: at most ${this.tier.concurrent} per administration.`) };
    }
    for (const [limiter, what] of [[this.minute, "per minute"], [this.hour, "per hour"]] as const) {
      const wait = limiter?.hit(admin) ?? 0;
      if (wait > 0) return { ok: false, response: tooMany(wait, `Rate limit is exceeded (${what}).`) };
    }
    this.active.set(admin, current + 1);
    this.maxInFlight = Math.max(this.maxInFlight, current + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.active.set(admin, (this.active.get(admin) ?? 1) - 1);
      },
    };
  }

  reset(): void {
    this.minute?.reset();
    this.hour?.reset();
    this.maxInFlight = this.inFlight;
  }
}

function tooMany(waitMs: number, what: string): SimResponse {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return gatewayError(429, `${what} Try again in ${seconds} seconds.`, { "Retry-After": String(seconds) });
}
