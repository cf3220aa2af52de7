/**
 * The shop's side of the reconciliation (./reconcile.ts): from the CCV orders and invoices of a
 * period, what the koppeling books for them — which orders are due (the rules of ./due.ts), under
 * which invoice number (./invoice-number.ts, the VAT mapping's rule) and for which amount (what
 * ./booking.ts books as `factuurbedrag`: CCV's `total_price`, the balance of every booking; 0 %
 * for ICP and export is simply what the shop charged), the cancellations and the CCV credit
 * invoices. Pure: the controller (../controllers/reconcile.ts) fetches and feeds the documents in.
 *
 * A period is a range of Amsterdam calendar days [from, to), e.g. a month: the invoice date the
 * koppeling books is the Amsterdam date of the document's `create_date`, and SnelStart's
 * `factuurDatum` is compared with the same days.
 */
import type { Checked } from "../ccv/check";
import { type CcvInvoice, type CcvInvoiceHead, type CcvOrder, type CcvOrderHead, idFromLink } from "../ccv/schemas";
import { KoppelingError, isKoppelingError } from "../errors";
import { orderFactuurnummer } from "./booking";
import { amsterdamDate, amsterdamDateOfMs, amsterdamMidnightUtc } from "./dates";
import { CANCELLED, type DueSettings, headOf, orderQualifies } from "./due";
import { creditInvoiceSource, orderSource } from "./input";
import { creditNumber, followsFromOrdernumber, invoiceNumber, invoiceNumberOfOrdernumber } from "./invoice-number";
import type { Mapping } from "./mapping";
import type { ShopCancellation, ShopDocument } from "./reconcile";

/** Amsterdam calendar days `yyyy-MM-dd`, from `from` up to, not including, `to`. */
export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest period: a year (a leap year has 366 days). */
const MAX_PERIOD_DAYS = 366;

function periodError(message: string, details: Record<string, unknown> = {}): KoppelingError {
  return new KoppelingError("RECONCILE_PERIOD", message, details);
}

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function isDay(v: unknown): v is string {
  return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && amsterdamMidnightUtc(v) !== null;
}

/** The month `yyyy-MM` as a period. */
export function monthPeriod(month: string): Period {
  const m = /^(\d{4})-(\d{2})$/.exec(month.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw periodError(`"${month}" is not a month; give it as yyyy-MM, e.g. 2025-03`, { month });
  const next = Number(m[2]) === 12 ? `${Number(m[1]) + 1}-01` : `${m[1]}-${String(Number(m[2]) + 1).padStart(2, "0")}`;
  return { from: `${m[1]}-${m[2]}-01`, to: `${next}-01` };
}

/** The calendar month before the one `now` is in (in Amsterdam). */
export function lastMonth(now: Date): Period {
  const today = amsterdamDateOfMs(now.getTime());
  const [y, mo] = today.split("-").map(Number);
  return monthPeriod(mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, "0")}`);
}

/**
 * The period a message or request asks for: `{month: "2025-03"}` (or just `"2025-03"`),
 * `{from: "2025-03-01", to: "2025-04-01"}` (`to` not included), or nothing: last month.
 * RECONCILE_PERIOD for anything else, or a period of no days or of more than a year.
 */
export function parsePeriod(input: unknown, now: Date): Period {
  if (input === undefined || input === null || input === "") return lastMonth(now);
  if (typeof input === "string") return monthPeriod(input);
  if (typeof input !== "object" || Array.isArray(input)) throw periodError("The period is {month: \"yyyy-MM\"} or {from: \"yyyy-MM-dd\", to: \"yyyy-MM-dd\"}");
  const o = input as Record<string, unknown>;
  const has = (k: string) => o[k] !== undefined && o[k] !== null && o[k] !== "";
  if (has("month")) {
    if (has("from") || has("to")) throw periodError("Give either month or from and to, not both");
    if (typeof o.month !== "string") throw periodError("month is a text yyyy-MM, e.g. 2025-03");
    return monthPeriod(o.month);
  }
  if (!has("from") && !has("to")) return lastMonth(now);
  if (!isDay(o.from) || !isDay(o.to)) throw periodError("from and to are both days yyyy-MM-dd (to is not included: a month is from 2025-03-01 to 2025-04-01)", { from: o.from, to: o.to });
  const days = (dayMs(o.to) - dayMs(o.from)) / DAY_MS;
  if (days < 1) throw periodError(`The period from ${o.from} to ${o.to} has no days: to comes after from and is not included`, { from: o.from, to: o.to });
  if (days > MAX_PERIOD_DAYS) throw periodError(`The period from ${o.from} to ${o.to} is longer than a year; reconcile it a year or a quarter at a time`, { from: o.from, to: o.to });
  return { from: o.from, to: o.to };
}

/** `2025-03` for a whole month, else `2025-03-01..2025-03-31` (the last day included). */
export function periodLabel(p: Period): string {
  const month = p.from.slice(0, 7);
  if (p.from.endsWith("-01") && monthPeriod(month).to === p.to) return month;
  return `${p.from}..${new Date(dayMs(p.to) - DAY_MS).toISOString().slice(0, 10)}`;
}

/** Whether the UTC instant `createDate` falls on one of the period's days in Amsterdam. */
export function inPeriod(createDate: string, p: Period): boolean {
  let day: string;
  try {
    day = amsterdamDate(createDate);
  } catch {
    return false;
  }
  return day >= p.from && day < p.to;
}

/**
 * The `create_date` bounds of the CCV listings: the period's instants widened by a day on each
 * side (the time zone CCV applies to its filters is UNCERTAIN,
 * docs/reference/ccvshop-api.md#order-list-filters); `inPeriod` decides.
 */
export function listingBounds(p: Period): { min: Date; max: Date } {
  return { min: new Date(Date.parse(amsterdamMidnightUtc(p.from) as string) - DAY_MS), max: new Date(Date.parse(amsterdamMidnightUtc(p.to) as string) + DAY_MS) };
}

function codeOf(err: unknown): string {
  if (isKoppelingError(err)) return err.code;
  throw err;
}

/** A credit invoice of the period, waiting for the order it credits (for that order's invoice number). */
interface PendingCredit {
  head: CcvInvoiceHead & { ordernumber: number };
  invoice: CcvInvoice | null;
  orderId: number | null;
  note?: string;
}

/**
 * Collects the shop's side of one period: feed it the listed orders (`order`), the listed
 * invoices (`invoice`) and the orders the credit invoices point at that were not listed
 * (`ordersToRead`, then `originalOrder`); `result` gives the documents and cancellations.
 */
export class ShopSide {
  private readonly docs: ShopDocument[] = [];
  private readonly cancelled: ShopCancellation[] = [];
  private readonly orders = new Map<number, CcvOrder>();
  private readonly credits: PendingCredit[] = [];

  /** `start`: the effective start of the due rules (./due.ts effectiveStart). */
  constructor(
    private readonly mapping: Mapping,
    private readonly settings: DueSettings,
    private readonly start: string | null,
    readonly period: Period,
  ) {}

  /** A listed order: due in the period (an invoice), cancelled (its cancellation), or nothing. */
  order(c: Checked<CcvOrder, CcvOrderHead>): void {
    if (c.ok) this.orders.set(c.value.id, c.value);
    const head = headOf(c);
    if (!head || head.ordernumber == null || !inPeriod(head.create_date, this.period)) return;
    const ordernumber = head.ordernumber;
    if (head.status === CANCELLED) {
      if (c.ok) this.cancellation(c.value, ordernumber);
      return;
    }
    if (orderQualifies(head, this.settings, this.start) !== "due") return;
    if (!c.ok) {
      this.docs.push({ kind: "invoice", factuurnummer: this.numberFromHead(head) ?? "", ordernumber, amountCents: null, note: c.error.code });
      return;
    }
    try {
      const src = orderSource({ order: c.value, rows: [] });
      this.docs.push({ kind: "invoice", factuurnummer: orderFactuurnummer(src, this.mapping), ordernumber, amountCents: src.totalPriceCents });
    } catch (err) {
      this.docs.push({ kind: "invoice", factuurnummer: this.numberFromHead(head) ?? "", ordernumber, amountCents: null, note: codeOf(err) });
    }
  }

  /** A listed invoice: a CCV credit invoice dated in the period, when credit notes are booked. */
  invoice(c: Checked<CcvInvoice, CcvInvoiceHead>): void {
    const head = headOf(c);
    if (!this.settings.credits || !head || head.type !== "credit" || head.ordernumber == null || !head.create_date || !inPeriod(head.create_date, this.period)) return;
    const credit: PendingCredit = { head: { ...head, ordernumber: head.ordernumber }, invoice: c.ok ? c.value : null, orderId: c.ok ? idFromLink(c.value.order, "orders") : null };
    if (!c.ok) credit.note = c.error.code;
    this.credits.push(credit);
  }

  /** The CCV ids of the orders the period's credit invoices credit that were not listed with the period's orders. */
  ordersToRead(): number[] {
    if (followsFromOrdernumber(this.mapping.invoiceNumber)) return [];
    return [...new Set(this.credits.map((c) => c.orderId).filter((id): id is number => id !== null && !this.orders.has(id)))];
  }

  /** An order read for a credit invoice (it fails: the credit note cannot be numbered). */
  originalOrder(c: Checked<CcvOrder, CcvOrderHead>): void {
    if (c.ok) this.orders.set(c.value.id, c.value);
  }

  result(): { shop: ShopDocument[]; cancelled: ShopCancellation[] } {
    return { shop: [...this.docs, ...this.credits.map((c) => this.creditDocument(c))], cancelled: [...this.cancelled] };
  }

  private cancellation(order: CcvOrder, ordernumber: number): void {
    try {
      const src = orderSource({ order, rows: [] });
      const factuurnummer = orderFactuurnummer(src, this.mapping);
      this.cancelled.push({ ordernumber, factuurnummer, creditFactuurnummer: creditNumber(this.mapping.invoiceNumber, factuurnummer), amountCents: src.totalPriceCents });
    } catch (err) {
      // Not numbered (no CCV invoice number): the koppeling could not have booked it either.
      codeOf(err);
    }
  }

  /** The invoice number from an order's head: only when numbering by order number (the head has no CCV invoice number). */
  private numberFromHead(head: CcvOrderHead): string | null {
    const rule = this.mapping.invoiceNumber;
    if (rule.source !== "ordernumber" || head.ordernumber == null) return null;
    try {
      return invoiceNumber(rule, head.ordernumber, head.create_date);
    } catch {
      return null;
    }
  }

  /** The original's invoice number, by the rule mapCreditInvoice numbers the credit note with. */
  private originalOf(c: PendingCredit): string {
    const byNumber = invoiceNumberOfOrdernumber(this.mapping.invoiceNumber, c.head.ordernumber);
    if (byNumber !== null) return byNumber;
    const order = c.orderId === null ? undefined : this.orders.get(c.orderId);
    if (!order) {
      throw new KoppelingError("ORIGINAL_INVOICE_MISSING", `The order of credit invoice ${c.head.id} could not be read, so its invoice number is not known.`, { ordernumber: c.head.ordernumber });
    }
    return orderFactuurnummer(orderSource({ order, rows: [] }), this.mapping);
  }

  private creditDocument(c: PendingCredit): ShopDocument {
    const rule = this.mapping.invoiceNumber;
    const ordernumber = c.head.ordernumber;
    let original: string;
    try {
      original = this.originalOf(c);
    } catch (err) {
      return { kind: "credit", factuurnummer: "", ordernumber, amountCents: null, note: codeOf(err) };
    }
    const coveredBy = creditNumber(rule, original);
    if (!c.invoice) return { kind: "credit", factuurnummer: "", ordernumber, amountCents: null, original, coveredBy, note: c.note };
    try {
      const src = creditInvoiceSource({ invoice: c.invoice, rows: [] });
      return { kind: "credit", factuurnummer: creditNumber(rule, original, src.invoicenumber), ordernumber, amountCents: -src.totalPriceCents, original, coveredBy };
    } catch (err) {
      return { kind: "credit", factuurnummer: "", ordernumber, amountCents: null, original, coveredBy, note: codeOf(err) };
    }
  }
}
