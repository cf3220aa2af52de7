/**
 * The JSON shapes the CCV simulator stores and serves, field by field as the reference lists them:
 * docs/reference/ccvshop-api.md#order-fields, #customer-block, #sample-order (orders),
 * docs/reference/ccvshop-api.md#order-row-fields, #sample-order-row (rows) and
 * docs/reference/ccvshop-api.md#invoices (invoices). The zod schemas in src/ccv/schemas.ts are the
 * contract; these types only help the generator fill every field. They are type aliases, not
 * interfaces, so that they are assignable to the schemas' loose input types (an interface has no
 * implicit index signature).
 */

export type Link = {
  href: string;
};

export type CcvAddressJson = {
  gender: string | null;
  initials: string;
  /** Billing addresses only. */
  first_name?: string;
  last_name?: string;
  full_name: string;
  company: string;
  address_line_1: string;
  address_line_2: string;
  street: string;
  housenumber: number | null;
  housenumber_suffix: string;
  zipcode: string;
  city: string;
  province: string;
  telephone: string;
  /** Billing addresses only. */
  fax?: string;
  mobile: string;
  comment: string;
  /** Full Dutch name (`Nederland`); `""` in an empty delivery address. */
  country: string;
  /** ISO 3166-1 alpha-2; `null` in an empty delivery address (= same as billing). */
  country_code: string | null;
};

export type CcvPersonalInfoJson = {
  billingaddress: CcvAddressJson;
  deliveryaddress: CcvAddressJson;
  email_invoice: string;
  email_invoice_company: string;
  email_invoice_union: string;
  email: string;
  customertype: "b2c" | "b2b";
  iban: string;
  bic: string;
  bankaccount: string;
  bank: string;
  bankname: string;
  tenname: string;
  website: string;
  branch: string;
  costcentre: string;
  birthdate: string | null;
  reservationnumber: string;
  btw: string;
  kvk: string;
  reference: string;
};

export type CcvDiscountCouponJson = {
  code: string;
  discount: number;
  /** `percentage` or `price` in the simulator; the real strings are UNCERTAIN (docs/reference/ccvshop-api.md#open-enum-values). */
  type: string;
  enddate: string | null;
  onetimeuse: boolean;
  minimumprice: number;
  givesfreeshipping: boolean;
};

export type CcvUserRefJson = {
  /** Number or numeric string (the verbatim sample has a string); null for a guest. */
  id: number | string | null;
  discount_percentage: number;
  href: string | null;
};

/** An order row as `GET orders/{id}/orderrows/` returns it (docs/reference/ccvshop-api.md#sample-order-row). */
export type CcvOrderRowJson = {
  href: string;
  id: number;
  order_id: number;
  product_type: string;
  product_name: string;
  product_name_google: string;
  product_number: string;
  sub_product_number: string;
  sub_sku_number: string;
  sub_ean_number: string;
  product_id: number | null;
  product_href: string | null;
  count: number;
  price: number;
  product_purchase_price: number;
  discount: number;
  custom_price: boolean;
  tax: number;
  unit: string;
  weight: number;
  memo: string;
  package_id: number;
  package_name: string;
  stock_location: string;
  supplier: string;
  user_discount: number;
  original_price: number;
  selling_price: number;
  price_without_discount: number;
  price_without_discount_with_attributes: number;
  total_price: number;
  total_extra_option_price: number;
  price_with_attributes: number;
  total_price_with_attributes: number;
  attributes: unknown[];
  uploads: unknown[];
  parent: Link;
};

/** An order as `GET orders/{id}/` returns it (docs/reference/ccvshop-api.md#order-fields, #sample-order), without its rows. */
export type CcvOrderJson = {
  href: string;
  id: number;
  ordernumber_prefix: string | null;
  ordernumber: number | null;
  ordernumber_full: string | null;
  invoicenumber: number | null;
  transaction_id: string | null;
  create_date: string;
  deliver_method: string;
  deliver_date: string | null;
  take_out_window: { start: string | null; end: string | null };
  is_platform_sale: boolean;
  orderedinlng: string;
  status: number | null;
  is_completed: boolean;
  basket_href: string | null;
  checkout_href: string | null;
  paid: boolean;
  safety_deposit_returned: boolean;
  paymethod_id: number;
  paymethod: string;
  paymethod_label: string;
  taxes_included: boolean;
  order_row_taxes_included: boolean;
  shipping_taxes_included: boolean;
  shipping_tax_percentage: number;
  is_intra_community_order: boolean;
  total_orderrow_price: number;
  total_shipping: number;
  total_discounts: number;
  total_price: number;
  currency: string;
  total_tax: number;
  total_weight: number;
  extra_payment_option: string;
  extra_payment_option_price: number;
  extra_payment_option_no_sentprice: boolean;
  extra_payment_option_pay_on_pickup: boolean;
  extra_price: number;
  paymethod_costs: number;
  credit_point_discount: number;
  extra_costs: number;
  extra_costs_description: string;
  track_and_trace_code: string;
  track_and_trace_carrier: string | null;
  track_and_trace_deeplink: string;
  reservationnumber: string;
  delivery_option: string | null;
  user: CcvUserRefJson;
  discountcoupon: CcvDiscountCouponJson;
  customer: CcvPersonalInfoJson;
  pickup_address: null;
  packing_slip_deeplink: string;
  orderrows: Link;
  ordernotes: Link;
  ordermessages: Link;
  ordernotifications: Link;
  orderaffiliatenetworks: Link;
  orderlabels: Link;
  invoices: Link;
};

/** What the simulator stores: the order with its rows inline (served as `orderrows: {href}`). */
export type SimOrder = Omit<CcvOrderJson, "orderrows"> & {
  orderrows: CcvOrderRowJson[];
};

export type CcvInvoiceRowJson = Omit<CcvOrderRowJson, "order_id" | "parent"> & {
  invoice_id: number;
  orderrow: Link | null;
  parent: Link;
};

/** An invoice as `GET invoices/{id}/` returns it (docs/reference/ccvshop-api.md#invoices), without its rows. */
export type CcvInvoiceJson = {
  href: string;
  id: number;
  invoicenumber_prefix: string;
  invoicenumber: number;
  invoicenumber_full: string;
  ordernumber_prefix: string | null;
  ordernumber: number;
  ordernumber_full: string;
  create_date: string;
  /** `paid`, `unpaid` or `reimbursed` (the list filter's values; the field's form is UNCERTAIN). */
  status: "paid" | "unpaid" | "reimbursed";
  status_name: string;
  /** `debit` or `credit` (exact strings UNCERTAIN, docs/reference/ccvshop-api.md#open-enum-values). */
  type: "debit" | "credit";
  payment_link_sent: boolean;
  taxes_included: boolean;
  invoice_row_taxes_included: boolean;
  is_intra_community_order: boolean;
  shipping_taxes_included: boolean;
  shipping_tax_percentage: number;
  total_shipping: number;
  total_discounts: number;
  total_price_inc_tax: number;
  total_price_exc_tax: number;
  total_price: number;
  total_tax: number;
  currency: string;
  extra_payment_option: string;
  extra_payment_option_price: number;
  paymethod_costs: number;
  credit_point_discount: number;
  extra_costs: number;
  extra_costs_description: string;
  external_reference: string;
  deeplink: string;
  user: CcvUserRefJson;
  customer: CcvPersonalInfoJson;
  discountcoupon: CcvDiscountCouponJson;
  order: Link;
  invoicerows: Link;
  invoicenotifications: Link;
};

export type SimInvoice = Omit<CcvInvoiceJson, "invoicerows"> & {
  invoicerows: CcvInvoiceRowJson[];
};
