import type { ErrorCode } from "./error-codes";

export type { ErrorCode } from "./error-codes";

/**
 * Every error this package raises carries a stable `code` (e.g. `CCV_AUTH`,
 * `SNELSTART_BOE_0039`, `VAT_UNMAPPED_RATE`), so a Catch node can route on `msg.error.code`.
 * The code is one of the catalogue's (./error-codes.ts: its meaning, layer, whether it ends a run
 * or may pass by itself). `details` holds machine-readable facts (order number, figures) for the
 * sync ledger and alerts.
 */
export class KoppelingError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KoppelingError";
    this.code = code;
    this.details = details;
  }
}

export function isKoppelingError(err: unknown): err is KoppelingError {
  return err instanceof KoppelingError;
}

/** Formats zod issues as `path: message; path: message` for error messages a user can act on. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}
