/**
 * The simulated administration's reference data: chart of accounts, landen, Dutch VAT history,
 * OSS rates per EU country, article revenue groups, journals, cost centres and the seeded relaties.
 *
 * Seeded entities have fixed ids derived from their natural key (ledger number, ISO country
 * code, group number), so tests and the demo flow can refer to them without a lookup:
 * `simLedgerId(8000)` is the id of ledger 8000 in every simulator instance.
 */
import type { BtwSoort, VatRateCode } from "../../src/snelstart/schemas";
import { COUNTRIES } from "./countries";

function fixedId(kind: string, key: string): string {
  return `${kind}-0000-4000-8000-${key.padStart(12, "0")}`;
}

/** The id of ledger `nummer` (e.g. 8000 -> `10000000-0000-4000-8000-000000008000`). */
export function simLedgerId(nummer: number): string {
  return fixedId("10000000", String(nummer));
}

/** The id of a land by ISO alpha-2 code (its letters as hex: NL -> `…00004e4c`). */
export function simLandId(iso2: string): string {
  const hex = [...iso2.toUpperCase()].map((c) => c.charCodeAt(0).toString(16)).join("");
  return fixedId("20000000", hex);
}

/** The id of artikelomzetgroep `nummer`. */
export function simOmzetgroepId(nummer: number): string {
  return fixedId("30000000", String(nummer));
}

/** The id of a seeded relatie by relatiecode. */
export function simSeedRelatieId(relatiecode: number): string {
  return fixedId("40000000", String(relatiecode));
}

export const ADMINISTRATION_ID = fixedId("50000000", "1");

/** The id of dagboek `nummer`. */
export function simDagboekId(nummer: number): string {
  return fixedId("60000000", String(nummer));
}

/** The id of kostenplaats `nummer`. */
export function simKostenplaatsId(nummer: number): string {
  return fixedId("70000000", String(nummer));
}

// ---- landen ----

export interface SimLand {
  id: string;
  naam: string;
  landcode: string;
  landcodeISO: string;
}

export const LANDEN: readonly SimLand[] = COUNTRIES.map(([iso2, iso3, naam]) => ({
  id: simLandId(iso2),
  naam,
  landcode: iso2,
  landcodeISO: iso3,
}));

/** EU-27 member states, ISO alpha-2. */
export const EU_COUNTRIES: ReadonlySet<string> = new Set([
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
  "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]);

// ---- grootboeken ----

export interface SimGrootboek {
  id: string;
  nummer: number;
  omschrijving: string;
  rekeningCode: "Balans" | "WinstEnVerlies";
  grootboekfunctie: string;
  grootboekRubriek: string;
  btwSoort: BtwSoort[];
  vatRateCode: VatRateCode | null;
  nonactief: boolean;
  kostenplaatsVerplicht: boolean;
}

/** "functie 84": revenue ledgers for OSS distance sales, one rate code each (docs/reference/snelstart-api.md#oss-bookings). */
export const OSS_FUNCTION = "InstallatieTeleverkoopBinnenEUgeen";
/** Ledger functions that need a klant with a VAT number (ICP, EU services; BOE-0080). */
export const EU_B2B_FUNCTIONS: ReadonlySet<string> = new Set(["VerkopenExportBinnenEU", "DienstverleningBinnenEU"]);
/** The ledger companyInfo names as `buitenlandseBtwGrootboek`. */
export const FOREIGN_VAT_LEDGER = 1650;

const ALL_SOORTEN: BtwSoort[] = ["Geen", "Laag", "Hoog", "Overig"];

type LedgerRow = [nummer: number, omschrijving: string, functie: string, rubriek: string, btw: BtwSoort[], vatRateCode?: VatRateCode, nonactief?: boolean];

const BALANCE: LedgerRow[] = [
  [1000, "Kas", "DagboekKas", "Liquide middelen", ["Geen"]],
  [1300, "Debiteuren", "Diversen", "Vorderingen", ["Geen"]],
  [1500, "Btw af te dragen hoog", "BtwAfTeDragenHoog", "Belastingen", []],
  [1510, "Btw af te dragen laag", "BtwAfteDragenLaag", "Belastingen", []],
  [FOREIGN_VAT_LEDGER, "Af te dragen buitenlandse btw", "Diversen", "Belastingen", ["Geen"]],
];

const RESULT: LedgerRow[] = [
  [4990, "Afrondingsverschillen", "Diversen", "Algemene kosten", ["Geen"]],
  [8000, "Omzet hoog", "VerkopenOmzetHoog", "Omzet", ["Hoog"]],
  [8010, "Omzet laag", "VerkopenOmzetLaag", "Omzet", ["Laag"]],
  [8020, "Omzet overig", "VerkopenOmzetOverig", "Omzet", ["Overig"]],
  [8030, "Omzet 0%/vrijgesteld", "VerkopenOmzetOnbelastVerlegd", "Omzet", ["Geen"]],
  [8090, "Omzet oud (niet meer gebruiken)", "VerkopenOmzetHoog", "Omzet", ["Hoog"], undefined, true],
  [8100, "Omzet ICP", "VerkopenExportBinnenEU", "Omzet", ["Geen"]],
  [8110, "Omzet export buiten EU", "VerkopenExportBuitenEU", "Omzet", ["Geen"]],
  [8120, "Omzet diensten binnen EU", "DienstverleningBinnenEU", "Omzet", ["Geen"]],
  [8200, "Verzendkosten", "Diversen", "Omzet", ALL_SOORTEN],
  [8210, "Betaal- en administratiekosten", "Diversen", "Omzet", ALL_SOORTEN],
  [8400, "Omzet OSS standaardtarief (SR)", OSS_FUNCTION, "Omzet", ["Geen"], "SR"],
  [8401, "Omzet OSS verlaagd tarief hoog (RRH)", OSS_FUNCTION, "Omzet", ["Geen"], "RRH"],
  [8402, "Omzet OSS verlaagd tarief laag (RRL)", OSS_FUNCTION, "Omzet", ["Geen"], "RRL"],
  [8403, "Omzet OSS parkeertarief (PR)", OSS_FUNCTION, "Omzet", ["Geen"], "PR"],
  [8404, "Omzet OSS super verlaagd tarief (SRR)", OSS_FUNCTION, "Omzet", ["Geen"], "SRR"],
];

function ledger(rekeningCode: SimGrootboek["rekeningCode"]) {
  return ([nummer, omschrijving, functie, rubriek, btw, vatRateCode, nonactief]: LedgerRow): SimGrootboek => ({
    id: simLedgerId(nummer),
    nummer,
    omschrijving,
    rekeningCode,
    grootboekfunctie: functie,
    grootboekRubriek: rubriek,
    btwSoort: btw,
    vatRateCode: vatRateCode ?? null,
    nonactief: nonactief ?? false,
    kostenplaatsVerplicht: false,
  });
}

/** The chart of accounts, sorted by number. */
export const GROOTBOEKEN: readonly SimGrootboek[] = [...BALANCE.map(ledger("Balans")), ...RESULT.map(ledger("WinstEnVerlies"))].sort(
  (a, b) => a.nummer - b.nummer,
);

// ---- Dutch VAT history (GET /btwtarieven) ----

export interface SimBtwTarief {
  btwSoort: BtwSoort;
  btwPercentage: number;
  datumVanaf: string;
  datumTotEnMet: string;
}

const FROM_START = "1900-01-01T00:00:00";
const OPEN_END = "2400-12-31T00:00:00";

/**
 * The table as a live administration returns it (docs/reference/snelstart-api.md#dutch-rate-table,
 * rows and order as measured by [S4]): `Overig` 0 % is a row of its own, and Hoog 19 % starts on
 * 2001-01-01.
 */
export const BTW_TARIEVEN: readonly SimBtwTarief[] = [
  { btwSoort: "Geen", btwPercentage: 0, datumVanaf: FROM_START, datumTotEnMet: OPEN_END },
  { btwSoort: "Laag", btwPercentage: 9, datumVanaf: "2019-01-01T00:00:00", datumTotEnMet: OPEN_END },
  { btwSoort: "Laag", btwPercentage: 6, datumVanaf: "1986-10-01T00:00:00", datumTotEnMet: "2018-12-31T00:00:00" },
  { btwSoort: "Hoog", btwPercentage: 21, datumVanaf: "2012-10-01T00:00:00", datumTotEnMet: OPEN_END },
  { btwSoort: "Hoog", btwPercentage: 19, datumVanaf: "2001-01-01T00:00:00", datumTotEnMet: "2012-09-30T00:00:00" },
  { btwSoort: "Overig", btwPercentage: 0, datumVanaf: "1968-01-01T00:00:00", datumTotEnMet: OPEN_END },
];

/** The Dutch percentage of a soort on a date (`yyyy-MM-dd`), or null when none applies. */
export function nlRate(soort: BtwSoort, date: string): number | null {
  const row = BTW_TARIEVEN.find((t) => t.btwSoort === soort && t.datumVanaf.slice(0, 10) <= date && date <= t.datumTotEnMet.slice(0, 10));
  return row ? row.btwPercentage : null;
}

// ---- OSS rates per EU country (GET /vatrates), docs/reference/market-and-vat.md#eu-vat-rates-for-oss ----

export interface SimVatRate {
  rateCode: VatRateCode;
  rate: number;
  validFrom: string;
}

/** Rate lists as `CODE rate` pairs per start date; a later entry of a code replaces an earlier one. */
type RateHistory = Record<string, string>;

// Dates are when a rate took effect; "2021-07-01" (start of OSS) where only the current rate is
// known. Where a code disappears in reality (CZ RRH in 2024) the model, which has no end date,
// cannot say so; we list only the codes still in use.
const OSS_RATES: Record<string, RateHistory> = {
  AUT: { "2021-07-01": "SR 20 RRH 13 RRL 10" },
  BEL: { "2021-07-01": "SR 21 RRH 12 RRL 6 PR 12" },
  BGR: { "2021-07-01": "SR 20 RRL 9" },
  CYP: { "2021-07-01": "SR 19 RRH 9 RRL 5" },
  CZE: { "2021-07-01": "SR 21", "2024-01-01": "RRL 12" },
  DEU: { "2007-01-01": "SR 19", "1983-07-01": "RRL 7", "2020-07-01": "SR 16 RRL 5", "2021-01-01": "SR 19 RRL 7" },
  DNK: { "2021-07-01": "SR 25" },
  ESP: { "2021-07-01": "SR 21 RRL 10 SRR 4" },
  EST: { "2021-07-01": "SR 20 RRL 9", "2024-01-01": "SR 22", "2025-01-01": "RRH 13", "2025-07-01": "SR 24" },
  FIN: { "2021-07-01": "SR 24 RRH 14 RRL 10", "2024-09-01": "SR 25.5", "2026-01-01": "RRH 13.5" },
  FRA: { "2021-07-01": "SR 20 RRH 10 RRL 5.5 SRR 2.1" },
  GRC: { "2021-07-01": "SR 24 RRH 13 RRL 6" },
  HRV: { "2021-07-01": "SR 25 RRH 13 RRL 5" },
  HUN: { "2021-07-01": "SR 27 RRH 18 RRL 5" },
  IRL: { "2021-07-01": "SR 23 RRH 13.5 RRL 9 SRR 4.8 PR 13.5" },
  ITA: { "2021-07-01": "SR 22 RRH 10 RRL 5 SRR 4" },
  LTU: { "2021-07-01": "SR 21 RRH 9 RRL 5", "2026-01-01": "RRH 12" },
  LUX: { "2021-07-01": "SR 17 RRH 14 RRL 8 SRR 3", "2023-01-01": "SR 16 RRH 13 RRL 7", "2024-01-01": "SR 17 RRH 14 RRL 8" },
  LVA: { "2021-07-01": "SR 21 RRH 12 RRL 5" },
  MLT: { "2021-07-01": "SR 18 RRH 7 RRL 5 PR 12" },
  NLD: { "2021-07-01": "SR 21 RRL 9" },
  POL: { "2021-07-01": "SR 23 RRH 8 RRL 5" },
  PRT: { "2021-07-01": "SR 23 RRH 13 RRL 6" },
  ROU: { "2021-07-01": "SR 19 RRH 9 RRL 5", "2025-08-01": "SR 21 RRH 11 RRL 11" },
  SVK: { "2021-07-01": "SR 20 RRL 10", "2025-01-01": "SR 23 RRH 19 RRL 5" },
  SVN: { "2021-07-01": "SR 22 RRH 9.5 RRL 5" },
  SWE: { "2021-07-01": "SR 25 RRH 12 RRL 6" },
};

function expandRates(history: RateHistory): SimVatRate[] {
  const out: SimVatRate[] = [];
  for (const [from, list] of Object.entries(history).sort(([a], [b]) => a.localeCompare(b))) {
    const parts = list.split(" ");
    for (let i = 0; i < parts.length; i += 2) {
      out.push({ rateCode: parts[i] as VatRateCode, rate: Number(parts[i + 1]), validFrom: `${from}T00:00:00` });
    }
  }
  return out;
}

export const VAT_RATES: ReadonlyMap<string, readonly SimVatRate[]> = new Map(
  Object.entries(OSS_RATES).map(([iso3, history]) => [iso3, expandRates(history)]),
);

/** The OSS rate of `code` in country `iso3` on `date` (`yyyy-MM-dd`): the latest entry valid from on or before it. */
export function ossRate(iso3: string, code: VatRateCode, date: string): number | null {
  let best: SimVatRate | null = null;
  for (const r of VAT_RATES.get(iso3) ?? []) {
    if (r.rateCode === code && r.validFrom.slice(0, 10) <= date && (!best || r.validFrom >= best.validFrom)) best = r;
  }
  return best ? best.rate : null;
}

// ---- artikelomzetgroepen ----

export interface SimOmzetgroep {
  id: string;
  nummer: number;
  omschrijving: string;
  grootboek: number;
  btwSoort: BtwSoort;
}

export const OMZETGROEPEN: readonly SimOmzetgroep[] = [
  { id: simOmzetgroepId(1), nummer: 1, omschrijving: "Hoog btw", grootboek: 8000, btwSoort: "Hoog" },
  { id: simOmzetgroepId(2), nummer: 2, omschrijving: "Laag btw", grootboek: 8010, btwSoort: "Laag" },
  { id: simOmzetgroepId(3), nummer: 3, omschrijving: "Geen btw", grootboek: 8030, btwSoort: "Geen" },
  { id: simOmzetgroepId(4), nummer: 4, omschrijving: "Verzendkosten", grootboek: 8200, btwSoort: "Hoog" },
];

// ---- dagboeken (GET /dagboeken, docs/reference/snelstart-api.md#grootboeken-and-dagboeken) ----

export interface SimDagboek {
  id: string;
  nummer: number;
  omschrijving: string;
  soort: "Geen" | "Kas" | "Bank" | "Verkoop" | "Inkoop" | "Memoriaal" | "Balans";
  nonactief: boolean;
}

/** Six journals, as a typical administration has (a live one reported 6, reference [S4], docs/reference/snelstart-api.md#sources). */
export const DAGBOEKEN: readonly SimDagboek[] = (
  [
    [1000, "Kas", "Kas", false],
    [1100, "Bank", "Bank", false],
    [1300, "Debiteuren", "Verkoop", false],
    [1600, "Crediteuren", "Inkoop", false],
    [1900, "Memoriaal", "Memoriaal", false],
    [1190, "Bank (oude rekening)", "Bank", true],
  ] as const
).map(([nummer, omschrijving, soort, nonactief]) => ({ id: simDagboekId(nummer), nummer, omschrijving, soort, nonactief }));

// ---- kostenplaatsen (GET /kostenplaatsen; KostenplaatsModel {omschrijving, nonactief, nummer, id, uri}) ----

export interface SimKostenplaats {
  id: string;
  nummer: number;
  omschrijving: string;
  nonactief: boolean;
}

export const KOSTENPLAATSEN: readonly SimKostenplaats[] = (
  [
    [1, "Webwinkel", false],
    [2, "Winkel Alkmaar", false],
    [3, "Marketing", false],
    [9, "Beurzen (niet meer gebruiken)", true],
  ] as const
).map(([nummer, omschrijving, nonactief]) => ({ id: simKostenplaatsId(nummer), nummer, omschrijving, nonactief }));

// ---- company ----

export const ADMINISTRATIE_NAAM = "Demo Webwinkel B.V.";

// ---- lookups ----

const LAND_BY_ID = new Map(LANDEN.map((l) => [l.id, l]));
const LEDGER_BY_ID = new Map(GROOTBOEKEN.map((g) => [g.id, g]));
const OMZETGROEP_BY_ID = new Map(OMZETGROEPEN.map((g) => [g.id, g]));
const KOSTENPLAATS_BY_ID = new Map(KOSTENPLAATSEN.map((k) => [k.id, k]));

export function landById(id: string | null | undefined): SimLand | undefined {
  return id ? LAND_BY_ID.get(id) : undefined;
}
export function ledgerById(id: string | null | undefined): SimGrootboek | undefined {
  return id ? LEDGER_BY_ID.get(id) : undefined;
}
export function omzetgroepById(id: string | null | undefined): SimOmzetgroep | undefined {
  return id ? OMZETGROEP_BY_ID.get(id) : undefined;
}
export function kostenplaatsById(id: string | null | undefined): SimKostenplaats | undefined {
  return id ? KOSTENPLAATS_BY_ID.get(id.toLowerCase()) : undefined;
}

/** A reference as the API renders it: `{id, uri}` with the relative resource path. */
export function refOut(resource: string, id: string): { id: string; uri: string } {
  return { id, uri: `/${resource}/${id}` };
}
