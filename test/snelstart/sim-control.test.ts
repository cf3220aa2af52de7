import assert from "node:assert/strict";
import { control, createConsumer, nlBooking, rawApi, rawToken, rejectsWith, setup, type Setup } from "./helpers";

describe("SnelStart simulator: control API", () => {
  let s: Setup;
  beforeEach(async () => (s = await setup()));
  afterEach(async () => s.close());

  it("lists what is stored and counts requests per METHOD template", async () => {
    const klant = await createConsumer(s.client);
    const b = await s.client.createVerkoopboeking(nlBooking("CTL-1", klant.id));
    await s.client.getVerkoopboeking(b.id);
    const bookings = (await control(s.sim, "GET", "/__sim/verkoopboekingen")).body as Array<{ id: string }>;
    assert.deepEqual(bookings.map((x) => x.id), [b.id]);
    const relaties = (await control(s.sim, "GET", "/__sim/relaties")).body as unknown[];
    assert.equal(relaties.length, 3);
    const counts = (await control(s.sim, "GET", "/__sim/requests")).body as Record<string, number>;
    assert.equal(counts["POST /v2/verkoopboekingen"], 1);
    assert.equal(counts["GET /v2/verkoopboekingen/:id"], 1);
    assert.equal(counts["POST /b2b/token"], 1);
    assert.deepEqual((await control(s.sim, "GET", "/__sim/artikelen")).body, []);
    assert.deepEqual((await control(s.sim, "GET", "/__sim/verkooporders")).body, []);
  });

  it("reset clears stores, counters and tokens and restores the seed", async () => {
    await createConsumer(s.client);
    await control(s.sim, "PUT", "/__sim/oss", { enabled: false });
    assert.equal((await control(s.sim, "POST", "/__sim/reset")).status, 204);
    assert.equal(s.sim.state.relaties.size, 2);
    assert.deepEqual(s.sim.state.requests.toJSON(), {});
    assert.equal(s.sim.state.ossEnabled, true);
    assert.equal(s.sim.state.tokens.size, 0);
    // The client's cached token is now unknown to the simulator: it renews on the 401.
    await createConsumer(s.client);
    assert.equal(s.sim.state.relaties.size, 3);
  });

  it("the same seed gives the same ids", async () => {
    const first = (await createConsumer(s.client)).id;
    const other = await setup({ seed: 1 });
    try {
      assert.equal((await createConsumer(other.client)).id, first);
    } finally {
      await other.close();
    }
  });

  it("PATCH /__sim/verkoopboekingen/:id changes the amount as a person would by hand: the booking and its verkoopfactuur, nothing recomputed", async () => {
    const klant = await createConsumer(s.client);
    const b = await s.client.createVerkoopboeking(nlBooking("CTL-2", klant.id));
    const changed = await control(s.sim, "PATCH", `/__sim/verkoopboekingen/${b.id}`, { factuurbedrag: 130 });
    assert.equal(changed.status, 200);
    assert.equal((changed.body as { factuurbedrag: number }).factuurbedrag, 130);
    assert.equal((await s.client.findVerkoopfactuur("CTL-2"))?.factuurBedrag, 130);
    const stored = await s.client.getVerkoopboeking(b.id);
    assert.deepEqual(stored.boekingsregels, b.boekingsregels, "the lines stay as booked");
    assert.equal((await control(s.sim, "PATCH", `/__sim/verkoopboekingen/${b.id}`, { factuurbedrag: "130" })).status, 400);
    assert.equal((await control(s.sim, "PATCH", `/__sim/verkoopboekingen/${b.id}`, { factuurbedrag: 1, btw: [] })).status, 400);
    assert.equal((await control(s.sim, "PATCH", "/__sim/verkoopboekingen/00000000-0000-0000-0000-000000000000", { factuurbedrag: 1 })).status, 404);
  });

  it("refuses a malformed fault and a malformed OSS switch", async () => {
    assert.equal((await control(s.sim, "POST", "/__sim/faults", { kind: "status" })).status, 400);
    assert.equal((await control(s.sim, "POST", "/__sim/faults", { kind: "explode" })).status, 400);
    assert.equal((await control(s.sim, "PUT", "/__sim/oss", { enabled: "yes" })).status, 400);
    assert.equal(s.sim.state.faults.pending, 0);
  });

  it("a fault applies only to matching requests, as many times as asked", async () => {
    await control(s.sim, "POST", "/__sim/faults", { kind: "status", status: 503, method: "GET", path: "/v2/landen", count: 2 });
    await s.client.companyInfo();
    assert.equal(s.sim.state.faults.pending, 2);
    const c = s.makeClient({ maxRetries: 0 });
    await rejectsWith(c.landen(), "SNELSTART_SERVER");
    await rejectsWith(c.landen(), "SNELSTART_SERVER");
    assert.ok((await c.landen()).length > 200);
  });

  it("an unknown API path is 404 with the Web API body; a wrong method is 405", async () => {
    const missing = await rawApi(s, "GET", "/verkoopboekingen");
    assert.equal(missing.status, 405, "there is no list GET on verkoopboekingen");
    const nothing = await rawApi(s, "GET", "/nothing-here");
    assert.equal(nothing.status, 404);
    assert.match((nothing.body as { Message: string }).Message, /No HTTP resource was found/);
  });
});

describe("SnelStart simulator: rate limits per administration", () => {
  let s: Setup;
  afterEach(async () => s.close());

  it("answers 429 with Retry-After past the minute window", async () => {
    s = await setup({ rateLimits: { scale: 60 }, rateLimitTier: "test" });
    const token = await rawToken(s);
    const get = () => fetch(`${s.sim.apiBase}/btwtarieven`, { headers: { Authorization: `Bearer ${token}`, "Ocp-Apim-Subscription-Key": "demo-subscription" } });
    for (let i = 0; i < 100; i++) assert.equal((await get()).status, 200);
    const refused = await get();
    assert.equal(refused.status, 429);
    const seconds = Number(refused.headers.get("retry-after"));
    assert.ok(seconds >= 1, `Retry-After ${seconds}`);
    assert.match(((await refused.json()) as { message: string }).message, /Rate limit is exceeded \(per minute\)/);
    assert.equal(s.sim.state.rateLimited, 1);
  });

  it("counts delayed requests as in flight for the concurrency limit", async () => {
    s = await setup({ rateLimits: "real", rateLimitTier: "test" });
    await control(s.sim, "POST", "/__sim/faults", { kind: "delay", ms: 300, method: "GET", path: "/v2/btwtarieven", count: 6 });
    const token = await rawToken(s);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const r = await fetch(`${s.sim.apiBase}/btwtarieven`, { headers: { Authorization: `Bearer ${token}`, "Ocp-Apim-Subscription-Key": "demo-subscription" } });
        return r.status;
      }),
    );
    assert.deepEqual(statuses.sort(), [200, 200, 200, 200, 200, 429]);
    assert.equal(s.sim.state.maxInFlight, 5);
  });

  it("rateLimits off lets everything through", async () => {
    s = await setup({ rateLimits: "off", rateLimitTier: "test" });
    await control(s.sim, "POST", "/__sim/faults", { kind: "delay", ms: 100, method: "GET", path: "/v2/btwtarieven", count: 10 });
    await Promise.all(Array.from({ length: 150 }, () => s.client.btwtarieven()));
    assert.equal(s.sim.state.rateLimited, 0);
    assert.equal(s.sim.state.requests.get("GET", "/v2/btwtarieven"), 150);
    assert.ok(s.sim.state.maxInFlight >= 10, `${s.sim.state.maxInFlight} at once, above the test tier's 5`);
  });
});
