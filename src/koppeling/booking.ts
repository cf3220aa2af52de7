/**
 * CCV order / credit invoice / cancelled order -> the SnelStart verkoopboeking an accountant
 * accepts (docs/design.md "VAT classification of an order", "Booking model", "Credit notes").
 * Pure: the result is complete or a KoppelingError is thrown; the input is never modified.
 */
import { KoppelingError } from "../errors";
import type { BtwSoort, VatRateCode, VerkoopBoekingCreate, VerkoopBtwSoort } from "../snelstart/schemas";
import { isEu } from "./countries";
import { normaliseCustomer, truncate, type BookingCustomer } from "./customer";
import { amsterdamDate, snelstartDate } from "./dates";
import { creditNumber, invoiceNumberOfOrdernumber, invoiceNumberOnDate } from "./invoice-number";
import { creditInvoiceSource, orderSource, unmappedRate as unmapped, type CreditInvoiceInput, type OrderInput, type Source } from "./input";
import { ledgerAllows, ledgerName, roundingRuleOf, type LedgerRef, type Mapping, type MappingContext } from "./mapping";
import { centsToEuros, rateToBasisPoints } from "./money";
import { COMPONENT_LABEL, componentLabel, orderTotals, type Component, type Group, type RoundingAllowance } from "./totals";
import { OSS_START_DATE, categoryOf, hasOssRates, nlSoort, ossRateCode, verkoopBtwSoortOf, type VatCategory } from "./vat";

export type Scheme = "domestic" | "oss" | "icp" | "export";

export interface BookingLine {
  ledgerId: string;
  btwSoort: BtwSoort;
  /** Net (excl. VAT); for an OSS foreign-VAT line, the VAT itself. Never 0. */
  amountCents: number;
  description: string;
  /** The VAT percentage of the line; null when a (ledger, VAT code) line merges several rates, and on the rounding-difference line. */
  vatRate: number | null;
}

export interface BookingVat {
  btwSoort: VerkoopBtwSoort;
  amountCents: number;
}

/** One VAT rate of the order, as booked (after reconciliation with CCV's totals). */
export interface BookingVatGroup {
  rate: number;
  btwSoort: BtwSoort;
  /** The OSS rate code (OSS orders). */
  rateCode?: VatRateCode;
  netCents: number;
  vatCents: number;
  grossCents: number;
}

export interface Booking {
  kind: "invoice" | "credit";
  factuurnummer: string;
  /** `yyyy-MM-ddT00:00:00`, the Amsterdam date. */
  factuurdatum: string;
  omschrijving: string;
  scheme: Scheme;
  /** Destination country (ISO-2). */
  country: string;
  customer: BookingCustomer;
  lines: BookingLine[];
  /** The `btw[]` rows; empty for OSS, ICP, export and 0 %. */
  vat: BookingVat[];
  groups: BookingVatGroup[];
  /** factuurbedrag = Σ lines + Σ vat = CCV total_price (negated for a credit note); Σ groups' gross plus a rounding-difference line, if any. */
  totalCents: number;
  /** VAT charged (for OSS: the foreign VAT lines) = CCV total_tax. */
  vatTotalCents: number;
  betalingstermijn?: number;
  ccv: { orderId: number | null; invoiceId: number | null; ordernumber: number | null; invoicenumber: number | null };
  originalFactuurnummer?: string;
  warnings: string[];
}

interface Document {
  kind: Booking["kind"];
  factuurnummer: string;
  /** Amsterdam `yyyy-MM-dd`. */
  date: string;
  omschrijving: string;
  originalFactuurnummer?: string;
  warnings: string[];
}

interface RateTreatment {
  soort: BtwSoort;
  category: VatCategory;
  rateCode?: VatRateCode;
}

interface Treatment {
  scheme: Scheme;
  byRate: Map<number, RateTreatment>;
  warnings: string[];
}

/** The rates with an amount, before any computation, so an unmapped rate is named first. */
function ratesOf(src: Source, mapping: Mapping): number[] {
  const rates = new Set<number>();
  for (const r of src.rows) if (r.totalCents !== 0) rates.add(r.rateBp);
  const costsAtShippingRate = mapping.costsVat === "shipping" && (src.paymentCostsCents !== 0 || src.extraCostsCents > 0);
  if (src.shippingCents !== 0 || costsAtShippingRate) rates.add(src.shippingRateBp);
  return [...rates];
}

/**
 * The VAT scheme of a document (docs/design.md "VAT classification of an order"), with its
 * warnings; `rates` are the document's rates with an amount (ratesOf).
 */
function schemeOf(src: Source, rates: readonly number[], destination: string, business: boolean, mapping: Mapping, ctx: MappingContext): { scheme: Scheme; warnings: string[] } {
  const taxed = rates.some((bp) => bp > 0);
  const foreignEu = isEu(destination) && destination !== "NL";
  const warnings: string[] = [];
  let scheme: Scheme = "domestic";
  if (!taxed) {
    if (foreignEu && (business || src.intraCommunity)) {
      if (ctx.icpAllowed === false && ctx.ossEnabled === true) {
        // Without the VAT number the klant is a private person to SnelStart, and with foreign VAT
        // on it then accepts only an OSS booking, with VAT the shop never charged: a person must decide.
        throw new KoppelingError(
          "ICP_VAT_NUMBER_REFUSED",
          `${src.label} is an intra-community supply at 0 %, but SnelStart refused the customer's VAT number, and with foreign VAT (OSS) on it books a customer without one only with destination VAT. Check the VAT number (VIES), correct the customer in SnelStart, and book this order by hand.`,
          { country: destination },
        );
      }
      if (ctx.icpAllowed === false) {
        warnings.push(`${src.label}: the customer's relatie in SnelStart has no VAT number (SnelStart refused the customer's VAT number, or the order gives none), so this intra-community supply is booked as a domestic 0 % sale (check the VAT number).`);
      } else scheme = "icp";
    } else if (!isEu(destination)) scheme = "export";
  } else if (foreignEu && !business && !src.intraCommunity && mapping.euConsumers === "oss" && src.vatDay >= OSS_START_DATE) {
    if (ctx.ossEnabled === false) {
      throw new KoppelingError(
        "OSS_NOT_ENABLED",
        `${src.label} is an EU consumer sale under OSS, but the SnelStart administration does not invoice foreign VAT (factureerBuitenlandsBtw is off). Switch it on in SnelStart or choose Dutch VAT for EU consumers.`,
        { country: destination },
      );
    }
    scheme = "oss";
  } else if (foreignEu && (business || src.intraCommunity)) {
    warnings.push(`${src.label}: the shop charged VAT on an intra-community order to ${destination}; booked as the domestic sale it was.`);
  } else if (!isEu(destination)) {
    warnings.push(`${src.label}: the shop charged VAT on an order shipped outside the EU (${destination}); booked as the domestic sale it was.`);
  }
  return { scheme, warnings };
}

/** docs/design.md "VAT classification of an order": the scheme, then the treatment of each rate. */
function classify(src: Source, destination: string, business: boolean, mapping: Mapping, ctx: MappingContext): Treatment {
  const rates = ratesOf(src, mapping);
  const { scheme, warnings } = schemeOf(src, rates, destination, business, mapping, ctx);
  const byRate = new Map<number, RateTreatment>();
  const overigBp = (mapping.overigRates ?? []).map(rateToBasisPoints);
  for (const bp of rates) {
    // ICP and export orders have only 0 % rates (else they were classified domestic above).
    if (bp === 0 && scheme === "oss") {
      // SnelStart takes only function-84 ledgers and the foreign-VAT ledger in an OSS booking
      // (oss-btw conditions), and a function-84 ledger's rate code implies VAT: a 0 % row fits nowhere.
      throw unmapped(src, bp, `cannot be booked in an OSS sale to ${destination}: SnelStart accepts only OSS (function-84) ledgers with a VAT rate in it. Book this order by hand.`);
    } else if (bp === 0) {
      byRate.set(bp, { soort: "Geen", category: "geen" });
    } else if (scheme === "oss") {
      if (!hasOssRates(ctx.ossRates, destination)) {
        throw new KoppelingError("OSS_RATES_MISSING", `${src.label}: the OSS VAT rates of ${destination} are not known (SnelStart /vatrates), so the foreign VAT cannot be booked.`, { country: destination });
      }
      const rateCode = ossRateCode(bp, destination, src.vatDay, ctx.ossRates);
      if (!rateCode) throw unmapped(src, bp, `is not one of the OSS VAT rates of ${destination} on ${src.vatDay}.`);
      byRate.set(bp, { soort: "Geen", category: "geen", rateCode });
    } else {
      const soort = nlSoort(bp, src.vatDay, ctx.nlRates, overigBp);
      if (!soort) throw unmapped(src, bp, `is not a Dutch VAT rate on ${src.vatDay} and is not listed as an 'overig' rate in the VAT mapping.`);
      byRate.set(bp, { soort, category: categoryOf(soort) });
    }
  }
  return { scheme, byRate, warnings };
}

function needLedger(ledger: LedgerRef | undefined, field: string, what: string, src: Source): LedgerRef {
  if (!ledger) {
    throw new KoppelingError("MAPPING_INCOMPLETE", `${src.label} needs ${what}, but the VAT mapping has none (${field}).`, { field });
  }
  return ledger;
}


function ledgerFor(c: Component, t: RateTreatment, scheme: Scheme, mapping: Mapping, src: Source): LedgerRef {
  switch (scheme) {
    case "icp":
      return needLedger(mapping.icp, "icp", "an ICP ledger (intra-community supply)", src);
    case "export":
      return needLedger(mapping.export, "export", "an export ledger (outside the EU)", src);
    case "oss":
      if (t.rateCode) return needLedger(mapping.oss?.ledgers[t.rateCode], `oss.ledgers.${t.rateCode}`, `an OSS ledger for rate code ${t.rateCode}`, src);
      break;
    default:
      if (c.kind === "shipping" || c.kind === "paymentCosts" || c.kind === "extraCosts") {
        const own = mapping[c.kind];
        if (own) return own;
      }
  }
  return needLedger(mapping.revenue[t.category], `revenue.${t.category}`, `a revenue ledger for VAT category ${t.category}`, src);
}

/** "21%", "DE 19%" (OSS), "ICP DE", "export US": what a line's amounts are, for its description. */
function rateText(scheme: Scheme, bp: number, destination: string): string {
  if (scheme === "icp") return `ICP ${destination}`;
  if (scheme === "export") return `export ${destination}`;
  return scheme === "oss" && bp > 0 ? `${destination} ${bp / 100}%` : `${bp / 100}%`;
}

/**
 * By row: the row's name (with its count), or the part and its rate ("Kortingscode ZOMER 21%").
 * By ledger: what the ledger holds ("Omzet 21%", or "Verzendkosten 21%" on a shipping ledger).
 */
function lineDescription(c: Component, src: Source, grouping: Mapping["grouping"], rate: string): string {
  const cost = c.kind === "shipping" || c.kind === "paymentCosts" || c.kind === "extraCosts";
  if (grouping === "ledger") return `${COMPONENT_LABEL[cost ? c.kind : "row"]} ${rate}`;
  if (c.kind === "row" && c.row) {
    const r = c.row;
    return `${r.count !== 1 ? `${r.count} x ` : ""}${r.name || r.productNumber || `rij ${r.index}`}`;
  }
  return `${componentLabel(c, src)} ${rate}`;
}

interface DraftLine {
  ledger: LedgerRef;
  btwSoort: BtwSoort;
  amountCents: number;
  description: string;
  rateBp: number | null;
}

function buildLines(src: Source, groups: readonly Group[], treatment: Treatment, destination: string, mapping: Mapping): DraftLine[] {
  const byKey = new Map<string, DraftLine>();
  const lines: DraftLine[] = [];
  const oss = treatment.scheme === "oss";
  for (const g of groups) {
    const t = treatment.byRate.get(g.rateBp);
    if (!t) throw new Error(`internal: VAT rate ${g.rateBp} was not classified`);
    const rate = rateText(treatment.scheme, g.rateBp, destination);
    for (const c of g.components) {
      const ledger = ledgerFor(c, t, treatment.scheme, mapping, src);
      let key: string;
      if (mapping.grouping === "row") key = c.kind === "row" ? `row ${c.row?.index}` : `${c.kind} ${g.rateBp}`;
      else key = `${ledger.id} ${t.soort}`;
      const line = byKey.get(key);
      if (line) {
        line.amountCents += c.net;
        if (line.rateBp !== g.rateBp) {
          line.rateBp = null;
          line.description = `${COMPONENT_LABEL.row} ${t.soort.toLowerCase()}`;
        }
        continue;
      }
      const draft: DraftLine = { ledger, btwSoort: t.soort, amountCents: c.net, description: lineDescription(c, src, mapping.grouping, rate), rateBp: g.rateBp };
      byKey.set(key, draft);
      lines.push(draft);
    }
  }
  if (oss) {
    const foreignVat = needLedger(mapping.oss?.foreignVat, "oss.foreignVat", "the foreign-VAT ledger (OSS)", src);
    for (const g of groups) {
      if (g.vat !== 0) lines.push({ ledger: foreignVat, btwSoort: "Geen", amountCents: g.vat, description: `Btw ${destination} ${g.rateBp / 100}%`, rateBp: g.rateBp });
    }
  }
  return lines.filter((l) => l.amountCents !== 0);
}

function vatRows(groups: readonly Group[], treatment: Treatment): BookingVat[] {
  if (treatment.scheme !== "domestic") return [];
  const order: VerkoopBtwSoort[] = ["VerkopenHoog", "VerkopenLaag", "VerkopenOverig"];
  const sums = new Map<VerkoopBtwSoort, number>();
  for (const g of groups) {
    const soort = verkoopBtwSoortOf(treatment.byRate.get(g.rateBp)?.soort ?? "Geen");
    if (soort && g.vat !== 0) sums.set(soort, (sums.get(soort) ?? 0) + g.vat);
  }
  return order.filter((s) => (sums.get(s) ?? 0) !== 0).map((s) => ({ btwSoort: s, amountCents: sums.get(s) as number }));
}

const negate = (n: number) => 0 - n;

/** The line text of a rounding difference (SnelStart is read by a Dutch accountant). */
export const ROUNDING_LINE_DESCRIPTION = "Afrondingsverschil";

/** Why an OSS booking cannot take a rounding difference (the error names it). */
const OSS_NO_ROUNDING =
  "in an OSS booking SnelStart accepts only the function-84 (OSS) ledgers and the foreign-VAT ledger, and checks the foreign VAT per rate, so neither a rounding line nor a VAT difference fits in it";

/** What the mapping allows beyond the model's tolerance for an order under `scheme`; undefined when rounding differences are off. */
function roundingAllowance(mapping: Mapping, scheme: Scheme): RoundingAllowance | undefined {
  const rule = roundingRuleOf(mapping);
  if (!rule) return undefined;
  return scheme === "oss" ? { maxCents: rule.maxCents, unavailable: OSS_NO_ROUNDING } : { maxCents: rule.maxCents };
}

function buildBooking(src: Source, mapping: Mapping, ctx: MappingContext, doc: Document): Booking {
  if (src.currency.toUpperCase() !== "EUR") {
    throw new KoppelingError("CURRENCY_UNSUPPORTED", `${src.label} is in ${src.currency}; SnelStart bookings have no currency, so only EUR orders are booked.`, { currency: src.currency });
  }
  const normalised = normaliseCustomer(src.customer, src.userId, src.label);
  const { destination } = normalised;
  const treatment = classify(src, destination, normalised.customer.isBusiness, mapping, ctx);
  const customer = customerUnder(src, normalised, treatment.scheme);
  const chargesVat = [...treatment.byRate.values()].some((t) => t.soort !== "Geen");
  if (ctx.ossEnabled === true && treatment.scheme === "domestic" && chargesVat && !customer.isBusiness && isEu(customer.country) && customer.country !== "NL" && src.day >= OSS_START_DATE) {
    // SnelStart (oss-btw): with foreign VAT on, it accepts no Dutch VAT for a private customer elsewhere in the EU.
    throw new KoppelingError(
      "OSS_REQUIRED",
      src.vatDay < OSS_START_DATE
        ? `${src.label} credits a sale of ${src.vatDay}, before OSS began (${OSS_START_DATE}), with the Dutch VAT that sale carried, to a consumer in ${customer.country}; but it is dated ${src.day}, and the SnelStart administration invoices foreign VAT (factureerBuitenlandsBtw is on) and refuses Dutch VAT for such a customer after that date. Book this credit note by hand.`
        : `${src.label} charges Dutch VAT to a consumer in ${customer.country}, but the SnelStart administration invoices foreign VAT (factureerBuitenlandsBtw is on) and refuses that. Choose OSS for EU consumers in the VAT mapping, or switch foreign VAT off in SnelStart.`,
      { country: customer.country },
    );
  }
  const totals = orderTotals(src, mapping.costsVat, roundingAllowance(mapping, treatment.scheme));
  const drafts = buildLines(src, totals.groups, treatment, destination, mapping);
  if (drafts.length === 0) {
    throw new KoppelingError("BOOKING_EMPTY", `${src.label} has nothing to book: every amount is 0.`, { order: src.ordernumberFull });
  }
  if (totals.roundingCents !== 0) {
    // Only set when the mapping has a rounding rule (orderTotals got an allowance).
    const ledger = needLedger(mapping.rounding?.ledger, "rounding.ledger", "a ledger for rounding differences", src);
    drafts.push({ ledger, btwSoort: "Geen", amountCents: totals.roundingCents, description: ROUNDING_LINE_DESCRIPTION, rateBp: null });
  }
  for (const l of drafts) {
    if (!ledgerAllows(l.ledger, l.btwSoort)) {
      throw new KoppelingError(
        "LEDGER_VAT_NOT_ALLOWED",
        `${src.label}: ${ledgerName(l.ledger)} does not allow VAT code ${l.btwSoort} (it allows ${l.ledger.btwSoort?.join(", ")}); SnelStart would refuse the booking (BOE-0082). Choose another ledger in the VAT mapping.`,
        { ledgerId: l.ledger.id, btwSoort: l.btwSoort, allowed: l.ledger.btwSoort },
      );
    }
  }
  const vat = vatRows(totals.groups, treatment);
  let vatTotal = 0;
  for (const g of totals.groups) vatTotal += g.vat;
  let sum = 0;
  for (const l of drafts) sum += l.amountCents;
  for (const v of vat) sum += v.amountCents;
  if (sum !== src.totalPriceCents) throw new Error(`internal: ${src.label} does not balance (${sum} != ${src.totalPriceCents})`);

  const sign = doc.kind === "credit" ? negate : (n: number) => n;
  return {
    kind: doc.kind,
    factuurnummer: doc.factuurnummer,
    factuurdatum: snelstartDate(doc.date),
    omschrijving: truncate(doc.omschrijving, 250),
    scheme: treatment.scheme,
    country: destination,
    customer,
    lines: drafts.map((l) => ({
      ledgerId: l.ledger.id,
      btwSoort: l.btwSoort,
      amountCents: sign(l.amountCents),
      description: truncate(l.description, 250),
      vatRate: l.rateBp === null ? null : l.rateBp / 100,
    })),
    vat: vat.map((v) => ({ btwSoort: v.btwSoort, amountCents: sign(v.amountCents) })),
    // A rate whose rows were discounted to nothing leaves no group (as it leaves no line).
    groups: totals.groups.filter((g) => g.net !== 0 || g.vat !== 0).map((g) => {
      const t = treatment.byRate.get(g.rateBp) as RateTreatment;
      return { rate: g.rateBp / 100, btwSoort: t.soort, ...(t.rateCode ? { rateCode: t.rateCode } : {}), netCents: sign(g.net), vatCents: sign(g.vat), grossCents: sign(g.gross) };
    }),
    totalCents: sign(src.totalPriceCents),
    vatTotalCents: sign(vatTotal),
    ...(mapping.betalingstermijn === undefined ? {} : { betalingstermijn: mapping.betalingstermijn }),
    ccv: { orderId: src.orderId, invoiceId: src.invoiceId, ordernumber: src.ordernumber, invoicenumber: src.invoicenumber },
    ...(doc.originalFactuurnummer === undefined ? {} : { originalFactuurnummer: doc.originalFactuurnummer }),
    warnings: [...doc.warnings, ...treatment.warnings, ...totals.warnings],
  };
}

/**
 * The debtor of a booking: the billing address, except in an OSS sale delivered to another
 * country than the billing address (SnelStart books foreign VAT only for a klant whose address is
 * in the destination country).
 */
function customerUnder(src: Source, normalised: { customer: BookingCustomer; destination: string }, scheme: Scheme): BookingCustomer {
  const { customer, destination } = normalised;
  return scheme === "oss" && customer.country !== destination ? normaliseCustomer(src.customer, src.userId, src.label, destination).customer : customer;
}

/**
 * The customer a document's booking will name, decided before it is mapped (snelstart-debtor
 * finds or creates this relatie, then vat-mapper maps once): the same customer buildBooking puts
 * in the booking, and whether the sale is under OSS (a relatie without address does not do then).
 */
export function bookingCustomer(src: Source, mapping: Mapping): { customer: BookingCustomer; oss: boolean } {
  const normalised = normaliseCustomer(src.customer, src.userId, src.label);
  const { scheme } = schemeOf(src, ratesOf(src, mapping), normalised.destination, normalised.customer.isBusiness, mapping, {});
  return { customer: customerUnder(src, normalised, scheme), oss: scheme === "oss" };
}

/** The factuurnummer an order gets (mapping rule); also the `original` its credit notes name. */
export function orderFactuurnummer(src: Source, mapping: Mapping): string {
  const rule = mapping.invoiceNumber;
  const n = rule.source === "invoicenumber" ? src.invoicenumber : src.ordernumber;
  if (n === null) {
    throw new KoppelingError("INVOICE_NUMBER_MISSING", `${src.label} has no CCV invoice number yet, and the VAT mapping numbers invoices by the CCV invoice number.`, { order: src.ordernumberFull });
  }
  return invoiceNumberOnDate(rule, n, src.day, src.label);
}

/** A CCV order (with its rows) -> its verkoopboeking. */
export function mapOrder(input: OrderInput, mapping: Mapping, context: MappingContext = {}): Booking {
  const src = orderSource(input);
  return buildBooking(src, mapping, context, {
    kind: "invoice",
    factuurnummer: orderFactuurnummer(src, mapping),
    date: src.day,
    omschrijving: `CCV Shop order ${src.ordernumberFull}`,
    warnings: [],
  });
}

/**
 * A CCV credit invoice -> a negative verkoopboeking, numbered `[creditPrefix]<original>-<credit invoice number>`.
 * `originalFactuurnummer` (the number the order got) is required unless it follows from the
 * CCV order number alone (order numbers without year prefix).
 */
export function mapCreditInvoice(input: CreditInvoiceInput, mapping: Mapping, context: MappingContext = {}): Booking {
  const src = creditInvoiceSource(input);
  const rule = mapping.invoiceNumber;
  const original = input.originalFactuurnummer ?? invoiceNumberOfOrdernumber(rule, src.ordernumber, src.label);
  if (original == null || original === "") {
    throw new KoppelingError(
      "ORIGINAL_INVOICE_MISSING",
      `${src.label}: the invoice number its order got in SnelStart is needed to number and describe the credit note.`,
      { ordernumber: src.ordernumber },
    );
  }
  const warnings =
    src.invoicenumber === null ? [`${src.label} has no CCV invoice number: a second credit note for the same order would get the same number.`] : [];
  return buildBooking(src, mapping, context, {
    kind: "credit",
    factuurnummer: creditNumber(rule, original, src.invoicenumber, src.label),
    date: src.day,
    omschrijving: `Creditnota bij factuur ${original} (CCV Shop creditfactuur ${src.invoicenumber ?? src.invoiceId}, order ${src.ordernumberFull || "?"})`,
    originalFactuurnummer: original,
    warnings,
  });
}

/**
 * An order cancelled after it was booked -> the negative verkoopboeking `[creditPrefix]<original>`,
 * dated `cancelledAt` (the Amsterdam date; default: the order date). VAT rates are those of the order date.
 * Without `originalNumber`, the original is the number the mapping gives the order (a booking the
 * ledger did not know, which snelstart-invoice checks before crediting it).
 */
export function mapCancellation(input: OrderInput & { cancelledAt?: string }, originalNumber: string | undefined, mapping: Mapping, context: MappingContext = {}): Booking {
  const src = orderSource(input);
  const originalFactuurnummer = originalNumber ?? orderFactuurnummer(src, mapping);
  let date = src.day;
  if (input.cancelledAt !== undefined) {
    try {
      date = amsterdamDate(input.cancelledAt);
    } catch {
      throw new KoppelingError("ORDER_INVALID", `${src.label}: the cancellation date "${input.cancelledAt}" is not a date-time.`, { cancelledAt: input.cancelledAt });
    }
  }
  const warnings = input.order.status === 8 ? [] : [`${src.label} has status ${input.order.status}, not 8 (cancelled).`];
  return buildBooking(src, mapping, context, {
    kind: "credit",
    factuurnummer: creditNumber(mapping.invoiceNumber, originalFactuurnummer, null, src.label),
    date,
    omschrijving: `Creditnota bij factuur ${originalFactuurnummer} (CCV Shop order ${src.ordernumberFull} geannuleerd)`,
    originalFactuurnummer,
    warnings,
  });
}

/** The POST /verkoopboekingen body: cents -> euros with 2 decimals (exact), factuurbedrag = Σ lines + Σ btw. */
export function toVerkoopboeking(booking: Booking, klantId: string): VerkoopBoekingCreate {
  return {
    factuurnummer: booking.factuurnummer,
    factuurdatum: booking.factuurdatum,
    klant: { id: klantId },
    omschrijving: booking.omschrijving,
    ...(booking.betalingstermijn === undefined ? {} : { betalingstermijn: booking.betalingstermijn }),
    factuurbedrag: centsToEuros(booking.totalCents),
    boekingsregels: booking.lines.map((l) => ({ omschrijving: l.description, grootboek: { id: l.ledgerId }, bedrag: centsToEuros(l.amountCents), btwSoort: l.btwSoort })),
    btw: booking.vat.map((v) => ({ btwSoort: v.btwSoort, btwBedrag: centsToEuros(v.amountCents) })),
  };
}
