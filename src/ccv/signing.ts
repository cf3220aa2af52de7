/**
 * CCV Shop request signing (docs/reference/ccvshop-api.md#request-signing): every request carries
 * `x-public`, `x-date` and `x-hash` = lowercase hex HMAC-SHA512(secret,
 * `public|METHOD|uri|body|x-date`), where `uri` is the request target exactly as sent (path and
 * query, no scheme or host) and `body` the raw JSON text ("" without a body). The simulator checks
 * requests with the same functions.
 */
import { createHmac } from "node:crypto";

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, the form the CCV docs show. Milliseconds are left out: whether CCV
 * accepts them is UNCERTAIN (docs/reference/ccvshop-api.md#open-x-date-with-milliseconds).
 */
export function formatCcvDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Lowercase hex HMAC-SHA512 of the parts joined with `|`. */
export function ccvHmac(key: string, parts: readonly string[]): string {
  return createHmac("sha512", key).update(parts.join("|"), "utf8").digest("hex");
}

export interface CcvSignInput {
  publicKey: string;
  secret: string;
  method: string;
  /** The request target as sent: `/api/rest/v1/orders/?start=0&size=50`. */
  uri: string;
  /** The raw body text; "" or undefined for GET/DELETE. */
  body?: string;
  /** The request time (default now), or a ready x-date string. */
  date?: Date | string;
}

export interface CcvSignedHeaders {
  "x-public": string;
  "x-date": string;
  "x-hash": string;
}

export function signCcvRequest(input: CcvSignInput): CcvSignedHeaders {
  const date = typeof input.date === "string" ? input.date : formatCcvDate(input.date ?? new Date());
  const hash = ccvHmac(input.secret, [input.publicKey, input.method.toUpperCase(), input.uri, input.body ?? "", date]);
  return { "x-public": input.publicKey, "x-date": date, "x-hash": hash };
}

/**
 * The `x-hash` of a webhook delivery as the simulator sends it: HMAC-SHA512(webhook key,
 * `address|body`). UNCERTAIN (docs/reference/ccvshop-api.md#webhook-signature): no public code
 * verifies CCV webhook signatures; this is the form CCV uses for its App Store calls. Treat a
 * webhook as a trigger and re-fetch the order.
 */
export function ccvWebhookHash(key: string, address: string, body: string): string {
  return ccvHmac(key, [address, body]);
}
