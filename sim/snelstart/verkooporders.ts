/**
 * `/verkooporders` (list, create, get; docs/reference/snelstart-api.md#verkooporders). VAT is not
 * sent: the totals are derived from each regel's artikel -> artikelomzetgroep -> Dutch soort and
 * rate at the order date, per regel, rounded to the cent; for every klant (also one abroad with a
 * btwNummer, or outside the EU: whether SnelStart zero-rates those is not known). Under OSS
 * (docs/reference/snelstart-api.md#verkooporder-model: SnelStart computes the VAT "plus the
 * delivery country") the rate is the delivery country's: afleveradres, else the klant's
 * vestigingsadres; Hoog -> SR, Laag -> RRL (RRH where the country has none), Overig and Geen as in
 * the Netherlands. Which destination rate SnelStart takes for a soort is not known: that mapping is
 * ours.
 *
 * Codes: ALG-0100 id not empty; VOR-0005 nummer not empty (SnelStart assigns it); VOR-0002
 * relatie missing, unknown or not a Klant; REF-0016 datum missing or invalid, a regel without
 * artikel (UNCERTAIN whether free lines exist; refused, the stricter choice); ART-0001 unknown
 * artikel ("Artikel bestaat niet."; which code the real service gives here is unknown); VOR-0011 orderreferentie > 50; VOR-0010 unknown land in an address.
 * `procesStatus` Factuur/Contantbon ("niet beschikbaar") fail the body schema: REF-0016.
 * Filtering is not modelled (whether `Orderreferentie` can be filtered is UNCERTAIN): any
 * `$filter` is ALG-0104.
 */
import type { SimRequest, SimResponse } from "../http";
import { isGuid, naiveDateTime, parseBody, parseNaiveDate, verkooporderBody, type VerkooporderBody } from "./bodies";
import type { BtwSoort } from "../../src/snelstart/schemas";
import { ossCountry } from "./boekingen";
import { landById, nlRate, omzetgroepById, ossRate, refOut } from "./data";
import { apiError, badRequest, notFound, type ApiError } from "./messages";
import { toCents, toEuros } from "./money";
import { queryList, type ODataResource } from "./odata";
import type { SimState, StoredOrder, StoredOrderRegel } from "./state";
import { renderAdres, storedAdres } from "./relaties";

/** No property filters (whether `Orderreferentie` can be filtered is UNCERTAIN): any `$filter` is ALG-0104. */
const RESOURCE: ODataResource<StoredOrder> = {
  typeName: "SnelStart.B2B.Api.V2.Models.Verkooporders.VerkoopOrderModel",
  filter: {},
  fields: Object.keys(verkooporderBody.shape),
  render: (o) => renderOrder(o),
};

const MODELLED = new Set(["id", "uri", "modifiedOn", "nummer", "relatie", "datum", "procesStatus", "verkoopOrderStatus", "verkooporderBtwIngaveModel", "orderreferentie", "omschrijving", "regels", "totaalExclusiefBtw", "totaalInclusiefBtw", "afleveradres", "factuuradres", "verkoopfactuur"]);

export function renderOrder(o: StoredOrder): Record<string, unknown> {
  return {
    ...o.extra,
    id: o.id,
    uri: `/verkooporders/${o.id}`,
    modifiedOn: o.modifiedOn,
    nummer: o.nummer,
    relatie: refOut("relaties", o.relatieId),
    datum: `${o.datum}T00:00:00`,
    procesStatus: o.procesStatus,
    verkoopOrderStatus: o.verkoopOrderStatus,
    verkooporderBtwIngaveModel: o.verkooporderBtwIngaveModel,
    orderreferentie: o.orderreferentie,
    omschrijving: o.omschrijving,
    afleveradres: renderAdres(o.afleveradres),
    factuuradres: renderAdres(o.factuuradres),
    regels: o.regels.map((r) => ({
      artikel: refOut("artikelen", r.artikelId),
      omschrijving: r.omschrijving,
      stuksprijs: r.stuksprijs,
      aantal: r.aantal,
      kortingsPercentage: r.kortingsPercentage,
      totaal: r.totaal,
      extraRegelVelden: [],
    })),
    totaalExclusiefBtw: o.totaalExclusiefBtw,
    totaalInclusiefBtw: o.totaalInclusiefBtw,
    verkoopfactuur: null,
  };
}

export function listOrders(state: SimState, req: SimRequest): SimResponse {
  return queryList(req, [...state.verkooporders.values()], RESOURCE);
}

export function getOrder(state: SimState, req: SimRequest): SimResponse {
  const id = req.params.id;
  if (!isGuid(id)) return badRequest([apiError("ALG-0103", id)]);
  const o = state.verkooporders.get(id);
  return o ? { status: 200, body: renderOrder(o) } : notFound("verkooporder", id);
}

function orderErrors(state: SimState, b: VerkooporderBody): ApiError[] {
  const errors: ApiError[] = [];
  if (b.id) errors.push(apiError("ALG-0100"));
  if (b.nummer != null) errors.push(apiError("VOR-0005"));
  const relatie = b.relatie?.id ? state.relaties.get(b.relatie.id) : undefined;
  if (!relatie || !relatie.relatiesoort.includes("Klant") || relatie.nonactief) errors.push(apiError("VOR-0002", b.relatie?.id));
  if (!b.datum || parseNaiveDate(b.datum) === null) errors.push(apiError("REF-0016", `datum: ${b.datum ?? "ontbreekt"}`));
  if ((b.orderreferentie?.length ?? 0) > 50) errors.push(apiError("VOR-0011"));
  for (const [field, a] of [["afleveradres", b.afleveradres], ["factuuradres", b.factuuradres]] as const) {
    if (a?.land && !landById(a.land.id)) errors.push(apiError("VOR-0010", `${field}: ${a.land.id}`));
  }
  (b.regels ?? []).forEach((r, i) => {
    if (!r.artikel?.id) errors.push(apiError("REF-0016", `regels.${i}.artikel ontbreekt`));
    else if (!state.artikelen.has(r.artikel.id)) errors.push(apiError("ART-0001", `regels.${i}.artikel ${r.artikel.id}`));
  });
  return errors;
}

/** The VAT rate of an omzetgroep's soort on `date`: the Dutch one, or under OSS the country's (`oss`, ISO-3). */
function rateOf(soort: BtwSoort, date: string, oss: string | null): number {
  if (oss && (soort === "Hoog" || soort === "Laag")) {
    const rate = soort === "Hoog" ? ossRate(oss, "SR", date) : (ossRate(oss, "RRL", date) ?? ossRate(oss, "RRH", date));
    if (rate !== null) return rate;
  }
  return nlRate(soort, date) ?? 0;
}

/** A regel's total and its VAT split, in cents, per the order's price mode. */
function regelAmounts(state: SimState, r: NonNullable<VerkooporderBody["regels"]>[number], date: string, inclusief: boolean, oss: string | null) {
  const artikel = state.artikelen.get(r.artikel?.id as string);
  const soort = omzetgroepById(artikel?.omzetgroepId)?.btwSoort ?? "Geen";
  const rate = rateOf(soort, date, oss);
  const korting = r.kortingsPercentage ?? 0;
  const totaal = toCents(r.stuksprijs * r.aantal * (1 - korting / 100));
  if (inclusief) {
    const vat = Math.round((totaal * rate) / (100 + rate));
    return { totaal, excl: totaal - vat, incl: totaal, omschrijving: r.omschrijving ?? artikel?.omschrijving ?? "" };
  }
  const vat = Math.round((totaal * rate) / 100);
  return { totaal, excl: totaal, incl: totaal + vat, omschrijving: r.omschrijving ?? artikel?.omschrijving ?? "" };
}

export function createOrder(state: SimState, req: SimRequest): SimResponse {
  const parsed = parseBody(req, verkooporderBody);
  if (!parsed.ok) return parsed.response;
  const b = parsed.value;
  const errors = orderErrors(state, b);
  if (errors.length) return badRequest(errors);
  const datum = parseNaiveDate(b.datum as string) as string;
  const mode = b.verkooporderBtwIngaveModel ?? "Exclusief";
  const oss = ossCountry(state, state.relaties.get(b.relatie?.id as string), datum, b.afleveradres?.land?.id ?? undefined)?.landcodeISO ?? null;
  let excl = 0;
  let incl = 0;
  const regels: StoredOrderRegel[] = (b.regels ?? []).map((r) => {
    const amounts = regelAmounts(state, r, datum, mode === "Inclusief", oss);
    excl += amounts.excl;
    incl += amounts.incl;
    return {
      artikelId: r.artikel?.id as string,
      omschrijving: amounts.omschrijving,
      stuksprijs: r.stuksprijs,
      aantal: r.aantal,
      kortingsPercentage: r.kortingsPercentage ?? 0,
      totaal: toEuros(amounts.totaal),
    };
  });
  const o: StoredOrder = {
    id: state.newId(),
    nummer: state.verkooporders.size + 1,
    relatieId: b.relatie?.id as string,
    datum,
    procesStatus: b.procesStatus ?? "Order",
    verkoopOrderStatus: b.verkoopOrderStatus ?? "InBehandeling",
    verkooporderBtwIngaveModel: mode,
    orderreferentie: b.orderreferentie ?? null,
    omschrijving: b.omschrijving ?? null,
    afleveradres: storedAdres(b.afleveradres),
    factuuradres: storedAdres(b.factuuradres),
    regels,
    totaalExclusiefBtw: toEuros(excl),
    totaalInclusiefBtw: toEuros(incl),
    modifiedOn: naiveDateTime(state.now()),
    extra: Object.fromEntries(Object.entries(b).filter(([k]) => !MODELLED.has(k))),
  };
  state.verkooporders.set(o.id, o);
  return { status: 201, body: renderOrder(o) };
}
