import assert from "node:assert/strict";
import type { WaitInfo } from "../../src/snelstart/client";
import { control, createConsumer, nlBooking, rejectsWith, setup, sleep, type Setup } from "./helpers";

const BOOKINGS = "/v2/verkoopboekingen";

describe("SnelStart client retries and unknown outcomes", () => {
  let s: Setup;
  let waits: WaitInfo[];
  beforeEach(async () => {
    waits = [];
    s = await setup({}, { onWait: (w) => waits.push(w) });
  });
  afterEach(async () => s.close());

  const fault = (body: Record<string, unknown>) => control(s.sim, "POST", "/__sim/faults", body);

  it("retries a GET answered 503 and returns the answer of the attempt that worked", async () => {
    await fault({ kind: "status", status: 503, method: "GET", path: "/v2/companyInfo", count: 2 });
    const info = await s.client.companyInfo();
    assert.equal(info.administratieNaam, "Demo Webwinkel B.V.");
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 3);
    assert.deepEqual(waits.map((w) => w.reason), ["retry", "retry"]);
  });

  it("retries a GET answered 429 after Retry-After", async () => {
    await fault({ kind: "status", status: 429, method: "GET", path: "/v2/landen" });
    const start = Date.now();
    const landen = await s.client.landen();
    assert.ok(landen.length > 200);
    assert.ok(Date.now() - start >= 950, "waited the 1 s of Retry-After");
    assert.deepEqual(waits, [{ reason: "rate-limit", ms: 1_000 }]);
    assert.equal(s.sim.state.requests.get("GET", "/v2/landen"), 2);
  });

  it("gives up on a GET after maxRetries with SNELSTART_SERVER", async () => {
    await fault({ kind: "status", status: 502, method: "GET", count: 10 });
    const err = await rejectsWith(s.makeClient({ maxRetries: 2 }).companyInfo(), "SNELSTART_SERVER");
    assert.equal(err.details.status, 502);
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 3);
  });

  it("a Retry-After longer than the client accepts fails at once with SNELSTART_RATE_LIMIT", async () => {
    await fault({ kind: "status", status: 429, method: "GET" });
    const err = await rejectsWith(s.makeClient({ maxRetryAfterMs: 500 }).companyInfo(), "SNELSTART_RATE_LIMIT");
    assert.equal(err.details.retryAfterMs, 1_000);
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 1);
  });

  it("retries a GET after a connection reset", async () => {
    await fault({ kind: "reset", method: "GET", path: "/v2/btwtarieven" });
    const rows = await s.client.btwtarieven();
    assert.equal(rows.length, 6);
    assert.equal(s.sim.state.requests.get("GET", "/v2/btwtarieven"), 2);
  });

  it("retries a GET that timed out, and reports SNELSTART_TIMEOUT when every attempt does", async () => {
    const c = s.makeClient({ timeoutMs: 150, maxRetries: 1 });
    await fault({ kind: "delay", ms: 400, method: "GET", path: "/v2/companyInfo" });
    await c.companyInfo();
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 2);
    await fault({ kind: "delay", ms: 400, method: "GET", path: "/v2/companyInfo", count: 2 });
    await rejectsWith(c.companyInfo(), "SNELSTART_TIMEOUT");
  });

  it("retries a DELETE whose answer was lost; the repeat that finds it already gone counts as done", async () => {
    const klant = await createConsumer(s.client);
    const b = await s.client.createVerkoopboeking(nlBooking("DEL-1", klant.id));
    await fault({ kind: "drop-response", method: "DELETE" });
    await s.client.deleteVerkoopboeking(b.id);
    assert.equal(s.sim.state.verkoopboekingen.has(b.id), false);
    assert.equal(s.sim.state.requests.get("DELETE", "/v2/verkoopboekingen/:id"), 2);
  });

  it("a dropped POST response is SNELSTART_UNKNOWN_OUTCOME; the booking is stored and found by factuurnummer", async () => {
    const klant = await createConsumer(s.client);
    await fault({ kind: "drop-response", method: "POST", path: BOOKINGS });
    const err = await rejectsWith(s.client.createVerkoopboeking(nlBooking("CCV-100234", klant.id)), "SNELSTART_UNKNOWN_OUTCOME");
    assert.equal(err.details.unknownOutcome, true);
    assert.equal(s.sim.state.requests.get("POST", BOOKINGS), 1, "not repeated");
    const stored = s.sim.state.findBoeking("CCV-100234");
    assert.ok(stored, "the simulator stored it");
    const factuur = await s.client.findVerkoopfactuur("CCV-100234");
    assert.ok(factuur);
    assert.equal(factuur.verkoopBoeking?.id, stored.id);
    assert.equal(factuur.factuurBedrag, 137.95);
  });

  it("a POST delayed past the client timeout is an unknown outcome and is not sent again", async () => {
    const klant = await createConsumer(s.client);
    await fault({ kind: "delay", ms: 400, method: "POST", path: BOOKINGS });
    const err = await rejectsWith(s.makeClient({ timeoutMs: 100 }).createVerkoopboeking(nlBooking("SLOW-1", klant.id)), "SNELSTART_UNKNOWN_OUTCOME");
    assert.equal(err.details.unknownOutcome, true);
    assert.match(err.message, /no answer within 100 ms/);
    await sleep(500);
    assert.equal(s.sim.state.requests.get("POST", BOOKINGS), 1);
    assert.ok(s.sim.state.findBoeking("SLOW-1"), "the server finished the work after the client gave up");
    assert.ok(await s.client.findVerkoopfactuur("SLOW-1"));
  });

  for (const status of [500, 502, 503, 504]) {
    it(`a POST answered ${status} is an unknown outcome and is not sent again`, async () => {
      const klant = await createConsumer(s.client);
      await fault({ kind: "status", status, method: "POST", path: BOOKINGS });
      const err = await rejectsWith(s.client.createVerkoopboeking(nlBooking(`S${status}`, klant.id)), "SNELSTART_UNKNOWN_OUTCOME");
      assert.equal(err.details.status, status);
      assert.equal(s.sim.state.requests.get("POST", BOOKINGS), 1);
    });
  }

  it("a POST whose connection is reset is an unknown outcome and is not sent again", async () => {
    const klant = await createConsumer(s.client);
    await fault({ kind: "reset", method: "POST", path: BOOKINGS });
    await rejectsWith(s.client.createVerkoopboeking(nlBooking("RESET-1", klant.id)), "SNELSTART_UNKNOWN_OUTCOME");
    assert.equal(s.sim.state.requests.get("POST", BOOKINGS), 1);
    assert.equal(await s.client.findVerkoopfactuur("RESET-1"), null, "this time it was not stored");
  });

  it("a POST answered 429 was not processed: it is sent again after Retry-After and stored once", async () => {
    const klant = await createConsumer(s.client);
    await fault({ kind: "status", status: 429, method: "POST", path: BOOKINGS });
    const b = await s.client.createVerkoopboeking(nlBooking("RL-1", klant.id));
    assert.equal(b.factuurnummer, "RL-1");
    assert.equal(s.sim.state.requests.get("POST", BOOKINGS), 2);
    assert.deepEqual(waits.filter((w) => w.reason === "rate-limit"), [{ reason: "rate-limit", ms: 1_000 }]);
    assert.equal([...s.sim.state.verkoopboekingen.values()].filter((x) => x.factuurnummer === "RL-1").length, 1);
  });

  it("a POST to a server that refuses the connection is retried (it never arrived), then SNELSTART_NETWORK", async () => {
    const url = s.sim.apiBase;
    const token = s.sim.tokenUrl;
    await s.close();
    s = await setup();
    const c = s.makeClient({ apiUrl: url, tokenUrl: token, maxRetries: 2 });
    const err = await rejectsWith(c.companyInfo(), "SNELSTART_NETWORK");
    assert.match(err.message, /ECONNREFUSED/);
    assert.match(err.message, /3 attempts/);
  });
});
