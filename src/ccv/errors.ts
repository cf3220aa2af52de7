/**
 * CCV Shop's answers → its retry rules and the CCV_* codes (the dialect of ../http/sender.ts for
 * this API). CCV's
 * error body is `{code, status, developermessage}` (docs/reference/ccvshop-api.md#error-body);
 * `details` carry its `code` and `developermessage`, the status, method and path.
 *
 * 401/403 CCV_AUTH (keys or clock), 404 CCV_NOT_FOUND, 429 CCV_RATE_LIMIT (after the retries),
 * 5xx CCV_SERVER, 3xx CCV_CONFIG (the shop lives at another address), other 4xx CCV_BAD_REQUEST;
 * no answer in time CCV_TIMEOUT, no connection CCV_NETWORK.
 */
import type { ErrorCode } from "../errors";
import { HttpError, type HttpErrorFacts } from "../http/errors";
import { RetryPolicy } from "../http/policy";
import type { Failure } from "../http/sender";
import { displayUrl } from "../http/url";
import { ccvErrorBody } from "./schemas";
import { RATE_LIMIT_WINDOW_MS, rateLimitKey } from "./throttle";

/**
 * CCV's retry rules (../http/policy.ts): a 429 waits Retry-After or else a whole window (CCV sends
 * none, docs/reference/ccvshop-api.md#rate-limits; the documented minute when the client keeps no
 * window); 5xx, timeouts and connection errors are repeated only for GET and DELETE, also when the
 * connection never reached the shop (a POST is never repeated: it could register a webhook twice).
 */
export function ccvRetryPolicy(o: { maxRetries: number; retryBaseMs: number; windowMs: number | null; random?: () => number }): RetryPolicy {
  const window = o.windowMs ?? RATE_LIMIT_WINDOW_MS;
  return new RetryPolicy({ maxRetries: o.maxRetries, baseMs: o.retryBaseMs, rateLimitWaitMs: () => window, random: o.random });
}

/** `{code, developermessage}` of a CCV error body, or empties when the body is something else. */
function errorBody(text: string): { code: string; developermessage: string } {
  try {
    const parsed = ccvErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return { code: parsed.data.code, developermessage: parsed.data.developermessage ?? "" };
  } catch {
    // not JSON: fall through
  }
  return { code: "", developermessage: typeof text === "string" ? text.slice(0, 200) : "" };
}

/** The error a failed request to the shop at `origin` ends in. */
export function ccvError(f: Failure, origin: string): HttpError {
  const method = f.request.method;
  const uri = f.request.path;
  const facts = (status: number | null, code: string): HttpErrorFacts => ({
    status,
    method,
    url: displayUrl(f.request.url),
    apiCodes: code ? [code] : [],
    unknownOutcome: f.unknownOutcome,
  });
  if (f.kind === "status") {
    const ccv = errorBody(f.text);
    const details = { status: f.status, code: ccv.code, developermessage: ccv.developermessage, method, path: uri };
    const said = `HTTP ${f.status}${ccv.code ? ` ${ccv.code}` : ""}${ccv.developermessage ? `: ${ccv.developermessage}` : ""}`;
    const fail = (code: ErrorCode, message: string) => new HttpError(code, message, details, facts(f.status, ccv.code));
    const s = f.status;
    if (s === 401 || s === 403) {
      return fail("CCV_AUTH", `CCV Shop refused the credentials (${said}). Check the API public key and secret, and that this computer's clock is right (CCV allows 5 minutes).`);
    }
    if (s === 404) return fail("CCV_NOT_FOUND", `CCV Shop has no ${uri} (${said})`);
    if (s === 429) return fail("CCV_RATE_LIMIT", `CCV Shop kept refusing ${rateLimitKey(method, uri)} for its rate limit after ${f.attempts} attempts (${said})`);
    if (s >= 500) return fail("CCV_SERVER", `CCV Shop failed on ${method} ${uri} after ${f.attempts} attempts (${said})`);
    if (s >= 300 && s < 400) {
      // Without credentials, query or fragment: the address may carry them.
      const location = f.headers.location ? displayUrl(String(f.headers.location)) : "";
      return fail("CCV_CONFIG", `CCV Shop redirects ${uri} to ${location || "another address"}: use the shop URL it redirects to (${said})`);
    }
    return fail("CCV_BAD_REQUEST", `CCV Shop refused ${method} ${uri} (${said})`);
  }
  const options = { cause: f.cause };
  if (f.kind === "timeout") {
    return new HttpError("CCV_TIMEOUT", `CCV Shop did not answer ${method} ${uri} within ${f.timeoutMs} ms (${f.attempts} attempts)`, { method, path: uri, cause: "ECONNABORTED" }, facts(null, ""), options);
  }
  const why = f.code || (f.cause instanceof Error ? f.cause.message : String(f.cause));
  return new HttpError("CCV_NETWORK", `Cannot reach CCV Shop at ${origin} for ${method} ${uri}: ${why}`, { method, path: uri, cause: why }, facts(null, ""), options);
}
