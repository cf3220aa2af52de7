/**
 * Integer-cent arithmetic for the generator, per docs/design.md "How CCV Shop computes an
 * order's totals": one rounding rule (half away from zero), rates kept as hundredths of a
 * percent so 5.5 % stays exact.
 */

/** num / den rounded half away from zero; num and den are integers, den > 0. */
export function divRound(num: number, den: number): number {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || den <= 0) {
    throw new RangeError(`divRound needs safe integers and den > 0, got ${num}/${den}`);
  }
  const a = Math.abs(num);
  let q = Math.floor(a / den);
  // Floating division can be one off for large numerators; correct it exactly.
  while (q * den > a) q -= 1;
  while ((q + 1) * den <= a) q += 1;
  const rounded = 2 * (a - q * den) >= den ? q + 1 : q;
  return num < 0 ? -rounded : rounded;
}

/** A VAT percentage (21, 5.5) as basis points (2100, 550). */
export function rateBp(rate: number): number {
  return Math.round(rate * 100);
}

/** VAT contained in a gross amount: round(G x r / (100 + r)). */
export function vatOfGross(grossCents: number, rate: number): number {
  const bp = rateBp(rate);
  return divRound(grossCents * bp, 10_000 + bp);
}

/** VAT on top of a net amount: round(N x r / 100). */
export function vatOfNet(netCents: number, rate: number): number {
  return divRound(netCents * rateBp(rate), 10_000);
}

/** round(count x unitCents); counts have at most 3 decimals (0.75 kg). */
export function timesCount(count: number, unitCents: number): number {
  return divRound(Math.round(count * 1000) * unitCents, 1000);
}

/** A gross price converted to net at `rate`, rounded to the cent. */
export function netOfGross(grossCents: number, rate: number): number {
  const bp = rateBp(rate);
  return divRound(grossCents * 10_000, 10_000 + bp);
}

/** A net price converted to gross at `rate`, rounded to the cent. */
export function grossOfNet(netCents: number, rate: number): number {
  return netCents + vatOfNet(netCents, rate);
}

/** Cents as the JSON number CCV sends (`102.4`). */
export function euros(cents: number): number {
  return cents / 100 + 0; // + 0 turns -0 into 0
}

/** A CCV money number back to integer cents. */
export function cents(amount: number): number {
  return Math.round(amount * 100);
}

/**
 * Spreads `amount` cents over groups in proportion to their weights, by largest remainder;
 * ties go to the larger weight, then the higher rate (design.md). Weights must sum to > 0.
 */
export function spreadByLargestRemainder(amount: number, groups: ReadonlyArray<{ rate: number; weight: number }>): Map<number, number> {
  const total = groups.reduce((s, g) => s + g.weight, 0);
  const out = new Map<number, number>();
  if (amount === 0 || groups.length === 0) return out;
  if (total <= 0) throw new RangeError("cannot spread an amount over groups with no weight");
  const sign = amount < 0 ? -1 : 1;
  const abs = Math.abs(amount);
  const parts = groups.map((g) => {
    const product = abs * g.weight;
    const share = Math.floor(product / total);
    return { ...g, share, remainder: product - share * total };
  });
  let left = abs - parts.reduce((s, p) => s + p.share, 0);
  const order = [...parts].sort((a, b) => b.remainder - a.remainder || b.weight - a.weight || b.rate - a.rate);
  for (const p of order) {
    if (left <= 0) break;
    p.share += 1;
    left -= 1;
  }
  for (const p of parts) out.set(p.rate, (out.get(p.rate) ?? 0) + sign * p.share);
  return out;
}
