/**
 * Reconciliation ("controle"): for a period, what the shop says was due against what SnelStart
 * holds, so a bookkeeper can close a month or a VAT quarter with evidence. Pure: the caller lists
 * the shop's documents (with their expected invoice numbers and amounts, ./reconcile-shop.ts) and
 * SnelStart's verkoopfacturen of the period, and looks up by number what the period's list lacks
 * (`lookupsNeeded`); this compares them by invoice number and amount.
 *
 * Findings, one line per document:
 * - `equal`              in both, same amount;
 * - `missing`            due in the shop, not in SnelStart;
 * - `amount-differs`     in both, another amount (changed by hand in SnelStart?);
 * - `cancelled-in-shop`  an invoice in SnelStart whose order the shop cancelled, with no credit note;
 * - `credit-missing`     a credit note due in the shop (a CCV credit invoice), not in SnelStart;
 * - `not-in-shop`        in SnelStart under this koppeling's numbering, but not due in the shop;
 * - `duplicate`          one invoice number more than once in SnelStart.
 * SnelStart's invoices that do not follow this koppeling's numbering (the bookkeeper's own) are
 * left out. A document dated outside the period (a March order credited in April) is found by
 * its number and settles what the shop expects; it is never `not-in-shop` or `duplicate` here.
 *
 * Credit notes, as the koppeling books them (docs/design.md "Credit notes"): an order is
 * credited either by its cancellation (`C<original>`) or by its CCV credit invoices
 * (`C<original>-<n>`), never both, whichever came first. So a cancelled order is settled by
 * either, and a CCV credit invoice is settled by its own credit note or by the cancellation's
 * (`coveredBy`). A credit note is due only when what it credits is in SnelStart (or due: then
 * both are reported); a credit of an order that was never booked needs nothing.
 */
import { centsToEuros } from "./money";

export const FINDINGS = ["equal", "missing", "amount-differs", "cancelled-in-shop", "credit-missing", "not-in-shop", "duplicate"] as const;
export type Finding = (typeof FINDINGS)[number];

/** A document the shop says was due in the period, with the invoice number it is booked under. */
export interface ShopDocument {
  /** `invoice`: an order; `credit`: a CCV credit invoice. */
  kind: "invoice" | "credit";
  /** "" when it cannot be numbered (`note` says why): then always `missing` / `credit-missing`. */
  factuurnummer: string;
  ordernumber: number;
  /** Including VAT, as the koppeling books it (negative for a credit note); null when CCV's document could not be read (only its presence is compared). */
  amountCents: number | null;
  /** A credit note: the invoice number of the order it credits. */
  original?: string;
  /** A credit note: the cancellation's credit note of the same order, which credits it in full (the koppeling then books no other). */
  coveredBy?: string;
  /** Why the document could not be read or numbered as the koppeling would (an error code). */
  note?: string;
}

/** An order the shop cancelled: its invoice, if SnelStart holds it, needs the credit note `creditFactuurnummer`. */
export interface ShopCancellation {
  ordernumber: number;
  factuurnummer: string;
  creditFactuurnummer: string;
  /** The order's total as the koppeling books it; without it the invoice SnelStart holds is taken as it is. */
  amountCents?: number;
  /** The credit notes the order's CCV credit invoices get: any of them in SnelStart credits the order instead. */
  creditInvoiceNumbers?: readonly string[];
}

/** A verkoopfactuur in SnelStart. */
export interface HeldInvoice {
  factuurnummer: string;
  amountCents: number;
  snelstartId: string;
  /** `yyyy-MM-dd`, for the note on a document dated outside the period. */
  factuurdatum?: string;
}

export interface ReconcileLine {
  finding: Finding;
  factuurnummer: string;
  ordernumber: number | null;
  shopCents: number | null;
  snelstartCents: number | null;
  snelstartId: string | null;
  /** Dated outside the period, credited by another credit note, or why the shop's document could not be read. */
  note: string | null;
}

export interface Reconciliation {
  lines: ReconcileLine[];
  counts: Record<Finding, number>;
}

export interface ReconcileInput {
  shop: readonly ShopDocument[];
  cancelled: readonly ShopCancellation[];
  /** SnelStart's verkoopfacturen dated in the period. */
  held: readonly HeldInvoice[];
  /** Verkoopfacturen looked up by number (`lookupsNeeded`) that the period's list lacks. */
  found?: readonly HeldInvoice[];
  /** Whether an invoice number follows this koppeling's numbering (only those can be `not-in-shop`). */
  isOurs: (factuurnummer: string) => boolean;
}

/** The findings that need a person; `equal` does not. */
export function needsAttention(line: ReconcileLine): boolean {
  return line.finding !== "equal";
}

function byNumber(held: readonly HeldInvoice[]): Map<string, HeldInvoice[]> {
  const map = new Map<string, HeldInvoice[]>();
  for (const h of held) {
    const same = map.get(h.factuurnummer);
    if (same) same.push(h);
    else map.set(h.factuurnummer, [h]);
  }
  return map;
}

/** Credit notes of the period's CCV credit invoices, by the invoice number they credit. */
function creditsByOriginal(shop: readonly ShopDocument[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const d of shop) {
    if (d.kind !== "credit" || !d.original || !d.factuurnummer) continue;
    map.set(d.original, [...(map.get(d.original) ?? []), d.factuurnummer]);
  }
  return map;
}

/**
 * The cancelled orders whose invoice SnelStart holds in the period with no credit note in the
 * period (neither the cancellation's nor one of the period's CCV credit invoices): their CCV
 * credit invoices of any date are to be read (`creditInvoiceNumbers`) before they are judged.
 */
export function cancellationsToCheck(input: Pick<ReconcileInput, "shop" | "cancelled" | "held">): ShopCancellation[] {
  const held = byNumber(input.held);
  const credits = creditsByOriginal(input.shop);
  return input.cancelled.filter(
    (c) => held.has(c.factuurnummer) && !held.has(c.creditFactuurnummer) && !(credits.get(c.factuurnummer) ?? []).some((nr) => held.has(nr)),
  );
}

/**
 * The invoice numbers to look up one by one before judging: what the shop expects and the
 * period's list lacks (it may be dated outside the period), and what would settle it otherwise
 * (the invoice a credit note credits, the cancellation's credit note).
 */
export function lookupsNeeded(input: Pick<ReconcileInput, "shop" | "cancelled" | "held">): string[] {
  const held = byNumber(input.held);
  const dueInvoices = new Set(input.shop.filter((d) => d.kind === "invoice").map((d) => d.factuurnummer));
  const wanted = new Set<string>();
  const want = (nr: string | undefined) => {
    if (nr && !held.has(nr)) wanted.add(nr);
  };
  for (const d of input.shop) {
    if (!d.factuurnummer || held.has(d.factuurnummer)) continue;
    want(d.factuurnummer);
    if (d.kind === "credit") {
      if (d.original && !dueInvoices.has(d.original)) want(d.original);
      want(d.coveredBy);
    }
  }
  for (const c of input.cancelled) {
    if (!held.has(c.factuurnummer)) continue;
    want(c.creditFactuurnummer);
    for (const nr of c.creditInvoiceNumbers ?? []) want(nr);
  }
  return [...wanted];
}

export function reconcile(input: ReconcileInput): Reconciliation {
  const inPeriod = byNumber(input.held);
  const found = new Map<string, HeldInvoice>();
  for (const h of input.found ?? []) if (!found.has(h.factuurnummer)) found.set(h.factuurnummer, h);
  const get = (nr: string | undefined): HeldInvoice | undefined => (nr ? (inPeriod.get(nr)?.[0] ?? found.get(nr)) : undefined);
  const outside = (h: HeldInvoice | undefined) => (h && !inPeriod.has(h.factuurnummer) ? `dated ${h.factuurdatum ?? "?"}, outside the period` : null);
  const dueInvoices = new Set(input.shop.filter((d) => d.kind === "invoice" && d.factuurnummer).map((d) => d.factuurnummer));
  const credits = creditsByOriginal(input.shop);

  const lines: ReconcileLine[] = [];
  const seen = new Set<string>();
  const line = (finding: Finding, nr: string, ordernumber: number | null, shopCents: number | null, h: HeldInvoice | undefined, note: string | null = outside(h), snelstartCents = h?.amountCents ?? null) =>
    lines.push({ finding, factuurnummer: nr, ordernumber, shopCents, snelstartCents, snelstartId: h?.snelstartId ?? null, note });
  const compare = (shopCents: number | null, h: HeldInvoice): Finding => (shopCents === null || shopCents === h.amountCents ? "equal" : "amount-differs");

  for (const d of input.shop) {
    if (d.factuurnummer) {
      if (seen.has(d.factuurnummer)) continue;
      seen.add(d.factuurnummer);
    }
    const note = d.note ?? null;
    const h = get(d.factuurnummer);
    if (h) {
      line(compare(d.amountCents, h), d.factuurnummer, d.ordernumber, d.amountCents, h, note ?? outside(h));
      continue;
    }
    if (d.kind === "invoice") {
      line("missing", d.factuurnummer, d.ordernumber, d.amountCents, undefined, note);
      continue;
    }
    const cover = get(d.coveredBy);
    if (cover && d.coveredBy) {
      seen.add(d.coveredBy);
      line("equal", d.factuurnummer, d.ordernumber, d.amountCents, cover, `credited in full by ${d.coveredBy}`, null);
      continue;
    }
    // A credit of an order never booked (and not due now) needs nothing in SnelStart.
    if (!d.original || get(d.original) || dueInvoices.has(d.original)) line("credit-missing", d.factuurnummer, d.ordernumber, d.amountCents, undefined, note);
  }

  for (const c of input.cancelled) {
    const invoice = get(c.factuurnummer);
    if (!invoice || seen.has(c.factuurnummer)) continue;
    seen.add(c.factuurnummer);
    seen.add(c.creditFactuurnummer);
    const amount = c.amountCents ?? invoice.amountCents;
    const invoiceFinding = compare(amount, invoice);
    const credit = get(c.creditFactuurnummer);
    if (credit) {
      // Both booked: the order and its credit note cancel out in SnelStart, as they do in the shop.
      line(invoiceFinding, c.factuurnummer, c.ordernumber, amount, invoice);
      line(compare(-amount, credit), c.creditFactuurnummer, c.ordernumber, -amount, credit);
      continue;
    }
    const by = [...(credits.get(c.factuurnummer) ?? []), ...(c.creditInvoiceNumbers ?? [])].find((nr) => get(nr));
    if (by) {
      seen.add(by);
      line(invoiceFinding, c.factuurnummer, c.ordernumber, amount, invoice, `credited by ${by}`);
    } else line("cancelled-in-shop", c.factuurnummer, c.ordernumber, null, invoice);
  }

  for (const [nr, list] of inPeriod) {
    if (!input.isOurs(nr)) continue;
    if (!seen.has(nr)) line("not-in-shop", nr, null, null, list[0]);
    for (const extra of list.slice(1)) line("duplicate", nr, null, null, extra);
  }
  const counts = Object.fromEntries(FINDINGS.map((f) => [f, 0])) as Record<Finding, number>;
  for (const l of lines) counts[l.finding] += 1;
  return { lines, counts };
}

/** Euros with a decimal comma, as Dutch spreadsheets read them: -1234 -> "-12,34". */
function euros(cents: number | null): string {
  return cents === null ? "" : centsToEuros(cents).toFixed(2).replace(".", ",");
}

function cell(v: string): string {
  return /[";\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The lines the ones that need a person first, then by finding and invoice number: as the CSV lists them. */
export function sortedLines(r: Reconciliation): ReconcileLine[] {
  const order = (l: ReconcileLine) => (needsAttention(l) ? 0 : 1);
  return [...r.lines].sort((a, b) => order(a) - order(b) || FINDINGS.indexOf(a.finding) - FINDINGS.indexOf(b.finding) || a.factuurnummer.localeCompare(b.factuurnummer));
}

/**
 * The reconciliation as CSV for a Dutch spreadsheet: `;`-separated, decimal commas, one line per
 * finding, the ones that need a person first.
 */
export function reconciliationCsv(r: Reconciliation): string {
  const header = ["finding", "factuurnummer", "ordernumber", "shop", "snelstart", "difference", "snelstart id", "note"];
  const rows = sortedLines(r).map((l) => [
    l.finding,
    l.factuurnummer,
    l.ordernumber === null ? "" : String(l.ordernumber),
    euros(l.shopCents),
    euros(l.snelstartCents),
    euros(l.shopCents !== null && l.snelstartCents !== null ? l.snelstartCents - l.shopCents : null),
    l.snelstartId ?? "",
    l.note ?? "",
  ]);
  return [header, ...rows].map((cells) => cells.map(cell).join(";")).join("\r\n") + "\r\n";
}
