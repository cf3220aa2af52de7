/**
 * The one request sender of both API clients (the shape of Stripe's `RequestSender` under its
 * resources): it takes a place in the throttle, makes the attempt over axios, asks the retry
 * policy what a failure means, waits and tries again, and finally hands a failure to the API's
 * dialect, which turns it into the error with the API's stable code. The clients keep only what
 * is theirs: signing (CCV: headers signed per attempt), tokens (SnelStart), their error bodies
 * and the resources.
 *
 * - Statuses, bodies and redirects are the caller's: every status is an answer (`validateStatus`),
 *   the body stays text (to check it with a schema), and redirects are never followed: a signed
 *   hash or a key must not go to another address (../secure-url.ts).
 * - Each attempt has a deadline of `timeoutMs` for the whole exchange (an AbortController), not
 *   only for the socket to go quiet.
 * - The hot path is one throttle `await` (none without a throttle), one attempt and its
 *   response object; nothing is built for a failure until one happens.
 */
import axios, { type AxiosInstance } from "axios";
import { type Clock, systemClock } from "../clock";
import { type HttpMethod, type RetryPolicy, type WaitReason, isIdempotent } from "./policy";
import type { Throttle } from "./throttle";

export interface HttpRequest {
  method: HttpMethod;
  /** The whole URL, on the address configured with the credentials. */
  url: string;
  /** The path and query as the client names the resource (`/companyInfo`), for its messages. */
  path: string;
  /** The headers, or a function that makes them for each attempt (CCV signs every attempt with its time). */
  headers: Readonly<Record<string, string>> | (() => Record<string, string>);
  /** The raw body text. */
  body?: string;
  /** The throttle lane (default ""); null: not throttled (the token endpoint). */
  throttleKey?: string | null;
  /** Whether repeating it is harmless when its outcome is unknown (default: by method, ./policy.ts). */
  idempotent?: boolean;
}

export interface HttpResponse {
  kind: "status";
  status: number;
  text: string;
  headers: Readonly<Record<string, unknown>>;
}

/** How one attempt ended. */
export type Attempt =
  | HttpResponse
  | { kind: "timeout"; cause: unknown }
  /** `code`: the system's error code (`ECONNRESET`, "" when none); `sent`: whether it may have reached the server. */
  | { kind: "network"; code: string; sent: boolean; cause: unknown };

/** A request that failed for good: the last attempt and what the policy concluded. */
export type Failure = Attempt & {
  request: HttpRequest;
  /** Attempts made (1 + retries). */
  attempts: number;
  idempotent: boolean;
  /** ./errors.ts `unknownOutcome`. */
  unknownOutcome: boolean;
  /** The Retry-After of a 429, ms (null when absent, or another failure). */
  retryAfterMs: number | null;
  timeoutMs: number;
};

export interface WaitInfo {
  /** throttle: the call waited for a place (reported once admitted, `ms` = time waited);
   *  rate-limit: the service answered 429 (reported before waiting `ms`);
   *  retry: a transient failure (reported before waiting `ms`). */
  reason: WaitReason;
  ms: number;
}

/** One HTTP attempt that never throws for an HTTP or network failure. */
export type Exchange = (req: HttpRequest, timeoutMs: number) => Promise<Attempt>;

export interface SenderOptions {
  policy: RetryPolicy;
  /** Per attempt, ms. */
  timeoutMs: number;
  /** null or absent: no client-side throttle (a request's `throttleKey` is then ignored). */
  throttle?: Throttle | null;
  /** The API's dialect: the error a failure ends in. */
  error: (failure: Failure) => Error;
  onWait?: (info: WaitInfo) => void;
  /** Waits between attempts (default the real timers). */
  clock?: Clock;
  /** The time of day in ms, for an HTTP-date Retry-After (default Date.now). */
  wallNow?: () => number;
  /** The attempt itself (default over axios; tests hand in a fake server). */
  exchange?: Exchange;
}

/** Connection errors that mean the request never reached the server. */
const NOT_SENT: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

/** An attempt over `http` with a deadline for the whole exchange. */
function axiosExchange(http: AxiosInstance): Exchange {
  return async (req, timeoutMs) => {
    const headers = typeof req.headers === "function" ? req.headers() : req.headers;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const res = await http.request<string>({ method: req.method, url: req.url, headers, data: req.body, signal: controller.signal });
      return { kind: "status", status: res.status, text: res.data, headers: res.headers as Record<string, unknown> };
    } catch (err) {
      if (timedOut) return { kind: "timeout", cause: err };
      const code = axios.isAxiosError(err) ? (err.code ?? "") : "";
      if (code === "ECONNABORTED" || code === "ETIMEDOUT") return { kind: "timeout", cause: err };
      return { kind: "network", code, sent: !NOT_SENT.has(code), cause: err };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** An axios instance that leaves statuses, bodies and redirects to the caller. */
function rawAxios(): AxiosInstance {
  return axios.create({
    validateStatus: () => true,
    responseType: "text",
    transformResponse: [(d: unknown) => d],
    transformRequest: [(d: unknown) => d],
    maxRedirects: 0,
  });
}

export class RequestSender {
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly throttle: Throttle | null;
  private readonly error: (failure: Failure) => Error;
  private readonly onWait: ((info: WaitInfo) => void) | undefined;
  private readonly clock: Clock;
  private readonly wallNow: () => number;
  private readonly exchange: Exchange;

  constructor(o: SenderOptions) {
    this.policy = o.policy;
    this.timeoutMs = o.timeoutMs;
    this.throttle = o.throttle ?? null;
    this.error = o.error;
    this.onWait = o.onWait;
    this.clock = o.clock ?? systemClock;
    this.wallNow = o.wallNow ?? Date.now;
    this.exchange = o.exchange ?? axiosExchange(rawAxios());
  }

  /** Sends `req` with throttling and retries; answers a 2xx (or what the policy counts as done), throws the dialect's error otherwise. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const idempotent = req.idempotent ?? isIdempotent(req.method);
    const key = req.throttleKey === undefined ? "" : req.throttleKey;
    const throttle = key === null ? null : this.throttle;
    let lostAttempt = false;
    for (let retries = 0; ; retries++) {
      let attempt: Attempt;
      if (throttle) {
        const permit = await throttle.acquire(key as string);
        if (permit.waitedMs > 0) this.onWait?.({ reason: "throttle", ms: permit.waitedMs });
        try {
          attempt = await this.exchange(req, this.timeoutMs);
        } finally {
          permit.release();
        }
      } else {
        attempt = await this.exchange(req, this.timeoutMs);
      }
      if (attempt.kind === "status" && attempt.status >= 200 && attempt.status < 300) return attempt;
      const verdict = this.policy.decide(attempt, { method: req.method, idempotent, retries, lostAttempt }, this.wallNow());
      if (verdict.action === "done") return attempt as HttpResponse;
      if (verdict.action === "fail") {
        throw this.error({ ...attempt, request: req, attempts: retries + 1, idempotent, unknownOutcome: verdict.unknownOutcome, retryAfterMs: verdict.retryAfterMs, timeoutMs: this.timeoutMs });
      }
      lostAttempt ||= this.policy.lost(attempt);
      this.onWait?.({ reason: verdict.reason, ms: verdict.waitMs });
      await this.clock.sleep(verdict.waitMs);
    }
  }
}
