import assert from "node:assert/strict";
import { odataEq, odataInt, odataString, queryString } from "../../src/snelstart/odata";
import { NL, rejectsWith, setup, type Setup } from "./helpers";

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
    ["a function we do not model", "substringof('x', Email) eq true", /Functie 'substringof'/],
    ["a typed literal", "Email eq guid'75b4fe7b-062b-4ae1-bad1-5c5e3866a2ae'", /Getypeerde literal/],
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
