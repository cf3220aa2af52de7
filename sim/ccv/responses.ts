/**
 * CCV error bodies (docs/reference/ccvshop-api.md#error-body: `{code, status, developermessage}`)
 * and the error codes the simulator answers with. Codes marked UNCERTAIN are our choice where CCV
 * documents none; a client must route on the HTTP status and treat `code` as detail.
 */
import type { SimResponse } from "../http";

export const CODES = {
  /** Missing or unknown `x-public`. UNCERTAIN (docs/reference/ccvshop-api.md#open-authentication-errors), as in docs/design.md. */
  badPublicKey: "401.10",
  /** `x-hash` does not match. UNCERTAIN. */
  badHash: "401.11",
  /** `x-date` missing, malformed or more than 5 minutes off. UNCERTAIN. */
  badDate: "401.12",
  /** Invalid query parameter or body. UNCERTAIN. */
  badRequest: "400.10",
  notFoundResource: "404.20",
  /** An id that does not exist. UNCERTAIN (CCV documents 404.20 for unknown resource names only). */
  notFoundId: "404.10",
  methodNotAllowed: "405.10",
  rateLimited: "429.10",
} as const;

export function ccvError(status: number, code: string, developermessage: string): SimResponse {
  return { status, body: { code, status, developermessage } };
}

/** The code an injected status fault answers with. */
export function faultCode(status: number): string {
  const known: Record<number, string> = { 401: CODES.badHash, 404: CODES.notFoundResource, 405: CODES.methodNotAllowed, 429: CODES.rateLimited };
  return known[status] ?? `${status}.00`;
}

/** A query parameter or body problem: 400 naming it. */
export class BadInput extends Error {}
