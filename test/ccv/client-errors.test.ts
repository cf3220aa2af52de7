import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CcvClient } from "../../src/ccv/client";
import { KoppelingError } from "../../src/errors";
import { shopIdOf } from "../../src/nodes/ccv-config";
import type { CcvSim } from "../../sim/ccv/server";
import { startCcvSim } from "../../sim/ccv/server";
import { PUBLIC, SECRET, clientFor, control, rejectsWith, valid } from "./helpers";

const ONE = "/api/rest/v1/orders/:id/";

/** Runs `fn` against a server that answers every request with `status` and `body`. */
async function withReply(status: number, body: string, fn: (url: string) => Promise<void>): Promise<void> {
  const server = http.createServer((_req, res) => res.writeHead(status, { "Content-Type": "application/json" }).end(body));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe("ccv client errors and retries", () => {
  let sim: CcvSim;
  let id: number;
  before(async () => {
    sim = await startCcvSim({ orders: 10, rateLimits: "off" });
    id = sim.state.orders[0].id;
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.state.requests.reset();
    sim.state.faults.clear();
  });

  const fault = (f: Record<string, unknown>) => control(sim, "POST", "/__sim/faults", f);

  it("retries 5xx with backoff and succeeds when the server recovers", async () => {
    await fault({ kind: "status", status: 503, count: 2 });
    const waits: string[] = [];
    const order = await clientFor(sim, { maxRetries: 3, onWait: (w) => waits.push(w.reason) }).getOrder(id);
    assert.equal(order.id, id);
    assert.equal(sim.state.requests.get("GET", ONE), 3);
    assert.deepEqual(waits, ["retry", "retry"]);
  });

  it("gives CCV_SERVER with status, CCV code and message after the retries", async () => {
    await fault({ kind: "status", status: 500, count: 10 });
    const e = await rejectsWith(clientFor(sim, { maxRetries: 2 }).getOrder(id), "CCV_SERVER");
    assert.equal(sim.state.requests.get("GET", ONE), 3, "1 attempt + 2 retries");
    assert.equal(e.details.status, 500);
    assert.equal(e.details.code, "500.00");
    assert.equal(e.details.developermessage, "injected fault: 500");
  });

  it("does not retry a POST on 5xx (it may have been processed)", async () => {
    await fault({ kind: "status", status: 502, method: "POST", count: 5 });
    await rejectsWith(clientFor(sim, { maxRetries: 3 }).createWebhook({ event: "orders.created", address: "http://127.0.0.1:9/x" }), "CCV_SERVER");
    assert.equal(sim.state.requests.get("POST", "/api/rest/v1/webhooks/"), 1);
  });

  it("retries a reset connection, then reports CCV_NETWORK when it keeps failing", async () => {
    await fault({ kind: "reset", count: 1 });
    assert.equal((await clientFor(sim, { maxRetries: 2 }).getOrder(id)).id, id);
    await fault({ kind: "reset", count: 5 });
    const e = await rejectsWith(clientFor(sim, { maxRetries: 1 }).getOrder(id), "CCV_NETWORK");
    assert.match(e.message, /Cannot reach CCV Shop/);
  });

  it("reports CCV_NETWORK when nothing listens and CCV_TIMEOUT when the shop is too slow", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await rejectsWith(new CcvClient({ shopUrl: `http://127.0.0.1:${port}`, publicKey: PUBLIC, secret: SECRET, maxRetries: 1, retryBaseMs: 5 }).getOrder(1), "CCV_NETWORK");

    await fault({ kind: "delay", ms: 400, count: 3 });
    const e = await rejectsWith(clientFor(sim, { timeoutMs: 100, maxRetries: 1 }).getOrder(id), "CCV_TIMEOUT");
    assert.match(e.message, /within 100 ms/);
  });

  it("maps 401 to CCV_AUTH without retrying, naming keys and clock", async () => {
    const e = await rejectsWith(clientFor(sim, { secret: "wrong", maxRetries: 3 }).getOrder(id), "CCV_AUTH");
    assert.equal(sim.state.requests.get("GET", ONE), 1);
    assert.match(e.message, /public key and secret/);
    assert.match(e.message, /clock/);
    assert.equal(e.details.code, "401.11");
    assert.ok(!e.message.includes("wrong"), "the secret is never echoed");
    const skewed = await rejectsWith(clientFor(sim, { now: () => new Date(Date.now() - 6 * 60_000) }).getOrder(id), "CCV_AUTH");
    assert.equal(skewed.details.code, "401.12");
  });

  it("maps 404 to CCV_NOT_FOUND and an unknown resource to its 404.20", async () => {
    const e = await rejectsWith(clientFor(sim).getOrder(123), "CCV_NOT_FOUND");
    assert.equal(e.details.status, 404);
    await rejectsWith(clientFor(sim).deleteWebhook(99), "CCV_NOT_FOUND");
  });

  it("a document that does not fit the schema fails alone with CCV_INVALID_DOCUMENT naming it, the field and what was found", async () => {
    const order = sim.state.orders.filter((o) => o.is_completed)[1];
    const saved = order.total_price;
    (order as unknown as Record<string, unknown>).total_price = "12,50";
    try {
      const e = await rejectsWith(clientFor(sim).getOrder(order.id), "CCV_INVALID_DOCUMENT");
      assert.equal(e.details.document, `order ${order.id}`);
      assert.equal(e.details.field, "total_price");
      assert.equal(e.details.found, '"12,50"');
      assert.match(e.message, new RegExp(`order ${order.id}.*total_price.*found "12,50"`));
      // In a list, the other orders of the page still come; the bad one comes as a failed check with what decides whether it is due.
      const listed: Array<{ ok: boolean; id: number | null; head: { status: number | null } | null }> = [];
      for await (const c of clientFor(sim).orders({ size: 5 })) listed.push(c.ok ? { ok: true, id: c.value.id, head: c.value } : { ok: false, id: c.id, head: c.head });
      assert.equal(listed.length, sim.state.orders.filter((o) => o.is_completed).length);
      const bad = listed.filter((c) => !c.ok);
      assert.deepEqual(bad.map((c) => c.id), [order.id]);
      assert.equal(bad[0].head?.status, order.status);
    } finally {
      order.total_price = saved;
    }
  });

  it("an envelope that does not fit fails the list with CCV_INVALID_RESPONSE", async () => {
    await withReply(200, JSON.stringify({ start: 0, size: 25, items: "none" }), async (url) => {
      const client = new CcvClient({ shopUrl: url, publicKey: PUBLIC, secret: SECRET, maxRetries: 0 });
      const e = await rejectsWith(
        (async () => {
          for await (const _ of client.orders()) void _;
        })(),
        "CCV_INVALID_RESPONSE",
      );
      assert.equal(e.details.field, "items");
    });
  });

  it("refuses a bad shop URL with CCV_CONFIG before any request", () => {
    for (const shopUrl of ["", "not a url", "ftp://shop.example", "https://shop.example/winkel", "https://shop.example/?x=1"]) {
      assert.throws(
        () => new CcvClient({ shopUrl, publicKey: PUBLIC, secret: SECRET }),
        (e: unknown) => e instanceof KoppelingError && e.code === "CCV_CONFIG",
        shopUrl,
      );
    }
    assert.throws(() => new CcvClient({ shopUrl: sim.url, publicKey: "", secret: SECRET }), /public key and secret/);
    assert.doesNotThrow(() => new CcvClient({ shopUrl: `${sim.url}/api/rest/v1/`, publicKey: PUBLIC, secret: SECRET }));
  });

  it("the shop's stable name (ccv-config's shopIdOf) is the host the client calls, and a URL the client refuses has none", () => {
    assert.equal(shopIdOf("https://MyShop.CCVshop.nl/"), "myshop.ccvshop.nl");
    assert.equal(shopIdOf("https://myshop.ccvshop.nl:8443/api/rest/v1/"), "myshop.ccvshop.nl:8443");
    assert.equal(shopIdOf(`${sim.url}/`), new URL(sim.url).host);
    for (const shopUrl of ["", "not a url", "http://shop.example", "https://shop.example/winkel", "https://shop.example/?x=1"]) {
      assert.throws(() => shopIdOf(shopUrl), (e: unknown) => e instanceof KoppelingError && e.code === "CCV_CONFIG", shopUrl);
      assert.throws(() => new CcvClient({ shopUrl, publicKey: PUBLIC, secret: SECRET }), (e: unknown) => e instanceof KoppelingError && e.code === "CCV_CONFIG", shopUrl);
    }
  });

  it("refuses invalid ids locally with CCV_BAD_REQUEST", async () => {
    await rejectsWith(clientFor(sim).getOrder(-1), "CCV_BAD_REQUEST");
    await rejectsWith(clientFor(sim).getOrder(1.5), "CCV_BAD_REQUEST");
    assert.equal(sim.state.requests.get("GET", ONE), 0);
  });

  it("sends requests to the configured shop only, even when a next link names another host", async () => {
    // This shop writes a host that does not resolve into its links: paging must still work.
    const other = await startCcvSim({ orders: 60, rateLimits: "off", linkOrigin: "https://elsewhere.invalid" });
    try {
      const first = other.state.orders[0];
      assert.ok(first.href.startsWith("https://elsewhere.invalid/api/rest/v1/orders/"));
      const seen: number[] = [];
      for await (const o of valid(clientFor(other).orders({ size: 25 }))) seen.push(o.id);
      assert.equal(seen.length, other.state.orders.filter((o) => o.is_completed).length);
      assert.equal(other.state.requests.get("GET", "/api/rest/v1/orders/"), Math.ceil(seen.length / 25));
    } finally {
      await other.close();
    }
  });
});
