/**
 * SnelStart error bodies -> KoppelingError (docs/reference/snelstart-api.md#error-bodies). Three
 * shapes, parsed defensively:
 *   1. business rules: `[{"errorCode":"BOE-0021","message":"…","details":null}]`, where an item
 *      may instead carry `modelState`, and `details` may be a string (kept as `details`);
 *   2. ASP.NET model validation: `{"modelState": {"field": ["msg", …]}, "message": …}`;
 *   3. Web API / gateway: `{"Message": "…"}` or `{"message": "…"}` (also the token endpoint's
 *      `{"error", "error_description"}`), or plain text.
 * The code is `SNELSTART_<RES>_<NNNN>` for the first SnelStart error code found (in `errorCode`
 * or in a message, /\b[A-Z]{3}-\d{4}\b/), else one by HTTP status (../error-codes.ts).
 *
 * `snelStartFailure` is this API's dialect of ../http/sender.ts: a request that failed for good
 * becomes an HttpError with one of these codes, or SNELSTART_UNKNOWN_OUTCOME (a POST that may have
 * been stored, `details.unknownOutcome`), SNELSTART_TIMEOUT or SNELSTART_NETWORK. A redirect (3xx)
 * is SNELSTART_CONFIG: redirects are never followed, and SnelStart's API does not redirect, so the
 * configured address is not the API's (an error of the protocol, not a refusal of the document).
 */
import { type ErrorCode, snelStartMessageCode } from "../error-codes";
import { HttpError, type HttpErrorFacts } from "../http/errors";
import { RetryPolicy } from "../http/policy";
import type { Failure } from "../http/sender";
import { displayUrl } from "../http/url";

export interface SnelStartErrorItem {
  /** `BOE-0021`, or null when the item has none. */
  errorCode: string | null;
  message: string;
  /** The model field, for modelState entries. */
  field?: string;
  /** The item's `details` when it is a non-empty string (what, where). */
  details?: string;
}

const CODE = /\b[A-Z]{3}-\d{4}\b/;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function str(x: unknown): string | null {
  return typeof x === "string" && x.trim() !== "" ? x : null;
}

function item(errorCode: unknown, message: string, field?: string, details?: unknown): SnelStartErrorItem {
  const code = str(errorCode) ?? CODE.exec(message)?.[0] ?? null;
  const out: SnelStartErrorItem = { errorCode: code, message };
  if (field !== undefined) out.field = field;
  const extra = str(details);
  if (extra !== null && extra !== message) out.details = extra;
  return out;
}

function modelStateItems(ms: unknown): SnelStartErrorItem[] {
  if (!isRecord(ms)) return [];
  return Object.entries(ms).flatMap(([field, msgs]) => (Array.isArray(msgs) ? msgs : [msgs]).map((m) => item(null, String(m), field)));
}

function objectItems(o: Record<string, unknown>): SnelStartErrorItem[] {
  const out: SnelStartErrorItem[] = [];
  const oauth = str(o.error) && str(o.error_description) ? `${String(o.error)}: ${String(o.error_description)}` : str(o.error);
  const message = str(o.message) ?? str(o.Message) ?? oauth;
  const fromModelState = modelStateItems(o.modelState ?? o.ModelState);
  if (message !== null || str(o.errorCode) !== null) out.push(item(o.errorCode, message ?? String(o.errorCode), undefined, o.details));
  out.push(...fromModelState);
  return out;
}

/** Every error item found in a body (any of the three shapes); [] when none. */
export function parseErrorBody(body: unknown): SnelStartErrorItem[] {
  if (Array.isArray(body)) return body.flatMap((x) => (isRecord(x) ? objectItems(x) : str(x) ? [item(null, String(x))] : []));
  if (isRecord(body)) return objectItems(body);
  const text = str(body);
  return text ? [item(null, text.length > 500 ? `${text.slice(0, 500)}…` : text)] : [];
}

/** The code of an error answer (4xx, 5xx) without a SnelStart message code. */
function statusCode(status: number): ErrorCode {
  if (status === 401) return "SNELSTART_AUTH";
  if (status === 403) return "SNELSTART_FORBIDDEN";
  if (status === 404) return "SNELSTART_NOT_FOUND";
  if (status === 429) return "SNELSTART_RATE_LIMIT";
  if (status >= 500) return "SNELSTART_SERVER";
  return "SNELSTART_VALIDATION";
}

/**
 * The HttpError for an HTTP error answer (4xx, 5xx), carrying the body's codes. `request` is
 * `METHOD path` for the message; `facts` are the request's (status, method, URL, …).
 */
export function snelStartError(status: number, body: unknown, request: string, facts: Omit<HttpErrorFacts, "apiCodes">, extra: Record<string, unknown> = {}): HttpError {
  const errors = parseErrorBody(body);
  const code = errors.map((e) => (e.errorCode === null ? null : snelStartMessageCode(e.errorCode))).find((c) => c !== null) ?? statusCode(status);
  const text = errors.length
    ? errors
        .map((e) => (e.field ? `${e.field}: ` : "") + (e.errorCode && !e.message.includes(e.errorCode) ? `${e.errorCode} ${e.message}` : e.message) + (e.details ? ` (${e.details})` : ""))
        .join("; ")
    : `HTTP ${status}`;
  const message = `SnelStart ${request} failed (${status}): ${text}`;
  return new HttpError(code, message, { status, errors, ...extra }, { ...facts, apiCodes: errors.flatMap((e) => (e.errorCode ? [e.errorCode] : [])) });
}

/**
 * SnelStart's retry rules (../http/policy.ts): 429 waits Retry-After (at most `maxRetryAfterMs`,
 * else it fails at once) or the backoff; a 5xx, timeout or lost connection repeats GET, PUT and
 * DELETE, never a POST (SNELSTART_UNKNOWN_OUTCOME, docs/reference/snelstart-api.md#idempotency);
 * a request that never reached SnelStart is repeated whatever its method (nothing can have been
 * stored); a DELETE answered 404 after a lost attempt of it is done.
 */
export function snelStartRetryPolicy(o: { maxRetries: number; retryBaseMs: number; maxRetryAfterMs: number; random?: () => number }): RetryPolicy {
  return new RetryPolicy({ maxRetries: o.maxRetries, baseMs: o.retryBaseMs, maxRetryAfterMs: o.maxRetryAfterMs, repeatUnsent: true, goneAfterLostDelete: true, random: o.random });
}

/** A body as JSON when it parses, else the text itself (proxies answer HTML or plain text); undefined when empty. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `METHOD path` (without the query: an OData filter can hold an e-mail address) for messages. */
export function requestLabel(method: string, path: string): string {
  const q = path.indexOf("?");
  return `${method} ${q < 0 ? path : path.slice(0, q)}`;
}

/** The error a request to SnelStart that failed for good ends in. */
export function snelStartFailure(f: Failure): HttpError {
  const request = requestLabel(f.request.method, f.request.path);
  const status = f.kind === "status" ? f.status : null;
  const facts = { status, method: f.request.method, url: displayUrl(f.request.url), unknownOutcome: f.unknownOutcome };
  const why = f.kind === "status" ? `HTTP ${f.status}` : f.kind === "timeout" ? `no answer within ${f.timeoutMs} ms` : `connection error ${f.code || "UNKNOWN"}`;
  if (f.unknownOutcome) {
    return new HttpError(
      "SNELSTART_UNKNOWN_OUTCOME",
      `SnelStart ${request}: outcome unknown (${why}); it may have been stored. Look it up (for a booking: by factuurnummer) before sending it again.`,
      { unknownOutcome: true, request, reason: why, ...(status === null ? {} : { status }) },
      { ...facts, apiCodes: [] },
    );
  }
  const retries = f.attempts - 1;
  if (f.kind === "status" && f.status >= 300 && f.status < 400) {
    // Without credentials, query or fragment: the address may carry them.
    const location = f.headers.location ? displayUrl(String(f.headers.location)) : "";
    return new HttpError(
      "SNELSTART_CONFIG",
      `SnelStart ${request} was redirected (HTTP ${f.status}) to ${location || "another address"}: SnelStart's API does not redirect, so check the API URLs in snelstart-config (redirects are never followed)`,
      { status: f.status, request, location },
      { ...facts, apiCodes: [] },
    );
  }
  if (f.kind === "status") {
    const extra = f.status === 429 ? { retryAfterMs: f.retryAfterMs } : f.status >= 500 ? { retries } : {};
    return snelStartError(f.status, parseJson(f.text), request, facts, extra);
  }
  const code = f.kind === "timeout" ? "SNELSTART_TIMEOUT" : "SNELSTART_NETWORK";
  return new HttpError(code, `SnelStart ${request} failed after ${f.attempts} attempts: ${why}`, { retries, reason: why }, { ...facts, apiCodes: [] });
}
