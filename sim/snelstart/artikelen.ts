/**
 * `/artikelen` (list with OData, create, get) and the
 * read-only `/artikelomzetgroepen` (docs/reference/snelstart-api.md#artikelen-and-omzetgroepen).
 *
 * Codes: ALG-0100 id not empty; ART-0002 artikelcode missing; ART-0004 longer than
 * companyInfo.artikelcodeMaxLengte (25); ART-0005 artikelcode exists (exact match, as the
 * `Artikelcode eq` filter compares); ART-0006 omschrijving missing; ART-0008/0009 omzetgroep
 * missing/unknown. The administration's codes are Alfanumeriek, so ART-0003 never applies.
 * The omschrijving length limit (ART-0007) is unknown in the reference and not checked.
 */
import type { SimRequest, SimResponse } from "../http";
import { artikelBody, isGuid, naiveDateTime, parseBody, type ArtikelBody } from "./bodies";
import { OMZETGROEPEN, omzetgroepById, refOut, simLedgerId, type SimOmzetgroep } from "./data";
import { apiError, badRequest, notFound, type ApiError } from "./messages";
import { complexType, queryList, refType, type ODataResource } from "./odata";
import type { SimState, StoredArtikel } from "./state";

export const ARTIKELCODE_MAX = 25;

const EXTRA_VELD = complexType<{ naam?: string | null; waarde?: string | null }>("SnelStart.B2B.Api.V2.Models.ExtraVelden.ExtraVeldModel", {
  Naam: { type: "string", get: (e) => e.naam ?? null },
  Waarde: { type: "string", get: (e) => e.waarde ?? null },
});

const RESOURCE: ODataResource<StoredArtikel> = {
  typeName: "SnelStart.B2B.Api.V2.Models.Artikelen.ArtikelModel",
  filter: {
    Id: { type: "guid", get: (a) => a.id },
    ModifiedOn: { type: "datetime", get: (a) => a.modifiedOn },
    Artikelcode: { type: "string", get: (a) => a.artikelcode },
    Omschrijving: { type: "string", get: (a) => a.omschrijving },
    Verkoopprijs: { type: "decimal", get: (a) => a.verkoopprijs },
    IsNonActief: { type: "boolean", get: (a) => (a.extra.isNonActief as boolean | null | undefined) ?? false },
    ArtikelOmzetgroep: { type: "complex", of: refType("SnelStart.B2B.Api.V2.Models.Artikelen.ArtikelOmzetgroepIdentifierModel"), get: (a) => ({ id: a.omzetgroepId }) },
    ExtraVelden: { type: "collection", of: EXTRA_VELD, get: (a) => (a.extra.extraVelden as unknown[] | null | undefined) ?? [] },
  },
  fields: Object.keys(artikelBody.shape),
  render: (a) => renderArtikel(a),
};

const MODELLED = new Set(["id", "uri", "modifiedOn", "artikelcode", "omschrijving", "artikelOmzetgroep", "verkoopprijs", "isHoofdartikel", "subartikelen"]);

export function renderArtikel(a: StoredArtikel): Record<string, unknown> {
  return {
    isNonActief: false,
    voorraadControle: false,
    extraVelden: [],
    ...a.extra,
    id: a.id,
    uri: `/artikelen/${a.id}`,
    modifiedOn: a.modifiedOn,
    artikelcode: a.artikelcode,
    omschrijving: a.omschrijving,
    artikelOmzetgroep: refOut("artikelomzetgroepen", a.omzetgroepId),
    verkoopprijs: a.verkoopprijs,
    isHoofdartikel: false,
    subartikelen: [],
  };
}

export function listArtikelen(state: SimState, req: SimRequest): SimResponse {
  return queryList(req, [...state.artikelen.values()], RESOURCE);
}

export function getArtikel(state: SimState, req: SimRequest): SimResponse {
  const id = req.params.id;
  if (!isGuid(id)) return badRequest([apiError("ALG-0103", id)]);
  const a = state.artikelen.get(id);
  return a ? { status: 200, body: renderArtikel(a) } : notFound("artikel", id);
}

function artikelErrors(state: SimState, b: ArtikelBody): ApiError[] {
  const errors: ApiError[] = [];
  if (b.id) errors.push(apiError("ALG-0100"));
  const code = b.artikelcode ?? "";
  if (code.trim() === "") errors.push(apiError("ART-0002"));
  else if (code.length > ARTIKELCODE_MAX) errors.push(apiError("ART-0004", `maximaal ${ARTIKELCODE_MAX} tekens`));
  else if ([...state.artikelen.values()].some((a) => a.artikelcode === code)) errors.push(apiError("ART-0005", code));
  if (!b.omschrijving?.trim()) errors.push(apiError("ART-0006"));
  if (!b.artikelOmzetgroep?.id) errors.push(apiError("ART-0008"));
  else if (!omzetgroepById(b.artikelOmzetgroep.id)) errors.push(apiError("ART-0009", b.artikelOmzetgroep.id));
  return errors;
}

export function createArtikel(state: SimState, req: SimRequest): SimResponse {
  const parsed = parseBody(req, artikelBody);
  if (!parsed.ok) return parsed.response;
  const b = parsed.value;
  const errors = artikelErrors(state, b);
  if (errors.length) return badRequest(errors);
  const a: StoredArtikel = {
    id: state.newId(),
    artikelcode: b.artikelcode as string,
    omschrijving: b.omschrijving as string,
    omzetgroepId: b.artikelOmzetgroep?.id as string,
    verkoopprijs: b.verkoopprijs ?? null,
    modifiedOn: naiveDateTime(state.now()),
    extra: Object.fromEntries(Object.entries(b).filter(([k]) => !MODELLED.has(k))),
  };
  state.artikelen.set(a.id, a);
  return { status: 201, body: renderArtikel(a) };
}

function renderOmzetgroep(g: SimOmzetgroep): Record<string, unknown> {
  return {
    id: g.id,
    uri: `/artikelomzetgroepen/${g.id}`,
    nummer: g.nummer,
    omschrijving: g.omschrijving,
    verkoopGrootboekNederlandIdentifier: refOut("grootboeken", simLedgerId(g.grootboek)),
    verkoopNederlandBtwSoort: g.btwSoort,
  };
}

export function listOmzetgroepen(): SimResponse {
  return { status: 200, body: OMZETGROEPEN.map(renderOmzetgroep) };
}

export function getOmzetgroep(_state: SimState, req: SimRequest): SimResponse {
  const g = omzetgroepById(req.params.id);
  return g ? { status: 200, body: renderOmzetgroep(g) } : notFound("artikelomzetgroep", req.params.id);
}
