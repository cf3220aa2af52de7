/**
 * Exactly once, through the whole flow: a booking SnelStart already holds (BOE-0021) is adopted;
 * a POST whose answer is lost is looked up and adopted; an outcome nobody can resolve in the run
 * is looked up first in the next; and after a restart that keeps the ledger (a persistent
 * `localfilesystem` context store) nothing is booked again.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  documents,
  until,
  L,
  NODES,
  addOrder,
  assertCode,
  atLeast,
  boekingen,
  collect,
  control,
  credentials,
  helper,
  inject,
  knownOrder,
  koppelingFlow,
  postsOf,
  simpleOrder,
  snelstartClient,
  startSims,
  statusMatching,
  teardown,
  trigger,
  type Msg,
  type Sims,
  readLedger,
} from "./support";

interface RuntimeNodes {
  loadContextsPlugin(): Promise<unknown>;
  closeContextsPlugin(): Promise<unknown>;
}
/** The runtime's nodes API inside the test-helper (context stores are not loaded by `helper.load`). */
const runtime = () => (helper as unknown as { _redNodes: RuntimeNodes })._redNodes;

type LedgerView = { booked: Record<string, { snelstartId: string; adopted: boolean; factuurnummer: string }>; failed: Record<string, { code: string; unknownOutcome: boolean }> };
const ledger = () => readLedger<LedgerView>();

describe("nodes: exactly once", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("a booking SnelStart already holds (BOE-0021, a fresh ledger) is looked up and adopted: one booking", async () => {
    sims = await startSims();
    const order = await addOrder(sims, knownOrder());
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const first = collect("out");
    trigger();
    await atLeast(first, 1);
    const [originalId] = [...sims.ss.state.verkoopboekingen.keys()];
    await helper.unload();

    // A new flow with an empty ledger (e.g. the context store was lost): SnelStart answers BOE-0021.
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    const [m] = await atLeast(out, 1);
    assert.equal(caught.length, 0);
    assert.equal(m.snelstart.adopted, true);
    assert.equal(m.snelstart.boekingId, originalId);
    assert.equal(m.snelstart.factuurnummer, "202510330");
    assert.equal(boekingen(sims).length, 1, "exactly one booking");
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 2, "posted twice, stored once");
    const entry = (await ledger()).booked[`order:${order.id}`];
    assert.deepEqual([entry?.snelstartId, entry?.adopted], [m.snelstart.boekingId, true]);
  });

  it("an invoice number SnelStart holds for another amount is INVOICE_NUMBER_TAKEN, not adopted", async () => {
    sims = await startSims();
    const client = snelstartClient(sims);
    const klant = await client.createRelatie({ relatiesoort: ["Klant"], naam: "Iemand anders" });
    await client.createVerkoopboeking({
      factuurnummer: "20258001",
      factuurdatum: "2025-06-03T00:00:00",
      klant: { id: klant.id },
      omschrijving: "met de hand geboekt",
      factuurbedrag: 60.5,
      boekingsregels: [{ omschrijving: "Omzet", grootboek: { id: L(8000) }, bedrag: 50, btwSoort: "Hoog" }],
      btw: [{ btwSoort: "VerkopenHoog", btwBedrag: 10.5 }],
    });
    await addOrder(sims, simpleOrder(8001));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const caught = collect("caught");
    const out = collect("out");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "INVOICE_NUMBER_TAKEN");
    assert.match(c.error?.message ?? "", /20258001/);
    assert.equal(out.length, 0);
    assert.equal(boekingen(sims).length, 1, "only the other document");
    assert.equal(boekingen(sims)[0].factuurbedrag, 60.5);
  });

  it("a POST whose answer is lost (drop-response) is looked up and adopted: msg.snelstart.adopted, one booking", async () => {
    sims = await startSims();
    const order = await addOrder(sims, knownOrder());
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "drop-response", method: "POST", path: "/v2/verkoopboekingen" });
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    const [m] = await atLeast(out, 1);
    assert.equal(caught.length, 0);
    assert.equal(m.snelstart.adopted, true);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 1, "never posted again");
    assert.ok(sims.ss.state.requests.get("GET", "/v2/verkoopfacturen") >= 1, "looked up by invoice number");
    assert.equal(boekingen(sims).length, 1);
    assert.equal(m.snelstart.boekingId, [...sims.ss.state.verkoopboekingen.keys()][0]);
    assert.equal((await ledger()).booked[`order:${order.id}`]?.adopted, true);
  });

  it("an outcome the run cannot resolve is recorded, not posted again, and looked up first by the next run", async function () {
    this.timeout(20_000);
    sims = await startSims();
    const order = await addOrder(sims, knownOrder());
    // The connection is reset before SnelStart handled the POST: the booking does not exist.
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "reset", method: "POST", path: "/v2/verkoopboekingen" });
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors", 10_000);
    assertCode(c, "SNELSTART_UNKNOWN_OUTCOME");
    assert.equal(boekingen(sims).length, 0);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 1, "not repeated blindly");
    const failed = (await ledger()).failed[`order:${order.id}`];
    assert.deepEqual([failed?.code, failed?.unknownOutcome], ["SNELSTART_UNKNOWN_OUTCOME", true], "the HttpError's unknownOutcome, kept in the ledger");

    const lookups = sims.ss.state.requests.get("GET", "/v2/verkoopfacturen");
    trigger();
    const [m] = await atLeast(out, 1);
    assert.ok(sims.ss.state.requests.get("GET", "/v2/verkoopfacturen") > lookups, "the next run looked it up before posting");
    assert.equal(m.snelstart.adopted, undefined, "not found, so posted");
    assert.equal(boekingen(sims).length, 1);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 2);
    assert.equal((await ledger()).failed[`order:${order.id}`], undefined, "the failure is cleared once booked");
  });

  it("two webhooks for one order at once (orders.updated.ispaid and .status): one fetch, one relatie, one booking", async () => {
    sims = await startSims();
    const order = await addOrder(sims, knownOrder());
    // A Complete node: ccv-orders-in is done with a webhook's message when it was fetched, booked and, if asked, fetched again.
    const done = [{ id: "doneIn", type: "complete", scope: ["in"], wires: [["completed"]] }, { id: "completed", type: "helper" }];
    await helper.load(NODES, koppelingFlow(sims, { extra: done }), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    const completed = collect("completed");
    trigger({ payload: { id: order.id, paid: true } });
    trigger({ payload: { id: order.id, status: 7, previous_status: 1 } });
    await atLeast(completed, 2, "webhooks handled");
    assert.equal(caught.length, 0);
    assert.equal(out.length, 1, "the second webhook came while the first gathered: no message of its own");
    assert.equal(sims.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/"), 1, "fetched once");
    assert.equal(boekingen(sims).length, 1);
    const klanten = [...sims.ss.state.relaties.values()].filter((r) => r.relatiesoort.includes("Klant"));
    assert.equal(klanten.length, 1, "the customer is created once");

    // A webhook while the order is being booked (here: cancelled meanwhile) fetches it once more when the booking is done.
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "delay", ms: 1500, method: "POST", path: "/v2/verkoopboekingen", count: 1 });
    const second = await addOrder(sims, simpleOrder(7301));
    trigger({ payload: { id: second.id } });
    await until("the booking held in SnelStart", () => sims?.ss.state.faults.pending === 0);
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${second.id}`, { status: 8 });
    trigger({ payload: { id: second.id, status: 8 } });
    await atLeast(completed, 4, "webhooks handled", 10_000);
    assert.equal(sims.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/"), 3, "the second order fetched twice: before and after its booking");
    assert.deepEqual(boekingen(sims).map((b) => b.factuurnummer).filter((n) => n.includes("7301")).sort(), ["20257301", "C20257301"], "booked, then credited");
  });

  it("a run and a webhook for one order at once: one relatie, one booking, the other message alreadyBooked or none", async () => {
    sims = await startSims();
    await addOrder(sims, knownOrder());
    const order = sims.ccv.state.orders[0];
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    trigger({ payload: { id: order.id } });
    await atLeast(out, 1);
    await statusMatching("in", new RegExp(`^order ${order.id} (sent|not due)`));
    assert.equal(caught.length, 0);
    assert.deepEqual(out.map((m) => m.snelstart.alreadyBooked === true).sort().slice(0, 1), [false], "one booked");
    assert.ok(out.slice(1).every((m) => m.snelstart.alreadyBooked === true));
    assert.equal(boekingen(sims).length, 1);
    const klanten = [...sims.ss.state.relaties.values()].filter((r) => r.relatiesoort.includes("Klant"));
    assert.equal(klanten.length, 1, "the customer is created once");
  });

  it("verkooporder mode: a sales order whose answer is lost is found by its reference and adopted, never posted again", async () => {
    sims = await startSims();
    const order = await addOrder(sims, knownOrder());
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "drop-response", method: "POST", path: "/v2/verkooporders" });
    await helper.load(NODES, koppelingFlow(sims, { mapper: { mode: "verkooporder" }, mapping: { articleShipping: "VERZEND" } }), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 1, "booked orders");
    assert.equal(out[0].snelstart?.adopted, true, "found by its reference after the lost answer");
    assert.equal(postsOf(sims, "/v2/verkooporders"), 1);
    assert.equal(sims.ss.state.verkooporders.size, 1);
    const l = await ledger();
    assert.equal(l.booked[`order:${order.id}`]?.snelstartId, out[0].snelstart?.verkooporderId);
    assert.deepEqual((l as unknown as { intents: unknown }).intents, {}, "the intent is gone with the outcome");
  });

  it("verkooporder mode: while the sales orders cannot be listed, an order that may exist is held (ORDER_OUTCOME_UNKNOWN), then adopted", async () => {
    sims = await startSims();
    await addOrder(sims, knownOrder());
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "drop-response", method: "POST", path: "/v2/verkooporders" });
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "status", status: 403, method: "GET", path: "/v2/verkooporders", count: 1000 });
    await helper.load(NODES, koppelingFlow(sims, { mapper: { mode: "verkooporder" }, mapping: { articleShipping: "VERZEND" } }), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    const run = async (n: number, code: string) => {
      trigger();
      const [c] = (await atLeast(caught, n, "caught errors")).slice(n - 1);
      assertCode(c, code);
    };
    await run(1, "SNELSTART_UNKNOWN_OUTCOME");
    assert.equal(sims.ss.state.verkooporders.size, 1, "SnelStart stored it; the answer was lost");
    await run(2, "ORDER_OUTCOME_UNKNOWN");
    await run(3, "ORDER_OUTCOME_UNKNOWN");
    assert.equal(out.length, 0);
    await control(sims.ss.url, "DELETE", "/__sim/faults");
    trigger();
    await atLeast(out, 1, "booked orders");
    assert.equal(out[0].snelstart?.adopted, true);
    assert.equal(postsOf(sims, "/v2/verkooporders"), 1, "posted once, in the first run");
    assert.equal(sims.ss.state.verkooporders.size, 1);
  });

  describe("a restart with the ledger kept in a localfilesystem context store", function () {
    let dir = "";
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-context-"));
      helper.settings({
        contextStorage: { default: { module: "memory" }, file: { module: "localfilesystem", config: { dir, cache: true } } },
      } as never);
    });
    afterEach(async () => {
      // Stop the flows while the store is open, then close it (the outer afterEach unloads again: harmless).
      await teardown(sims);
      sims = null;
      await runtime().closeContextsPlugin();
      helper.settings({});
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("books nothing new after the restart: nothing due, an old message is alreadyBooked, one booking per order", async () => {
      sims = await startSims();
      const a = await addOrder(sims, simpleOrder(9001));
      const b = await addOrder(sims, simpleOrder(9002));
      const flow = koppelingFlow(sims, { ccv: { contextStore: "file" } });
      await helper.load(NODES, flow, credentials(sims));
      await runtime().loadContextsPlugin();
      const orders = collect("orders");
      const out = collect("out");
      trigger();
      await atLeast(out, 2, "bookings");
      const firstIds = Object.fromEntries(out.map((m) => [m.ccv.orderId, m.snelstart.boekingId]));

      // Stop Node-RED: flows stop, the store writes its cache to disk and closes.
      await helper.unload();
      await runtime().closeContextsPlugin();
      const files = fs.readdirSync(path.join(dir, "context", "global"));
      const stored = JSON.parse(fs.readFileSync(path.join(dir, "context", "global", files[0]), "utf8")) as Record<string, { booked: Record<string, unknown> }>;
      const key = Object.keys(stored).find((k) => k.startsWith("ccv_snelstart_ledger_"));
      assert.ok(key, "the ledger is in the file store");
      assert.deepEqual(Object.keys(stored[key].booked).sort(), [`order:${a.id}`, `order:${b.id}`].sort());

      // Start again with the same flow and store.
      await helper.load(NODES, flow, credentials(sims));
      await runtime().loadContextsPlugin();
      const orders2 = collect("orders");
      const out2 = collect("out");
      trigger();
      await statusMatching("in", /^nothing due/);
      assert.equal(documents(orders2).length, 0, "the restarted flow sends no order");

      // A message of the first run arriving again (e.g. replayed): the ledger says booked, nothing is posted.
      const old = orders.find((m) => m.ccv.orderId === a.id) as Msg;
      inject("debtor", structuredClone({ payload: old.payload, ccv: old.ccv, run: { ...old.run, id: "replay" }, topic: old.topic }));
      const m = await until("the replayed order", () => documents(out2)[0]);
      assert.equal(m.snelstart.alreadyBooked, true);
      assert.equal(m.snelstart.boekingId, firstIds[a.id]);
      assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 2, "no POST after the restart");
      assert.deepEqual(boekingen(sims).map((x) => x.factuurnummer).sort(), ["20259001", "20259002"]);
    });
  });
});
