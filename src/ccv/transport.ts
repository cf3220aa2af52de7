/**
 * One signed CCV Shop request with throttling, retries and error mapping; the CcvClient
 * methods are built on it.
 *
 * - Signing: the request target (path + query) is normalised once with WHATWG URL parsing,
 *   which is exactly what axios puts on the wire, and that string is hashed
 *   (docs/reference/ccvshop-api.md#request-signing).
 * - Budget: a client-side sliding window per `METHOD template` (./throttle) keeps under 150 GET
 *   and 100 writes per window; none when the window is null (a simulator with its limits off).
 * - Retries: 429 on any method (CCV sends no Retry-After,
 *   docs/reference/ccvshop-api.md#rate-limits: wait a whole window, the documented minute when
 *   there is no client-side window); 5xx, timeouts and network errors only on GET/DELETE, with
 *   exponential backoff (a POST may have been processed; repeating it could create a second
 *   webhook).
 * - Every body is checked with the schema the caller gives; a mismatch is CCV_INVALID_RESPONSE
 *   naming the field. Documents come through as unchecked JSON (`z.unknown()`) and are checked
 *   one by one by the client (./check: CCV_INVALID_DOCUMENT), so that one bad document fails alone.
 */
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { z } from "zod";
import { type ErrorCode, KoppelingError, describeIssues } from "../errors";
import { ccvErrorBody } from "./schemas";
import { signCcvRequest } from "./signing";
import { RequestWindow, rateLimitKey } from "./throttle";

export const API_PATH = "/api/rest/v1/";
/** Documented limits per resource and method per window of a minute (docs/reference/ccvshop-api.md#rate-limits). */
export const GET_BUDGET = 150;
export const WRITE_BUDGET = 100;
export const RATE_LIMIT_WINDOW_MS = 60_000;

export type WaitReason = "rate-limit" | "retry";
export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface TransportOptions {
  origin: string;
  publicKey: string;
  secret: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  /** null: no client-side budget. */
  rateLimitWindowMs: number | null;
  now: () => Date;
  onWait?: (info: { reason: WaitReason; ms: number }) => void;
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));
const MAX_BACKOFF_MS = 30_000;

interface Failure {
  /** Whether another attempt may help. */
  retryable: boolean;
  /** Wait before the next attempt and why. */
  waitMs: number;
  reason: WaitReason;
  error: KoppelingError;
}

export class CcvTransport {
  private readonly http: AxiosInstance;
  private readonly window: RequestWindow | null;

  constructor(private readonly opts: TransportOptions) {
    this.window = opts.rateLimitWindowMs === null ? null : new RequestWindow(opts.rateLimitWindowMs);
    this.http = axios.create({
      timeout: opts.timeoutMs,
      // Statuses, bodies and redirects are handled here: the raw text is needed to check the
      // schema, and a redirect would re-send a hash signed for another target.
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(d: unknown) => d],
      transformRequest: [(d: unknown) => d],
      maxRedirects: 0,
      headers: { Accept: "application/json" },
    });
  }

  /** The path and query of `target` (relative or absolute) exactly as axios will send them. */
  wireTarget(target: string): string {
    const u = new URL(target, this.opts.origin);
    return `${u.pathname}${u.search}`;
  }

  /**
   * Sends a signed request and returns the body checked by `schema` (undefined when `schema`
   * is null, e.g. a 204 of DELETE). `target` is a path+query or an absolute CCV link; an absolute
   * link is always sent to the configured shop, never to another host.
   */
  async request<S extends z.ZodType>(method: HttpMethod, target: string, schema: S | null, body?: unknown): Promise<z.output<S>> {
    const uri = this.wireTarget(target);
    if (!uri.startsWith(API_PATH)) {
      throw new KoppelingError("CCV_INVALID_RESPONSE", `CCV Shop sent a link outside the API: ${target}`, { target });
    }
    const text = body === undefined ? "" : JSON.stringify(body);
    const key = rateLimitKey(method, uri);
    const budget = method === "GET" ? GET_BUDGET : WRITE_BUDGET;

    for (let attempt = 0; ; attempt++) {
      const done = this.window ? await this.window.take(key, budget, (ms) => this.opts.onWait?.({ reason: "rate-limit", ms })) : () => undefined;
      let res: AxiosResponse<string> | null = null;
      let thrown: unknown = null;
      try {
        res = await this.http.request<string>({
          method,
          url: `${this.opts.origin}${uri}`,
          data: body === undefined ? undefined : text,
          headers: {
            ...signCcvRequest({ publicKey: this.opts.publicKey, secret: this.opts.secret, method, uri, body: text, date: this.opts.now() }),
            ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          },
        });
      } catch (err) {
        thrown = err;
      } finally {
        done();
      }
      if (res && res.status >= 200 && res.status < 300) return this.parse(method, uri, res, schema);
      const failure = res ? this.statusFailure(method, uri, key, res, attempt) : this.transportFailure(method, uri, thrown, attempt);
      if (!failure.retryable || attempt >= this.opts.maxRetries) throw failure.error;
      this.opts.onWait?.({ reason: failure.reason, ms: failure.waitMs });
      await sleep(failure.waitMs);
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(MAX_BACKOFF_MS, this.opts.retryBaseMs * 2 ** attempt);
    return Math.round(base * (0.8 + 0.4 * Math.random()));
  }

  private parse<S extends z.ZodType>(method: string, uri: string, res: AxiosResponse<string>, schema: S | null): z.output<S> {
    if (schema === null) return undefined as z.output<S>;
    let json: unknown;
    try {
      json = JSON.parse(res.data);
    } catch {
      throw new KoppelingError("CCV_INVALID_RESPONSE", `CCV Shop answered ${method} ${uri} with a body that is not JSON`, { status: res.status, method, path: uri });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.map(String).join(".") ?? "";
      throw new KoppelingError("CCV_INVALID_RESPONSE", `CCV Shop sent an unexpected response for ${method} ${uri}: ${describeIssues(parsed.error.issues)}`, {
        status: res.status,
        method,
        path: uri,
        field,
      });
    }
    return parsed.data;
  }

  private statusFailure(method: string, uri: string, key: string, res: AxiosResponse<string>, attempt: number): Failure {
    const ccv = errorBody(res.data);
    const details = { status: res.status, code: ccv.code, developermessage: ccv.developermessage, method, path: uri };
    const said = `HTTP ${res.status}${ccv.code ? ` ${ccv.code}` : ""}${ccv.developermessage ? `: ${ccv.developermessage}` : ""}`;
    const fail = (code: ErrorCode, message: string, retryable = false, waitMs = 0, reason: WaitReason = "retry"): Failure => ({
      retryable,
      waitMs,
      reason,
      error: new KoppelingError(code, message, details),
    });
    const s = res.status;
    if (s === 401 || s === 403) {
      return fail("CCV_AUTH", `CCV Shop refused the credentials (${said}). Check the API public key and secret, and that this computer's clock is right (CCV allows 5 minutes).`);
    }
    if (s === 404) return fail("CCV_NOT_FOUND", `CCV Shop has no ${uri} (${said})`);
    if (s === 429) {
      const retryAfter = Number(res.headers["retry-after"]);
      const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : (this.opts.rateLimitWindowMs ?? RATE_LIMIT_WINDOW_MS);
      return fail("CCV_RATE_LIMIT", `CCV Shop kept refusing ${key} for its rate limit after ${attempt + 1} attempts (${said})`, true, wait, "rate-limit");
    }
    if (s >= 500) return fail("CCV_SERVER", `CCV Shop failed on ${method} ${uri} after ${attempt + 1} attempts (${said})`, isIdempotent(method), this.backoff(attempt));
    if (s >= 300 && s < 400) {
      const location = String(res.headers.location ?? "");
      return fail("CCV_CONFIG", `CCV Shop redirects ${uri} to ${location || "another address"}: use the shop URL it redirects to (${said})`);
    }
    return fail("CCV_BAD_REQUEST", `CCV Shop refused ${method} ${uri} (${said})`);
  }

  private transportFailure(method: string, uri: string, err: unknown, attempt: number): Failure {
    const code = axios.isAxiosError(err) ? (err.code ?? "") : "";
    const message = err instanceof Error ? err.message : String(err);
    const details = { method, path: uri, cause: code || message };
    const timedOut = code === "ECONNABORTED" || code === "ETIMEDOUT";
    const error = timedOut
      ? new KoppelingError("CCV_TIMEOUT", `CCV Shop did not answer ${method} ${uri} within ${this.opts.timeoutMs} ms (${attempt + 1} attempts)`, details, { cause: err })
      : new KoppelingError("CCV_NETWORK", `Cannot reach CCV Shop at ${this.opts.origin} for ${method} ${uri}: ${code || message}`, details, { cause: err });
    return { retryable: isIdempotent(method), waitMs: this.backoff(attempt), reason: "retry", error };
  }
}

function isIdempotent(method: string): boolean {
  return method === "GET" || method === "DELETE";
}

/** `{code, developermessage}` of a CCV error body (docs/reference/ccvshop-api.md#error-body), or empties when the body is something else. */
function errorBody(text: string): { code: string; developermessage: string } {
  try {
    const parsed = ccvErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return { code: parsed.data.code, developermessage: parsed.data.developermessage ?? "" };
  } catch {
    // not JSON: fall through
  }
  return { code: "", developermessage: typeof text === "string" ? text.slice(0, 200) : "" };
}
