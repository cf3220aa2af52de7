import assert from "node:assert/strict";
import type { Relatie, VerkoopBoekingCreate } from "../../src/snelstart/schemas";
import { simKostenplaatsId, simSeedRelatieId } from "../../sim/snelstart/server";
import { listen } from "../../sim/http";
import { SnelStartClient } from "../../src/snelstart/client";
import { control, createConsumer, createDeBusiness, DE, errorCodes, L, nlBooking, openThrottle, ossBooking, rawApi, rejectsWith, setup, type Setup } from "./helpers";

describe("SnelStart verkoopboekingen: validation like the real service", () => {
  let s: Setup;
  let nl: Relatie;
  let deConsumer: Relatie;
  let deBusiness: Relatie;
  let n = 0;
  /** A fresh factuurnummer per test. */
  const nr = () => `T-${++n}`;

  before(async () => {
    s = await setup();
    nl = await createConsumer(s.client);
    deConsumer = await createConsumer(s.client, DE, "Hans Schmidt");
    deBusiness = await createDeBusiness(s.client);
  });
  after(async () => s.close());
  beforeEach(() => void (s.sim.state.ossEnabled = true));

  const refused = async (body: VerkoopBoekingCreate, code: string) => {
    const before = s.sim.state.verkoopboekingen.size;
    const err = await rejectsWith(s.client.createVerkoopboeking(body), `SNELSTART_${code.replace("-", "_")}`);
    assert.equal(err.details.status, 400);
    assert.equal(s.sim.state.verkoopboekingen.size, before, "nothing was stored");
    return err;
  };

  it("accepts the reference's NL example (201, full model) and shows it in verkoopfacturen", async () => {
    const b = await s.client.createVerkoopboeking(nlBooking("CCV-100234", nl.id));
    assert.equal(b.factuurnummer, "CCV-100234");
    assert.equal(b.factuurbedrag, 137.95);
    assert.equal(b.boekingsregels.length, 3);
    assert.deepEqual(await s.client.getVerkoopboeking(b.id), b);
    const f = await s.client.findVerkoopfactuur("CCV-100234");
    assert.ok(f);
    assert.equal(f.verkoopBoeking?.id, b.id);
    assert.equal(f.relatie?.id, nl.id);
    assert.equal(f.factuurBedrag, 137.95);
    assert.equal(f.openstaandSaldo, 137.95);
    assert.equal(f.factuurDatum, "2025-03-14T00:00:00");
    assert.equal(f.vervalDatum, "2025-03-28T00:00:00", "factuurdatum + betalingstermijn 14");
    const byId = (await s.client.rawGet(`verkoopfacturen/${f.id}`)) as { factuurnummer: string };
    assert.equal(byId.factuurnummer, "CCV-100234");
  });

  it("findVerkoopfactuur: null when absent, exact number only", async () => {
    await s.client.createVerkoopboeking(nlBooking("F-2025-00401", nl.id));
    assert.equal(await s.client.findVerkoopfactuur("F-2025-0040"), null);
    assert.equal(await s.client.findVerkoopfactuur("f-2025-00401"), null);
    assert.equal((await s.client.findVerkoopfactuur("F-2025-00401"))?.factuurnummer, "F-2025-00401");
  });

  it("verkoopfacturenBetween: the invoices dated from `from` up to `to` (not included), every page ($top/$skip), checked", async () => {
    const sim = await setup();
    try {
      const klant = await createConsumer(sim.client);
      const dates = ["2025-02-28", "2025-03-01", "2025-03-01", "2025-03-15", "2025-03-31", "2025-04-01"];
      for (const [i, d] of dates.entries()) await sim.client.createVerkoopboeking(nlBooking(`P-${i}`, klant.id, { factuurdatum: `${d}T00:00:00` }));
      const paged = sim.makeClient({ pageSize: 2 });
      const march = await paged.verkoopfacturenBetween("2025-03-01", "2025-04-01");
      assert.deepEqual(march.map((f) => f.factuurnummer).sort(), ["P-1", "P-2", "P-3", "P-4"]);
      // Four in the period, two per page: three pages, the last one short (empty).
      assert.equal(sim.sim.state.requests.get("GET", "/v2/verkoopfacturen"), 3);
      assert.deepEqual((await sim.client.verkoopfacturenBetween("2025-03-02", "2025-03-31")).map((f) => f.factuurnummer), ["P-3"]);
      assert.deepEqual(await sim.client.verkoopfacturenBetween("2025-05-01", "2025-06-01"), []);
      await rejectsWith(sim.client.verkoopfacturenBetween("2025-3-1", "2025-04-01"), "SNELSTART_ODATA");
    } finally {
      await sim.close();
    }
  });

  it("verkoopfacturenBetween keeps only the period's dates when a server ignores the filter", async () => {
    const factuur = (nr: string, day: string) => ({ id: `00000000-0000-4000-8000-00000000000${nr}`, factuurnummer: nr, factuurDatum: `${day}T00:00:00`, factuurBedrag: 1 });
    const server = await listen((req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      if (req.method === "POST") res.end(JSON.stringify({ access_token: "t", token_type: "bearer", expires_in: 3600 }));
      else res.end(JSON.stringify([factuur("1", "2025-02-28"), factuur("2", "2025-03-01"), factuur("3", "2025-04-01")]));
    });
    try {
      const c = new SnelStartClient({ subscriptionKey: "k", koppelsleutel: `ignoring-${process.pid}`, apiUrl: server.url, tokenUrl: `${server.url}/token`, throttle: openThrottle() });
      assert.deepEqual((await c.verkoopfacturenBetween("2025-03-01", "2025-04-01")).map((f) => f.factuurnummer), ["2"]);
    } finally {
      await server.close();
    }
  });

  it("BOE-0021: a factuurnummer that exists in the administration (also for another klant)", async () => {
    const id = nr();
    await s.client.createVerkoopboeking(nlBooking(id, nl.id));
    const err = await refused(nlBooking(id, deBusiness.id), "BOE-0021");
    assert.match(err.message, /Het factuurnummer bestaat al/);
  });

  it("BOE-0058: factuurnummer missing", async () => {
    await refused(nlBooking("", nl.id), "BOE-0058");
    await refused({ ...nlBooking("x", nl.id), factuurnummer: undefined } as unknown as VerkoopBoekingCreate, "BOE-0058");
  });

  it("BOE-0058: factuurnummer longer than 25; exactly 25 is fine", async () => {
    await refused(nlBooking("A".repeat(26), nl.id), "BOE-0058");
    const ok = await s.client.createVerkoopboeking(nlBooking("B".repeat(25), nl.id));
    assert.equal(ok.factuurnummer.length, 25);
  });

  it("BOE-0023: no booking lines", async () => {
    await refused(nlBooking(nr(), nl.id, { boekingsregels: [], btw: [], factuurbedrag: 0 }), "BOE-0023");
  });

  it("BOE-0028: a line of zero", async () => {
    const b = nlBooking(nr(), nl.id);
    b.boekingsregels.push({ grootboek: { id: L(8000) }, bedrag: 0, btwSoort: "Hoog" });
    await refused(b, "BOE-0028");
  });

  it("BOE-0039: factuurbedrag is not Σ lines + Σ btw (one cent off)", async () => {
    const err = await refused(nlBooking(nr(), nl.id, { factuurbedrag: 137.94 }), "BOE-0039");
    assert.match(err.message, /niet in balans/);
  });

  it("amounts with more than 2 decimals are accepted and compared in cents", async () => {
    const b = nlBooking(nr(), nl.id, { factuurbedrag: 137.954 });
    b.boekingsregels[0].bedrag = 100.004;
    await s.client.createVerkoopboeking(b);
    const off = nlBooking(nr(), nl.id, { factuurbedrag: 137.956 });
    await refused(off, "BOE-0039");
  });

  it("BOE-0082: a line soort the ledger does not allow", async () => {
    const b = nlBooking(nr(), nl.id);
    b.boekingsregels[2].grootboek = { id: L(8000) }; // Laag on the Hoog-only ledger
    const err = await refused(b, "BOE-0082");
    assert.match(err.message, /toegestaan: Hoog/);
  });

  it("BOE-0082: a line without btwSoort", async () => {
    const b = nlBooking(nr(), nl.id);
    delete (b.boekingsregels[0] as { btwSoort?: string }).btwSoort;
    await refused(b, "BOE-0082");
  });

  it("BOE-0082: a btw row with no line of its soort, or of a purchase kind", async () => {
    const onlyHoog = nlBooking(nr(), nl.id, { factuurbedrag: 127.95 });
    onlyHoog.boekingsregels.pop();
    await refused(onlyHoog, "BOE-0082"); // VerkopenLaag 0.90 without a Laag line
    const inkoop = nlBooking(nr(), nl.id);
    inkoop.btw[1] = { btwSoort: "InkopenLaag", btwBedrag: 0.9 };
    await refused(inkoop, "BOE-0082");
  });

  it("BOE-0037: an unknown ledger", async () => {
    const b = nlBooking(nr(), nl.id);
    b.boekingsregels[0].grootboek = { id: "0f0f0f0f-0000-4000-8000-000000000000" };
    await refused(b, "BOE-0037");
  });

  it("BOE-0019 / BOE-0026: a line with an unknown or inactive kostenplaats; an active one is stored", async () => {
    const withKp = (id: string) => {
      const b = nlBooking(nr(), nl.id);
      (b.boekingsregels[0] as { kostenplaats?: { id: string } }).kostenplaats = { id };
      return b;
    };
    await refused(withKp("0f0f0f0f-0000-4000-8000-000000000000"), "BOE-0019");
    await refused(withKp(simKostenplaatsId(9)), "BOE-0026");
    const ok = await s.client.createVerkoopboeking(withKp(simKostenplaatsId(1)));
    assert.equal((ok.boekingsregels[0] as { kostenplaats?: { id: string } }).kostenplaats?.id, simKostenplaatsId(1));
  });

  it("BOE-0060: the klant is a supplier, or unknown", async () => {
    await refused(nlBooking(nr(), simSeedRelatieId(2)), "BOE-0060");
    await refused(nlBooking(nr(), "0f0f0f0f-0000-4000-8000-000000000001"), "BOE-0060");
  });

  const icp = (klantId: string): VerkoopBoekingCreate => ({
    factuurnummer: nr(),
    factuurdatum: "2025-03-14T00:00:00",
    klant: { id: klantId },
    factuurbedrag: 250,
    boekingsregels: [{ grootboek: { id: L(8100) }, bedrag: 250, btwSoort: "Geen" }],
    btw: [],
  });

  it("BOE-0080: an EU (ICP) revenue ledger for a klant without btwNummer; accepted for a business", async () => {
    await refused(icp(nl.id), "BOE-0080");
    await refused(icp(deConsumer.id), "BOE-0080");
    const ok = await s.client.createVerkoopboeking(icp(deBusiness.id));
    assert.equal(ok.factuurbedrag, 250);
  });

  it("REF-0016: a wrong type or enum value", async () => {
    const b = nlBooking(nr(), nl.id);
    (b.boekingsregels[0] as { btwSoort: string }).btwSoort = "Hooog";
    await refused(b, "REF-0016");
    const c = nlBooking(nr(), nl.id);
    (c as unknown as { factuurbedrag: unknown }).factuurbedrag = { euro: 137 };
    await refused(c, "REF-0016");
  });

  it("REF-0016: a misspelt (unknown) field", async () => {
    const b = { ...nlBooking(nr(), nl.id), factuurNummer: "X-1" };
    const err = await refused(b, "REF-0016");
    assert.match(err.message, /factuurNummer/);
  });

  it("REF-0016: malformed JSON (sent raw)", async () => {
    const res = await rawApi(s, "POST", "/verkoopboekingen", { body: '{"factuurnummer": "X-2", ' });
    assert.equal(res.status, 400);
    assert.equal((res.body as Array<{ errorCode: string }>)[0].errorCode, "REF-0016");
  });

  it("ALG-0100: a POST with an id", async () => {
    await refused({ ...nlBooking(nr(), nl.id), id: "75b4fe7b-062b-4ae1-bad1-5c5e3866a2ae" } as VerkoopBoekingCreate, "ALG-0100");
  });

  it("reports every error of a booking, not just the first", async () => {
    const b = nlBooking("", nl.id, { factuurbedrag: 1 });
    b.boekingsregels[0].bedrag = 0;
    const err = await refused(b, "BOE-0058");
    assert.deepEqual(errorCodes(err).sort(), ["BOE-0028", "BOE-0039", "BOE-0058"]);
  });

  it("DELETE removes the booking and its verkoopfactuur; GET is then SNELSTART_NOT_FOUND", async () => {
    const id = nr();
    const b = await s.client.createVerkoopboeking(nlBooking(id, nl.id));
    await s.client.deleteVerkoopboeking(b.id);
    await rejectsWith(s.client.getVerkoopboeking(b.id), "SNELSTART_NOT_FOUND");
    assert.equal(await s.client.findVerkoopfactuur(id), null);
  });

  it("lists a klant's bookings under /relaties/{id}/verkoopboekingen", async () => {
    const klant = await createConsumer(s.client);
    await s.client.createVerkoopboeking(nlBooking(nr(), klant.id));
    const list = (await s.client.rawGet(`relaties/${klant.id}/verkoopboekingen`)) as Array<{ klant: { id: string } }>;
    assert.equal(list.length, 1);
    assert.equal(list[0].klant.id, klant.id);
  });

  describe("OSS (factureerBuitenlandsBtw)", () => {
    it("on: accepts the SnelStart portal example for a German consumer (2021-07-29)", async () => {
      const b = await s.client.createVerkoopboeking(ossBooking("OSS-1", deConsumer.id));
      assert.equal(b.factuurbedrag, 81.46);
      assert.deepEqual(b.btw, []);
    });

    it("on: accepts a foreign VAT total within ±1 cent per OSS line", async () => {
      // Expected 4.753 + 1.406 = 6.159; 4.76 + 1.41 = 6.17 is 1.1 cent off with 2 lines.
      await s.client.createVerkoopboeking(ossBooking(nr(), deConsumer.id, [4.76, 1.41]));
    });

    it("on: refuses a wrong foreign VAT amount (BOE-0039)", async () => {
      const err = await refused(ossBooking(nr(), deConsumer.id, [4.8, 1.41]), "BOE-0039");
      assert.match(err.message, /buitenlandse btw 6\.21, verwacht 6\.16/);
    });

    it("on: checks against the rate valid on the date (DE RRL is 7 % on 2021-07-29; the 5 % of late 2020 is refused)", async () => {
      // 67.90 at 5 % = 3.40 (the 2020 rate) instead of 4.75 at 7 %.
      await refused(ossBooking(nr(), deConsumer.id, [3.4, 1.41]), "BOE-0039");
    });

    it("on: refuses Dutch VAT rows for an EU consumer (BOE-0069)", async () => {
      await refused(nlBooking(nr(), deConsumer.id, { factuurdatum: "2021-07-29T00:00:00" }), "BOE-0069");
    });

    it("on: refuses a non-OSS revenue ledger for an EU consumer (BOE-0081)", async () => {
      const b = ossBooking(nr(), deConsumer.id);
      b.boekingsregels[0].grootboek = { id: L(8030) };
      await refused(b, "BOE-0081");
    });

    it("on: refuses an OSS ledger whose rate code the country lacks (DE has no RRH: BOE-0081)", async () => {
      const b = ossBooking(nr(), deConsumer.id);
      b.boekingsregels[0].grootboek = { id: L(8401) };
      await refused(b, "BOE-0081");
    });

    it("on: a business customer or a date before 2021-07-01 is not OSS: Dutch VAT is fine, OSS ledgers are not (BOE-0080)", async () => {
      await s.client.createVerkoopboeking(nlBooking(nr(), deBusiness.id));
      await s.client.createVerkoopboeking(nlBooking(nr(), deConsumer.id, { factuurdatum: "2021-06-30T00:00:00" }));
      await refused({ ...ossBooking(nr(), deConsumer.id), factuurdatum: "2021-06-30T00:00:00" }, "BOE-0080");
      await refused(ossBooking(nr(), nl.id), "BOE-0080");
    });

    it("off: the same portal example is refused (no foreign VAT set up: BOE-0081) and Dutch VAT is accepted", async () => {
      const off = await control(s.sim, "PUT", "/__sim/oss", { enabled: false });
      assert.deepEqual(off.body, { enabled: false });
      assert.equal((await s.client.testConnection()).ossEnabled, false);
      await refused(ossBooking(nr(), deConsumer.id), "BOE-0081");
      await s.client.createVerkoopboeking(nlBooking(nr(), deConsumer.id, { factuurdatum: "2021-07-29T00:00:00" }));
    });
  });
});
