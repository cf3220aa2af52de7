/**
 * Customers of the simulated shop: names, companies and e-mail addresses with quotes, accents
 * and emoji (O'Brien, "Het Hoekje", Zoë, Müller, Ångström), addresses in both CCV styles
 * (`address_line_1` only, or street + housenumber + suffix) and VAT numbers for businesses.
 */
import { COUNTRIES } from "./catalog";
import type { Rng } from "./random";
import type { CcvAddressJson, CcvPersonalInfoJson } from "./types";

const FIRST_NAMES = [
  "Jan", "Sanne", "Pieter", "Zoë", "Daan", "Emma", "Sem", "Julia", "Lotte", "Bram", "Fleur", "Thijs",
  "Noël", "Anaïs", "Seán", "José", "Björn", "Chloé", "Mohammed", "Fatima", "Siobhán", "Anne-Marie", "Sanne 🌸",
];
const LAST_NAMES = [
  "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "O'Brien", "Müller", "Ångström", "Smit", "de Jong",
  "Öztürk", "Dubois", "Lefèvre", "Schröder", "Van Damme", "Peeters", "Gruber", "D'Agostino", "van 't Hof", "Smith",
];

const COMPANIES: Readonly<Record<string, readonly string[]>> = {
  NL: ['"Het Hoekje" B.V.', "Bakkerij 't Stoepje", "Café Zoë", "Bloemenwinkel De Tulp 🌷", "Koffiebranderij O'Brien"],
  DE: ["Müller & Söhne GmbH", "Kaffeehaus Schröder KG"],
  BE: ["Van Damme BV", "Brasserie L'Écluse"],
  FR: ["L'Atelier Ångström SARL", "Maison Lefèvre"],
  AT: ["Gruber Handels GmbH", "Café Zoë Wien ☕"],
  IT: ["Caffè D'Agostino S.r.l."],
  ES: ["Cafés Peñalver S.L."],
};

interface Place {
  city: string;
  province: string;
}

interface CountryAddressing {
  streets: readonly string[];
  places: readonly Place[];
  zip: (rng: Rng) => string;
  dial: string;
  /** Street-first (`Keizersgracht 12`) or number-first (`221 Baker Street`) address lines. */
  numberFirst: boolean;
}

const place = (city: string, province = ""): Place => ({ city, province });
const LETTERS = "ABCDEFGHJKLMNPRTVWXZ";
const letter = (rng: Rng) => LETTERS[rng.int(0, LETTERS.length - 1)];

const ADDRESSING: Readonly<Record<string, CountryAddressing>> = {
  NL: {
    streets: ["Keizersgracht", "Dorpsstraat", "Kerkstraat", "Stationsweg", "Laan van Meerdervoort", "'t Zand", "Oudegracht"],
    places: [place("Amsterdam", "Noord-Holland"), place("Utrecht", "Utrecht"), place("Den Haag", "Zuid-Holland"), place("Groningen", "Groningen"), place("'s-Hertogenbosch", "Noord-Brabant"), place("Maastricht", "Limburg")],
    // Not normalised, as shoppers type it (the verbatim sample has `1234ab`).
    zip: (rng) => {
      const z = `${rng.int(1000, 9999)}${rng.chance(0.5) ? " " : ""}${letter(rng)}${letter(rng)}`;
      return rng.chance(0.2) ? z.toLowerCase() : z;
    },
    dial: "+31 6",
    numberFirst: false,
  },
  DE: { streets: ["Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Königsallee"], places: [place("Berlin", "Berlin"), place("München", "Bayern"), place("Köln", "Nordrhein-Westfalen"), place("Düsseldorf", "Nordrhein-Westfalen")], zip: (rng) => rng.digits(5), dial: "+49 30", numberFirst: false },
  BE: { streets: ["Kerkstraat", "Rue de la Loi", "Meir", "Grote Markt"], places: [place("Antwerpen"), place("Brussel"), place("Gent"), place("Liège")], zip: (rng) => String(rng.int(1000, 9999)), dial: "+32 470", numberFirst: false },
  FR: { streets: ["Rue de Rivoli", "Avenue des Champs-Élysées", "Rue Sainte-Catherine", "Boulevard Saint-Michel"], places: [place("Paris"), place("Lyon"), place("Bordeaux"), place("Lille")], zip: (rng) => rng.digits(5), dial: "+33 6", numberFirst: true },
  AT: { streets: ["Mariahilfer Straße", "Herrengasse", "Getreidegasse"], places: [place("Wien"), place("Graz"), place("Salzburg")], zip: (rng) => String(rng.int(1000, 9999)), dial: "+43 664", numberFirst: false },
  IT: { streets: ["Via Roma", "Corso Vittorio Emanuele II"], places: [place("Milano", "MI"), place("Torino", "TO")], zip: (rng) => rng.digits(5), dial: "+39 333", numberFirst: false },
  ES: { streets: ["Calle Mayor", "Gran Vía"], places: [place("Madrid"), place("Barcelona")], zip: (rng) => rng.digits(5), dial: "+34 612", numberFirst: false },
  US: { streets: ["Fifth Avenue", "Market Street"], places: [place("New York", "NY"), place("San Francisco", "CA")], zip: (rng) => rng.digits(5), dial: "+1 212", numberFirst: true },
  CH: { streets: ["Bahnhofstrasse", "Rue du Rhône"], places: [place("Zürich", "ZH"), place("Genève", "GE")], zip: (rng) => String(rng.int(1000, 9999)), dial: "+41 79", numberFirst: false },
  GB: { streets: ["Baker Street", "High Street"], places: [place("London"), place("Manchester")], zip: (rng) => `${letter(rng)}${letter(rng)}${rng.int(1, 9)} ${rng.int(1, 9)}${letter(rng)}${letter(rng)}`, dial: "+44 7700", numberFirst: true },
};

/** A plausible VAT number per country (format only; the check digits are not real). */
export function vatNumber(rng: Rng, code: string): string {
  switch (code) {
    case "NL":
      return `NL${rng.digits(9)}B01`;
    case "BE":
      return `BE0${rng.digits(9)}`;
    case "FR":
      return `FR${rng.digits(11)}`;
    case "AT":
      return `ATU${rng.digits(8)}`;
    case "IT":
      return `IT${rng.digits(11)}`;
    case "ES":
      return `ESB${rng.digits(8)}`;
    default:
      return `${code}${rng.digits(9)}`;
  }
}

/** ASCII e-mail local part: accents folded, emoji dropped, apostrophes kept (o'brien). */
function mailPart(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/Å|å/g, "a")
    .replace(/[^A-Za-z0-9'-]/g, "")
    .toLowerCase();
}

export interface Person {
  first: string;
  last: string;
}

export function person(rng: Rng): Person {
  return { first: rng.pick(FIRST_NAMES), last: rng.pick(LAST_NAMES) };
}

export function email(rng: Rng, who: Person, countryCode: string, company = ""): string {
  const domain = `example.${countryCode === "GB" ? "co.uk" : countryCode === "US" ? "com" : countryCode.toLowerCase()}`;
  const base = company ? `${mailPart(who.first)}@${mailPart(company.split(" ")[0]) || "bedrijf"}.${domain}` : `${mailPart(who.first)}.${mailPart(who.last)}@${domain}`;
  // Some shoppers type capitals; debtor matching must cope with the address as given.
  return rng.chance(0.1) ? base.replace(/^./, (c) => c.toUpperCase()) : base;
}

/** The empty delivery address CCV sends when it equals the billing address. */
export function emptyAddress(): CcvAddressJson {
  return {
    gender: null,
    full_name: "",
    initials: "",
    company: "",
    address_line_1: "",
    address_line_2: "",
    street: "",
    housenumber: null,
    housenumber_suffix: "",
    zipcode: "",
    city: "",
    province: "",
    telephone: "",
    mobile: "",
    comment: "",
    country: "",
    country_code: null,
  };
}

export function address(rng: Rng, who: Person, countryCode: string, company: string, billing: boolean): CcvAddressJson {
  const a = ADDRESSING[countryCode];
  const where = rng.pick(a.places);
  const street = rng.pick(a.streets);
  const housenumber = rng.int(1, 250);
  const suffix = rng.weighted([["", 6], ["a", 1], ["B", 1], ["-III", 1], [" bis", 1]] as const).trim();
  const line = a.numberFirst ? `${housenumber}${suffix} ${street}` : `${street} ${housenumber}${suffix}`;
  // CCV: "Either use address_line_1 and address_line_2 or street and housenumber"; the sample has both.
  const style = rng.weighted([["both", 2], ["split", 1], ["line", 1]] as const);
  const out: CcvAddressJson = {
    gender: null,
    initials: `${who.first[0]}.`,
    full_name: `${who.first} ${who.last}`,
    company,
    address_line_1: style === "split" ? "" : line,
    address_line_2: style === "line" && rng.chance(0.3) ? "2e verdieping" : "",
    street: style === "line" ? "" : street,
    housenumber: style === "line" ? null : housenumber,
    housenumber_suffix: style === "line" ? "" : suffix,
    zipcode: a.zip(rng),
    city: where.city,
    province: where.province,
    telephone: rng.chance(0.7) ? `${a.dial} ${rng.digits(7)}` : "",
    mobile: "",
    comment: rng.chance(0.05) ? "Bel aan bij de buren 🙂" : "",
    country: COUNTRIES[countryCode].name,
    country_code: countryCode,
  };
  return billing ? { ...out, first_name: who.first, last_name: who.last, fax: "" } : out;
}

export interface CustomerSpec {
  billingCountry: string;
  /** Delivery country when it differs from billing (gift to another country). */
  deliveryCountry?: string;
  business: boolean;
  /** The B2B customer's VAT number is filled (ICP or Dutch business). */
  withVatNumber: boolean;
}

export function personalInfo(rng: Rng, spec: CustomerSpec): CcvPersonalInfoJson {
  const who = person(rng);
  const company = spec.business ? rng.pick(COMPANIES[spec.billingCountry] ?? COMPANIES.NL) : "";
  const billing = address(rng, who, spec.billingCountry, company, true);
  const separateDelivery = spec.deliveryCountry !== undefined || rng.chance(0.15);
  const delivery = separateDelivery ? address(rng, person(rng), spec.deliveryCountry ?? spec.billingCountry, company, false) : emptyAddress();
  return {
    billingaddress: billing,
    deliveryaddress: delivery,
    email_invoice: "",
    email_invoice_company: "",
    email_invoice_union: "",
    email: email(rng, who, spec.billingCountry, company),
    customertype: spec.business ? "b2b" : "b2c",
    iban: "",
    bic: "",
    bankaccount: "",
    bank: "",
    bankname: "",
    tenname: "",
    website: "",
    branch: "",
    costcentre: "",
    birthdate: null,
    reservationnumber: "",
    btw: spec.withVatNumber ? vatNumber(rng, spec.billingCountry) : "",
    kvk: spec.business && spec.billingCountry === "NL" ? rng.digits(8) : "",
    reference: spec.business && rng.chance(0.5) ? `DEB-${rng.digits(5)}` : "",
  };
}
