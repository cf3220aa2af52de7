/**
 * `snelstart-debtor`: finds the customer of the booking in SnelStart by e-mail in any case
 * (unless matching on e-mail is off, for shops whose customers share an address) and country —
 * and for a business customer with a VAT number, by that VAT number — else creates it as a Klant
 * (its e-mail address in lower case).
 * Adds `msg.snelstart.relatieId`. Lookups are cached within a run, and messages with the same
 * customer share one lookup while it is in progress (also across runs: webhooks for one order
 * arrive together), so a customer is never created twice.
 *
 * A business customer's VAT number goes on the relatie; if SnelStart refuses it (REL-0087/0088)
 * the relatie is created without it (or, when the customer already has a relatie without one, a
 * later order of theirs goes to that), a warning says so, and the order is booked without ICP
 * (vat-mapper's `icpFallback`), because SnelStart refuses ICP ledgers for a klant without one.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { refusesVatNumber } from "../error-codes";
import { KoppelingError } from "../errors";
import type { Booking, BookingCustomer } from "../koppeling";
import type { SnelStartClient } from "../snelstart/client";
import type { Land, Relatie, RelatieCreate } from "../snelstart/schemas";
import type { SnelStartConfigNode } from "./snelstart-config";
import { type KoppelingMessage, onOrderMessage, status } from "./shared";
import type { MappedBooking } from "./vat-mapper";

export interface DebtorDef extends NodeDef {
  snelstart: string;
  /** Match an existing relatie on e-mail (default). Off: always create. */
  matchOnEmail: boolean;
}

interface DebtorResult {
  relatieId: string;
  created: boolean;
  /** Whether the relatie carries a VAT number (ICP needs one). */
  hasVatNumber: boolean;
  warnings: string[];
}

/** The POST /relaties body for a customer; the address goes along only when it is complete (REL-0060). */
export function relatieFor(c: BookingCustomer, landen: readonly Land[], withVat: boolean): RelatieCreate {
  const land = landen.find((l) => l.landcode.toUpperCase() === c.country);
  const body: RelatieCreate = { relatiesoort: ["Klant"], naam: c.name };
  if (c.email) body.email = c.email;
  if (c.phone) body.telefoon = c.phone;
  if (c.street && c.postcode && c.city && land) {
    body.vestigingsAdres = { straat: c.street, postcode: c.postcode, plaats: c.city, land: { id: land.id }, ...(c.contactPerson ? { contactpersoon: c.contactPerson } : {}) };
  }
  if (withVat && c.vatNumber) body.btwNummer = c.vatNumber;
  if (c.kvkNumber) body.kvkNummer = c.kvkNumber;
  return body;
}

/** A VAT number as compared: without spaces, dots and dashes, upper case. */
function vatKey(v: string | null | undefined): string {
  return (v ?? "").replace(/[\s.-]/g, "").toUpperCase();
}

/** An e-mail address as compared: trimmed, lower case (SnelStart's `eq` may compare it exactly). */
function emailKey(v: string): string {
  return v.trim().toLowerCase();
}

/**
 * The best match among relaties with this e-mail: an active Klant, the oldest (lowest relatiecode)
 * first, whose address is in the customer's country — SnelStart decides OSS and ICP by the klant's
 * country, so a relatie elsewhere is no match and the order gets its own. A relatie without an
 * address matches, except for an OSS sale (SnelStart needs the klant in the destination country).
 * With a VAT number (a business customer), the VAT number decides: only a relatie with this one.
 */
function pick(found: readonly Relatie[], landId: string | undefined, oss: boolean, vatNumber: string | null): Relatie | null {
  const fits = (r: Relatie) => {
    const land = r.vestigingsAdres?.land?.id;
    return land ? !landId || land === landId : !oss;
  };
  const klanten = found.filter((r) => r.relatiesoort.includes("Klant") && !r.nonactief && fits(r));
  klanten.sort((a, b) => (a.relatiecode ?? Number.MAX_SAFE_INTEGER) - (b.relatiecode ?? Number.MAX_SAFE_INTEGER));
  if (vatNumber) return klanten.find((r) => vatKey(r.btwNummer) === vatKey(vatNumber)) ?? null;
  return klanten[0] ?? null;
}

/** Relaties with this e-mail in any case: as the shop gives it and in lower case (the form the koppeling stores). */
async function relatiesByEmail(client: SnelStartClient, email: string): Promise<Relatie[]> {
  const lower = emailKey(email);
  const lists = await Promise.all([...new Set([email.trim(), lower])].map((e) => client.findRelatiesByEmail(e)));
  const byId = new Map<string, Relatie>();
  for (const r of lists.flat()) byId.set(r.id, r);
  return [...byId.values()];
}

async function findOrCreate(client: SnelStartClient, landen: readonly Land[], c: BookingCustomer, matchOnEmail: boolean, oss: boolean): Promise<DebtorResult> {
  const withVat = c.isBusiness && !!c.vatNumber;
  const warnings: string[] = [];
  /** With a VAT number that SnelStart may refuse: this customer's relatie without one, if any. */
  let withoutVat: Relatie | null = null;
  if (matchOnEmail && c.email) {
    const landId = landen.find((l) => l.landcode.toUpperCase() === c.country)?.id;
    const found = await relatiesByEmail(client, c.email);
    const hit = pick(found, landId, oss, withVat ? c.vatNumber : null);
    if (hit) return { relatieId: hit.id, created: false, hasVatNumber: !!hit.btwNummer, warnings: [] };
    const sameEmail = withVat ? pick(found, landId, oss, null) : null;
    withoutVat = withVat ? pick(found.filter((r) => !vatKey(r.btwNummer)), landId, oss, null) : null;
    if (sameEmail) {
      warnings.push(
        `SnelStart relatie ${sameEmail.relatiecode ?? sameEmail.id} has the e-mail address of ${c.name} but ${sameEmail.btwNummer ? `VAT number ${sameEmail.btwNummer}` : "no VAT number"}, not ${c.vatNumber}: a relatie with this order's VAT number is created.`,
      );
    }
  }
  // Stored in lower case, so a later order with the address in another case finds it.
  const customer = c.email ? { ...c, email: emailKey(c.email) } : c;
  try {
    const r = await client.createRelatie(relatieFor(customer, landen, withVat));
    return { relatieId: r.id, created: true, hasVatNumber: withVat, warnings };
  } catch (err) {
    if (!withVat || !(err instanceof KoppelingError) || !refusesVatNumber(err.code)) throw err;
    const refused = `SnelStart refused VAT number ${c.vatNumber} of ${c.name} (${err.code}: ${err.message})`;
    // Refused again: the relatie an earlier order of this customer got without it is theirs (not a new one per order).
    if (withoutVat) return { relatieId: withoutVat.id, created: false, hasVatNumber: false, warnings: [`${refused}; the order goes to their relatie ${withoutVat.relatiecode ?? withoutVat.id}, which has none, and is booked without ICP.`] };
    const r = await client.createRelatie(relatieFor(customer, landen, false));
    warnings.push(`${refused}; the relatie was created without it and the order is booked without ICP.`);
    return { relatieId: r.id, created: true, hasVatNumber: false, warnings };
  }
}

export default function (RED: NodeAPI): void {
  function Debtor(this: Node, def: DebtorDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const admin = RED.nodes.getNode(def.snelstart) as SnelStartConfigNode | null;
    const matchOnEmail = def.matchOnEmail !== false;
    /** Per run id: customer key → lookup (the promise, so concurrent messages share it). */
    const runs = new Map<string, Map<string, Promise<DebtorResult>>>();
    /**
     * Lookups in progress, whatever their run: two runs at once (webhooks for the same order, a
     * webhook during the scheduled run) share one, so they never create one customer twice.
     */
    const inFlight = new Map<string, Promise<DebtorResult>>();
    /** Lookup results already reported as "created" (to one message only). */
    const counted = new WeakSet<DebtorResult>();
    let found = 0;
    let created = 0;
    node.status(admin ? status.idle("ready") : status.error("no SnelStart configured"));

    onOrderMessage(RED, node, async (msg) => {
      await work(msg);
      if (msg.snelstart?.relatieCreated) created++;
      else found++;
      node.status(status.ok(`${found} found, ${created} created`));
    });

    node.on("close", () => {
      runs.clear();
      inFlight.clear();
    });

    async function work(msg: KoppelingMessage): Promise<void> {
      if (!admin) throw new KoppelingError("SNELSTART_CONFIG", "Select a SnelStart administration (snelstart-config) in this node");
      const booking = msg.payload as MappedBooking | undefined;
      if (!booking || typeof booking !== "object" || !booking.customer || !booking.factuurnummer) {
        throw new KoppelingError("BOOKING_INVALID", "msg.payload must be the booking vat-mapper makes (with its customer)");
      }
      const c = booking.customer;
      const oss = booking.scheme === "oss";
      const vat = c.isBusiness && c.vatNumber ? ` vat:${vatKey(c.vatNumber)}` : "";
      const key = matchOnEmail && c.email ? `email:${emailKey(c.email)} ${c.country}${oss ? " oss" : ""}${vat}` : `new:${msg._msgid}`;
      const runId = msg.run?.id ?? "";
      if (!runs.has(runId)) {
        // Keep the lookups of the current run only (and the few before it that may still be finishing).
        if (runs.size >= 4) runs.delete(runs.keys().next().value as string);
        runs.set(runId, new Map());
      }
      const cache = runs.get(runId) as Map<string, Promise<DebtorResult>>;
      let lookup = cache.get(key) ?? inFlight.get(key);
      if (!lookup) {
        // Registered before anything is awaited, so a message arriving meanwhile finds it.
        const started = admin.reference().then(({ landen }) => findOrCreate(admin.client(), landen, c, matchOnEmail, oss));
        inFlight.set(key, started);
        const settled = () => inFlight.get(key) === started && inFlight.delete(key);
        started.then(settled, settled);
        lookup = started;
      }
      if (!cache.has(key)) {
        const shared = lookup;
        cache.set(key, shared);
        shared.catch(() => cache.get(key) === shared && cache.delete(key));
      }
      const r = await lookup;
      // Messages sharing one lookup: the first of them created the relatie, the others found it.
      const createdHere = r.created && !counted.has(r);
      counted.add(r);
      const warnings = [...r.warnings];
      let out: Booking = booking;
      if (booking.scheme === "icp" && !r.hasVatNumber) {
        if (booking.icpFallbackError) throw new KoppelingError(booking.icpFallbackError.code, booking.icpFallbackError.message);
        if (!booking.icpFallback) throw new KoppelingError("BOOKING_INVALID", `${booking.factuurnummer}: the relatie has no VAT number, so ICP is not allowed, and the booking carries no alternative`);
        if (r.warnings.length === 0) warnings.push(`The SnelStart relatie of ${c.name} has no VAT number; ${booking.factuurnummer} is booked without ICP.`);
        out = { ...booking.icpFallback, warnings: [...booking.icpFallback.warnings, ...warnings] };
      } else if (booking.icpFallback || booking.icpFallbackError) {
        const { icpFallback: _drop, icpFallbackError: _none, ...rest } = booking;
        out = rest;
      }
      for (const w of warnings) node.warn(w);
      msg.payload = out;
      msg.snelstart = { ...(msg.snelstart ?? {}), relatieId: r.relatieId, relatieCreated: createdHere, ...(warnings.length ? { warnings } : {}) };
    }
  }

  RED.nodes.registerType("snelstart-debtor", Debtor);
}
