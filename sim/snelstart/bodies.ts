/**
 * Request bodies the simulator accepts, as zod schemas of the SnelStart write models
 * (docs/reference/snelstart-api.md#relatie-fields, #verkoopboeking-model, #verkooporder-model,
 * #artikelen-and-omzetgroepen). They check JSON types only; business rules (required fields,
 * lengths, references) are the resource modules' job, because the real API answers those with
 * their own codes.
 *
 * A body that is not JSON, or has a wrong type or enum value, is `REF-0016`
 * (docs/reference/snelstart-api.md#error-codes). Unknown properties are refused too (also
 * `REF-0016`): the reference says they are "probably ignored" (UNCERTAIN); refusing them is
 * stricter and catches misspelt field names such as `factuurNummer` before they silently vanish.
 * Every documented field, read-only ones included (a client may send back what it read), is
 * accepted.
 */
import { z } from "zod";
import type { SimRequest, SimResponse } from "../http";
import { apiError, badRequest } from "./messages";

const text = z.string().nullish();
const bool = z.boolean().nullish();
const int = z.number().int().nullish();
/** A decimal: a JSON number, or a numeric string (OBSERVED to be accepted, docs/reference/snelstart-api.md#dates-and-money). */
const amount = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)])
  .refine(Number.isFinite, "expected a finite number");
const ref = z.strictObject({ id: z.string(), uri: text }).nullish();
const readOnly = { id: text, uri: text, modifiedOn: text };

export const lineSoort = z.enum(["Geen", "Laag", "Hoog", "Overig"]);
export const btwRowSoort = z.enum(["Geen", "VerkopenLaag", "VerkopenHoog", "VerkopenOverig", "VerkopenVerlegd", "InkopenLaag", "InkopenHoog", "InkopenOverig"]);

export const adresBody = z
  .strictObject({ contactpersoon: text, straat: text, postcode: text, plaats: text, land: ref })
  .nullish();

const emailVersturen = z.strictObject({ shouldSend: bool, email: text, ccEmail: text }).nullish();

export const relatieBody = z.strictObject({
  ...readOnly,
  relatiesoort: z.array(z.enum(["Geen", "Klant", "Leverancier", "Eigen"])).nullish(),
  relatiecode: int,
  naam: text,
  vestigingsAdres: adresBody,
  correspondentieAdres: adresBody,
  telefoon: text,
  mobieleTelefoon: text,
  email: text,
  btwNummer: text,
  kvkNummer: text,
  factuurkorting: amount.nullish(),
  krediettermijn: int,
  kredietLimiet: amount.nullish(),
  iban: text,
  bic: text,
  bankieren: bool,
  incassoSoort: z.enum(["Geen", "Core", "B2B"]).nullish(),
  aanmaningsoort: z.enum(["Nee", "Onderneming", "Consument"]).nullish(),
  websiteUrl: text,
  oin: text,
  memo: text,
  nonactief: bool,
  factuurEmailVersturen: emailVersturen,
  aanmaningEmailVersturen: emailVersturen,
  offerteEmailVersturen: emailVersturen,
  bevestigingsEmailVersturen: emailVersturen,
  offerteAanvraagEmailVersturen: emailVersturen,
  bestellingEmailVersturen: emailVersturen,
  ublBestandAlsBijlage: bool,
  factuurRelatie: ref,
  extraVeldenKlant: z.array(z.strictObject({ naam: text, waarde: text })).nullish(),
  inkoopBoekingenUri: text,
  verkoopBoekingenUri: text,
  documents: z.array(z.unknown()).nullish(),
});
export type RelatieBody = z.infer<typeof relatieBody>;

export const verkoopboekingBody = z.strictObject({
  ...readOnly,
  factuurnummer: text,
  factuurdatum: text,
  klant: ref,
  omschrijving: text,
  boekstuk: text,
  betalingstermijn: z.number().int().min(0).max(999).nullish(),
  factuurbedrag: amount.nullish(),
  boekingsregels: z
    .array(z.strictObject({ omschrijving: text, grootboek: ref, bedrag: amount.nullish(), btwSoort: lineSoort.nullish(), kostenplaats: ref }))
    .nullish(),
  btw: z.array(z.strictObject({ btwSoort: btwRowSoort, btwBedrag: amount })).nullish(),
  eenmaligeIncassoMachtiging: z.strictObject({ kenmerk: text, omschrijving: text, datum: text }).nullish(),
  doorlopendeIncassoMachtiging: ref,
  markering: bool,
  gewijzigdDoorAccountant: bool,
  documents: z.array(z.unknown()).nullish(),
});
export type VerkoopboekingBody = z.infer<typeof verkoopboekingBody>;

export const artikelBody = z.strictObject({
  ...readOnly,
  artikelcode: text,
  omschrijving: text,
  artikelOmzetgroep: ref,
  verkoopprijs: amount.nullish(),
  inkoopprijs: amount.nullish(),
  eenheid: text,
  relatie: ref,
  isNonActief: bool,
  voorraadControle: bool,
  technischeVoorraad: amount.nullish(),
  vrijeVoorraad: amount.nullish(),
  extraVelden: z.array(z.strictObject({ naam: text, waarde: text })).nullish(),
  isHoofdartikel: bool,
  subartikelen: z.array(z.unknown()).nullish(),
});
export type ArtikelBody = z.infer<typeof artikelBody>;

export const verkooporderBody = z.strictObject({
  ...readOnly,
  relatie: ref,
  datum: text,
  // "Contantbon en Factuur zijn niet beschikbaar"
  // (docs/reference/snelstart-api.md#verkooporder-model): not in the accepted enum, so REF-0016.
  procesStatus: z.enum(["Order", "Offerte", "Bevestiging", "Werkbon", "Pakbon", "Afhaalbon"]).nullish(),
  verkoopOrderStatus: z.enum(["InBehandeling", "Uitgevoerd", "Service"]).nullish(),
  verkooporderBtwIngaveModel: z.enum(["Inclusief", "Exclusief"]).nullish(),
  nummer: int,
  krediettermijn: z.number().int().min(0).max(100).nullish(),
  geblokkeerd: bool,
  omschrijving: text,
  betalingskenmerk: text,
  memo: text,
  orderreferentie: text,
  afleveradres: adresBody,
  factuuradres: adresBody,
  incassomachtiging: ref,
  kostenplaats: ref,
  verkoopordersjabloon: ref,
  factuurkorting: amount.nullish(),
  regels: z
    .array(
      z.strictObject({
        artikel: ref,
        omschrijving: text,
        stuksprijs: amount,
        aantal: amount,
        kortingsPercentage: amount.nullish(),
        totaal: amount.nullish(),
        extraRegelVelden: z.array(z.unknown()).nullish(),
      }),
    )
    .nullish(),
  extraHoofdVelden: z.array(z.unknown()).nullish(),
  verkoopfactuur: ref,
  totaalExclusiefBtw: amount.nullish(),
  totaalInclusiefBtw: amount.nullish(),
});
export type VerkooporderBody = z.infer<typeof verkooporderBody>;

export const companyInfoBody = z.looseObject({ factureerBuitenlandsBtw: z.boolean() });

/** Parses a JSON body against a schema: the value, or the 400 to send (ALG-0106 empty, REF-0016 otherwise). */
export function parseBody<S extends z.ZodType>(req: SimRequest, schema: S): { ok: true; value: z.infer<S> } | { ok: false; response: SimResponse } {
  if (req.body.trim() === "") return { ok: false, response: badRequest([apiError("ALG-0106")]) };
  let json: unknown;
  try {
    json = JSON.parse(req.body);
  } catch {
    return { ok: false, response: badRequest([apiError("REF-0016", "geen geldige JSON")]) };
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? issue.path.map(String).join(".") : "(body)";
    return { ok: false, response: badRequest([apiError("REF-0016", `${where}: ${issue.message}`)]) };
  }
  return { ok: true, value: r.data };
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export function isGuid(s: string): boolean {
  return GUID.test(s);
}

/**
 * A SnelStart date-time as sent: `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss(.fff)`, no time zone
 * (docs/reference/snelstart-api.md#dates-and-money). Returns the calendar date `yyyy-MM-dd`, or
 * null when invalid. A zone designator is refused (stricter than ASP.NET, which would convert it).
 */
export function parseNaiveDate(s: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2}):(\d{2})(\.\d+)?)?$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  if (m[4] && (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59)) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** A timestamp as SnelStart writes them: naive `yyyy-MM-ddTHH:mm:ss` (UTC here). */
export function naiveDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}
