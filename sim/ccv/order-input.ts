/**
 * Hand-written orders for `POST /__sim/orders` and `state.addOrder`: a full CCV order JSON with
 * its `orderrows` array inline. Missing ids, hrefs, order number, bookkeeping defaults and
 * totals are filled in (totals by the design.md model); the result must have the documented
 * types (docs/reference/ccvshop-api.md#order-fields, #order-row-fields; checked here, independently
 * of the koppeling's schemas),
 * else the input is refused naming the field. Totals that ARE given are kept as they are, so
 * tests can post deliberately odd orders; `PATCH /__sim/orders/{id}/raw` breaks them further.
 */
import { formatCcvDate } from "../../src/ccv/signing";
import { cents, euros, timesCount } from "./money";
import { emptyAddress } from "./people";
import { BadInput } from "./responses";
import { computeTotals } from "./totals";
import type { SimOrder } from "./types";

export interface InputContext {
  api: string;
  origin: string;
  now: number;
  nextOrderId(): number;
  nextOrdernumber(): number;
  nextRowId(): number;
}

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const num = (x: unknown, fallback = 0): number => (typeof x === "number" && Number.isFinite(x) ? x : fallback);

function rowWithDefaults(row: unknown, orderId: number, orderHref: string, ctx: InputContext): Json {
  if (!isObject(row)) throw new BadInput("every order row must be a JSON object");
  const id = row.id ?? ctx.nextRowId();
  const out: Json = {
    href: `${ctx.api}orderrows/${String(id)}/`,
    order_id: orderId,
    product_type: "product",
    product_name_google: "",
    product_number: "",
    sub_product_number: "",
    sub_sku_number: "",
    sub_ean_number: "",
    product_id: null,
    product_href: null,
    product_purchase_price: 0,
    discount: 0,
    custom_price: false,
    unit: "stuk",
    weight: 0,
    memo: "",
    user_discount: 0,
    total_extra_option_price: 0,
    attributes: [],
    uploads: [],
    parent: { href: orderHref },
    ...row,
    id,
  };
  if (out.total_price === undefined && typeof out.count === "number" && typeof out.price === "number") {
    out.total_price = euros(timesCount(out.count, cents(out.price) - cents(num(out.discount))));
  }
  return out;
}

/** Fills totals the input left out, per the design.md model. */
function fillTotals(order: Json, rows: Json[]): void {
  const rowDiscounts = rows.reduce((s, r) => s + timesCount(num(r.count), cents(num(r.discount))), 0);
  const t = computeTotals({
    rowsGross: order.order_row_taxes_included !== false,
    shippingGross: order.shipping_taxes_included !== false,
    rows: rows.map((r) => ({ totalCents: cents(num(r.total_price)), discountCents: timesCount(num(r.count), cents(num(r.discount))), rate: num(r.tax) })),
    shippingCents: cents(num(order.total_shipping)),
    shippingRate: num(order.shipping_tax_percentage),
    paymethodCostsCents: cents(num(order.paymethod_costs)),
    extraCostsCents: cents(num(order.extra_costs)),
    couponCents: order.total_discounts === undefined ? 0 : cents(num(order.total_discounts)) - rowDiscounts,
    creditPointsCents: cents(num(order.credit_point_discount)),
  });
  order.total_orderrow_price ??= euros(t.totalOrderrowPriceCents);
  order.total_discounts ??= euros(t.totalDiscountsCents);
  order.total_price ??= euros(t.totalPriceCents);
  order.total_tax ??= euros(t.totalTaxCents);
}

export function orderFromInput(input: unknown, ctx: InputContext): SimOrder {
  if (!isObject(input)) throw new BadInput("body must be a JSON order object");
  if (!Array.isArray(input.orderrows)) throw new BadInput("orderrows must be an array of order rows (rows are inline in /__sim/orders)");
  const id = input.id === undefined ? ctx.nextOrderId() : Number(input.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new BadInput("id must be a positive integer");
  const href = typeof input.href === "string" ? input.href : `${ctx.api}orders/${id}/`;
  const completed = input.is_completed !== false;
  const ordernumber = "ordernumber" in input ? input.ordernumber : completed ? ctx.nextOrdernumber() : null;
  const link = (sub: string) => ({ href: `${href}${sub}/` });

  const order: Json = {
    href,
    ordernumber_prefix: null,
    ordernumber_full: ordernumber == null ? null : String(ordernumber),
    invoicenumber: null,
    transaction_id: null,
    create_date: formatCcvDate(new Date(ctx.now)),
    deliver_method: "shipping",
    deliver_date: null,
    take_out_window: { start: null, end: null },
    is_platform_sale: false,
    orderedinlng: "nl",
    status: completed ? 1 : null,
    is_completed: completed,
    basket_href: null,
    checkout_href: null,
    paid: false,
    safety_deposit_returned: false,
    paymethod_id: 1,
    paymethod: "Ideal",
    paymethod_label: "iDEAL",
    taxes_included: true,
    order_row_taxes_included: true,
    shipping_taxes_included: true,
    shipping_tax_percentage: 21,
    is_intra_community_order: false,
    total_shipping: 0,
    currency: "EUR",
    total_weight: 0,
    extra_payment_option: "",
    extra_payment_option_price: 0,
    extra_payment_option_no_sentprice: false,
    extra_payment_option_pay_on_pickup: false,
    extra_price: 0,
    paymethod_costs: 0,
    credit_point_discount: 0,
    extra_costs: 0,
    extra_costs_description: "",
    track_and_trace_code: "",
    track_and_trace_carrier: null,
    track_and_trace_deeplink: "",
    reservationnumber: "",
    delivery_option: null,
    user: { id: null, discount_percentage: 0, href: null },
    discountcoupon: { code: "", discount: 0, type: "", enddate: null, onetimeuse: false, minimumprice: 0, givesfreeshipping: false },
    pickup_address: null,
    packing_slip_deeplink: `${ctx.origin}/PackingSlip.php?OrderId=${id}`,
    ordernotes: link("ordernotes"),
    ordermessages: link("ordermessages"),
    ordernotifications: link("ordernotifications"),
    orderaffiliatenetworks: link("orderaffiliatenetworks"),
    orderlabels: link("orderlabels"),
    invoices: link("invoices"),
    ...input,
    id,
    ordernumber,
  };
  if (isObject(order.customer) && order.customer.deliveryaddress === undefined) order.customer = { ...order.customer, deliveryaddress: emptyAddress() };
  const rows = input.orderrows.map((r) => rowWithDefaults(r, id, href, ctx));
  fillTotals(order, rows);
  order.orderrows = rows;

  checkTypes(order, ORDER_TYPES, "order");
  if (!isObject((order.customer as Json).billingaddress)) throw new BadInput("order refused: customer.billingaddress must be an object");
  rows.forEach((r, i) => checkTypes(r, ROW_TYPES, `orderrows.${i}`));
  return order as unknown as SimOrder;
}

type Kind = "int" | "number" | "count" | "boolean" | "string" | "date" | "object" | "int?" | "status?";

/** The documented type of each field the simulator serves from an order (docs/reference/ccvshop-api.md#order-fields). */
const ORDER_TYPES: Readonly<Record<string, Kind>> = {
  id: "int",
  ordernumber: "int?",
  status: "status?",
  create_date: "date",
  paid: "boolean",
  is_completed: "boolean",
  order_row_taxes_included: "boolean",
  shipping_taxes_included: "boolean",
  is_intra_community_order: "boolean",
  shipping_tax_percentage: "number",
  total_shipping: "number",
  total_discounts: "number",
  total_price: "number",
  total_tax: "number",
  paymethod_costs: "number",
  credit_point_discount: "number",
  extra_costs: "number",
  currency: "string",
  customer: "object",
};
/** And of an order row (docs/reference/ccvshop-api.md#order-row-fields). */
const ROW_TYPES: Readonly<Record<string, Kind>> = { id: "int", product_name: "string", count: "count", price: "number", discount: "number", total_price: "number", tax: "count" };

function fits(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case "int":
      return Number.isSafeInteger(v) && (v as number) > 0;
    case "int?":
      return v === null || Number.isSafeInteger(v);
    case "status?":
      return v === null || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 14);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "count":
      return typeof v === "number" && Number.isFinite(v) && v >= 0;
    case "boolean":
      return typeof v === "boolean";
    case "string":
      return typeof v === "string";
    case "date":
      return typeof v === "string" && !Number.isNaN(Date.parse(v));
    case "object":
      return isObject(v);
  }
}

function checkTypes(doc: Json, types: Readonly<Record<string, Kind>>, where: string): void {
  const bad = Object.entries(types).filter(([k, kind]) => !fits(doc[k], kind));
  if (bad.length) throw new BadInput(`${where} refused: ${bad.map(([k, kind]) => `${k} must be ${kind === "count" ? "a number ≥ 0" : kind.replace("?", " or null")}`).join("; ")}`);
}
