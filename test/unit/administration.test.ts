/**
 * What the koppeling reads of a SnelStart administration (src/controllers/administration.ts),
 * without Node-RED: the real SnelStart client against the simulator (in-process, random port), the
 * time of the reference cache injected. The reference data and a country's OSS rates are fetched
 * once an hour at most, shared by concurrent callers, a failure not kept; the mapping completed
 * with them; the dialogs' lookups and mapping check.
 */
import assert from "node:assert/strict";
import { FOREIGN_VAT_LEDGER, simLedgerId, startSnelStartSim, type SnelStartSim } from "../../sim/snelstart/server";
import { AdministrationReference, REFERENCE_TTL_MS, cached, checkMapping, lookups, mappingForCustomer, resolveMapping } from "../../src/controllers/administration";
import { KoppelingError } from "../../src/errors";
import type { SnelStartClient } from "../../src/snelstart/client";
import { simClient } from "./helpers/snelstart-sim-client";

describe("unit: the administration's reference data against the SnelStart simulator", function () {
  this.timeout(20_000);
  let ss: SnelStartSim;
  let client: SnelStartClient;
  let t: number;
  let n = 0;
  const now = () => t;
  const gets = (template: string) => ss.state.requests.get("GET", template);
  const referenceGets = () => ["/v2/companyInfo", "/v2/landen", "/v2/grootboeken", "/v2/btwtarieven"].map(gets);

  beforeEach(async () => {
    n += 1;
    t = 1_000_000;
    const koppelsleutel = `unit-administration-${process.pid}-${n}`;
    ss = await startSnelStartSim({ rateLimits: "off", koppelsleutel, subscriptionKey: "demo-subscription" });
    client = simClient(ss, koppelsleutel, { maxRetries: 0 });
  });
  afterEach(() => ss.close());

  it("fetches the reference data once for concurrent callers, keeps it an hour, then fetches it again", async () => {
    const admin = new AdministrationReference(() => client, { now });
    const [a, b] = await Promise.all([admin.reference(), admin.reference()]);
    assert.equal(a, b);
    assert.deepEqual(referenceGets(), [1, 1, 1, 1]);
    assert.ok(a.grootboeken.some((g) => g.nummer === 8000));
    assert.ok(a.landen.some((l) => l.landcode === "DE"));
    t += REFERENCE_TTL_MS - 1;
    assert.equal(await admin.reference(), a);
    assert.deepEqual(referenceGets(), [1, 1, 1, 1]);
    t += 1;
    await admin.reference();
    assert.deepEqual(referenceGets(), [2, 2, 2, 2]);
  });

  it("a failed fetch is not kept: the next caller fetches again", async () => {
    const admin = new AdministrationReference(() => client, { now });
    ss.state.faults.add({ kind: "status", status: 400, method: "GET", path: "/v2/companyInfo" });
    await assert.rejects(admin.reference(), (e: unknown) => e instanceof KoppelingError);
    const company = (await admin.reference()).company;
    assert.equal(company.factureerBuitenlandsBtw, true);
    assert.equal(gets("/v2/companyInfo"), 2);
  });

  it("a country's OSS rates: by its ISO-2 code, once an hour per country; a country SnelStart does not know is COUNTRY_UNKNOWN", async () => {
    const admin = new AdministrationReference(() => client, { now });
    const de = await admin.ossRates("de");
    assert.ok(de.length > 0);
    assert.deepEqual(await admin.ossRates("DE"), de);
    await admin.ossRates("BE");
    assert.equal(gets("/v2/vatrates/:countryCode"), 2);
    t += REFERENCE_TTL_MS;
    await admin.ossRates("DE");
    assert.equal(gets("/v2/vatrates/:countryCode"), 3);
    await assert.rejects(admin.ossRates("XX"), (e: unknown) => e instanceof KoppelingError && e.code === "COUNTRY_UNKNOWN");
    assert.equal(gets("/v2/vatrates/:countryCode"), 3);
  });

  it("cached: the time is read from the clock given", async () => {
    let fetched = 0;
    const get = cached(100, async () => ++fetched, now);
    assert.deepEqual([await get(), await get()], [1, 1]);
    t += 100;
    assert.equal(await get(), 2);
  });

  it("completes the mapping from the chart, the foreign-VAT ledger from companyInfo; an order's context holds the rates its destination needs", async () => {
    const admin = new AdministrationReference(() => client, { now });
    const fields = { ledgerHoog: simLedgerId(8000), ledgerOssSR: simLedgerId(8400), euConsumers: "oss", groupHoog: "grp-1" };
    const { mapping, articleGroups } = await resolveMapping(fields, admin);
    assert.deepEqual([mapping.revenue.hoog?.nummer, mapping.oss?.foreignVat?.nummer, articleGroups], [8000, FOREIGN_VAT_LEDGER, { hoog: "grp-1" }]);

    const toDe = await mappingForCustomer(fields, admin, { billingaddress: { country_code: "NL" }, deliveryaddress: { country_code: "DE" } });
    assert.equal(toDe.context.ossEnabled, true);
    assert.ok((toDe.context.nlRates ?? []).length > 0);
    assert.deepEqual(Object.keys(toDe.context.ossRates ?? {}), ["DE"]);
    const toNl = await mappingForCustomer(fields, admin, { billingaddress: { country_code: "NL" } });
    assert.equal(toNl.context.ossRates, undefined);
    assert.equal(gets("/v2/vatrates/:countryCode"), 1);
    assert.deepEqual(referenceGets(), [1, 1, 1, 1], "one fetch of the reference data for all of it");
    assert.equal(toNl.mapping, mapping, "parsed once while the reference data is kept");
    t += REFERENCE_TTL_MS;
    assert.notEqual((await resolveMapping(fields, admin)).mapping, mapping, "parsed again with fresh reference data");
  });

  it("the dialogs: the lookups leave inactive ledgers out; the mapping check names what is wrong against the live chart", async () => {
    const l = await lookups(client);
    assert.equal(l.foreignVatLedgerId, simLedgerId(FOREIGN_VAT_LEDGER));
    assert.ok(l.grootboeken.some((g) => g.nummer === 8000));
    assert.ok(!l.grootboeken.some((g) => g.nummer === 8090), "8090 is inactive in the simulator");
    assert.ok(l.artikelomzetgroepen.length > 0);

    const ok = await checkMapping(client, { ledgerHoog: simLedgerId(8000) });
    assert.ok(!ok.problems.some((p) => p.field === "revenue.hoog"));
    const wrong = await checkMapping(client, { ledgerHoog: simLedgerId(8010) });
    assert.deepEqual(
      wrong.problems.filter((p) => p.field === "revenue.hoog").map((p) => p.severity),
      ["error"],
      "8010 (Omzet laag) does not allow VAT code Hoog",
    );
  });
});
