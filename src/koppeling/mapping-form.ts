/**
 * The vat-mapping node's form as the domain reads it: its fields (ledger ids, choices, article
 * codes, article revenue groups, amounts as typed) to a `MappingInput` (ledger ids completed with
 * what the administration's chart says of them) and to the article revenue groups; and which
 * destination's OSS rates an order of a customer needs. Pure: the chart is passed in.
 */
import type { Grootboek } from "../snelstart/schemas";
import { EU_COUNTRIES } from "./countries";
import type { ArticleGroups } from "./document";
import type { LedgerRef, Mapping, MappingInput } from "./mapping";

/** The form's fields: ledger ids, choices, article codes and article revenue groups. */
export interface VatMappingFields {
  ledgerHoog?: string;
  ledgerLaag?: string;
  ledgerOverig?: string;
  ledgerGeen?: string;
  ledgerShipping?: string;
  ledgerPayment?: string;
  ledgerExtra?: string;
  costsVat?: string;
  euConsumers?: string;
  ledgerOssSR?: string;
  ledgerOssRRH?: string;
  ledgerOssRRL?: string;
  ledgerOssPR?: string;
  ledgerOssSRR?: string;
  ledgerForeignVat?: string;
  ledgerIcp?: string;
  ledgerExport?: string;
  /** Rounding differences: the ledger (empty = off) and the maximum in euros (empty = €0.05). */
  ledgerRounding?: string;
  roundingMax?: string | number;
  overigRates?: string;
  grouping?: string;
  invoiceSource?: string;
  yearPrefix?: boolean;
  invoicePrefix?: string;
  creditPrefix?: string;
  betalingstermijn?: string | number;
  articleFallback?: string;
  articleShipping?: string;
  articlePayment?: string;
  articleExtra?: string;
  articleDiscount?: string;
  groupHoog?: string;
  groupLaag?: string;
  groupOverig?: string;
  groupGeen?: string;
}

/** The part of a CCV customer (raw or validated) that decides which OSS rates are needed. */
export interface CustomerCountries {
  billingaddress?: { country_code?: string | null } | null;
  deliveryaddress?: { country_code?: string | null } | null;
}

const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** A euro amount as typed ("0.05", "0,05") to cents; undefined when empty. Not whole cents stays fractional, so the mapping check reports it. */
function euroCents(v: unknown): number | undefined {
  const s = text(String(v ?? ""));
  if (!s) return undefined;
  const cents = Number(s.replace(",", ".")) * 100;
  const whole = Math.round(cents);
  return Math.abs(cents - whole) < 1e-6 ? whole : cents;
}

/** The form's fields as a domain mapping input; ledger ids completed with `ledgers` (the administration's chart). */
export function mappingInputOf(f: VatMappingFields, ledgers: readonly Grootboek[], foreignVatDefault?: string): MappingInput {
  const byId = new Map(ledgers.map((g) => [g.id, g]));
  const ref = (id: unknown): LedgerRef | undefined => {
    const key = text(id);
    if (!key) return undefined;
    const g = byId.get(key);
    if (!g) return { id: key };
    return { id: g.id, nummer: g.nummer, omschrijving: g.omschrijving, btwSoort: g.btwSoort, ...(g.grootboekfunctie ? { functie: g.grootboekfunctie } : {}), ...(g.vatRateCode ? { vatRateCode: g.vatRateCode } : {}) };
  };
  const overig = text(f.overigRates)
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map((r) => Number(r.replace(",", ".")));
  const termijn = text(String(f.betalingstermijn ?? ""));
  const roundingLedger = ref(f.ledgerRounding);
  const roundingMax = euroCents(f.roundingMax);
  const discount = text(f.articleDiscount);
  const articles = {
    ...(text(f.articleFallback) ? { fallback: text(f.articleFallback) } : {}),
    ...(text(f.articleShipping) ? { shipping: text(f.articleShipping) } : {}),
    ...(text(f.articlePayment) ? { paymentCosts: text(f.articlePayment) } : {}),
    ...(text(f.articleExtra) ? { extraCosts: text(f.articleExtra) } : {}),
    ...(discount ? { discount: { hoog: `${discount}-H`, laag: `${discount}-L`, overig: `${discount}-O`, geen: `${discount}-G` } } : {}),
  };
  return {
    revenue: { hoog: ref(f.ledgerHoog), laag: ref(f.ledgerLaag), overig: ref(f.ledgerOverig), geen: ref(f.ledgerGeen) },
    shipping: ref(f.ledgerShipping),
    paymentCosts: ref(f.ledgerPayment),
    extraCosts: ref(f.ledgerExtra),
    costsVat: f.costsVat === "proportional" ? "proportional" : "shipping",
    euConsumers: f.euConsumers === "oss" ? "oss" : "nl-vat",
    oss: {
      ledgers: { SR: ref(f.ledgerOssSR), RRH: ref(f.ledgerOssRRH), RRL: ref(f.ledgerOssRRL), PR: ref(f.ledgerOssPR), SRR: ref(f.ledgerOssSRR) },
      foreignVat: ref(text(f.ledgerForeignVat) || foreignVatDefault),
    },
    icp: ref(f.ledgerIcp),
    export: ref(f.ledgerExport),
    ...(overig.length ? { overigRates: overig } : {}),
    grouping: f.grouping === "row" ? "row" : "ledger",
    invoiceNumber: {
      source: f.invoiceSource === "invoicenumber" ? "invoicenumber" : "ordernumber",
      yearPrefix: f.yearPrefix !== false,
      ...(text(f.invoicePrefix) ? { prefix: text(f.invoicePrefix) } : {}),
      creditPrefix: text(f.creditPrefix) || "C",
    },
    ...(termijn ? { betalingstermijn: Number(termijn) } : {}),
    ...(Object.keys(articles).length ? { articles } : {}),
    // No ledger (also every config saved before these fields existed): rounding differences are refused.
    ...(roundingLedger ? { rounding: { ledger: roundingLedger, ...(roundingMax === undefined ? {} : { maxCents: roundingMax }) } } : {}),
  };
}

export function articleGroupsOf(f: VatMappingFields): ArticleGroups {
  const out: ArticleGroups = {};
  if (text(f.groupHoog)) out.hoog = text(f.groupHoog);
  if (text(f.groupLaag)) out.laag = text(f.groupLaag);
  if (text(f.groupOverig)) out.overig = text(f.groupOverig);
  if (text(f.groupGeen)) out.geen = text(f.groupGeen);
  return out;
}

/**
 * The country whose OSS rates an order of `customer` needs: its destination (delivery country,
 * else billing) when the mapping books EU consumers under OSS and that is an EU country other than
 * NL; else null.
 */
export function ossDestination(mapping: Pick<Mapping, "euConsumers">, customer: CustomerCountries | null | undefined): string | null {
  const destination = (customer?.deliveryaddress?.country_code || customer?.billingaddress?.country_code || "").toUpperCase();
  return mapping.euConsumers === "oss" && destination && destination !== "NL" && EU_COUNTRIES.has(destination) ? destination : null;
}
