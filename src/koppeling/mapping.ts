/**
 * The mapping (what the `vat-mapping` config node holds) and the context the domain reads
 * from SnelStart (rate tables, OSS switch, ICP verdict). `parseMapping` turns stored JSON into
 * a Mapping with defaults; `validateMapping` lists the problems the editor shows as warnings.
 */
import { z } from "zod";
import { KoppelingError, describeIssues } from "../errors";
import { btwSoort, vatRateCode, type BtwSoort, type BtwTarief, type VatRateCode } from "../snelstart/schemas";
import { formatEuros, rateToBasisPoints } from "./money";
import { VAT_CATEGORIES, soortOf, type OssRateTable, type VatCategory } from "./vat";

/** A SnelStart ledger as the mapping remembers it; `btwSoort` is the list the ledger allows (when known). */
export interface LedgerRef {
  id: string;
  nummer?: number;
  omschrijving?: string;
  /** The VAT codes SnelStart allows on this ledger (`grootboek.btwSoort`); absent or empty = unknown. */
  btwSoort?: BtwSoort[];
  /** `grootboekfunctie`, e.g. `InstallatieTeleverkoopBinnenEUgeen` for an OSS ledger. */
  functie?: string;
  vatRateCode?: VatRateCode;
}

export interface InvoiceNumberRule {
  /** The CCV order number (default) or the CCV invoice number. */
  source: "ordernumber" | "invoicenumber";
  /** Prefix the year of the order date in Amsterdam: order 10330 of 2023 -> `202310330`. */
  yearPrefix: boolean;
  /** Extra prefix before everything else, e.g. `WEB`. */
  prefix?: string;
  /** Prefix of the credit-note series (default `C`); must not be empty. */
  creditPrefix: string;
}

/**
 * Rounding differences (afrondingsverschillen): off unless a ledger is chosen. A difference with
 * CCV's totals beyond the 1 cent per VAT rate the totals model absorbs, up to `maxCents`, is
 * booked on this ledger (VAT code `Geen`) instead of refusing the order (docs/design.md).
 */
export interface RoundingRule {
  /** The ledger for rounding differences; must allow VAT code `Geen`. */
  ledger: LedgerRef;
  /** The largest difference booked, in whole cents, 1..ROUNDING_MAX_CAP_CENTS (default 5 = €0.05). */
  maxCents: number;
}

/** The default maximum rounding difference: €0.05. */
export const ROUNDING_DEFAULT_MAX_CENTS = 5;
/** The largest maximum a mapping may set: €1.00 (a larger difference is no rounding). */
export const ROUNDING_MAX_CAP_CENTS = 100;

/** Article codes for the verkooporder variant. */
export interface ArticleMapping {
  /** For rows without a CCV `product_number`. */
  fallback?: string;
  shipping?: string;
  paymentCosts?: string;
  extraCosts?: string;
  /** Discount articles per VAT category (a discount is split over the rows' VAT groups). */
  discount?: Partial<Record<VatCategory, string>>;
}

export interface Mapping {
  /** Revenue ledger per VAT category; `hoog` is required, the others when orders need them. */
  revenue: Partial<Record<VatCategory, LedgerRef>>;
  /** Shipping ledger (optional; otherwise shipping goes with revenue), one line per VAT code. */
  shipping?: LedgerRef;
  /** Payment costs ledger (optional; otherwise with revenue). */
  paymentCosts?: LedgerRef;
  /** Extra (handling) costs ledger (optional; otherwise with revenue). Negative extra costs are a discount on revenue. */
  extraCosts?: LedgerRef;
  /** VAT of payment and extra costs: the shipping rate (default) or spread over the rows' VAT groups. */
  costsVat: "shipping" | "proportional";
  /** EU consumers outside NL: Dutch VAT (default) or OSS (destination VAT on function-84 ledgers). */
  euConsumers: "nl-vat" | "oss";
  oss?: {
    /** Function-84 ledger per rate code. */
    ledgers: Partial<Record<VatRateCode, LedgerRef>>;
    /** The ledger for the foreign VAT (`companyInfo.buitenlandseBtwGrootboek`). */
    foreignVat?: LedgerRef;
  };
  /** Intra-community supplies to EU businesses (0 %). */
  icp?: LedgerRef;
  /** Exports outside the EU (0 %). */
  export?: LedgerRef;
  /** Rates (percentages) that are booked as `Overig`. */
  overigRates?: number[];
  /** One booking line per (ledger, VAT code) (default), or one per order row with its description. */
  grouping: "ledger" | "row";
  invoiceNumber: InvoiceNumberRule;
  /** Payment term in days (0..999) sent with every booking. */
  betalingstermijn?: number;
  articles?: ArticleMapping;
  /** Rounding differences: absent (default) refuses every order beyond the model's tolerance. */
  rounding?: RoundingRule;
}

/** What the domain knows from SnelStart; all optional. */
export interface MappingContext {
  /** `/btwtarieven`; the built-in Dutch table when absent. */
  nlRates?: BtwTarief[];
  /** Per destination ISO-2 code, `/vatrates` of that country. */
  ossRates?: OssRateTable;
  /** `companyInfo.factureerBuitenlandsBtw`; a mapping with OSS while this is false is refused (OSS_NOT_ENABLED). */
  ossEnabled?: boolean;
  /** False when SnelStart refused the customer's VAT number: an ICP order then goes to the `geen` ledger. */
  icpAllowed?: boolean;
}

const ledgerRef = z.object({
  id: z.string().min(1, "choose a ledger"),
  nummer: z.number().int().optional(),
  omschrijving: z.string().optional(),
  btwSoort: z.array(btwSoort).optional(),
  functie: z.string().optional(),
  vatRateCode: vatRateCode.optional(),
});

/** zod schema of a stored mapping; missing choices get their defaults. */
export const mappingSchema = z.object({
  revenue: z.object({ hoog: ledgerRef.optional(), laag: ledgerRef.optional(), overig: ledgerRef.optional(), geen: ledgerRef.optional() }),
  shipping: ledgerRef.optional(),
  paymentCosts: ledgerRef.optional(),
  extraCosts: ledgerRef.optional(),
  costsVat: z.enum(["shipping", "proportional"]).default("shipping"),
  euConsumers: z.enum(["nl-vat", "oss"]).default("nl-vat"),
  oss: z
    .object({
      ledgers: z.object({ SR: ledgerRef.optional(), RRH: ledgerRef.optional(), RRL: ledgerRef.optional(), PR: ledgerRef.optional(), SRR: ledgerRef.optional() }),
      foreignVat: ledgerRef.optional(),
    })
    .optional(),
  icp: ledgerRef.optional(),
  export: ledgerRef.optional(),
  overigRates: z.array(z.number().positive().refine((r) => !Number.isNaN(rateToBasisPoints(r)), "at most 2 decimals")).optional(),
  grouping: z.enum(["ledger", "row"]).default("ledger"),
  invoiceNumber: z
    .object({
      source: z.enum(["ordernumber", "invoicenumber"]).default("ordernumber"),
      yearPrefix: z.boolean().default(true),
      prefix: z.string().max(20).optional(),
      creditPrefix: z.string().min(1, "credit notes need their own prefix").max(5).default("C"),
    })
    .prefault({}),
  betalingstermijn: z.number().int().min(0).max(999).optional(),
  // The maximum's range is checked by validateMapping (a problem the editor lists) and where it is used.
  rounding: z.object({ ledger: ledgerRef, maxCents: z.number().default(ROUNDING_DEFAULT_MAX_CENTS) }).optional(),
  articles: z
    .object({
      fallback: z.string().min(1).optional(),
      shipping: z.string().min(1).optional(),
      paymentCosts: z.string().min(1).optional(),
      extraCosts: z.string().min(1).optional(),
      discount: z
        .object({ hoog: z.string().min(1).optional(), laag: z.string().min(1).optional(), overig: z.string().min(1).optional(), geen: z.string().min(1).optional() })
        .optional(),
    })
    .optional(),
});

export type MappingInput = z.input<typeof mappingSchema>;

/** Parses stored mapping JSON (defaults filled in); `MAPPING_INVALID` naming the fields otherwise. */
export function parseMapping(raw: unknown): Mapping {
  const r = mappingSchema.safeParse(raw);
  if (!r.success) {
    throw new KoppelingError("MAPPING_INVALID", `The VAT mapping is not valid: ${describeIssues(r.error.issues)}`, { issues: r.error.issues });
  }
  return r.data;
}

/** A Mapping from the given choices plus the defaults (ledger grouping, Dutch VAT for EU consumers, costs at the shipping rate, year-prefixed order numbers, credit prefix `C`). */
export function createMapping(input: MappingInput): Mapping {
  return parseMapping(input);
}

export interface MappingProblem {
  /** Path of the mapping field, e.g. `revenue.laag`. */
  field: string;
  /** `error`: no order can be booked as configured; `warning`: some orders will be refused. */
  severity: "error" | "warning";
  message: string;
}

/** "8000 Omzet hoog" or the id, for messages. */
export function ledgerName(ledger: LedgerRef): string {
  const label = [ledger.nummer, ledger.omschrijving].filter((p) => p !== undefined && p !== "").join(" ");
  return label === "" ? `ledger ${ledger.id}` : `ledger ${label}`;
}

/** Whether a ledger allows a VAT code; unknown (absent or empty list) allows everything. */
export function ledgerAllows(ledger: LedgerRef, soort: BtwSoort): boolean {
  return !ledger.btwSoort || ledger.btwSoort.length === 0 || ledger.btwSoort.includes(soort);
}

/** What is wrong with a maximum rounding difference (cents), or undefined when it is whole cents from 1 to the cap. */
export function roundingMaxProblem(maxCents: number): string | undefined {
  if (Number.isInteger(maxCents) && maxCents >= 1 && maxCents <= ROUNDING_MAX_CAP_CENTS) return undefined;
  return `The maximum rounding difference must be whole cents from €0.01 to ${formatEuros(ROUNDING_MAX_CAP_CENTS)} (it is ${String(maxCents)} cents).`;
}

/** The mapping's rounding rule, or undefined when it is off; MAPPING_INVALID when its maximum is out of range. */
export function roundingRuleOf(mapping: Mapping): RoundingRule | undefined {
  const rule = mapping.rounding;
  if (!rule) return undefined;
  const problem = roundingMaxProblem(rule.maxCents);
  if (problem) throw new KoppelingError("MAPPING_INVALID", `The VAT mapping is not valid: rounding.maxCents: ${problem}`, { field: "rounding.maxCents", maxCents: rule.maxCents });
  return rule;
}

/**
 * The problems of a mapping, for the editor: missing required ledgers, ledgers that do not
 * allow the VAT code they will receive (SnelStart BOE-0082), OSS without its ledgers, a rounding
 * maximum out of range.
 */
export function validateMapping(mapping: Mapping, context: MappingContext = {}): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const add = (field: string, severity: MappingProblem["severity"], message: string) => problems.push({ field, severity, message });
  const expect = (field: string, ledger: LedgerRef | undefined, soort: BtwSoort, what: string) => {
    if (ledger && !ledgerAllows(ledger, soort)) {
      add(field, "error", `${ledgerName(ledger)} does not allow VAT code ${soort} (it allows ${ledger.btwSoort?.join(", ")}); ${what} would be refused by SnelStart (BOE-0082).`);
    }
  };

  if (!mapping.revenue.hoog) add("revenue.hoog", "error", "Choose the revenue ledger for the high VAT rate (21 %).");
  const optional: Record<Exclude<VatCategory, "hoog">, string> = {
    laag: "orders with the low VAT rate (9 %)",
    overig: "orders with an 'overig' VAT rate",
    geen: "orders with 0 % VAT rows",
  };
  for (const category of VAT_CATEGORIES) {
    const ledger = mapping.revenue[category];
    if (category !== "hoog" && !ledger && (category !== "overig" || (mapping.overigRates?.length ?? 0) > 0)) {
      add(`revenue.${category}`, "warning", `No revenue ledger for VAT category ${category}: ${optional[category]} will be refused.`);
    }
    expect(`revenue.${category}`, ledger, soortOf(category), `revenue at VAT category ${category}`);
  }
  for (const field of ["shipping", "paymentCosts", "extraCosts"] as const) {
    expect(field, mapping[field], "Hoog", `${field === "shipping" ? "shipping" : field === "paymentCosts" ? "payment costs" : "extra costs"} at 21 %`);
  }
  if (!mapping.icp) add("icp", "warning", "No ICP ledger: intra-community supplies to EU businesses will be refused.");
  expect("icp", mapping.icp, "Geen", "intra-community supplies (0 %)");
  if (!mapping.export) add("export", "warning", "No export ledger: orders shipped outside the EU will be refused.");
  expect("export", mapping.export, "Geen", "exports (0 %)");

  if (mapping.euConsumers === "nl-vat" && context.ossEnabled === true) {
    add("euConsumers", "warning", "The SnelStart administration invoices foreign VAT (factureerBuitenlandsBtw is on), so it refuses Dutch VAT on sales to consumers elsewhere in the EU: choose OSS, or those orders are refused (OSS_REQUIRED).");
  }
  if (mapping.euConsumers === "oss") {
    if (context.ossEnabled === false) {
      add("euConsumers", "error", "OSS is chosen but the SnelStart administration does not invoice foreign VAT (factureerBuitenlandsBtw is off).");
    }
    const ledgers = Object.entries(mapping.oss?.ledgers ?? {}).filter(([, l]) => l !== undefined) as Array<[VatRateCode, LedgerRef]>;
    if (ledgers.length === 0) add("oss.ledgers", "error", "OSS is chosen but no function-84 ledger (per VAT rate code) is mapped.");
    else if (!ledgers.some(([code]) => code === "SR")) add("oss.ledgers.SR", "warning", "No OSS ledger for the standard rate (SR): most EU consumer orders will be refused.");
    for (const [code, ledger] of ledgers) {
      expect(`oss.ledgers.${code}`, ledger, "Geen", "OSS revenue (booked as Geen)");
      if (ledger.vatRateCode && ledger.vatRateCode !== code) {
        add(`oss.ledgers.${code}`, "error", `${ledgerName(ledger)} carries rate code ${ledger.vatRateCode}, not ${code}.`);
      }
      if (ledger.functie && ledger.functie !== "InstallatieTeleverkoopBinnenEUgeen") {
        add(`oss.ledgers.${code}`, "error", `${ledgerName(ledger)} is not an OSS ledger (function ${ledger.functie}, expected InstallatieTeleverkoopBinnenEUgeen).`);
      }
    }
    if (!mapping.oss?.foreignVat) add("oss.foreignVat", "error", "OSS is chosen but the foreign-VAT ledger is not mapped.");
    expect("oss.foreignVat", mapping.oss?.foreignVat, "Geen", "the foreign VAT lines (booked as Geen)");
  }

  if (mapping.rounding) {
    const ledger = mapping.rounding.ledger as LedgerRef | undefined;
    if (!ledger) add("rounding.ledger", "error", "Choose the ledger for rounding differences, or switch rounding differences off.");
    expect("rounding.ledger", ledger, "Geen", "rounding differences (booked as Geen)");
    const problem = roundingMaxProblem(mapping.rounding.maxCents);
    if (problem) add("rounding.maxCents", "error", problem);
  }

  for (const rate of mapping.overigRates ?? []) {
    if (rate === 21 || rate === 9) add("overigRates", "warning", `${rate} % is a Dutch rate; it is booked as Hoog/Laag, not Overig.`);
  }
  const rule = mapping.invoiceNumber;
  if (rule.creditPrefix === "") add("invoiceNumber.creditPrefix", "error", "Credit notes need their own prefix, or their numbers collide with the invoices'.");
  // The longest number we make: a credit invoice's `C` + prefix + year + order number + `-` + its
  // own number; with 8-digit CCV numbers it must fit SnelStart's 25 characters.
  const longest = rule.creditPrefix.length + (rule.prefix?.length ?? 0) + (rule.yearPrefix ? 4 : 0) + 8 + 1 + 8;
  if (longest > 25) {
    add("invoiceNumber.prefix", "warning", `Credit note numbers can reach ${longest} characters; SnelStart allows 25. Shorten the prefixes.`);
  }
  return problems;
}
