/**
 * An order's totals per docs/design.md "How CCV Shop computes an order's totals (our model)". CCV
 * documents none of this precisely (docs/reference/ccvshop-api.md#order-fields and
 * #order-row-fields are UNCERTAIN); the generator builds every order with this function so a
 * correct mapping balances to the cent.
 */
import { spreadByLargestRemainder, vatOfGross, vatOfNet } from "./money";

export interface TotalsRow {
  /** round(count x (price - discount)), in cents, gross or net per `rowsGross`. */
  totalCents: number;
  /** count x discount, in cents (the row discount that `total_discounts` includes). */
  discountCents: number;
  rate: number;
}

export interface TotalsInput {
  /** `order_row_taxes_included`. */
  rowsGross: boolean;
  /** `shipping_taxes_included`: also the mode of payment costs and extra costs. */
  shippingGross: boolean;
  rows: readonly TotalsRow[];
  shippingCents: number;
  shippingRate: number;
  paymethodCostsCents: number;
  /** May be negative (a discount). */
  extraCostsCents: number;
  /** The coupon amount (>= 0); `total_discounts` = Σ row discounts + coupon. */
  couponCents: number;
  creditPointsCents: number;
}

export interface VatGroup {
  rate: number;
  net: number;
  vat: number;
  gross: number;
}

export interface Totals {
  totalOrderrowPriceCents: number;
  totalDiscountsCents: number;
  totalPriceCents: number;
  totalTaxCents: number;
  groups: VatGroup[];
}

export function computeTotals(input: TotalsInput): Totals {
  // Per VAT rate: G = Σ gross-mode components, N = Σ net-mode components.
  const sums = new Map<number, { g: number; n: number }>();
  const add = (rate: number, amount: number, isGross: boolean) => {
    const s = sums.get(rate) ?? { g: 0, n: 0 };
    if (isGross) s.g += amount;
    else s.n += amount;
    sums.set(rate, s);
  };

  const rowTotals = new Map<number, number>();
  for (const row of input.rows) {
    add(row.rate, row.totalCents, input.rowsGross);
    rowTotals.set(row.rate, (rowTotals.get(row.rate) ?? 0) + row.totalCents);
  }
  const rowGroups = [...rowTotals].map(([rate, weight]) => ({ rate, weight }));

  // Order-level costs go to the shipping rate; order-level discounts are spread over the row groups.
  for (const cost of [input.shippingCents, input.paymethodCostsCents, Math.max(0, input.extraCostsCents)]) {
    if (cost !== 0) add(input.shippingRate, cost, input.shippingGross);
  }
  const discounts: Array<[number, boolean]> = [
    [input.couponCents, input.rowsGross],
    [input.creditPointsCents, input.rowsGross],
    [Math.max(0, -input.extraCostsCents), input.shippingGross],
  ];
  for (const [amount, isGross] of discounts) {
    for (const [rate, share] of spreadByLargestRemainder(amount, rowGroups)) add(rate, -share, isGross);
  }

  const groups = [...sums]
    .sort(([a], [b]) => b - a)
    .map(([rate, { g, n }]) => {
      const vatG = vatOfGross(g, rate);
      const vat = vatG + vatOfNet(n, rate);
      const groupNet = g - vatG + n;
      return { rate, net: groupNet, vat, gross: groupNet + vat };
    });

  const rowSum = input.rows.reduce((s, r) => s + r.totalCents, 0);
  const rowDiscounts = input.rows.reduce((s, r) => s + r.discountCents, 0);
  return {
    totalOrderrowPriceCents: rowSum,
    totalDiscountsCents: rowDiscounts + input.couponCents,
    totalPriceCents: groups.reduce((s, g) => s + g.gross, 0),
    totalTaxCents: groups.reduce((s, g) => s + g.vat, 0),
    groups,
  };
}
