/**
 * What the koppeling reads of a SnelStart administration besides its bookings, without Node-RED:
 * the reference data the flow nodes need (company info, countries, chart of accounts, Dutch rates,
 * a country's OSS rates), fetched on demand and kept an hour (`AdministrationReference`, one per
 * snelstart-config node); the VAT mapping completed with it (`resolveMapping`, `mappingForCustomer`,
 * for vat-mapping); and what the editor's dialogs ask of a live administration (`lookups`,
 * `checkMapping`, for the admin routes of snelstart-config and vat-mapping).
 */
import { systemClock } from "../clock";
import { KoppelingError } from "../errors";
import type { ArticleGroups } from "../koppeling/document";
import { type Mapping, type MappingContext, type MappingProblem, parseMapping, validateMapping } from "../koppeling/mapping";
import { type CustomerCountries, type VatMappingFields, articleGroupsOf, mappingInputOf, ossDestination } from "../koppeling/mapping-form";
import type { SnelStartClient } from "../snelstart/client";
import type { BtwTarief, CompanyInfo, Grootboek, Land, VatRates } from "../snelstart/schemas";

/** What the flow nodes need from the administration, fetched once an hour at most. */
export interface ReferenceData {
  company: CompanyInfo;
  landen: Land[];
  grootboeken: Grootboek[];
  nlRates: BtwTarief[];
}

/** How long reference data is kept. */
export const REFERENCE_TTL_MS = 60 * 60 * 1000;

/**
 * A value fetched on demand, kept for `ttlMs` on `now` (milliseconds on a clock that only moves
 * forward: ../clock.ts); concurrent callers share one fetch; a failure is not kept.
 */
export function cached<T>(ttlMs: number, fetch: () => Promise<T>, now: () => number = systemClock.now): () => Promise<T> {
  let value: { at: number; promise: Promise<T> } | null = null;
  return () => {
    if (value && now() - value.at < ttlMs) return value.promise;
    const promise = fetch();
    const entry = { at: now(), promise };
    value = entry;
    promise.catch(() => {
      if (value === entry) value = null;
    });
    return promise;
  };
}

export type ReferenceClient = Pick<SnelStartClient, "companyInfo" | "landen" | "grootboeken" | "btwtarieven" | "vatrates">;

/** One administration's reference data, each part kept `ttlMs` (default an hour). */
export class AdministrationReference {
  /** The reference data (company info, countries, ledgers, Dutch rates), fetched together. */
  readonly reference: () => Promise<ReferenceData>;
  private readonly perCountry = new Map<string, () => Promise<VatRates["vatRates"]>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  /** `client`: asked for the administration's client at each fetch (made once credentials are known). */
  constructor(
    private readonly client: () => ReferenceClient,
    opts: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? REFERENCE_TTL_MS;
    this.now = opts.now ?? systemClock.now;
    this.reference = cached(
      this.ttlMs,
      async () => {
        const c = this.client();
        const [company, landen, grootboeken, nlRates] = await Promise.all([c.companyInfo(), c.landen(), c.grootboeken(), c.btwtarieven()]);
        return { company, landen, grootboeken, nlRates };
      },
      this.now,
    );
  }

  /** A country's OSS rates (ISO-2 code), kept like the reference data; COUNTRY_UNKNOWN when SnelStart knows no such country. */
  async ossRates(iso2: string): Promise<VatRates["vatRates"]> {
    const { landen } = await this.reference();
    const iso3 = landen.find((l) => l.landcode.toUpperCase() === iso2.toUpperCase())?.landcodeISO;
    if (!iso3) throw new KoppelingError("COUNTRY_UNKNOWN", `SnelStart knows no country with code ${iso2}`);
    let get = this.perCountry.get(iso3);
    if (!get) {
      get = cached(this.ttlMs, async () => (await this.client().vatrates(iso3)).vatRates, this.now);
      this.perCountry.set(iso3, get);
    }
    return get();
  }
}

/** The mapping of vat-mapping's fields, its ledgers completed from the administration's chart. */
export async function resolveMapping(fields: VatMappingFields, admin: Pick<AdministrationReference, "reference">): Promise<{ mapping: Mapping; articleGroups: ArticleGroups }> {
  const ref = await admin.reference();
  // Parsed once per node's settings and reference data (kept an hour), not for every message.
  let byFields = resolvedMappings.get(ref);
  if (!byFields) resolvedMappings.set(ref, (byFields = new WeakMap()));
  let resolved = byFields.get(fields);
  if (!resolved) {
    const mapping = parseMapping(mappingInputOf(fields, ref.grootboeken, ref.company.buitenlandseBtwGrootboek?.id));
    resolved = { mapping, articleGroups: articleGroupsOf(fields) };
    byFields.set(fields, resolved);
  }
  return resolved;
}

const resolvedMappings = new WeakMap<ReferenceData, WeakMap<VatMappingFields, { mapping: Mapping; articleGroups: ArticleGroups }>>();

/** The mapping and what the domain needs from SnelStart to map an order of this customer: rate tables, OSS switch, the destination's OSS rates. */
export async function mappingForCustomer(
  fields: VatMappingFields,
  admin: Pick<AdministrationReference, "reference" | "ossRates">,
  customer: CustomerCountries | null | undefined,
): Promise<{ mapping: Mapping; articleGroups: ArticleGroups; context: MappingContext }> {
  const { mapping, articleGroups } = await resolveMapping(fields, admin);
  const reference = await admin.reference();
  const context: MappingContext = { nlRates: reference.nlRates, ossEnabled: reference.company.factureerBuitenlandsBtw };
  const destination = ossDestination(mapping, customer);
  if (destination) context.ossRates = { [destination]: await admin.ossRates(destination) };
  return { mapping, articleGroups, context };
}

/** The problems of a mapping as the dialog holds it, against the live chart of accounts (the mapping check). */
export async function checkMapping(client: Pick<SnelStartClient, "companyInfo" | "grootboeken">, fields: VatMappingFields): Promise<{ problems: MappingProblem[] }> {
  const [company, grootboeken] = await Promise.all([client.companyInfo(), client.grootboeken()]);
  const mapping = parseMapping(mappingInputOf(fields, grootboeken, company.buitenlandseBtwGrootboek?.id));
  return { problems: validateMapping(mapping, { ossEnabled: company.factureerBuitenlandsBtw }) };
}

/** What the vat-mapping dialog fills its fields from: the administration, its active ledgers and its article revenue groups. */
export async function lookups(client: Pick<SnelStartClient, "companyInfo" | "grootboeken" | "artikelomzetgroepen">) {
  const [company, grootboeken, groepen] = await Promise.all([client.companyInfo(), client.grootboeken(), client.artikelomzetgroepen()]);
  return {
    administratieNaam: company.administratieNaam ?? "",
    ossEnabled: company.factureerBuitenlandsBtw,
    foreignVatLedgerId: company.buitenlandseBtwGrootboek?.id ?? "",
    grootboeken: grootboeken
      .filter((g) => !g.nonactief)
      .map((g) => ({ id: g.id, nummer: g.nummer, omschrijving: g.omschrijving, functie: g.grootboekfunctie ?? "", btwSoort: g.btwSoort, vatRateCode: g.vatRateCode ?? null })),
    artikelomzetgroepen: groepen.map((g) => ({ id: g.id, nummer: g.nummer ?? null, omschrijving: g.omschrijving, btwSoort: g.verkoopNederlandBtwSoort ?? null })),
  };
}
