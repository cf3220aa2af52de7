/**
 * Reconciliation ("controle"): for a period, what the shop says was due against what SnelStart
 * holds, so a bookkeeper can close a month or a VAT quarter with evidence. Pure: the caller lists
 * the shop's documents (with their expected invoice numbers and amounts) and SnelStart's
 * verkoopfacturen; this compares them by invoice number and amount.
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
 * left out.
 */
import { centsToEuros } from "./money";

export const FINDINGS = ["equal", "missing", "amount-differs", "cancelled-in-shop", "credit-missing", "not-in-shop", "duplicate"] as const;
export type Finding = (typeof FINDINGS)[number];

/** A document the shop says was due in the period, with the invoice number it is booked under. */
export interface ShopDocument {
  /** `invoice`: an order; `credit`: a credit note (the cancellation of a booked order, or a CCV credit invoice). */
  kind: "invoice" | "credit";
  factuurnummer: string;
  ordernumber: number;
  /** Including VAT; negative for a credit note. */
  amountCents: number;
}

/** An order the shop cancelled: its invoice, if SnelStart holds it, needs the credit note `creditFactuurnummer`. */
export interface ShopCancellation {
  ordernumber: number;
  factuurnummer: string;
  creditFactuurnummer: string;
}

/** A verkoopfactuur in SnelStart. */
export interface HeldInvoice {
  factuurnummer: string;
  amountCents: number;
  snelstartId: string;
}

export interface ReconcileLine {
  finding: Finding;
  factuurnummer: string;
  ordernumber: number | null;
  shopCents: number | null;
  snelstartCents: number | null;
  snelstartId: string | null;
}

export interface Reconciliation {
  lines: ReconcileLine[];
  counts: Record<Finding, number>;
}

export interface ReconcileInput {
  shop: readonly ShopDocument[];
  cancelled: readonly ShopCancellation[];
  held: readonly HeldInvoice[];
  /** Whether an invoice number follows this koppeling's numbering (only those can be `not-in-shop`). */
  isOurs: (factuurnummer: string) => boolean;
}

/** The findings that need a person; `equal` does not. */
export function needsAttention(line: ReconcileLine): boolean {
  return line.finding !== "equal";
}

export function reconcile(input: ReconcileInput): Reconciliation {
  const held = new Map<string, HeldInvoice[]>();
  for (const h of input.held) {
    const same = held.get(h.factuurnummer);
    if (same) same.push(h);
    else held.set(h.factuurnummer, [h]);
  }
  const lines: ReconcileLine[] = [];
  const seen = new Set<string>();
  const line = (finding: Finding, nr: string, ordernumber: number | null, shopCents: number | null, h: HeldInvoice | undefined) =>
    lines.push({ finding, factuurnummer: nr, ordernumber, shopCents, snelstartCents: h?.amountCents ?? null, snelstartId: h?.snelstartId ?? null });

  for (const d of input.shop) {
    if (seen.has(d.factuurnummer)) continue;
    seen.add(d.factuurnummer);
    const found = held.get(d.factuurnummer);
    if (!found) line(d.kind === "credit" ? "credit-missing" : "missing", d.factuurnummer, d.ordernumber, d.amountCents, undefined);
    else line(found[0].amountCents === d.amountCents ? "equal" : "amount-differs", d.factuurnummer, d.ordernumber, d.amountCents, found[0]);
  }
  for (const c of input.cancelled) {
    const invoice = held.get(c.factuurnummer)?.[0];
    if (!invoice || seen.has(c.creditFactuurnummer)) continue;
    seen.add(c.factuurnummer);
    seen.add(c.creditFactuurnummer);
    const credit = held.get(c.creditFactuurnummer)?.[0];
    if (!credit) {
      line("cancelled-in-shop", c.factuurnummer, c.ordernumber, null, invoice);
      continue;
    }
    // Both booked: the order and its credit note cancel out in SnelStart, as they do in the shop.
    line("equal", c.factuurnummer, c.ordernumber, invoice.amountCents, invoice);
    line(credit.amountCents === -invoice.amountCents ? "equal" : "amount-differs", c.creditFactuurnummer, c.ordernumber, -invoice.amountCents, credit);
  }
  for (const [nr, found] of held) {
    if (!input.isOurs(nr)) continue;
    if (!seen.has(nr)) line("not-in-shop", nr, null, null, found[0]);
    for (const extra of found.slice(1)) line("duplicate", nr, null, null, extra);
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

/**
 * The reconciliation as CSV for a Dutch spreadsheet: `;`-separated, decimal commas, one line per
 * finding, the ones that need a person first.
 */
export function reconciliationCsv(r: Reconciliation): string {
  const header = ["finding", "factuurnummer", "ordernumber", "shop", "snelstart", "difference", "snelstart id"];
  const order = (l: ReconcileLine) => (needsAttention(l) ? 0 : 1);
  const rows = [...r.lines]
    .sort((a, b) => order(a) - order(b) || FINDINGS.indexOf(a.finding) - FINDINGS.indexOf(b.finding) || a.factuurnummer.localeCompare(b.factuurnummer))
    .map((l) => [
      l.finding,
      l.factuurnummer,
      l.ordernumber === null ? "" : String(l.ordernumber),
      euros(l.shopCents),
      euros(l.snelstartCents),
      euros(l.shopCents !== null && l.snelstartCents !== null ? l.snelstartCents - l.shopCents : null),
      l.snelstartId ?? "",
    ]);
  return [header, ...rows].map((cells) => cells.map(cell).join(";")).join("\r\n") + "\r\n";
}
