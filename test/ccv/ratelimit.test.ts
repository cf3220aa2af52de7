import assert from "node:assert/strict";
import { startCcvSim } from "../../sim/ccv/server";
import { clientFor, control, raw, rejectsWith, withSim } from "./helpers";

const ONE = "/api/rest/v1/orders/:id/";

describe("ccv rate limits", () => {
  it("the simulator answers 429.10 after 150 GETs per resource+method, per resource", async () => {
    await withSim({ orders: 5, rateLimits: "real" }, async (sim) => {
      const id = sim.state.orders[0].id;
      const statuses: number[] = [];
      for (let i = 0; i < 151; i++) statuses.push((await raw(sim, { target: `/api/rest/v1/orders/${id}/` })).status);
      assert.equal(statuses.filter((s) => s === 200).length, 150);
      const refused = await raw(sim, { target: `/api/rest/v1/orders/${sim.state.orders[1].id}/` });
      assert.equal(refused.status, 429, "another id is the same resource");
      assert.deepEqual(refused.json, { code: "429.10", status: 429, developermessage: `rate limit of GET ${ONE} exceeded` });
      assert.equal((await raw(sim, { target: "/api/rest/v1/orders/" })).status, 200, "another resource has its own budget");
    });
  });

  it("allows 100 writes per minute per resource, and none of it with rateLimits off", async () => {
    await withSim({ orders: 1 }, async (sim) => {
      const body = (i: number) => JSON.stringify({ event: "orders.created", address: `http://127.0.0.1:9/h${i}`, is_active: false });
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++) statuses.push((await raw(sim, { method: "POST", target: "/api/rest/v1/webhooks/", body: body(i) })).status);
      assert.equal(statuses.filter((s) => s === 201).length, 100);
      assert.equal(statuses[100], 429);
    });
    await withSim({ orders: 1, rateLimits: "off" }, async (sim) => {
      for (let i = 0; i < 200; i++) assert.equal((await raw(sim, { target: "/api/rest/v1/webshops/" })).status, 200);
    });
  });

  it("a burst of 200 GETs on one resource never lets a 429 reach the caller: the client throttles", async () => {
    await withSim({ orders: 10, rateLimits: { scale: 60 } }, async (sim) => {
      const waits: number[] = [];
      const client = clientFor(sim, { rateLimitWindowMs: 1000, onWait: (w) => w.reason === "throttle" && waits.push(w.ms) });
      const ids = sim.state.orders.map((o) => o.id);
      const started = Date.now();
      const got = await Promise.all(Array.from({ length: 200 }, (_, i) => client.getOrder(ids[i % ids.length])));
      const elapsed = Date.now() - started;
      assert.equal(got.length, 200);
      assert.ok(got.every((o, i) => o.id === ids[i % ids.length]));
      assert.ok(waits.length > 0, "the client waited for its budget");
      assert.ok(elapsed >= 900, `200 > 150 per 1 s window needs a second window (took ${elapsed} ms)`);
      const served = sim.state.requests.get("GET", ONE);
      const refused = sim.state.statusCounts.get(429) ?? 0;
      assert.equal(served, 200 + refused, "every request the server saw was answered or retried");
      assert.equal(refused, 0, "the proactive budget kept the simulator from refusing any");
    });
  });

  it("two clients sharing a key overrun the budget: the simulator answers 429s, both callers still succeed", async () => {
    await withSim({ orders: 10, rateLimits: { scale: 60 } }, async (sim) => {
      const a = clientFor(sim, { rateLimitWindowMs: 1000 });
      const b = clientFor(sim, { rateLimitWindowMs: 1000 });
      const id = sim.state.orders[0].id;
      const results = await Promise.allSettled([...Array.from({ length: 150 }, () => a.getOrder(id)), ...Array.from({ length: 150 }, () => b.getOrder(id))]);
      assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
      assert.ok((sim.state.statusCounts.get(429) ?? 0) > 0, "the simulator did refuse some");
      assert.equal(sim.state.requests.get("GET", ONE), 300 + (sim.state.statusCounts.get(429) ?? 0));
    });
  });

  it("with no client-side window (rateLimits off) it sends a burst of 200 GETs on one resource without waiting", async () => {
    await withSim({ orders: 10, rateLimits: "off" }, async (sim) => {
      const waits: number[] = [];
      const client = clientFor(sim, { rateLimitWindowMs: null, onWait: (w) => waits.push(w.ms) });
      const id = sim.state.orders[0].id;
      const got = await Promise.all(Array.from({ length: 200 }, () => client.getOrder(id)));
      assert.equal(got.length, 200);
      assert.deepEqual(waits, []);
      assert.equal(sim.state.requests.get("GET", ONE), 200);
    });
  });

  it("retries a 429 after the window and gives CCV_RATE_LIMIT when it persists", async () => {
    await withSim({ orders: 3, rateLimits: "off" }, async (sim) => {
      const waits: Array<{ reason: string; ms: number }> = [];
      const client = clientFor(sim, { rateLimitWindowMs: 40, maxRetries: 2, onWait: (w) => waits.push(w) });
      await control(sim, "POST", "/__sim/faults", { kind: "status", status: 429, count: 1 });
      assert.equal((await client.getOrder(sim.state.orders[0].id)).id, sim.state.orders[0].id);
      assert.deepEqual(waits, [{ reason: "rate-limit", ms: 40 }], "waited one window (no Retry-After at CCV)");

      await control(sim, "POST", "/__sim/faults", { kind: "status", status: 429, count: 3 });
      const e = await rejectsWith(client.getOrder(sim.state.orders[0].id), "CCV_RATE_LIMIT");
      assert.equal(e.details.status, 429);
      assert.equal(e.details.code, "429.10");
      assert.equal(sim.state.requests.get("GET", ONE), 2 + 3);
    });
  });

  it("frees the budget once a minute of the server clock has passed", async () => {
    let offset = 0;
    const sim = await startCcvSim({ orders: 2, rateLimits: "real", now: () => Date.now() + offset });
    try {
      for (let i = 0; i < 150; i++) assert.equal((await raw(sim, { target: "/api/rest/v1/webshops/" })).status, 200);
      assert.equal((await raw(sim, { target: "/api/rest/v1/webshops/" })).status, 429);
      offset = 60_001;
      assert.equal((await raw(sim, { target: "/api/rest/v1/webshops/" })).status, 200);
    } finally {
      await sim.close();
    }
  });
});
