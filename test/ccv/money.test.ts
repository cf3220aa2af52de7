import assert from "node:assert/strict";
import { divRound, spreadByLargestRemainder, timesCount, vatOfGross, vatOfNet } from "../../sim/ccv/money";
import { computeTotals } from "../../sim/ccv/totals";

describe("ccv generator money", () => {
  it("rounds half away from zero, also for negative amounts", () => {
    assert.equal(divRound(5, 2), 3);
    assert.equal(divRound(-5, 2), -3);
    assert.equal(divRound(4, 3), 1);
    assert.equal(divRound(-4, 3), -1);
    assert.equal(timesCount(1.5, 1999), 2999); // 2998.5 -> 2999
    assert.equal(vatOfGross(12100, 21), 2100);
    assert.equal(vatOfGross(1000, 5.5), 52); // 52.13
    assert.equal(vatOfNet(1005, 9), 90); // 90.45
  });

  it("spreads by largest remainder; ties go to the larger group, then the higher rate", () => {
    assert.deepEqual(Object.fromEntries(spreadByLargestRemainder(100, [{ rate: 21, weight: 1 }, { rate: 9, weight: 2 }])), { 21: 33, 9: 67 });
    assert.deepEqual(Object.fromEntries(spreadByLargestRemainder(1, [{ rate: 9, weight: 100 }, { rate: 21, weight: 100 }])), { 9: 0, 21: 1 });
    assert.deepEqual(Object.fromEntries(spreadByLargestRemainder(2, [{ rate: 21, weight: 1 }, { rate: 9, weight: 3 }])), { 21: 0, 9: 2 });
  });

  it("computes VAT per rate group on the group total, mixing gross rows with net costs", () => {
    const t = computeTotals({
      rowsGross: true,
      shippingGross: false,
      rows: [
        { totalCents: 1000, discountCents: 0, rate: 21 },
        { totalCents: 1000, discountCents: 0, rate: 21 },
        { totalCents: 500, discountCents: 100, rate: 9 },
      ],
      shippingCents: 500,
      shippingRate: 21,
      paymethodCostsCents: 0,
      extraCostsCents: 0,
      couponCents: 250,
      creditPointsCents: 0,
    });
    // Coupon 250 over 2000/500 -> 200/50. Group 21: G 1800 (VAT 312), N 500 (VAT 105). Group 9: G 450 (VAT 37).
    assert.deepEqual(t.groups, [
      { rate: 21, net: 1988, vat: 417, gross: 2405 },
      { rate: 9, net: 413, vat: 37, gross: 450 },
    ]);
    assert.equal(t.totalPriceCents, 2855);
    assert.equal(t.totalTaxCents, 454);
    assert.equal(t.totalDiscountsCents, 350);
    assert.equal(t.totalOrderrowPriceCents, 2500);
  });
});
