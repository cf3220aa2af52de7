/**
 * SnelStart `factuurnummer`s: deterministic from the CCV document so a retry finds the same
 * booking (BOE-0021 = already booked), unique across the administration, at most 25 characters.
 *
 *   invoice      [prefix][year]N          N = CCV order number (default) or CCV invoice number,
 *                                         year = year of the order date in Amsterdam (optional)
 *   cancellation [creditPrefix]<original>  e.g. C202310330 (one per order)
 *   credit inv.  [creditPrefix]<original>-<CCV credit invoice number>, e.g. C202310330-57, so a
 *                second partial refund of the same order gets its own number instead of being
 *                taken for the first (BOE-0021 would make us adopt the first and lose it).
 */
import { KoppelingError } from "../errors";
import { amsterdamDate } from "./dates";
import type { InvoiceNumberRule } from "./mapping";

/** SnelStart's limit on `factuurnummer` (BOE-0058). */
export const MAX_INVOICE_NUMBER_LENGTH = 25;

function checked(nr: string, what: string): string {
  if (nr.length > MAX_INVOICE_NUMBER_LENGTH) {
    throw new KoppelingError(
      "INVOICE_NUMBER_TOO_LONG",
      `The invoice number ${nr} for ${what} has ${nr.length} characters; SnelStart allows ${MAX_INVOICE_NUMBER_LENGTH}. Shorten the invoice number prefix in the VAT mapping.`,
      { factuurnummer: nr, length: nr.length, max: MAX_INVOICE_NUMBER_LENGTH },
    );
  }
  return nr;
}

/** The year prefix comes from a `yyyy-MM-dd` Amsterdam date. */
export function invoiceNumberOnDate(rule: Pick<InvoiceNumberRule, "yearPrefix" | "prefix">, number: number, amsterdamDay: string, what = `number ${number}`): string {
  return checked(`${rule.prefix ?? ""}${rule.yearPrefix ? amsterdamDay.slice(0, 4) : ""}${number}`, what);
}

/** `[prefix][year]number`, the year being that of `createDateUtc` in Amsterdam (order 10330 of 2023 -> `202310330`). */
export function invoiceNumber(rule: Pick<InvoiceNumberRule, "yearPrefix" | "prefix">, number: number, createDateUtc: string): string {
  return invoiceNumberOnDate(rule, number, amsterdamDate(createDateUtc));
}

/** Numbering by order number without a year: an order's invoice number follows from its CCV order number alone. */
export function followsFromOrdernumber(rule: Pick<InvoiceNumberRule, "source" | "yearPrefix">): boolean {
  return rule.source === "ordernumber" && !rule.yearPrefix;
}

/**
 * The invoice number of the order with CCV order number `ordernumber` when it follows from that
 * number alone (`followsFromOrdernumber`); null when the order itself is needed (its date or its
 * CCV invoice number). A credit invoice names its original by it.
 */
export function invoiceNumberOfOrdernumber(rule: Pick<InvoiceNumberRule, "source" | "yearPrefix" | "prefix">, ordernumber: number | null, what?: string): string | null {
  // Without a year prefix the date plays no part.
  return followsFromOrdernumber(rule) && ordernumber !== null ? invoiceNumberOnDate(rule, ordernumber, "", what) : null;
}

/** The credit-note number: `[creditPrefix]<original>` plus `-<CCV credit invoice number>` for a credit invoice. */
export function creditNumber(rule: Pick<InvoiceNumberRule, "creditPrefix">, original: string, creditInvoiceNumber?: number | null, what = `the credit note of ${original}`): string {
  const suffix = creditInvoiceNumber == null ? "" : `-${creditInvoiceNumber}`;
  return checked(`${rule.creditPrefix}${original}${suffix}`, what);
}

/**
 * Whether a SnelStart invoice number follows this rule's numbering: `[prefix][year]N` or
 * `[creditPrefix][prefix][year]N[-M]`. The bookkeeper's own invoices usually do not (unless the
 * rule has no prefix and they number with digits only).
 */
export function followsNumbering(rule: Pick<InvoiceNumberRule, "prefix" | "yearPrefix" | "creditPrefix">): (factuurnummer: string) => boolean {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const base = `${esc(rule.prefix ?? "")}${rule.yearPrefix ? "\\d{4}" : ""}\\d+`;
  const re = new RegExp(`^(?:${base}|${esc(rule.creditPrefix)}${base}(?:-\\d+)?)$`);
  return (nr) => re.test(nr);
}
