/**
 * The shapes the simulator serves its documents in. CCV's own documentation and the captured real
 * orders disagree on details (docs/reference/ccvshop-api.md#data-types, #sample-order, #invoices),
 * so the simulator serves both:
 *
 * - `strict`: the documented shape (numbers as numbers, links as `{href}` with a trailing slash,
 *   every field present).
 * - `real`: what the evidence shows real shops and CCV's JSON schemas allow: ids as numeric
 *   strings (`user.id: "24464274"` in the captured order), an invoice's `order` as a URL string,
 *   links without a trailing slash, invoice `status` as the documented numbers (1 paid, 2 unpaid,
 *   3 reimbursed) and `type` capitalised, settings' `order_status[].status` as strings,
 *   `product_in_category_discount` as a string, nulls in the row fields nobody books from, and
 *   optional fields left out.
 * - `mixed` (the default): each document in one of the two, chosen by the seed and its id, so
 *   every suite and the demo meet both.
 *
 * Only the served JSON changes; what the simulator stores (and the control API shows) stays in
 * the strict shape. Which fields vary, and how, is our choice (docs/design.md lists it as invented).
 */
export type ShapeMode = "strict" | "real" | "mixed";
export type Shape = "strict" | "real";

export const SHAPE_MODES: readonly ShapeMode[] = ["strict", "real", "mixed"];

export function parseShapeMode(raw: string): ShapeMode {
  if (!(SHAPE_MODES as readonly string[]).includes(raw)) throw new Error(`--shapes must be ${SHAPE_MODES.join(", ")}, not "${raw}"`);
  return raw as ShapeMode;
}

/** A document's shape: fixed by the mode, or in `mixed` by a hash of the seed and the document's id. */
export function shapeOf(mode: ShapeMode, seed: number, id: number): Shape {
  if (mode !== "mixed") return mode;
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(id | 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return ((h ^ (h >>> 15)) & 1) === 0 ? "strict" : "real";
}

type Json = Record<string, unknown>;

const noSlash = (href: unknown) => (typeof href === "string" ? href.replace(/\/+$/, "") : href);
const asString = (v: unknown) => (typeof v === "number" ? String(v) : v);
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function without(doc: Json, keys: readonly string[]): Json {
  const out = { ...doc };
  for (const k of keys) delete out[k];
  return out;
}

/** `{href}` links without their trailing slash. */
function linksWithoutSlash(doc: Json): Json {
  const out: Json = { ...doc, href: noSlash(doc.href) };
  for (const [k, v] of Object.entries(doc)) if (isObject(v) && Object.keys(v).length === 1 && "href" in v) out[k] = { href: noSlash(v.href) };
  return out;
}

function userRef(user: unknown): unknown {
  return isObject(user) ? { ...user, id: asString(user.id), href: noSlash(user.href) } : user;
}

/** Optional order fields a real shop may leave out. */
const ORDER_OPTIONAL = ["is_platform_sale", "basket_href", "checkout_href", "take_out_window", "taxes_included", "extra_payment_option_price", "safety_deposit_returned", "deliver_date"];

export function shapeOrder(order: Json, shape: Shape): Json {
  if (shape === "strict") return order;
  return { ...without(linksWithoutSlash(order), ORDER_OPTIONAL), paymethod_id: asString(order.paymethod_id), user: userRef(order.user) };
}

export function shapeRow(row: Json, shape: Shape): Json {
  if (shape === "strict") return row;
  const out = linksWithoutSlash(row);
  return {
    ...out,
    id: asString(row.id),
    order_id: asString(row.order_id),
    invoice_id: asString(row.invoice_id),
    product_id: asString(row.product_id),
    // Nulls where CCV's schema allows them and nothing is booked from them.
    discount: row.discount === 0 ? null : row.discount,
    user_discount: null,
    product_purchase_price: null,
    weight: null,
  };
}

const INVOICE_STATUS_NUMBER: Readonly<Record<string, number>> = { paid: 1, unpaid: 2, reimbursed: 3 };

export function shapeInvoice(invoice: Json, shape: Shape): Json {
  if (shape === "strict") return invoice;
  const out = linksWithoutSlash(invoice);
  const type = String(invoice.type);
  return {
    ...without(out, ["extra_costs_description", "payment_link_sent"]),
    // CCV's JSON schema gives the order link as a URL string.
    order: isObject(invoice.order) ? noSlash(invoice.order.href) : invoice.order,
    status: INVOICE_STATUS_NUMBER[String(invoice.status)] ?? invoice.status,
    type: type.charAt(0).toUpperCase() + type.slice(1),
    user: userRef(invoice.user),
  };
}

export function shapeUser(user: Json, shape: Shape): Json {
  if (shape === "strict") return user;
  return { ...linksWithoutSlash(user), id: asString(user.id), product_in_category_discount: user.product_in_category_discount ? "1" : "0" };
}

export function shapeSettings(settings: Json, shape: Shape): Json {
  if (shape === "strict") return settings;
  const statuses = Array.isArray(settings.order_status) ? settings.order_status : [];
  return { ...settings, order_status: statuses.map((s: unknown) => (isObject(s) ? { ...s, status: asString(s.status) } : s)) };
}

/** A paging link without the trailing slash of its path (`…/orders?start=25`). */
export function shapePageLink(link: string | null, shape: Shape): string | null {
  if (shape === "strict" || link === null) return link;
  return link.replace(/\/(\?|$)/, "$1");
}
