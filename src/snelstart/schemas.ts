/**
 * zod schemas and types of the SnelStart B2B API v2 models this package reads and writes.
 * Field names and enums per docs/reference/snelstart-api.md (lowerCamelCase bodies,
 * GUID ids, references as `{ id }`). Responses are loose: new optional fields appear
 * without a version bump (docs/reference/snelstart-api.md#versioning).
 */
import { z } from "zod";

export const guid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "expected a GUID");
export const ref = z.looseObject({ id: guid, uri: z.string().nullish() });
export type Ref = { id: string };

/** Line VAT kinds (booking lines, ledgers, article revenue groups). */
export const btwSoort = z.enum(["Geen", "Laag", "Hoog", "Overig"]);
export type BtwSoort = z.infer<typeof btwSoort>;

/** VAT kinds of the `btw` rows of a verkoopboeking. */
export const verkoopBtwSoort = z.enum([
  "Geen",
  "VerkopenLaag",
  "VerkopenHoog",
  "VerkopenOverig",
  "VerkopenVerlegd",
  "InkopenLaag",
  "InkopenHoog",
  "InkopenOverig",
]);
export type VerkoopBtwSoort = z.infer<typeof verkoopBtwSoort>;

/** OSS rate codes of function-84 ledgers and of /vatrates. */
export const vatRateCode = z.enum(["SR", "RRH", "RRL", "PR", "SRR"]);
export type VatRateCode = z.infer<typeof vatRateCode>;

export const grootboekfunctie = z.string();

export const token = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
});
export type Token = z.infer<typeof token>;

export const companyInfo = z.looseObject({
  id: z.string().nullish(),
  administratieIdentifier: z.string().nullish(),
  administratieNaam: z.string().nullish(),
  bedrijfsnaam: z.string().nullish(),
  btwNummer: z.string().nullish(),
  artikelcodeSoort: z.enum(["Numeriek", "Alfanumeriek"]).nullish(),
  artikelcodeMaxLengte: z.number().int().nullish(),
  verkoopprijsArtikelbestandExclusiefBtw: z.boolean().nullish(),
  factureerBuitenlandsBtw: z.boolean().default(false),
  buitenlandseBtwGrootboek: ref.nullish(),
});
export type CompanyInfo = z.infer<typeof companyInfo>;

export const land = z.looseObject({
  id: guid,
  naam: z.string(),
  landcode: z.string(),
  landcodeISO: z.string().nullish(),
});
export type Land = z.infer<typeof land>;

export const grootboek = z.looseObject({
  id: guid,
  nummer: z.number().int(),
  omschrijving: z.string(),
  rekeningCode: z.enum(["Balans", "WinstEnVerlies"]).nullish(),
  grootboekfunctie: grootboekfunctie.nullish(),
  btwSoort: z.array(btwSoort).nullish().transform((v) => v ?? []),
  vatRateCode: vatRateCode.nullish(),
  nonactief: z.boolean().nullish(),
});
export type Grootboek = z.infer<typeof grootboek>;

/** GET /btwtarieven: the Dutch rate history. Open ends use the sentinels 1900-01-01 / 2400-12-31. */
export const btwTarief = z.looseObject({
  btwSoort: btwSoort,
  btwPercentage: z.number(),
  datumVanaf: z.string(),
  datumTotEnMet: z.string(),
});
export type BtwTarief = z.infer<typeof btwTarief>;

/** GET /vatrates/{ISO3}: a country's OSS rates. */
export const vatRates = z.looseObject({
  countryCode: z.string(),
  vatRates: z.array(z.looseObject({ rateCode: vatRateCode, rate: z.number(), validFrom: z.string() })),
});
export type VatRates = z.infer<typeof vatRates>;

export const adres = z.looseObject({
  contactpersoon: z.string().nullish(),
  straat: z.string().nullish(),
  postcode: z.string().nullish(),
  plaats: z.string().nullish(),
  land: ref.nullish(),
});
export type Adres = z.infer<typeof adres>;

export const relatie = z.looseObject({
  id: guid,
  relatiesoort: z.array(z.string()),
  relatiecode: z.number().int().nullish(),
  naam: z.string(),
  email: z.string().nullish(),
  btwNummer: z.string().nullish(),
  vestigingsAdres: adres.nullish(),
  nonactief: z.boolean().nullish(),
});
export type Relatie = z.infer<typeof relatie>;

/** POST /relaties body (RelatieWriteModel, the fields we send). */
export interface RelatieCreate {
  relatiesoort: ["Klant"];
  /** Optional; SnelStart allocates one when absent. Must be unique (REL-0008). */
  relatiecode?: number;
  naam: string;
  email?: string;
  telefoon?: string;
  mobieleTelefoon?: string;
  btwNummer?: string;
  kvkNummer?: string;
  vestigingsAdres?: AdresWrite;
  /** Days; the default payment term of the relatie. */
  krediettermijn?: number;
}

/** An address as sent (AdresModel): all of straat, postcode, plaats and land once any is filled (REL-0060). */
export interface AdresWrite {
  contactpersoon?: string;
  straat: string;
  postcode: string;
  plaats: string;
  land: Ref;
}

export interface VerkoopBoekingRegel {
  omschrijving?: string;
  grootboek: Ref;
  /** Net revenue (excl. VAT), euros with at most 2 decimals; never 0. */
  bedrag: number;
  btwSoort: BtwSoort;
}

export interface VerkoopBoekingBtwRegel {
  btwSoort: VerkoopBtwSoort;
  btwBedrag: number;
}

/** POST /verkoopboekingen body. factuurbedrag = Σ boekingsregels.bedrag + Σ btw.btwBedrag. */
export interface VerkoopBoekingCreate {
  factuurnummer: string;
  factuurdatum: string;
  klant: Ref;
  omschrijving?: string;
  boekstuk?: string;
  betalingstermijn?: number;
  factuurbedrag: number;
  boekingsregels: VerkoopBoekingRegel[];
  btw: VerkoopBoekingBtwRegel[];
}

export const verkoopboeking = z.looseObject({
  id: guid,
  factuurnummer: z.string(),
  factuurdatum: z.string().nullish(),
  factuurbedrag: z.number().nullish(),
  klant: ref.nullish(),
  boekingsregels: z.array(z.looseObject({ grootboek: ref, bedrag: z.number(), btwSoort: btwSoort.nullish() })).default([]),
  btw: z.array(z.looseObject({ btwSoort: verkoopBtwSoort, btwBedrag: z.number() })).nullish(),
});
export type Verkoopboeking = z.infer<typeof verkoopboeking>;

export const verkoopfactuur = z.looseObject({
  id: guid,
  factuurnummer: z.string(),
  verkoopBoeking: ref.nullish(),
  relatie: ref.nullish(),
  factuurDatum: z.string().nullish(),
  factuurBedrag: z.number().nullish(),
  openstaandSaldo: z.number().nullish(),
});
export type Verkoopfactuur = z.infer<typeof verkoopfactuur>;

export const artikelomzetgroep = z.looseObject({
  id: guid,
  nummer: z.number().int().nullish(),
  omschrijving: z.string(),
  verkoopGrootboekNederlandIdentifier: ref.nullish(),
  verkoopNederlandBtwSoort: btwSoort.nullish(),
});
export type Artikelomzetgroep = z.infer<typeof artikelomzetgroep>;

export const artikel = z.looseObject({
  id: guid,
  artikelcode: z.string(),
  omschrijving: z.string(),
  artikelOmzetgroep: ref.nullish(),
  verkoopprijs: z.number().nullish(),
});
export type Artikel = z.infer<typeof artikel>;

export interface ArtikelCreate {
  artikelcode: string;
  omschrijving: string;
  artikelOmzetgroep: Ref;
  verkoopprijs?: number;
}

export interface VerkoopOrderRegel {
  artikel: Ref;
  omschrijving?: string;
  stuksprijs: number;
  aantal: number;
  kortingsPercentage?: number;
}

/** POST /verkooporders body. */
export interface VerkoopOrderCreate {
  relatie: Ref;
  datum: string;
  procesStatus?: "Order";
  verkooporderBtwIngaveModel: "Inclusief" | "Exclusief";
  orderreferentie?: string;
  omschrijving?: string;
  afleveradres?: AdresWrite;
  factuuradres?: AdresWrite;
  regels: VerkoopOrderRegel[];
}

export const verkooporder = z.looseObject({
  id: guid,
  nummer: z.number().int().nullish(),
  relatie: ref.nullish(),
  orderreferentie: z.string().nullish(),
  omschrijving: z.string().nullish(),
  datum: z.string().nullish(),
  procesStatus: z.string().nullish(),
  verkooporderBtwIngaveModel: z.enum(["Inclusief", "Exclusief"]).nullish(),
  regels: z
    .array(z.looseObject({ artikel: ref.nullish(), omschrijving: z.string().nullish(), stuksprijs: z.number().nullish(), aantal: z.number().nullish(), totaal: z.number().nullish() }))
    .nullish(),
  totaalExclusiefBtw: z.number().nullish(),
  totaalInclusiefBtw: z.number().nullish(),
});
export type Verkooporder = z.infer<typeof verkooporder>;

/** One business-rule error item: `[{errorCode, message}]`. */
export const errorItem = z.looseObject({
  errorCode: z.string().nullish(),
  message: z.string().nullish(),
});
