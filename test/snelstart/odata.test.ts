import assert from "node:assert/strict";
import { odataDateTime, odataDayRange, odataEq, odataInt, odataString, queryString } from "../../src/snelstart/odata";
import type { Relatie } from "../../src/snelstart/schemas";
import { simLandId, simSeedRelatieId } from "../../sim/snelstart/server";
import { NL, nlBooking, rawApi, rejectsWith, setup, type Setup } from "./helpers";

const BE = simLandId("BE");

describe("OData escaping (unit)", () => {
  it("odataString wraps in quotes and doubles every quote inside", () => {
    assert.equal(odataString("bart@snelstart.nl"), "'bart@snelstart.nl'");
    assert.equal(odataString("O'Brien@example.nl"), "'O''Brien@example.nl'");
    assert.equal(odataString("x' or 1 eq 1"), "'x'' or 1 eq 1'");
    assert.equal(odataString("''"), "''''''");
    assert.equal(odataString(""), "''");
  });

  it("odataEq checks the property name and picks the literal by type", () => {
    assert.equal(odataEq("Email", "a'b"), "Email eq 'a''b'");
    assert.equal(odataEq("Relatiecode", 12), "Relatiecode eq 12");
    assert.throws(() => odataEq("Email eq 'x' or Naam", "y"), /Not an OData property/);
    assert.throws(() => odataEq("email", "y"), /Not an OData property/);
    assert.throws(() => odataInt(1.5), /safe integer/);
  });

  it("odataDateTime and odataDayRange: a real yyyy-MM-dd day only, as a DateTime literal at midnight", () => {
    assert.equal(odataDateTime("2025-03-01"), "datetime'2025-03-01T00:00:00'");
    assert.equal(odataDayRange("FactuurDatum", "2025-03-01", "2025-04-01"), "FactuurDatum ge datetime'2025-03-01T00:00:00' and FactuurDatum lt datetime'2025-04-01T00:00:00'");
    for (const bad of ["2025-02-30", "2025-13-01", "2025-3-1", "2025-03-01' or 1 eq 1", "2025-03-01T00:00:00"]) assert.throws(() => odataDateTime(bad), { code: "SNELSTART_ODATA", message: /yyyy-MM-dd/ }, bad);
    assert.throws(() => odataDayRange("FactuurDatum ge x or FactuurDatum", "2025-03-01", "2025-04-01"), /Not an OData property/);
  });

  it("queryString percent-encodes every value with encodeURIComponent", () => {
    const q = queryString({ $filter: odataEq("Email", "a+b&c=d#e f@x.nl"), $top: 500, $skip: undefined });
    assert.equal(q, "?$filter=Email%20eq%20'a%2Bb%26c%3Dd%23e%20f%40x.nl'&$top=500");
    assert.equal(queryString({}), "");
  });
});

describe("OData filters against the simulator", () => {
  let s: Setup;
  let obrienId: string;
  before(async () => {
    s = await setup();
    const adres = { straat: "Kade 2", postcode: "1000 AA", plaats: "Amsterdam", land: { id: NL } };
    obrienId = (await s.client.createRelatie({ relatiesoort: ["Klant"], naam: "Pat O'Brien", email: "O'Brien@example.nl", vestigingsAdres: adres })).id;
    await s.client.createRelatie({ relatiesoort: ["Klant"], naam: "Pat Brien", email: "OBrien@example.nl", vestigingsAdres: adres });
    await s.client.createRelatie({ relatiesoort: ["Klant"], naam: "Ander", email: "x@example.nl", vestigingsAdres: adres });
  });
  after(async () => s.close());

  it("finds O'Brien@example.nl as a literal address: exactly the O'Brien relatie", async () => {
    const found = await s.client.findRelatiesByEmail("O'Brien@example.nl");
    assert.deepEqual(found.map((r) => r.id), [obrienId]);
  });

  it("x' or 1 eq 1 is searched as a literal address: no relatie comes back, also not from the server", async () => {
    assert.deepEqual(await s.client.findRelatiesByEmail("x' or 1 eq 1"), []);
    const server = await s.client.rawGet("relaties", { $filter: odataEq("Email", "x' or 1 eq 1") });
    assert.deepEqual(server, []);
  });

  it("escaping is what stops an injection that would otherwise return every relatie", async () => {
    const evil = "nobody' or Relatiecode gt 0 or Email eq 'x";
    const unescaped = (await s.client.rawGet("relaties", { $filter: `Email eq '${evil}'` })) as unknown[];
    assert.ok(unescaped.length >= 5, "the concatenated filter matches everything");
    assert.deepEqual(await s.client.rawGet("relaties", { $filter: odataEq("Email", evil) }), []);
    assert.deepEqual(await s.client.findRelatiesByEmail(evil), []);
  });

  it("a raw filter with an unbalanced quote is ALG-0104 Ongeldig OData filter", async () => {
    const err = await rejectsWith(s.client.rawGet("relaties", { $filter: "Email eq 'x' or 1 eq 1'" }), "SNELSTART_ALG_0104");
    assert.match(err.message, /Ongeldig OData filter/);
    assert.equal(err.details.status, 400);
  });

  for (const [what, filter, hint] of [
    ["an unknown property", "Foo eq 'x'", /Could not find a property named 'Foo'/],
    ["a lower-case property name", "email eq 'x'", /Could not find a property named 'email'/],
    ["a type mismatch", "Relatiecode eq '12'", /incompatible types/],
    ["a function we do not model", "endswith(Email, 'x') eq true", /Functie 'endswith'/],
    ["a typed literal we do not model", "ModifiedOn gt datetimeoffset'2017-07-16T23:59:59Z'", /Getypeerde literal/],
    ["a GUID property compared with a string", "Id eq '75b4fe7b-062b-4ae1-bad1-5c5e3866a2ae'", /incompatible types.*'Edm\.Guid' and 'Edm\.String'/],
    ["a string property compared with a GUID", "Email eq guid'75b4fe7b-062b-4ae1-bad1-5c5e3866a2ae'", /incompatible types/],
    ["a date-time property compared with a string", "ModifiedOn gt '2017-07-16T23:59:59'", /incompatible types.*'Edm\.DateTime' and 'Edm\.String'/],
    ["a malformed GUID literal", "Id eq guid'75b4fe7b'", /Unrecognized 'Edm\.Guid' literal/],
    ["an impossible date", "ModifiedOn gt datetime'2017-02-30'", /Unrecognized 'Edm\.DateTime' literal/],
    ["ordering on a GUID", "Id gt guid'75b4fe7b-062b-4ae1-bad1-5c5e3866a2ae'", /incompatible types.*GreaterThan/],
    ["any() on a single value", "Naam/any(n:n eq 'x')", /alleen op een collectie/],
    ["all(), which we do not model", "Relatiesoort/all(r:r eq 'Klant')", /Functie 'all'/],
    ["a property of the lambda item that does not exist", "ExtraVeldenKlant/any(e:e/Foo eq 'x')", /Could not find a property named 'Foo' on type '.*ExtraVeldModel'/],
    ["an upper-case keyword", "Email EQ 'x'", /Syntaxfout/],
    ["a filter that is not a boolean", "Naam", /must evaluate to a single boolean/],
    ["substringof with a number", "substringof(1, Naam) eq true", /No function signature for the function with name 'substringof'/],
    ["a Uri field", "Uri eq '/relaties/x'", /Could not find a property named 'Uri'/],
    ["a dangling operator", "Email eq", /Verwacht een waarde/],
  ] as const) {
    it(`refuses ${what} with ALG-0104`, async () => {
      const err = await rejectsWith(s.client.rawGet("relaties", { $filter: filter }), "SNELSTART_ALG_0104");
      assert.match(err.message, hint);
    });
  }

  it("Relatiecode eq N, and/or combinations and parentheses work", async () => {
    const one = (await s.client.rawGet("relaties", { $filter: "Relatiecode eq 2" })) as Array<{ naam: string }>;
    assert.deepEqual(one.map((r) => r.naam), ["Groothandel Jansen B.V."]);
    const two = (await s.client.rawGet("relaties", { $filter: "(Relatiecode eq 1 or Relatiecode eq 2) and not (Relatiecode eq 1)" })) as unknown[];
    assert.equal(two.length, 1);
  });

  it("$top above 500 is refused (400 with the Web API body: SNELSTART_VALIDATION); $top/$skip page", async () => {
    const err = await rejectsWith(s.client.rawGet("relaties", { $top: 501 }), "SNELSTART_VALIDATION");
    assert.match(err.message, /The limit of '500' for Top query has been exceeded/);
    const page = (await s.client.rawGet("relaties", { $top: 2, $skip: 1 })) as Array<{ relatiecode: number }>;
    assert.deepEqual(page.map((r) => r.relatiecode), [2, 3]);
  });

  it("$orderby is refused rather than silently ignored", async () => {
    await rejectsWith(s.client.rawGet("relaties", { $orderby: "Naam" }), "SNELSTART_VALIDATION");
  });

  it("/landen ignores $filter and returns every country, like the real API", async () => {
    const all = (await s.client.rawGet("landen", { $filter: "Landcode eq 'NL'" })) as unknown[];
    assert.ok(all.length > 240);
  });
});

describe("OData v3 syntax of the portal (docs/reference/snelstart-api.md#odata) against the simulator", () => {
  let s: Setup;
  let test1: Relatie;
  let test2: Relatie;
  let be: Relatie;
  let t: number;
  const now = () => t;
  const ids = (rows: unknown) => (rows as Array<{ id: string }>).map((r) => r.id).sort();
  const get = (path: string, params: Record<string, string | number>) => s.client.rawGet(path, params);

  before(async () => {
    t = Date.parse("2026-12-24T13:00:00Z");
    s = await setup({ now });
    const adres = (land: string) => ({ straat: "Kade 2", postcode: "1000 AA", plaats: "Amsterdam", land: { id: land } });
    test1 = await s.client.createRelatie({ relatiesoort: ["Klant"], naam: "Test Een", email: "een@example.nl", vestigingsAdres: adres(NL) });
    t = Date.parse("2026-12-24T14:00:00Z");
    test2 = await s.client.createRelatie({ relatiesoort: ["Klant"], naam: "Een Test", email: "twee@example.nl", vestigingsAdres: adres(NL) });
    be = await s.client.createRelatie({ relatiesoort: ["Klant"], naam: "Belg", email: "be@example.be", vestigingsAdres: adres(BE) });
    const stored = s.sim.state.relaties.get(test2.id);
    assert.ok(stored);
    stored.extraVeldenKlant = [
      { naam: "lidmaatschapnummer", waarde: "5299" },
      { naam: "kleur", waarde: "rood" },
    ];
  });
  after(async () => s.close());

  it("Id eq guid'…' finds one relatie; a GUID is compared ignoring case", async () => {
    assert.deepEqual(ids(await get("relaties", { $filter: `Id eq guid'${test1.id}'` })), [test1.id]);
    assert.deepEqual(ids(await get("relaties", { $filter: `Id eq guid'${test1.id.toUpperCase()}'` })), [test1.id]);
    assert.deepEqual(ids(await get("relaties", { $filter: `Id eq (guid'${test1.id}')` })), [test1.id], "a literal in parentheses, as the portal's grootboekmutaties example");
  });

  it("ModifiedOn gt datetime'…' compares date-times (also date-only literals)", async () => {
    const after1330 = ids(await get("relaties", { $filter: "ModifiedOn gt datetime'2026-12-24T13:30:46'" }));
    assert.deepEqual(after1330, [test2.id, be.id].sort());
    const fromDay = ids(await get("relaties", { $filter: "ModifiedOn ge datetime'2026-12-24'" }));
    assert.deepEqual(fromDay, [test1.id, test2.id, be.id].sort());
    const seeded = ids(await get("relaties", { $filter: "ModifiedOn gt datetime'2017-07-16T23:59:59.999' and ModifiedOn lt datetime'2026-01-01'" }));
    assert.deepEqual(seeded, [simSeedRelatieId(1), simSeedRelatieId(2)].sort(), "the seeded relaties (2024-01-01)");
  });

  it("substringof('x', Naam) eq true and startswith(Naam, 'x') eq true, case-sensitive, also bare", async () => {
    assert.deepEqual(ids(await get("relaties", { $filter: "substringof('Test', Naam) eq true" })), [test1.id, test2.id].sort());
    assert.deepEqual(ids(await get("relaties", { $filter: "startswith(Naam,'Test') eq true" })), [test1.id]);
    assert.deepEqual(ids(await get("relaties", { $filter: "startswith(Naam,'Test')" })), [test1.id]);
    assert.deepEqual(await get("relaties", { $filter: "substringof('test', Naam) eq true" }), []);
    assert.deepEqual(ids(await get("relaties", { $filter: "substringof('Test', Naam) eq false and Relatiecode ge 3" })), [be.id]);
    const both = ids(await get("relaties", { $filter: "startswith(Naam,'Test') eq true and ModifiedOn gt datetime'2026-12-24T12:30:46'" }));
    assert.deepEqual(both, [test1.id]);
  });

  it("Relatiesoort/any(r:r eq 'Eigen') finds the own company; 'Leverancier' the supplier; any() every relatie with a soort", async () => {
    const eigen = (await get("relaties", { $filter: "Relatiesoort/any(r:r eq 'Eigen')" })) as Array<{ naam: string }>;
    assert.deepEqual(eigen.map((r) => r.naam), ["Demo Webwinkel B.V."]);
    const leverancier = (await get("relaties", { $filter: "Relatiesoort/any(r: r eq 'Leverancier')" })) as Array<{ relatiecode: number }>;
    assert.deepEqual(leverancier.map((r) => r.relatiecode), [2]);
    const klanten = ids(await get("relaties", { $filter: "Relatiesoort/any(r:r eq 'Klant')" }));
    assert.deepEqual(klanten, [test1.id, test2.id, be.id].sort());
    assert.equal(((await get("relaties", { $filter: "Relatiesoort/any()" })) as unknown[]).length, 5);
  });

  it("ExtraVeldenKlant/any(e:e/Waarde eq '5299' and e/Naam eq 'lidmaatschapnummer') needs both on one extra field", async () => {
    assert.deepEqual(ids(await get("relaties", { $filter: "ExtraVeldenKlant/any(e:e/Waarde eq '5299' and e/Naam eq 'lidmaatschapnummer')" })), [test2.id]);
    assert.deepEqual(await get("relaties", { $filter: "ExtraVeldenKlant/any(e:e/Waarde eq 'rood' and e/Naam eq 'lidmaatschapnummer')" }), []);
    const read = (await s.client.rawGet(`relaties/${test2.id}`)) as { extraVeldenKlant: unknown };
    assert.deepEqual(read.extraVeldenKlant, [
      { naam: "lidmaatschapnummer", waarde: "5299" },
      { naam: "kleur", waarde: "rood" },
    ]);
  });

  it("VestigingsAdres/Land/Id ne guid'…', ne, and/or, not and null", async () => {
    const notNl = ids(await get("relaties", { $filter: `VestigingsAdres/Land/Id ne guid'${NL}'` }));
    assert.deepEqual(notNl, [simSeedRelatieId(1), simSeedRelatieId(2), be.id].sort(), "a relatie without address has no land: not NL");
    assert.deepEqual(ids(await get("relaties", { $filter: `VestigingsAdres/Land/Id eq guid'${BE}'` })), [be.id]);
    assert.deepEqual(ids(await get("relaties", { $filter: "VestigingsAdres/Land/Id eq null" })), [simSeedRelatieId(1), simSeedRelatieId(2)].sort());
    assert.deepEqual(ids(await get("relaties", { $filter: "Email ne null and Naam ne 'Belg'" })), [test1.id, test2.id].sort());
    assert.deepEqual(ids(await get("relaties", { $filter: "Email eq 'een@example.nl' or Email eq 'be@example.be'" })), [test1.id, be.id].sort());
    assert.deepEqual(ids(await get("relaties", { $filter: "not (Relatiecode le 3) and Relatiecode lt 6" })), [test2.id, be.id].sort());
  });

  it("$select=Id,Naam returns only those properties (lowerCamelCase in the JSON)", async () => {
    const rows = (await get("relaties", { $filter: "startswith(Naam,'Test') eq true", $select: "Id,Naam" })) as Array<Record<string, unknown>>;
    assert.deepEqual(rows, [{ id: test1.id, naam: "Test Een" }]);
    const withNull = (await get("relaties", { $filter: `Id eq guid'${test1.id}'`, $select: "Id,Telefoon,VestigingsAdres" })) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(withNull[0]).sort(), ["id", "telefoon", "vestigingsAdres"]);
    assert.equal(withNull[0].telefoon, null);
    const all = (await get("relaties", { $filter: `Id eq guid'${test1.id}'`, $select: "*" })) as Array<Record<string, unknown>>;
    assert.equal(all[0].email, "een@example.nl");
    const ledgers = (await get("grootboeken", { $filter: "Nummer eq 8000", $select: "Nummer,BtwSoort" })) as unknown[];
    assert.deepEqual(ledgers, [{ nummer: 8000, btwSoort: ["Hoog"] }]);
  });

  it("$select of an unknown or lower-case property is refused (400)", async () => {
    for (const select of ["Id,Foo", "naam", "VestigingsAdres/Plaats"]) {
      const err = await rejectsWith(get("relaties", { $select: select }), "SNELSTART_VALIDATION");
      assert.match(err.message, /Could not find a property named/, select);
    }
  });

  it("other resources: grootboeken by BtwSoort/any, verkoopfacturen by Relatie/Id and FactuurDatum, artikelen by ExtraVelden/any", async () => {
    const hoog = (await get("grootboeken", { $filter: "BtwSoort/any(b:b eq 'Hoog') and Nonactief eq false" })) as Array<{ nummer: number }>;
    assert.deepEqual(hoog.map((g) => g.nummer), [8000, 8200, 8210]);
    const booking = await s.client.createVerkoopboeking(nlBooking("OD-1", test1.id));
    await s.client.createVerkoopboeking(nlBooking("OD-2", test2.id, { factuurdatum: "2025-04-01T00:00:00" }));
    const byKlant = (await get("verkoopfacturen", { $filter: `Relatie/Id eq guid'${test1.id}'` })) as Array<{ verkoopBoeking: { id: string } }>;
    assert.deepEqual(byKlant.map((f) => f.verkoopBoeking.id), [booking.id]);
    const april = (await get("verkoopfacturen", { $filter: "FactuurDatum ge datetime'2025-04-01' and FactuurBedrag gt 100" })) as Array<{ factuurnummer: string }>;
    assert.deepEqual(april.map((f) => f.factuurnummer), ["OD-2"]);
    const groep = (await s.client.artikelomzetgroepen())[0].id;
    await rawApi(s, "POST", "/artikelen", { body: JSON.stringify({ artikelcode: "R1", omschrijving: "Rood", artikelOmzetgroep: { id: groep }, extraVelden: [{ naam: "kleur", waarde: "rood" }] }) });
    await s.client.createArtikel({ artikelcode: "B1", omschrijving: "Blauw", artikelOmzetgroep: { id: groep } });
    const rood = (await get("artikelen", { $filter: "ExtraVelden/any(e:e/Waarde eq 'rood' and e/Naam eq 'kleur')" })) as Array<{ artikelcode: string }>;
    assert.deepEqual(rood.map((a) => a.artikelcode), ["R1"]);
  });

  it("/dagboeken ignores $filter (OBSERVED) and answers every journal", async () => {
    const all = (await get("dagboeken", {})) as unknown[];
    const filtered = (await get("dagboeken", { $filter: "Soort eq 'Verkoop'" })) as unknown[];
    assert.ok(all.length > 1);
    assert.deepEqual(filtered, all);
  });
});
