/**
 * fast-check arbitraries of CCV orders built the way docs/design.md says CCV computes them
 * ("How CCV Shop computes an order's totals"), for the domain's property tests.
 *
 * The totals are computed here independently of src/koppeling (BigInt arithmetic, its own
 * largest-remainder spread, Intl for the Amsterdam date), so the tests compare two
 * implementations of the model, not one with itself.
 */
import fc from "fast-check";
import type { CcvOrder } from "../../../src/ccv/schemas";
import type { MappingContext, OssRateTable } from "../../../src/koppeling";
import type { VatRateCode } from "../../../src/snelstart/schemas";
import { address, customer, order as baseOrder, row as baseRow, type FullRow } from "./ccv";

export type Scenario = "nl" | "eu-nl-vat" | "oss" | "icp" | "export";

/** OSS rates as SnelStart's /vatrates gives them, with some history. */
export const OSS_TABLE: OssRateTable = {
  DE: [
    { rateCode: "SR", rate: 16, validFrom: "2020-07-01T00:00:00" },
    { rateCode: "RRL", rate: 5, validFrom: "2020-07-01T00:00:00" },
    { rateCode: "SR", rate: 19, validFrom: "2021-01-01T00:00:00" },
    { rateCode: "RRL", rate: 7, validFrom: "2021-01-01T00:00:00" },
  ],
  FR: [
    { rateCode: "SR", rate: 20, validFrom: "2014-01-01T00:00:00" },
    { rateCode: "RRH", rate: 10, validFrom: "2014-01-01T00:00:00" },
    { rateCode: "RRL", rate: 5.5, validFrom: "2014-01-01T00:00:00" },
    { rateCode: "SRR", rate: 2.1, validFrom: "2014-01-01T00:00:00" },
  ],
  BE: [
    { rateCode: "SR", rate: 21, validFrom: "1996-01-01T00:00:00" },
    { rateCode: "RRH", rate: 12, validFrom: "1996-01-01T00:00:00" },
    { rateCode: "RRL", rate: 6, validFrom: "1996-01-01T00:00:00" },
  ],
  IE: [
    { rateCode: "SR", rate: 23, validFrom: "2021-03-01T00:00:00" },
    { rateCode: "RRH", rate: 13.5, validFrom: "2021-03-01T00:00:00" },
    { rateCode: "RRL", rate: 9, validFrom: "2021-03-01T00:00:00" },
    { rateCode: "SRR", rate: 4.8, validFrom: "2021-03-01T00:00:00" },
  ],
  EE: [
    { rateCode: "SR", rate: 20, validFrom: "2009-07-01T00:00:00" },
    { rateCode: "SR", rate: 22, validFrom: "2024-01-01T00:00:00" },
    { rateCode: "SR", rate: 24, validFrom: "2025-07-01T00:00:00" },
    { rateCode: "RRL", rate: 9, validFrom: "2009-07-01T00:00:00" },
  ],
};

/** What SnelStart says: foreign VAT on, except for the shops that charge Dutch VAT to EU consumers (SnelStart refuses that combination). */
export function contextFor(g: { scenario: Scenario }): MappingContext {
  return { ossRates: OSS_TABLE, ossEnabled: g.scenario !== "eu-nl-vat" };
}

const EU_OTHER = ["DE", "FR", "BE", "IE", "EE"] as const;
const NON_EU = ["US", "GB", "CH", "NO", "JP", "AU"] as const;

const amsterdam = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit" });

/** The rates in force in a country on an Amsterdam date (percentages). */
function ossRatesOn(country: string, day: string): number[] {
  const inForce = new Map<VatRateCode, { rate: number; from: string }>();
  for (const r of OSS_TABLE[country] ?? []) {
    const from = r.validFrom.slice(0, 10);
    const cur = inForce.get(r.rateCode);
    if (from <= day && (!cur || cur.from < from)) inForce.set(r.rateCode, { rate: r.rate, from });
  }
  return [...inForce.values()].map((v) => v.rate);
}

function nlRatesOn(day: string): number[] {
  return [21, day >= "2019-01-01" ? 9 : 6, 0, 13];
}

// ---- the model, in BigInt ----

/** num / den rounded half away from zero; den > 0. */
function divRound(num: bigint, den: bigint): bigint {
  const neg = num < 0n;
  const a = neg ? -num : num;
  let q = a / den;
  if (2n * (a - q * den) >= den) q += 1n;
  return neg ? -q : q;
}

const bpOf = (rate: number) => BigInt(Math.round(rate * 100));

/** Largest remainder over positive weights; ties: larger weight, then higher rate. */
function spread(amount: bigint, groups: ReadonlyArray<{ rate: number; weight: bigint }>): Map<number, bigint> {
  const out = new Map<number, bigint>();
  if (amount === 0n) return out;
  const total = groups.reduce((s, g) => s + g.weight, 0n);
  const parts = groups.map((g) => ({ ...g, share: (amount * g.weight) / total, rem: (amount * g.weight) % total }));
  let left = amount - parts.reduce((s, p) => s + p.share, 0n);
  const order = [...parts].sort((a, b) => (a.rem !== b.rem ? (b.rem > a.rem ? 1 : -1) : a.weight !== b.weight ? (b.weight > a.weight ? 1 : -1) : b.rate - a.rate));
  for (const p of order) {
    if (left <= 0n) break;
    p.share += 1n;
    left -= 1n;
  }
  for (const p of parts) out.set(p.rate, p.share);
  return out;
}

export interface ExpectedGroup {
  rate: number;
  /** Σ gross-mode and Σ net-mode components (cents). */
  g: bigint;
  n: bigint;
  vat: bigint;
  gross: bigint;
}

export interface GeneratedOrder {
  scenario: Scenario;
  order: CcvOrder;
  rows: FullRow[];
  groups: ExpectedGroup[];
  totalCents: number;
  taxCents: number;
  costsVat: "shipping" | "proportional";
}

interface RowSpec {
  rateIndex: number;
  countMilli: number;
  priceCents: number;
  discountPermille: number;
}

interface Spec {
  scenario: Scenario;
  utcMs: number;
  country: number;
  viaDelivery: boolean;
  icpByFlag: boolean;
  rowsGross: boolean;
  shippingGross: boolean;
  rows: RowSpec[];
  shippingRateIndex: number;
  shippingCents: number;
  paymentCents: number;
  extraCents: number;
  couponPermille: number;
  creditPermille: number;
  interpretationB: boolean;
  costsVat: "shipping" | "proportional";
}

const FROM = Date.UTC(2018, 0, 1);
const TO = Date.UTC(2026, 11, 31, 23, 59);
const OSS_FROM = Date.UTC(2021, 6, 1);

const rowSpec = fc.record({
  rateIndex: fc.nat(9),
  countMilli: fc.oneof(fc.integer({ min: 1, max: 5 }).map((n) => n * 1000), fc.integer({ min: 1, max: 9999 })),
  priceCents: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 250_000 })),
  discountPermille: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 600 })),
});

const specArb = (scenarios: readonly Scenario[]): fc.Arbitrary<Spec> =>
  fc
    .record({
      scenario: fc.constantFrom(...scenarios),
      utcMs: fc.integer({ min: FROM, max: TO }),
      country: fc.nat(20),
      viaDelivery: fc.boolean(),
      icpByFlag: fc.boolean(),
      rowsGross: fc.boolean(),
      shippingGross: fc.boolean(),
      rows: fc.array(rowSpec, { minLength: 1, maxLength: 6 }),
      shippingRateIndex: fc.nat(9),
      shippingCents: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2500 })),
      paymentCents: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })),
      extraCents: fc.oneof(fc.constant(0), fc.integer({ min: -1500, max: 1500 })),
      couponPermille: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })),
      creditPermille: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 })),
      interpretationB: fc.boolean(),
      costsVat: fc.constantFrom("shipping" as const, "proportional" as const),
    })
    .map((s) => (s.scenario === "oss" && s.utcMs < OSS_FROM ? { ...s, utcMs: OSS_FROM + (s.utcMs - FROM) } : s));

const euro = (cents: bigint | number) => Number(cents) / 100;
const cents = (amount: number) => BigInt(Math.round(amount * 100));

/** The JSON fields the model reads (an order in the schemas' input or output form). */
export interface ModelOrder {
  order_row_taxes_included: boolean;
  shipping_taxes_included: boolean;
  shipping_tax_percentage: number;
  total_shipping: number;
  total_discounts: number;
  paymethod_costs: number;
  credit_point_discount: number;
  extra_costs: number;
}

export interface ModelRow {
  count: number;
  discount: number;
  total_price: number;
  tax: number;
}

/**
 * The VAT groups of an order by docs/design.md, read from its JSON fields. `interpretation`
 * A: total_discounts = Σ row discounts + coupon; B: the coupon alone.
 */
export function modelGroups(o: ModelOrder, rows: readonly ModelRow[], costsVat: "shipping" | "proportional", interpretation: "A" | "B" = "A"): ExpectedGroup[] {
  const weights = new Map<number, bigint>();
  let rowDiscounts = 0n;
  const sums = new Map<number, { g: bigint; n: bigint }>();
  const add = (rate: number, amount: bigint, gross: boolean) => {
    if (amount === 0n) return;
    const s = sums.get(rate) ?? { g: 0n, n: 0n };
    if (gross) s.g += amount;
    else s.n += amount;
    sums.set(rate, s);
  };
  for (const r of rows) {
    const total = cents(r.total_price);
    weights.set(r.tax, (weights.get(r.tax) ?? 0n) + total);
    rowDiscounts += divRound(BigInt(Math.round(r.count * 1000)) * cents(r.discount), 1000n);
    add(r.tax, total, o.order_row_taxes_included);
  }
  const rowGroups = [...weights].map(([rate, weight]) => ({ rate, weight }));
  const shippingGross = o.shipping_taxes_included;
  const extra = cents(o.extra_costs);
  const costs = [cents(o.paymethod_costs), extra > 0n ? extra : 0n];
  add(o.shipping_tax_percentage, cents(o.total_shipping), shippingGross);
  for (const cost of costs) {
    if (costsVat === "shipping") add(o.shipping_tax_percentage, cost, shippingGross);
    else for (const [rate, share] of spread(cost, rowGroups)) add(rate, share, shippingGross);
  }
  const coupon = cents(o.total_discounts) - (interpretation === "A" ? rowDiscounts : 0n);
  for (const [amount, gross] of [
    [coupon, o.order_row_taxes_included],
    [cents(o.credit_point_discount), o.order_row_taxes_included],
    [extra < 0n ? -extra : 0n, shippingGross],
  ] as const) {
    for (const [rate, share] of spread(amount, rowGroups)) add(rate, -share, gross);
  }
  return [...sums].map(([rate, { g, n }]) => {
    const bp = bpOf(rate);
    const vatG = divRound(g * bp, 10_000n + bp);
    const vat = vatG + divRound(n * bp, 10_000n);
    return { rate, g, n, vat, gross: g - vatG + n + vat };
  });
}

function build(spec: Spec): GeneratedOrder {
  const day = amsterdam.format(spec.utcMs);
  const foreign = spec.scenario === "export" ? NON_EU[spec.country % NON_EU.length] : EU_OTHER[spec.country % EU_OTHER.length];
  const country = spec.scenario === "nl" ? "NL" : foreign;
  const rates = spec.scenario === "nl" || spec.scenario === "eu-nl-vat" ? nlRatesOn(day) : spec.scenario === "oss" ? ossRatesOn(country, day) : [0];
  const rateOf = (i: number) => rates[i % rates.length];

  // Rows: total = round(count x (price - discount)).
  const rows: FullRow[] = [];
  let rowSum = 0n;
  for (const r of spec.rows) {
    const discount = Math.min(r.priceCents - 1, Math.floor((r.priceCents * r.discountPermille) / 1000));
    const total = divRound(BigInt(r.countMilli) * BigInt(r.priceCents - discount), 1000n);
    rowSum += total;
    const n = rows.length + 1;
    rows.push(baseRow(euro(r.priceCents), rateOf(r.rateIndex), { count: r.countMilli / 1000, discount: euro(discount), total_price: euro(total), product_name: `Artikel ${n}`, product_number: `A${n}` }));
  }
  let rowDiscounts = 0n;
  for (const r of rows) rowDiscounts += divRound(BigInt(Math.round(r.count * 1000)) * cents(r.discount), 1000n);
  // Costs spread over the rows need rows with a total (the domain refuses anything else);
  // discounts stay well below the rows' total so every group keeps a positive amount.
  const costsVat = rowSum === 0n ? "shipping" : spec.costsVat;
  const coupon = (rowSum * BigInt(spec.couponPermille)) / 1000n;
  const credit = (rowSum * BigInt(spec.creditPermille)) / 1000n;
  const extraCents = spec.extraCents < 0 && BigInt(-spec.extraCents) >= rowSum / 10n ? 0 : spec.extraCents;

  const business = spec.scenario === "icp" && !spec.icpByFlag;
  const there = address({ country_code: country, country, zipcode: "12345", city: "Stad" });
  const info = spec.viaDelivery
    ? customer({ deliveryaddress: there, btw: business ? `${country}123456789` : "" })
    : customer({ billingaddress: there, btw: business ? `${country}123456789` : "" });
  const order = baseOrder({
    id: 1 + (spec.utcMs % 1_000_000),
    ordernumber: 1000 + (spec.utcMs % 100_000),
    ordernumber_full: String(1000 + (spec.utcMs % 100_000)),
    create_date: new Date(spec.utcMs).toISOString().replace(".000Z", "Z"),
    order_row_taxes_included: spec.rowsGross,
    shipping_taxes_included: spec.shippingGross,
    shipping_tax_percentage: rateOf(spec.shippingRateIndex),
    is_intra_community_order: spec.scenario === "icp" && spec.icpByFlag,
    total_orderrow_price: euro(rowSum),
    total_shipping: euro(spec.shippingCents),
    total_discounts: euro(spec.interpretationB ? coupon : rowDiscounts + coupon),
    paymethod_costs: euro(spec.paymentCents),
    credit_point_discount: euro(credit),
    extra_costs: euro(extraCents),
    extra_costs_description: extraCents < 0 ? "Korting vaste klant" : extraCents > 0 ? "Cadeauverpakking" : "",
    discountcoupon: coupon > 0n ? { code: "ZOMER", discount: euro(coupon), type: "price", givesfreeshipping: false } : null,
    customer: info,
  });
  const groups = modelGroups(order, rows, costsVat, spec.interpretationB ? "B" : "A");
  const total = groups.reduce((s, g) => s + g.gross, 0n);
  const tax = groups.reduce((s, g) => s + g.vat, 0n);
  order.total_price = euro(total);
  order.total_tax = euro(tax);
  return { scenario: spec.scenario, order, rows, groups, totalCents: Number(total), taxCents: Number(tax), costsVat };
}

/** Orders of the given scenarios, with their expected VAT groups and totals. */
export function ordersArb(scenarios: readonly Scenario[] = ["nl", "eu-nl-vat", "oss", "icp", "export"]): fc.Arbitrary<GeneratedOrder> {
  // An order of nothing but zeros has nothing to book (BOOKING_EMPTY, tested on its own).
  return specArb(scenarios)
    .map(build)
    .filter((g) => g.groups.length > 0);
}

/** |vat - exact| <= 1 cent, exact = G x r/(100+r) + N x r/100 as a fraction. */
export function vatWithinACent(vatCents: number, g: ExpectedGroup): boolean {
  const bp = bpOf(g.rate);
  // exact = (G x bp x 10000 + N x bp x (10000 + bp)) / (10000 x (10000 + bp))
  const den = 10_000n * (10_000n + bp);
  const num = g.g * bp * 10_000n + g.n * bp * (10_000n + bp);
  const diff = BigInt(vatCents) * den - num;
  return (diff < 0n ? -diff : diff) <= den;
}
