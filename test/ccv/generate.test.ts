import assert from "node:assert/strict";
import { generateInvoices, generateOrders, historySpanMs, referenceDate, type SimInvoice, type SimOrder } from "../../sim/ccv/generate";
import { apiInvoice, apiOrder } from "../../sim/ccv/resources";
import { ccvInvoice, ccvInvoiceRow, ccvOrder, ccvOrderRow } from "../../src/ccv/schemas";

/*
 * The design.md totals model, re-implemented here with BigInt so the generator is checked
 * against an independent computation: integer cents, round half away from zero, VAT per rate
 * group, order-level discounts spread over the row groups by largest remainder.
 */
const C = (euros: number): bigint => BigInt(Math.round(euros * 100));
const bp = (rate: number): bigint => BigInt(Math.round(rate * 100));

function roundDiv(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return neg ? -q : q;
}

function spread(amount: bigint, weights: Map<number, bigint>): Map<number, bigint> {
  const total = [...weights.values()].reduce((s, w) => s + w, 0n);
  const parts = [...weights].map(([rate, w]) => ({ rate, w, share: (amount * w) / total, rem: (amount * w) % total }));
  let left = amount - parts.reduce((s, p) => s + p.share, 0n);
  parts.sort((a, b) => (a.rem === b.rem ? (a.w === b.w ? b.rate - a.rate : a.w > b.w ? -1 : 1) : a.rem > b.rem ? -1 : 1));
  for (const p of parts) if (left-- > 0n) p.share += 1n;
  return new Map(parts.map((p) => [p.rate, p.share]));
}

interface Model {
  rowTotals: bigint[];
  orderrowPrice: bigint;
  discounts: bigint;
  price: bigint;
  tax: bigint;
}

function model(o: SimOrder): Model {
  const rowTotals = o.orderrows.map((r) => roundDiv(BigInt(Math.round(r.count * 1000)) * (C(r.price) - C(r.discount)), 1000n));
  const rowDiscounts = o.orderrows.reduce((s, r) => s + roundDiv(BigInt(Math.round(r.count * 1000)) * C(r.discount), 1000n), 0n);
  const g = new Map<number, bigint>();
  const n = new Map<number, bigint>();
  const put = (rate: number, amt: bigint, gross: boolean) => {
    const m = gross ? g : n;
    m.set(rate, (m.get(rate) ?? 0n) + amt);
  };
  const weights = new Map<number, bigint>();
  o.orderrows.forEach((r, i) => {
    put(r.tax, rowTotals[i], o.order_row_taxes_included);
    weights.set(r.tax, (weights.get(r.tax) ?? 0n) + rowTotals[i]);
  });
  const extra = C(o.extra_costs);
  for (const cost of [C(o.total_shipping), C(o.paymethod_costs), extra > 0n ? extra : 0n]) put(o.shipping_tax_percentage, cost, o.shipping_taxes_included);
  const coupon = C(o.total_discounts) - rowDiscounts;
  assert.ok(coupon >= 0n, `order ${o.id}: total_discounts below the row discounts`);
  const discounts: Array<[bigint, boolean]> = [
    [coupon, o.order_row_taxes_included],
    [C(o.credit_point_discount), o.order_row_taxes_included],
    [extra < 0n ? -extra : 0n, o.shipping_taxes_included],
  ];
  for (const [amount, gross] of discounts) if (amount > 0n) for (const [rate, share] of spread(amount, weights)) put(rate, -share, gross);
  let price = 0n;
  let tax = 0n;
  for (const rate of new Set([...g.keys(), ...n.keys()])) {
    const G = g.get(rate) ?? 0n;
    const N = n.get(rate) ?? 0n;
    const vat = roundDiv(G * bp(rate), 10_000n + bp(rate)) + roundDiv(N * bp(rate), 10_000n);
    price += G + N + roundDiv(N * bp(rate), 10_000n);
    tax += vat;
  }
  return { rowTotals, orderrowPrice: rowTotals.reduce((s, x) => s + x, 0n), discounts: rowDiscounts + coupon, price, tax };
}

const destination = (o: SimOrder) => o.customer.deliveryaddress.country_code ?? o.customer.billingaddress.country_code;
const rates = (o: SimOrder) => new Set(o.orderrows.map((r) => r.tax));
const everyRate = (os: SimOrder[]) => new Set(os.flatMap((o) => o.orderrows.map((r) => r.tax)));

describe("ccv generator", () => {
  const orders = generateOrders({ count: 500, seed: 42 });
  const invoices = generateInvoices(orders, 42);

  it("is deterministic per seed and differs between seeds", () => {
    assert.deepEqual(generateOrders({ count: 120, seed: 7 }), generateOrders({ count: 120, seed: 7 }));
    assert.deepEqual(generateInvoices(generateOrders({ count: 120, seed: 7 }), 7), generateInvoices(generateOrders({ count: 120, seed: 7 }), 7));
    assert.notDeepEqual(generateOrders({ count: 120, seed: 7 }), generateOrders({ count: 120, seed: 8 }));
  });

  it("spreads create_date over the 90 days before the seed's reference date, with increasing ids and numbers", () => {
    const end = referenceDate(42).getTime();
    assert.equal(referenceDate(42).toISOString(), "2025-02-12T00:00:00.000Z");
    const times = orders.map((o) => Date.parse(o.create_date));
    assert.ok(times.every((t) => t >= end - 90 * 86_400_000 && t < end));
    assert.ok(times[times.length - 1] - times[0] > 80 * 86_400_000, "dates cover the range");
    for (let i = 1; i < orders.length; i++) {
      assert.ok(orders[i].id > orders[i - 1].id && times[i] >= times[i - 1]);
      assert.ok(orders[i].id > 100_000_000, "CCV-like large ids");
    }
    const numbers = orders.filter((o) => o.ordernumber !== null).map((o) => o.ordernumber as number);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
    assert.equal(new Set(numbers).size, numbers.length);
    const invoiceNumbers = orders.filter((o) => o.invoicenumber !== null).map((o) => o.invoicenumber as number);
    assert.deepEqual(invoiceNumbers, [...invoiceNumbers].sort((a, b) => a - b));
    const custom = generateOrders({ count: 30, seed: 3, start: new Date("2023-05-01T00:00:00Z"), end: new Date("2023-05-02T00:00:00Z") });
    assert.ok(custom.every((o) => o.create_date.startsWith("2023-05-01T")));
  });

  it("with ordersPerDay spans count / ordersPerDay days before the end: the same orders, only their dates differ", () => {
    const DAY = 86_400_000;
    const end = referenceDate(7).getTime();
    const spread = generateOrders({ count: 600, seed: 7, ordersPerDay: 2 });
    const times = spread.map((o) => Date.parse(o.create_date));
    assert.ok(times.every((t) => t >= end - 300 * DAY && t < end), "300 days before the reference date");
    assert.ok(times[times.length - 1] - times[0] > 290 * DAY, "dates cover the 300 days");
    // About 2 a day in every stretch of 30 days (60 expected; a seeded draw, so with room).
    for (let from = end - 300 * DAY; from < end; from += 30 * DAY) {
      const n = times.filter((t) => t >= from && t < from + 30 * DAY).length;
      assert.ok(n >= 35 && n <= 85, `${n} orders in the 30 days from ${new Date(from).toISOString()}`);
    }
    const undated = (os: SimOrder[]) => os.map(({ create_date: _date, ...rest }) => rest);
    assert.deepEqual(undated(spread), undated(generateOrders({ count: 600, seed: 7 })));
    const until = new Date("2024-06-01T00:00:00Z");
    const ending = generateOrders({ count: 50, seed: 7, ordersPerDay: 10, end: until }).map((o) => Date.parse(o.create_date));
    assert.ok(ending.every((t) => t >= until.getTime() - 5 * DAY && t < until.getTime()), "5 days before the given end");
    assert.deepEqual(generateOrders({ count: 0, seed: 7, ordersPerDay: 3 }), []);
  });

  it("historySpanMs: 90 days by default, else orders ÷ orders a day; refuses a bad daily volume or a start with it", () => {
    const DAY = 86_400_000;
    assert.equal(historySpanMs(30_000), 90 * DAY);
    assert.equal(historySpanMs(30_000, 1_000 / 90), 2_700 * DAY);
    assert.equal(historySpanMs(1_000, 1_000 / 90), 90 * DAY);
    assert.equal(historySpanMs(0, 5), 1);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => historySpanMs(10, bad), RangeError, String(bad));
    assert.throws(() => generateOrders({ count: 10, seed: 1, ordersPerDay: 0 }), RangeError);
    assert.throws(() => generateOrders({ count: 10, seed: 1, ordersPerDay: 2, start: new Date("2024-01-01T00:00:00Z") }), /start or ordersPerDay/);
  });

  it("with `until` leaves out the invoices not created yet; the others are the same as without it", () => {
    const end = Date.parse("2024-03-01T00:00:00Z");
    const recent = generateOrders({ count: 400, seed: 11, ordersPerDay: 20, end: new Date(end) });
    const all = generateInvoices(recent, 11);
    const before = generateInvoices(recent, 11, end);
    const later = all.filter((i) => Date.parse(i.create_date) >= end);
    assert.ok(later.some((i) => i.type === "credit"), "without `until` some credit invoices are dated after the end");
    assert.ok(before.length > 0 && before.every((i) => Date.parse(i.create_date) < end));
    assert.deepEqual(before, all.slice(0, all.length - later.length));
  });

  it("produces orders, rows, invoices and invoice rows that parse with the schemas", () => {
    for (const o of orders) {
      const parsed = ccvOrder.safeParse(apiOrder(o));
      assert.ok(parsed.success, `order ${o.id}: ${JSON.stringify(parsed.error?.issues)}`);
      assert.deepEqual(apiOrder(o).orderrows, { href: `${o.href}orderrows/` });
      for (const r of o.orderrows) assert.ok(ccvOrderRow.safeParse(r).success, `row ${r.id}`);
    }
    for (const i of invoices) {
      assert.ok(ccvInvoice.safeParse(apiInvoice(i)).success, `invoice ${i.id}`);
      for (const r of i.invoicerows) assert.ok(ccvInvoiceRow.safeParse(r).success, `invoice row ${r.id}`);
    }
  });

  it("computes every row total and order total by the design.md model", () => {
    for (const o of orders) {
      const m = model(o);
      o.orderrows.forEach((r, i) => assert.equal(C(r.total_price), m.rowTotals[i], `row ${r.id} total_price`));
      assert.equal(C(o.total_orderrow_price), m.orderrowPrice, `order ${o.id} total_orderrow_price`);
      assert.equal(C(o.total_discounts), m.discounts, `order ${o.id} total_discounts`);
      assert.equal(C(o.total_tax), m.tax, `order ${o.id} total_tax`);
      assert.equal(C(o.total_price), m.price, `order ${o.id} total_price`);
      assert.ok(m.price > 0n);
    }
  });

  it("books Dutch consumers at 21 % and 9 % on gross prices, Dutch businesses on net prices", () => {
    const nl = orders.filter((o) => destination(o) === "NL" && o.customer.customertype === "b2c");
    assert.ok(nl.length > 250, "mostly Dutch consumers");
    assert.deepEqual([...everyRate(nl)].sort(), [21, 9]);
    assert.ok(nl.every((o) => o.order_row_taxes_included && o.shipping_tax_percentage === 21));
    const b2b = orders.filter((o) => destination(o) === "NL" && o.customer.customertype === "b2b");
    assert.ok(b2b.length > 5 && b2b.every((o) => !o.order_row_taxes_included && /^NL\d{9}B\d\d$/.test(o.customer.btw)));
    assert.deepEqual([...everyRate(b2b)].sort(), [21, 9]);
  });

  it("charges EU consumers their destination rates (OSS), shipping at the destination standard rate", () => {
    const expected: Record<string, number[]> = { DE: [19, 7], BE: [21, 12, 6], FR: [20, 10, 5.5], AT: [20, 13, 10] };
    for (const [country, list] of Object.entries(expected)) {
      const os = orders.filter((o) => destination(o) === country && o.customer.customertype === "b2c");
      assert.ok(os.length >= 5, `${country} consumers`);
      assert.deepEqual([...everyRate(os)].sort((a, b) => a - b), [...list].sort((a, b) => a - b), `${country} rates`);
      assert.ok(os.every((o) => o.shipping_tax_percentage === list[0] && !o.is_intra_community_order));
    }
    assert.ok(orders.some((o) => o.customer.billingaddress.country_code === "NL" && ["DE", "BE", "FR", "AT"].includes(o.customer.deliveryaddress.country_code ?? "")), "a Dutch customer shipping abroad");
  });

  it("before OSS (1 July 2021) charges EU consumers Dutch VAT, as a shop below the distance-selling thresholds did; from then their own", () => {
    const year = generateOrders({ count: 1_500, seed: 5, start: new Date("2021-01-01T00:00:00Z"), end: new Date("2021-12-31T00:00:00Z") });
    const oss = Date.parse("2021-06-30T22:00:00Z"); // midnight in Amsterdam
    const euConsumers = year.filter((o) => o.customer.customertype === "b2c" && !o.is_intra_community_order && !["NL", "US", "CH", "GB"].includes(destination(o) ?? "NL"));
    const before = euConsumers.filter((o) => Date.parse(o.create_date) < oss);
    const after = euConsumers.filter((o) => Date.parse(o.create_date) >= oss && destination(o) === "DE");
    assert.ok(before.length >= 20 && after.length >= 5, `${before.length} before, ${after.length} German after`);
    assert.ok([...everyRate(before)].every((r) => [21, 9].includes(r)), `Dutch rates before: ${[...everyRate(before)]}`);
    assert.ok(before.every((o) => o.shipping_tax_percentage === 21));
    assert.deepEqual([...everyRate(after)].sort((a, b) => a - b), [7, 19]);
  });

  it("sells to EU businesses with a VAT number at 0 % (ICP) and exports to US, CH, GB at 0 %", () => {
    const icp = orders.filter((o) => o.is_intra_community_order);
    assert.ok(icp.length >= 10);
    for (const o of icp) {
      assert.equal(o.customer.customertype, "b2b");
      assert.match(o.customer.btw, /^(DE|BE|FR|AT|IT|ES)[0-9A-Z]{8,12}$/);
      assert.deepEqual([...rates(o)], [0]);
      assert.equal(o.shipping_tax_percentage, 0);
      assert.equal(o.total_tax, 0);
    }
    assert.ok(icp.some((o) => /^DE\d{9}$/.test(o.customer.btw)));
    assert.ok(icp.filter((o) => !o.order_row_taxes_included).length > icp.length / 2, "usually net prices");
    for (const c of ["US", "CH", "GB"]) {
      const ex = orders.filter((o) => destination(o) === c);
      assert.ok(ex.length > 0 && ex.every((o) => o.total_tax === 0 && [...rates(o)].every((r) => r === 0)), c);
    }
  });

  it("covers statuses 1-14, paid independent of status, unfinished checkouts, guests and accounts", () => {
    const statuses = new Set(orders.map((o) => o.status));
    for (let s = 1; s <= 14; s++) assert.ok(statuses.has(s), `status ${s}`);
    const unfinished = orders.filter((o) => o.status === null);
    assert.ok(unfinished.length > 0 && unfinished.every((o) => !o.is_completed && o.ordernumber === null && o.invoicenumber === null && !o.paid));
    assert.ok(orders.filter((o) => o.is_completed).length > orders.length * 0.9);
    for (const s of [1, 7]) {
      const paid = new Set(orders.filter((o) => o.status === s).map((o) => o.paid));
      assert.deepEqual([...paid].sort(), [false, true], `status ${s} paid and unpaid`);
    }
    assert.ok(orders.some((o) => o.status === 8 && o.paid));
    assert.ok(orders.some((o) => o.user.id === null), "guests");
    assert.ok(orders.some((o) => typeof o.user.id === "number"), "numeric user ids");
    // Numeric-string ids are a matter of the served shape (test/ccv/shapes.test.ts), not of the stored data.
  });

  it("has coupons, row discounts, payment costs, extra costs both ways and credit points only for accounts", () => {
    const couponOrders = orders.filter((o) => o.discountcoupon.code !== "");
    assert.ok(couponOrders.length >= 10);
    assert.ok(couponOrders.some((o) => C(o.total_discounts) > o.orderrows.reduce((s, r) => s + (r.discount > 0 ? C(r.discount) * BigInt(r.count) : 0n), 0n)));
    assert.ok(orders.some((o) => o.orderrows.some((r) => r.discount > 0)), "row discounts");
    assert.ok(orders.some((o) => o.paymethod_costs > 0), "payment costs");
    assert.ok(orders.some((o) => o.extra_costs < 0 && o.extra_costs_description !== ""), "negative extra costs");
    assert.ok(orders.some((o) => o.extra_costs > 0), "positive extra costs");
    const credit = orders.filter((o) => o.credit_point_discount > 0);
    assert.ok(credit.length >= 5 && credit.every((o) => o.user.id !== null));
    assert.ok(orders.some((o) => o.total_shipping > 0) && orders.some((o) => o.total_shipping === 0));
  });

  it("writes names, companies and e-mails with quotes, accents and emoji, and both address styles", () => {
    const text = (o: SimOrder) => JSON.stringify([o.customer.billingaddress, o.customer.deliveryaddress, o.customer.email]);
    const all = orders.map(text).join("\n");
    assert.ok(all.includes("O'Brien") || all.includes("D'Agostino"));
    assert.ok(orders.some((o) => o.customer.email.includes("'")), "apostrophe in an e-mail address");
    assert.ok(orders.some((o) => o.customer.billingaddress.company.includes('"')), 'double quotes ("Het Hoekje")');
    for (const s of ["Zoë", "Müller", "Ångström"]) assert.ok(all.includes(s), s);
    assert.ok(/\p{Extended_Pictographic}/u.test(all), "emoji");
    const billing = orders.map((o) => o.customer.billingaddress);
    assert.ok(billing.some((a) => a.address_line_1 !== "" && a.street === "" && a.housenumber === null), "address_line_1 only");
    assert.ok(billing.some((a) => a.street !== "" && a.housenumber !== null && a.housenumber_suffix !== ""), "street + number + suffix");
    assert.ok(orders.some((o) => o.customer.deliveryaddress.country_code === null && o.customer.deliveryaddress.street === ""), "empty delivery address");
    assert.ok(orders.some((o) => o.customer.deliveryaddress.country_code !== null), "separate delivery address");
  });

  it("fills rows like CCV: mostly article numbers, small counts, per-unit discounts", () => {
    const rows = orders.flatMap((o) => o.orderrows);
    assert.ok(rows.filter((r) => r.product_number !== "").length > rows.length * 0.8);
    assert.ok(rows.some((r) => r.product_number === ""));
    assert.ok(rows.filter((r) => Number.isInteger(r.count) && r.count <= 3).length > rows.length * 0.6);
    assert.ok(rows.some((r) => !Number.isInteger(r.count)), "fractional counts (per kg)");
    for (const r of rows) assert.equal(r.selling_price, Math.round((r.price - r.discount) * 100) / 100);
  });

  it("creates debit invoices for invoiced orders and negative credit invoices for some cancellations and refunds", () => {
    const invoiced = orders.filter((o) => o.is_completed && o.invoicenumber !== null);
    const debit = invoices.filter((i) => i.type === "debit");
    assert.equal(debit.length, invoiced.length);
    for (const o of invoiced) {
      const d = debit.find((i) => i.invoicenumber === o.invoicenumber) as SimInvoice;
      assert.ok(d, `debit invoice of order ${o.id}`);
      assert.equal(d.ordernumber, o.ordernumber);
      assert.equal(d.total_price, o.total_price);
      assert.equal(d.total_tax, o.total_tax);
      assert.equal(d.invoicerows.length, o.orderrows.length);
    }
    const credit = invoices.filter((i) => i.type === "credit");
    assert.ok(credit.length >= 5);
    const numbers = invoices.map((i) => i.invoicenumber);
    assert.equal(new Set(numbers).size, numbers.length, "every invoice has its own number");
    for (const c of credit) {
      const o = orders.find((x) => x.ordernumber === c.ordernumber) as SimOrder;
      assert.ok(o, `credit ${c.id} references an order`);
      assert.ok(c.total_price < 0 && c.total_tax <= 0 && c.invoicerows.every((r) => r.total_price <= 0 && r.count > 0));
      assert.ok(Math.abs(c.total_price) <= o.total_price);
      assert.ok(Date.parse(c.create_date) > Date.parse(o.create_date));
    }
    assert.ok(credit.some((c) => orders.find((o) => o.ordernumber === c.ordernumber)?.status === 8), "credit for a cancellation");
    assert.ok(credit.some((c) => orders.find((o) => o.ordernumber === c.ordernumber)?.status !== 8), "credit for a refunded row");
  });
});
