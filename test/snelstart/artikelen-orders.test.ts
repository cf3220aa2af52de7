import assert from "node:assert/strict";
import type { ArtikelCreate, Relatie, VerkoopOrderCreate } from "../../src/snelstart/schemas";
import { simLandId, simLedgerId, simOmzetgroepId, simSeedRelatieId } from "../../sim/snelstart/server";
import { createConsumer, rejectsWith, setup, type Setup } from "./helpers";

const HOOG = { id: simOmzetgroepId(1) };
const LAAG = { id: simOmzetgroepId(2) };

describe("SnelStart artikelen and artikelomzetgroepen", () => {
  let s: Setup;
  before(async () => (s = await setup()));
  after(async () => s.close());

  const refused = (body: ArtikelCreate, code: string) => rejectsWith(s.client.createArtikel(body), `SNELSTART_${code.replace("-", "_")}`);

  it("lists the four revenue groups with their ledger and soort", async () => {
    const groepen = await s.client.artikelomzetgroepen();
    assert.deepEqual(
      groepen.map((g) => [g.nummer, g.omschrijving, g.verkoopGrootboekNederlandIdentifier?.id, g.verkoopNederlandBtwSoort]),
      [
        [1, "Hoog btw", simLedgerId(8000), "Hoog"],
        [2, "Laag btw", simLedgerId(8010), "Laag"],
        [3, "Geen btw", simLedgerId(8030), "Geen"],
        [4, "Verzendkosten", simLedgerId(8200), "Hoog"],
      ],
    );
  });

  it("creates an artikel (201) and finds it by exact code; a missing code is null", async () => {
    const a = await s.client.createArtikel({ artikelcode: "SKU-1", omschrijving: "Theepot", artikelOmzetgroep: HOOG, verkoopprijs: 24.95 });
    assert.equal(a.artikelOmzetgroep?.id, HOOG.id);
    assert.equal((await s.client.findArtikel("SKU-1"))?.id, a.id);
    assert.equal(await s.client.findArtikel("SKU-"), null);
    assert.equal(await s.client.findArtikel("it's"), null);
  });

  it("ART-0005: the artikelcode exists", async () => {
    await s.client.createArtikel({ artikelcode: "DUP-1", omschrijving: "Kop", artikelOmzetgroep: HOOG });
    await refused({ artikelcode: "DUP-1", omschrijving: "Schotel", artikelOmzetgroep: HOOG }, "ART-0005");
    assert.equal([...s.sim.state.artikelen.values()].filter((a) => a.artikelcode === "DUP-1").length, 1);
  });

  it("ART-0002 / ART-0004: artikelcode missing or longer than 25", async () => {
    await refused({ artikelcode: "", omschrijving: "x", artikelOmzetgroep: HOOG }, "ART-0002");
    await refused({ artikelcode: "C".repeat(26), omschrijving: "x", artikelOmzetgroep: HOOG }, "ART-0004");
  });

  it("ART-0006: omschrijving missing", async () => {
    await refused({ artikelcode: "NO-DESC", omschrijving: " ", artikelOmzetgroep: HOOG }, "ART-0006");
  });

  it("ART-0008 / ART-0009: artikelomzetgroep missing or unknown", async () => {
    await refused({ artikelcode: "NO-GROUP", omschrijving: "x" } as ArtikelCreate, "ART-0008");
    await refused({ artikelcode: "BAD-GROUP", omschrijving: "x", artikelOmzetgroep: { id: "0f0f0f0f-0000-4000-8000-000000000000" } }, "ART-0009");
  });
});

describe("SnelStart verkooporders", () => {
  let s: Setup;
  let klant: Relatie;
  let theepot: string;
  let boek: string;
  before(async () => {
    s = await setup();
    klant = await createConsumer(s.client);
    theepot = (await s.client.createArtikel({ artikelcode: "THEE", omschrijving: "Theepot", artikelOmzetgroep: HOOG })).id;
    boek = (await s.client.createArtikel({ artikelcode: "BOEK", omschrijving: "Kookboek", artikelOmzetgroep: LAAG })).id;
  });
  after(async () => s.close());

  const order = (over: Partial<VerkoopOrderCreate> = {}): VerkoopOrderCreate => ({
    relatie: { id: klant.id },
    datum: "2025-03-14T00:00:00",
    verkooporderBtwIngaveModel: "Inclusief",
    orderreferentie: "CCV-100234",
    regels: [
      { artikel: { id: theepot }, stuksprijs: 60.5, aantal: 2 },
      { artikel: { id: boek }, stuksprijs: 10.9, aantal: 1 },
    ],
    ...over,
  });
  const refused = (body: VerkoopOrderCreate, code: string) => rejectsWith(s.client.createVerkooporder(body), `SNELSTART_${code.replace("-", "_")}`);

  it("creates an order (201): SnelStart assigns the nummer and derives the VAT from the artikelomzetgroep", async () => {
    const o = await s.client.createVerkooporder(order());
    assert.equal(o.nummer, 1);
    assert.equal(o.orderreferentie, "CCV-100234");
    assert.equal(o.totaalInclusiefBtw, 131.9);
    assert.equal(o.totaalExclusiefBtw, 110, "121.00 / 1.21 + 10.90 / 1.09");
    const again = await s.client.getVerkooporder(o.id);
    assert.equal(again.regels?.length, 2);
    assert.equal((await s.client.createVerkooporder(order())).nummer, 2);
  });

  it("takes the delivery country's VAT under OSS (docs/reference/snelstart-api.md#verkooporder-model): Hoog as its standard rate, Laag as its reduced one; Dutch VAT otherwise", async () => {
    const duitser = await createConsumer(s.client, simLandId("DE"), "Hans Müller");
    const de = await s.client.createVerkooporder(order({ relatie: { id: duitser.id } }));
    assert.equal(de.totaalInclusiefBtw, 131.9);
    assert.equal(de.totaalExclusiefBtw, 111.87, "121.00 / 1.19 + 10.90 / 1.07 (DE)");
    const toBelgium = await s.client.createVerkooporder(order({ afleveradres: { straat: "Kerkstraat 1", postcode: "1000", plaats: "Brussel", land: { id: simLandId("BE") } } }));
    assert.equal(toBelgium.totaalExclusiefBtw, 110.28, "delivered to BE: 121.00 / 1.21 + 10.90 / 1.06");
    s.sim.state.ossEnabled = false;
    try {
      assert.equal((await s.client.createVerkooporder(order({ relatie: { id: duitser.id } }))).totaalExclusiefBtw, 110, "without foreign VAT: Dutch VAT");
    } finally {
      s.sim.state.ossEnabled = true;
    }
  });

  it("VOR-0002: the relatie is not a Klant", async () => {
    await refused(order({ relatie: { id: simSeedRelatieId(2) } }), "VOR-0002");
  });

  it("VOR-0005: nummer must be empty", async () => {
    await refused({ ...order(), nummer: 7 } as VerkoopOrderCreate, "VOR-0005");
  });

  it("VOR-0011: orderreferentie longer than 50", async () => {
    await refused(order({ orderreferentie: "R".repeat(51) }), "VOR-0011");
  });

  it("procesStatus Factuur is not available (REF-0016)", async () => {
    await refused({ ...order(), procesStatus: "Factuur" } as unknown as VerkoopOrderCreate, "REF-0016");
  });
});
