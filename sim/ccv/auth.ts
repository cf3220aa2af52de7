/**
 * Request authentication as CCV describes it (docs/reference/ccvshop-api.md#request-signing) and
 * response signing (docs/reference/ccvshop-api.md#response-signing). Choices on UNCERTAIN points
 * (the stricter reading):
 * - `x-date` must be `YYYY-MM-DDTHH:MM:SS` in UTC with `Z`, `+00:00` or `+0000`; milliseconds
 *   and other offsets are refused; it must be within 5 minutes (inclusive) of the server clock.
 * - `x-hash` must be the lowercase hex digest, compared exactly.
 * - The hashed uri is the raw request target exactly as received (no normalisation).
 * - Failures answer 401 with 401.10 (public key), 401.12 (date) or 401.11 (hash).
 */
import { timingSafeEqual } from "node:crypto";
import { ccvHmac, formatCcvDate } from "../../src/ccv/signing";
import type { SimRequest, SimResponse } from "../http";
import { CODES, ccvError } from "./responses";

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|\+00:00|\+0000)$/;
const SKEW_MS = 5 * 60_000;

export interface AuthConfig {
  publicKey: string;
  secret: string;
  now: () => number;
}

function header(req: SimRequest, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/** Milliseconds since the epoch of an accepted x-date, or null when its form is refused. */
export function parseXDate(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  // Reject impossible dates (2024-02-30) that Date.UTC would roll over.
  return formatCcvDate(new Date(t)) === `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` ? t : null;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** null when the request is authentic, else the 401 to answer. */
export function checkAuth(req: SimRequest, cfg: AuthConfig): SimResponse | null {
  const pub = header(req, "x-public");
  if (!pub || !sameText(pub, cfg.publicKey)) return ccvError(401, CODES.badPublicKey, "Unknown or missing x-public header");
  const date = header(req, "x-date");
  const t = parseXDate(date);
  if (t === null) return ccvError(401, CODES.badDate, "x-date must be an ISO 8601 UTC date-time like 2024-01-31T12:00:00Z");
  if (Math.abs(cfg.now() - t) > SKEW_MS) return ccvError(401, CODES.badDate, "x-date is more than 5 minutes off the server time");
  const expected = ccvHmac(cfg.secret, [pub, req.method, req.rawUrl, req.body, date]);
  if (!sameText(header(req, "x-hash"), expected)) return ccvError(401, CODES.badHash, "x-hash does not match the request");
  return null;
}

/** The `x-date` and `x-hash` headers of a response (docs/reference/ccvshop-api.md#response-signing): HMAC over public|METHOD|uri|body|x-date. */
export function responseSignature(req: SimRequest, body: string, cfg: AuthConfig): Record<string, string> {
  const date = formatCcvDate(new Date(cfg.now()));
  return { "x-date": date, "x-hash": ccvHmac(cfg.secret, [cfg.publicKey, req.method, req.rawUrl, body, date]) };
}
