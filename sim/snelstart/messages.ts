/**
 * The error codes the simulator answers with and their messages, verbatim from SnelStart's
 * developer portal page "B2B API versie 2 foutcodes" (docs/reference/snelstart-api.md#error-codes,
 * source S1p `foutcodes-v2`; the reference quotes a few of them, e.g. BOE-0021, BOE-0039,
 * ALG-0104), plus the response helpers for the three error body shapes SnelStart uses
 * (docs/reference/snelstart-api.md#error-bodies).
 *
 * The message is always the portal's text, unchanged. What the simulator adds (which line, which
 * field, which value) goes into the item's `details`, a string or null (the [S6] fixture,
 * docs/reference/snelstart-api.md#sources, shows `details` holding a string); the real service's
 * `details` content is unknown.
 */
import type { SimResponse } from "../http";

export const MESSAGES = {
  "ALG-0100": "Het ID dient leeg te zijn",
  "ALG-0103": "Ongeldig ID",
  "ALG-0104": "Ongeldig OData filter",
  "ALG-0106": "De data in het request is leeg",
  "ART-0001": "Artikel bestaat niet.",
  "ART-0002": "Artikelcode is verplicht.",
  "ART-0003": "Artikelcode is geen nummer.",
  "ART-0004": "Artikelcode is te lang.",
  "ART-0005": "Artikelcode bestaat al.",
  "ART-0006": "Omschrijving is verplicht.",
  "ART-0008": "Artikelomzetgroep is verplicht.",
  "ART-0009": "Opgegeven artikelomzetgroep bestaat niet.",
  "BOE-0008": "De grootboekrekening is verwijderd en staat op nonactief in de administratie",
  "BOE-0019": "De kostenplaats is niet gevonden",
  "BOE-0021": "Het factuurnummer bestaat al",
  "BOE-0023": "Er zijn geen boekingsregels",
  "BOE-0026": "De kostenplaats is verwijderd en staat op nonactief",
  "BOE-0028": "Een regelbedrag is nul",
  "BOE-0037": "Een grootboekrekening kon niet worden gevonden",
  "BOE-0039": "De boeking is niet in balans",
  "BOE-0054": "De relatie is verwijderd en staat op nonactief",
  "BOE-0058": "Het factuurnummer is verplicht en mag maximaal 25 tekens bevatten.",
  "BOE-0060": "De opgegeven relatie is geen klant.",
  "BOE-0061": "Er is een niet toegestane grootboekrekening gebruikt.",
  "BOE-0062": "Btwverlegd mag niet worden gecombineerd met andere btwsoorten.",
  "BOE-0068": "Het boekstuk mag maximaal 25 tekens lang zijn.",
  "BOE-0069": "De opgegeven BTW is niet geldig",
  "BOE-0070": "De opgegeven boekdatum is niet geldig",
  "BOE-0071": "Een omschrijving mag maximaal 250 tekens lang zijn.",
  "BOE-0075": "In de boekingsregels mag niet worden geboekt op memoriaal of een balans dagboek",
  "BOE-0080": "Voor deze klant is boeken op een omzetrekening voor EU niet toegestaan.",
  "BOE-0081": "Er is geen grootboekrekening aanwezig voor de volgende grootboekfuncties.",
  "BOE-0082": "Een btw-soort ontbreekt, of komt niet overeen met de btwsoort van de grootboekrekening.",
  "REF-0016": "De input is incompleet, of incorrect. Controleer of de json valide is en de juiste properties bevat",
  "REL-0001": "RelatieSoort mag niet 'geen' zijn",
  "REL-0006": "KvkNummer is ongeldig",
  "REL-0007": "Naam moet gevuld zijn",
  "REL-0008": "Relatiecode reeds in gebruik",
  "REL-0012": "MobieleTelefoon mag maximaal 25 karakters bevatten",
  "REL-0013": "Telefoon mag maximaal 25 karakters bevatten",
  "REL-0020": "VestigingsAdres.Straat mag maximaal 50 karakters bevatten",
  "REL-0021": "VestigingsAdres.Postcode mag maximaal 25 karakters bevatten",
  "REL-0022": "VestigingsAdres.Plaats mag maximaal 50 karakters bevatten",
  "REL-0023": "VestigingsAdres.Contactpersoon mag maximaal 50 karakters bevatten",
  "REL-0047": "Het ID in het url en het ID van de relatie in het request komen niet overeen",
  "REL-0048": "RelatieSoort mag niet 'eigen' bevatten",
  "REL-0056": "VestigingsAdres.LandId niet gevonden",
  "REL-0057": "BtwNummer mag maximaal 50 karakters bevatten",
  "REL-0058": "BtwNummer moet minimaal 2 karakters bevatten",
  "REL-0059": "BtwNummer mag alleen cijfers en letters bevatten",
  "REL-0060": "Indien een van de velden van VestigingsAdres gevuld is, meegegeven dienen alle velden gevuld zijn, uitgezonderd Contactpersoon",
  "REL-0061": "Email dient een geldig emailadres te zijn.",
  "REL-0063": "Het ID dient leeg te zijn.",
  "REL-0064": "RelatieSoort mag niet aangepast worden.",
  "REL-0065": "RelatieSoort kan niet zowel 'klant' als 'leverancier' zijn.",
  "REL-0084": "Email bevat één of meerdere ongeldige emailadressen. U kunt meerdere emailadressen opgeven door ze te scheiden met een puntkomma(;).",
  "REL-0085": "Email mag maximaal 250 karakters bevatten",
  "REL-0087": "De Btw landcode komt niet overeen met de landcode van het vestigingsadres",
  "REL-0088": "Het opgegeven nummer is geen geldig btw-nummer",
  "VOR-0002": "De relatie is geen klant",
  "VOR-0005": "Bij een nieuwe verkooporder moet het veld ordernummer leeg zijn",
  "VOR-0010": "LandId niet gevonden",
  "VOR-0011": "Orderreferentie mag maximaal 50 karakters bevatten",
} as const;

export type ErrorCode = keyof typeof MESSAGES;

export interface ApiError {
  errorCode: ErrorCode;
  message: string;
  /** What the simulator adds: which line, field or value; null when nothing. */
  details: string | null;
}

/** One business-rule error: the portal's message verbatim, `detail` (which field, which value) in `details`. */
export function apiError(code: ErrorCode, detail?: string): ApiError {
  return { errorCode: code, message: MESSAGES[code], details: detail ? detail : null };
}

/** 400 with the business-rule shape `[{errorCode, message, details}]`. */
export function badRequest(errors: ApiError[]): SimResponse {
  return { status: 400, body: errors };
}

/** The ASP.NET Web API shape `{"Message": …}` (404s, OData option errors). */
export function webApiError(status: number, message: string): SimResponse {
  return { status, body: { Message: message } };
}

/** The Azure API Management gateway shape `{"statusCode", "message"}` (401, 429, injected faults). */
export function gatewayError(status: number, message: string, headers?: Record<string, string>): SimResponse {
  return { status, headers, body: { statusCode: status, message } };
}

export function notFound(what: string, id: string): SimResponse {
  return webApiError(404, `Er is geen ${what} gevonden met id '${id}'.`);
}
