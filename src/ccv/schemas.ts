/**
 * zod schemas of the CCV Shop REST API resources this package reads (orders, order rows,
 * invoices, users, products, webshops, webhooks). See the reference ccvshop-api.md §2-§7.
 *
 * Tolerant where the real API is: ids arrive as numbers or numeric strings, empty values as
 * `""` or `null`, unknown fields are kept (loose objects). Strict where money is concerned:
 * amounts must be finite JSON numbers, counts must not be negative.
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

export const ccvLink = z.looseObject({ href: ccvText });

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

/** The order-level amounts, VAT flags and account link that orders and invoices share (§3.3, §5). */
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

export const ccvOrder = z.looseObject({
  href: ccvText.optional(),
  id: ccvId,
  ordernumber_prefix: z.string().nullish(),
  /** null until the checkout is completed. */
  ordernumber: z.number().int().nullable(),
  ordernumber_full: z.string().nullish(),
  invoicenumber: z.number().int().nullish(),
  create_date: ccvDateTime,
  /** 1-14 (§3.4); null while the checkout is not completed. */
  status: z.number().int().min(1).max(14).nullable(),
  is_completed: z.boolean().nullish(),
  paid: z.boolean(),
  deliver_method: ccvText.optional(),
  paymethod_id: z.number().nullish(),
  paymethod: ccvText,
  paymethod_label: ccvText,
  taxes_included: z.boolean(),
  /** Row prices include VAT (gross) when true, exclude it (net) when false. */
  order_row_taxes_included: z.boolean(),
  is_platform_sale: z.boolean().nullish(),
  total_orderrow_price: ccvMoneyOr0,
  ...ccvDocumentAmounts,
  discountcoupon: ccvDiscountCoupon.nullish(),
  customer: ccvPersonalInfo.nullable(),
  orderrows: ccvLink.optional(),
});
export type CcvOrder = z.infer<typeof ccvOrder>;
export type CcvOrderInput = z.input<typeof ccvOrder>;

export const ccvOrderRow = z.looseObject({
  href: ccvText.optional(),
  id: ccvId,
  order_id: ccvId.optional(),
  product_type: ccvText,
  product_id: ccvOptionalId,
  product_name: ccvText,
  /** The merchant's article number (SKU); `""` for free-text rows. */
  product_number: ccvText,
  sub_product_number: ccvText,
  count: z.number().refine(Number.isFinite, "expected a finite count").refine((n) => n >= 0, "count must not be negative"),
  /** Original price per unit, before discount; gross or net per `order_row_taxes_included`. */
  price: ccvMoney,
  /** Discount amount per unit (not a percentage). */
  discount: ccvMoneyOr0,
  /** Total row price: count x (price - discount) plus attribute surcharges. */
  total_price: ccvMoney,
  /** VAT percentage of the row, e.g. 21. */
  tax: z.number().refine(Number.isFinite, "expected a finite VAT percentage").refine((n) => n >= 0, "VAT must not be negative"),
  unit: ccvText,
});
export type CcvOrderRow = z.infer<typeof ccvOrderRow>;
export type CcvOrderRowInput = z.input<typeof ccvOrderRow>;

/** A CCV invoice (debit or credit). Credit invoices carry negative amounts in the simulator. */
export const ccvInvoice = z.looseObject({
  id: ccvId,
  invoicenumber: z.number().int().nullish(),
  invoicenumber_full: z.string().nullish(),
  ordernumber: z.number().int().nullish(),
  ordernumber_full: z.string().nullish(),
  create_date: ccvDateTime,
  /** `debit` or `credit` (exact strings UNCERTAIN; we accept any case). */
  type: z.string().transform((s) => s.toLowerCase()),
  status: z.union([z.number(), z.string()]).nullish(),
  taxes_included: z.boolean().nullish(),
  invoice_row_taxes_included: z.boolean(),
  ...ccvDocumentAmounts,
  customer: ccvPersonalInfo.nullable(),
  order: ccvLink.nullish(),
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
  id: ccvId.optional(),
  status: z.number().int(),
  status_name: ccvText,
});

export const ccvWebshopSettings = z.looseObject({
  currency: ccvText,
  prices_include_vat: z.boolean().nullish(),
  order_status: z.array(ccvOrderStatusName).default([]),
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

/** The payload CCV Shop POSTs to a webhook address (§7.3). Only `id` is relied upon. */
export const ccvWebhookPayload = z.looseObject({
  id: ccvId,
  triggered_at: z.string().nullish(),
  order_number: z.union([z.number(), z.string(), z.null()]).optional(),
  status: z.number().nullish(),
  previous_status: z.number().nullish(),
  paid: z.boolean().nullish(),
});
export type CcvWebhookPayload = z.infer<typeof ccvWebhookPayload>;

/** The collection envelope of every list endpoint: absolute `next`, no total count. */
export function ccvCollection<T extends z.ZodType>(item: T) {
  return z.looseObject({
    start: z.number().int(),
    size: z.number().int(),
    href: z.string().nullish(),
    first: z.string().nullish(),
    previous: z.string().nullish(),
    next: z.string().nullish(),
    items: z.array(item),
  });
}

/** The CCV error body (§2.3). */
export const ccvErrorBody = z.looseObject({
  code: z.union([z.string(), z.number()]).transform(String),
  status: z.number().int().optional(),
  developermessage: z.string().optional(),
});
