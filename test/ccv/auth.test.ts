import assert from "node:assert/strict";
import type { CcvSim } from "../../sim/ccv/server";
import { startCcvSim } from "../../sim/ccv/server";
import { signCcvRequest } from "../../src/ccv/client";
import { PUBLIC, SECRET, hmac512, isoNoMs, raw } from "./helpers";

const ORDERS = "/api/rest/v1/orders/?start=0&size=5";
const codeOf = (r: { json: unknown }) => (r.json as { code?: string }).code;

describe("ccv simulator authentication", () => {
  let sim: CcvSim;
  before(async () => {
    sim = await startCcvSim({ orders: 20, rateLimits: "off" });
  });
  after(() => sim.close());

  it("accepts a correctly signed request and signs its response (docs/reference/ccvshop-api.md#response-signing)", async () => {
    const r = await raw(sim, { target: ORDERS });
    assert.equal(r.status, 200);
    assert.equal((r.json as { items: unknown[] }).items.length, 5);
    const date = String(r.headers["x-date"]);
    assert.match(date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(r.headers["x-hash"], hmac512(SECRET, [PUBLIC, "GET", ORDERS, r.text, date].join("|")));
  });

  it("refuses a wrong secret with 401 and a CCV error body", async () => {
    const r = await raw(sim, { target: ORDERS, secret: "not-the-secret" });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { code: "401.11", status: 401, developermessage: "x-hash does not match the request" });
  });

  it("refuses an unknown public key", async () => {
    const r = await raw(sim, { target: ORDERS, publicKey: "someone-else" });
    assert.equal(r.status, 401);
    assert.equal(codeOf(r), "401.10");
  });

  it("refuses a tampered body (hash over a different body)", async () => {
    const body = JSON.stringify({ event: "orders.created", address: "http://127.0.0.1:9/hook", is_active: true });
    const tampered = await raw(sim, { method: "POST", target: "/api/rest/v1/webhooks/", body, hashedBody: body.replace("9/hook", "9/evil") });
    assert.equal(tampered.status, 401);
    assert.equal(codeOf(tampered), "401.11");
    assert.equal(sim.state.webhooks.length, 0, "nothing was stored");
    const honest = await raw(sim, { method: "POST", target: "/api/rest/v1/webhooks/", body });
    assert.equal(honest.status, 201);
    assert.equal(sim.state.webhooks.length, 1);
  });

  it("hashes the query string: a hash over the path alone is refused", async () => {
    const r = await raw(sim, { target: ORDERS, hashedTarget: "/api/rest/v1/orders/" });
    assert.equal(r.status, 401);
    assert.equal(codeOf(r), "401.11");
  });

  it("refuses a 6-minute-old date and accepts a 4-minute-old one", async () => {
    const old = await raw(sim, { target: ORDERS, date: isoNoMs(Date.now() - 6 * 60_000) });
    assert.equal(old.status, 401);
    assert.equal(codeOf(old), "401.12");
    const future = await raw(sim, { target: ORDERS, date: isoNoMs(Date.now() + 6 * 60_000) });
    assert.equal(future.status, 401);
    const recent = await raw(sim, { target: ORDERS, date: isoNoMs(Date.now() - 4 * 60_000) });
    assert.equal(recent.status, 200);
  });

  it("accepts the Z, +00:00 and +0000 forms and refuses milliseconds, other offsets and missing headers", async () => {
    const z = isoNoMs(Date.now());
    for (const date of [z, z.replace("Z", "+00:00"), z.replace("Z", "+0000")]) {
      assert.equal((await raw(sim, { target: ORDERS, date })).status, 200, date);
    }
    for (const date of [z.replace("Z", ".000Z"), z.replace("Z", "+01:00"), z.replace("Z", ""), "yesterday"]) {
      const r = await raw(sim, { target: ORDERS, date });
      assert.equal(r.status, 401, date);
      assert.equal(codeOf(r), "401.12");
    }
    const unsigned = await raw(sim, { target: ORDERS, headers: { "x-hash": "" } });
    assert.equal(unsigned.status, 401);
  });

  it("checks the date against the injected server clock", async () => {
    const skewed = await startCcvSim({ orders: 3, now: () => Date.now() + 10 * 60_000 });
    try {
      assert.equal((await raw(skewed, { target: ORDERS })).status, 401);
      assert.equal((await raw(skewed, { target: ORDERS, date: isoNoMs(Date.now() + 10 * 60_000) })).status, 200);
    } finally {
      await skewed.close();
    }
  });

  it("signCcvRequest produces the documented string-to-sign", () => {
    const h = signCcvRequest({ publicKey: "pk", secret: "sk", method: "post", uri: "/api/rest/v1/webhooks/", body: '{"a":1}', date: new Date("2022-11-26T00:45:54.123Z") });
    assert.equal(h["x-date"], "2022-11-26T00:45:54Z");
    assert.equal(h["x-public"], "pk");
    assert.equal(h["x-hash"], hmac512("sk", 'pk|POST|/api/rest/v1/webhooks/|{"a":1}|2022-11-26T00:45:54Z'));
  });
});
