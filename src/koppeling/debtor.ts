/**
 * Debtor matching: which SnelStart relatie is a booking's customer, and the relatie the
 * koppeling creates for one it does not find. Pure; snelstart-debtor looks the relaties up and
 * creates them (src/booking/debtor.ts).
 */
import type { Land, Relatie, RelatieCreate } from "../snelstart/schemas";
import type { BookingCustomer } from "./customer";

/** A VAT number as compared: without spaces, dots and dashes, upper case. */
export function vatKey(v: string | null | undefined): string {
  return (v ?? "").replace(/[\s.-]/g, "").toUpperCase();
}

/** An e-mail address as compared: trimmed, lower case (SnelStart's `eq` may compare it exactly). */
export function emailKey(v: string): string {
  return v.trim().toLowerCase();
}

/** Whether the customer is matched and created with its VAT number: a business customer that gives one. */
export function withVatNumber(c: BookingCustomer): boolean {
  return c.isBusiness && !!c.vatNumber;
}

/**
 * The key under which one customer's lookup is shared (within a run, and while it is in
 * progress): its e-mail address in any case, its country, OSS or not, and its VAT number. With
 * matching on e-mail off, or without an address, every message is its own customer (`new:<msg id>`).
 */
export function debtorKey(c: BookingCustomer, oss: boolean, matchOnEmail: boolean, msgId: string): string {
  const vat = withVatNumber(c) ? ` vat:${vatKey(c.vatNumber)}` : "";
  return matchOnEmail && c.email ? `email:${emailKey(c.email)} ${c.country}${oss ? " oss" : ""}${vat}` : `new:${msgId}`;
}

/** Whether a lookup under this key can find the customer again: not when every message is its own customer. */
export function findable(key: string): boolean {
  return !key.startsWith("new:");
}

/**
 * Whether the relatie an earlier attempt created for a document (read back from SnelStart) still
 * fits its customer, by the rules a lookup by e-mail applies (pickRelatie): an active Klant in the
 * customer's country, and with a VAT number, that one; a relatie without one also fits a customer
 * with one (SnelStart refused it on that attempt: booked without ICP, as then). Null: a new one is
 * created. `hasVatNumber`: whether the relatie carries the customer's VAT number.
 */
export function refit(r: Relatie, landId: string | undefined, c: BookingCustomer, oss: boolean): { hasVatNumber: boolean } | null {
  const withVat = withVatNumber(c);
  if (withVat && pickRelatie([r], landId, oss, c.vatNumber)) return { hasVatNumber: true };
  if (vatKey(r.btwNummer) && withVat) return null;
  return pickRelatie([r], landId, oss, null) ? { hasVatNumber: false } : null;
}

/** The SnelStart id of a customer's country in SnelStart's country list, if listed. */
export function landIdOf(landen: readonly Land[], country: string): string | undefined {
  return landen.find((l) => l.landcode.toUpperCase() === country)?.id;
}

/**
 * The best match among relaties with this e-mail: an active Klant, the oldest (lowest relatiecode)
 * first, whose address is in the customer's country — SnelStart decides OSS and ICP by the klant's
 * country, so a relatie elsewhere is no match and the order gets its own. A relatie without an
 * address matches, except for an OSS sale (SnelStart needs the klant in the destination country).
 * With a VAT number (a business customer), the VAT number decides: only a relatie with this one.
 */
export function pickRelatie(found: readonly Relatie[], landId: string | undefined, oss: boolean, vatNumber: string | null): Relatie | null {
  const fits = (r: Relatie) => {
    const land = r.vestigingsAdres?.land?.id;
    return land ? !landId || land === landId : !oss;
  };
  const klanten = found.filter((r) => r.relatiesoort.includes("Klant") && !r.nonactief && fits(r));
  klanten.sort((a, b) => (a.relatiecode ?? Number.MAX_SAFE_INTEGER) - (b.relatiecode ?? Number.MAX_SAFE_INTEGER));
  if (vatNumber) return klanten.find((r) => vatKey(r.btwNummer) === vatKey(vatNumber)) ?? null;
  return klanten[0] ?? null;
}

/** The POST /relaties body for a customer; the address goes along only when it is complete (REL-0060). */
export function relatieFor(c: BookingCustomer, landen: readonly Land[], withVat: boolean): RelatieCreate {
  const landId = landIdOf(landen, c.country);
  const body: RelatieCreate = { relatiesoort: ["Klant"], naam: c.name };
  if (c.email) body.email = c.email;
  if (c.phone) body.telefoon = c.phone;
  if (c.street && c.postcode && c.city && landId) {
    body.vestigingsAdres = { straat: c.street, postcode: c.postcode, plaats: c.city, land: { id: landId }, ...(c.contactPerson ? { contactpersoon: c.contactPerson } : {}) };
  }
  if (withVat && c.vatNumber) body.btwNummer = c.vatNumber;
  if (c.kvkNumber) body.kvkNummer = c.kvkNumber;
  return body;
}
