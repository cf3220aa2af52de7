/**
 * What happens after an attempt that did not succeed: try again (after how long, and why) or
 * give up, and whether the outcome is unknown. One object per client; pure (the clock and the
 * dice come in), so its rules are unit-tested without a server or a real wait.
 *
 * The rules, common to both APIs:
 * - 429 was not processed: any method is sent again, after `Retry-After` (seconds or an HTTP
 *   date) or, without one, `rateLimitWaitMs`; a `Retry-After` longer than `maxRetryAfterMs`
 *   gives up at once.
 * - A 5xx, no answer in time, or a connection lost after sending: the request may have been
 *   processed. An idempotent request (GET, HEAD, OPTIONS, PUT, DELETE, or one the client marks
 *   so) is sent again with backoff; any other (a POST, a PATCH) is NEVER sent again blindly: the
 *   failure is final, an unknown outcome (./errors.ts `unknownOutcome`).
 * - A connection that never reached the server (refused, no DNS, no route) is sent again when
 *   the request is idempotent, or for any method when `repeatUnsent` (nothing can have happened).
 * - Any other answer (3xx, 4xx) is final.
 * - At most `maxRetries` retries in all. Backoff before retry n (0-based) is
 *   min(maxBackoffMs, baseMs × 2^n) × a jitter in [0.5, 1) ("equal jitter", the form Stripe's
 *   RequestSender uses): never more than the cap, never less than half of it.
 * - `goneAfterLostDelete`: a DELETE answered 404 after an earlier attempt of it was lost is done
 *   (that attempt deleted it).
 */

export type HttpMethod = "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "PATCH" | "DELETE";

/** How an attempt ended, as far as the policy cares. */
export type AttemptOutcome =
  | { kind: "status"; status: number; headers: Readonly<Record<string, unknown>> }
  | { kind: "timeout" }
  /** `sent`: whether the request may have reached the server (false: refused, DNS, no route). */
  | { kind: "network"; sent: boolean };

export type WaitReason = "throttle" | "rate-limit" | "retry";

export type Verdict =
  | { action: "retry"; reason: "rate-limit" | "retry"; waitMs: number }
  /** The failure is final. `retryAfterMs`: a 429's Retry-After (null when absent or another status). */
  | { action: "fail"; unknownOutcome: boolean; retryAfterMs: number | null }
  /** The answer counts as success (a DELETE that finds its earlier lost attempt did the work). */
  | { action: "done" };

export interface RetryRules {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The first backoff, ms. */
  baseMs: number;
  /** The longest backoff, ms (default 30 000). */
  maxBackoffMs?: number;
  /** The wait after a 429 without a readable Retry-After (n: the retries so far). Default: the backoff. */
  rateLimitWaitMs?: (n: number) => number;
  /** The longest Retry-After waited for (default Infinity). */
  maxRetryAfterMs?: number;
  /** Repeat a request that never reached the server whatever its method (default false: only idempotent ones). */
  repeatUnsent?: boolean;
  /** A DELETE answered 404 after an earlier attempt of it was lost is done (default false). */
  goneAfterLostDelete?: boolean;
  /** The dice for the jitter, in [0, 1) (default Math.random). */
  random?: () => number;
}

/** What the policy needs to know of the request and the attempts so far. */
export interface AttemptState {
  method: HttpMethod;
  /** Whether repeating it is harmless when its outcome is unknown. */
  idempotent: boolean;
  /** Retries made so far (0 after the first attempt). */
  retries: number;
  /** Whether an earlier attempt may have been processed without its answer reaching us. */
  lostAttempt: boolean;
}

const IDEMPOTENT: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Whether repeating `method` is harmless by HTTP's definition (RFC 9110). */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** `Retry-After` in ms (whole or decimal seconds, or an HTTP date relative to `wallNow`); null when absent or unreadable. */
export function retryAfterMs(value: unknown, wallNow: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  const text = String(raw).trim();
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its day and month (`Fri, 14 Mar 2025 10:00:07 GMT`); Date.parse would read "-1" as a year.
  if (!/[A-Za-z]{3}/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - wallNow);
}

export class RetryPolicy {
  readonly maxRetries: number;
  private readonly baseMs: number;
  private readonly maxBackoffMs: number;
  private readonly rateLimitWaitMs: ((n: number) => number) | undefined;
  private readonly maxRetryAfterMs: number;
  private readonly repeatUnsent: boolean;
  private readonly goneAfterLostDelete: boolean;
  private readonly random: () => number;

  constructor(rules: RetryRules) {
    this.maxRetries = rules.maxRetries;
    this.baseMs = rules.baseMs;
    this.maxBackoffMs = rules.maxBackoffMs ?? 30_000;
    this.rateLimitWaitMs = rules.rateLimitWaitMs;
    this.maxRetryAfterMs = rules.maxRetryAfterMs ?? Infinity;
    this.repeatUnsent = rules.repeatUnsent ?? false;
    this.goneAfterLostDelete = rules.goneAfterLostDelete ?? false;
    this.random = rules.random ?? Math.random;
  }

  /** The wait before retry `n` (0-based). */
  backoff(n: number): number {
    const ms = Math.min(this.maxBackoffMs, this.baseMs * 2 ** n);
    return Math.round(ms * (0.5 + this.random() / 2));
  }

  /** What to do after an attempt that was not a 2xx; `wallNow` (the time of day, ms) reads an HTTP-date Retry-After. */
  decide(outcome: AttemptOutcome, s: AttemptState, wallNow: number): Verdict {
    const exhausted = s.retries >= this.maxRetries;
    if (outcome.kind === "status") {
      const status = outcome.status;
      if (status === 404 && s.method === "DELETE" && s.lostAttempt && this.goneAfterLostDelete) return { action: "done" };
      if (status === 429) {
        const after = retryAfterMs(outcome.headers["retry-after"], wallNow);
        if (exhausted || (after ?? 0) > this.maxRetryAfterMs) return { action: "fail", unknownOutcome: false, retryAfterMs: after };
        return { action: "retry", reason: "rate-limit", waitMs: after ?? (this.rateLimitWaitMs ? this.rateLimitWaitMs(s.retries) : this.backoff(s.retries)) };
      }
    }
    if (this.lost(outcome)) return this.processedMaybe(s);
    if (outcome.kind === "status") return { action: "fail", unknownOutcome: false, retryAfterMs: null };
    // Never reached the server: nothing happened there.
    if ((s.idempotent || this.repeatUnsent) && !exhausted) return { action: "retry", reason: "retry", waitMs: this.backoff(s.retries) };
    return { action: "fail", unknownOutcome: false, retryAfterMs: null };
  }

  /** Whether the attempt may have been processed although no answer says so (a 5xx, a timeout, a connection lost after sending). */
  lost(outcome: AttemptOutcome): boolean {
    return outcome.kind === "status" ? outcome.status >= 500 : outcome.kind === "timeout" || outcome.sent;
  }

  /** The attempt may have been processed: repeat only what is idempotent; for anything else the outcome is unknown. */
  private processedMaybe(s: AttemptState): Verdict {
    if (!s.idempotent) return { action: "fail", unknownOutcome: true, retryAfterMs: null };
    if (s.retries < this.maxRetries) return { action: "retry", reason: "retry", waitMs: this.backoff(s.retries) };
    return { action: "fail", unknownOutcome: false, retryAfterMs: null };
  }
}
