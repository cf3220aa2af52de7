/**
 * `/verkoopboekingen` (POST, GET/DELETE by id) and the read-only `/verkoopfacturen` view that every
 * booking gets (docs/reference/snelstart-api.md#verkoopboekingen, #verkoopfacturen, #idempotency).
 *
 * The BOE rules, in the order they are reported (all errors of a request are returned):
 *   ALG-0100 id not empty; BOE-0058 factuurnummer missing or > 25; BOE-0021 factuurnummer exists
 *   (whole administration, exact match); BOE-0070 factuurdatum invalid; BOE-0071/0068
 *   omschrijving/boekstuk too long; BOE-0060 klant unknown or not a Klant, BOE-0054 inactive;
 *   BOE-0023 no lines; per line BOE-0037 unknown ledger, BOE-0008 inactive, BOE-0075 a journal
 *   ledger, BOE-0061 a VAT ledger, BOE-0028 zero amount, BOE-0082 soort missing (we require it:
 *   the spec lets it be derived, stricter to demand it) or not allowed on the ledger, BOE-0080
 *   an EU B2B ledger for a klant without btwNummer, BOE-0019/BOE-0026 an unknown/inactive
 *   kostenplaats; per btw row BOE-0082 when it is not a
 *   Verkopen soort matching a line soort, BOE-0062 verlegd combined; then the OSS rules
 *   (see `ossErrors`); last BOE-0039 factuurbedrag ≠ Σ line bedrag + Σ btwBedrag, in cents.
 *
 * Dutch btw rows are taken as given (not recomputed from the lines): whether SnelStart checks them
 * is an open question (docs/reference/snelstart-api.md#open-are-btw-rows-checked), and the order's
 * VAT per group is computed on gross amounts, which may differ from Σ net × rate by a cent.
 */
import type { SimRequest, SimResponse } from "../http";
import type { BtwSoort } from "../../src/snelstart/schemas";
import { isGuid, naiveDateTime, parseBody, parseNaiveDate, verkoopboekingBody, type VerkoopboekingBody } from "./bodies";
import { EU_B2B_FUNCTIONS, EU_COUNTRIES, FOREIGN_VAT_LEDGER, OSS_FUNCTION, kostenplaatsById, landById, ledgerById, ossRate, refOut, type SimGrootboek, type SimLand } from "./data";
import { apiError, badRequest, notFound, type ApiError } from "./messages";
import { toCents } from "./money";
import { queryList, refType, type ODataResource } from "./odata";
import type { SimState, StoredBoeking, StoredRelatie } from "./state";

/** The first date OSS rules apply (EU e-commerce package). */
const OSS_START = "2021-07-01";

const ROW_FOR_LINE: Record<string, BtwSoort> = { VerkopenHoog: "Hoog", VerkopenLaag: "Laag", VerkopenOverig: "Overig", VerkopenVerlegd: "Geen" };

export function renderBoeking(b: StoredBoeking): Record<string, unknown> {
  return {
    id: b.id,
    uri: `/verkoopboekingen/${b.id}`,
    modifiedOn: b.modifiedOn,
    factuurnummer: b.factuurnummer,
    factuurdatum: `${b.factuurdatum}T00:00:00`,
    klant: refOut("relaties", b.klantId),
    omschrijving: b.omschrijving,
    boekstuk: b.boekstuk,
    betalingstermijn: b.betalingstermijn,
    factuurbedrag: b.factuurbedrag,
    boekingsregels: b.boekingsregels.map((r) => ({
      omschrijving: r.omschrijving,
      grootboek: refOut("grootboeken", r.grootboekId),
      kostenplaats: r.kostenplaatsId ? refOut("kostenplaatsen", r.kostenplaatsId) : null,
      bedrag: r.bedrag,
      btwSoort: r.btwSoort,
    })),
    btw: b.btw,
    documents: [],
    markering: false,
    gewijzigdDoorAccountant: false,
    eenmaligeIncassoMachtiging: null,
    doorlopendeIncassoMachtiging: null,
  };
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function renderFactuur(state: SimState, b: StoredBoeking): Record<string, unknown> {
  const termijn = b.betalingstermijn ?? state.relaties.get(b.klantId)?.krediettermijn ?? 0;
  return {
    id: b.factuurId,
    uri: `/verkoopfacturen/${b.factuurId}`,
    modifiedOn: b.modifiedOn,
    factuurnummer: b.factuurnummer,
    verkoopBoeking: refOut("verkoopboekingen", b.id),
    relatie: refOut("relaties", b.klantId),
    factuurDatum: `${b.factuurdatum}T00:00:00`,
    vervalDatum: `${addDays(b.factuurdatum, termijn)}T00:00:00`,
    factuurBedrag: b.factuurbedrag,
    // No payments are modelled: the whole invoice stays open.
    openstaandSaldo: b.factuurbedrag,
    verkoopOrders: [],
  };
}

// ---- validation ----

interface Line {
  index: number;
  ledger: SimGrootboek;
  cents: number;
  btwSoort: BtwSoort;
}

function headerErrors(state: SimState, b: VerkoopboekingBody): ApiError[] {
  const errors: ApiError[] = [];
  if (b.id) errors.push(apiError("ALG-0100"));
  const nr = b.factuurnummer ?? "";
  if (nr.trim() === "" || nr.length > 25) errors.push(apiError("BOE-0058", nr === "" ? undefined : `${nr.length} tekens`));
  else if (state.uniqueFactuurnummer && state.findBoeking(nr)) errors.push(apiError("BOE-0021", nr));
  if (b.factuurdatum != null && parseNaiveDate(b.factuurdatum) === null) errors.push(apiError("BOE-0070", b.factuurdatum));
  if ((b.omschrijving?.length ?? 0) > 250) errors.push(apiError("BOE-0071"));
  if ((b.boekstuk?.length ?? 0) > 25) errors.push(apiError("BOE-0068"));
  return errors;
}

function klantErrors(klant: StoredRelatie | undefined, id: string | undefined): ApiError[] {
  if (!klant || !klant.relatiesoort.includes("Klant")) return [apiError("BOE-0060", id)];
  if (klant.nonactief) return [apiError("BOE-0054", klant.id)];
  return [];
}

/** Per-line checks; returns the lines that are usable for the VAT and balance checks. */
function lineErrors(b: VerkoopboekingBody, klant: StoredRelatie | undefined, errors: ApiError[]): Line[] {
  const lines: Line[] = [];
  (b.boekingsregels ?? []).forEach((r, index) => {
    const at = `regel ${index + 1}`;
    const ledger = ledgerById(r.grootboek?.id);
    if (!ledger) {
      errors.push(apiError("BOE-0037", `${at}: ${r.grootboek?.id ?? "geen grootboek"}`));
      return;
    }
    if (ledger.nonactief) errors.push(apiError("BOE-0008", `${at}: ${ledger.nummer}`));
    if (ledger.grootboekfunctie.startsWith("Dagboek")) errors.push(apiError("BOE-0075", `${at}: ${ledger.nummer}`));
    if (ledger.grootboekfunctie.startsWith("Btw")) errors.push(apiError("BOE-0061", `${at}: ${ledger.nummer}`));
    const cents = r.bedrag == null ? 0 : toCents(r.bedrag);
    if (cents === 0) errors.push(apiError("BOE-0028", at));
    if (!r.btwSoort || !ledger.btwSoort.includes(r.btwSoort)) {
      errors.push(apiError("BOE-0082", `${at}: ${r.btwSoort ?? "geen btw-soort"} op ${ledger.nummer} (toegestaan: ${ledger.btwSoort.join(", ") || "geen"})`));
    }
    if (EU_B2B_FUNCTIONS.has(ledger.grootboekfunctie) && klant && !klant.btwNummer) errors.push(apiError("BOE-0080", `${at}: ${ledger.nummer}`));
    if (r.kostenplaats) {
      const k = kostenplaatsById(r.kostenplaats.id);
      if (!k) errors.push(apiError("BOE-0019", `${at}: ${r.kostenplaats.id}`));
      else if (k.nonactief) errors.push(apiError("BOE-0026", `${at}: ${k.nummer}`));
    }
    if (r.btwSoort) lines.push({ index, ledger, cents, btwSoort: r.btwSoort });
  });
  return lines;
}

function btwRowErrors(b: VerkoopboekingBody, lines: Line[]): ApiError[] {
  const errors: ApiError[] = [];
  const rows = b.btw ?? [];
  const lineSoorten = new Set(lines.map((l) => l.btwSoort));
  for (const row of rows) {
    const needs = ROW_FOR_LINE[row.btwSoort];
    if (!needs || !lineSoorten.has(needs)) errors.push(apiError("BOE-0082", `btw ${row.btwSoort}: geen boekingsregel met een passende btw-soort`));
  }
  const verlegd = rows.some((r) => r.btwSoort === "VerkopenVerlegd");
  if (verlegd && (rows.some((r) => r.btwSoort !== "VerkopenVerlegd") || lines.some((l) => l.btwSoort !== "Geen"))) errors.push(apiError("BOE-0062"));
  return errors;
}

function isForeignVatLine(l: Line): boolean {
  return l.ledger.nummer === FOREIGN_VAT_LEDGER;
}
function isOssLine(l: Line): boolean {
  return l.ledger.grootboekfunctie === OSS_FUNCTION && l.ledger.vatRateCode !== null;
}

/**
 * The country whose VAT a sale to `klant` on `date` carries under OSS, or null when it is no OSS
 * case: `factureerBuitenlandsBtw` on, a klant without btwNummer, `landId` (default: its
 * vestigingsadres) in an EU country other than NL, on or after 2021-07-01.
 */
export function ossCountry(state: SimState, klant: StoredRelatie | undefined, date: string, landId = klant?.vestigingsAdres?.landId): SimLand | null {
  const country = landById(landId);
  const ossCase = state.ossEnabled && !!klant && !klant.btwNummer && !!country && EU_COUNTRIES.has(country.landcode) && country.landcode !== "NL" && date >= OSS_START;
  return ossCase ? country : null;
}

/**
 * OSS ("buitenlandse btw", docs/reference/snelstart-api.md#oss-bookings). A booking is an OSS case
 * when the administration's `factureerBuitenlandsBtw` is on, the klant has no btwNummer, its
 * vestigingsadres is in an EU country other than NL, and the factuurdatum is on or after
 * 2021-07-01. Then (the codes are UNCERTAIN in the reference; our choice):
 *   - btw rows must be empty                                       BOE-0069
 *   - every line on a function-84 ledger or the foreign-VAT ledger BOE-0081 (lines are `Geen`
 *     because those ledgers allow only `Geen`: BOE-0082 above)
 *   - the country has a rate for each ledger's vatRateCode on the date  BOE-0081
 *   - the foreign-VAT ledger total = Σ function-84 line × rate, within ±1 cent per
 *     function-84 line                                             BOE-0039
 * Outside an OSS case, a function-84 ledger with a vatRateCode or the foreign-VAT ledger is
 * refused (stricter; the reference says nothing): BOE-0081 when the setting is off (no foreign
 * VAT set up), BOE-0080 when it is on but this klant/date does not qualify.
 */
function ossErrors(state: SimState, klant: StoredRelatie | undefined, date: string, lines: Line[], b: VerkoopboekingBody): ApiError[] {
  const country = ossCountry(state, klant, date);
  const foreignish = lines.filter((l) => isOssLine(l) || isForeignVatLine(l));
  if (!country) {
    if (foreignish.length === 0) return [];
    const code = state.ossEnabled ? "BOE-0080" : "BOE-0081";
    const why = state.ossEnabled ? "geen buitenlandse btw voor deze klant of datum" : "buitenlandse btw staat uit";
    return foreignish.map((l) => apiError(code, `regel ${l.index + 1}: ${l.ledger.nummer}, ${why}`));
  }
  const errors: ApiError[] = [];
  if ((b.btw ?? []).length > 0) errors.push(apiError("BOE-0069", "btw-regels zijn niet toegestaan bij buitenlandse btw"));
  let expected = 0;
  let ossLines = 0;
  const iso3 = country.landcodeISO;
  for (const l of lines) {
    if (isForeignVatLine(l)) continue;
    if (!isOssLine(l)) {
      errors.push(apiError("BOE-0081", `regel ${l.index + 1}: ${l.ledger.nummer} is geen grootboekrekening voor buitenlandse btw`));
      continue;
    }
    const rate = ossRate(iso3, l.ledger.vatRateCode as NonNullable<SimGrootboek["vatRateCode"]>, date);
    if (rate === null) {
      errors.push(apiError("BOE-0081", `regel ${l.index + 1}: geen tarief ${l.ledger.vatRateCode} voor ${iso3} op ${date}`));
      continue;
    }
    expected += (l.cents * rate) / 100;
    ossLines += 1;
  }
  const actual = lines.filter(isForeignVatLine).reduce((s, l) => s + l.cents, 0);
  if (errors.length === 0 && Math.abs(actual - expected) > ossLines + 1e-9) {
    errors.push(apiError("BOE-0039", `buitenlandse btw ${(actual / 100).toFixed(2)}, verwacht ${(expected / 100).toFixed(2)} (±0.01 per regel)`));
  }
  return errors;
}

function balanceErrors(b: VerkoopboekingBody): ApiError[] {
  const lines = (b.boekingsregels ?? []).reduce((s, r) => s + (r.bedrag == null ? 0 : toCents(r.bedrag)), 0);
  const btw = (b.btw ?? []).reduce((s, r) => s + toCents(r.btwBedrag), 0);
  const total = b.factuurbedrag == null ? null : toCents(b.factuurbedrag);
  if (total === lines + btw) return [];
  const shown = total === null ? "geen factuurbedrag" : `factuurbedrag ${(total / 100).toFixed(2)}`;
  return [apiError("BOE-0039", `${shown}, regels + btw ${((lines + btw) / 100).toFixed(2)}`)];
}

function boekingErrors(state: SimState, b: VerkoopboekingBody, date: string | null): ApiError[] {
  const errors = headerErrors(state, b);
  const klant = b.klant?.id ? state.relaties.get(b.klant.id) : undefined;
  errors.push(...klantErrors(klant, b.klant?.id));
  if ((b.boekingsregels ?? []).length === 0) errors.push(apiError("BOE-0023"));
  const lines = lineErrors(b, klant, errors);
  errors.push(...btwRowErrors(b, lines));
  if (date) errors.push(...ossErrors(state, klant, date, lines, b));
  errors.push(...balanceErrors(b));
  return errors;
}

// ---- handlers ----

export function createVerkoopboeking(state: SimState, req: SimRequest): SimResponse {
  const parsed = parseBody(req, verkoopboekingBody);
  if (!parsed.ok) return parsed.response;
  const b = parsed.value;
  // A missing factuurdatum is "today" (it is not required in the spec).
  const date = b.factuurdatum == null ? naiveDateTime(state.now()).slice(0, 10) : parseNaiveDate(b.factuurdatum);
  const errors = boekingErrors(state, b, date);
  if (errors.length) return badRequest(errors);
  const stored: StoredBoeking = {
    id: state.newId(),
    factuurId: state.newId(),
    factuurnummer: b.factuurnummer as string,
    factuurdatum: date as string,
    klantId: b.klant?.id as string,
    omschrijving: b.omschrijving ?? null,
    boekstuk: b.boekstuk ?? null,
    betalingstermijn: b.betalingstermijn ?? null,
    factuurbedrag: b.factuurbedrag as number,
    boekingsregels: (b.boekingsregels ?? []).map((r) => ({
      omschrijving: r.omschrijving ?? null,
      grootboekId: r.grootboek?.id as string,
      bedrag: r.bedrag as number,
      btwSoort: r.btwSoort as BtwSoort,
      kostenplaatsId: r.kostenplaats?.id ?? null,
    })),
    btw: (b.btw ?? []).map((r) => ({ btwSoort: r.btwSoort, btwBedrag: r.btwBedrag })),
    modifiedOn: naiveDateTime(state.now()),
  };
  state.verkoopboekingen.set(stored.id, stored);
  return { status: 201, body: renderBoeking(stored) };
}

function byId<T>(map: ReadonlyMap<string, T>, id: string, what: string): T | SimResponse {
  if (!isGuid(id)) return badRequest([apiError("ALG-0103", id)]);
  return map.get(id) ?? notFound(what, id);
}

export function getVerkoopboeking(state: SimState, req: SimRequest): SimResponse {
  const b = byId(state.verkoopboekingen, req.params.id, "verkoopboeking");
  return "status" in b ? b : { status: 200, body: renderBoeking(b) };
}

export function deleteVerkoopboeking(state: SimState, req: SimRequest): SimResponse {
  const b = byId(state.verkoopboekingen, req.params.id, "verkoopboeking");
  if ("status" in b) return b;
  state.verkoopboekingen.delete(b.id);
  return { status: 200 };
}

const FACTUUR_FIELDS = ["id", "uri", "modifiedOn", "factuurnummer", "verkoopBoeking", "relatie", "factuurDatum", "vervalDatum", "factuurBedrag", "openstaandSaldo", "verkoopOrders"];

function facturen(state: SimState): ODataResource<StoredBoeking> {
  return {
    typeName: "SnelStart.B2B.Api.V2.Models.Verkoopfacturen.VerkoopfactuurModel",
    filter: {
      Id: { type: "guid", get: (b) => b.factuurId },
      ModifiedOn: { type: "datetime", get: (b) => b.modifiedOn },
      Factuurnummer: { type: "string", get: (b) => b.factuurnummer },
      FactuurDatum: { type: "datetime", get: (b) => b.factuurdatum },
      FactuurBedrag: { type: "decimal", get: (b) => b.factuurbedrag },
      OpenstaandSaldo: { type: "decimal", get: (b) => b.factuurbedrag },
      Relatie: { type: "complex", of: refType("SnelStart.B2B.Api.V2.Models.Relaties.RelatieIdentifierModel"), get: (b) => ({ id: b.klantId }) },
      VerkoopBoeking: { type: "complex", of: refType("SnelStart.B2B.Api.V2.Models.VerkoopBoekingen.VerkoopboekingIdentifierModel"), get: (b) => ({ id: b.id }) },
    },
    fields: FACTUUR_FIELDS,
    render: (b) => renderFactuur(state, b),
  };
}

export function listVerkoopfacturen(state: SimState, req: SimRequest): SimResponse {
  return queryList(req, [...state.verkoopboekingen.values()], facturen(state));
}

export function getVerkoopfactuur(state: SimState, req: SimRequest): SimResponse {
  const id = req.params.id;
  if (!isGuid(id)) return badRequest([apiError("ALG-0103", id)]);
  const b = [...state.verkoopboekingen.values()].find((x) => x.factuurId === id);
  return b ? { status: 200, body: renderFactuur(state, b) } : notFound("verkoopfactuur", id);
}
