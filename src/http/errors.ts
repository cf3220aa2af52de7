/**
 * The error of a request that failed at the HTTP level (after the retries the policy allowed),
 * in the manner of Octokit's `RequestError`: typed facts to decide on (`status`, `unknownOutcome`,
 * the service's own codes) instead of a message text. It IS a KoppelingError (also by `name`, so
 * `msg.error.message` reads as before): its `code` is the stable code of the API's dialect
 * (`CCV_AUTH`, `SNELSTART_BOE_0021`, `SNELSTART_UNKNOWN_OUTCOME`, …) that flows route on, and its
 * `details` stay what they were for the ledger and the alerts.
 */
import { type ErrorCode, KoppelingError } from "../errors";

export interface HttpErrorFacts {
  /** The HTTP status of the last answer; null when none came (a timeout, a connection error). */
  status: number | null;
  method: string;
  /** Scheme, host and path of the request: no credentials, query (it can hold an e-mail address) or fragment. */
  url: string;
  /** The service's own codes in the answer (CCV `429.10`; SnelStart `BOE-0021`, …); empty when none. */
  apiCodes: readonly string[];
  /**
   * True when a request that is not idempotent (a POST) may have taken effect although no
   * success came back: its attempt reached the server and got a 5xx, no answer in time, or a
   * connection lost after sending. It was not sent again; look the result up before sending it
   * again (./policy.ts).
   */
  unknownOutcome: boolean;
}

export class HttpError extends KoppelingError implements HttpErrorFacts {
  readonly status: number | null;
  readonly method: string;
  readonly url: string;
  readonly apiCodes: readonly string[];
  readonly unknownOutcome: boolean;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown>, facts: HttpErrorFacts, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.status = facts.status;
    this.method = facts.method;
    this.url = facts.url;
    this.apiCodes = facts.apiCodes;
    this.unknownOutcome = facts.unknownOutcome;
  }
}

export function isHttpError(err: unknown): err is HttpError {
  return err instanceof HttpError;
}

/** A request that may have taken effect although no success came back (`unknownOutcome`): look it up before sending it again. */
export function isUnknownOutcome(err: unknown): err is HttpError {
  return isHttpError(err) && err.unknownOutcome;
}
