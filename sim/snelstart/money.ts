/**
 * Money for the SnelStart simulator. Amounts arrive as JSON numbers in euros (decimal in the
 * real API); every comparison is done in integer cents.
 *
 * Amounts with more than 2 decimals are accepted (the API takes a decimal) and rounded to cents,
 * half away from zero, before any comparison: 10.005 counts as 10.01 (UNCERTAIN in the
 * reference; we do not refuse them, but a booking only balances on its cent values).
 */

/** Euros to integer cents, half away from zero, immune to binary noise (1.005 -> 101). */
export function toCents(euros: number): number {
  const scaled = Number((Math.abs(euros) * 100).toPrecision(15));
  const cents = Math.round(scaled);
  return euros < 0 ? -cents : cents;
}

/** Integer cents back to euros (a JSON number with at most 2 decimals). */
export function toEuros(cents: number): number {
  return Number((cents / 100).toFixed(2));
}
