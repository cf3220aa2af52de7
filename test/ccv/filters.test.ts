import assert from "node:assert/strict";
import type { CcvOrderQuery, CcvInvoiceQuery } from "../../src/ccv/client";
import type { CcvSim } from "../../sim/ccv/server";
import { startCcvSim } from "../../sim/ccv/server";
import type { SimOrder } from "../../sim/ccv/types";
import { clientFor, raw, rejectsWith, valid } from "./helpers";

async function ids<T extends { id: number }>(it: AsyncIterable<T>): Promise<number[]> {
  const out: number[] = [];
  for await (const x of it) out.push(x.id);
  return out;
}

const t = (o: { create_date: string }) => Date.parse(o.create_date);

describe("ccv list filters", () => {
  let sim: CcvSim;
  before(async () => {
    sim = await startCcvSim({ orders: 300, seed: 11, rateLimits: "off" });
  });
  after(() => sim.close());

  const orders = (q: CcvOrderQuery) => ids(valid(clientFor(sim).orders({ size: 40, ...q })));
  const completed = () => sim.state.orders.filter((o) => o.is_completed);
  const idsOf = (os: SimOrder[]) => os.map((o) => o.id).sort((a, b) => a - b);

  it("hides unfinished checkouts by default and shows only them with is_completed=false", async () => {
    const unfinished = sim.state.orders.filter((o) => !o.is_completed);
    assert.ok(unfinished.length > 0);
    assert.deepEqual(await orders({}), idsOf(completed()));
    assert.deepEqual(await orders({ is_completed: false }), idsOf(unfinished));
  });

  it("filters on status and is_paid", async () => {
    for (const status of [1, 7, 8, 14]) {
      const want = idsOf(completed().filter((o) => o.status === status));
      assert.ok(want.length > 0, `status ${status} exists`);
      assert.deepEqual(await orders({ status }), want);
    }
    assert.deepEqual(await orders({ is_paid: true }), idsOf(completed().filter((o) => o.paid)));
    assert.deepEqual(await orders({ is_paid: false, status: 5 }), idsOf(completed().filter((o) => !o.paid && o.status === 5)));
  });

  it("filters on min/max create date (Date, date-time and bare date; inclusive)", async () => {
    const sorted = [...completed()].sort((a, b) => t(a) - t(b));
    const lo = sorted[50];
    const hi = sorted[120];
    assert.deepEqual(await orders({ min_create_date: new Date(t(lo)), max_create_date: new Date(t(hi)) }), idsOf(sorted.filter((o) => t(o) >= t(lo) && t(o) <= t(hi))));
    const day = lo.create_date.slice(0, 10);
    const sameDay = idsOf(completed().filter((o) => o.create_date.startsWith(day)));
    assert.deepEqual(await orders({ min_create_date: day, max_create_date: day }), sameDay);
    const iso = await orders({ min_create_date: hi.create_date });
    assert.deepEqual(iso, idsOf(completed().filter((o) => t(o) >= t(hi))));
  });

  it("finds one order by ordernumber", async () => {
    const o = completed()[17];
    assert.deepEqual(await orders({ ordernumber: o.ordernumber as number }), [o.id]);
    assert.deepEqual(await orders({ ordernumber: 1 }), []);
  });

  it("sorts by create_date, id and ordernumber, ascending and descending", async () => {
    const list = async (orderby: CcvOrderQuery["orderby"]) => {
      const out: SimOrder["create_date"][] = [];
      const nums: number[] = [];
      for await (const o of valid(clientFor(sim).orders({ orderby, size: 100 }))) {
        out.push(o.create_date);
        nums.push(orderby?.startsWith("ordernumber") ? (o.ordernumber as number) : o.id);
      }
      return { dates: out.map(Date.parse), nums };
    };
    const asc = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1] <= x);
    const desc = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1] >= x);
    assert.ok(asc((await list("create_date")).dates));
    assert.ok(desc((await list("create_date_desc")).dates));
    assert.ok(asc((await list("id")).nums));
    assert.ok(desc((await list("id_desc")).nums));
    assert.ok(asc((await list("ordernumber")).nums));
    assert.ok(desc((await list("ordernumber_desc")).nums));
  });

  it("refuses invalid filter values with 400, surfaced as CCV_BAD_REQUEST", async () => {
    for (const q of ["status=15", "is_paid=yes", "min_create_date=31-12-2024", "orderby=total", "start=-1"]) {
      const r = await raw(sim, { target: `/api/rest/v1/orders/?${q}` });
      assert.equal(r.status, 400, q);
    }
    const e = await rejectsWith(ids(valid(clientFor(sim).orders({ orderby: "total_price" as CcvOrderQuery["orderby"] }))), "CCV_BAD_REQUEST");
    assert.equal(e.details.status, 400);
    assert.equal(e.details.code, "400.10");
  });

  it("lists debit and credit invoices with ordernumber, date and orderby filters", async () => {
    const client = clientFor(sim);
    const inv = sim.state.invoices;
    const credit = inv.find((i) => i.type === "credit");
    assert.ok(credit, "seed 11 has a credit invoice");
    const byOrder: Array<{ type: string; ordernumber?: number | null }> = [];
    for await (const i of valid(client.invoices({ ordernumber: credit.ordernumber }))) byOrder.push(i);
    assert.deepEqual(byOrder.map((i) => i.type).sort(), ["credit", "debit"]);
    assert.ok(byOrder.every((i) => i.ordernumber === credit.ordernumber));

    const min = new Date(Date.parse(credit.create_date));
    const query: CcvInvoiceQuery = { min_create_date: min, orderby: "create_date_desc", size: 30 };
    const got: Array<{ id: number; create_date: string }> = [];
    for await (const i of valid(client.invoices(query))) got.push(i);
    assert.deepEqual(got.map((i) => i.id).sort(), inv.filter((i) => t(i) >= min.getTime()).map((i) => i.id).sort());
    assert.ok(got.every((i, k) => k === 0 || t(got[k - 1]) >= t(i)));

    const one = await client.getInvoice(credit.id);
    assert.equal(one.type, "credit");
    assert.ok(one.total_price < 0);
    const rows = await client.getInvoiceRows(credit.id);
    assert.equal(rows.length, credit.invoicerows.length);
    assert.ok(rows.every((r) => r.invoice_id === credit.id));
  });

  it("finds products by product number and reads users and webshop settings", async () => {
    const client = clientFor(sim);
    const row = sim.state.orders.flatMap((o) => o.orderrows).find((r) => r.product_number !== "");
    assert.ok(row);
    const products = await client.findProducts(row.product_number);
    assert.equal(products.length, 1);
    assert.equal(products[0].id, row.product_id);
    assert.deepEqual(await client.findProducts("NO-SUCH-NUMBER"), []);

    const account = sim.state.orders.find((o) => o.user.id !== null) as SimOrder;
    const user = await client.getUser(Number(account.user.id));
    assert.equal(user.id, Number(account.user.id));
    assert.ok(user.userinfo?.email);

    const shops = await client.webshops();
    assert.equal(shops.length, 1);
    const settings = await client.webshopSettings(shops[0].id);
    const names = Object.fromEntries(settings.order_status.map((s) => [s.status, s.status_name]));
    assert.equal(names[1], "Nieuw");
    assert.equal(names[8], "Geannuleerd");
    assert.equal(settings.order_status.length, 14);
    assert.deepEqual(await client.testConnection(), { webshopName: shops[0].name });
  });
});
