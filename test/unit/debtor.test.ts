/**
 * Debtor matching (src/koppeling/debtor.ts) and finding or creating the debtor
 * (src/booking/debtor.ts) against a fake of SnelStart's relaties.
 */
import assert from "node:assert/strict";
import { DebtorFinder, type DocumentRelaties, type RelatiePort, findOrCreate } from "../../src/booking/debtor";
import { KoppelingError } from "../../src/errors";
import type { BookingCustomer } from "../../src/koppeling";
import { HttpError } from "../../src/http/errors";
import { debtorKey, emailKey, pickRelatie, refit, relatieFor, vatKey } from "../../src/koppeling/debtor";
import type { DocumentRelatie } from "../../src/koppeling/sync-ledger";
import type { Land, Relatie, RelatieCreate } from "../../src/snelstart/schemas";
import { settle } from "./helpers/fake-clock";

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const LANDEN: Land[] = [
  { id: guid(1), naam: "Nederland", landcode: "NL" },
  { id: guid(2), naam: "Duitsland", landcode: "DE" },
];
const NL = guid(1);
const DE = guid(2);

function klant(over: Partial<BookingCustomer> = {}): BookingCustomer {
  return {
    name: "Jan Jansen",
    contactPerson: "",
    email: "Jan@Example.NL",
    phone: "0201234567",
    street: "Voorbeeldstraat 3",
    postcode: "1234 AB",
    city: "Amsterdam",
    country: "NL",
    vatNumber: "",
    kvkNumber: "",
    isBusiness: false,
    ccvUserId: null,
    ...over,
  };
}

const business = (vat = "DE123456789") => klant({ name: "Müller GmbH", contactPerson: "Hans Müller", country: "DE", street: "Hauptstraße 5", postcode: "10115", city: "Berlin", vatNumber: vat, isBusiness: true, email: "einkauf@example.de" });

let code = 100;
function relatie(over: Partial<Relatie> & { land?: string | null } = {}): Relatie {
  const { land, ...rest } = over;
  return { id: guid(1000 + code), relatiesoort: ["Klant"], relatiecode: code++, naam: "x", email: "jan@example.nl", vestigingsAdres: land === null ? null : { land: { id: land ?? NL } }, ...rest };
}

/** SnelStart's relaties in memory; refuses VAT numbers starting with `refuse`. */
class FakeRelaties implements RelatiePort {
  readonly list: Relatie[] = [];
  readonly created: RelatieCreate[] = [];
  readonly lookups: string[] = [];
  refuse = "";
  gate: Promise<void> | null = null;

  async findRelatiesByEmail(email: string): Promise<Relatie[]> {
    this.lookups.push(email);
    return this.list.filter((r) => r.email === email);
  }

  async getRelatie(id: string): Promise<Relatie> {
    const r = this.list.find((x) => x.id === id);
    if (!r) throw new HttpError("SNELSTART_NOT_FOUND", `GET /relaties/${id}: 404`, {}, { status: 404, method: "GET", url: `https://b2bapi.snelstart.nl/v2/relaties/${id}`, apiCodes: [], unknownOutcome: false });
    return r;
  }

  async createRelatie(body: RelatieCreate): Promise<Relatie> {
    if (this.gate) await this.gate;
    if (this.refuse && body.btwNummer?.startsWith(this.refuse)) throw new KoppelingError("SNELSTART_REL_0088", "BTW-nummer is ongeldig");
    this.created.push(body);
    const r = relatie({ naam: body.naam, email: body.email ?? null, btwNummer: body.btwNummer ?? null, land: body.vestigingsAdres?.land.id ?? null });
    this.list.push(r);
    return r;
  }
}

describe("debtor matching (pure)", () => {
  it("compares VAT numbers without spaces, dots and dashes, and e-mail addresses in lower case", () => {
    assert.equal(vatKey(" de 123.456-789 "), "DE123456789");
    assert.equal(vatKey(null), "");
    assert.equal(emailKey("  Jan@Example.NL "), "jan@example.nl");
  });

  it("the lookup key: e-mail in any case, country, OSS, VAT number; every message its own without matching or e-mail", () => {
    assert.equal(debtorKey(klant(), false, true, "m1"), "email:jan@example.nl NL");
    assert.equal(debtorKey(klant({ email: "JAN@example.nl" }), true, true, "m1"), "email:jan@example.nl NL oss");
    assert.equal(debtorKey(business("de 123"), false, true, "m1"), "email:einkauf@example.de DE vat:DE123");
    assert.equal(debtorKey(klant(), false, false, "m1"), "new:m1");
    assert.equal(debtorKey(klant({ email: "" }), false, true, "m2"), "new:m2");
  });

  it("picks the oldest active Klant in the customer's country (or without address, except under OSS)", () => {
    const young = relatie({ relatiecode: 20 });
    const old = relatie({ relatiecode: 10 });
    const inactive = relatie({ relatiecode: 1, nonactief: true });
    const supplier = relatie({ relatiecode: 2, relatiesoort: ["Leverancier"] });
    const abroad = relatie({ relatiecode: 3, land: DE });
    assert.equal(pickRelatie([young, old, inactive, supplier, abroad], NL, false, null)?.id, old.id);
    assert.equal(pickRelatie([young, abroad], DE, false, null)?.id, abroad.id);
    const bare = relatie({ relatiecode: 4, land: null });
    assert.equal(pickRelatie([bare], NL, false, null)?.id, bare.id, "a relatie without address matches");
    assert.equal(pickRelatie([bare], NL, true, null), null, "but not for an OSS sale");
    assert.equal(pickRelatie([], NL, false, null), null);
  });

  it("with a VAT number, the VAT number decides", () => {
    const other = relatie({ relatiecode: 1, land: DE, btwNummer: "DE987654321" });
    const none = relatie({ relatiecode: 2, land: DE });
    const right = relatie({ relatiecode: 3, land: DE, btwNummer: "de 123 456 789" });
    assert.equal(pickRelatie([other, none, right], DE, false, "DE123456789")?.id, right.id);
    assert.equal(pickRelatie([other, none], DE, false, "DE123456789"), null);
  });

  it("the relatie body: the address only when complete and its country listed; the VAT number only with it", () => {
    const c = business();
    assert.deepEqual(relatieFor(c, LANDEN, true), {
      relatiesoort: ["Klant"],
      naam: "Müller GmbH",
      email: "einkauf@example.de",
      telefoon: "0201234567",
      vestigingsAdres: { straat: "Hauptstraße 5", postcode: "10115", plaats: "Berlin", land: { id: DE }, contactpersoon: "Hans Müller" },
      btwNummer: "DE123456789",
    });
    assert.equal(relatieFor(c, LANDEN, false).btwNummer, undefined);
    assert.equal(relatieFor(klant({ city: "" }), LANDEN, true).vestigingsAdres, undefined, "incomplete (REL-0060)");
    assert.equal(relatieFor(klant({ country: "US" }), LANDEN, true).vestigingsAdres, undefined, "country not in SnelStart's list");
    assert.equal(relatieFor(klant({ kvkNumber: "12345678" }), LANDEN, true).kvkNummer, "12345678");
  });
});

describe("finding or creating the debtor", () => {
  const opts = { matchOnEmail: true, oss: false };

  it("finds the relatie by e-mail as the shop gives it and in lower case", async () => {
    const ss = new FakeRelaties();
    const mine = relatie({ email: "jan@example.nl", btwNummer: null });
    ss.list.push(mine);
    const d = await findOrCreate(ss, LANDEN, klant(), opts);
    assert.deepEqual(d, { relatieId: mine.id, created: false, hasVatNumber: false, warnings: [] });
    assert.deepEqual(ss.lookups.sort(), ["Jan@Example.NL", "jan@example.nl"]);
  });

  it("creates a missing one with its e-mail address in lower case; with matching off, always, without a lookup", async () => {
    const ss = new FakeRelaties();
    const d = await findOrCreate(ss, LANDEN, klant(), opts);
    assert.deepEqual([d.created, ss.created[0].email], [true, "jan@example.nl"]);
    await findOrCreate(ss, LANDEN, klant(), { matchOnEmail: false, oss: false });
    assert.equal(ss.created.length, 2);
    assert.equal(ss.lookups.length, 2, "only the first looked up");
  });

  it("a VAT number SnelStart refuses: created without it, warned; a later order goes to that relatie, not a new one", async () => {
    const ss = new FakeRelaties();
    ss.refuse = "DE123";
    const first = await findOrCreate(ss, LANDEN, business(), opts);
    assert.deepEqual([first.created, first.hasVatNumber], [true, false]);
    assert.match(first.warnings[0], /refused VAT number DE123456789 of Müller GmbH \(SNELSTART_REL_0088.*created without it/);
    const again = await findOrCreate(ss, LANDEN, business(), opts);
    assert.deepEqual([again.relatieId, again.created, again.hasVatNumber], [first.relatieId, false, false]);
    assert.match(again.warnings[0], /goes to their relatie/);
    assert.equal(ss.created.length, 1);
  });

  it("another relatie with the e-mail but another VAT number: one with this VAT number is created, and a warning names the other", async () => {
    const ss = new FakeRelaties();
    const other = relatie({ email: "einkauf@example.de", land: DE, btwNummer: "DE987654321" });
    ss.list.push(other);
    const d = await findOrCreate(ss, LANDEN, business(), opts);
    assert.deepEqual([d.created, d.hasVatNumber, ss.created[0].btwNummer], [true, true, "DE123456789"]);
    assert.match(d.warnings[0], /has the e-mail address of Müller GmbH but VAT number DE987654321, not DE123456789/);
  });

  it("other errors are not swallowed", async () => {
    const ss = new FakeRelaties();
    ss.createRelatie = async () => {
      throw new KoppelingError("SNELSTART_REL_0061", "e-mail");
    };
    await assert.rejects(findOrCreate(ss, LANDEN, business(), opts), { code: "SNELSTART_REL_0061" });
  });

  it("the finder: messages of one customer share one lookup (created for one of them); close lets a creation finish, then takes no more", async () => {
    const ss = new FakeRelaties();
    let release = () => {};
    ss.gate = new Promise<void>((r) => (release = r));
    const finder = new DebtorFinder(async () => ({ port: ss, landen: LANDEN }), true);
    const a = finder.find(klant(), false, { runId: "r1", msgId: "a" });
    const b = finder.find(klant({ email: "JAN@example.nl" }), false, { runId: "r2", msgId: "b" });
    await settle();
    let closed = false;
    const closing = finder.close().then(() => (closed = true));
    await settle();
    assert.equal(closed, false, "close waits for the creation in progress");
    release();
    await closing;
    const [da, db] = await Promise.all([a, b]);
    assert.equal(ss.created.length, 1, "one relatie");
    assert.deepEqual([da.relatieId, [da.created, db.created].sort()], [db.relatieId, [false, true]]);
    await assert.rejects(finder.find(klant(), false, { runId: "r3", msgId: "c" }), { code: "FLOW_STOPPED" });
  });

  it("the finder, matching on e-mail off: a document's retry reads back the relatie its earlier attempt created and uses it while it fits; gone or moved, a new one", async () => {
    const ss = new FakeRelaties();
    const finder = new DebtorFinder(async () => ({ port: ss, landen: LANDEN }), false);
    let kept: DocumentRelatie | null = null;
    const ledger: DocumentRelaties = { get: async () => kept, keep: async (r) => void (kept = r) };
    const first = await finder.find(klant(), false, { runId: "r1", msgId: "a" }, ledger);
    assert.deepEqual([first.created, ss.created.length, kept], [true, 1, { id: first.relatieId }]);
    const retry = await finder.find(klant(), false, { runId: "r2", msgId: "b" }, ledger);
    assert.deepEqual([retry.relatieId, retry.created, ss.created.length], [first.relatieId, false, 1]);
    assert.deepEqual(ss.lookups, [], "no lookup by e-mail with matching off");
    const moved = await finder.find(klant({ country: "DE" }), false, { runId: "r3", msgId: "c" }, ledger);
    assert.equal(moved.created, true, "the customer moved to another country: a relatie there");
    assert.deepEqual([ss.created.length, (kept as DocumentRelatie | null)?.id], [2, moved.relatieId]);
    // Deleted in SnelStart meanwhile: created again.
    ss.list.splice(ss.list.findIndex((r) => r.id === moved.relatieId), 1);
    const again = await finder.find(klant({ country: "DE" }), false, { runId: "r4", msgId: "d" }, ledger);
    assert.deepEqual([again.created, ss.created.length], [true, 3]);
    // Without a ledger (a message not from a run) every message is its own customer, as before.
    await finder.find(klant(), false, { runId: "r5", msgId: "e" });
    assert.equal(ss.created.length, 4);
  });

  it("the finder, matching on e-mail on: the lookup finds the customer, the ledger is neither read nor written", async () => {
    const ss = new FakeRelaties();
    const finder = new DebtorFinder(async () => ({ port: ss, landen: LANDEN }), true);
    let reads = 0;
    const ledger: DocumentRelaties = { get: async () => (reads++, null), keep: async () => void reads++ };
    await finder.find(klant(), false, { runId: "r1", msgId: "a" }, ledger);
    assert.deepEqual([ss.created.length, reads], [1, 0]);
  });

  it("whether a relatie read back still fits: its country, and with a VAT number that one (or none, as SnelStart refused it)", () => {
    const de = relatie({ land: DE, btwNummer: "DE123456789" });
    assert.deepEqual(refit(de, DE, business(), false), { hasVatNumber: true });
    assert.equal(refit(de, NL, { ...business(), country: "NL" }, false), null, "another country");
    assert.equal(refit(de, DE, business("DE999999999"), false), null, "another VAT number");
    assert.deepEqual(refit(relatie({ land: DE, btwNummer: null }), DE, business(), false), { hasVatNumber: false }, "refused before: used without");
    assert.deepEqual(refit(relatie({ land: NL }), NL, klant(), false), { hasVatNumber: false });
    assert.equal(refit(relatie({ land: null }), undefined, klant({ country: "DE" }), true), null, "an OSS sale needs the address abroad");
  });
});
