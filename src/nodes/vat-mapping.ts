/**
 * `vat-mapping`: the koppeling's ledger and VAT mapping (domain `Mapping`), edited as a form
 * whose ledger fields are filled from the live administration. At run time the chosen ledger
 * ids are completed with what SnelStart says of them (number, name, allowed VAT codes, function),
 * so the domain can refuse a line its ledger would refuse (BOE-0082) before anything is posted.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { KoppelingError } from "../errors";
import { type ArticleGroups, type LedgerRef, type Mapping, type MappingContext, type MappingInput, EU_COUNTRIES, parseMapping, validateMapping } from "../koppeling";
import type { Grootboek } from "../snelstart/schemas";
import { adminRoute } from "./admin";
import { rateLimitSetting } from "./rate-limits";
import { registerVersioned } from "./shared";
import { SNELSTART_TARGET, type SnelStartConfigNode, targetSnelStartClient } from "./snelstart-config";

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

export interface VatMappingDef extends NodeDef, VatMappingFields {
  snelstart: string;
}

/** The part of a CCV customer (raw or validated) that decides which OSS rates are needed. */
export interface CustomerCountries {
  billingaddress?: { country_code?: string | null } | null;
  deliveryaddress?: { country_code?: string | null } | null;
}

export interface VatMappingNode extends Node {
  snelstart: SnelStartConfigNode | null;
  /** The mapping, its ledgers completed from the administration. */
  resolve(): Promise<{ mapping: Mapping; articleGroups: ArticleGroups }>;
  /** The mapping and what the domain needs from SnelStart to map an order of this customer: rate tables, OSS switch. */
  forCustomer(customer: CustomerCountries | null | undefined): Promise<{ mapping: Mapping; articleGroups: ArticleGroups; context: MappingContext }>;
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

export default function (RED: NodeAPI): void {
  const rateLimits = rateLimitSetting(RED);

  function VatMapping(this: VatMappingNode, def: VatMappingDef): void {
    RED.nodes.createNode(this, def);
    this.snelstart = (RED.nodes.getNode(def.snelstart) as SnelStartConfigNode | null) ?? null;
    this.resolve = async () => {
      if (!this.snelstart) throw new KoppelingError("MAPPING_INVALID", "The VAT mapping has no SnelStart administration selected");
      const ref = await this.snelstart.reference();
      const mapping = parseMapping(mappingInputOf(def, ref.grootboeken, ref.company.buitenlandseBtwGrootboek?.id));
      return { mapping, articleGroups: articleGroupsOf(def) };
    };
    this.forCustomer = async (customer) => {
      const { mapping, articleGroups } = await this.resolve();
      const reference = await (this.snelstart as SnelStartConfigNode).reference();
      const context: MappingContext = { nlRates: reference.nlRates, ossEnabled: reference.company.factureerBuitenlandsBtw };
      // The destination (delivery country, else billing) decides whether its OSS rates are needed.
      const destination = (customer?.deliveryaddress?.country_code || customer?.billingaddress?.country_code || "").toUpperCase();
      if (mapping.euConsumers === "oss" && destination && destination !== "NL" && EU_COUNTRIES.has(destination)) {
        context.ossRates = { [destination]: await (this.snelstart as SnelStartConfigNode).ossRates(destination) };
      }
      return { mapping, articleGroups, context };
    };
  }

  registerVersioned(RED, "vat-mapping", VatMapping);

  /** The problems of the mapping in the form, against the live chart of accounts of the administration posted along. */
  adminRoute(RED, {
    ...SNELSTART_TARGET,
    path: "/ccv-snelstart/mapping/validate",
    permission: "vat-mapping.read",
    targetOf: (posted) => (posted.snelstart && typeof posted.snelstart === "object" ? (posted.snelstart as Record<string, unknown>) : {}),
    work: async (t, posted) => {
      const client = targetSnelStartClient(t, rateLimits);
      const [company, grootboeken] = await Promise.all([client.companyInfo(), client.grootboeken()]);
      const fields = (posted.mapping && typeof posted.mapping === "object" ? posted.mapping : {}) as VatMappingFields;
      const mapping = parseMapping(mappingInputOf(fields, grootboeken, company.buitenlandseBtwGrootboek?.id));
      return { problems: validateMapping(mapping, { ossEnabled: company.factureerBuitenlandsBtw }) };
    },
  });
}
