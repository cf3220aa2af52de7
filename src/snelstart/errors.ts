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
 */
import { type ErrorCode, snelStartMessageCode } from "../error-codes";
import { KoppelingError } from "../errors";

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

function statusCode(status: number): ErrorCode {
  if (status === 401) return "SNELSTART_AUTH";
  if (status === 403) return "SNELSTART_FORBIDDEN";
  if (status === 404) return "SNELSTART_NOT_FOUND";
  if (status === 429) return "SNELSTART_RATE_LIMIT";
  if (status >= 500) return "SNELSTART_SERVER";
  return "SNELSTART_VALIDATION";
}

/** The KoppelingError for an HTTP error answer. `request` is `METHOD path` for the message. */
export function snelStartError(status: number, body: unknown, request: string, extra: Record<string, unknown> = {}): KoppelingError {
  const errors = parseErrorBody(body);
  const code = errors.map((e) => (e.errorCode === null ? null : snelStartMessageCode(e.errorCode))).find((c) => c !== null) ?? statusCode(status);
  const text = errors.length
    ? errors
        .map((e) => (e.field ? `${e.field}: ` : "") + (e.errorCode && !e.message.includes(e.errorCode) ? `${e.errorCode} ${e.message}` : e.message) + (e.details ? ` (${e.details})` : ""))
        .join("; ")
    : `HTTP ${status}`;
  return new KoppelingError(code, `SnelStart ${request} failed (${status}): ${text}`, { status, errors, ...extra });
}
