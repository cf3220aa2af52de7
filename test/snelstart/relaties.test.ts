import assert from "node:assert/strict";
import type { RelatieCreate } from "../../src/snelstart/schemas";
import { checkVatNumber, simLandId } from "../../sim/snelstart/server";
import { DE, NL, rawApi, rejectsWith, setup, type Setup } from "./helpers";

const adres = (land = NL) => ({ straat: "Dorpsstraat 1", postcode: "1234 AB", plaats: "Alkmaar", land: { id: land } });
const klant = (over: Partial<RelatieCreate> = {}): RelatieCreate => ({ relatiesoort: ["Klant"], naam: "Jan Jansen", email: "jan@example.nl", vestigingsAdres: adres(), ...over });

describe("SnelStart relaties", () => {
  let s: Setup;
  before(async () => (s = await setup()));
  after(async () => s.close());

  const refused = async (body: RelatieCreate, code: string) => {
    const before = s.sim.state.relaties.size;
    const err = await rejectsWith(s.client.createRelatie(body), `SNELSTART_${code.replace("-", "_")}`);
    assert.equal(s.sim.state.relaties.size, before);
    return err;
  };

  it("creates a consumer (201) with an id and an allocated relatiecode, readable by id", async () => {
    const r = await s.client.createRelatie(klant());
    assert.match(r.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.relatiecode, 3, "after the two seeded relaties");
    assert.deepEqual(r.relatiesoort, ["Klant"]);
    assert.equal(r.vestigingsAdres?.land?.id, NL);
    const again = await s.client.getRelatie(r.id);
    assert.equal(again.naam, "Jan Jansen");
    assert.equal(again.email, "jan@example.nl");
  });

  it("an unknown relatie id is SNELSTART_NOT_FOUND", async () => {
    await rejectsWith(s.client.getRelatie("0f0f0f0f-0000-4000-8000-000000000009"), "SNELSTART_NOT_FOUND");
  });

  it("REL-0007: naam missing or longer than 50", async () => {
    await refused(klant({ naam: "" }), "REL-0007");
    await refused(klant({ naam: "N".repeat(51) }), "REL-0007");
    assert.equal((await s.client.createRelatie(klant({ naam: "N".repeat(50) }))).naam.length, 50);
  });

  it("REL-0060: an incomplete vestigingsAdres", async () => {
    const err = await refused(klant({ vestigingsAdres: { ...adres(), plaats: "" } }), "REL-0060");
    assert.match(err.message, /plaats/);
    await refused(klant({ vestigingsAdres: { straat: "Dorpsstraat 1" } as RelatieCreate["vestigingsAdres"] }), "REL-0060");
  });

  it("REL-0056: an unknown land", async () => {
    await refused(klant({ vestigingsAdres: adres("0f0f0f0f-0000-4000-8000-000000000000") }), "REL-0056");
  });

  it("REL-0061 / REL-0084: an invalid e-mail address, alone or in a list; a ;-separated list is fine", async () => {
    await refused(klant({ email: "not-an-address" }), "REL-0061");
    await refused(klant({ email: "a@example.nl; b@" }), "REL-0084");
    await s.client.createRelatie(klant({ email: "a@example.nl;b@example.nl" }));
  });

  it("REL-0087: the VAT number's country differs from the address country", async () => {
    const err = await refused(klant({ btwNummer: "DE123456789" }), "REL-0087");
    assert.match(err.message, /DE \/ NL/);
  });

  it("REL-0088: a VAT number the simulator does not accept", async () => {
    await refused(klant({ btwNummer: "DE123456000", vestigingsAdres: adres(DE) }), "REL-0088");
    await refused(klant({ btwNummer: "DE12345678", vestigingsAdres: adres(DE) }), "REL-0088");
    const ok = await s.client.createRelatie(klant({ btwNummer: "DE123456789", vestigingsAdres: adres(DE) }));
    assert.equal(ok.btwNummer, "DE123456789");
  });

  it("REL-0063: a POST with an id; REL-0065: both Klant and Leverancier", async () => {
    await refused({ ...klant(), id: "75b4fe7b-062b-4ae1-bad1-5c5e3866a2ae" } as RelatieCreate, "REL-0063");
    await refused(klant({ relatiesoort: ["Klant", "Leverancier"] as unknown as ["Klant"] }), "REL-0065");
  });

  it("REL-0008: a relatiecode already in use", async () => {
    await refused(klant({ relatiecode: 1 }), "REL-0008");
    assert.equal((await s.client.createRelatie(klant({ relatiecode: 9001 }))).relatiecode, 9001);
  });
});

describe("the simulator's VAT-number rule (documented in sim/snelstart/vat-number.ts)", () => {
  it("accepts the documented formats and refuses the rest", () => {
    const cases: Array<[string, string | null]> = [
      ["NL123456789B01", null],
      ["NL123456000B01", "REL-0088"],
      ["NL123456789", "REL-0088"],
      ["DE123456789", null],
      ["DE123456000", "REL-0088"],
      ["BE0123456789", null],
      ["BE2123456789", "REL-0088"],
      ["FRXX123456789", null],
      ["ATU12345678", null],
      ["ATU12345000", "REL-0088"],
      ["EL123456789", null],
      ["XX123456789", "REL-0088"],
      ["DE-123456789", "REL-0059"],
      ["D", "REL-0058"],
      ["DE" + "1".repeat(49), "REL-0057"],
    ];
    for (const [nr, want] of cases) assert.equal(checkVatNumber(nr), want, nr);
  });

  it("land ids are derived from the ISO code", () => {
    assert.equal(simLandId("NL"), "20000000-0000-4000-8000-000000004e4c");
  });
});

describe("SnelStart relaties: PUT /relaties/{id}", () => {
  let s: Setup;
  before(async () => (s = await setup()));
  after(async () => s.close());

  const put = async (id: string, body: unknown) => rawApi(s, "PUT", `/relaties/${id}`, { body: JSON.stringify(body) });
  const codes = (body: unknown) => (body as Array<{ errorCode: string }>).map((e) => e.errorCode);

  it("replaces the relatie (200, the new model); fields left out become empty; id and relatiecode stay", async () => {
    const r = await s.client.createRelatie(klant({ naam: "Piet Put", email: "piet@example.nl", telefoon: "0201234567", krediettermijn: 14 }));
    const res = await put(r.id, { id: r.id, relatiesoort: ["Klant"], naam: "Piet Put B.V.", email: "info@piet.nl", vestigingsAdres: adres() });
    assert.equal(res.status, 200);
    const body = res.body as Record<string, unknown>;
    assert.deepEqual([body.id, body.relatiecode, body.naam, body.email], [r.id, r.relatiecode, "Piet Put B.V.", "info@piet.nl"]);
    assert.equal(body.telefoon, undefined, "not sent, so gone");
    assert.equal(body.krediettermijn, null);
    const again = await s.client.getRelatie(r.id);
    assert.equal(again.naam, "Piet Put B.V.");
    assert.deepEqual(await s.client.findRelatiesByEmail("piet@example.nl"), []);
    assert.equal((await s.client.findRelatiesByEmail("info@piet.nl"))[0]?.id, r.id);
  });

  it("an unknown id is 404 and stores nothing; a malformed id is ALG-0103", async () => {
    const before = s.sim.state.relaties.size;
    const res = await put("0f0f0f0f-0000-4000-8000-000000000009", klant());
    assert.equal(res.status, 404);
    assert.equal(s.sim.state.relaties.size, before);
    assert.deepEqual(codes((await put("12", klant())).body), ["ALG-0103"]);
  });

  it("the POST rules apply (REL-0007, REL-0060, REL-0088, REL-0008 for another relatie's code) and nothing changes", async () => {
    const r = await s.client.createRelatie(klant({ naam: "Blijft Zo" }));
    const other = await s.client.createRelatie(klant({ naam: "Ander" }));
    assert.deepEqual(codes((await put(r.id, klant({ naam: "" }))).body), ["REL-0007"]);
    assert.deepEqual(codes((await put(r.id, klant({ vestigingsAdres: { ...adres(), straat: "" } }))).body), ["REL-0060"]);
    assert.deepEqual(codes((await put(r.id, klant({ btwNummer: "NL123456000B01" }))).body), ["REL-0088"]);
    assert.deepEqual(codes((await put(r.id, klant({ relatiecode: other.relatiecode ?? 0 }))).body), ["REL-0008"]);
    assert.equal((await put(r.id, klant({ relatiecode: r.relatiecode ?? 0 }))).status, 200, "its own relatiecode is fine");
    assert.equal((await s.client.getRelatie(r.id)).naam, "Jan Jansen");
  });

  it("REL-0047: a body id other than the URL's; REL-0064: a changed relatiesoort; REL-0063 is for POST only", async () => {
    const r = await s.client.createRelatie(klant());
    assert.deepEqual(codes((await put(r.id, { ...klant(), id: "75b4fe7b-062b-4ae1-bad1-5c5e3866a2ae" })).body), ["REL-0047"]);
    assert.deepEqual(codes((await put(r.id, klant({ relatiesoort: ["Leverancier"] as unknown as ["Klant"] }))).body), ["REL-0064"]);
    assert.equal((await put(r.id, { ...klant(), id: r.id.toUpperCase() })).status, 200);
  });

});
