/**
 * Validation and normalisation of what the domain maps: a CCV order with its rows, or a CCV
 * credit invoice with its rows, into one `Source` with integer cents and basis-point rates.
 *
 * Validation is the zod schemas of src/ccv/schemas.ts. Parsing a whole order costs about as
 * much as mapping it, so an input that is already in the schemas' output form (as the CCV
 * client hands it over) passes a cheap structural check of every field the domain reads and
 * is not parsed again; anything else (raw JSON, bad values) goes through `safeParse`, which
 * either normalises it or refuses it with ORDER_INVALID naming the field.
 */
import type { z } from "zod";
import { ccvInvoice, ccvInvoiceRow, ccvOrder, ccvOrderRow, idFromLink, type CcvInvoice, type CcvOrder, type CcvOrderInput, type CcvOrderRow, type CcvOrderRowInput, type CcvPersonalInfo } from "../ccv/schemas";
import { KoppelingError, describeIssues } from "../errors";
import { amsterdamDate } from "./dates";
import { rateToBasisPoints, timesCountCents, toCents } from "./money";

export interface OrderInput {
  order: CcvOrder | CcvOrderInput;
  rows: ReadonlyArray<CcvOrderRow | CcvOrderRowInput>;
}

export interface CreditInvoiceInput {
  invoice: CcvInvoice | z.input<typeof ccvInvoice>;
  rows: ReadonlyArray<CcvOrderRow | z.input<typeof ccvInvoiceRow>>;
  /** The factuurnummer the original order got in SnelStart (needed unless it follows from the CCV order number alone). */
  originalFactuurnummer?: string;
  /**
   * The original order's `create_date`, when known: a credit note corrects the original supply,
   * so the VAT rules of the order's day apply (its rates; Dutch VAT for an EU consumer before OSS).
   */
  originalCreated?: string;
}

export interface SourceRow {
  /** 1-based position, for messages. */
  index: number;
  id: number;
  name: string;
  productNumber: string;
  /** null when CCV sent none: only the sales-order model needs it (and a row discount, which then refuses it). */
  count: number | null;
  /** Unit price and unit discount as CCV sends them (euros, sign-normalised); price null when CCV sent none (only the sales-order model needs it). */
  price: number | null;
  discount: number;
  totalCents: number;
  /** count x discount in cents: the row discount `total_discounts` may include. */
  discountCents: number;
  rateBp: number;
}

export interface Source {
  kind: "order" | "creditInvoice";
  /** "order 10330", "credit invoice 57": how messages name the document. */
  label: string;
  orderId: number | null;
  invoiceId: number | null;
  ordernumber: number | null;
  ordernumberFull: string;
  invoicenumber: number | null;
  createDate: string;
  /** Amsterdam date of `createDate`, `yyyy-MM-dd`: the booking's date. */
  day: string;
  /**
   * The Amsterdam date whose VAT rules apply (rate tables, OSS or not): `day`, but for a credit
   * invoice its original order's day when known (CreditInvoiceInput `originalCreated`).
   */
  vatDay: string;
  rowsGross: boolean;
  shippingGross: boolean;
  shippingRateBp: number;
  intraCommunity: boolean;
  platformSale: boolean;
  currency: string;
  shippingCents: number;
  paymentCostsCents: number;
  /** Negative: a discount. */
  extraCostsCents: number;
  extraCostsDescription: string;
  creditPointsCents: number;
  totalDiscountsCents: number;
  totalPriceCents: number;
  totalTaxCents: number;
  couponCode: string;
  customer: CcvPersonalInfo | null;
  userId: number | null;
  rows: SourceRow[];
}

// ---- structural check of the schemas' output form (the fast path) ----

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isId = (v: unknown): boolean => isInt(v) && (v as number) >= 0;
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isNil = (v: unknown): v is null | undefined => v === null || v === undefined;

const ADDRESS_TEXT = ["initials", "first_name", "last_name", "full_name", "company", "address_line_1", "address_line_2", "street", "housenumber_suffix", "zipcode", "city", "telephone", "mobile"] as const;

function addressParsed(a: unknown, billing: boolean): boolean {
  if (!isRec(a)) return false;
  for (const k of ADDRESS_TEXT) {
    const v = a[k];
    // zod turns a missing text into "", so "" is the output form; a delivery address may lack the name fields.
    if (!isStr(v) && !(v === undefined && !billing && (k === "first_name" || k === "last_name"))) return false;
  }
  const hn = a.housenumber;
  const cc = a.country_code;
  return (hn === null || isStr(hn)) && (cc === null || (isStr(cc) && cc !== "" && cc === cc.toUpperCase()));
}

function personalInfoParsed(c: unknown): boolean {
  if (c === null) return true;
  if (!isRec(c)) return false;
  return (
    addressParsed(c.billingaddress, true) &&
    (isNil(c.deliveryaddress) || addressParsed(c.deliveryaddress, false)) &&
    isStr(c.email) &&
    isStr(c.btw) &&
    isStr(c.kvk) &&
    isStr(c.customertype)
  );
}

function orderParsed(o: unknown): o is CcvOrder {
  if (!isRec(o)) return false;
  const user = o.user;
  const coupon = o.discountcoupon;
  return (
    isId(o.id) &&
    (o.ordernumber === null || isInt(o.ordernumber)) &&
    (isNil(o.invoicenumber) || isInt(o.invoicenumber)) &&
    (isNil(o.ordernumber_full) || isStr(o.ordernumber_full)) &&
    isStr(o.create_date) &&
    (o.status === null || (isInt(o.status) && (o.status as number) >= 1 && (o.status as number) <= 14)) &&
    isBool(o.order_row_taxes_included) &&
    isBool(o.shipping_taxes_included) &&
    isBool(o.is_intra_community_order) &&
    (isNil(o.is_platform_sale) || isBool(o.is_platform_sale)) &&
    isNum(o.shipping_tax_percentage) &&
    isNum(o.total_shipping) &&
    isNum(o.total_discounts) &&
    isNum(o.total_price) &&
    isNum(o.total_tax) &&
    isNum(o.paymethod_costs) &&
    isNum(o.credit_point_discount) &&
    isNum(o.extra_costs) &&
    isStr(o.extra_costs_description) &&
    isStr(o.currency) &&
    isRec(user) &&
    (user.id === null || isId(user.id)) &&
    (isNil(coupon) || (isRec(coupon) && isStr(coupon.code) && isNum(coupon.discount))) &&
    personalInfoParsed(o.customer)
  );
}

const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);

function rowParsed(r: unknown): r is CcvOrderRow {
  return (
    isRec(r) &&
    isId(r.id) &&
    isStr(r.product_name) &&
    isStr(r.product_number) &&
    isStr(r.product_type) &&
    isNumOrNull(r.count) &&
    !((r.count as number) < 0) &&
    isNumOrNull(r.price) &&
    isNum(r.discount) &&
    isNumOrNull(r.total_price) &&
    isNumOrNull(r.tax) &&
    !((r.tax as number) < 0)
  );
}

// ---- zod fallback ----

function invalid(label: string, where: string, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): KoppelingError {
  return new KoppelingError("ORDER_INVALID", `${label} cannot be booked: ${where}${describeIssues(issues)}`, {
    issues: issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  });
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, label: string, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw invalid(label, where, r.error.issues);
  return r.data;
}

/** "order 10330" from whatever the input holds, for messages about invalid input. */
function rawLabel(kind: string, raw: unknown): string {
  const o = isRec(raw) ? raw : {};
  const nr = o.ordernumber_full ?? o.ordernumber ?? o.invoicenumber;
  if (typeof nr === "number" || (typeof nr === "string" && nr !== "")) return `${kind} ${nr}`;
  return typeof o.id === "number" || typeof o.id === "string" ? `${kind} with id ${o.id}` : kind;
}

function checkedRate(rate: number, label: string, where: string): number {
  const bp = rateToBasisPoints(rate);
  if (Number.isNaN(bp)) {
    throw new KoppelingError("ORDER_INVALID", `${label} cannot be booked: ${where}VAT rate ${rate} % has more than 2 decimals.`, { rate });
  }
  return bp;
}

/** ORDER_INVALID for a row value CCV sent empty (null) where the booking needs it. */
export function rowValueMissing(label: string, row: { index: number; id: number; name: string }, field: string, why: string): KoppelingError {
  const where = `row ${row.index} (${row.name || `id ${row.id}`})`;
  return new KoppelingError("ORDER_INVALID", `${label} cannot be booked: ${where} has no ${field} in CCV Shop (found null), and ${why}.`, {
    row: where,
    field,
    found: "null",
  });
}

function sourceRows(rows: readonly CcvOrderRow[], sign: number, label: string): SourceRow[] {
  return rows.map((r, i) => {
    const where = `row ${i + 1} (${r.product_name || `id ${r.id}`}): `;
    const missing = (field: string, why: string) => rowValueMissing(label, { index: i + 1, id: r.id, name: r.product_name }, field, why);
    if (r.total_price === null) throw missing("total_price", "the row's amount is booked from it");
    if (r.tax === null) throw missing("tax", "its VAT rate decides the ledger and the VAT");
    if (r.count === null && r.discount !== 0) throw missing("count", "its discount per unit is counted with it");
    return {
      index: i + 1,
      id: r.id,
      name: r.product_name,
      productNumber: r.product_number.trim(),
      count: r.count,
      price: r.price === null ? null : sign * r.price,
      discount: sign * r.discount,
      totalCents: sign * toCents(r.total_price),
      discountCents: r.count === null ? 0 : sign * timesCountCents(r.count, r.discount),
      rateBp: checkedRate(r.tax, label, where),
    };
  });
}

function dayOf(createDate: string, label: string): string {
  try {
    return amsterdamDate(createDate);
  } catch {
    throw new KoppelingError("ORDER_INVALID", `${label} cannot be booked: create_date "${createDate}" is not a date-time.`, { create_date: createDate });
  }
}

/** The Amsterdam day of a credit invoice's original order (msg.ccv.originalCreated). */
function originalDay(created: string, label: string): string {
  try {
    return amsterdamDate(created);
  } catch {
    throw new KoppelingError("ORDER_INVALID", `${label} cannot be booked: its order's create_date (msg.ccv.originalCreated) "${created}" is not a date-time.`, { originalCreated: created });
  }
}

/** A validated, normalised order; ORDER_INVALID (naming the field) when the input is not a valid CCV order. */
export function orderSource(input: OrderInput): Source {
  const raw = input?.order;
  let label = rawLabel("Order", raw);
  const order = orderParsed(raw) ? raw : parseWith(ccvOrder, raw, label, "");
  if (!Array.isArray(input.rows)) throw invalid(label, "", [{ path: ["rows"], message: "expected the order rows (an array)" }]);
  const rows = input.rows.map((r, i) => (rowParsed(r) ? r : parseWith(ccvOrderRow, r, label, `row ${i + 1}: `)));
  if (order.ordernumber === null) {
    throw new KoppelingError("ORDER_INVALID", `${label} cannot be booked: the checkout is not completed (it has no order number yet).`, { orderId: order.id });
  }
  label = `Order ${order.ordernumber_full || order.ordernumber}`;
  const day = dayOf(order.create_date, label);
  return {
    kind: "order",
    label,
    orderId: order.id,
    invoiceId: null,
    ordernumber: order.ordernumber,
    ordernumberFull: order.ordernumber_full || String(order.ordernumber),
    invoicenumber: order.invoicenumber ?? null,
    createDate: order.create_date,
    day,
    vatDay: day,
    rowsGross: order.order_row_taxes_included,
    shippingGross: order.shipping_taxes_included,
    shippingRateBp: checkedRate(order.shipping_tax_percentage, label, "shipping: "),
    intraCommunity: order.is_intra_community_order,
    platformSale: order.is_platform_sale === true,
    currency: order.currency,
    shippingCents: toCents(order.total_shipping),
    paymentCostsCents: toCents(order.paymethod_costs),
    extraCostsCents: toCents(order.extra_costs),
    extraCostsDescription: order.extra_costs_description.trim(),
    creditPointsCents: toCents(order.credit_point_discount),
    totalDiscountsCents: toCents(order.total_discounts),
    totalPriceCents: toCents(order.total_price),
    totalTaxCents: toCents(order.total_tax),
    couponCode: order.discountcoupon?.code.trim() ?? "",
    customer: order.customer,
    userId: order.user.id,
    rows: sourceRows(rows, 1, label),
  };
}

/**
 * A validated, normalised credit invoice. CCV may send a credit invoice with negative or with
 * positive amounts: when the total is negative every amount is negated, so the invoice reads
 * like the (part of the) order it refunds and a discount stays a discount.
 */
export function creditInvoiceSource(input: CreditInvoiceInput): Source {
  let label = rawLabel("Credit invoice", input?.invoice);
  const invoice = parseWith(ccvInvoice, input.invoice, label, "");
  if (!Array.isArray(input.rows)) throw invalid(label, "", [{ path: ["rows"], message: "expected the invoice rows (an array)" }]);
  const rows = input.rows.map((r, i) => parseWith(ccvInvoiceRow, r, label, `row ${i + 1}: `));
  label = `Credit invoice ${invoice.invoicenumber_full || invoice.invoicenumber || `with id ${invoice.id}`}`;
  if (invoice.type === "debit") {
    throw new KoppelingError("ORDER_INVALID", `${label} is a debit invoice, not a credit invoice.`, { invoiceId: invoice.id });
  }
  const rowSum = rows.reduce((s, r) => s + (r.total_price ?? 0), 0);
  const day = dayOf(invoice.create_date, label);
  const sign = (invoice.total_price || invoice.total_tax || rowSum) < 0 ? -1 : 1;
  return {
    kind: "creditInvoice",
    label,
    orderId: idFromLink(invoice.order, "orders"),
    invoiceId: invoice.id,
    ordernumber: invoice.ordernumber ?? null,
    ordernumberFull: invoice.ordernumber_full || (invoice.ordernumber == null ? "" : String(invoice.ordernumber)),
    invoicenumber: invoice.invoicenumber ?? null,
    createDate: invoice.create_date,
    day,
    vatDay: input.originalCreated === undefined ? day : originalDay(input.originalCreated, label),
    rowsGross: invoice.invoice_row_taxes_included,
    shippingGross: invoice.shipping_taxes_included,
    shippingRateBp: checkedRate(invoice.shipping_tax_percentage, label, "shipping: "),
    intraCommunity: invoice.is_intra_community_order,
    platformSale: false,
    currency: invoice.currency,
    shippingCents: sign * toCents(invoice.total_shipping),
    paymentCostsCents: sign * toCents(invoice.paymethod_costs),
    extraCostsCents: sign * toCents(invoice.extra_costs),
    extraCostsDescription: invoice.extra_costs_description.trim(),
    creditPointsCents: sign * toCents(invoice.credit_point_discount),
    totalDiscountsCents: sign * toCents(invoice.total_discounts),
    totalPriceCents: sign * toCents(invoice.total_price),
    totalTaxCents: sign * toCents(invoice.total_tax),
    couponCode: "",
    customer: invoice.customer,
    userId: invoice.user.id,
    rows: sourceRows(rows, sign, label),
  };
}

/** What a rate is first used for, for messages: "row 2 (Boek)" or "shipping/costs". */
function usedBy(src: Source, bp: number): string {
  const row = src.rows.find((r) => r.rateBp === bp && r.totalCents !== 0);
  return row ? `row ${row.index} (${row.name || `id ${row.id}`})` : "shipping/costs";
}

/** VAT_UNMAPPED_RATE naming the document, the row and the rate; `why` completes "VAT rate 7 % ...". */
export function unmappedRate(src: Source, bp: number, why: string): KoppelingError {
  const row = usedBy(src, bp);
  return new KoppelingError("VAT_UNMAPPED_RATE", `${src.label}, ${row}: VAT rate ${bp / 100} % ${why}`, { order: src.ordernumberFull, row, rate: bp / 100 });
}
