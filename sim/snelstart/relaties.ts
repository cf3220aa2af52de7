/**
 * `/relaties`: list with OData, get one (active only), create (POST) and replace (PUT) with the REL
 * rules of docs/reference/snelstart-api.md#relatie-fields, and `/relaties/{id}/verkoopboekingen`.
 */
import type { SimRequest, SimResponse } from "../http";
import { isGuid, naiveDateTime, parseBody, relatieBody, type RelatieBody } from "./bodies";
import { landById, refOut } from "./data";
import { apiError, badRequest, notFound, type ApiError } from "./messages";
import { complexType, queryList, refType, type ODataResource } from "./odata";
import type { SimState, StoredAdres, StoredRelatie } from "./state";
import { checkVatNumber, vatNumberCountry } from "./vat-number";
import { renderBoeking } from "./boekingen";

const ADRES = complexType<StoredAdres>("SnelStart.B2B.Api.V2.Models.Relaties.AdresModel", {
  Contactpersoon: { type: "string", get: (a) => a.contactpersoon },
  Straat: { type: "string", get: (a) => a.straat },
  Postcode: { type: "string", get: (a) => a.postcode },
  Plaats: { type: "string", get: (a) => a.plaats },
  Land: { type: "complex", of: refType("SnelStart.B2B.Api.V2.Models.Landen.LandIdentifierModel"), get: (a) => (a.landId ? { id: a.landId } : null) },
});

const EXTRA_VELD = complexType<{ naam: string; waarde: string }>("SnelStart.B2B.Api.V2.Models.ExtraVelden.ExtraVeldModel", {
  Naam: { type: "string", get: (e) => e.naam },
  Waarde: { type: "string", get: (e) => e.waarde },
});

/** What `$filter` can use on relaties (our choice: the portal's examples plus a few plain fields). */
const RESOURCE: ODataResource<StoredRelatie> = {
  typeName: "SnelStart.B2B.Api.V2.Models.Relaties.RelatieModel",
  filter: {
    Id: { type: "guid", get: (r) => r.id },
    ModifiedOn: { type: "datetime", get: (r) => r.modifiedOn },
    Relatiecode: { type: "number", get: (r) => r.relatiecode },
    Naam: { type: "string", get: (r) => r.naam },
    Email: { type: "string", get: (r) => r.email },
    BtwNummer: { type: "string", get: (r) => r.btwNummer },
    KvkNummer: { type: "string", get: (r) => (r.extra.kvkNummer as string | null | undefined) ?? null },
    IncassoSoort: { type: "string", get: (r) => (r.extra.incassoSoort as string | null | undefined) ?? null },
    Nonactief: { type: "boolean", get: (r) => r.nonactief },
    Relatiesoort: { type: "collection", of: "string", get: (r) => r.relatiesoort },
    VestigingsAdres: { type: "complex", of: ADRES, get: (r) => r.vestigingsAdres },
    ExtraVeldenKlant: { type: "collection", of: EXTRA_VELD, get: (r) => r.extraVeldenKlant },
  },
  // RelatieModel = the write model's fields plus `fax`
  // (docs/reference/snelstart-api.md#relatie-fields).
  fields: [...Object.keys(relatieBody.shape), "fax"],
  render: (r) => renderRelatie(r),
};

/** Fields the stored relatie models itself; everything else of the body is kept in `extra`. */
const MODELLED = new Set(["id", "uri", "modifiedOn", "relatiesoort", "relatiecode", "naam", "email", "btwNummer", "vestigingsAdres", "krediettermijn", "nonactief", "extraVeldenKlant", "inkoopBoekingenUri", "verkoopBoekingenUri", "documents"]);

export function renderAdres(a: StoredAdres | null): Record<string, unknown> | null {
  if (!a) return null;
  return { contactpersoon: a.contactpersoon, straat: a.straat, postcode: a.postcode, plaats: a.plaats, land: a.landId ? refOut("landen", a.landId) : null };
}

export function renderRelatie(r: StoredRelatie): Record<string, unknown> {
  return {
    ...r.extra,
    id: r.id,
    uri: `/relaties/${r.id}`,
    modifiedOn: r.modifiedOn,
    relatiesoort: r.relatiesoort,
    relatiecode: r.relatiecode,
    naam: r.naam,
    vestigingsAdres: renderAdres(r.vestigingsAdres),
    email: r.email,
    btwNummer: r.btwNummer,
    krediettermijn: r.krediettermijn,
    nonactief: r.nonactief,
    extraVeldenKlant: r.extraVeldenKlant.map((e) => ({ ...e })),
    inkoopBoekingenUri: `/relaties/${r.id}/inkoopboekingen`,
    verkoopBoekingenUri: `/relaties/${r.id}/verkoopboekingen`,
  };
}

export function listRelaties(state: SimState, req: SimRequest): SimResponse {
  return queryList(req, [...state.relaties.values()], RESOURCE);
}

/** The active relatie of `:id`, or the 400/404 to answer. */
function findActive(state: SimState, id: string): StoredRelatie | SimResponse {
  if (!isGuid(id)) return badRequest([apiError("ALG-0103", id)]);
  const r = state.relaties.get(id);
  return r && !r.nonactief ? r : notFound("relatie", id);
}

export function getRelatie(state: SimState, req: SimRequest): SimResponse {
  const r = findActive(state, req.params.id);
  return "status" in r ? r : { status: 200, body: renderRelatie(r) };
}

export function relatieVerkoopboekingen(state: SimState, req: SimRequest): SimResponse {
  const r = findActive(state, req.params.id);
  if ("status" in r) return r;
  const boekingen = [...state.verkoopboekingen.values()].filter((b) => b.klantId === r.id);
  return { status: 200, body: boekingen.map(renderBoeking) };
}

const EMAIL = /^[^\s@;,]+@[^\s@;,]+\.[^\s@;,]+$/;

function filled(s: string | null | undefined): s is string {
  return s != null && s.trim() !== "";
}

/**
 * REL-0060: if any address field is filled, straat, postcode, plaats and land must be;
 * REL-0020..0023 the length limits (straat ≤ 50, postcode ≤ 25, plaats ≤ 50, contactpersoon
 * ≤ 50); REL-0056 an unknown land.
 */
function adresErrors(a: RelatieBody["vestigingsAdres"]): ApiError[] {
  if (!a) return [];
  const any = [a.contactpersoon, a.straat, a.postcode, a.plaats].some(filled) || a.land != null;
  if (!any) return [];
  const missing: string[] = (["straat", "postcode", "plaats"] as const).filter((f) => !filled(a[f]));
  if (!a.land?.id) missing.push("land");
  if (missing.length) return [apiError("REL-0060", `ontbreekt: ${missing.join(", ")}`)];
  const limits = [
    ["straat", 50, "REL-0020"],
    ["postcode", 25, "REL-0021"],
    ["plaats", 50, "REL-0022"],
    ["contactpersoon", 50, "REL-0023"],
  ] as const;
  const tooLong = limits.filter(([f, max]) => (a[f]?.length ?? 0) > max).map(([f, max, code]) => apiError(code, `${f}: ${a[f]?.length} tekens, maximaal ${max}`));
  if (tooLong.length) return tooLong;
  if (!landById(a.land?.id)) return [apiError("REL-0056", a.land?.id)];
  return [];
}

/** REL-0085 longer than 250; REL-0084 a `;`-separated list with an invalid address; REL-0061 one invalid address. */
function emailErrors(email: string | null | undefined): ApiError[] {
  if (!filled(email)) return [];
  if (email.length > 250) return [apiError("REL-0085", `${email.length} tekens`)];
  const parts = email.split(";").map((e) => e.trim());
  if (parts.every((e) => EMAIL.test(e))) return [];
  return [apiError(parts.length > 1 ? "REL-0084" : "REL-0061", email)];
}

function btwNummerErrors(b: RelatieBody): ApiError[] {
  const nr = b.btwNummer;
  if (!filled(nr)) return [];
  const vatCountry = vatNumberCountry(nr);
  const addressCountry = landById(b.vestigingsAdres?.land?.id)?.landcode;
  if (vatCountry && addressCountry && vatCountry !== addressCountry) return [apiError("REL-0087", `${nr.slice(0, 2)} / ${addressCountry}`)];
  const code = checkVatNumber(nr);
  return code ? [apiError(code, nr)] : [];
}

/**
 * The REL rules of a POST (`existing` undefined) or a PUT of `existing`. Only on POST:
 * REL-0063 id not empty. Only on PUT: REL-0047 a body id other than the URL's, REL-0064 a
 * changed relatiesoort. REL-0008 ignores the relatie being updated.
 */
function relatieErrors(state: SimState, b: RelatieBody, existing?: StoredRelatie): ApiError[] {
  const errors: ApiError[] = [];
  if (!existing && filled(b.id)) errors.push(apiError("REL-0063"));
  if (existing && filled(b.id) && b.id.toLowerCase() !== existing.id.toLowerCase()) errors.push(apiError("REL-0047", `${b.id} / ${existing.id}`));
  const soort = b.relatiesoort ?? [];
  if (soort.length === 0 || soort.includes("Geen")) errors.push(apiError("REL-0001"));
  else if (existing && [...new Set(soort)].sort().join() !== [...new Set(existing.relatiesoort)].sort().join()) {
    errors.push(apiError("REL-0064", `${existing.relatiesoort.join(", ")} -> ${soort.join(", ")}`));
  }
  if (soort.includes("Eigen")) errors.push(apiError("REL-0048"));
  if (soort.includes("Klant") && soort.includes("Leverancier")) errors.push(apiError("REL-0065"));
  if (b.relatiecode != null && [...state.relaties.values()].some((r) => r !== existing && r.relatiecode === b.relatiecode)) errors.push(apiError("REL-0008", String(b.relatiecode)));
  if (!filled(b.naam) || b.naam.length > 50) errors.push(apiError("REL-0007"));
  if ((b.telefoon?.length ?? 0) > 25) errors.push(apiError("REL-0013"));
  if ((b.mobieleTelefoon?.length ?? 0) > 25) errors.push(apiError("REL-0012"));
  if (filled(b.kvkNummer) && !/^\d{8}(\d{4})?$/.test(b.kvkNummer)) errors.push(apiError("REL-0006", b.kvkNummer));
  errors.push(...adresErrors(b.vestigingsAdres));
  errors.push(...emailErrors(b.email));
  errors.push(...btwNummerErrors(b));
  return errors;
}

/** An address body as stored; null when every field is empty. */
export function storedAdres(a: RelatieBody["vestigingsAdres"]): StoredAdres | null {
  if (!a || (![a.contactpersoon, a.straat, a.postcode, a.plaats].some(filled) && !a.land)) return null;
  return { contactpersoon: a.contactpersoon ?? null, straat: a.straat ?? null, postcode: a.postcode ?? null, plaats: a.plaats ?? null, landId: a.land?.id ?? null };
}

/** The stored relatie a write body describes (id and relatiecode from `keep` on a PUT). */
function fromBody(state: SimState, b: RelatieBody, keep?: StoredRelatie): StoredRelatie {
  return {
    id: keep?.id ?? state.newId(),
    relatiecode: b.relatiecode ?? keep?.relatiecode ?? state.nextRelatiecode(),
    relatiesoort: b.relatiesoort ?? [],
    naam: b.naam ?? "",
    email: filled(b.email) ? b.email : null,
    btwNummer: filled(b.btwNummer) ? b.btwNummer : null,
    vestigingsAdres: storedAdres(b.vestigingsAdres),
    krediettermijn: b.krediettermijn ?? null,
    nonactief: b.nonactief ?? false,
    modifiedOn: naiveDateTime(state.now()),
    // Read-only: kept as it is (written through /relaties/{id}/customFields).
    extraVeldenKlant: keep?.extraVeldenKlant ?? [],
    extra: Object.fromEntries(Object.entries(b).filter(([k]) => !MODELLED.has(k))),
  };
}

export function createRelatie(state: SimState, req: SimRequest): SimResponse {
  const parsed = parseBody(req, relatieBody);
  if (!parsed.ok) return parsed.response;
  const errors = relatieErrors(state, parsed.value);
  if (errors.length) return badRequest(errors);
  const r = fromBody(state, parsed.value);
  state.relaties.set(r.id, r);
  return { status: 201, body: renderRelatie(r) };
}

/**
 * `PUT /relaties/{id}`: replaces the whole record (fields left out become empty,
 * docs/reference/snelstart-api.md#update-semantics), with the POST rules plus REL-0047/REL-0064.
 * 404 for an unknown id, ALG-0103 for one that is not a GUID. A non-active relatie can be updated
 * too (e.g. made active again).
 */
export function updateRelatie(state: SimState, req: SimRequest): SimResponse {
  const id = req.params.id;
  if (!isGuid(id)) return badRequest([apiError("ALG-0103", id)]);
  const existing = state.relaties.get(id.toLowerCase());
  if (!existing) return notFound("relatie", id);
  const parsed = parseBody(req, relatieBody);
  if (!parsed.ok) return parsed.response;
  const errors = relatieErrors(state, parsed.value, existing);
  if (errors.length) return badRequest(errors);
  const r = fromBody(state, parsed.value, existing);
  state.relaties.set(r.id, r);
  return { status: 200, body: renderRelatie(r) };
}
