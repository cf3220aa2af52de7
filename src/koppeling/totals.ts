/**
 * The CCV totals model of docs/design.md ("How CCV Shop computes an order's totals"),
 * reproduced from an order's parts: components -> VAT groups -> reconciliation with CCV's
 * `total_price` / `total_tax` -> each group's net split back over its components.
 */
import { KoppelingError } from "../errors";
import { allocate, formatEuros, vatOfGross, vatOfNet } from "./money";
import type { Source, SourceRow } from "./input";

export type ComponentKind = "row" | "shipping" | "paymentCosts" | "extraCosts" | "coupon" | "creditPoints" | "extraDiscount";

/** One amount at one VAT rate, gross (incl. VAT) or net. */
export interface Component {
  kind: ComponentKind;
  rateBp: number;
  gross: boolean;
  /** Signed cents in its own mode; discounts are negative. */
  cents: number;
  row?: SourceRow;
  /** Its share of the group's net (excl. VAT), set by `reconcile`. */
  net: number;
}

/** A VAT group: every component at one rate. */
export interface Group {
  rateBp: number;
  /** Σ gross-mode components. */
  g: number;
  /** Σ net-mode components. */
  n: number;
  vat: number;
  net: number;
  gross: number;
  components: Component[];
}

export interface Totals {
  groups: Group[];
  /** How `total_discounts` was read: A = row discounts + coupon, B = coupon only. */
  interpretation: "A" | "B";
  /**
   * The rounding difference to book on the mapping's rounding ledger (VAT code Geen):
   * `total_price` - Σ group gross, once the VAT is CCV's. 0 unless the mapping allows it.
   */
  roundingCents: number;
  warnings: string[];
}

/**
 * What the mapping allows beyond the model's tolerance (docs/design.md "How CCV Shop computes an
 * order's totals"): a difference of at most `maxCents` in VAT and in the rounding line.
 */
export interface RoundingAllowance {
  maxCents: number;
  /** Why a rounding difference cannot be booked for this order (OSS, sales order): it is then refused as without the allowance, with this reason. */
  unavailable?: string;
}

/** Dutch line texts (SnelStart is read by a Dutch accountant). */
export const COMPONENT_LABEL: Readonly<Record<ComponentKind, string>> = {
  row: "Omzet",
  shipping: "Verzendkosten",
  paymentCosts: "Betaalkosten",
  extraCosts: "Extra kosten",
  coupon: "Kortingscode",
  creditPoints: "Spaarpunten",
  extraDiscount: "Korting",
};

/** A part's text: the coupon with its code, extra costs with the shop's own description. */
export function componentLabel(c: Component, src: Source): string {
  if (c.kind === "coupon" && src.couponCode) return `Kortingscode ${src.couponCode}`;
  if ((c.kind === "extraCosts" || c.kind === "extraDiscount") && src.extraCostsDescription) return src.extraCostsDescription;
  return COMPONENT_LABEL[c.kind];
}

function component(kind: ComponentKind, rateBp: number, gross: boolean, cents: number, row?: SourceRow): Component {
  return { kind, rateBp, gross, cents, row, net: 0 };
}

interface RowGroups {
  rates: number[];
  weights: number[];
}

/** The rows' VAT groups and their weights (Σ row totals), the base every order-level discount is spread over. */
function rowGroupsOf(rows: readonly SourceRow[]): RowGroups {
  const rates: number[] = [];
  const weights: number[] = [];
  for (const r of rows) {
    const i = rates.indexOf(r.rateBp);
    if (i < 0) {
      rates.push(r.rateBp);
      weights.push(r.totalCents);
    } else weights[i] += r.totalCents;
  }
  return { rates, weights };
}

/**
 * Spreads an order-level amount over the rows' VAT groups in proportion to their row totals,
 * by largest remainder (ties: the larger group, then the higher rate).
 */
function spread(out: Component[], kind: ComponentKind, cents: number, gross: boolean, base: RowGroups, src: Source): void {
  if (cents === 0) return;
  const weightSum = base.weights.reduce((s, w) => s + w, 0);
  if (weightSum === 0) {
    throw new KoppelingError(
      "ORDER_INVALID",
      `${src.label} cannot be booked: it has ${kind === "paymentCosts" || kind === "extraCosts" ? "costs" : "a discount"} of ${formatEuros(Math.abs(cents))} but its rows total ${formatEuros(0)}, so there is no VAT rate to book it at.`,
      { kind, cents },
    );
  }
  const shares = allocate(cents, base.weights, base.rates);
  for (let i = 0; i < shares.length; i++) if (shares[i] !== 0) out.push(component(kind, base.rates[i], gross, shares[i]));
}

/** Every component of the order except the coupon, whose size depends on how `total_discounts` is read. */
function baseComponents(src: Source, costsVat: "shipping" | "proportional", rowGroups: RowGroups): Component[] {
  const out: Component[] = [];
  for (const r of src.rows) if (r.totalCents !== 0) out.push(component("row", r.rateBp, src.rowsGross, r.totalCents, r));
  if (src.shippingCents !== 0) out.push(component("shipping", src.shippingRateBp, src.shippingGross, src.shippingCents));
  const extraCosts = Math.max(0, src.extraCostsCents);
  if (costsVat === "shipping") {
    if (src.paymentCostsCents !== 0) out.push(component("paymentCosts", src.shippingRateBp, src.shippingGross, src.paymentCostsCents));
    if (extraCosts !== 0) out.push(component("extraCosts", src.shippingRateBp, src.shippingGross, extraCosts));
  } else {
    spread(out, "paymentCosts", src.paymentCostsCents, src.shippingGross, rowGroups, src);
    spread(out, "extraCosts", extraCosts, src.shippingGross, rowGroups, src);
  }
  spread(out, "creditPoints", -src.creditPointsCents, src.rowsGross, rowGroups, src);
  spread(out, "extraDiscount", Math.min(0, src.extraCostsCents), src.shippingGross, rowGroups, src);
  return out;
}

/** Per group: vat = round(G x r/(100+r)) + round(N x r/100), net = G - round(G x r/(100+r)) + N. Highest rate first. */
function groupsOf(components: readonly Component[]): Group[] {
  const groups: Group[] = [];
  for (const c of components) {
    let g = groups.find((x) => x.rateBp === c.rateBp);
    if (!g) {
      g = { rateBp: c.rateBp, g: 0, n: 0, vat: 0, net: 0, gross: 0, components: [] };
      groups.push(g);
    }
    if (c.gross) g.g += c.cents;
    else g.n += c.cents;
    g.components.push(c);
  }
  groups.sort((a, b) => b.rateBp - a.rateBp);
  for (const g of groups) {
    const vatG = vatOfGross(g.g, g.rateBp);
    g.vat = vatG + vatOfNet(g.n, g.rateBp);
    g.net = g.g - vatG + g.n;
    g.gross = g.net + g.vat;
  }
  return groups;
}

interface Candidate {
  interpretation: "A" | "B";
  groups: Group[];
  /** CCV's figure minus ours. */
  dTotal: number;
  dVat: number;
  /** Allowed difference: 1 cent per VAT group with a rate above 0 %. */
  tolerance: number;
}

function candidate(interpretation: "A" | "B", coupon: number, base: readonly Component[], rowGroups: RowGroups, src: Source): Candidate {
  const components = base.slice();
  spread(components, "coupon", -coupon, src.rowsGross, rowGroups, src);
  const groups = groupsOf(components);
  let total = 0;
  let vat = 0;
  let taxed = 0;
  for (const g of groups) {
    total += g.gross;
    vat += g.vat;
    if (g.rateBp > 0) taxed += 1;
  }
  return { interpretation, groups, dTotal: src.totalPriceCents - total, dVat: src.totalTaxCents - vat, tolerance: taxed };
}

const fits = (c: Candidate) => Math.abs(c.dVat) <= c.tolerance && Math.abs(c.dTotal - c.dVat) <= c.tolerance;
const exact = (c: Candidate) => c.dTotal === 0 && c.dVat === 0;

/**
 * With a rounding ledger: CCV's VAT can be booked (within the tolerance, or within the maximum
 * when some group has a rate above 0 % to take it), and the rest of the difference, the rounding
 * line total_price - Σ net - CCV's VAT, is at most the maximum.
 */
const vatRoundable = (c: Candidate, max: number) => Math.abs(c.dVat) <= c.tolerance || (c.tolerance > 0 && Math.abs(c.dVat) <= max);
const roundable = (c: Candidate, max: number) => vatRoundable(c, max) && Math.abs(c.dTotal - c.dVat) <= max;

/**
 * The group the differences with CCV's figures go to: the largest by gross among the taxed
 * groups (ties: the higher rate), or the largest group when nothing is taxed.
 */
function absorbingGroup(groups: readonly Group[]): Group {
  const taxed = groups.filter((g) => g.rateBp > 0);
  const pool = taxed.length > 0 ? taxed : groups;
  return pool.reduce((best, g) => (Math.abs(g.gross) > Math.abs(best.gross) ? g : best));
}

/** Why a rounding allowance does not cover candidate `c`: one sentence for the error message. */
function beyondRounding(c: Candidate, rounding: RoundingAllowance): string {
  if (rounding.unavailable) return `A rounding difference cannot be booked here: ${rounding.unavailable}.`;
  const max = formatEuros(rounding.maxCents);
  if (!vatRoundable(c, rounding.maxCents) && c.tolerance === 0) return "A VAT difference cannot be booked: the order has no VAT rate above 0 % to book it in.";
  const parts: string[] = [];
  if (!vatRoundable(c, rounding.maxCents)) parts.push(`the VAT differs by ${formatEuros(Math.abs(c.dVat))}`);
  if (Math.abs(c.dTotal - c.dVat) > rounding.maxCents) parts.push(`the rounding difference would be ${formatEuros(c.dTotal - c.dVat)}`);
  const text = `${parts.join(" and ")}, more than the maximum rounding difference of ${max} in the VAT mapping.`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function mismatch(c: Candidate, src: Source, rounding?: RoundingAllowance): KoppelingError {
  const ours = (ccv: number, d: number) => ccv - d;
  const details = {
    interpretation: c.interpretation,
    totalPriceCents: src.totalPriceCents,
    computedTotalCents: ours(src.totalPriceCents, c.dTotal),
    totalTaxCents: src.totalTaxCents,
    computedTaxCents: ours(src.totalTaxCents, c.dVat),
    toleranceCents: c.tolerance,
    ...(rounding ? { roundingMaxCents: rounding.maxCents } : {}),
  };
  const why = rounding ? ` ${beyondRounding(c, rounding)}` : "";
  if (Math.abs(c.dTotal) > c.tolerance) {
    return new KoppelingError(
      "ORDER_TOTAL_MISMATCH",
      `${src.label} is not booked: its parts (rows, shipping, costs, discounts) add up to ${formatEuros(details.computedTotalCents)}, but CCV's total_price is ${formatEuros(src.totalPriceCents)}.${why}`,
      details,
    );
  }
  return new KoppelingError(
    "VAT_TOTAL_MISMATCH",
    `${src.label} is not booked: the VAT computed per rate is ${formatEuros(details.computedTaxCents)}, but CCV's total_tax is ${formatEuros(src.totalTaxCents)} (more than 1 cent per VAT rate apart).${why}`,
    details,
  );
}

/**
 * Computes the VAT groups, reconciles them with CCV's `total_price` and `total_tax` (within
 * 1 cent per taxed group, absorbed in the largest group; with a `rounding` allowance, up to its
 * maximum: CCV's VAT in the largest taxed group and the rest as `roundingCents`; more is
 * ORDER_TOTAL_MISMATCH or VAT_TOTAL_MISMATCH) and splits every group's net over its components.
 */
export function orderTotals(src: Source, costsVat: "shipping" | "proportional", rounding?: RoundingAllowance): Totals {
  const rowGroups = rowGroupsOf(src.rows);
  const base = baseComponents(src, costsVat, rowGroups);
  let rowDiscounts = 0;
  for (const r of src.rows) rowDiscounts += r.discountCents;

  // total_discounts = row discounts + coupon (A); a shop where it is the coupon alone (B) is recognised too.
  const couponA = src.totalDiscountsCents - rowDiscounts;
  const candidates: Candidate[] = [];
  if (couponA >= 0 || rowDiscounts === 0) {
    const a = candidate("A", couponA, base, rowGroups, src);
    if (exact(a)) return reconcile(a, [], 0);
    candidates.push(a);
  }
  if (rowDiscounts !== 0) {
    const b = candidate("B", src.totalDiscountsCents, base, rowGroups, src);
    if (exact(b)) return reconcile(b, [], 0);
    candidates.push(b);
  }
  // The reading closest to CCV's figures (A on a tie); refused when even that one is too far off.
  const closest = (a: Candidate, b: Candidate) => Math.abs(a.dTotal) - Math.abs(b.dTotal) || Math.abs(a.dVat) - Math.abs(b.dVat);
  const best = candidates.slice().sort(closest)[0];
  const fitting = candidates.filter(fits).sort(closest)[0];
  if (fitting) {
    const target = absorbingGroup(fitting.groups);
    target.vat += fitting.dVat;
    target.net += fitting.dTotal - fitting.dVat;
    target.gross += fitting.dTotal;
    const warning = `${src.label}: CCV's figures differ from ours by ${formatEuros(fitting.dTotal)} in total and ${formatEuros(fitting.dVat)} in VAT (rounding); booked as CCV has them, the difference in the ${target.rateBp / 100} % group.`;
    return reconcile(fitting, [warning], 0);
  }
  // Beyond the tolerance: refused, unless the mapping books rounding differences and this one is within its maximum.
  if (!rounding || rounding.unavailable) throw mismatch(best, src, rounding);
  const within = candidates.filter((c) => roundable(c, rounding.maxCents)).sort(closest)[0];
  if (!within) throw mismatch(best, src, rounding);
  // CCV's VAT (what the customer was invoiced) in the largest taxed group; the group nets stay ours.
  const line = within.dTotal - within.dVat;
  const parts: string[] = [];
  if (within.dVat !== 0) {
    const target = absorbingGroup(within.groups);
    target.vat += within.dVat;
    target.gross += within.dVat;
    parts.push(`CCV's VAT, the difference in the ${target.rateBp / 100} % group`);
  }
  if (line !== 0) parts.push(`${formatEuros(line)} on the rounding-difference ledger`);
  const warning = `${src.label}: CCV's figures differ from ours by ${formatEuros(within.dTotal)} in total and ${formatEuros(within.dVat)} in VAT, more than rounding per VAT rate explains; booked as CCV has them: ${parts.join("; ")} (at most ${formatEuros(rounding.maxCents)}).`;
  return reconcile(within, [warning], line);
}

/** Splits each group's net over its components in proportion to their exact nets (largest remainder). */
function reconcile(c: Candidate, warnings: string[], roundingCents: number): Totals {
  for (const g of c.groups) {
    const comps = g.components;
    if (comps.length === 1) {
      comps[0].net = g.net;
      continue;
    }
    // Exact net x (10000 + r): a gross amount weighs 10000 per cent, a net amount 10000 + r.
    const mixed = comps.some((x) => x.gross !== comps[0].gross);
    const weights = comps.map((x) => (mixed ? x.cents * (x.gross ? 10_000 : 10_000 + g.rateBp) : x.cents));
    let sum = 0;
    for (const w of weights) sum += w;
    if (sum === 0) {
      // The components cancel out (e.g. a row fully discounted): nothing to split but a possible absorbed cent.
      comps.forEach((x, i) => (x.net = i === 0 ? g.net : 0));
      continue;
    }
    const nets = allocate(g.net, weights);
    for (let i = 0; i < comps.length; i++) comps[i].net = nets[i];
  }
  return { groups: c.groups, interpretation: c.interpretation, roundingCents, warnings };
}
