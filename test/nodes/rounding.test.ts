/**
 * Rounding differences through the nodes: the vat-mapping fields (ledger and maximum in euros;
 * a config saved without them keeps them off), vat-mapper booking a difference on the rounding
 * ledger into the SnelStart simulator, refusals beyond the maximum, in OSS and in verkooporder
 * mode, and the editor's mapping check.
 */
import assert from "node:assert/strict";
import { parseMapping, validateMapping } from "../../src/koppeling";
import { mappingInputOf } from "../../src/koppeling/mapping-form";
import {
  L,
  MAPPING,
  NODES,
  SUBSCRIPTION,
  addOrder,
  assertCode,
  atLeast,
  boekingen,
  collect,
  credentials,
  customer,
  helper,
  knownOrder,
  koppelingFlow,
  postsOf,
  row,
  startSims,
  teardown,
  trigger,
  warnings,
  type Sims,
} from "./support";

/** The simulator's "4990 Afrondingsverschillen" (Diversen, VAT code Geen only). */
const ROUNDING = L(4990);

const lines = (b: ReturnType<typeof boekingen>[number]) => b.boekingsregels.map((r) => [r.grootboekId, r.btwSoort, r.bedrag]).sort();

describe("nodes: rounding differences", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("the vat-mapping fields: absent (a config saved before them) is off; a ledger gets €0.05; the maximum is typed in euros", () => {
    assert.equal(parseMapping(mappingInputOf(MAPPING, [])).rounding, undefined);
    assert.equal(parseMapping(mappingInputOf({ ...MAPPING, ledgerRounding: "", roundingMax: "0.10" }, [])).rounding, undefined, "a maximum without ledger is off");
    assert.deepEqual(parseMapping(mappingInputOf({ ...MAPPING, ledgerRounding: ROUNDING }, [])).rounding, { ledger: { id: ROUNDING }, maxCents: 5 });
    assert.equal(parseMapping(mappingInputOf({ ...MAPPING, ledgerRounding: ROUNDING, roundingMax: "0,10" }, [])).rounding?.maxCents, 10);
    assert.equal(parseMapping(mappingInputOf({ ...MAPPING, ledgerRounding: ROUNDING, roundingMax: 0.07 }, [])).rounding?.maxCents, 7);
    const odd = parseMapping(mappingInputOf({ ...MAPPING, ledgerRounding: ROUNDING, roundingMax: "0.005" }, []));
    assert.deepEqual(
      validateMapping(odd)
        .filter((p) => p.field.startsWith("rounding"))
        .map((p) => [p.field, p.severity]),
      [["rounding.maxCents", "error"]],
    );
  });

  it("a mapping without a rounding ledger refuses an order 3 cents off, naming both figures; nothing is posted", async () => {
    sims = await startSims();
    await addOrder(sims, knownOrder({ total_price: 40.08 }));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "ORDER_TOTAL_MISMATCH");
    assert.equal(c.error?.source?.type, "vat-mapper");
    assert.match(c.error?.message ?? "", /€40\.05.*€40\.08/);
    assert.doesNotMatch(c.error?.message ?? "", /maximum/);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 0);
  });

  it("with a rounding ledger: books the 3 cents on it (Geen), warns, and SnelStart takes the balanced booking", async () => {
    sims = await startSims();
    await addOrder(sims, knownOrder({ total_price: 40.08 }));
    await helper.load(NODES, koppelingFlow(sims, { mapping: { ledgerRounding: ROUNDING } }), credentials(sims));
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1, "booked messages");
    const [b] = boekingen(sims);
    assert.equal(b.factuurbedrag, 40.08);
    assert.deepEqual(
      lines(b),
      [
        [L(8000), "Hoog", 20],
        [L(8010), "Laag", 10],
        [L(8200), "Hoog", 4.09],
        [ROUNDING, "Geen", 0.03],
      ].sort(),
    );
    assert.deepEqual(b.btw, [
      { btwSoort: "VerkopenHoog", btwBedrag: 5.06 },
      { btwSoort: "VerkopenLaag", btwBedrag: 0.9 },
    ]);
    assert.equal(m.payload.totalCents, 4008);
    assert.equal(m.payload.warnings.length, 1);
    assert.ok(warnings("mapper").some((w) => w.startsWith("202510330: ") && /€0\.03 on the rounding-difference ledger/.test(w)));
  });

  it("refuses 6 cents with the maximum €0.05, naming it; books them with the maximum typed as 0,10", async () => {
    sims = await startSims();
    await addOrder(sims, knownOrder({ total_price: 40.11 }));
    await helper.load(NODES, koppelingFlow(sims, { mapping: { ledgerRounding: ROUNDING, roundingMax: "0.05" } }), credentials(sims));
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "ORDER_TOTAL_MISMATCH");
    assert.match(c.error?.message ?? "", /€40\.05.*€40\.11.*maximum rounding difference of €0\.05/);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 0);
    await helper.unload();

    await helper.load(NODES, koppelingFlow(sims, { mapping: { ledgerRounding: ROUNDING, roundingMax: "0,10" } }), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 1, "booked messages");
    const [b] = boekingen(sims);
    assert.equal(b.factuurbedrag, 40.11);
    assert.ok(lines(b).some(([id, soort, bedrag]) => id === ROUNDING && soort === "Geen" && bedrag === 0.06));
  });

  it("refuses a rounding difference in an OSS booking, saying why; nothing is posted", async () => {
    sims = await startSims();
    await addOrder(sims, {
      ordernumber: 4101,
      create_date: "2025-06-05T10:00:00Z",
      status: 7,
      paid: true,
      shipping_tax_percentage: 19,
      total_price: 23.83,
      customer: customer({ country: "DE", email: "kunde@example.de", name: "Lena Schmidt" }),
      orderrows: [row({ name: "Spielzeug", number: "SP-1", price: 23.8, tax: 19 })],
    });
    await helper.load(NODES, koppelingFlow(sims, { mapping: { ledgerRounding: ROUNDING, euConsumers: "oss" } }), credentials(sims));
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "ORDER_TOTAL_MISMATCH");
    assert.equal(c.error?.source?.type, "vat-mapper");
    assert.match(c.error?.message ?? "", /€23\.80.*€23\.83.*OSS booking.*function-84/);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 0);
  });

  it("verkooporder mode: the booking could take the difference, the sales order cannot: vat-mapper refuses it saying why; nothing is posted", async () => {
    sims = await startSims();
    await addOrder(sims, knownOrder({ total_price: 40.08 }));
    await helper.load(NODES, koppelingFlow(sims, { mapping: { ledgerRounding: ROUNDING, articleShipping: "VERZEND" }, mapper: { mode: "verkooporder" } }), credentials(sims));
    const mapped = collect("mapped");
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "ORDER_TOTAL_MISMATCH");
    assert.equal(c.error?.source?.id, "mapper");
    assert.match(c.error?.message ?? "", /€40\.05.*€40\.08.*sales order.*computes the VAT itself/);
    assert.equal(mapped.length, 0, "nothing left vat-mapper");
    assert.equal(sims.ss.state.verkooporders.size, 0);
    assert.equal(postsOf(sims, "/v2/verkooporders"), 0);
  });

  it("/ccv-snelstart/mapping/validate lists a rounding ledger that does not allow Geen and a maximum out of range", async () => {
    sims = await startSims();
    await helper.load(NODES, []);
    const snelstart = { apiUrl: sims.ss.apiBase, tokenUrl: sims.ss.tokenUrl, tier: "production", subscriptionKey: SUBSCRIPTION, koppelsleutel: sims.koppelsleutel };
    const check = async (fields: Record<string, unknown>) => {
      const res = await helper.request().post("/ccv-snelstart/mapping/validate").send({ snelstart, mapping: { ...MAPPING, ...fields } }).set("Content-Type", "application/json");
      assert.equal(res.status, 200);
      assert.equal(res.body.ok, true, res.body.message);
      return (res.body.problems as Array<{ field: string; severity: string; message: string }>).filter((p) => p.field.startsWith("rounding"));
    };
    assert.deepEqual(await check({ ledgerRounding: ROUNDING, roundingMax: "0.05" }), []);
    const notGeen = await check({ ledgerRounding: L(8000) });
    assert.deepEqual(notGeen.map((p) => [p.field, p.severity]), [["rounding.ledger", "error"]]);
    assert.match(notGeen[0].message, /8000 Omzet hoog does not allow VAT code Geen/);
    const tooLarge = await check({ ledgerRounding: ROUNDING, roundingMax: "2.00" });
    assert.deepEqual(tooLarge.map((p) => [p.field, p.severity]), [["rounding.maxCents", "error"]]);
  });
});
