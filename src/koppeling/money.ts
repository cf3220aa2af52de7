/**
 * Money in integer cents: the one rounding rule and the one allocation (largest remainder).
 *
 * Every amount inside the domain is an integer number of cents; VAT rates are integer basis
 * points (21 % = 2100, 5.5 % = 550) so every computation below is exact integer arithmetic.
 * Products that could leave the safe-integer range fall back to BigInt, so large orders stay
 * exact too (the fast path covers every realistic order).
 */

/** Set by `floorDiv` next to its return value (the remainder, 0 <= r < d); avoids an allocation per call. */
let lastRemainder = 0;

/** floor(a x b / d) for integers a, b and d > 0; the remainder is left in `lastRemainder`. */
function floorDiv(a: number, b: number, d: number): number {
  const p = a * b + 0; // + 0 turns -0 into 0
  if (Number.isSafeInteger(p)) {
    let q = Math.floor(p / d);
    let r = p - q * d;
    // p / d is a float division: correct the quotient exactly when it is one off.
    if (r < 0) {
      q -= 1;
      r += d;
    } else if (r >= d) {
      q += 1;
      r -= d;
    }
    lastRemainder = r;
    return q;
  }
  const bp = BigInt(a) * BigInt(b);
  const bd = BigInt(d);
  let q = bp / bd; // truncates toward zero
  let r = bp - q * bd;
  if (r < 0n) {
    q -= 1n;
    r += bd;
  }
  lastRemainder = Number(r);
  return Number(q);
}

/**
 * THE rounding rule of this package: round(a x b / d), half away from zero, exact for
 * integers a, b and d > 0. Every VAT amount and every cent conversion goes through here.
 */
export function mulDivRound(a: number, b: number, d: number): number {
  const q = floorDiv(a, b, d);
  const twice = 2 * lastRemainder;
  // q >= 0: the value is q + r/d >= 0, so a half rounds up. q < 0: a half rounds down (away from zero).
  if (q >= 0 ? twice >= d : twice > d) return q + 1;
  return q;
}

/** Snaps a JSON money number to whole ten-thousandths of a euro (CCV sends at most 4 decimals; this only removes float noise such as 1.005 * 10000 = 10049.999...). */
function tenThousandths(amount: number): number {
  return Math.round(amount * 10_000);
}

/** A money number in euros (as CCV sends it: `102.4`) to integer cents, by the one rounding rule. */
export function toCents(amount: number): number {
  return mulDivRound(tenThousandths(amount), 1, 100);
}

/** round(count x amount) in cents; counts are read to 1/1000 (0.75 kg), amounts to 1/10000 euro. */
export function timesCountCents(count: number, amount: number): number {
  return mulDivRound(Math.round(count * 1000), tenThousandths(amount), 100_000);
}

/** Integer cents to a euro number with at most 2 decimals (13795 -> 137.95); exact in JSON. */
export function centsToEuros(cents: number): number {
  return cents / 100 + 0; // + 0 turns -0 into 0
}

/** Cents as "€102.40" / "-€0.05" for messages a shop owner reads. */
export function formatEuros(cents: number): string {
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${cents < 0 ? "-" : ""}€${whole}.${frac < 10 ? "0" : ""}${frac}`;
}

/** A VAT percentage (21, 5.5) as basis points (2100, 550); NaN when it has more than 2 decimals or is negative. */
export function rateToBasisPoints(rate: number): number {
  const bp = Math.round(rate * 100);
  if (!Number.isFinite(rate) || bp < 0 || Math.abs(rate * 100 - bp) > 1e-6) return Number.NaN;
  return bp;
}

/** VAT contained in a gross amount: round(G x r / (100 + r)). */
export function vatOfGross(grossCents: number, rateBp: number): number {
  return mulDivRound(grossCents, rateBp, 10_000 + rateBp);
}

/** VAT on top of a net amount: round(N x r / 100). */
export function vatOfNet(netCents: number, rateBp: number): number {
  return mulDivRound(netCents, rateBp, 10_000);
}

/** Whether part i gets an extra unit before part j: larger remainder, then larger weight, then higher priority, then earlier. */
function before(i: number, j: number, remainders: readonly number[], weights: readonly number[], priority: readonly number[] | undefined): boolean {
  if (remainders[i] !== remainders[j]) return remainders[i] > remainders[j];
  const wi = Math.abs(weights[i]);
  const wj = Math.abs(weights[j]);
  if (wi !== wj) return wi > wj;
  if (priority && priority[i] !== priority[j]) return priority[i] > priority[j];
  return i < j;
}

/**
 * THE allocation of this package: splits `total` cents over parts in proportion to `weights`
 * by largest remainder, so the parts sum to `total` exactly. Ties in the remainder go to the
 * larger weight, then the higher `priority` (e.g. the VAT rate), then the earlier part.
 * A negative total is allocated as its magnitude and negated, so a discount's extra cent goes
 * where a surcharge's would. Weights may have mixed signs but must not sum to 0 (unless total is 0).
 */
export function allocate(total: number, weights: readonly number[], priority?: readonly number[]): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(0);
  if (total === 0 || n === 0) {
    if (total !== 0) throw new RangeError(`cannot allocate ${total} over no parts`);
    return out;
  }
  if (n === 1) {
    if (weights[0] === 0) throw new RangeError(`cannot allocate ${total} over a zero weight`);
    out[0] = total;
    return out;
  }
  const sign = total < 0 ? -1 : 1;
  const amount = sign * total;
  let sum = 0;
  for (const w of weights) sum += w;
  if (sum === 0) throw new RangeError(`cannot allocate ${total} over weights that sum to 0`);
  const wSign = sum < 0 ? -1 : 1;
  const den = wSign * sum;
  const remainders = new Array<number>(n);
  let left = amount;
  for (let i = 0; i < n; i++) {
    const q = floorDiv(amount, wSign * weights[i], den);
    out[i] = q;
    remainders[i] = lastRemainder;
    left -= q;
  }
  // The `left` (< n) extra units go to the largest remainders; n is small (VAT groups, order lines).
  for (; left > 0; left--) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (remainders[i] < 0) continue; // already has its extra unit
      if (best < 0 || before(i, best, remainders, weights, priority)) best = i;
    }
    out[best] += 1;
    remainders[best] = -1;
  }
  if (sign < 0) for (let i = 0; i < n; i++) out[i] = 0 - out[i];
  return out;
}
