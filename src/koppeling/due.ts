/**
 * What is due: which CCV Shop documents a run lists, and which of those it books. Pure: the
 * orders-in controller (../controllers/orders-in.ts) does the fetching and feeds each listed
 * document to these rules.
 *
 * A routine run costs what is new and what is still pending, not the shop's history:
 * - orders created since the orders high-water mark, less an overlap of a day (the time zone CCV
 *   applies to `min_create_date` is UNCERTAIN; a checkout completed late is listed under its
 *   earlier `create_date`);
 * - the documents still pending (listed before, not booked, and not finally settled): read one by
 *   one, or, when that costs fewer calls, by one listing of paid orders back to the oldest of them
 *   (a shop with many unpaid checkouts must not pay a call for each, every run);
 * - cancellations among the orders created within the horizon (default 90 days);
 * - invoices created since the invoices high-water mark, less the overlap.
 * A full sweep lists everything since the start date, as the first run does: on the first run,
 * every `sweepDays` (default 7) and on demand (msg.topic "full-sync"). It catches what the
 * routine runs no longer look at: an order paid or cancelled after the horizon.
 *
 * A document listed but not booked is written to the ledger's `pending` before the high-water
 * marks move past it (the marks move when the run's listings completed), so a crash, a failure
 * or a run that ends early never hides a document from the runs after it.
 */
import type { Checked } from "../ccv/check";
import type { CcvInvoice, CcvInvoiceHead, CcvOrder, CcvOrderHead } from "../ccv/schemas";
import type { KoppelingError } from "../errors";
import { amsterdamMidnightUtc } from "./dates";
import type { DocumentKind } from "./document";
import { type LedgerKey, type LedgerKind, type LedgerState, type PendingEntry, type SyncMarks, bookedByNumber, clearFailure, earlierCredit, findBooked, firstRunAt, intentOf, ledgerKey, parseLedgerKey, recordFailure } from "./sync-ledger";

export const CANCELLED = 8;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How far each listing reaches back before its high-water mark. */
export const OVERLAP_MS = DAY_MS;
/** CCV's largest page. */
const PAGE = 100;
/** More selected statuses than this: one query for all orders, filtered here, costs fewer calls. */
const MAX_STATUS_QUERIES = 3;
const ALL_STATUSES = Array.from({ length: 14 }, (_, i) => i + 1);

export const DEFAULT_HORIZON_DAYS = 90;
export const DEFAULT_SWEEP_DAYS = 7;

export interface DueSettings {
  /** Selected CCV order statuses (1-14). */
  statuses: number[];
  paidOnly: boolean;
  /** The start date as an instant (Amsterdam midnight), or null: no lower bound. */
  since: string | null;
  /** Take orders created before the first run along (the historical import). */
  importExisting: boolean;
  credits: boolean;
  /** How long a document that is only waiting (unpaid, status not selected) is re-checked. */
  horizonDays: number;
  /** Days between full sweeps. */
  sweepDays: number;
}

export function parseStatuses(value: number[] | string | undefined): number[] {
  const list = Array.isArray(value) ? value : String(value ?? "").split(",");
  const nums = [...new Set(list.map((v) => Number(String(v).trim())).filter((n) => Number.isInteger(n) && n >= 1 && n <= 14))];
  return nums.length ? nums.sort((a, b) => a - b) : ALL_STATUSES.filter((s) => s !== CANCELLED);
}

/** A positive whole number of days from a node setting, else `fallback`. */
export function parseDays(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The settings of a ccv-orders-in node, as the rules read them. */
export function dueSettings(def: { statuses?: number[] | string; paidOnly?: boolean; since?: string; importExisting?: boolean; credits?: boolean; horizonDays?: unknown; sweepDays?: unknown }): DueSettings {
  return {
    statuses: parseStatuses(def.statuses),
    paidOnly: def.paidOnly !== false,
    since: amsterdamMidnightUtc(def.since ?? ""),
    importExisting: def.importExisting !== false,
    credits: def.credits !== false,
    horizonDays: parseDays(def.horizonDays, DEFAULT_HORIZON_DAYS),
    sweepDays: parseDays(def.sweepDays, DEFAULT_SWEEP_DAYS),
  };
}

/** CCV filters on one status at a time: a query per selected status, or one for all (undefined) when most are selected. */
export function statusQueries(s: DueSettings): Array<number | undefined> {
  return s.statuses.length > MAX_STATUS_QUERIES ? [undefined] : s.statuses;
}

/**
 * The effective lower bound on `create_date`: the start date, and without historical import, the
 * first run — from the start of its second, because CCV gives `create_date` in whole seconds: an
 * order placed in the same second as the first run, after it, must not be left out for good.
 * Sets the first run's moment on the first call.
 */
export function startOf(s: DueSettings, ledger: LedgerState, now: Date): string | null {
  return effectiveStart(s, firstRunAt(ledger, now));
}

/** The effective lower bound on `create_date` (see startOf), given the first run's moment; reads nothing else. */
export function effectiveStart(s: DueSettings, firstRun: string): string | null {
  const first = new Date(Math.floor(Date.parse(firstRun) / 1000) * 1000).toISOString();
  if (s.importExisting) return s.since;
  if (!s.since) return first;
  return Date.parse(first) > Date.parse(s.since) ? first : s.since;
}

/** CCV's form of a bound: an ISO instant in whole seconds. */
function bound(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** One listing of orders: CCV's filters, and whether it moves the orders high-water mark. */
export interface OrderListing {
  query: { status: number | undefined; is_paid: true | undefined; min_create_date: string | undefined };
  /** The listing of new orders (not the one back to the oldest pending order): its orders move the marks. */
  marks: boolean;
}

/**
 * The order listings of a run, in order: the new orders, paid or not (an unpaid one is noted as
 * waiting), one per status query; then, if the plan says so, the orders back to the oldest pending
 * one (only the paid ones when paid orders are required: the others would only wait again).
 */
export function orderListings(plan: RunPlan, s: DueSettings): OrderListing[] {
  const listings: OrderListing[] = statusQueries(s).map((status) => ({ query: { status, is_paid: undefined, min_create_date: plan.ordersFrom }, marks: true }));
  if (plan.recheckFrom !== undefined) {
    const is_paid = s.paidOnly ? (true as const) : undefined;
    for (const status of statusQueries(s)) listings.push({ query: { status, is_paid, min_create_date: plan.recheckFrom }, marks: false });
  }
  return listings;
}

/** What a run lists and reads. Undefined bounds list everything. */
export interface RunPlan {
  full: boolean;
  /** The effective start (see startOf). */
  start: string | null;
  /** The orders listing (paid or not: an unpaid order is noted as waiting). */
  ordersFrom: string | undefined;
  /** A listing of paid orders (when paid orders are required) back to the oldest pending order, instead of reading each. */
  recheckFrom: string | undefined;
  invoicesFrom: string | undefined;
  cancellationsFrom: string | undefined;
  /** Pending documents read one by one: their listing does not reach back to them. */
  recheck: Array<{ key: LedgerKey; kind: LedgerKind; id: number }>;
  /** Documents that only waited (unpaid, status not selected) past the horizon: no longer re-checked. */
  expired: number;
}

/**
 * Plans a run and drops the pending documents that only waited past the horizon. A full sweep on
 * the first run, when the last one is `sweepDays` old, or when asked (`full`).
 */
export function planRun(ledger: LedgerState, s: DueSettings, now: Date, opts: { full?: boolean } = {}): RunPlan {
  const start = startOf(s, ledger, now);
  const base = start ? bound(Date.parse(start) - OVERLAP_MS) : undefined;
  const horizon = now.getTime() - s.horizonDays * DAY_MS;
  let expired = 0;
  for (const [key, p] of Object.entries(ledger.pending)) {
    if (!p.due && Date.parse(p.created) < horizon) {
      delete ledger.pending[key];
      expired++;
    }
  }
  const marks = ledger.runs.marks;
  const sweepAt = marks.fullSweepAt ? Date.parse(marks.fullSweepAt) : Number.NaN;
  const full = opts.full === true || Number.isNaN(sweepAt) || now.getTime() - sweepAt >= s.sweepDays * DAY_MS;
  if (full) return { full, start, ordersFrom: base, recheckFrom: undefined, invoicesFrom: base, cancellationsFrom: base, recheck: [], expired };

  const from = (mark: string | null) => later(base, mark ? bound(Date.parse(mark) - OVERLAP_MS) : undefined);
  const ordersFrom = from(marks.orders);
  let recheckFrom: string | undefined;
  const invoicesFrom = from(marks.invoices);
  const cancellationsFrom = later(base, bound(horizon - OVERLAP_MS));
  const covered = (created: string, listedFrom: string | undefined) => listedFrom === undefined || Date.parse(created) >= Date.parse(listedFrom);

  const recheck: RunPlan["recheck"] = [];
  const olderOrders: Array<{ key: LedgerKey; id: number; p: PendingEntry }> = [];
  for (const [key, p] of Object.entries(ledger.pending)) {
    const parsed = parseLedgerKey(key);
    if (!parsed) continue;
    const { kind, id } = parsed;
    const k = key as LedgerKey;
    if (kind === "order") {
      if (!covered(p.created, ordersFrom)) olderOrders.push({ key: k, id, p });
    } else if (kind === "credit" && creditStillWaits(ledger, p)) {
      // Nothing to read: it can only become due when its order is booked, which the ledger would show.
      continue;
    } else if (!covered(p.created, kind === "credit" ? invoicesFrom : cancellationsFrom)) {
      recheck.push({ key: k, kind, id });
    }
  }
  // The older pending orders: one call each, or the pages back to the oldest of them, whichever is fewer.
  const numbers = olderOrders.map((o) => o.p.ordernumber);
  if (olderOrders.length > 0 && numbers.every((n) => n != null) && marks.lastOrdernumber != null) {
    const oldestNumber = Math.min(...(numbers as number[]));
    const pages = Math.ceil((marks.lastOrdernumber - oldestNumber + 1) / PAGE) * statusQueries(s).length;
    if (pages < olderOrders.length) {
      const oldest = Math.min(...olderOrders.map((o) => Date.parse(o.p.created)));
      recheckFrom = bound(oldest - OVERLAP_MS);
      olderOrders.length = 0;
    }
  }
  for (const o of olderOrders) recheck.push({ key: o.key, kind: "order", id: o.id });
  return { full, start, ordersFrom, recheckFrom, invoicesFrom, cancellationsFrom, recheck, expired };
}

/** A credit invoice that waited for its order's booking, and its order is still not booked. */
function creditStillWaits(ledger: LedgerState, p: PendingEntry): boolean {
  return !p.due && p.ordernumber != null && bookedByNumber(ledger, "order", p.ordernumber).length === 0;
}

/** What a listed (or re-read) order is to the koppeling now. */
export type OrderVerdict = "due" | "booked" | "waiting" | "never";

/**
 * `due`: book it now. `booked`: the ledger has it. `waiting`: it may yet be due (not paid, not in
 * a selected status, checkout not completed). `never`: cancelled before it was booked (that is the
 * cancellation's business), or created before the start.
 */
export function orderVerdict(head: CcvOrderHead, ledger: LedgerState, s: DueSettings, start: string | null): OrderVerdict {
  if (findBooked(ledger, ledgerKey("order", head.id), head.ordernumber, head.create_date)) return "booked";
  return orderQualifies(head, s, start);
}

/**
 * What the order `head` is under the due settings alone, whatever the ledger holds (see
 * orderVerdict): `due` (it qualifies: completed, a selected status, paid if required, created
 * from `start`), `waiting` or `never`. The reconciliation (./reconcile-shop.ts) asks this too.
 */
export function orderQualifies(head: CcvOrderHead, s: DueSettings, start: string | null): Exclude<OrderVerdict, "booked"> {
  if (head.status === CANCELLED) return "never";
  if (start && Date.parse(head.create_date) < Date.parse(start)) return "never";
  if (head.is_completed === false || head.status == null || head.ordernumber == null) return "waiting";
  if (!s.statuses.includes(head.status)) return "waiting";
  if (s.paidOnly && !head.paid) return "waiting";
  return "due";
}

/**
 * What the invoice `head` is to the koppeling: not a credit invoice (null: debit invoices do not
 * matter); `due` with the original's invoice number (a credit invoice of an order booked here,
 * not booked itself, the order not credited by its cancellation); `waiting` (its order is not
 * booked yet: it may be, and then the credit follows); `settled` (booked, or credited otherwise).
 */
export function creditInvoiceVerdict(head: CcvInvoiceHead, ledger: LedgerState): { due: string; created?: string } | "waiting" | "settled" | null {
  if (head.type === "debit" || head.ordernumber == null) return null;
  if (findBooked(ledger, ledgerKey("credit", head.id), head.ordernumber, head.create_date)) return "settled";
  const original = bookedByNumber(ledger, "order", head.ordernumber)[0];
  if (!original) return "waiting";
  if (earlierCredit(ledger, "credit-invoice", head.ordernumber)) return "settled";
  return { due: original.entry.factuurnummer, ...(original.entry.created ? { created: original.entry.created } : {}) };
}

/**
 * The cancellation of order `head`, if it is due: the order is booked and not yet credited (by
 * its cancellation or a CCV credit invoice). Also when the ledger does not know it as booked but
 * it may be in SnelStart: a kill left an intent for it, or the order is older than the ledger (a
 * ledger lost, or new to a shop booked before) and was paid (or paid orders are not required).
 * Such a cancellation is unconfirmed: snelstart-invoice credits it only if SnelStart holds the
 * original, else records that there is nothing to credit, so it is checked once. An order younger
 * than the ledger without an intent was never posted: the journal records each intent before the
 * POST.
 */
export function cancellationDue(head: CcvOrderHead, ledger: LedgerState, s: DueSettings): { original: string | undefined; unconfirmed: boolean } | null {
  if (head.status !== CANCELLED || head.ordernumber == null) return null;
  if (findBooked(ledger, ledgerKey("cancel", head.id), head.ordernumber, head.create_date) || earlierCredit(ledger, "cancellation", head.ordernumber)) return null;
  const booked = findBooked(ledger, ledgerKey("order", head.id), head.ordernumber, head.create_date);
  if (booked) return { original: booked.factuurnummer, unconfirmed: false };
  const intent = intentOf(ledger, ledgerKey("order", head.id));
  const olderThanLedger = ledger.runs.firstRunAt != null && Date.parse(head.create_date) < Date.parse(ledger.runs.firstRunAt);
  if (!intent && (!olderThanLedger || (s.paidOnly && !head.paid))) return null;
  return { original: intent?.factuurnummer, unconfirmed: true };
}

/**
 * Records what a run found for a listed or re-read document: due or waiting (within the horizon)
 * stays pending; booked, never due, or waiting past the horizon is no longer pending, and its
 * failure (if any) is forgotten. Writes only what changed.
 */
export function notePending(ledger: LedgerState, key: LedgerKey, doc: { ordernumber: number | null; created: string }, state: "due" | "waiting" | "settled", now: Date, s: DueSettings): void {
  const pending = ledger.pending[key];
  const keep = state === "due" || (state === "waiting" && Date.parse(doc.created) >= now.getTime() - s.horizonDays * DAY_MS);
  if (!keep) {
    if (pending) delete ledger.pending[key];
    if (state === "settled") clearFailure(ledger, key);
    return;
  }
  const due = state === "due";
  if (!pending || pending.due !== due || pending.created !== doc.created || pending.ordernumber !== doc.ordernumber) {
    // The relatie created for it (sync-ledger DocumentRelatie) stays with it.
    ledger.pending[key] = { ordernumber: doc.ordernumber, created: doc.created, due, ...(pending?.relatie ? { relatie: pending.relatie } : {}) };
  }
}

/** The latest `create_date` and order number a run's listings saw: the high-water marks to be. */
export class ListingMarks {
  orders: string | null = null;
  invoices: string | null = null;
  lastOrdernumber: number | null = null;

  order(head: { create_date: string; ordernumber: number | null }): void {
    if (this.orders === null || Date.parse(head.create_date) > Date.parse(this.orders)) this.orders = head.create_date;
    if (head.ordernumber != null && (this.lastOrdernumber === null || head.ordernumber > this.lastOrdernumber)) this.lastOrdernumber = head.ordernumber;
  }

  invoice(created: string): void {
    if (this.invoices === null || Date.parse(created) > Date.parse(this.invoices)) this.invoices = created;
  }
}

/** Moves the high-water marks after a run whose listings all completed (never backwards). */
export function advanceMarks(ledger: LedgerState, plan: RunPlan, seen: ListingMarks, now: Date): SyncMarks {
  const m = ledger.runs.marks;
  const max = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b);
  const marks: SyncMarks = {
    orders: max(m.orders, seen.orders),
    invoices: max(m.invoices, seen.invoices),
    lastOrdernumber: m.lastOrdernumber === null ? seen.lastOrdernumber : Math.max(m.lastOrdernumber, seen.lastOrdernumber ?? m.lastOrdernumber),
    fullSweepAt: plan.full ? now.toISOString() : m.fullSweepAt,
  };
  ledger.runs = { ...ledger.runs, marks };
  return marks;
}

// ---------------------------------------------------------------------------------------------
// what a run found: each listed or re-read document, due or not, its pending state noted

const KEY_KIND = { order: "order", cancellation: "cancel", "credit-invoice": "credit" } as const;

/** The ledger key of a document of `kind` with CCV id `id` (an order id; for a credit invoice, the invoice id). */
export function dueKey(kind: DocumentKind, id: number): LedgerKey {
  return ledgerKey(KEY_KIND[kind], id);
}

/**
 * A document that is due, before its rows are fetched: the order or invoice, or, when it does
 * not fit the schema, the error that names it (it fails alone; the run goes on).
 */
export interface DueDocument {
  kind: DocumentKind;
  /** null only for a document whose id could not be read (nothing to record it under). */
  key: LedgerKey | null;
  /** The CCV id (0 when unreadable). */
  id: number;
  ordernumber: number | null;
  /** The SnelStart invoice number of the original (cancellations and credit invoices). */
  originalFactuurnummer?: string;
  /** A cancellation of an order the ledger does not know as booked: credited only if SnelStart holds it. */
  unconfirmed?: boolean;
  /** A credit invoice: its order's `create_date`, when the ledger keeps it (its VAT rules apply). */
  originalCreated?: string;
  doc: { order: CcvOrder } | { invoice: CcvInvoice } | { error: KoppelingError };
}

/** A due document of `kind` from a check: the document itself, or its failure. */
export function dueDocument(kind: DocumentKind, c: Checked<CcvOrder | CcvInvoice, unknown>, id: number | null, ordernumber: number | null, originalFactuurnummer?: string): DueDocument {
  const doc: DueDocument["doc"] = !c.ok ? { error: c.error } : kind === "credit-invoice" ? { invoice: c.value as CcvInvoice } : { order: c.value as CcvOrder };
  return { kind, key: id == null ? null : dueKey(kind, id), id: id ?? 0, ordernumber, originalFactuurnummer, doc };
}

/** The fields that decide whether a document is due: of the whole document, or of what could be read of it. */
export function headOf<H>(c: Checked<H, H>): H | null {
  return c.ok ? c.value : c.head;
}

/**
 * The listed or re-read order `c` (CCV id `id`): due as an order, or (`cancellations`: read by
 * id, not listed — a listing's cancellations come after its credit invoices, which win) as a
 * cancellation, or nothing; its pending state noted in `ledger`. An order whose head cannot be
 * read is due as its failure.
 */
export function orderFound(c: Checked<CcvOrder, CcvOrderHead>, id: number, s: DueSettings, ledger: LedgerState, start: string | null, now: Date, cancellations: boolean): DueDocument | null {
  const head = headOf(c);
  if (!head) return dueDocument("order", c, id, null);
  const verdict = orderVerdict(head, ledger, s, start);
  const doc = { ordernumber: head.ordernumber, created: head.create_date };
  notePending(ledger, ledgerKey("order", head.id), doc, verdict === "due" ? "due" : verdict === "waiting" ? "waiting" : "settled", now, s);
  if (verdict === "due") return dueDocument("order", c, head.id, head.ordernumber);
  return cancellations && s.credits && head.status === CANCELLED ? cancellationFound(c, head, s, ledger, now) : null;
}

/** The cancelled order `c` (its head `head`): its cancellation when due (see cancellationDue), its pending state noted. */
export function cancellationFound(c: Checked<CcvOrder, CcvOrderHead>, head: CcvOrderHead, s: DueSettings, ledger: LedgerState, now: Date): DueDocument | null {
  const d = cancellationDue(head, ledger, s);
  const key = ledgerKey("cancel", head.id);
  notePending(ledger, key, { ordernumber: head.ordernumber, created: head.create_date }, d ? "due" : "settled", now, s);
  return d ? { ...dueDocument("cancellation", c, head.id, head.ordernumber, d.original), ...(d.unconfirmed ? { unconfirmed: true } : {}) } : null;
}

/** The listed or re-read invoice `c`: due when it is a credit invoice to book now (see creditInvoiceVerdict), its pending state noted. */
export function creditInvoiceFound(c: Checked<CcvInvoice, CcvInvoiceHead>, s: DueSettings, ledger: LedgerState, now: Date): DueDocument | null {
  const head = headOf(c);
  if (!head) return null;
  const verdict = creditInvoiceVerdict(head, ledger);
  if (verdict === null) return null;
  const due = typeof verdict === "object";
  notePending(ledger, ledgerKey("credit", head.id), { ordernumber: head.ordernumber, created: head.create_date ?? now.toISOString() }, due ? "due" : verdict, now, s);
  return due ? { ...dueDocument("credit-invoice", c, head.id, head.ordernumber, verdict.due), ...(verdict.created ? { originalCreated: verdict.created } : {}) } : null;
}

/**
 * A pending document that could not be re-read (`code`; not a failure that ends the run): gone
 * from the shop (`CCV_NOT_FOUND`, deleted) it is settled, as nothing will ever be due; anything
 * else fails this document alone (recorded at `now`), and it stays pending.
 */
export function recheckFailed(ledger: LedgerState, key: LedgerKey, code: string, runId: string, s: DueSettings, runAt: Date, now: Date): void {
  if (code === "CCV_NOT_FOUND") notePending(ledger, key, { ordernumber: null, created: runAt.toISOString() }, "settled", runAt, s);
  else recordFailure(ledger, key, { ordernumber: ledger.pending[key]?.ordernumber ?? null, stage: "ccv-orders-in", code, runId }, now);
}

/** A `retry` of order `id` after a manual check: its failures (also "outcome unknown") and its cancellation's are forgotten. */
export function forgetFailures(ledger: LedgerState, id: number): void {
  for (const key of [ledgerKey("order", id), ledgerKey("cancel", id)]) clearFailure(ledger, key);
}

/**
 * What one run has seen so far, for the rules that look across its documents: an order listed
 * twice (by two listings, or listed and pending) is taken once; a CCV credit invoice of an order
 * this run found due waits until that order is through the flow (booked), so it is judged against
 * the booking; a cancellation of an order whose credit invoice this run found due is left alone
 * (the credit invoice wins); and the high-water marks to be.
 */
export class RunSightings {
  readonly marks = new ListingMarks();
  private readonly orders = new Set<number>();
  private readonly dueOrders = new Set<number>();
  private readonly credited = new Set<number>();

  /** Whether CCV order `id` is seen for the first time in this run (listed or read); notes it. */
  firstSight(id: number): boolean {
    if (this.orders.has(id)) return false;
    this.orders.add(id);
    return true;
  }

  /** Whether CCV order `id` was listed in this run. */
  listed(id: number): boolean {
    return this.orders.has(id);
  }

  /** Notes a document this run found due. */
  due(d: DueDocument): void {
    if (d.ordernumber == null) return;
    if (d.kind === "order") this.dueOrders.add(d.ordernumber);
    if (d.kind === "credit-invoice") this.credited.add(d.ordernumber);
  }

  /** A credit invoice of an order this run found due: judged only once the run's messages are through the flow. */
  waitsForOrder(head: CcvInvoiceHead | null): boolean {
    return head?.type === "credit" && head.ordernumber != null && this.dueOrders.has(head.ordernumber);
  }

  /** Whether this run found a CCV credit invoice of order number `ordernumber` due (its cancellation is then not). */
  creditedThisRun(ordernumber: number): boolean {
    return this.credited.has(ordernumber);
  }
}
