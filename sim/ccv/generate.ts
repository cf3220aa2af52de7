/**
 * Seeded generator of CCV Shop orders that look like a real Dutch web shop's: mostly Dutch
 * consumers (21 % / 9 %), EU consumers at their destination rates (OSS: DE, BE, FR, AT),
 * EU businesses with a VAT number (ICP, 0 %), exports (US, CH, GB, 0 %), Dutch businesses on
 * net prices, guests and account customers, coupons, credit points, negative extra costs,
 * every status 1-14 and a few unfinished checkouts.
 *
 * Every order's totals follow docs/design.md (computed in integer cents by ./totals). The same
 * seed gives the same data: no clock is read, all randomness comes from one seeded source.
 */
import { CATALOG, COUNTRIES, COUPONS, FREE_TEXT_ROWS, NL_RATES, PAYMETHODS, type CatalogProduct, type Coupon, type Paymethod, type TaxTariff } from "./catalog";
import { divRound, euros, grossOfNet, netOfGross, timesCount } from "./money";
import { personalInfo } from "./people";
import { formatCcvDate } from "../../src/ccv/signing";
import { Rng } from "./random";
import { computeTotals, type Totals } from "./totals";
import type { CcvDiscountCouponJson, CcvOrderRowJson, CcvPersonalInfoJson, SimOrder } from "./types";

export type { SimOrder, SimInvoice, CcvOrderRowJson, CcvInvoiceRowJson, CcvOrderJson, CcvInvoiceJson } from "./types";
export { generateInvoices } from "./invoices";

export interface GenerateOptions {
  count: number;
  seed: number;
  /** Earliest `create_date` (default: 90 days before `end`, or see `ordersPerDay`). */
  start?: Date;
  /** Latest `create_date` (exclusive; default: the seed's reference date, see `referenceDate`). */
  end?: Date;
  /**
   * The shop's daily volume instead of a start: the orders span `count / ordersPerDay` days
   * before `end` (a shop of 30,000 orders at 11 a day has 7.5 years of history). Not with `start`.
   */
  ordersPerDay?: number;
  /** Origin used in every `href` (default `https://demo.ccvshop.nl`); the simulator passes its own URL. */
  baseUrl?: string;
}

const DAY_MS = 86_400_000;

/** The fixed "today" of a seed's data: 2025-01-01 plus (seed mod 365) days, never the clock. */
export function referenceDate(seed: number): Date {
  const offset = ((Math.trunc(seed) % 365) + 365) % 365;
  return new Date(Date.UTC(2025, 0, 1) + offset * DAY_MS);
}

/** The kind of customer and sale; decides country, VAT rates and price mode. */
export type Profile = "nl-b2c" | "nl-b2b" | "eu-b2c" | "eu-b2b" | "export";

interface Plan {
  profile: Profile;
  /** Destination country (delivery, else billing). */
  country: string;
  /** null = an unfinished checkout. */
  status: number | null;
}

const PROFILE_WEIGHTS = [["nl-b2c", 68], ["nl-b2b", 7], ["eu-b2c", 13], ["eu-b2b", 6], ["export", 6]] as const;
const COUNTRY_WEIGHTS: Readonly<Record<Profile, ReadonlyArray<readonly [string, number]>>> = {
  "nl-b2c": [["NL", 1]],
  "nl-b2b": [["NL", 1]],
  "eu-b2c": [["DE", 35], ["BE", 35], ["FR", 15], ["AT", 15]],
  "eu-b2b": [["DE", 3], ["BE", 3], ["FR", 2], ["AT", 2], ["IT", 1], ["ES", 1]],
  export: [["US", 2], ["CH", 1], ["GB", 2]],
};
const STATUS_WEIGHTS = [[1, 10], [2, 6], [3, 2], [4, 5], [5, 20], [6, 12], [7, 25], [8, 6], [9, 2], [10, 3], [11, 2], [12, 1], [13, 2], [14, 2]] as const;
/** Chance that an order with this status is paid (`paid` is independent of the status, docs/reference/ccvshop-api.md#order-status-codes). */
const PAID_CHANCE: Readonly<Record<number, number>> = { 1: 0.5, 2: 0.8, 3: 0.8, 4: 0.1, 5: 0.9, 6: 0.95, 7: 0.97, 8: 0.3 };

/**
 * Plans the orders: a forced deck first (every status, every kind of sale, one unfinished
 * checkout) so that even a small data set shows the variety, then random draws; shuffled.
 */
function planOrders(rng: Rng, count: number): Plan[] {
  const kinds: Array<[Profile, string]> = [
    ["eu-b2c", "DE"], ["eu-b2c", "BE"], ["eu-b2c", "FR"], ["eu-b2c", "AT"], ["eu-b2b", "DE"],
    ["export", "US"], ["export", "CH"], ["export", "GB"], ["nl-b2b", "NL"], ["nl-b2c", "NL"],
  ];
  const deck: Plan[] = STATUS_WEIGHTS.map(([status], i) => {
    const [profile, country] = kinds[i % kinds.length];
    return { profile, country, status };
  });
  deck.push({ profile: "nl-b2c", country: "NL", status: null });
  const plans = deck.slice(0, count);
  while (plans.length < count) {
    const profile = rng.weighted(PROFILE_WEIGHTS);
    const status = rng.chance(0.03) ? null : rng.weighted(STATUS_WEIGHTS);
    plans.push({ profile, country: rng.weighted(COUNTRY_WEIGHTS[profile]), status });
  }
  return rng.shuffle(plans);
}

interface Customer {
  info: CcvPersonalInfoJson;
  userId: number | null;
}

/** Customers per profile and country; 30 % of orders come from a returning customer. */
class CustomerPool {
  private readonly byKey = new Map<string, Customer[]>();
  private nextUserId: number;

  constructor(private readonly rng: Rng) {
    this.nextUserId = 24_400_000 + rng.int(0, 99_999);
  }

  get(plan: Plan): Customer {
    const key = `${plan.profile}|${plan.country}`;
    let known = this.byKey.get(key);
    if (!known) this.byKey.set(key, (known = []));
    if (known.length > 0 && this.rng.chance(0.3)) return this.rng.pick(known);
    const c = this.create(plan);
    known.push(c);
    return c;
  }

  private create(plan: Plan): Customer {
    const business = plan.profile === "nl-b2b" || plan.profile === "eu-b2b";
    // A few Dutch consumers send a parcel abroad: billing NL, delivery (and VAT) in the destination.
    const billingCountry = plan.profile === "eu-b2c" && this.rng.chance(0.1) ? "NL" : plan.country;
    const info = personalInfo(this.rng, {
      billingCountry,
      deliveryCountry: billingCountry !== plan.country ? plan.country : undefined,
      business,
      withVatNumber: business,
    });
    const account = this.rng.chance(business ? 0.9 : 0.6);
    const userId = account ? (this.nextUserId += this.rng.int(1, 500)) : null;
    // This draw once chose a string id; the served shape decides that now (./shapes). Kept so that a seed gives the same data.
    this.rng.chance(0.25);
    return { info, userId };
  }
}

interface RowDraft {
  product: CatalogProduct | null;
  name: string;
  count: number;
  /** Unit price and discount in cents, in the order's row mode. */
  price: number;
  discount: number;
  total: number;
  rate: number;
  unit: string;
  weightKg: number;
  purchase: number;
}

/** How the order's prices are expressed, per profile. */
interface Pricing {
  rowsGross: boolean;
  rates: Record<TaxTariff, number>;
  /** Unit price in cents from the catalogue's Dutch consumer price. */
  unitPrice(nlGross: number, tariff: TaxTariff): number;
}

/**
 * The start of the EU's One-Stop Shop (1 July 2021, Council Directive (EU) 2017/2455): from then on
 * a sale to a consumer in another EU country carries that country's VAT. Before it, a shop below
 * the distance-selling thresholds (this simulated one) charged Dutch VAT on such sales.
 */
const OSS_START_MS = Date.UTC(2021, 6, 1) - 2 * 3_600_000; // midnight in Amsterdam (CEST)

function pricing(rng: Rng, profile: Profile, country: string, at: number): Pricing {
  const zero = { normal: 0, reduced: 0, intermediate: 0 };
  const net = (g: number, t: TaxTariff) => netOfGross(g, NL_RATES[t]);
  switch (profile) {
    case "nl-b2c":
      return { rowsGross: true, rates: NL_RATES, unitPrice: (g) => g };
    case "nl-b2b":
      return { rowsGross: false, rates: NL_RATES, unitPrice: net };
    case "eu-b2c": {
      const rates = at >= OSS_START_MS ? COUNTRIES[country].rates : NL_RATES;
      return { rowsGross: true, rates, unitPrice: (g, t) => grossOfNet(net(g, t), rates[t]) };
    }
    case "eu-b2b":
      // ICP: all rates 0, usually on net prices.
      return { rowsGross: rng.chance(0.15), rates: zero, unitPrice: net };
    case "export":
      return { rowsGross: rng.chance(0.5), rates: zero, unitPrice: net };
  }
}

const FRACTIONAL_COUNTS = [0.5, 0.75, 1.25, 1.5, 2.5];

function draftRows(rng: Rng, profile: Profile, p: Pricing): RowDraft[] {
  const n = rng.weighted([[1, 35], [2, 30], [3, 20], [4, 10], [5, 3], [6, 2]] as const);
  const products = rng.shuffle([...CATALOG]).slice(0, n);
  const rows = products.map((product): RowDraft => {
    const business = profile === "nl-b2b" || profile === "eu-b2b";
    const count = product.fractional ? rng.pick(FRACTIONAL_COUNTS) : business ? rng.int(1, 24) : rng.weighted([[1, 60], [2, 25], [3, 8], [rng.int(4, 10), 7]] as const);
    const price = p.unitPrice(product.priceNlGross, product.tariff);
    // Per-unit row discounts (sale prices); not on fractional rows so count x discount stays whole cents.
    const discount = !product.fractional && rng.chance(0.12) ? divRound(price * rng.pick([10, 15, 20, 25]), 100) : 0;
    return {
      product,
      name: product.name,
      count,
      price,
      discount,
      total: timesCount(count, price - discount),
      rate: p.rates[product.tariff],
      unit: product.unit,
      weightKg: product.weightKg,
      purchase: product.purchasePriceNet,
    };
  });
  if (rng.chance(0.05)) {
    const extra = rng.pick(FREE_TEXT_ROWS);
    const price = p.unitPrice(extra.priceNlGross, extra.tariff);
    rows.push({ product: null, name: extra.name, count: 1, price, discount: 0, total: price, rate: p.rates[extra.tariff], unit: "stuk", weightKg: 0, purchase: 0 });
  }
  return rows;
}

function paymethodFor(rng: Rng, plan: Plan, pickup: boolean): Paymethod {
  const m = PAYMETHODS;
  if (pickup && rng.chance(0.5)) return m.cash;
  switch (plan.profile) {
    case "nl-b2c":
      return rng.weighted([[m.ideal, 60], [m.banktransfer, 8], [m.paypal, 10], [m.creditcard, 5], [m.klarna, 12]] as const);
    case "nl-b2b":
    case "eu-b2b":
      return rng.weighted([[m.onaccount, 5], [m.banktransfer, 3], [m.ideal, 2]] as const);
    case "eu-b2c":
      return plan.country === "BE"
        ? rng.weighted([[m.bancontact, 5], [m.ideal, 1], [m.paypal, 2], [m.creditcard, 2]] as const)
        : rng.weighted([[m.paypal, 4], [m.creditcard, 4], [m.klarna, 2], [m.banktransfer, 1]] as const);
    case "export":
      return rng.weighted([[m.paypal, 3], [m.creditcard, 2]] as const);
  }
}

/** Shipping in cents (in the order's shipping mode) and its VAT rate. */
function shippingFor(plan: Plan, p: Pricing, rowsTotal: number, pickup: boolean): { cents: number; rate: number } {
  const rate = p.rates.normal;
  if (pickup) return { cents: 0, rate };
  switch (plan.profile) {
    case "nl-b2c":
      return { cents: rowsTotal >= 5000 ? 0 : 495, rate };
    case "nl-b2b":
      return { cents: 695, rate };
    case "eu-b2c":
      return { cents: 995, rate };
    case "eu-b2b":
      return { cents: 1250, rate };
    case "export":
      return { cents: 2495, rate };
  }
}

interface OrderAdjustments {
  coupon: Coupon | null;
  couponCents: number;
  creditPointsCents: number;
  extraCostsCents: number;
  extraCostsDescription: string;
}

/** Coupons, credit points (account customers only) and extra costs (negative = a discount). */
function adjustments(rng: Rng, plan: Plan, customer: Customer, rowsTotal: number): OrderAdjustments {
  const consumer = plan.profile === "nl-b2c" || plan.profile === "eu-b2c";
  let coupon: Coupon | null = consumer && rng.chance(0.12) ? rng.pick(COUPONS) : null;
  if (coupon && rowsTotal < coupon.minimumCents) coupon = null;
  // Each order-level discount stays under a quarter of the rows so the total stays positive.
  const cap = Math.floor(rowsTotal / 4);
  const couponCents = !coupon ? 0 : coupon.type === "percentage" ? divRound(rowsTotal * coupon.value, 100) : Math.min(coupon.value, cap);
  const creditPointsCents = consumer && customer.userId !== null && rng.chance(0.15) ? Math.min(rng.int(1, 15) * 50, cap) : 0;
  const extra = rng.weighted([["none", 91], ["discount", 5], ["giftwrap", 4]] as const);
  const extraCostsCents = extra === "discount" ? -Math.min(rng.int(1, 4) * 250, cap) : extra === "giftwrap" ? 295 : 0;
  const extraCostsDescription = extraCostsCents < 0 ? "Korting vaste klant" : extraCostsCents > 0 ? "Cadeauverpakking 🎁" : "";
  return { coupon, couponCents, creditPointsCents, extraCostsCents, extraCostsDescription };
}

function couponJson(c: Coupon | null): CcvDiscountCouponJson {
  if (!c) return { code: "", discount: 0, type: "", enddate: null, onetimeuse: false, minimumprice: 0, givesfreeshipping: false };
  return {
    code: c.code,
    discount: c.type === "percentage" ? c.value : euros(c.value),
    type: c.type,
    enddate: "2026-12-31T23:00:00Z",
    onetimeuse: c.code === "WELKOM10",
    minimumprice: euros(c.minimumCents),
    givesfreeshipping: c.freeShipping,
  };
}

const LANGUAGE: Readonly<Record<string, string>> = { NL: "nl", BE: "nl", DE: "de", AT: "de", CH: "de", FR: "fr" };

/** Sequences of the ids and numbers CCV hands out (ids are platform-wide, so they jump). */
class Sequences {
  orderId: number;
  rowId: number;
  ordernumber: number;
  invoicenumber: number;
  constructor(private readonly rng: Rng) {
    this.orderId = 339_000_000 + rng.int(0, 999_999);
    this.rowId = 648_000_000 + rng.int(0, 999_999);
    this.ordernumber = 1000 + rng.int(0, 8_999);
    this.invoicenumber = 20_000 + rng.int(0, 9_999);
  }
  nextOrderId(): number {
    return (this.orderId += this.rng.int(500, 40_000));
  }
  nextRowId(): number {
    return (this.rowId += this.rng.int(1, 60));
  }
}

function rowJson(d: RowDraft, id: number, orderId: number, orderHref: string, api: string): CcvOrderRowJson {
  const selling = euros(d.price - d.discount);
  return {
    href: `${api}orderrows/${id}/`,
    id,
    order_id: orderId,
    product_type: "product",
    product_name: d.name,
    product_name_google: d.name.normalize("NFD").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, ""),
    product_number: d.product?.productnumber ?? "",
    sub_product_number: "",
    sub_sku_number: "",
    sub_ean_number: "",
    product_id: d.product?.id ?? null,
    product_href: d.product ? `${api}products/${d.product.id}/` : null,
    count: d.count,
    price: euros(d.price),
    product_purchase_price: euros(d.purchase),
    discount: euros(d.discount),
    custom_price: false,
    tax: d.rate,
    unit: d.unit,
    weight: d.weightKg,
    memo: "",
    package_id: 1664901,
    package_name: "Kartonnen doos",
    stock_location: "",
    supplier: "",
    user_discount: 0,
    original_price: selling,
    selling_price: selling,
    price_without_discount: euros(d.price),
    price_without_discount_with_attributes: euros(d.price),
    total_price: euros(d.total),
    total_extra_option_price: 0,
    price_with_attributes: selling,
    total_price_with_attributes: euros(d.total),
    attributes: [],
    uploads: [],
    parent: { href: orderHref },
  };
}

/** How far back a history of `count` orders reaches: 90 days, or `count / ordersPerDay` days (at least 1 ms). */
export function historySpanMs(count: number, ordersPerDay?: number): number {
  if (ordersPerDay === undefined) return 90 * DAY_MS;
  if (!(Number.isFinite(ordersPerDay) && ordersPerDay > 0)) throw new RangeError(`ordersPerDay must be a positive number, not ${ordersPerDay}`);
  return Math.max(1, Math.round((count / ordersPerDay) * DAY_MS));
}

export function generateOrders(opts: GenerateOptions): SimOrder[] {
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new RangeError("count must be a non-negative integer");
  if (opts.start && opts.ordersPerDay !== undefined) throw new RangeError("give start or ordersPerDay, not both");
  const end = (opts.end ?? referenceDate(opts.seed)).getTime();
  const start = opts.start?.getTime() ?? end - historySpanMs(opts.count, opts.ordersPerDay);
  if (!(start < end)) throw new RangeError("start must be before end");
  const baseUrl = (opts.baseUrl ?? "https://demo.ccvshop.nl").replace(/\/+$/, "");
  const api = `${baseUrl}/api/rest/v1/`;

  const rng = new Rng(opts.seed);
  const seq = new Sequences(rng);
  const customers = new CustomerPool(rng);
  const dates = Array.from({ length: opts.count }, () => start + Math.floor(rng.float() * (end - start))).sort((a, b) => a - b);

  return planOrders(rng, opts.count).map((plan, i) => {
    const customer = customers.get(plan);
    const p = pricing(rng, plan.profile, plan.country, dates[i]);
    const rows = draftRows(rng, plan.profile, p);
    const rowsTotal = rows.reduce((s, r) => s + r.total, 0);
    const pickup = plan.country === "NL" && rng.chance(0.08);
    const pm = paymethodFor(rng, plan, pickup);
    const adj = adjustments(rng, plan, customer, rowsTotal);
    const shipping = shippingFor(plan, p, rowsTotal, pickup);
    const shippingCents = adj.coupon?.freeShipping ? 0 : shipping.cents;
    const totals: Totals = computeTotals({
      rowsGross: p.rowsGross,
      shippingGross: p.rowsGross,
      rows: rows.map((r) => ({ totalCents: r.total, discountCents: timesCount(r.count, r.discount), rate: r.rate })),
      shippingCents,
      shippingRate: shipping.rate,
      paymethodCostsCents: pm.costs,
      extraCostsCents: adj.extraCostsCents,
      couponCents: adj.couponCents,
      creditPointsCents: adj.creditPointsCents,
    });

    const completed = plan.status !== null;
    const paid = completed && rng.chance((PAID_CHANCE[plan.status ?? 0] ?? 0.7) * (pm === PAYMETHODS.onaccount ? 0.6 : 1));
    const invoiced = completed && rng.chance(paid ? 1 : [5, 6, 7, 8].includes(plan.status ?? 0) ? 0.9 : 0.5);
    const ordernumber = completed ? ++seq.ordernumber : null;
    const invoicenumber = invoiced ? ++seq.invoicenumber : null;
    const shipped = [5, 6, 7].includes(plan.status ?? 0) && !pickup;
    const id = seq.nextOrderId();
    const href = `${api}orders/${id}/`;
    const userId = customer.userId;
    const link = (sub: string) => ({ href: `${href}${sub}/` });
    const trackCode = shipped ? `3S${rng.digits(4)}KOF${rng.digits(6)}` : "";

    const order: SimOrder = {
      href,
      id,
      ordernumber_prefix: null,
      ordernumber,
      ordernumber_full: ordernumber === null ? null : String(ordernumber),
      invoicenumber,
      transaction_id: paid && pm !== PAYMETHODS.banktransfer && pm !== PAYMETHODS.onaccount && pm !== PAYMETHODS.cash ? `TR${rng.digits(10)}` : null,
      create_date: formatCcvDate(new Date(dates[i])),
      deliver_method: pickup ? "pickup" : "shipping",
      deliver_date: null,
      take_out_window: { start: null, end: null },
      is_platform_sale: false,
      orderedinlng: LANGUAGE[plan.country] ?? "en",
      status: plan.status,
      is_completed: completed,
      basket_href: completed ? null : `${baseUrl}/winkelwagen/?basket=${id}`,
      checkout_href: completed ? null : `${baseUrl}/afrekenen/?basket=${id}`,
      paid,
      safety_deposit_returned: false,
      paymethod_id: pm.id,
      paymethod: pm.paymethod,
      paymethod_label: pm.label,
      taxes_included: true,
      order_row_taxes_included: p.rowsGross,
      shipping_taxes_included: p.rowsGross,
      shipping_tax_percentage: shipping.rate,
      is_intra_community_order: plan.profile === "eu-b2b",
      total_orderrow_price: euros(totals.totalOrderrowPriceCents),
      total_shipping: euros(shippingCents),
      total_discounts: euros(totals.totalDiscountsCents),
      total_price: euros(totals.totalPriceCents),
      currency: "EUR",
      total_tax: euros(totals.totalTaxCents),
      total_weight: Math.round(rows.reduce((s, r) => s + r.count * r.weightKg, 0) * 1000) / 1000,
      extra_payment_option: "",
      extra_payment_option_price: 0,
      extra_payment_option_no_sentprice: false,
      extra_payment_option_pay_on_pickup: pm === PAYMETHODS.cash,
      // Deprecated field, documented as paymethod costs + credit-point discount.
      extra_price: euros(pm.costs + adj.creditPointsCents),
      paymethod_costs: euros(pm.costs),
      credit_point_discount: euros(adj.creditPointsCents),
      extra_costs: euros(adj.extraCostsCents),
      extra_costs_description: adj.extraCostsDescription,
      track_and_trace_code: trackCode,
      track_and_trace_carrier: shipped ? rng.pick(["PostNL", "DHL", "DPD"]) : null,
      track_and_trace_deeplink: shipped ? `https://jouw.postnl.nl/track-and-trace/${trackCode}` : "",
      reservationnumber: "",
      delivery_option: null,
      user: {
        id: userId,
        discount_percentage: 0,
        href: userId === null ? null : `${api}users/${userId}/`,
      },
      discountcoupon: couponJson(adj.coupon),
      // A returning customer's data is copied so that orders never share mutable objects.
      customer: structuredClone(customer.info),
      pickup_address: null,
      packing_slip_deeplink: `${baseUrl}/PackingSlip.php?OrderId=${id}`,
      orderrows: [],
      ordernotes: link("ordernotes"),
      ordermessages: link("ordermessages"),
      ordernotifications: link("ordernotifications"),
      orderaffiliatenetworks: link("orderaffiliatenetworks"),
      orderlabels: link("orderlabels"),
      invoices: link("invoices"),
    };
    order.orderrows = rows.map((d) => rowJson(d, seq.nextRowId(), id, href, api));
    return order;
  });
}
