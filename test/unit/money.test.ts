import assert from "node:assert/strict";
import fc from "fast-check";
import "./helpers/fc-seed";
import { allocate, centsToEuros, mulDivRound, rateToBasisPoints, toCents, vatOfGross, vatOfNet } from "../../src/koppeling";

/** round(a x b / d) half away from zero, by BigInt, as the reference. */
function reference(a: number, b: number, d: number): number {
  const p = BigInt(a) * BigInt(b);
  const neg = p < 0n;
  const abs = neg ? -p : p;
  let q = abs / BigInt(d);
  if (2n * (abs - q * BigInt(d)) >= BigInt(d)) q += 1n;
  return Number(neg ? -q : q);
}

describe("money: the one rounding rule", () => {
  it("rounds halves away from zero", () => {
    assert.equal(mulDivRound(5, 1, 2), 3);
    assert.equal(mulDivRound(-5, 1, 2), -3);
    assert.equal(mulDivRound(7, 1, 2), 4);
    assert.equal(mulDivRound(-7, 1, 2), -4);
    assert.equal(mulDivRound(4, 1, 3), 1);
    assert.equal(mulDivRound(-5, 1, 3), -2);
    assert.equal(mulDivRound(0, 21, 121), 0);
  });

  it("is exact for any integers, also beyond 2^53 (BigInt fallback)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -1e7, max: 1e7 }), fc.integer({ min: 1, max: 1e9 }), (a, b, d) => {
        fc.pre(Math.abs((a * b) / d) < 2 ** 52); // results are cents: always far inside the safe range
        assert.equal(mulDivRound(a, b, d), reference(a, b, d));
      }),
      { numRuns: 5000 },
    );
  });

  it("computes VAT from gross and net amounts (21 %, 9 %, 5.5 %)", () => {
    assert.equal(vatOfGross(12705, 2100), 2205);
    assert.equal(vatOfGross(1090, 900), 90);
    assert.equal(vatOfGross(59000, 2100), 10240);
    assert.equal(vatOfNet(6790, 700), 475);
    assert.equal(vatOfNet(740, 1900), 141);
    assert.equal(vatOfNet(1000, 550), 55);
    assert.equal(vatOfGross(-12705, 2100), -2205);
  });

  it("reads CCV money numbers to cents without float noise", () => {
    assert.equal(toCents(102.4), 10240);
    assert.equal(toCents(1.005), 101);
    assert.equal(toCents(-1.005), -101);
    assert.equal(toCents(0.285), 29);
    assert.equal(toCents(8.2645), 826);
    assert.equal(toCents(590), 59000);
    fc.assert(fc.property(fc.integer({ min: -1e11, max: 1e11 }), (c) => toCents(c / 100) === c));
  });

  it("writes cents as euros that print with at most 2 decimals", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e11, max: 1e11 }), (c) => {
        const text = JSON.stringify(centsToEuros(c));
        assert.match(text, /^-?\d+(\.\d{1,2})?$/);
        assert.equal(Math.round(Number(text) * 100), c);
      }),
      { numRuns: 5000 },
    );
    assert.equal(JSON.stringify(centsToEuros(-0)), "0");
  });

  it("reads VAT percentages as basis points and refuses more than 2 decimals", () => {
    assert.equal(rateToBasisPoints(21), 2100);
    assert.equal(rateToBasisPoints(5.5), 550);
    assert.equal(rateToBasisPoints(13.5), 1350);
    assert.equal(rateToBasisPoints(2.1), 210);
    assert.ok(Number.isNaN(rateToBasisPoints(7.123)));
    assert.ok(Number.isNaN(rateToBasisPoints(-1)));
  });
});

describe("money: the one allocation (largest remainder)", () => {
  it("splits exactly, in proportion, with every part within 1 of its exact share", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.array(fc.integer({ min: 0, max: 1e8 }), { minLength: 1, maxLength: 8 }), (total, weights) => {
        fc.pre(weights.some((w) => w > 0));
        const parts = allocate(total, weights);
        assert.equal(parts.reduce((s, p) => s + p, 0), total);
        const sum = weights.reduce((s, w) => s + w, 0);
        parts.forEach((p, i) => assert.ok(Math.abs(p * sum - total * weights[i]) < sum, `part ${i}`));
      }),
      { numRuns: 5000 },
    );
  });

  it("gives the extra cent of a tie to the larger weight, then the higher priority", () => {
    assert.deepEqual(allocate(1, [1, 1], [900, 2100]), [0, 1]);
    assert.deepEqual(allocate(1, [1, 1], [2100, 900]), [1, 0]);
    assert.deepEqual(allocate(-1, [1, 1], [900, 2100]), [0, -1]);
    assert.deepEqual(allocate(1, [2, 2, 4]), [0, 0, 1]);
    assert.deepEqual(allocate(3, [2, 2, 4]), [1, 1, 1]);
    assert.deepEqual(allocate(100, [3, 3, 3]), [34, 33, 33]);
    assert.deepEqual(allocate(-100, [3, 3, 3]), [-34, -33, -33]);
  });

  it("handles mixed-sign weights (a discount inside a group)", () => {
    assert.deepEqual(allocate(7438, [10000, -1000]), [8264, -826]);
    assert.throws(() => allocate(5, [1, -1]), RangeError);
  });
});
