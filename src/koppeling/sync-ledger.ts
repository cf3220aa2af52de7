/**
 * The sync ledger's rules: what is booked (so nothing is booked twice), what failed (with its
 * last error code and attempt count, for the retry on the next run and for the alert), and how
 * the runs went. Pure: the state is a plain JSON object that the nodes keep in Node-RED context.
 *
 * The ledger stores ids, numbers, amounts, times and error codes only. Context is readable by
 * every editor user (also read-only ones) and may be a file on disk, so an error's message, which
 * can name a customer (e-mail address, name, VAT number), is never stored here: it lives only in
 * the run's messages (`msg.error`, the report's summary and its alert mail).
 *
 * Keys name a CCV document: `order:<id>` (an order booked as an invoice), `cancel:<id>` (the
 * credit note of an order cancelled after booking), `credit:<id>` (a CCV credit invoice).
 *
 * Besides what is booked and failed, the ledger holds what a routine run needs to cost only
 * what is new (see ./due.ts): the high-water marks of the listings (`runs.marks`) and the
 * documents still waiting (`pending`: listed, not booked, and not yet or not finally due).
 */

/** What a ledger key names: an order, the cancellation of an order, a credit invoice. */
export type LedgerKind = "order" | "cancel" | "credit";

export type LedgerKey = `${LedgerKind}:${number}`;

export interface BookedEntry {
  ordernumber: number | null;
  factuurnummer: string;
  /** SnelStart id of the verkoopboeking or verkooporder. */
  snelstartId: string;
  /** `none`: a cancellation found to have nothing to credit (its order was never booked in SnelStart). */
  type: "verkoopboeking" | "verkooporder" | "none";
  at: string;
  /** True when the booking already existed in SnelStart and was adopted, not created. */
  adopted: boolean;
  /**
   * An order's `create_date` (orders booked by this version on): a credit invoice of the order
   * follows the VAT rules of that day (see input.ts `vatDay`). Not folded.
   */
  created?: string;
  /**
   * The invoice total incl. VAT in cents as the koppeling booked it (its `factuurbedrag`; negative
   * for a credit note; for an adopted one, what it would have booked). Absent in entries written
   * before it was kept, for an original adopted by a credit's lookup, and once folded.
   */
  amountCents?: number;
  /** Read from the folded part of the ledger: only the number survives (snelstartId and at are empty). */
  folded?: true;
}

export interface FailedEntry {
  ordernumber: number | null;
  /** The node that failed: `ccv-orders-in`, `vat-mapper`, `snelstart-debtor`, `snelstart-invoice`. */
  stage: string;
  code: string;
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
  /** The code of the last failed run (its message is not kept: see the top of this file). */
  lastError: { code: string; at: string } | null;
  alerted: boolean;
  lastRunAt: string | null;
  /** When the first run of this shop happened: without a historical import, orders older than this are never booked. */
  firstRunAt: string | null;
  /**
   * Webhooks that named nothing to book (e.g. an order id the shop does not know): counted, never
   * a failed run and never an alert.
   */
  webhookNoise: { count: number; lastAt: string | null };
  /** The listings' high-water marks and the last full sweep (./due.ts). */
  marks: SyncMarks;
}

export interface SyncMarks {
  /** The latest `create_date` among the orders a completed run listed (CCV's clock). */
  orders: string | null;
  /** The same for invoices. */
  invoices: string | null;
  /** The highest order number listed: with a pending order's number, it tells how many pages listing back to it costs. */
  lastOrdernumber: number | null;
  /** When the last full sweep (everything since the start date) completed. */
  fullSweepAt: string | null;
}

/**
 * A document a run listed that is not booked and may yet be due: an order not paid or not in a
 * selected status yet, or due but failing. Re-checked by later runs until it is booked, turns
 * out never due (cancelled before it was booked), or, when it is only waiting, passes the
 * horizon.
 */
export interface PendingEntry {
  ordernumber: number | null;
  /** The document's `create_date`. */
  created: string;
  /** Due when last seen (booking it failed, or it is on its way): never expires. Else only waiting. */
  due: boolean;
  /** The relatie snelstart-debtor created for this document on an attempt that did not book it. */
  relatie?: DocumentRelatie;
}

/**
 * A relatie created for one document that is not booked yet, when no lookup can find it again
 * (matching on e-mail off, or a customer without an address): the document's next attempt reads
 * it from SnelStart and uses it while it still fits the customer, instead of creating another.
 * SnelStart's id only. Forgotten with the pending entry.
 */
export interface DocumentRelatie {
  id: string;
}

/**
 * "Posting this document to SnelStart under this number": written (durably) before each POST and
 * removed when the outcome is recorded. One left behind means the outcome was never recorded (a
 * crash, a lost answer): the next attempt looks the document up before it posts anything.
 */
export interface IntentEntry {
  factuurnummer: string;
  type: "verkoopboeking" | "verkooporder";
  at: string;
}

/**
 * The ledger's state. Entries are replaced, never changed in place: the store journals the keys
 * an update sets or deletes in `booked`, `failed` and `intents`, and the `runs` object as a whole.
 */
export interface LedgerState {
  version: 1;
  booked: Record<string, BookedEntry>;
  failed: Record<string, FailedEntry>;
  intents: Record<string, IntentEntry>;
  pending: Record<string, PendingEntry>;
  /** Bookings older than the fold age, in compact form (see foldBooked). */
  folded: FoldedState;
  runs: RunsEntry;
  /** The booked keys by order number: derived, never stored (see numbersOf). */
  readonly numbers?: NumberIndex;
}

/** Booked ledger keys by `<kind>:<CCV order number>` (`order:10330`, `cancel:10330`, `credit:10330`). */
export type NumberIndex = Map<string, Set<string>>;

/** Sorted, disjoint ranges `[from, to]` of CCV order numbers. */
export type NumberRanges = Array<[number, number]>;

/** Bookings by order number: `factuurnummer` = stem + order number, or listed as odd. */
export interface FoldedNumbers {
  stems: Record<string, NumberRanges>;
  odd: Record<string, string>;
}

/**
 * The bookings older than the fold age, as little as the koppeling still needs of them: that an
 * order (by its number) is booked and under which invoice number (for a later credit note), that
 * its cancellation was credited or had nothing to credit, which CCV credit invoices were booked.
 * A shop's order numbers run on with few gaps, so ranges per invoice-number stem (`2023`, `WW`)
 * hold years of bookings in a few kilobytes. The SnelStart id, time and adoption are dropped.
 */
export interface FoldedState {
  /** Orders whose `create_date` is before this instant can be among the folded ones (null: nothing folded). */
  before: string | null;
  orders: FoldedNumbers;
  cancels: FoldedNumbers;
  /** Cancellations settled as "nothing to credit". */
  noCredit: NumberRanges;
  /** CCV credit invoices booked: `[invoice id, order number]`. */
  credits: Array<[number, number]>;
}

export function emptyFolded(): FoldedState {
  return { before: null, orders: { stems: {}, odd: {} }, cancels: { stems: {}, odd: {} }, noCredit: [], credits: [] };
}

export function emptyLedger(): LedgerState {
  return {
    version: 1,
    booked: {},
    failed: {},
    intents: {},
    pending: {},
    folded: emptyFolded(),
    runs: {
      consecutiveFailures: 0,
      lastError: null,
      alerted: false,
      lastRunAt: null,
      firstRunAt: null,
      webhookNoise: { count: 0, lastAt: null },
      marks: { orders: null, invoices: null, lastOrdernumber: null, fullSweepAt: null },
    },
  };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** A failed entry as stored before, without the `message` older versions kept. */
function reviveFailed(entry: unknown): FailedEntry {
  if (!isRecord(entry)) return entry as FailedEntry;
  const { message: _dropped, ...rest } = entry;
  return rest as unknown as FailedEntry;
}

function reviveRuns(runs: unknown, base: RunsEntry): RunsEntry {
  if (!isRecord(runs)) return base;
  const out = { ...base, ...runs } as RunsEntry;
  const last = runs.lastError;
  out.lastError = isRecord(last) ? { code: String(last.code ?? ""), at: String(last.at ?? "") } : null;
  const noise = runs.webhookNoise;
  out.webhookNoise =
    isRecord(noise) && typeof noise.count === "number" && Number.isFinite(noise.count)
      ? { count: noise.count, lastAt: typeof noise.lastAt === "string" ? noise.lastAt : null }
      : { ...base.webhookNoise };
  const marks = isRecord(runs.marks) ? runs.marks : {};
  // A mark that is not a date would make every run's listing bound invalid: read it as none.
  const text = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? v : null);
  const n = marks.lastOrdernumber;
  out.marks = { orders: text(marks.orders), invoices: text(marks.invoices), lastOrdernumber: typeof n === "number" && Number.isSafeInteger(n) ? n : null, fullSweepAt: text(marks.fullSweepAt) };
  return out;
}

/**
 * Accepts what a context store returned (maybe nothing, maybe an older shape) and returns a usable
 * ledger. An older ledger's error messages (in `failed` entries and `runs.lastError`) are dropped,
 * so the next write leaves none in context.
 */
export function reviveLedger(value: unknown): LedgerState {
  const base = emptyLedger();
  if (!isRecord(value)) return base;
  const v = value as Partial<Record<keyof LedgerState, unknown>>;
  const failed: Record<string, FailedEntry> = {};
  if (isRecord(v.failed)) for (const [key, entry] of Object.entries(v.failed)) failed[key] = reviveFailed(entry);
  return {
    version: 1,
    booked: isRecord(v.booked) ? ({ ...v.booked } as Record<string, BookedEntry>) : {},
    failed,
    intents: isRecord(v.intents) ? ({ ...v.intents } as Record<string, IntentEntry>) : {},
    pending: isRecord(v.pending) ? ({ ...v.pending } as Record<string, PendingEntry>) : {},
    folded: isRecord(v.folded) ? ({ ...emptyFolded(), ...v.folded } as FoldedState) : emptyFolded(),
    runs: reviveRuns(v.runs, base.runs),
  };
}

/** The shop's sync ledger behind its store (src/nodes/ledger-store.ts LedgerStore): changes applied one at a time, each stored before it resolves. */
export interface LedgerPort {
  read<T>(fn: (ledger: LedgerState) => T): Promise<T>;
  update<T>(fn: (ledger: LedgerState) => T): Promise<T>;
}

export function ledgerKey(kind: LedgerKind, id: number): LedgerKey {
  return `${kind}:${id}`;
}

/** The kind and CCV id a ledger key names (as `ledgerKey` writes it); null for any other string. */
export function parseLedgerKey(key: string): { kind: LedgerKind; id: number } | null {
  const m = /^(order|cancel|credit):(\d+)$/.exec(key);
  if (!m) return null;
  const id = Number(m[2]);
  return Number.isSafeInteger(id) ? { kind: m[1] as LedgerKind, id } : null;
}

export function isBooked(ledger: LedgerState, key: LedgerKey): BookedEntry | null {
  return ledger.booked[key] ?? null;
}

/**
 * The booking of a CCV document: by its key, else (for a document old enough) in the folded part by
 * its order number. `created` is the document's `create_date` (an order, or the cancelled order):
 * a document created after the last fold cannot be a folded one, so a number used again is never
 * taken for booked.
 */
export function findBooked(ledger: LedgerState, key: LedgerKey, ordernumber: number | null, created?: string | null): BookedEntry | null {
  const entry = ledger.booked[key];
  if (entry) return entry;
  const f = ledger.folded;
  if (ordernumber == null || f.before == null || (created != null && !(Date.parse(created) < Date.parse(f.before)))) return null;
  const k = parseLedgerKey(key);
  if (!k) return null;
  if (k.kind === "credit") return f.credits.some(([i]) => i === k.id) ? foldedEntry(ordernumber, "") : null;
  return foldedByNumber(f, k.kind, ordernumber);
}

/** The folded booking of an order or a cancellation: found by its order number (the fold keeps no CCV ids of these). */
function foldedByNumber(f: FoldedState, kind: "order" | "cancel", ordernumber: number): BookedEntry | null {
  if (kind === "cancel" && inRanges(f.noCredit, ordernumber)) return { ...foldedEntry(ordernumber, ""), type: "none" };
  const number = foldedNumber(kind === "order" ? f.orders : f.cancels, ordernumber);
  return number === null ? null : foldedEntry(ordernumber, number);
}

function foldedEntry(ordernumber: number, factuurnummer: string): BookedEntry {
  return { ordernumber, factuurnummer, snelstartId: "", type: "verkoopboeking", at: "", adopted: false, folded: true };
}

/** Whether `n` is in the sorted ranges. */
export function inRanges(ranges: NumberRanges, n: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = ranges[mid];
    if (n < from) hi = mid - 1;
    else if (n > to) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Adds sorted, distinct numbers to sorted ranges, merging neighbours (one pass). */
export function addToRanges(ranges: NumberRanges, sorted: number[]): NumberRanges {
  const all: NumberRanges = [...ranges, ...sorted.map((n): [number, number] => [n, n])].sort((a, b) => a[0] - b[0]);
  const out: NumberRanges = [];
  for (const [from, to] of all) {
    const last = out[out.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

function foldedNumber(numbers: FoldedNumbers, n: number): string | null {
  const odd = numbers.odd[String(n)];
  if (odd !== undefined) return odd;
  for (const [stem, ranges] of Object.entries(numbers.stems)) if (inRanges(ranges, n)) return `${stem}${n}`;
  return null;
}

/** Age after which a booking is folded (beyond any routine run's horizon: a folded booking is only met again by a full sweep, a late webhook or a credit). */
export const FOLD_AFTER_DAYS = 100;

/**
 * Moves the booked entries of `keys` (default: all) booked before `before` into the folded part.
 * Not folded: an entry without order number, and orders or cancellations whose number another
 * booked entry of the same kind shares (two orders under one number stay apart, by id). Returns how
 * many were folded. The state's index of numbers is kept.
 */
export function foldBooked(ledger: LedgerState, before: Date, keys: readonly string[] = Object.keys(ledger.booked)): number {
  const cutoff = before.getTime();
  const index = numbersOf(ledger);
  const byStem = { orders: new Map<string, number[]>(), cancels: new Map<string, number[]>() };
  const noCredit: number[] = [];
  const f = ledger.folded;
  let n = 0;
  for (const key of keys) {
    const e = ledger.booked[key];
    const k = parseLedgerKey(key);
    if (!e || !k || e.ordernumber == null || !(Date.parse(e.at) < cutoff)) continue;
    if (k.kind !== "credit" && (index.get(`${k.kind}:${e.ordernumber}`)?.size ?? 0) > 1) continue;
    if (k.kind === "credit") f.credits.push([k.id, e.ordernumber]);
    else if (k.kind === "cancel" && e.type === "none") noCredit.push(e.ordernumber);
    else {
      const target = k.kind === "order" ? "orders" : "cancels";
      const suffix = String(e.ordernumber);
      if (e.factuurnummer.endsWith(suffix)) {
        const stem = e.factuurnummer.slice(0, -suffix.length);
        const list = byStem[target].get(stem) ?? [];
        list.push(e.ordernumber);
        byStem[target].set(stem, list);
      } else {
        f[target].odd[suffix] = e.factuurnummer;
      }
    }
    removeFromIndex(index, key, e);
    delete ledger.booked[key];
    n++;
  }
  const ascending = (a: number, b: number) => a - b;
  for (const target of ["orders", "cancels"] as const) {
    for (const [stem, numbers] of byStem[target]) f[target].stems[stem] = addToRanges(f[target].stems[stem] ?? [], [...new Set(numbers)].sort(ascending));
  }
  if (noCredit.length) f.noCredit = addToRanges(f.noCredit, [...new Set(noCredit)].sort(ascending));
  if (n && (f.before === null || cutoff > Date.parse(f.before))) f.before = before.toISOString();
  return n;
}

export function markBooked(ledger: LedgerState, key: LedgerKey, entry: Omit<BookedEntry, "at">, now: Date): BookedEntry {
  const booked: BookedEntry = { ...entry, at: now.toISOString() };
  const index = numbersOf(ledger);
  const old = ledger.booked[key];
  if (old) removeFromIndex(index, key, old);
  ledger.booked[key] = booked;
  addToIndex(index, key, booked);
  if (key in ledger.failed) delete ledger.failed[key];
  if (key in ledger.intents) delete ledger.intents[key];
  if (key in ledger.pending) delete ledger.pending[key];
  // A cancellation settled as "nothing to credit" while this order's own message was still on its
  // way (the order was booked after all): open again, so the next run credits the booking.
  const k = parseLedgerKey(key);
  const cancel = k?.kind === "order" ? ledgerKey("cancel", k.id) : null;
  const settled = cancel ? ledger.booked[cancel] : undefined;
  if (cancel && settled?.type === "none") {
    removeFromIndex(index, cancel, settled);
    delete ledger.booked[cancel];
  }
  return booked;
}

/** The index's key of a booked entry (`<kind>:<order number>`); null for a key that names no document. */
function numberKey(key: string, ordernumber: number | null): string | null {
  const kind = parseLedgerKey(key)?.kind;
  return kind && ordernumber != null ? `${kind}:${ordernumber}` : null;
}

/** Adds a booked entry to an index of order numbers. */
export function addToIndex(index: NumberIndex, key: string, entry: BookedEntry): void {
  const k = numberKey(key, entry.ordernumber);
  if (k === null) return;
  let keys = index.get(k);
  if (!keys) index.set(k, (keys = new Set()));
  keys.add(key);
}

function removeFromIndex(index: NumberIndex, key: string, entry: BookedEntry): void {
  const k = numberKey(key, entry.ordernumber);
  if (k === null) return;
  const keys = index.get(k);
  keys?.delete(key);
  if (keys?.size === 0) index.delete(k);
}

/**
 * The ledger's index of booked keys by order number, built on first use (one pass) and kept by
 * markBooked. It hangs on the state as a property that is not enumerated, so it is never stored;
 * a view of the state (the store's change tracking) shares it with `shareNumbers`.
 */
export function numbersOf(ledger: LedgerState): NumberIndex {
  if (ledger.numbers) return ledger.numbers;
  const index: NumberIndex = new Map();
  for (const [key, entry] of Object.entries(ledger.booked)) addToIndex(index, key, entry);
  shareNumbers(ledger, index);
  return index;
}

/** Hangs `index` on `ledger` (not enumerated: JSON and spreads leave it out). */
export function shareNumbers(ledger: LedgerState, index: NumberIndex): void {
  Object.defineProperty(ledger, "numbers", { value: index, enumerable: false, configurable: true, writable: true });
}

/** The booked entries of `kind` for CCV order number `ordernumber` (several for credit invoices, or two orders sharing a number). */
export function bookedByNumber(ledger: LedgerState, kind: LedgerKind, ordernumber: number): Array<{ key: string; entry: BookedEntry }> {
  const out: Array<{ key: string; entry: BookedEntry }> = [];
  for (const key of numbersOf(ledger).get(`${kind}:${ordernumber}`) ?? []) {
    const entry = ledger.booked[key];
    if (entry) out.push({ key, entry });
  }
  const f = ledger.folded;
  if (kind === "credit") {
    for (const [id, n] of f.credits) if (n === ordernumber) out.push({ key: `credit:${id}`, entry: foldedEntry(n, "") });
  } else if (out.length === 0 && f.before != null) {
    // A folded order or cancellation (its CCV id is not kept: the key names the order number).
    const entry = foldedByNumber(f, kind, ordernumber);
    if (entry) out.push({ key: `${kind}:folded:${ordernumber}`, entry });
  }
  return out;
}

/**
 * Settles the cancellation of an order the ledger did not know as booked and SnelStart does not
 * hold either: nothing to credit, and the order's intent (if a crash left one) is void.
 */
export function markNothingToCredit(ledger: LedgerState, orderId: number, ordernumber: number | null, now: Date): void {
  markBooked(ledger, ledgerKey("cancel", orderId), { ordernumber, factuurnummer: "", snelstartId: "", type: "none", adopted: false }, now);
  clearIntent(ledger, ledgerKey("order", orderId));
}

/**
 * The credit already booked for CCV order number `ordernumber` that makes crediting it again by
 * `kind` a double credit, if any: for a cancellation, any booked CCV credit invoice of the order
 * (a credit invoice wins); for a credit invoice, the booked credit note of the order's
 * cancellation (several credit invoices of one order are partial credits, each booked). A
 * cancellation settled as "nothing to credit" credits nothing.
 */
export function earlierCredit(ledger: LedgerState, kind: "cancellation" | "credit-invoice", ordernumber: number): { key: string; entry: BookedEntry } | null {
  return bookedByNumber(ledger, kind === "cancellation" ? "credit" : "cancel", ordernumber).find((b) => b.entry.type !== "none") ?? null;
}

/** Records that `key` is about to be posted under `factuurnummer` (before the POST, durably). */
export function recordIntent(ledger: LedgerState, key: LedgerKey, intent: Omit<IntentEntry, "at">, now: Date): IntentEntry {
  const entry: IntentEntry = { ...intent, at: now.toISOString() };
  ledger.intents[key] = entry;
  return entry;
}

/** The intent left for `key` by an attempt whose outcome was never recorded, if any. */
export function intentOf(ledger: LedgerState, key: LedgerKey): IntentEntry | null {
  return ledger.intents[key] ?? null;
}

/**
 * Keeps the relatie created for a pending document (see DocumentRelatie). A document that is not
 * pending (a ledger of an older version, a message not from a run) keeps none: false.
 */
export function rememberRelatie(ledger: LedgerState, key: LedgerKey, relatie: DocumentRelatie): boolean {
  const pending = ledger.pending[key];
  if (!pending) return false;
  ledger.pending[key] = { ...pending, relatie };
  return true;
}

/** The relatie an earlier attempt created for a pending document, if any. */
export function relatieOf(ledger: LedgerState, key: LedgerKey): DocumentRelatie | null {
  return ledger.pending[key]?.relatie ?? null;
}

/** Forgets an intent once SnelStart answered that it stored nothing (a refusal). */
export function clearIntent(ledger: LedgerState, key: LedgerKey): void {
  if (key in ledger.intents) delete ledger.intents[key];
}

export interface FailureInfo {
  ordernumber: number | null;
  stage: string;
  code: string;
  runId: string;
  /** The failure is a POST whose outcome is unknown. */
  unknownOutcome?: boolean;
}

/**
 * Records a failed attempt; several failures of one document within one run count once. Only the
 * fields of FailedEntry are stored (whatever else `info` carries, such as a message, is not).
 */
export function recordFailure(ledger: LedgerState, key: LedgerKey, info: FailureInfo, now: Date): FailedEntry {
  const at = now.toISOString();
  const prev = ledger.failed[key];
  const entry: FailedEntry = prev
    ? {
        ordernumber: info.ordernumber ?? prev.ordernumber,
        stage: info.stage,
        code: info.code,
        attempts: prev.lastRunId === info.runId ? prev.attempts : prev.attempts + 1,
        firstAt: prev.firstAt,
        lastAt: at,
        lastRunId: info.runId,
        alerted: prev.alerted,
        unknownOutcome: prev.unknownOutcome === true || info.unknownOutcome === true,
      }
    : {
        ordernumber: info.ordernumber,
        stage: info.stage,
        code: info.code,
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
  if (ledger.runs.firstRunAt == null) ledger.runs = { ...ledger.runs, firstRunAt: now.toISOString() };
  return ledger.runs.firstRunAt as string;
}

/** Records a failed run: its code only (an error passed in whole keeps its message out of the ledger). */
export function recordRunFailure(ledger: LedgerState, error: { code: string }, now: Date): void {
  ledger.runs = {
    ...ledger.runs,
    consecutiveFailures: ledger.runs.consecutiveFailures + 1,
    lastError: { code: error.code, at: now.toISOString() },
    lastRunAt: now.toISOString(),
  };
}

/**
 * Counts a webhook that named nothing to book (an order id the shop does not know): noise, not a
 * failed run, so the run's failure count, last error and alert are left as they are.
 */
export function recordWebhookNoise(ledger: LedgerState, now: Date): RunsEntry["webhookNoise"] {
  const webhookNoise = { count: ledger.runs.webhookNoise.count + 1, lastAt: now.toISOString() };
  ledger.runs = { ...ledger.runs, webhookNoise };
  return webhookNoise;
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
    if (f) ledger.failed[o.key] = { ...f, alerted: true };
  }
  if (alerts.run) ledger.runs = { ...ledger.runs, alerted: true };
}

/** Forgets a failure so the document is retried without its history (used after a manual fix). */
export function clearFailure(ledger: LedgerState, key: LedgerKey): boolean {
  const had = key in ledger.failed;
  if (had) delete ledger.failed[key];
  return had;
}
