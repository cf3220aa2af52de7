/**
 * CCV invoices for generated orders (docs/reference/ccvshop-api.md#invoices): a debit invoice for
 * every completed order that has an `invoicenumber`, and credit invoices (type `credit`, negative
 * amounts, own invoice number, referencing the order's ordernumber) for most cancelled orders and a
 * few refunded rows of delivered orders. Credit totals follow the same model as orders (./totals).
 */
import { INVOICE_STATUS_NAMES } from "./catalog";
import { cents, euros, timesCount } from "./money";
import { formatCcvDate } from "../../src/ccv/signing";
import { Rng } from "./random";
import { computeTotals } from "./totals";
import type { CcvInvoiceRowJson, CcvOrderRowJson, SimInvoice, SimOrder } from "./types";

const DAY_MS = 86_400_000;

/** The API root of an order, taken from its own href (`…/api/rest/v1/orders/{id}/`). */
function apiOf(order: SimOrder): string {
  const m = /^(.*\/api\/rest\/v1\/)orders\/[^/]+\/?$/.exec(order.href);
  return m ? m[1] : "https://demo.ccvshop.nl/api/rest/v1/";
}

function negate(n: number): number {
  return n === 0 ? 0 : -n;
}

/** An invoice before ids are handed out (ids follow creation time, like CCV's). */
interface Draft {
  order: SimOrder;
  type: "debit" | "credit";
  createMs: number;
  invoicenumber: number | null;
  rows: CcvOrderRowJson[];
  /** Order-level fields of the invoice (copied from the order, or the credit's own). */
  money: Pick<
    SimInvoice,
    "total_shipping" | "total_discounts" | "total_price" | "total_tax" | "paymethod_costs" | "credit_point_discount" | "extra_costs" | "extra_payment_option_price"
  >;
}

function orderMoney(o: SimOrder): Draft["money"] {
  return {
    total_shipping: o.total_shipping,
    total_discounts: o.total_discounts,
    total_price: o.total_price,
    total_tax: o.total_tax,
    paymethod_costs: o.paymethod_costs,
    credit_point_discount: o.credit_point_discount,
    extra_costs: o.extra_costs,
    extra_payment_option_price: o.extra_payment_option_price,
  };
}

function negateMoney(m: Draft["money"]): Draft["money"] {
  const out = { ...m };
  for (const k of Object.keys(out) as Array<keyof Draft["money"]>) out[k] = negate(out[k]);
  return out;
}

/** A credit row: the same count, negative prices (a count must not be negative). */
function negateRow(r: CcvOrderRowJson): CcvOrderRowJson {
  const moneyKeys = [
    "price", "discount", "original_price", "selling_price", "price_without_discount", "price_without_discount_with_attributes",
    "total_price", "total_extra_option_price", "price_with_attributes", "total_price_with_attributes",
  ] as const;
  const out = { ...r };
  for (const k of moneyKeys) out[k] = negate(r[k]);
  return out;
}

/** Credit for one refunded row: its totals by the order model, without shipping or order discounts. */
function refundOfRow(order: SimOrder, row: CcvOrderRowJson): Draft["money"] {
  const t = computeTotals({
    rowsGross: order.order_row_taxes_included,
    shippingGross: order.shipping_taxes_included,
    rows: [{ totalCents: cents(row.total_price), discountCents: timesCount(row.count, cents(row.discount)), rate: row.tax }],
    shippingCents: 0,
    shippingRate: order.shipping_tax_percentage,
    paymethodCostsCents: 0,
    extraCostsCents: 0,
    couponCents: 0,
    creditPointsCents: 0,
  });
  return negateMoney({
    total_shipping: 0,
    total_discounts: euros(t.totalDiscountsCents),
    total_price: euros(t.totalPriceCents),
    total_tax: euros(t.totalTaxCents),
    paymethod_costs: 0,
    credit_point_discount: 0,
    extra_costs: 0,
    extra_payment_option_price: 0,
  });
}

/**
 * A delivered, paid order without order-level discounts can have one row refunded: the credit
 * is then that row's own total (with order discounts it would have to share them, which CCV's
 * rules for are unknown).
 */
function refundable(o: SimOrder): boolean {
  const discounted = o.credit_point_discount > 0 || o.extra_costs < 0 || cents(o.total_discounts) > o.orderrows.reduce((s, r) => s + timesCount(r.count, cents(r.discount)), 0);
  return [5, 6, 7].includes(o.status ?? 0) && o.paid && o.orderrows.length > 0 && !discounted;
}

function drafts(orders: readonly SimOrder[], rng: Rng): Draft[] {
  const out: Draft[] = [];
  for (const order of orders) {
    if (!order.is_completed || order.invoicenumber == null) continue;
    const orderMs = Date.parse(order.create_date);
    const debitMs = orderMs + rng.int(0, 3600) * 1000;
    out.push({ order, type: "debit", createMs: debitMs, invoicenumber: order.invoicenumber, rows: order.orderrows, money: orderMoney(order) });
    const creditMs = debitMs + rng.int(1, 14) * DAY_MS;
    if (order.status === 8 && rng.chance(0.7)) {
      out.push({ order, type: "credit", createMs: creditMs, invoicenumber: null, rows: order.orderrows.map(negateRow), money: negateMoney(orderMoney(order)) });
    } else if (refundable(order) && rng.chance(0.05)) {
      const row = rng.pick(order.orderrows);
      out.push({ order, type: "credit", createMs: creditMs, invoicenumber: null, rows: [negateRow(row)], money: refundOfRow(order, row) });
    }
  }
  return out;
}

/**
 * Debit and credit invoices for `orders`, sorted by creation time. Credit invoices take the
 * invoice numbers after the highest debit number, in date order (CCV's own numbering of
 * credits is UNCERTAIN). With `until` (ms, the shop's present), an invoice that would be created
 * at or after it does not exist yet (a debit follows its order by up to an hour, a credit its debit
 * by up to 14 days); the invoices before `until` are the same as without it.
 */
export function generateInvoices(orders: readonly SimOrder[], seed: number, until?: number): SimInvoice[] {
  const rng = new Rng((seed ^ 0x5eed1) >>> 0);
  const every = drafts(orders, rng).sort((a, b) => a.createMs - b.createMs);
  // Credit numbers follow every debit number an order carries, its invoice created yet or not.
  let nextNumber = Math.max(0, ...every.map((d) => d.invoicenumber ?? 0));
  const all = until === undefined ? every : every.filter((d) => d.createMs < until);
  let invoiceId = 120_000_000 + rng.int(0, 999_999);
  let rowId = 910_000_000 + rng.int(0, 999_999);

  return all.map((d): SimInvoice => {
    const o = d.order;
    const api = apiOf(o);
    const id = (invoiceId += rng.int(100, 20_000));
    const href = `${api}invoices/${id}/`;
    const invoicenumber = d.invoicenumber ?? ++nextNumber;
    const status = d.type === "credit" ? (o.paid ? "reimbursed" : "unpaid") : o.paid ? "paid" : "unpaid";
    const rows = d.rows.map((r): CcvInvoiceRowJson => {
      const { order_id: _orderId, parent: _parent, ...rest } = r;
      const rid = (rowId += rng.int(1, 40));
      return { ...rest, href: `${api}invoicerows/${rid}/`, id: rid, invoice_id: id, orderrow: { href: r.href }, parent: { href } };
    });
    return {
      href,
      id,
      invoicenumber_prefix: "",
      invoicenumber,
      invoicenumber_full: String(invoicenumber),
      ordernumber_prefix: o.ordernumber_prefix,
      ordernumber: o.ordernumber ?? 0,
      ordernumber_full: o.ordernumber_full ?? "",
      create_date: formatCcvDate(new Date(d.createMs)),
      status,
      status_name: INVOICE_STATUS_NAMES[status],
      type: d.type,
      payment_link_sent: false,
      taxes_included: o.taxes_included,
      invoice_row_taxes_included: o.order_row_taxes_included,
      is_intra_community_order: o.is_intra_community_order,
      shipping_taxes_included: o.shipping_taxes_included,
      shipping_tax_percentage: o.shipping_tax_percentage,
      ...d.money,
      total_price_inc_tax: d.money.total_price,
      total_price_exc_tax: euros(cents(d.money.total_price) - cents(d.money.total_tax)),
      currency: o.currency,
      extra_payment_option: o.extra_payment_option,
      extra_costs_description: d.money.extra_costs === 0 ? "" : o.extra_costs_description,
      external_reference: "",
      deeplink: `${api.replace(/api\/rest\/v1\/$/, "")}Invoice.php?InvoiceId=${id}`,
      user: structuredClone(o.user),
      customer: structuredClone(o.customer),
      discountcoupon: structuredClone(o.discountcoupon),
      order: { href: o.href },
      invoicerows: rows,
      invoicenotifications: { href: `${href}invoicenotifications/` },
    };
  });
}
