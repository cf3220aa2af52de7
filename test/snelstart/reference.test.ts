import assert from "node:assert/strict";
import { simDagboekId, simKostenplaatsId, simLedgerId } from "../../sim/snelstart/server";
import { rawApi, rejectsWith, setup, type Setup } from "./helpers";

describe("SnelStart reference data", () => {
  let s: Setup;
  before(async () => (s = await setup()));
  after(async () => s.close());

  it("companyInfo names the administration, the OSS switch and the foreign-VAT ledger", async () => {
    const c = await s.client.companyInfo();
    assert.equal(c.administratieNaam, "Demo Webwinkel B.V.");
    assert.equal(c.factureerBuitenlandsBtw, true);
    assert.equal(c.buitenlandseBtwGrootboek?.id, simLedgerId(1650));
    assert.equal(c.artikelcodeSoort, "Alfanumeriek");
    assert.equal(c.artikelcodeMaxLengte, 25);
    assert.deepEqual(await s.client.testConnection(), { administratieNaam: "Demo Webwinkel B.V.", ossEnabled: true });
  });

  it("companyInfo: kleineOndernemersregeling is the KleineOndernemersRegelingModel object, and the client reads companyInfo with it", async () => {
    const raw = (await s.client.rawGet("companyInfo")) as Record<string, unknown>;
    assert.deepEqual(raw.kleineOndernemersregeling, { isKleineOndernemersRegelingActief: false, maximaalBedragVolledigeVerrekening: 0, maximaalBedragKleineOndernemersRegeling: 0 });
    const parsed = (await s.client.companyInfo()) as Record<string, unknown>;
    assert.deepEqual(parsed.kleineOndernemersregeling, raw.kleineOndernemersregeling);
  });

  it("PUT companyInfo changes only factureerBuitenlandsBtw", async () => {
    const res = await rawApi(s, "PUT", "/companyInfo", { body: JSON.stringify({ factureerBuitenlandsBtw: false, administratieNaam: "Andere naam" }) });
    assert.equal(res.status, 200);
    const after = await s.client.companyInfo();
    assert.equal(after.factureerBuitenlandsBtw, false);
    assert.equal(after.administratieNaam, "Demo Webwinkel B.V.");
    s.sim.state.ossEnabled = true;
  });

  it("landen: every ISO country with ISO-2, ISO-3 and its Dutch name", async () => {
    const landen = await s.client.landen();
    assert.ok(landen.length >= 249);
    const by = (code: string) => landen.find((l) => l.landcode === code);
    assert.deepEqual([by("NL")?.landcodeISO, by("NL")?.naam], ["NLD", "Nederland"]);
    assert.deepEqual([by("BE")?.landcodeISO, by("BE")?.naam], ["BEL", "België"]);
    assert.deepEqual([by("DE")?.landcodeISO, by("DE")?.naam], ["DEU", "Duitsland"]);
    assert.equal(new Set(landen.map((l) => l.id)).size, landen.length);
  });

  it("grootboeken: every page is fetched ($top/$skip until a short page)", async () => {
    const c = s.makeClient({ pageSize: 7 });
    const before = s.sim.state.requests.get("GET", "/v2/grootboeken");
    const all = await c.grootboeken();
    const pages = s.sim.state.requests.get("GET", "/v2/grootboeken") - before;
    assert.equal(all.length, 21);
    assert.equal(pages, 4, "3 full pages of 7, then an empty one");
    assert.deepEqual(all.map((g) => g.nummer), [...all.map((g) => g.nummer)].sort((a, b) => a - b));
    const whole = await s.client.grootboeken();
    assert.deepEqual(whole.map((g) => g.id), all.map((g) => g.id));
  });

  it("grootboeken: the chart has the documented functions, soorten and OSS rate codes, with ids from the number", async () => {
    const all = await s.client.grootboeken();
    const by = (n: number) => all.find((g) => g.nummer === n);
    assert.equal(by(8000)?.id, simLedgerId(8000));
    assert.deepEqual([by(8000)?.grootboekfunctie, by(8000)?.btwSoort], ["VerkopenOmzetHoog", ["Hoog"]]);
    assert.deepEqual([by(8010)?.grootboekfunctie, by(8010)?.btwSoort], ["VerkopenOmzetLaag", ["Laag"]]);
    assert.deepEqual([by(8030)?.grootboekfunctie, by(8030)?.btwSoort], ["VerkopenOmzetOnbelastVerlegd", ["Geen"]]);
    assert.deepEqual([by(8100)?.grootboekfunctie, by(8110)?.grootboekfunctie], ["VerkopenExportBinnenEU", "VerkopenExportBuitenEU"]);
    assert.deepEqual(by(8200)?.btwSoort, ["Geen", "Laag", "Hoog", "Overig"]);
    assert.deepEqual([8400, 8401, 8402, 8403, 8404].map((n) => by(n)?.vatRateCode), ["SR", "RRH", "RRL", "PR", "SRR"]);
    assert.ok([8400, 8401, 8402, 8403, 8404].every((n) => by(n)?.grootboekfunctie === "InstallatieTeleverkoopBinnenEUgeen"));
    assert.equal(by(1650)?.rekeningCode, "Balans");
  });

  it("grootboeken: OData on Grootboekfunctie, VatRateCode and Nummer", async () => {
    const none = await s.client.rawGet("grootboeken", { $filter: "Grootboekfunctie eq 'InstallatieTeleverkoopBinnenEUgeen' and VatRateCode eq null" });
    assert.deepEqual(none, [], "every function-84 ledger has a rate code (the portal's set-up check)");
    const rrl = (await s.client.rawGet("grootboeken", { $filter: "VatRateCode eq 'RRL'" })) as Array<{ nummer: number }>;
    assert.deepEqual(rrl.map((g) => g.nummer), [8402]);
    const range = (await s.client.rawGet("grootboeken", { $filter: "Nummer ge 8000 and Nummer lt 8100" })) as unknown[];
    assert.equal(range.length, 5);
  });

  it("btwtarieven: the Dutch history as measured live, with an Overig 0 % row and the open-end sentinels", async () => {
    const rows = await s.client.btwtarieven();
    const period = (soort: string, pct: number) => rows.filter((r) => r.btwSoort === soort && r.btwPercentage === pct).map((r) => [r.datumVanaf, r.datumTotEnMet]);
    assert.deepEqual(period("Geen", 0), [["1900-01-01T00:00:00", "2400-12-31T00:00:00"]]);
    assert.deepEqual(period("Overig", 0), [["1968-01-01T00:00:00", "2400-12-31T00:00:00"]]);
    assert.deepEqual(period("Hoog", 19), [["2001-01-01T00:00:00", "2012-09-30T00:00:00"]]);
    assert.deepEqual(period("Hoog", 21), [["2012-10-01T00:00:00", "2400-12-31T00:00:00"]]);
    assert.deepEqual(period("Laag", 6), [["1986-10-01T00:00:00", "2018-12-31T00:00:00"]]);
    assert.deepEqual(period("Laag", 9), [["2019-01-01T00:00:00", "2400-12-31T00:00:00"]]);
    assert.equal(rows.length, 6);
  });

  it("dagboeken: the journals with omschrijving, soort, nonactief, nummer, id and uri", async () => {
    const rows = (await s.client.rawGet("dagboeken")) as Array<Record<string, unknown>>;
    assert.equal(rows.length, 6);
    const verkoop = rows.find((d) => d.soort === "Verkoop");
    assert.deepEqual(verkoop, { id: simDagboekId(1300), uri: `/dagboeken/${simDagboekId(1300)}`, nummer: 1300, omschrijving: "Debiteuren", soort: "Verkoop", nonactief: false });
    const soorten = new Set(["Geen", "Kas", "Bank", "Verkoop", "Inkoop", "Memoriaal", "Balans"]);
    assert.ok(rows.every((d) => soorten.has(d.soort as string) && typeof d.nonactief === "boolean"));
    assert.ok(rows.some((d) => d.nonactief === true), "an inactive journal is listed too");
  });

  it("kostenplaatsen: list (inactive ones too) and by id; an unknown id is 404, a malformed one ALG-0103", async () => {
    const rows = (await s.client.rawGet("kostenplaatsen")) as Array<Record<string, unknown>>;
    assert.deepEqual(rows.map((k) => k.nummer), [1, 2, 3, 9]);
    assert.deepEqual(Object.keys(rows[0]).sort(), ["id", "nonactief", "nummer", "omschrijving", "uri"]);
    assert.equal(rows.find((k) => k.nummer === 9)?.nonactief, true);
    const one = (await s.client.rawGet(`kostenplaatsen/${simKostenplaatsId(2)}`)) as Record<string, unknown>;
    assert.deepEqual(one, { id: simKostenplaatsId(2), uri: `/kostenplaatsen/${simKostenplaatsId(2)}`, nummer: 2, omschrijving: "Winkel Alkmaar", nonactief: false });
    await rejectsWith(s.client.rawGet("kostenplaatsen/0f0f0f0f-0000-4000-8000-000000000000"), "SNELSTART_NOT_FOUND");
    await rejectsWith(s.client.rawGet("kostenplaatsen/2"), "SNELSTART_ALG_0103");
  });

  it("vatrates: per EU country by ISO-3 code, with history", async () => {
    const rate = async (iso3: string, code: string, on: string) => {
      const r = await s.client.vatrates(iso3);
      assert.equal(r.countryCode, iso3);
      return r.vatRates.filter((v) => v.rateCode === code && v.validFrom <= on).sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0]?.rate;
    };
    assert.equal(await rate("DEU", "SR", "2025-01-01"), 19);
    assert.equal(await rate("DEU", "RRL", "2025-01-01"), 7);
    assert.equal(await rate("DEU", "SR", "2020-09-01"), 16);
    assert.equal(await rate("DEU", "RRL", "2020-09-01"), 5);
    assert.deepEqual(await Promise.all([rate("BEL", "SR", "2025"), rate("BEL", "RRH", "2025"), rate("BEL", "RRL", "2025")]), [21, 12, 6]);
    assert.deepEqual(await Promise.all(["SR", "RRH", "RRL", "SRR"].map((c) => rate("FRA", c, "2025"))), [20, 10, 5.5, 2.1]);
    assert.deepEqual(await Promise.all(["SR", "RRH", "RRL"].map((c) => rate("AUT", c, "2025"))), [20, 13, 10]);
    const all = (await s.client.rawGet("vatrates")) as Array<{ countryCode: string }>;
    assert.equal(all.length, 27);
  });

  it("vatrates: an unknown country is SNELSTART_NOT_FOUND; an ISO-2 code is refused before sending", async () => {
    await rejectsWith(s.client.vatrates("XXX"), "SNELSTART_NOT_FOUND");
    await rejectsWith(s.client.vatrates("DE"), "SNELSTART_VALIDATION");
  });
});
