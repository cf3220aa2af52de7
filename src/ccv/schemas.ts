/**
 * zod schemas of the CCV Shop REST API resources this package reads (orders, order rows,
 * invoices, users, products, webshops, webhooks), after CCV's API documentation and the
 * captured real orders (docs/design.md "What the koppeling reads from CCV Shop").
 *
 * Read liberally, validate what is used: only the fields the koppeling reads are checked, every
 * other field passes through unvalidated (loose objects). Ids and numbers arrive as numbers or
 * numeric strings, empty values as `""`, `null` or a missing key, links as `{href}` or a URL
 * string, with or without a trailing slash. Strict where money is concerned: the amounts and VAT
 * flags a booking depends on must be there, as finite numbers and booleans.
 *
 * Each list item is checked on its own (`checkDocument`), so one bad document fails alone; the
 * `*Head` schemas hold the few fields that decide whether a document is due at all.
 */
import { z } from "zod";

/** An id: a number, or a numeric string as in the verbatim sample (`"user":{"id":"24464274"}`). */
export const ccvId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "expected a numeric id")])
  .transform((v) => Number(v));

/*
 * zod 4 treats an object key as optional only when its schema is `.optional()`/`.nullish()`
 * (a union containing `z.undefined()` still requires the key), so the "may be missing" schemas
 * below are built on `.nullish()`: CCV leaves keys out (e.g. `first_name` in a delivery address).
 */

/** A whole number sent as a number or a numeric string (`ordernumber: "10330"`). */
export const ccvInt = z
  .union([z.number().int(), z.string().regex(/^\s*-?\d+\s*$/, "expected a whole number")])
  .transform((v) => Number(v));

/** An id that may be absent (`null`, `""`, missing), e.g. `user.id` of a guest order. */
export const ccvOptionalId = z
  .union([ccvId, z.literal("")])
  .nullish()
  .transform((v) => (v === "" || v == null ? null : v));

/** Money as CCV sends it: a JSON number in euros (`590`, `102.4`). NaN, Infinity and strings are refused. */
export const ccvMoney = z.number().refine(Number.isFinite, "expected a finite amount");
/** Money that may be missing; missing counts as 0. */
export const ccvMoneyOr0 = ccvMoney.nullish().transform((v) => v ?? 0);

/** A string field where CCV sends `""` or `null` (or leaves it out) for "empty"; normalised to `""`. */
export const ccvText = z
  .string()
  .nullish()
  .transform((v) => v ?? "");

/** UTC ISO 8601 date-time as CCV sends it (`2022-11-07T21:51:00Z`). */
export const ccvDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expected an ISO 8601 date-time");

/**
 * A link to another resource: `{href}` (as in the order sample) or the URL itself as a string
 * (as CCV's JSON schema gives an invoice's `order`); null or missing when there is none.
 * Normalised to `{href}` or null.
 */
export const ccvLink = z
  .union([z.string(), z.looseObject({ href: ccvText })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === "string" ? { href: v } : v.href ? { href: v.href } : null));

/** The numeric id at the end of a CCV link (`…/orders/123` or `…/orders/123/`), or null. */
export function idFromLink(link: { href: string } | null | undefined, resource: string): number | null {
  const m = link ? new RegExp(`/${resource}/(\\d+)/?(?:[?#].*)?$`).exec(link.href) : null;
  return m ? Number(m[1]) : null;
}

export const ccvAddress = z.looseObject({
  gender: z.string().nullish(),
  initials: ccvText,
  first_name: ccvText,
  last_name: ccvText,
  full_name: ccvText,
  company: ccvText,
  address_line_1: ccvText,
  address_line_2: ccvText,
  street: ccvText,
  housenumber: z
    .union([z.number(), z.string()])
    .nullish()
    .transform((v) => (v == null || v === "" ? null : String(v))),
  housenumber_suffix: ccvText,
  zipcode: ccvText,
  city: ccvText,
  province: ccvText,
  country: ccvText,
  /** ISO 3166-1 alpha-2; `null`/`""` in a delivery address that equals the billing address. */
  country_code: z
    .string()
    .nullish()
    .transform((v) => (v == null || v === "" ? null : v.toUpperCase())),
  telephone: ccvText,
  mobile: ccvText,
  fax: ccvText,
  comment: ccvText,
});
export type CcvAddress = z.infer<typeof ccvAddress>;

/** "Personalinfo": the customer block of an order, invoice or user. */
export const ccvPersonalInfo = z.looseObject({
  billingaddress: ccvAddress,
  deliveryaddress: ccvAddress.nullish(),
  email: ccvText,
  /** `b2c` or `b2b` per the docs; kept as a string because other values are not excluded. */
  customertype: ccvText,
  /** The customer's VAT number. */
  btw: ccvText,
  kvk: ccvText,
  reference: ccvText,
});
export type CcvPersonalInfo = z.infer<typeof ccvPersonalInfo>;

export const ccvDiscountCoupon = z.looseObject({
  code: ccvText,
  discount: ccvMoneyOr0,
  type: ccvText,
  givesfreeshipping: z.boolean().nullish(),
});

/** The order-level amounts, VAT flags and account link that orders and invoices share (docs/reference/ccvshop-api.md#order-fields, #invoices). */
const ccvDocumentAmounts = {
  /** Shipping (and, by our rule, payment and extra costs) include VAT when true. */
  shipping_taxes_included: z.boolean(),
  shipping_tax_percentage: ccvMoneyOr0,
  is_intra_community_order: z.boolean(),
  total_shipping: ccvMoneyOr0,
  total_discounts: ccvMoneyOr0,
  total_price: ccvMoney,
  total_tax: ccvMoney,
  currency: z.string().default("EUR"),
  paymethod_costs: ccvMoneyOr0,
  credit_point_discount: ccvMoneyOr0,
  /** Handling costs; negative values are used as a discount. */
  extra_costs: ccvMoneyOr0,
  extra_costs_description: ccvText,
  /** The customer account; `id` null for a guest. */
  user: z
    .looseObject({ id: ccvOptionalId, href: z.string().nullish() })
    .nullish()
    .transform((u) => u ?? { id: null }),
};

/** An order status 1-14 (docs/reference/ccvshop-api.md#order-status-codes), as a number or a numeric string; null while the checkout is not completed. */
const ccvOrderStatus = ccvInt.pipe(z.number().min(1, "expected a status from 1 to 14").max(14, "expected a status from 1 to 14")).nullish().transform((v) => v ?? null);

/**
 * The fields that decide whether an order is due (ccv-orders-in): read first, so that an order
 * that is not due is left alone whatever else it holds, and a due order that does not fit the
 * whole schema fails alone, by its id.
 */
export const ccvOrderHead = z.looseObject({
  id: ccvId,
  /** null until the checkout is completed. */
  ordernumber: ccvInt.nullish().transform((v) => v ?? null),
  create_date: ccvDateTime,
  status: ccvOrderStatus,
  is_completed: z.boolean().nullish(),
  paid: z.boolean(),
});
export type CcvOrderHead = z.infer<typeof ccvOrderHead>;

export const ccvOrder = z.looseObject({
  ...ccvOrderHead.shape,
  href: ccvText.optional(),
  ordernumber_prefix: z.string().nullish(),
  ordernumber_full: z.string().nullish(),
  invoicenumber: ccvInt.nullish(),
  deliver_method: ccvText.optional(),
  paymethod_id: ccvOptionalId,
  paymethod: ccvText,
  paymethod_label: ccvText,
  taxes_included: z.boolean().nullish(),
  /** Row prices include VAT (gross) when true, exclude it (net) when false. */
  order_row_taxes_included: z.boolean(),
  is_platform_sale: z.boolean().nullish(),
  total_orderrow_price: ccvMoneyOr0,
  ...ccvDocumentAmounts,
  discountcoupon: ccvDiscountCoupon.nullish(),
  customer: ccvPersonalInfo.nullish().transform((v) => v ?? null),
  orderrows: ccvLink.optional(),
});
export type CcvOrder = z.infer<typeof ccvOrder>;
export type CcvOrderInput = z.input<typeof ccvOrder>;

/** A number CCV may send as null (every order-row amount is nullable in CCV's schema); missing is null too. */
const nullableNumber = (what: string) =>
  z
    .number()
    .refine(Number.isFinite, `expected a finite ${what}`)
    .nullish()
    .transform((v) => v ?? null);

/**
 * An order row. `count`, `price`, `tax` and `total_price` may be null (CCV's schema allows it):
 * the domain refuses the order, naming the row and the field, only where the mapping needs the
 * value (docs/design.md).
 */
export const ccvOrderRow = z.looseObject({
  href: ccvText.optional(),
  id: ccvId,
  order_id: ccvOptionalId.optional(),
  product_type: ccvText,
  product_id: ccvOptionalId,
  product_name: ccvText,
  /** The merchant's article number (SKU); `""` for free-text rows. */
  product_number: ccvText,
  sub_product_number: ccvText,
  count: nullableNumber("count").refine((n) => n == null || n >= 0, "count must not be negative"),
  /** Original price per unit, before discount; gross or net per `order_row_taxes_included`. */
  price: nullableNumber("amount"),
  /** Discount amount per unit (not a percentage). */
  discount: ccvMoneyOr0,
  /** Total row price: count x (price - discount) plus attribute surcharges. */
  total_price: nullableNumber("amount"),
  /** VAT percentage of the row, e.g. 21. */
  tax: nullableNumber("VAT percentage").refine((n) => n == null || n >= 0, "VAT must not be negative"),
  unit: ccvText,
});
export type CcvOrderRow = z.infer<typeof ccvOrderRow>;
export type CcvOrderRowInput = z.input<typeof ccvOrderRow>;

const INVOICE_STATUS: Readonly<Record<string, string>> = { "1": "paid", "2": "unpaid", "3": "reimbursed" };

/**
 * An invoice's `type`: `debit` or `credit` in any casing (the exact strings are UNCERTAIN);
 * anything else reads as `unknown`, which the koppeling never books.
 */
const ccvInvoiceType = z.unknown().transform((v): "debit" | "credit" | "unknown" => {
  const t = typeof v === "string" ? v.trim().toLowerCase() : "";
  return t === "debit" || t === "credit" ? t : "unknown";
});

/** The fields that decide whether an invoice matters: only credit invoices of booked orders do. */
export const ccvInvoiceHead = z.looseObject({
  id: ccvId,
  type: ccvInvoiceType,
  ordernumber: ccvInt.nullish().transform((v) => v ?? null),
  /** Read when it can be (the invoices' high-water mark); required of a whole invoice. */
  create_date: ccvDateTime.optional().catch(undefined),
});
export type CcvInvoiceHead = z.infer<typeof ccvInvoiceHead>;

/** A CCV invoice (debit or credit). Credit invoices carry negative amounts in the simulator. */
export const ccvInvoice = z.looseObject({
  ...ccvInvoiceHead.shape,
  type: ccvInvoiceType.refine((t) => t !== "unknown", "expected debit or credit"),
  invoicenumber: ccvInt.nullish(),
  invoicenumber_full: z.string().nullish(),
  ordernumber_full: z.string().nullish(),
  create_date: ccvDateTime,
  /** `paid`, `unpaid`, `reimbursed` in any casing, or the documented numbers 1, 2, 3; normalised to lower case. */
  status: z
    .union([z.number(), z.string()])
    .nullish()
    .transform((v) => (v == null ? null : (INVOICE_STATUS[String(v).trim()] ?? String(v).trim().toLowerCase()))),
  taxes_included: z.boolean().nullish(),
  invoice_row_taxes_included: z.boolean(),
  ...ccvDocumentAmounts,
  customer: ccvPersonalInfo.nullish().transform((v) => v ?? null),
  /** The order it belongs to: `{href}`, a URL string or null (CCV's schema gives a URL string). */
  order: ccvLink,
  invoicerows: ccvLink.optional(),
});
export type CcvInvoice = z.infer<typeof ccvInvoice>;

export const ccvInvoiceRow = ccvOrderRow.extend({ invoice_id: ccvId.optional() });
export type CcvInvoiceRow = z.infer<typeof ccvInvoiceRow>;

export const ccvUser = z.looseObject({
  id: ccvId,
  username: ccvText,
  userinfo: ccvPersonalInfo.nullish(),
});
export type CcvUser = z.infer<typeof ccvUser>;

export const ccvProduct = z.looseObject({
  id: ccvId,
  productnumber: ccvText,
  name: ccvText,
  price: ccvMoneyOr0,
  taxtariff: ccvText,
});
export type CcvProduct = z.infer<typeof ccvProduct>;

export const ccvWebshop = z.looseObject({
  id: ccvId,
  name: ccvText,
  api_root: ccvText.optional(),
});
export type CcvWebshop = z.infer<typeof ccvWebshop>;

export const ccvOrderStatusName = z.looseObject({
  id: ccvOptionalId,
  /** A number or a numeric string. */
  status: ccvInt,
  status_name: ccvText,
});

export const ccvWebshopSettings = z.looseObject({
  currency: ccvText,
  prices_include_vat: z.boolean().nullish(),
  /** The shop's names of the order statuses; an entry that does not fit is left out. */
  order_status: z
    .array(z.unknown())
    .nullish()
    .transform((list) => (list ?? []).flatMap((x) => {
      const r = ccvOrderStatusName.safeParse(x);
      return r.success ? [r.data] : [];
    })),
});
export type CcvWebshopSettings = z.infer<typeof ccvWebshopSettings>;

export const ccvWebhookEvent = z.enum(["orders.created", "orders.updated.ispaid", "orders.updated.status"]);

export const ccvWebhook = z.looseObject({
  id: ccvId,
  event: z.string(),
  address: z.string(),
  key: ccvText,
  is_active: z.boolean().nullish(),
  createdate: z.string().nullish(),
});
export type CcvWebhook = z.infer<typeof ccvWebhook>;

/**
 * The payload CCV Shop POSTs to a webhook address (docs/reference/ccvshop-api.md#webhook-payload).
 * Only `id` is used (the order is then fetched through the signed API), so only `id` is checked: a
 * positive integer or numeric string.
 */
export const ccvWebhookPayload = z.looseObject({
  id: ccvId.refine((n) => Number.isSafeInteger(n) && n > 0, "expected a positive order id"),
});

/**
 * The collection envelope of every list endpoint: absolute `next`, no total count. Its items are
 * not checked here: each is checked on its own, so that one bad item does not fail the page.
 */
export const ccvCollection = z.looseObject({
  start: ccvInt.nullish(),
  size: ccvInt.nullish(),
  href: z.string().nullish(),
  next: z.string().nullish(),
  items: z.array(z.unknown()),
});

/** The CCV error body (docs/reference/ccvshop-api.md#error-body). */
export const ccvErrorBody = z.looseObject({
  code: z.union([z.string(), z.number()]).transform(String),
  status: z.number().int().optional(),
  developermessage: z.string().optional(),
});
