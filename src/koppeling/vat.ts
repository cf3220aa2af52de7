/**
 * VAT rates -> SnelStart VAT codes, by date: the Dutch table (`/btwtarieven`) for domestic
 * sales, a destination country's OSS table (`/vatrates`) for EU consumer sales under OSS.
 * Rates are compared as integer basis points (21 % = 2100) so 5.5 % matches exactly.
 */
import type { BtwSoort, BtwTarief, VatRateCode, VerkoopBtwSoort } from "../snelstart/schemas";
import { rateToBasisPoints } from "./money";

export const VAT_CATEGORIES = ["hoog", "laag", "overig", "geen"] as const;
/** The four revenue categories a mapping has ledgers for; one per SnelStart line `btwSoort`. */
export type VatCategory = (typeof VAT_CATEGORIES)[number];

const SOORT_OF: Record<VatCategory, BtwSoort> = { hoog: "Hoog", laag: "Laag", overig: "Overig", geen: "Geen" };
const CATEGORY_OF: Record<BtwSoort, VatCategory> = { Hoog: "hoog", Laag: "laag", Overig: "overig", Geen: "geen" };

export function soortOf(category: VatCategory): BtwSoort {
  return SOORT_OF[category];
}

export function categoryOf(soort: BtwSoort): VatCategory {
  return CATEGORY_OF[soort];
}

/** The `btw[]` row kind of a line kind (docs/reference/snelstart-api.md#btw-row-per-line-soort); `Geen` lines get no btw row. */
export function verkoopBtwSoortOf(soort: BtwSoort): VerkoopBtwSoort | null {
  switch (soort) {
    case "Hoog":
      return "VerkopenHoog";
    case "Laag":
      return "VerkopenLaag";
    case "Overig":
      return "VerkopenOverig";
    default:
      return null;
  }
}

/**
 * Built-in Dutch rate history, used when SnelStart's `/btwtarieven` is not supplied
 * (docs/reference/snelstart-api.md#dutch-rate-table; same shape and sentinels).
 */
export const DEFAULT_NL_RATES: readonly BtwTarief[] = [
  { btwSoort: "Hoog", btwPercentage: 19, datumVanaf: "2001-01-01T00:00:00", datumTotEnMet: "2012-09-30T00:00:00" },
  { btwSoort: "Hoog", btwPercentage: 21, datumVanaf: "2012-10-01T00:00:00", datumTotEnMet: "2400-12-31T00:00:00" },
  { btwSoort: "Laag", btwPercentage: 6, datumVanaf: "1986-10-01T00:00:00", datumTotEnMet: "2018-12-31T00:00:00" },
  { btwSoort: "Laag", btwPercentage: 9, datumVanaf: "2019-01-01T00:00:00", datumTotEnMet: "2400-12-31T00:00:00" },
];

interface CompiledNlRate {
  soort: BtwSoort;
  bp: number;
  from: string;
  to: string;
}

const compiledNl = new WeakMap<readonly BtwTarief[], CompiledNlRate[]>();

/** Compares dates by their `yyyy-MM-dd` prefix; SnelStart sends `2019-01-01T00:00:00`. */
function day(date: string): string {
  return date.slice(0, 10);
}

function compileNl(table: readonly BtwTarief[]): CompiledNlRate[] {
  let compiled = compiledNl.get(table);
  if (!compiled) {
    compiled = table.map((t) => ({ soort: t.btwSoort, bp: rateToBasisPoints(t.btwPercentage), from: day(t.datumVanaf), to: day(t.datumTotEnMet) }));
    compiledNl.set(table, compiled);
  }
  return compiled;
}

/**
 * The Dutch VAT code of a rate (basis points) on a date (`yyyy-MM-dd`): 0 -> Geen, a rate of
 * the table valid on that date -> its soort, a rate listed in `overigBp` -> Overig;
 * undefined when none applies (VAT_UNMAPPED_RATE). The table wins over `overigRates`.
 * 0 % is decided before the table: SnelStart's table also has an `Overig` 0 % row.
 */
export function nlSoort(rateBp: number, date: string, table: readonly BtwTarief[] | undefined, overigBp: readonly number[]): BtwSoort | undefined {
  if (rateBp === 0) return "Geen";
  for (const t of compileNl(table ?? DEFAULT_NL_RATES)) {
    if (t.bp === rateBp && t.from <= date && date <= t.to) return t.soort;
  }
  return overigBp.includes(rateBp) ? "Overig" : undefined;
}

/** One country's OSS rates as `/vatrates` gives them. */
export interface OssRate {
  rateCode: VatRateCode;
  rate: number;
  validFrom: string;
}

export type OssRateTable = Readonly<Record<string, readonly OssRate[]>>;

interface CompiledOssRate {
  rateCode: VatRateCode;
  bp: number;
  from: string;
}

const compiledOss = new WeakMap<OssRateTable, Map<string, CompiledOssRate[]>>();
/** Rate codes in the order an ambiguous rate (two codes with the same percentage) is resolved. */
const RATE_CODE_ORDER: readonly VatRateCode[] = ["SR", "RRH", "RRL", "PR", "SRR"];

function compileOss(table: OssRateTable, country: string): CompiledOssRate[] | undefined {
  let byCountry = compiledOss.get(table);
  if (!byCountry) {
    byCountry = new Map();
    compiledOss.set(table, byCountry);
  }
  let compiled = byCountry.get(country);
  if (!compiled) {
    const rates = table[country];
    if (!rates) return undefined;
    // Latest validFrom first, so the first entry of a code valid on a date is the one in force.
    compiled = rates
      .map((r) => ({ rateCode: r.rateCode, bp: rateToBasisPoints(r.rate), from: day(r.validFrom) }))
      .sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : RATE_CODE_ORDER.indexOf(a.rateCode) - RATE_CODE_ORDER.indexOf(b.rateCode)));
    byCountry.set(country, compiled);
  }
  return compiled;
}

/** Whether the table has rates for a country at all. */
export function hasOssRates(table: OssRateTable | undefined, country: string): boolean {
  return table !== undefined && compileOss(table, country) !== undefined;
}

/**
 * The OSS rate code of a rate (basis points) in a destination country on a date: the code
 * whose rate in force on that date (latest `validFrom` <= date) equals it; undefined if none.
 */
export function ossRateCode(rateBp: number, country: string, date: string, table: OssRateTable | undefined): VatRateCode | undefined {
  const compiled = table && compileOss(table, country);
  if (!compiled) return undefined;
  const seen = new Set<VatRateCode>();
  let found: VatRateCode | undefined;
  for (const r of compiled) {
    if (r.from > date || seen.has(r.rateCode)) continue;
    seen.add(r.rateCode);
    if (r.bp === rateBp && (found === undefined || RATE_CODE_ORDER.indexOf(r.rateCode) < RATE_CODE_ORDER.indexOf(found))) found = r.rateCode;
  }
  return found;
}

/** The date from which SnelStart books EU consumer sales with foreign VAT (docs/reference/snelstart-api.md#oss-bookings). */
export const OSS_START_DATE = "2021-07-01";
