import assert from "node:assert/strict";
import type { CcvSim } from "../../sim/ccv/server";
import { startCcvSim } from "../../sim/ccv/server";
import { clientFor, control, raw, valid } from "./helpers";

const LIST = "/api/rest/v1/orders/";
const listCalls = (sim: CcvSim) => sim.state.requests.get("GET", LIST);

interface Envelope {
  start: number;
  size: number;
  href: string;
  first: string | null;
  previous: string | null;
  next: string | null;
  items: Array<{ id: number }>;
}

describe("ccv paging", () => {
  let sim: CcvSim;
  before(async () => {
    sim = await startCcvSim({ orders: 1000, seed: 5, rateLimits: "off" });
  });
  after(() => sim.close());
  beforeEach(() => sim.state.requests.reset());

  it("yields each of 1,000 orders exactly once with size 50", async () => {
    const expected = sim.state.orders.filter((o) => o.is_completed).map((o) => o.id);
    assert.ok(expected.length > 950);
    const seen: number[] = [];
    for await (const o of valid(clientFor(sim).orders({ size: 50 }))) seen.push(o.id);
    assert.equal(seen.length, expected.length);
    assert.equal(new Set(seen).size, seen.length, "no order twice");
    assert.deepEqual([...seen].sort((a, b) => a - b), [...expected].sort((a, b) => a - b));
    assert.equal(listCalls(sim), Math.ceil(expected.length / 50));
  });

  it("pages lazily: after k orders at most ceil(k/50)+1 list requests were made", async () => {
    const it = valid(clientFor(sim).orders({ size: 50 }));
    let k = 0;
    const checkpoints = new Set([1, 49, 50, 51, 100, 101, 333, 700]);
    for await (const _o of it) {
      k++;
      assert.ok(listCalls(sim) <= Math.ceil(k / 50) + 1, `after ${k}: ${listCalls(sim)} requests`);
      if (checkpoints.has(k)) assert.equal(listCalls(sim), Math.ceil(k / 50), `exactly one page per 50 at ${k}`);
      if (k === 700) break;
    }
    assert.equal(k, 700);
    assert.equal(listCalls(sim), 14, "stopping early fetches no further page");
  });

  it("answers the envelope with absolute links, no total, and next null on the last page", async () => {
    const first = await raw(sim, { target: `${LIST}?size=100&orderby=id&status=7` });
    const env = first.json as Envelope;
    assert.deepEqual(Object.keys(env).sort(), ["first", "href", "items", "next", "previous", "size", "start"]);
    assert.equal(env.previous, null);
    assert.equal(env.href, `${sim.url}${LIST}?size=100&orderby=id&status=7`);
    // The path of a link has its trailing slash or not, by the shape of the page (both occur in real shops).
    assert.match(env.next ?? "", new RegExp(`^${sim.url}${LIST.replace(/\/$/, "")}/?\\?`), "absolute next");
    const nextUrl = new URL(env.next as string);
    assert.equal(nextUrl.searchParams.get("status"), "7", "filters kept");
    assert.equal(nextUrl.searchParams.get("start"), "100");
    const count = sim.state.orders.filter((o) => o.status === 7).length;
    const last = await raw(sim, { target: `${LIST}?size=100&orderby=id&status=7&start=${Math.floor((count - 1) / 100) * 100}` });
    const lastEnv = last.json as Envelope;
    assert.equal(lastEnv.next, null);
    assert.ok(lastEnv.previous?.startsWith(sim.url));
    assert.equal(lastEnv.items.length, count - Math.floor((count - 1) / 100) * 100);
  });

  it("refuses a page size above 250 and defaults to 25; the client asks for at most 100", async () => {
    const big = await raw(sim, { target: `${LIST}?size=251` });
    assert.equal(big.status, 400);
    assert.equal((big.json as { code: string }).code, "400.10");
    const most = (await raw(sim, { target: `${LIST}?size=250` })).json as Envelope;
    assert.equal(most.items.length, 250);
    const dflt = (await raw(sim, { target: LIST })).json as Envelope;
    assert.equal(dflt.size, 25);
    assert.equal(dflt.items.length, 25);
    await assert.rejects(async () => {
      for await (const _ of valid(clientFor(sim).orders({ size: 500 }))) break;
    }, /page size/);
  });

  it("pages order rows and collects them all (rows are not embedded in the order)", async () => {
    const rows = Array.from({ length: 130 }, (_, i) => ({ product_name: `Artikel ${i}`, count: 1, price: 1.5, tax: 21 }));
    const added = await control(sim, "POST", "/__sim/orders", { customer: sim.state.orders[0].customer, orderrows: rows });
    assert.equal(added.status, 201);
    const id = (added.json as { id: number }).id;
    const client = clientFor(sim);
    const order = await client.getOrder(id);
    assert.match(order.orderrows?.href ?? "", new RegExp(`^${sim.apiBase}orders/${id}/orderrows/?$`));
    const got = await client.getOrderRows(id);
    assert.equal(got.length, 130);
    assert.deepEqual(got.map((r) => r.product_name), rows.map((r) => r.product_name));
    assert.equal(sim.state.requests.get("GET", "/api/rest/v1/orders/:id/orderrows/"), 2);
  });
});
