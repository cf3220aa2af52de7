/**
 * Shared set-up for the SnelStart tests: an in-process simulator, a client against it, and
 * builders for the entities most tests need. Each simulator gets its own koppelsleutel, so
 * token cache and shared throttles never leak from one test to another.
 */
import assert from "node:assert/strict";
import { isKoppelingError, type KoppelingError } from "../../src/errors";
import { SnelStartClient, type SnelStartClientOptions } from "../../src/snelstart/client";
import type { Relatie, VerkoopBoekingCreate } from "../../src/snelstart/schemas";
import { Throttle } from "../../src/snelstart/throttle";
import { simLandId, simLedgerId, startSnelStartSim, type SnelStartSim, type SnelStartSimOptions } from "../../sim/snelstart/server";

let counter = 0;

export interface Setup {
  sim: SnelStartSim;
  client: SnelStartClient;
  koppelsleutel: string;
  /** Another client on the same simulator and administration. */
  makeClient(overrides?: Partial<SnelStartClientOptions>): SnelStartClient;
  close(): Promise<void>;
}

/** A throttle that never holds anything back (tests that are not about throttling). */
export function openThrottle(): Throttle {
  return new Throttle({ perMinute: 1_000_000, perHour: 10_000_000, concurrent: 1_000, margin: 0 });
}

export async function setup(simOptions: SnelStartSimOptions = {}, clientOptions: Partial<SnelStartClientOptions> = {}): Promise<Setup> {
  counter += 1;
  const koppelsleutel = simOptions.koppelsleutel ?? `test-koppelsleutel-${process.pid}-${counter}`;
  const sim = await startSnelStartSim({ rateLimits: "off", ...simOptions, koppelsleutel });
  const makeClient = (overrides: Partial<SnelStartClientOptions> = {}) =>
    new SnelStartClient({
      subscriptionKey: "demo-subscription",
      koppelsleutel,
      apiUrl: sim.apiBase,
      tokenUrl: sim.tokenUrl,
      timeoutMs: 2_000,
      retryBaseMs: 5,
      throttle: openThrottle(),
      ...clientOptions,
      ...overrides,
    });
  return { sim, client: makeClient(), koppelsleutel, makeClient, close: () => sim.close() };
}

/** Asserts that `p` rejects with a KoppelingError of `code`, and returns it. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<KoppelingError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isKoppelingError(err), `expected a KoppelingError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected a rejection with ${code}, but it resolved`);
}

/** The error codes (`BOE-0021`, …) listed in a KoppelingError's details. */
export function errorCodes(err: KoppelingError): string[] {
  return (err.details.errors as Array<{ errorCode: string | null }>).map((e) => e.errorCode ?? "");
}

/** A control-API call: `/__sim/…` on the simulator. */
export async function control(sim: SnelStartSim, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A token straight from the token endpoint, for raw HTTP tests. */
export async function rawToken(s: Setup): Promise<string> {
  const res = await fetch(s.sim.tokenUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "clientkey", clientkey: s.koppelsleutel }).toString(),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A raw `/v2` call with valid credentials unless headers say otherwise. */
export async function rawApi(s: Setup, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const token = await rawToken(s);
  const res = await fetch(`${s.sim.apiBase}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Ocp-Apim-Subscription-Key": "demo-subscription", "Content-Type": "application/json", ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}

export const L = simLedgerId;
export const NL = simLandId("NL");
export const DE = simLandId("DE");

let relatieNr = 0;

/** A consumer (no btwNummer) in `landId`; NL by default. */
export async function createConsumer(client: SnelStartClient, landId = NL, naam = "Jan Jansen"): Promise<Relatie> {
  relatieNr += 1;
  return client.createRelatie({
    relatiesoort: ["Klant"],
    naam,
    email: `klant${relatieNr}@example.nl`,
    vestigingsAdres: { straat: "Dorpsstraat 1", postcode: "1234 AB", plaats: "Alkmaar", land: { id: landId } },
  });
}

/** A German business customer with a (simulator-valid) VAT number. */
export async function createDeBusiness(client: SnelStartClient): Promise<Relatie> {
  return client.createRelatie({
    relatiesoort: ["Klant"],
    naam: "Müller GmbH",
    btwNummer: "DE123456789",
    vestigingsAdres: { straat: "Hauptstraße 5", postcode: "10115", plaats: "Berlin", land: { id: DE } },
  });
}

/** The reference's NL consumer booking (docs/reference/snelstart-api.md#nl-example): 100 + 5 Hoog, 10 Laag, btw 22.05 + 0.90 = 137.95. */
export function nlBooking(factuurnummer: string, klantId: string, over: Partial<VerkoopBoekingCreate> = {}): VerkoopBoekingCreate {
  return {
    factuurnummer,
    factuurdatum: "2025-03-14T00:00:00",
    klant: { id: klantId },
    omschrijving: `CCV Shop order ${factuurnummer}`,
    betalingstermijn: 14,
    factuurbedrag: 137.95,
    boekingsregels: [
      { omschrijving: "Producten 21%", grootboek: { id: L(8000) }, bedrag: 100, btwSoort: "Hoog" },
      { omschrijving: "Verzendkosten", grootboek: { id: L(8200) }, bedrag: 5, btwSoort: "Hoog" },
      { omschrijving: "Producten 9%", grootboek: { id: L(8010) }, bedrag: 10, btwSoort: "Laag" },
    ],
    btw: [
      { btwSoort: "VerkopenHoog", btwBedrag: 22.05 },
      { btwSoort: "VerkopenLaag", btwBedrag: 0.9 },
    ],
    ...over,
  };
}

/**
 * The SnelStart portal's OSS example (docs/reference/snelstart-api.md#balance-equation,
 * #oss-bookings) for a German consumer on 2021-07-29: 67.90 on the RRL ledger (7 %) and 7.40 on the
 * SR ledger (19 %), foreign VAT 4.75 + 1.41 on the foreign-VAT ledger, no btw rows; 81.46 in all.
 */
export function ossBooking(factuurnummer: string, klantId: string, foreignVat: [number, number] = [4.75, 1.41]): VerkoopBoekingCreate {
  const total = Math.round((67.9 + 7.4 + foreignVat[0] + foreignVat[1]) * 100) / 100;
  return {
    factuurnummer,
    factuurdatum: "2021-07-29T00:00:00",
    klant: { id: klantId },
    factuurbedrag: total,
    boekingsregels: [
      { omschrijving: "Boeken (RRL)", grootboek: { id: L(8402) }, bedrag: 67.9, btwSoort: "Geen" },
      { omschrijving: "Speelgoed (SR)", grootboek: { id: L(8400) }, bedrag: 7.4, btwSoort: "Geen" },
      { omschrijving: "Btw DE 7%", grootboek: { id: L(1650) }, bedrag: foreignVat[0], btwSoort: "Geen" },
      { omschrijving: "Btw DE 19%", grootboek: { id: L(1650) }, bedrag: foreignVat[1], btwSoort: "Geen" },
    ],
    btw: [],
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
