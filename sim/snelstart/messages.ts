/**
 * The error codes the simulator answers with and their Dutch messages (reference
 * snelstart-api.md §12, portal "foutcodes v2"), plus the response helpers for the three error
 * body shapes SnelStart uses (§3.5).
 */
import type { SimResponse } from "../http";

export const MESSAGES = {
  "ALG-0100": "Het ID dient leeg te zijn.",
  "ALG-0102": "Het opgegeven item is onbekend.",
  "ALG-0103": "Het opgegeven ID is ongeldig.",
  "ALG-0104": "Ongeldig OData filter",
  "ALG-0106": "Het request is leeg.",
  "ART-0002": "Artikelcode is verplicht.",
  "ART-0003": "Artikelcode moet numeriek zijn.",
  "ART-0004": "Artikelcode is te lang.",
  "ART-0005": "Artikelcode bestaat al.",
  "ART-0006": "Omschrijving is verplicht.",
  "ART-0008": "Artikelomzetgroep is verplicht.",
  "ART-0009": "Artikelomzetgroep bestaat niet.",
  "BOE-0008": "De grootboekrekening is non-actief.",
  "BOE-0021": "Het factuurnummer bestaat al",
  "BOE-0023": "Er zijn geen boekingsregels",
  "BOE-0028": "Een regelbedrag is nul",
  "BOE-0037": "De grootboekrekening is niet gevonden.",
  "BOE-0039": "De boeking is niet in balans",
  "BOE-0054": "De relatie is non-actief.",
  "BOE-0058": "Het factuurnummer is verplicht en mag maximaal 25 tekens bevatten.",
  "BOE-0060": "De relatie is geen klant.",
  "BOE-0061": "Dit is een niet toegestane grootboekrekening.",
  "BOE-0062": "Btwverlegd mag niet worden gecombineerd met andere btwsoorten.",
  "BOE-0068": "Het boekstuk mag maximaal 25 tekens bevatten.",
  "BOE-0069": "De opgegeven BTW is niet geldig.",
  "BOE-0070": "De factuurdatum is geen geldige datum.",
  "BOE-0071": "De omschrijving mag maximaal 250 tekens bevatten.",
  "BOE-0075": "Op een grootboekrekening van een memoriaal- of balansdagboek mogen geen boekingsregels staan.",
  "BOE-0080": "Voor deze klant is boeken op een omzetrekening voor EU niet toegestaan.",
  "BOE-0081": "Er is geen grootboekrekening aanwezig voor de benodigde grootboekfuncties.",
  "BOE-0082": "De btw-soort ontbreekt of past niet bij de grootboekrekening.",
  "REF-0016": "De input is incompleet of incorrect. Controleer of de json valide is en of de waarden van het juiste type zijn.",
  "REL-0001": "Relatiesoort mag niet 'geen' zijn.",
  "REL-0006": "Het KvK-nummer is ongeldig.",
  "REL-0007": "Naam is verplicht en mag maximaal 50 tekens bevatten.",
  "REL-0008": "De relatiecode is al in gebruik.",
  "REL-0012": "Het mobiele telefoonnummer mag maximaal 25 tekens bevatten.",
  "REL-0013": "Het telefoonnummer mag maximaal 25 tekens bevatten.",
  "REL-0048": "Relatiesoort mag niet 'eigen' zijn.",
  "REL-0056": "Het land van het vestigingsadres bestaat niet.",
  "REL-0057": "Het btw-nummer moet minimaal 2 tekens bevatten.",
  "REL-0058": "Het btw-nummer mag maximaal 50 tekens bevatten.",
  "REL-0059": "Het btw-nummer mag alleen letters en cijfers bevatten.",
  "REL-0060": "Als het vestigingsadres is ingevuld, zijn straat, postcode, plaats en land verplicht.",
  "REL-0061": "Het e-mailadres is ongeldig.",
  "REL-0063": "Het ID dient leeg te zijn.",
  "REL-0065": "Een relatie kan niet zowel 'klant' als 'leverancier' zijn.",
  "REL-0087": "De landcode van het btw-nummer komt niet overeen met het land van het vestigingsadres.",
  "REL-0088": "Het btw-nummer is geen geldig btw-nummer.",
  "VOR-0002": "De relatie is geen klant.",
  "VOR-0005": "Het nummer dient leeg te zijn.",
  "VOR-0010": "LandId niet gevonden.",
  "VOR-0011": "De orderreferentie mag maximaal 50 tekens bevatten.",
} as const;

export type ErrorCode = keyof typeof MESSAGES;

export interface ApiError {
  errorCode: ErrorCode;
  message: string;
  details: null;
}

/** One business-rule error; `detail` (which field, which value) is appended to the message. */
export function apiError(code: ErrorCode, detail?: string): ApiError {
  return { errorCode: code, message: detail ? `${MESSAGES[code]} (${detail})` : MESSAGES[code], details: null };
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
