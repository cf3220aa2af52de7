/**
 * The reconciliation controller (src/controllers/reconcile.ts) without Node-RED: the real CCV and
 * SnelStart clients against both simulators (in-process, random ports). What it asks of each
 * side, that two requests for one period share a run, the start of the due rules (no historical
 * import: from the first run), and the refusal of sales-order mode before any request.
 */
import assert from "node:assert/strict";
import { startCcvSim, type CcvSim } from "../../sim/ccv/server";
import { simLedgerId, startSnelStartSim, type SnelStartSim } from "../../sim/snelstart/server";
import { CcvClient } from "../../src/ccv/client";
import { ReconcileController, type ReconcileSources } from "../../src/controllers/reconcile";
import { KoppelingError } from "../../src/errors";
import { createMapping } from "../../src/koppeling";
import { dueSettings } from "../../src/koppeling/due";
import type { SnelStartClient } from "../../src/snelstart/client";
import { simOrderInput } from "./helpers/sim-order";
import { simClient } from "./helpers/snelstart-sim-client";

const PUBLIC = "unit-public";
const SECRET = "unit-secret";
const MARCH = { from: "2025-03-01", to: "2025-04-01" };

function ccvOrder(ordernumber: number, createDate: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return simOrderInput(ordernumber, { create_date: createDate, ...over });
}

describe("unit: the reconciliation controller against both simulators", function () {
  this.timeout(20_000);
  let ccv: CcvSim;
  let ss: SnelStartSim;
  let snelstart: SnelStartClient;
  let klantId: string;
  let n = 0;

  beforeEach(async () => {
    n += 1;
    const koppelsleutel = `unit-reconcile-${process.pid}-${n}`;
    ccv = await startCcvSim({ orders: 0, rateLimits: "off", publicKey: PUBLIC, secret: SECRET });
    ss = await startSnelStartSim({ rateLimits: "off", koppelsleutel, subscriptionKey: "demo-subscription" });
    snelstart = simClient(ss, koppelsleutel);
    const klant = await snelstart.createRelatie({ relatiesoort: ["Klant"], naam: "Jan Jansen" });
    klantId = klant.id;
  });
  afterEach(async () => {
    await ccv.close();
    await ss.close();
  });

  const book = (factuurnummer: string, day: string, euros = 24.2) =>
    snelstart.createVerkoopboeking({
      factuurnummer,
      factuurdatum: `${day}T00:00:00`,
      klant: { id: klantId },
      omschrijving: factuurnummer,
      factuurbedrag: euros,
      boekingsregels: [{ omschrijving: "Omzet", grootboek: { id: simLedgerId(8000) }, bedrag: Math.round((euros / 1.21) * 100) / 100, btwSoort: "Hoog" }],
      btw: [{ btwSoort: "VerkopenHoog", btwBedrag: Math.round((euros - Math.round((euros / 1.21) * 100) / 100) * 100) / 100 }],
    });

  function controller(over: Partial<ReconcileSources> = {}): ReconcileController {
    return new ReconcileController({
      ccv: () => new CcvClient({ shopUrl: ccv.url, publicKey: PUBLIC, secret: SECRET, rateLimitWindowMs: null, retryBaseMs: 5 }),
      snelstart: () => snelstart,
      mapping: async () => createMapping({ revenue: { hoog: { id: simLedgerId(8000) } } }),
      settings: () => dueSettings({}),
      firstRunAt: async () => "2025-01-01T00:00:00Z",
      verkooporderMode: () => false,
      ...over,
    });
  }

  it("lists the period's orders and invoices once, SnelStart's invoices of the period, and looks up only what the period lacks; what needs a person first", async () => {
    ccv.state.addOrder(ccvOrder(501, "2025-03-03T10:00:00Z"));
    ccv.state.addOrder(ccvOrder(502, "2025-03-04T10:00:00Z"));
    ccv.state.addOrder(ccvOrder(503, "2025-03-05T10:00:00Z"));
    await book("2025501", "2025-03-03");
    await book("2025502", "2025-04-20", 20); // dated by hand in April: found by its number
    const r = await controller().run(MARCH);
    assert.deepEqual(
      r.lines.map((l) => [l.factuurnummer, l.finding, l.note]),
      [
        ["2025503", "missing", null],
        ["2025502", "amount-differs", "dated 2025-04-20, outside the period"],
        ["2025501", "equal", null],
      ],
    );
    assert.deepEqual([r.period, r.counts.equal], [{ ...MARCH, label: "2025-03" }, 1]);
    const calls = ccv.state.requests.toJSON();
    assert.equal(calls["GET /api/rest/v1/orders/"], 1);
    assert.equal(calls["GET /api/rest/v1/invoices/"], 1);
    assert.equal(ss.state.requests.get("GET", "/v2/verkoopfacturen"), 3, "the period's list (one short page) and two lookups");
  });

  it("two requests for the same period while one runs share it", async () => {
    ccv.state.addOrder(ccvOrder(601, "2025-03-03T10:00:00Z"));
    const c = controller();
    const [a, b] = await Promise.all([c.run(MARCH), c.run({ ...MARCH })]);
    assert.equal(a, b);
    assert.equal(ccv.state.requests.toJSON()["GET /api/rest/v1/orders/"], 1);
    await c.run(MARCH);
    assert.equal(ccv.state.requests.toJSON()["GET /api/rest/v1/orders/"], 2, "a later request runs anew");
  });

  it("without historical import, orders before the first run are not due (as ccv-orders-in judges them)", async () => {
    ccv.state.addOrder(ccvOrder(701, "2025-03-03T10:00:00Z"));
    ccv.state.addOrder(ccvOrder(702, "2025-03-20T10:00:00Z"));
    const r = await controller({ settings: () => dueSettings({ importExisting: false }), firstRunAt: async () => "2025-03-10T00:00:00Z" }).run(MARCH);
    assert.deepEqual(r.lines.map((l) => [l.factuurnummer, l.finding]), [["2025702", "missing"]]);
  });

  it("sales-order mode: RECONCILE_VERKOOPORDER before anything is asked of either side", async () => {
    await assert.rejects(controller({ verkooporderMode: () => true }).run(MARCH), (err: unknown) => err instanceof KoppelingError && err.code === "RECONCILE_VERKOOPORDER");
    assert.deepEqual(ccv.state.requests.toJSON(), {});
    assert.equal(ss.state.requests.get("GET", "/v2/verkoopfacturen"), 0);
  });
});
