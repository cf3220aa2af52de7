/**
 * Settings and reference resources: `companyInfo` (GET, PUT of factureerBuitenlandsBtw only),
 * `landen` and `dagboeken` (both ignore `$filter`, like the real ones), `kostenplaatsen` (ignores
 * query options too: our choice), `grootboeken` (OData), `btwtarieven`, `vatrates`,
 * `vatratedefinitions` (docs/reference/snelstart-api.md#landen, #grootboeken-and-dagboeken,
 * #btw-data).
 */
import type { SimRequest, SimResponse } from "../http";
import { companyInfoBody, isGuid, parseBody } from "./bodies";
import {
  ADMINISTRATIE_NAAM,
  ADMINISTRATION_ID,
  BTW_TARIEVEN,
  DAGBOEKEN,
  FOREIGN_VAT_LEDGER,
  GROOTBOEKEN,
  KOSTENPLAATSEN,
  LANDEN,
  VAT_RATES,
  kostenplaatsById,
  landById,
  ledgerById,
  refOut,
  simLedgerId,
  type SimDagboek,
  type SimGrootboek,
  type SimKostenplaats,
} from "./data";
import { apiError, badRequest, notFound } from "./messages";
import { queryList, type ODataResource } from "./odata";
import type { SimState } from "./state";

export function renderCompanyInfo(state: SimState): Record<string, unknown> {
  return {
    administratieIdentifier: ADMINISTRATION_ID,
    administratieNaam: ADMINISTRATIE_NAAM,
    bedrijfsnaam: ADMINISTRATIE_NAAM,
    btwNummer: "NL123456789B01",
    kvKNummer: "12345678",
    huidigBoekjaar: new Date(state.now()).getUTCFullYear(),
    volgendFactuurnummer: 1,
    artikelcodeSoort: "Alfanumeriek",
    artikelcodeMaxLengte: 25,
    verkoopprijsArtikelbestandExclusiefBtw: false,
    factuurAlsBijlageVerkoopboeking: false,
    factureerBuitenlandsBtw: state.ossEnabled,
    buitenlandseBtwGrootboek: refOut("grootboeken", simLedgerId(FOREIGN_VAT_LEDGER)),
    factureerBuitenlandsBtwRanges: [],
    // KleineOndernemersRegelingModel (spec): an object, not a flag.
    kleineOndernemersregeling: { isKleineOndernemersRegelingActief: false, maximaalBedragVolledigeVerrekening: 0, maximaalBedragKleineOndernemersRegeling: 0 },
    btwAangiftePeriodeSoort: "Kwartaal",
    rechtsvorm: "BV",
  };
}

export function getCompanyInfo(state: SimState): SimResponse {
  return { status: 200, body: renderCompanyInfo(state) };
}

/** "Op dit moment wordt alleen het updaten van de setting FactureerBuitenlandsBtw ondersteund": other fields are ignored. */
export function putCompanyInfo(state: SimState, req: SimRequest): SimResponse {
  const parsed = parseBody(req, companyInfoBody);
  if (!parsed.ok) return parsed.response;
  state.ossEnabled = parsed.value.factureerBuitenlandsBtw;
  return { status: 200, body: renderCompanyInfo(state) };
}

function renderLand(l: (typeof LANDEN)[number]): Record<string, unknown> {
  return { ...l, uri: `/landen/${l.id}` };
}

/** Every land; `$filter`, `$top` and `$skip` are ignored (OBSERVED, docs/reference/snelstart-api.md#odata). */
export function listLanden(): SimResponse {
  return { status: 200, body: LANDEN.map(renderLand) };
}

export function getLand(_state: SimState, req: SimRequest): SimResponse {
  const l = landById(req.params.id);
  return l ? { status: 200, body: renderLand(l) } : notFound("land", req.params.id);
}

const LEDGER_MODIFIED_ON = "2024-01-01T00:00:00";

function renderGrootboek(g: SimGrootboek): Record<string, unknown> {
  return { ...g, uri: `/grootboeken/${g.id}`, modifiedOn: LEDGER_MODIFIED_ON, rgsCode: [] };
}

const LEDGERS: ODataResource<SimGrootboek> = {
  typeName: "SnelStart.B2B.Api.V2.Models.Grootboeken.GrootboekModel",
  filter: {
    Id: { type: "guid", get: (g) => g.id },
    ModifiedOn: { type: "datetime", get: () => LEDGER_MODIFIED_ON },
    Nummer: { type: "number", get: (g) => g.nummer },
    Omschrijving: { type: "string", get: (g) => g.omschrijving },
    Grootboekfunctie: { type: "string", get: (g) => g.grootboekfunctie },
    RekeningCode: { type: "string", get: (g) => g.rekeningCode },
    VatRateCode: { type: "string", get: (g) => g.vatRateCode },
    Nonactief: { type: "boolean", get: (g) => g.nonactief },
    KostenplaatsVerplicht: { type: "boolean", get: (g) => g.kostenplaatsVerplicht },
    BtwSoort: { type: "collection", of: "string", get: (g) => g.btwSoort },
  },
  fields: ["id", "uri", "modifiedOn", "omschrijving", "kostenplaatsVerplicht", "rekeningCode", "nonactief", "nummer", "grootboekfunctie", "grootboekRubriek", "rgsCode", "btwSoort", "vatRateCode"],
  render: renderGrootboek,
};

export function listGrootboeken(_state: SimState, req: SimRequest): SimResponse {
  return queryList(req, GROOTBOEKEN, LEDGERS);
}

export function getGrootboek(_state: SimState, req: SimRequest): SimResponse {
  const g = ledgerById(req.params.id);
  return g ? { status: 200, body: renderGrootboek(g) } : notFound("grootboek", req.params.id);
}

function renderDagboek(d: SimDagboek): Record<string, unknown> {
  return { ...d, uri: `/dagboeken/${d.id}` };
}

/** Every journal; `$filter` (and any other query option) is ignored (OBSERVED, docs/reference/snelstart-api.md#odata). */
export function listDagboeken(): SimResponse {
  return { status: 200, body: DAGBOEKEN.map(renderDagboek) };
}

function renderKostenplaats(k: SimKostenplaats): Record<string, unknown> {
  return { ...k, uri: `/kostenplaatsen/${k.id}` };
}

/** Every cost centre, inactive ones included; query options are ignored (not known to be OData). */
export function listKostenplaatsen(): SimResponse {
  return { status: 200, body: KOSTENPLAATSEN.map(renderKostenplaats) };
}

export function getKostenplaats(_state: SimState, req: SimRequest): SimResponse {
  const id = req.params.id;
  if (!isGuid(id)) return badRequest([apiError("ALG-0103", id)]);
  const k = kostenplaatsById(id);
  return k ? { status: 200, body: renderKostenplaats(k) } : notFound("kostenplaats", id);
}

export function listBtwTarieven(): SimResponse {
  return { status: 200, body: BTW_TARIEVEN };
}

export function listVatRates(): SimResponse {
  return { status: 200, body: [...VAT_RATES.entries()].map(([countryCode, vatRates]) => ({ countryCode, vatRates })) };
}

/** `GET /vatrates/{countryCode}`: ISO alpha-3, case-insensitive. */
export function getVatRates(_state: SimState, req: SimRequest): SimResponse {
  const code = req.params.countryCode.toUpperCase();
  const rates = VAT_RATES.get(code);
  return rates ? { status: 200, body: { countryCode: code, vatRates: rates } } : notFound("btw-tarief voor land", req.params.countryCode);
}

export function listVatRateDefinitions(): SimResponse {
  return {
    status: 200,
    body: [
      { rateCode: "SR", shortName: "Standaard", name: "Standaardtarief" },
      { rateCode: "RRH", shortName: "Verlaagd hoog", name: "Verlaagd tarief (hoog)" },
      { rateCode: "RRL", shortName: "Verlaagd laag", name: "Verlaagd tarief (laag)" },
      { rateCode: "PR", shortName: "Parkeer", name: "Parkeertarief" },
      { rateCode: "SRR", shortName: "Super verlaagd", name: "Super verlaagd tarief" },
    ],
  };
}
