/**
 * The invariants every booking of a valid order must satisfy, checked against the totals
 * model's expected VAT groups (helpers/orders-arb.ts `modelGroups`).
 */
import assert from "node:assert/strict";
import { ledgerAllows, toVerkoopboeking, type Booking, type LedgerRef, type Mapping } from "../../../src/koppeling";
import { LEDGERS } from "./ccv";
import { vatWithinACent, type ExpectedGroup } from "./orders-arb";

const ledgerById = new Map<string, LedgerRef>(Object.values(LEDGERS).map((l) => [l.id, l]));

export interface Expected {
  groups: readonly ExpectedGroup[];
  totalCents: number;
  taxCents: number;
  scheme: Booking["scheme"];
}

export function checkBookingAgainstModel(b: Booking, e: Expected, mapping: Mapping): void {
  const signed = (n: number) => (b.kind === "credit" ? 0 - n : n);
  // factuurbedrag = Σ lines + Σ VAT, exactly; and it is CCV's total_price, the VAT CCV's total_tax.
  const sum = b.lines.reduce((s, l) => s + l.amountCents, 0) + b.vat.reduce((s, v) => s + v.amountCents, 0);
  assert.equal(sum, b.totalCents, "balance");
  assert.equal(b.totalCents, signed(e.totalCents), "total_price");
  assert.equal(b.vatTotalCents, signed(e.taxCents), "total_tax");
  assert.equal(b.scheme, e.scheme, "scheme");
  // VAT per group: the model's figure, within a cent of the exact rational value.
  const groups = e.groups.filter((x) => x.g !== 0n || x.n !== 0n);
  assert.equal(b.groups.length, groups.length, "groups");
  for (const bg of b.groups) {
    const eg = groups.find((x) => x.rate === bg.rate);
    assert.ok(eg, `group ${bg.rate}`);
    assert.equal(bg.vatCents, signed(Number(eg.vat)), `VAT at ${bg.rate} %`);
    assert.ok(vatWithinACent(signed(bg.vatCents), eg), `VAT at ${bg.rate} % within a cent`);
  }
  // No zero lines; every line on a ledger of the mapping that allows its VAT code.
  for (const l of b.lines) {
    assert.notEqual(l.amountCents, 0, "zero line");
    const ledger = ledgerById.get(l.ledgerId);
    assert.ok(ledger, `unknown ledger ${l.ledgerId}`);
    assert.ok(ledgerAllows(ledger, l.btwSoort), `${ledger.omschrijving} with ${l.btwSoort}`);
  }
  if (b.scheme === "oss") {
    assert.deepEqual(b.vat, []);
    assert.ok(b.lines.every((l) => l.btwSoort === "Geen"));
    const foreign = b.lines.filter((l) => l.ledgerId === LEDGERS.foreignVat.id).reduce((s, l) => s + l.amountCents, 0);
    assert.equal(foreign, b.vatTotalCents, "foreign VAT lines");
  } else {
    assert.equal(b.vat.reduce((s, v) => s + v.amountCents, 0), b.vatTotalCents, "btw rows");
  }
  if (b.scheme === "icp" || b.scheme === "export") assert.ok(b.lines.every((l) => l.ledgerId === (b.scheme === "icp" ? LEDGERS.icp.id : LEDGERS.export.id)));
  if (mapping.grouping === "ledger") {
    const keys = b.lines.filter((l) => l.ledgerId !== LEDGERS.foreignVat.id).map((l) => `${l.ledgerId} ${l.btwSoort}`);
    assert.equal(new Set(keys).size, keys.length, "one line per (ledger, VAT code)");
  }
  assert.deepEqual(b.warnings.filter((w) => /differ/.test(w)), [], "no rounding difference with the model");
  // The SnelStart body: euros with at most 2 decimals that add up exactly.
  const body = toVerkoopboeking(b, "00000000-0000-4000-8000-0000000000ff");
  assert.equal(body.factuurbedrag, signed(e.totalCents) / 100 + 0);
  const amounts = [...body.boekingsregels.map((r) => r.bedrag), ...body.btw.map((r) => r.btwBedrag)];
  for (const a of amounts) assert.match(JSON.stringify(a), /^-?\d+(\.\d{1,2})?$/);
  assert.equal(Math.round(amounts.reduce((s, a) => s + a * 100, 0)), Math.round(body.factuurbedrag * 100));
}
