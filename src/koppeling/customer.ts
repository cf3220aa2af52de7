/**
 * The customer of a CCV order or invoice, normalised for the debtor node (SnelStart relatie limits,
 * docs/reference/snelstart-api.md#relatie-fields), and the destination country that decides the VAT
 * scheme.
 */
import type { CcvAddress, CcvPersonalInfo } from "../ccv/schemas";
import { KoppelingError } from "../errors";
import { isCountryCode } from "./countries";

export interface BookingCustomer {
  /** Company, else the person's name, else the e-mail address; at most 50 characters (REL-0007). */
  name: string;
  /** The person when `name` is a company; "" otherwise. At most 50. */
  contactPerson: string;
  email: string;
  /** Telephone, else mobile; at most 25. */
  phone: string;
  /** Street with house number and suffix (`Voorbeeldstraat 3A`); at most 50. */
  street: string;
  /** At most 25; Dutch postcodes as `1234 AB`. */
  postcode: string;
  city: string;
  /** ISO 3166-1 alpha-2 of the invoice address. */
  country: string;
  /** Letters and digits only, upper case; "" for a consumer. */
  vatNumber: string;
  kvkNumber: string;
  /** A customer with a VAT number (design.md: business customer = non-empty `customer.btw`). */
  isBusiness: boolean;
  /** CCV account id; null for a guest order. */
  ccvUserId: number | null;
}

/** Cuts a text to `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Trims and collapses runs of white space (most texts have none: test before replacing). */
function clean(text: string): string {
  const t = text.trim();
  return /\s\s|[^\S ]/.test(t) ? t.replace(/\s+/g, " ") : t;
}

function personName(a: CcvAddress): string {
  return clean(a.full_name) || clean(`${a.first_name ?? ""} ${a.last_name ?? ""}`);
}

function hasStreet(a: CcvAddress | null | undefined): a is CcvAddress {
  return !!a && (clean(a.street) !== "" || clean(a.address_line_1) !== "");
}

/** `Voorbeeldstraat 3A`, `Dorpsstraat 12-2`, `Rue X 4 bis`; `address_line_1/2` when the street is not split. */
function streetLine(a: CcvAddress): string {
  const street = clean(a.street);
  if (street === "") return clean(`${a.address_line_1} ${a.address_line_2}`);
  const suffix = clean(a.housenumber_suffix);
  const joined = suffix === "" ? "" : /^[A-Za-z]$|^[-/]/.test(suffix) ? suffix : ` ${suffix}`;
  return clean(`${street} ${a.housenumber ?? ""}${joined}`);
}

function postcode(zip: string, country: string): string {
  const z = clean(zip).toUpperCase();
  const nl = country === "NL" ? /^(\d{4}) ?([A-Z]{2})$/.exec(z) : null;
  return nl ? `${nl[1]} ${nl[2]}` : z;
}

function checkedCountry(code: string, label: string, which: string): string {
  if (!isCountryCode(code)) {
    throw new KoppelingError("COUNTRY_UNKNOWN", `${label}: the ${which} country code "${code}" is not an ISO 3166-1 country code.`, { country: code });
  }
  return code;
}

/** Destination = delivery `country_code`, else billing `country_code` (design.md); both checked against ISO 3166-1. */
export function destinationCountry(info: CcvPersonalInfo, label: string): string {
  const billing = info.billingaddress.country_code;
  const delivery = info.deliveryaddress?.country_code ?? null;
  if (billing) checkedCountry(billing, label, "billing");
  if (delivery) return checkedCountry(delivery, label, "delivery");
  if (billing) return billing;
  throw new KoppelingError("COUNTRY_UNKNOWN", `${label}: the customer's address has no country code.`, { country: null });
}

/**
 * The debtor's data, or CUSTOMER_MISSING when the order has no customer (or neither a name nor an
 * e-mail address). The address is the billing address, unless `addressIn` names a country: then
 * the delivery address when that is where it lies. (SnelStart books foreign VAT only for a klant
 * whose address is in the destination country, so an OSS sale delivered abroad needs that one.)
 */
export function normaliseCustomer(info: CcvPersonalInfo | null, userId: number | null, label: string, addressIn?: string): { customer: BookingCustomer; destination: string } {
  if (!info) throw new KoppelingError("CUSTOMER_MISSING", `${label} has no customer, so there is no debtor to book it on.`, {});
  const destination = destinationCountry(info, label);
  const billing = info.billingaddress;
  const delivery = info.deliveryaddress;
  const address =
    addressIn && addressIn !== billing.country_code && delivery?.country_code === addressIn && hasStreet(delivery)
      ? delivery
      : hasStreet(billing)
        ? billing
        : hasStreet(delivery)
          ? delivery
          : billing;
  const country = address.country_code ?? billing.country_code ?? destination;
  const person = personName(billing) || personName(address);
  const company = clean(billing.company) || clean(address.company);
  const email = clean(info.email);
  const name = company || person || email;
  if (name === "") {
    throw new KoppelingError("CUSTOMER_MISSING", `${label}: the customer has no name, company or e-mail address to create a debtor with.`, {});
  }
  const vatNumber = info.btw.replace(/[^A-Za-z0-9]/g, "").toUpperCase();
  return {
    destination,
    customer: {
      name: truncate(name, 50),
      contactPerson: company ? truncate(person, 50) : "",
      email: truncate(email, 250),
      phone: truncate(clean(billing.telephone) || clean(billing.mobile), 25),
      street: truncate(streetLine(address), 50),
      postcode: truncate(postcode(address.zipcode, country), 25),
      city: truncate(clean(address.city), 50),
      country,
      vatNumber: truncate(vatNumber, 50),
      kvkNumber: truncate(clean(info.kvk), 12),
      isBusiness: vatNumber !== "",
      ccvUserId: userId,
    },
  };
}
