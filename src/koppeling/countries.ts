/**
 * ISO 3166-1 alpha-2 country codes (all 249 officially assigned codes) and the EU-27.
 * CCV Shop sends addresses with ISO-2 codes; SnelStart's /vatrates wants ISO-3 (EU only).
 */

const ISO2 =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
  "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
  "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
  "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
  "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
  "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
  "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/** Every officially assigned ISO 3166-1 alpha-2 code. */
export const ISO_COUNTRIES: ReadonlySet<string> = new Set(ISO2.split(" "));

/** The EU-27 member states (ISO-2 -> ISO-3). NL is included; GB and CH are not EU. */
export const EU_ISO3: Readonly<Record<string, string>> = {
  AT: "AUT", BE: "BEL", BG: "BGR", HR: "HRV", CY: "CYP", CZ: "CZE", DK: "DNK", EE: "EST", FI: "FIN",
  FR: "FRA", DE: "DEU", GR: "GRC", HU: "HUN", IE: "IRL", IT: "ITA", LV: "LVA", LT: "LTU", LU: "LUX",
  MT: "MLT", NL: "NLD", PL: "POL", PT: "PRT", RO: "ROU", SK: "SVK", SI: "SVN", ES: "ESP", SE: "SWE",
};

export const EU_COUNTRIES: ReadonlySet<string> = new Set(Object.keys(EU_ISO3));

export function isCountryCode(code: string): boolean {
  return ISO_COUNTRIES.has(code);
}

export function isEu(code: string): boolean {
  return EU_COUNTRIES.has(code);
}

/** The ISO-3 code SnelStart's `/vatrates/{countryCode}` expects, for an EU country; undefined otherwise. */
export function euIso3(code: string): string | undefined {
  return EU_ISO3[code];
}
