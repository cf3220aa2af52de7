/**
 * The simulator's VAT-number (btw-nummer) check, deterministic so tests can predict it.
 * The real API checks numbers properly and refuses a well-formed fake one (REL-0088,
 * OBSERVED in the reference, docs/reference/snelstart-api.md#relatie-fields); we cannot call
 * VIES, so the rule here is:
 *
 * 1. Letters and digits only (REL-0059), at least 2 (REL-0058) and at most 50 (REL-0057)
 *    characters.
 * 2. The first two letters are the country: an EU member state's VAT prefix (Greece is `EL`).
 *    Anything else is REL-0088.
 * 3. The rest has the country's format; checked exactly for
 *      NL  9 digits + `B` + 2 digits      NL123456789B01
 *      DE  9 digits                       DE123456789
 *      BE  10 digits starting 0 or 1      BE0123456789
 *      FR  2 letters/digits + 9 digits    FRXX123456789
 *      AT  `U` + 8 digits                 ATU12345678
 *    other EU countries: 8..12 letters/digits. A format mismatch is REL-0088.
 * 4. Numbers whose core digits end in `000` (NL: the 9 digits before `B`) are "not
 *    registered": REL-0088. That is how tests make a well-formed number fail.
 *
 * The country prefix must match the vestigingsAdres country (REL-0087); that check lives with
 * the relatie rules because it needs the address.
 */
import type { ErrorCode } from "./messages";

const FORMATS: Record<string, RegExp> = {
  NL: /^(\d{9})B\d{2}$/,
  DE: /^(\d{9})$/,
  BE: /^([01]\d{9})$/,
  FR: /^[0-9A-Z]{2}(\d{9})$/,
  AT: /^U(\d{8})$/,
};
const GENERIC = /^([0-9A-Z]{8,12})$/;

/** EU VAT prefixes -> ISO 3166 alpha-2 country (they differ only for Greece). */
export const VAT_PREFIX_COUNTRY: Readonly<Record<string, string>> = {
  AT: "AT", BE: "BE", BG: "BG", CY: "CY", CZ: "CZ", DE: "DE", DK: "DK", EE: "EE", EL: "GR", ES: "ES",
  FI: "FI", FR: "FR", HR: "HR", HU: "HU", IE: "IE", IT: "IT", LT: "LT", LU: "LU", LV: "LV", MT: "MT",
  NL: "NL", PL: "PL", PT: "PT", RO: "RO", SE: "SE", SI: "SI", SK: "SK",
};

/** `null` when the number passes; else the REL code to answer with. */
export function checkVatNumber(btwNummer: string): ErrorCode | null {
  if (btwNummer.length < 2) return "REL-0058";
  if (btwNummer.length > 50) return "REL-0057";
  if (!/^[0-9A-Za-z]+$/.test(btwNummer)) return "REL-0059";
  const upper = btwNummer.toUpperCase();
  const prefix = upper.slice(0, 2);
  if (!(prefix in VAT_PREFIX_COUNTRY)) return "REL-0088";
  const m = (FORMATS[prefix] ?? GENERIC).exec(upper.slice(2));
  if (!m) return "REL-0088";
  if (m[1].endsWith("000")) return "REL-0088";
  return null;
}

/** The ISO alpha-2 country of a VAT number's prefix, or null when it has none we know. */
export function vatNumberCountry(btwNummer: string): string | null {
  return VAT_PREFIX_COUNTRY[btwNummer.slice(0, 2).toUpperCase()] ?? null;
}
