/**
 * The CCV simulator serves its documents in the documented (`strict`) and the real (`real`)
 * shapes, mixed by seed by default; the endpoints real clients call; and the control API that
 * breaks a stored document on purpose. The client reads every shape.
 */
import assert from "node:assert/strict";
import type { CcvSim } from "../../sim/ccv/server";
import { shapeOf } from "../../sim/ccv/shapes";
import { parseSimFlags } from "../../sim/cli";
import { clientFor, control, raw, valid, withSim } from "./helpers";

type Json = Record<string, unknown>;
const API = "/api/rest/v1/";

async function get(sim: CcvSim, path: string): Promise<Json> {
  const r = await raw(sim, { target: `${API}${path}` });
  assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
  return r.json as Json;
}

describe("ccv simulator: shapes of the served documents", () => {
  it("strict serves the documented shape; real serves string ids, URL-string invoice links, numeric statuses, links without a trailing slash", async () => {
    for (const shapes of ["strict", "real"] as const) {
      await withSim({ orders: 60, seed: 3, rateLimits: "off", shapes }, async (sim) => {
        const withUser = sim.state.orders.find((o) => o.user.id !== null && o.is_completed);
        assert.ok(withUser);
        const order = await get(sim, `orders/${withUser.id}/`);
        const credit = sim.state.invoices.find((i) => i.type === "credit");
        assert.ok(credit, "seed 3 has a credit invoice");
        const invoice = await get(sim, `invoices/${credit.id}/`);
        const rows = (await get(sim, `orders/${withUser.id}/orderrows/`)).items as Json[];
        const shop = ((await get(sim, "webshops/")).items as Json[])[0];
        const settings = await get(sim, `webshops/${String(shop.id)}/settings/`);
        const statuses = settings.order_status as Json[];
        if (shapes === "strict") {
          assert.equal(typeof (order.user as Json).id, "number");
          assert.match(String(order.href), /\/$/);
          assert.deepEqual(invoice.order, { href: credit.order.href });
          assert.equal(invoice.type, "credit");
          assert.equal(typeof invoice.status, "string");
          assert.equal(typeof rows[0].id, "number");
          assert.equal(typeof statuses[0].status, "number");
          assert.ok("is_platform_sale" in order);
        } else {
          assert.equal((order.user as Json).id, String(withUser.user.id));
          assert.doesNotMatch(String(order.href), /\/$/);
          assert.equal(invoice.order, credit.order.href.replace(/\/$/, ""));
          assert.equal(invoice.type, "Credit");
          assert.equal(invoice.status, { paid: 1, unpaid: 2, reimbursed: 3 }[credit.status]);
          assert.equal(typeof rows[0].id, "string");
          assert.equal(rows[0].weight, null);
          assert.equal(typeof statuses[0].status, "string");
          assert.ok(!("is_platform_sale" in order));
        }
        // The client reads every order and invoice in either shape.
        const client = clientFor(sim);
        let n = 0;
        for await (const o of valid(client.orders({ size: 25 }))) n += o.id > 0 ? 1 : 0;
        assert.equal(n, sim.state.orders.filter((o) => o.is_completed).length);
        const invoices = [];
        for await (const i of valid(client.invoices({ size: 25 }))) invoices.push(i);
        assert.equal(invoices.length, sim.state.invoices.length);
        assert.ok(invoices.every((i) => i.type === "debit" || i.type === "credit"));
        assert.deepEqual((await client.webshopSettings(((await client.webshops())[0]).id)).order_status.map((s) => typeof s.status), statuses.map(() => "number"));
        assert.ok((await client.getOrderRows(withUser.id)).length > 0);
      });
    }
  });

  it("npm run sim takes --shapes strict|real|mixed (default mixed)", () => {
    assert.equal(parseSimFlags([]).shapes, "mixed");
    assert.equal(parseSimFlags(["--shapes", "real"]).shapes, "real");
    assert.equal(parseSimFlags(["--shapes=strict"]).shapes, "strict");
    assert.throws(() => parseSimFlags(["--shapes", "loose"]), /--shapes must be strict, real, mixed/);
  });

  it("mixed (the default) serves both shapes in one shop, fixed by the seed and the document", async () => {
    await withSim({ orders: 40, seed: 5, rateLimits: "off" }, async (sim) => {
      const shapes = sim.state.orders.map((o) => shapeOf("mixed", 5, o.id));
      assert.ok(shapes.includes("strict") && shapes.includes("real"), shapes.join(","));
      const o = sim.state.orders[0];
      const served = await get(sim, `orders/${o.id}/`);
      assert.equal(String(served.href).endsWith("/"), shapes[0] === "strict");
      assert.deepEqual(await get(sim, `orders/${o.id}/`), served, "the same document always comes in the same shape");
    });
  });
});

describe("ccv simulator: endpoints real clients call", () => {
  it("webshops/{id}, orderrows/{id}, orders/{id}/invoices, paymethods, page sizes up to 250", async () => {
    await withSim({ orders: 300, seed: 9, rateLimits: "off", shapes: "strict" }, async (sim) => {
      const shop = ((await get(sim, "webshops/")).items as Json[])[0];
      assert.equal((await get(sim, `webshops/${shop.id}/`)).name, shop.name);
      assert.equal((await raw(sim, { target: `${API}webshops/1/` })).status, 404);

      const order = sim.state.orders.find((o) => o.orderrows.length > 1 && o.invoicenumber != null);
      assert.ok(order);
      const row = order.orderrows[1];
      assert.deepEqual(await get(sim, `orderrows/${row.id}/`), JSON.parse(JSON.stringify(row)));

      const invoices = (await get(sim, `orders/${order.id}/invoices/`)).items as Json[];
      assert.deepEqual(invoices.map((i) => i.id).sort(), sim.state.invoices.filter((i) => i.order.href === order.href).map((i) => i.id).sort());
      assert.ok(invoices.length >= 1);

      const pay = (await get(sim, "paymethods/")).items as Json[];
      assert.ok(pay.length >= 5);
      assert.ok(pay.every((p) => typeof p.id === "number" && typeof p.label === "string" && typeof p.combined_name === "string"));

      assert.equal(((await get(sim, "orders/?size=250")).items as Json[]).length, 250);
      assert.equal((await raw(sim, { target: `${API}orders/?size=251` })).status, 400);
    });
  });

  it("PATCH webhooks/{id} changes address and is_active only", async () => {
    await withSim({ orders: 1, rateLimits: "off" }, async (sim) => {
      const hook = await clientFor(sim).createWebhook({ event: "orders.created", address: "https://example.com/a" });
      const patch = (body: unknown) => raw(sim, { method: "PATCH", target: `${API}webhooks/${hook.id}/`, body: JSON.stringify(body) });
      assert.equal((await patch({ address: "https://example.com/b", is_active: false })).status, 204);
      const after = await get(sim, `webhooks/${hook.id}/`);
      assert.deepEqual([after.address, after.is_active, after.event, after.key], ["https://example.com/b", false, "orders.created", hook.key]);
      assert.equal((await patch({ event: "orders.updated.status" })).status, 400);
      assert.equal((await patch({ address: "ftp://x" })).status, 400);
      assert.equal((await raw(sim, { method: "PATCH", target: `${API}webhooks/999/`, body: "{}" })).status, 404);
    });
  });

  it("users in the real shape carry product_in_category_discount as a string", async () => {
    await withSim({ orders: 60, seed: 3, rateLimits: "off", shapes: "real" }, async (sim) => {
      const o = sim.state.orders.find((x) => x.user.id !== null);
      assert.ok(o);
      const user = await get(sim, `users/${o.user.id}/`);
      assert.equal(typeof user.product_in_category_discount, "string");
      assert.equal((await clientFor(sim).getUser(Number(o.user.id))).id, Number(o.user.id));
    });
  });

  it("the control API writes raw values into a stored order or invoice (set and unset by dotted path)", async () => {
    await withSim({ orders: 20, seed: 4, rateLimits: "off", shapes: "strict" }, async (sim) => {
      const o = sim.state.orders.find((x) => x.is_completed && x.orderrows.length > 0);
      assert.ok(o);
      const r = await control(sim, "PATCH", `/__sim/orders/${o.id}/raw`, { set: { total_tax: null, "orderrows.0.count": "twee" }, unset: ["paymethod"] });
      assert.equal(r.status, 200);
      const served = await get(sim, `orders/${o.id}/`);
      assert.equal(served.total_tax, null);
      assert.ok(!("paymethod" in served));
      assert.equal(((await get(sim, `orders/${o.id}/orderrows/`)).items as Json[])[0].count, "twee");
      const e = await clientFor(sim).getOrder(o.id).catch((err: { code: string; details: Json }) => err);
      assert.equal((e as { code: string }).code, "CCV_INVALID_DOCUMENT");
      assert.equal((await control(sim, "PATCH", `/__sim/orders/${o.id}/raw`, { set: { "nope.deeper": 1 } })).status, 400);
      assert.equal((await control(sim, "PATCH", "/__sim/orders/1/raw", { set: {} })).status, 404);
      const inv = sim.state.invoices[0];
      assert.equal((await control(sim, "PATCH", `/__sim/invoices/${inv.id}/raw`, { set: { type: "proforma" } })).status, 200);
      assert.equal((await get(sim, `invoices/${inv.id}/`)).type, "proforma");
    });
  });
});
