import assert from "node:assert/strict";
import type { CcvSim } from "../../sim/ccv/server";
import { startCcvSim } from "../../sim/ccv/server";
import { ccvOrder } from "../../src/ccv/schemas";
import { referenceDate } from "../../sim/ccv/generate";
import { clientFor, control, isoNoMs, raw, withSim } from "./helpers";

describe("ccv simulator control API", () => {
  let sim: CcvSim;
  before(async () => {
    sim = await startCcvSim({ orders: 30, seed: 3, rateLimits: "off" });
  });
  after(() => sim.close());
  beforeEach(() => control(sim, "POST", "/__sim/reset"));

  const customer = () => sim.state.orders[0].customer;

  it("adds a hand-written order, filling ids, numbers, links and model totals", async () => {
    const maxNumber = Math.max(...sim.state.orders.map((o) => o.ordernumber ?? 0));
    const res = await control(sim, "POST", "/__sim/orders", {
      customer: customer(),
      total_shipping: 4.95,
      orderrows: [
        { product_name: "Koffiebonen", count: 2, price: 18.95, discount: 1, tax: 9 },
        { product_name: "Theepot", count: 1, price: 34.95, tax: 21 },
      ],
    });
    assert.equal(res.status, 201);
    const o = res.json as Record<string, unknown> & { id: number; orderrows: Array<Record<string, unknown>> };
    assert.equal(o.ordernumber, maxNumber + 1);
    assert.equal(o.ordernumber_full, String(maxNumber + 1));
    assert.equal(o.href, `${sim.apiBase}orders/${o.id}/`);
    assert.equal(o.status, 1);
    assert.equal(o.is_completed, true);
    // Rows 35.90 (9 %) and 34.95 (21 %), shipping 4.95 (21 %): VAT round(3590*9/109)=296 + round(3990*21/121)=692.
    assert.equal(o.orderrows[0].total_price, 35.9);
    assert.equal(o.total_orderrow_price, 70.85);
    assert.equal(o.total_discounts, 2);
    assert.equal(o.total_price, 75.8);
    assert.equal(o.total_tax, 9.88);
    assert.ok(o.orderrows.every((r) => r.order_id === o.id && typeof r.id === "number"));

    const viaApi = await clientFor(sim).getOrder(o.id);
    assert.equal(viaApi.total_tax, 9.88);
    assert.equal((await clientFor(sim).getOrderRows(o.id)).length, 2);
    assert.ok(ccvOrder.safeParse(viaApi).success);
  });

  it("keeps given totals as they are (for deliberately inconsistent orders)", async () => {
    const res = await control(sim, "POST", "/__sim/orders", {
      customer: customer(),
      total_price: 1,
      total_tax: 0,
      orderrows: [{ product_name: "x", count: 1, price: 10, tax: 21 }],
    });
    assert.equal(res.status, 201);
    assert.equal((res.json as { total_price: number }).total_price, 1);
  });

  it("refuses invalid orders with 400 naming the field", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ customer: customer() }, /orderrows must be an array/],
      [{ customer: customer(), orderrows: [{ product_name: "x", count: -1, price: 1, tax: 21 }] }, /count/],
      [{ orderrows: [] }, /customer/],
      [{ customer: customer(), paid: "yes", orderrows: [] }, /paid/],
      [{ customer: customer(), id: sim.state.orders[0].id, orderrows: [] }, /exists/],
    ];
    for (const [body, message] of cases) {
      const r = await control(sim, "POST", "/__sim/orders", body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match((r.json as { developermessage: string }).developermessage, message);
    }
    const notJson = await raw(sim, { method: "POST", target: "/__sim/orders", body: "{" });
    assert.equal(notJson.status, 400);
  });

  it("patches paid and status, refusing anything else", async () => {
    const o = sim.state.orders.find((x) => x.is_completed && !x.paid);
    assert.ok(o);
    const r = await control(sim, "PATCH", `/__sim/orders/${o.id}`, { paid: true, status: 6 });
    assert.equal(r.status, 200);
    const viaApi = await clientFor(sim).getOrder(o.id);
    assert.deepEqual([viaApi.paid, viaApi.status], [true, 6]);
    assert.equal((await control(sim, "PATCH", `/__sim/orders/${o.id}`, { status: 15 })).status, 400);
    assert.equal((await control(sim, "PATCH", `/__sim/orders/${o.id}`, { total_price: 1 })).status, 400);
    assert.equal((await control(sim, "PATCH", "/__sim/orders/1", { paid: true })).status, 404);
  });

  it("lists all orders with their rows", async () => {
    const r = await control(sim, "GET", "/__sim/orders");
    const list = r.json as Array<{ id: number; orderrows: unknown[]; is_completed: boolean }>;
    assert.equal(list.length, 30);
    assert.ok(list.every((o) => Array.isArray(o.orderrows) && o.orderrows.length > 0));
    assert.ok(list.some((o) => !o.is_completed), "unfinished checkouts too");
  });

  it("injects faults, validates them, and counts requests per METHOD template", async () => {
    assert.equal((await control(sim, "POST", "/__sim/faults", { kind: "explode" })).status, 400);
    assert.equal((await control(sim, "POST", "/__sim/faults", { kind: "status" })).status, 400);
    assert.equal((await control(sim, "POST", "/__sim/faults", { kind: "status", status: 503, path: "/webshops/" })).status, 201);
    assert.equal((await raw(sim, { target: "/api/rest/v1/orders/" })).status, 200, "the fault matches webshops only");
    const hit = await raw(sim, { target: "/api/rest/v1/webshops/" });
    assert.equal(hit.status, 503);
    assert.equal((hit.json as { code: string }).code, "503.00");
    assert.equal((await raw(sim, { target: "/api/rest/v1/webshops/" })).status, 200, "used up");
    await raw(sim, { target: "/api/rest/v1/nope/" });
    await raw(sim, { method: "PUT", target: "/api/rest/v1/orders/" });
    const counts = (await control(sim, "GET", "/__sim/requests")).json as Record<string, number>;
    assert.deepEqual(counts, {
      "GET /api/rest/v1/orders/": 1,
      "GET /api/rest/v1/webshops/": 2,
      "GET (unmatched)": 1,
      "PUT /api/rest/v1/orders/": 1,
    });
  });

  it("answers 404.20 for an unknown resource and 405.10 for a wrong method", async () => {
    const unknown = await raw(sim, { target: "/api/rest/v1/customers/" });
    assert.equal(unknown.status, 404);
    assert.equal((unknown.json as { code: string }).code, "404.20");
    const wrong = await raw(sim, { method: "DELETE", target: "/api/rest/v1/orders/" });
    assert.equal(wrong.status, 405);
    assert.equal((wrong.json as { code: string }).code, "405.10");
  });

  it("resets to the seeded data and clears webhooks, faults and counts", async () => {
    const seeded = JSON.stringify(sim.state.orders);
    await control(sim, "POST", "/__sim/orders", { customer: customer(), orderrows: [{ product_name: "x", count: 1, price: 1, tax: 21 }] });
    await control(sim, "PATCH", `/__sim/orders/${sim.state.orders[0].id}`, { paid: !sim.state.orders[0].paid });
    await clientFor(sim).createWebhook({ event: "orders.created", address: "http://127.0.0.1:9/x", isActive: false });
    await control(sim, "POST", "/__sim/faults", { kind: "status", status: 500, count: 5 });
    assert.equal((await control(sim, "POST", "/__sim/reset")).status, 204);
    assert.equal(JSON.stringify(sim.state.orders), seeded);
    assert.deepEqual(sim.state.webhooks, []);
    assert.equal(sim.state.faults.pending, 0);
    assert.deepEqual((await control(sim, "GET", "/__sim/requests")).json, {});
  });
});

describe("ccv simulator: a seeded shop's daily volume and present", () => {
  const DAY = 86_400_000;

  it("spreads its orders at ordersPerDay before historyEnd, dates no invoice after it, and keeps both over a reset", async () => {
    const present = Date.parse("2026-03-10T12:00:00Z");
    await withSim({ orders: 400, seed: 5, rateLimits: "off", ordersPerDay: 20, historyEnd: present }, async (sim) => {
      const check = () => {
        const times = sim.state.orders.map((o) => Date.parse(o.create_date));
        assert.ok(times.every((t) => t >= present - 20 * DAY && t < present), "400 orders at 20 a day: the 20 days before the present");
        assert.ok(Math.min(...times) < present - 18 * DAY && Math.max(...times) > present - DAY, "the 20 days covered");
        assert.ok(sim.state.invoices.length > 0 && sim.state.invoices.every((i) => Date.parse(i.create_date) < present), "no invoice after the present");
      };
      check();
      // Listed through the API: the last 5 days hold about 5 x 20 orders.
      const lastDays: number[] = [];
      for await (const c of clientFor(sim).orders({ min_create_date: isoNoMs(present - 5 * DAY) })) if (c.ok) lastDays.push(c.value.id);
      assert.ok(lastDays.length >= 70 && lastDays.length <= 130, `${lastDays.length} orders in the last 5 days`);
      await control(sim, "POST", "/__sim/reset");
      check();
    });
  });

  it("without them: 90 days before the seed's reference date, whatever the number of orders", async () => {
    await withSim({ orders: 300, seed: 5, rateLimits: "off" }, async (sim) => {
      const end = referenceDate(5).getTime();
      const times = sim.state.orders.map((o) => Date.parse(o.create_date));
      assert.ok(times.every((t) => t >= end - 90 * DAY && t < end));
      assert.ok(Math.max(...times) - Math.min(...times) > 80 * DAY);
    });
  });
});
