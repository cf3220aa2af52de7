/**
 * The sync ledger's rules: what is booked (so nothing is booked twice), what failed (with its
 * last error and attempt count, for the retry on the next run and for the alert), and how the
 * runs went. Pure: the state is a plain JSON object that the nodes keep in Node-RED context.
 *
 * Keys name a CCV document: `order:<id>` (an order booked as an invoice), `cancel:<id>` (the
 * credit note of an order cancelled after booking), `credit:<id>` (a CCV credit invoice).
 */

export type LedgerKey = `${"order" | "cancel" | "credit"}:${number}`;

export interface BookedEntry {
  ordernumber: number | null;
  factuurnummer: string;
  /** SnelStart id of the verkoopboeking or verkooporder. */
  snelstartId: string;
  type: "verkoopboeking" | "verkooporder";
  at: string;
  /** True when the booking already existed in SnelStart and was adopted, not created. */
  adopted: boolean;
}

export interface FailedEntry {
  ordernumber: number | null;
  /** The node that failed: `ccv-orders-in`, `vat-mapper`, `snelstart-debtor`, `snelstart-invoice`. */
  stage: string;
  code: string;
  message: string;
  /** Number of runs in which this document failed (a run counts once). */
  attempts: number;
  firstAt: string;
  lastAt: string;
  lastRunId: string;
  /** Whether the alert for this failure went out (it goes out once, when attempts reach N). */
  alerted: boolean;
  /**
   * A POST of this document got no answer, so it may be stored in SnelStart. Kept through later
   * failures (of any stage) until the document is booked: a later run must look it up first.
   */
  unknownOutcome: boolean;
}

export interface RunsEntry {
  /** Runs in a row whose fetch from CCV Shop failed. */
  consecutiveFailures: number;
  lastError: { code: string; message: string; at: string } | null;
  alerted: boolean;
  lastRunAt: string | null;
  /** When the first run of this shop happened: without a historical import, orders older than this are never booked. */
  firstRunAt: string | null;
}

export interface LedgerState {
  version: 1;
  booked: Record<string, BookedEntry>;
  failed: Record<string, FailedEntry>;
  runs: RunsEntry;
}

export function emptyLedger(): LedgerState {
  return { version: 1, booked: {}, failed: {}, runs: { consecutiveFailures: 0, lastError: null, alerted: false, lastRunAt: null, firstRunAt: null } };
}

/** Accepts what a context store returned (maybe nothing, maybe an older shape) and returns a usable ledger. */
export function reviveLedger(value: unknown): LedgerState {
  const base = emptyLedger();
  if (!value || typeof value !== "object") return base;
  const v = value as Partial<LedgerState>;
  return {
    version: 1,
    booked: v.booked && typeof v.booked === "object" ? { ...v.booked } : {},
    failed: v.failed && typeof v.failed === "object" ? { ...v.failed } : {},
    runs: v.runs && typeof v.runs === "object" ? { ...base.runs, ...v.runs } : base.runs,
  };
}

export function ledgerKey(kind: "order" | "cancel" | "credit", id: number): LedgerKey {
  return `${kind}:${id}`;
}

export function isBooked(ledger: LedgerState, key: LedgerKey): BookedEntry | null {
  return ledger.booked[key] ?? null;
}

export function markBooked(ledger: LedgerState, key: LedgerKey, entry: Omit<BookedEntry, "at">, now: Date): BookedEntry {
  const booked: BookedEntry = { ...entry, at: now.toISOString() };
  ledger.booked[key] = booked;
  delete ledger.failed[key];
  return booked;
}

export interface FailureInfo {
  ordernumber: number | null;
  stage: string;
  code: string;
  message: string;
  runId: string;
  /** The failure is a POST whose outcome is unknown. */
  unknownOutcome?: boolean;
}

/** Records a failed attempt; several failures of one document within one run count once. */
export function recordFailure(ledger: LedgerState, key: LedgerKey, info: FailureInfo, now: Date): FailedEntry {
  const at = now.toISOString();
  const prev = ledger.failed[key];
  const entry: FailedEntry = prev
    ? {
        ...prev,
        ordernumber: info.ordernumber ?? prev.ordernumber,
        stage: info.stage,
        code: info.code,
        message: info.message,
        attempts: prev.lastRunId === info.runId ? prev.attempts : prev.attempts + 1,
        lastAt: at,
        lastRunId: info.runId,
        unknownOutcome: prev.unknownOutcome === true || info.unknownOutcome === true,
      }
    : {
        ordernumber: info.ordernumber,
        stage: info.stage,
        code: info.code,
        message: info.message,
        attempts: 1,
        firstAt: at,
        lastAt: at,
        lastRunId: info.runId,
        alerted: false,
        unknownOutcome: info.unknownOutcome === true,
      };
  ledger.failed[key] = entry;
  return entry;
}

/** The moment of the shop's first run, set on the first call. */
export function firstRunAt(ledger: LedgerState, now: Date): string {
  ledger.runs.firstRunAt ??= now.toISOString();
  return ledger.runs.firstRunAt;
}

export function recordRunFailure(ledger: LedgerState, error: { code: string; message: string }, now: Date): void {
  ledger.runs = {
    ...ledger.runs,
    consecutiveFailures: ledger.runs.consecutiveFailures + 1,
    lastError: { code: error.code, message: error.message, at: now.toISOString() },
    lastRunAt: now.toISOString(),
  };
}

export function recordRunSuccess(ledger: LedgerState, now: Date): void {
  ledger.runs = { ...ledger.runs, consecutiveFailures: 0, lastError: null, alerted: false, lastRunAt: now.toISOString() };
}

export interface DueAlerts {
  orders: Array<{ key: string } & FailedEntry>;
  run: RunsEntry | null;
}

/** Problems that persisted for `threshold` runs and were not yet reported. */
export function dueAlerts(ledger: LedgerState, threshold: number): DueAlerts {
  const orders = Object.entries(ledger.failed)
    .filter(([, f]) => f.attempts >= threshold && !f.alerted)
    .map(([key, f]) => ({ key, ...f }))
    .sort((a, b) => (a.ordernumber ?? 0) - (b.ordernumber ?? 0));
  const run = ledger.runs.consecutiveFailures >= threshold && !ledger.runs.alerted ? ledger.runs : null;
  return { orders, run };
}

export function markAlerted(ledger: LedgerState, alerts: DueAlerts): void {
  for (const o of alerts.orders) {
    const f = ledger.failed[o.key];
    if (f) f.alerted = true;
  }
  if (alerts.run) ledger.runs = { ...ledger.runs, alerted: true };
}

/** Forgets a failure so the document is retried without its history (used after a manual fix). */
export function clearFailure(ledger: LedgerState, key: LedgerKey): boolean {
  const had = key in ledger.failed;
  delete ledger.failed[key];
  return had;
}
