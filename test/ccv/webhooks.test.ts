import assert from "node:assert/strict";
import type { CcvSim } from "../../sim/ccv/server";
import { startCcvSim } from "../../sim/ccv/server";
import { clientFor, control, hmac512, rejectsWith, startReceiver } from "./helpers";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

function newOrder(sim: CcvSim) {
  return {
    customer: { ...sim.state.orders[0].customer, email: "zoë.o'brien@example.nl" },
    orderrows: [{ product_name: "Theepot", product_number: "TP-1200", count: 1, price: 34.95, tax: 21 }],
    total_shipping: 4.95,
  };
}

describe("ccv webhooks", () => {
  let sim: CcvSim;
  let rx: Receiver;
  beforeEach(async () => {
    sim = await startCcvSim({ orders: 5, rateLimits: "off" });
    rx = await startReceiver();
  });
  afterEach(async () => {
    await sim.close();
    await rx.close();
  });

  it("registers, lists and deletes webhooks through the API", async () => {
    const client = clientFor(sim);
    const hook = await client.createWebhook({ event: "orders.created", address: `${rx.url}/created?token=abc` });
    assert.equal(hook.event, "orders.created");
    assert.equal(hook.address, `${rx.url}/created?token=abc`);
    assert.equal(hook.is_active, true);
    assert.match(hook.key, /^[0-9a-f]{48}$/);
    assert.deepEqual((await client.webhooks()).map((w) => w.id), [hook.id]);
    await client.deleteWebhook(hook.id);
    assert.deepEqual(await client.webhooks(), []);
  });

  it("validates the POST body", async () => {
    const client = clientFor(sim);
    const e = await rejectsWith(client.createWebhook({ event: "orders.exploded" as "orders.created", address: rx.url }), "CCV_BAD_REQUEST");
    assert.match(String(e.details.developermessage), /event must be one of/);
    await rejectsWith(client.createWebhook({ event: "orders.created", address: "not a url" }), "CCV_BAD_REQUEST");
    assert.equal(sim.state.webhooks.length, 0);
  });

  it("delivers orders.created, orders.updated.ispaid and orders.updated.status, signed with the webhook key", async () => {
    const client = clientFor(sim);
    const created = await client.createWebhook({ event: "orders.created", address: `${rx.url}/created` });
    const paid = await client.createWebhook({ event: "orders.updated.ispaid", address: `${rx.url}/paid` });
    const status = await client.createWebhook({ event: "orders.updated.status", address: `${rx.url}/status` });
    await client.createWebhook({ event: "orders.created", address: `${rx.url}/inactive`, isActive: false });

    const add = await control(sim, "POST", "/__sim/orders", newOrder(sim));
    assert.equal(add.status, 201);
    const order = add.json as { id: number; ordernumber: number; total_price: number; href: string };
    const [c] = await rx.waitFor(1);
    assert.equal(c.path, "/created");
    const body = JSON.parse(c.body) as Record<string, unknown>;
    assert.equal(body.id, order.id);
    assert.equal(body.order_number, order.ordernumber);
    assert.equal(body.ordernumber_full, String(order.ordernumber));
    assert.equal(body.total_price, order.total_price);
    assert.equal(body.customer_email, "zoë.o'brien@example.nl");
    assert.equal(body.href, order.href.replace(/\/$/, ""));
    assert.match(String(body.triggered_at), /Z$/);
    assert.equal(c.headers["x-hash"], hmac512(created.key, `${rx.url}/created|${c.body}`));

    assert.equal((await control(sim, "PATCH", `/__sim/orders/${order.id}`, { paid: true })).status, 200);
    const [, p] = await rx.waitFor(2);
    assert.equal(p.path, "/paid");
    assert.deepEqual(
      { id: JSON.parse(p.body).id, paid: JSON.parse(p.body).paid },
      { id: order.id, paid: true },
    );
    assert.equal(p.headers["x-hash"], hmac512(paid.key, `${rx.url}/paid|${p.body}`));

    assert.equal((await control(sim, "PATCH", `/__sim/orders/${order.id}`, { status: 5 })).status, 200);
    const [, , s] = await rx.waitFor(3);
    const sb = JSON.parse(s.body) as Record<string, unknown>;
    assert.equal(s.path, "/status");
    assert.deepEqual([sb.previous_status, sb.status], [1, 5]);
    assert.equal(s.headers["x-hash"], hmac512(status.key, `${rx.url}/status|${s.body}`));

    // An unchanged value fires nothing; the inactive hook never got anything.
    await control(sim, "PATCH", `/__sim/orders/${order.id}`, { paid: true, status: 5 });
    await sim.state.settled();
    assert.equal(rx.received.length, 3);
    assert.ok(!rx.received.some((r) => r.path === "/inactive"));
    const log = (await control(sim, "GET", "/__sim/webhooks/deliveries")).json as Array<{ status: number; event: string }>;
    assert.deepEqual(log.map((d) => [d.event, d.status]), [["orders.created", 200], ["orders.updated.ispaid", 200], ["orders.updated.status", 200]]);
  });

  it("fires for in-process changes too, and stops after the webhook is deleted", async () => {
    const client = clientFor(sim);
    const hook = await client.createWebhook({ event: "orders.updated.status", address: `${rx.url}/s` });
    const id = sim.state.orders[0].id;
    const before = sim.state.orders[0].status;
    sim.state.patchOrder(id, { status: before === 8 ? 7 : 8 });
    const [r] = await rx.waitFor(1);
    assert.equal(JSON.parse(r.body).previous_status, before);
    await client.deleteWebhook(hook.id);
    sim.state.patchOrder(id, { status: 2 });
    await sim.state.settled();
    assert.equal(rx.received.length, 1);
  });

  it("logs a failed delivery and keeps serving", async () => {
    const client = clientFor(sim);
    await rx.close();
    await client.createWebhook({ event: "orders.created", address: `${rx.url}/gone` });
    sim.state.addOrder(newOrder(sim));
    await sim.state.settled();
    assert.equal(sim.state.deliveries.length, 1);
    assert.equal(sim.state.deliveries[0].status, null);
    assert.ok(sim.state.deliveries[0].error);
    assert.equal((await client.testConnection()).webshopName.length > 0, true);
    rx = await startReceiver(); // afterEach closes it
  });
});
