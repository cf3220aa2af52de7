/**
 * Totals that do not reconcile (docs/design.md "How CCV Shop computes an order's totals"):
 * refused by default; with a rounding-difference ledger in the mapping, a difference up to its
 * maximum is booked (CCV's VAT in the largest taxed group, the rest as a `Geen` line on that
 * ledger), with a warning; not in OSS bookings and not as a sales order.
 */
import assert from "node:assert/strict";
import { refuses } from "./helpers/assert";
import { buildVerkooporder, mapCancellation, mapCreditInvoice, mapOrder, toVerkoopboeking, type Booking, type Mapping } from "../../src/koppeling";
import { LEDGERS, creditInvoice, customerIn, fullMapping, invoiceRow, nlExample, order, row } from "./helpers/ccv";
import { OSS_TABLE } from "./helpers/orders-arb";

const K = "11111111-2222-4333-8444-555555555555";
const lines = (b: Booking) => b.lines.map((l) => [l.ledgerId, l.btwSoort, l.amountCents]);
const roundingLines = (b: Booking) => b.lines.filter((l) => l.ledgerId === LEDGERS.rounding.id);

/** The NL example (137.95: 105.00 Hoog, 10.00 Laag, VAT 22.05 + 0.90) with rounding differences on the rounding ledger. */
const withRounding = (maxCents?: number, over: Parameters<typeof fullMapping>[0] = {}): Mapping =>
  fullMapping({ rounding: { ledger: LEDGERS.rounding, ...(maxCents === undefined ? {} : { maxCents }) }, ...over });

/** Σ lines + Σ VAT = factuurbedrag, in cents and in the SnelStart body. */
function assertBalanced(b: Booking): void {
  const sum = b.lines.reduce((s, l) => s + l.amountCents, 0) + b.vat.reduce((s, v) => s + v.amountCents, 0);
  assert.equal(sum, b.totalCents, "Σ lines + Σ VAT = factuurbedrag");
  const body = toVerkoopboeking(b, K);
  const euros = body.boekingsregels.reduce((s, r) => s + Math.round(r.bedrag * 100), 0) + body.btw.reduce((s, r) => s + Math.round(r.btwBedrag * 100), 0);
  assert.equal(euros, Math.round(body.factuurbedrag * 100), "the SnelStart body balances");
}

describe("totals that do not reconcile: the rounding-difference ledger", () => {
  describe("off (the default)", () => {
    it("refuses a 3-cent total difference naming both figures, and no maximum", () => {
      const err = refuses(() => mapOrder(nlExample({ total_price: 137.98 }), fullMapping()), "ORDER_TOTAL_MISMATCH", /€137\.95/, /€137\.98/);
      assert.doesNotMatch(err.message, /maximum|rounding difference/);
      assert.equal(err.details.roundingMaxCents, undefined);
    });

    it("refuses a 3-cent VAT difference naming both figures", () => {
      refuses(() => mapOrder(nlExample({ total_tax: 22.98 }), fullMapping()), "VAT_TOTAL_MISMATCH", /€22\.95/, /€22\.98/);
    });
  });

  describe("on (rounding ledger chosen, maximum €0.05 by default)", () => {
    it("books a 3-cent total difference as a 3-cent Geen line on the rounding ledger, with a warning, balanced", () => {
      const b = mapOrder(nlExample({ total_price: 137.98 }), withRounding());
      assert.deepEqual(lines(b), [
        [LEDGERS.hoog.id, "Hoog", 10500],
        [LEDGERS.laag.id, "Laag", 1000],
        [LEDGERS.rounding.id, "Geen", 3],
      ]);
      assert.deepEqual(
        b.vat.map((v) => v.amountCents),
        [2205, 90],
        "the VAT is unchanged (it matches CCV's total_tax)",
      );
      const [line] = roundingLines(b);
      assert.equal(line.description, "Afrondingsverschil");
      assert.equal(line.vatRate, null);
      assert.equal(b.totalCents, 13798);
      assert.equal(b.vatTotalCents, 2295);
      assertBalanced(b);
      assert.equal(toVerkoopboeking(b, K).factuurbedrag, 137.98);
      assert.equal(b.warnings.length, 1);
      assert.match(b.warnings[0], /differ from ours by €0\.03 in total/);
      assert.match(b.warnings[0], /€0\.03 on the rounding-difference ledger/);
    });

    it("books a negative difference as a negative line, and the maximum itself", () => {
      assert.deepEqual(roundingLines(mapOrder(nlExample({ total_price: 137.92 }), withRounding())).map((l) => l.amountCents), [-3]);
      assert.deepEqual(roundingLines(mapOrder(nlExample({ total_price: 138.0 }), withRounding())).map((l) => l.amountCents), [5]);
      assert.deepEqual(roundingLines(mapOrder(nlExample({ total_price: 137.9 }), withRounding())).map((l) => l.amountCents), [-5]);
    });

    it("refuses 6 cents with the maximum at 5, naming both figures and the maximum", () => {
      const err = refuses(() => mapOrder(nlExample({ total_price: 138.01 }), withRounding(5)), "ORDER_TOTAL_MISMATCH", /€137\.95/, /€138\.01/, /maximum rounding difference of €0\.05/, /€0\.06/);
      assert.equal(err.details.roundingMaxCents, 5);
      refuses(() => mapOrder(nlExample({ total_price: 137.89 }), withRounding()), "ORDER_TOTAL_MISMATCH", /-€0\.06/, /€0\.05/);
    });

    it("takes a configured maximum: 6 cents with a maximum of 10", () => {
      const b = mapOrder(nlExample({ total_price: 138.01 }), withRounding(10));
      assert.deepEqual(roundingLines(b).map((l) => l.amountCents), [6]);
      assertBalanced(b);
      refuses(() => mapOrder(nlExample({ total_price: 138.06 }), withRounding(10)), "ORDER_TOTAL_MISMATCH", /€0\.10/);
    });

    it("leaves a difference within 1 cent per VAT rate to the model as before: no rounding line", () => {
      // Two taxed groups: 2 cents are absorbed in the 21 % group, as without a rounding ledger.
      const b = mapOrder(nlExample({ total_price: 137.97 }), withRounding());
      assert.deepEqual(b, mapOrder(nlExample({ total_price: 137.97 }), fullMapping()));
      assert.deepEqual(roundingLines(b), []);
      assert.equal(b.lines[0].amountCents, 10502);
    });

    it("books CCV's VAT when it differs within the maximum: the difference in the largest taxed group, the rest on the rounding line", () => {
      // total_tax 22.98 (ours 22.95), total_price as ours: VAT +3 in the 21 % group, rounding line -3.
      const b = mapOrder(nlExample({ total_tax: 22.98 }), withRounding());
      assert.deepEqual(b.vat, [
        { btwSoort: "VerkopenHoog", amountCents: 2208 },
        { btwSoort: "VerkopenLaag", amountCents: 90 },
      ]);
      assert.equal(b.vatTotalCents, 2298);
      assert.deepEqual(lines(b), [
        [LEDGERS.hoog.id, "Hoog", 10500],
        [LEDGERS.laag.id, "Laag", 1000],
        [LEDGERS.rounding.id, "Geen", -3],
      ]);
      assert.deepEqual(
        b.groups.map((g) => [g.rate, g.netCents, g.vatCents, g.grossCents]),
        [
          [21, 10500, 2208, 12708],
          [9, 1000, 90, 1090],
        ],
      );
      assert.equal(b.totalCents, 13795);
      assertBalanced(b);
      assert.match(b.warnings[0], /CCV's VAT, the difference in the 21 % group/);

      // VAT and total 3 cents higher: CCV's VAT, and nothing left for a rounding line.
      const both = mapOrder(nlExample({ total_price: 137.98, total_tax: 22.98 }), withRounding());
      assert.deepEqual(roundingLines(both), []);
      assert.equal(both.vatTotalCents, 2298);
      assert.equal(both.totalCents, 13798);
      assertBalanced(both);
    });

    it("refuses a VAT difference beyond the maximum, naming both figures and the maximum", () => {
      const err = refuses(() => mapOrder(nlExample({ total_tax: 23.01 }), withRounding()), "VAT_TOTAL_MISMATCH", /€22\.95/, /€23\.01/, /The VAT differs by €0\.06/, /€0\.05/);
      assert.equal(err.details.computedTaxCents, 2295);
      assert.equal(err.details.totalTaxCents, 2301);
    });

    it("refuses a VAT difference when no rate is above 0 %; books a total difference of such an order", () => {
      const exportOrder = (over = {}) => ({
        order: order({ shipping_tax_percentage: 0, total_shipping: 24.95, total_price: 124.95, total_tax: 0, customer: customerIn("US"), ...over }),
        rows: [row(100, 0)],
      });
      refuses(() => mapOrder(exportOrder({ total_price: 124.98, total_tax: 0.03 }), withRounding()), "ORDER_TOTAL_MISMATCH", /no VAT rate above 0 %/);
      const b = mapOrder(exportOrder({ total_price: 124.98 }), withRounding());
      assert.equal(b.scheme, "export");
      assert.deepEqual(lines(b), [
        [LEDGERS.export.id, "Geen", 12495],
        [LEDGERS.rounding.id, "Geen", 3],
      ]);
      assertBalanced(b);
    });

    it("books the rounding line as its own line when grouping by row", () => {
      const b = mapOrder(nlExample({ total_price: 137.98 }), withRounding(5, { grouping: "row" }));
      assert.deepEqual(
        b.lines.map((l) => [l.description, l.amountCents]),
        [
          ["Product", 10000],
          ["Verzendkosten 21%", 500],
          ["Boek", 1000],
          ["Afrondingsverschil", 3],
        ],
      );
    });

    it("LEDGER_VAT_NOT_ALLOWED when the rounding ledger does not allow Geen (only when a line goes there)", () => {
      const m = fullMapping({ rounding: { ledger: LEDGERS.hoog } });
      refuses(() => mapOrder(nlExample({ total_price: 137.98 }), m), "LEDGER_VAT_NOT_ALLOWED", /8000/, /Geen/, /BOE-0082/);
      assert.equal(mapOrder(nlExample(), m).totalCents, 13795);
    });

    it("BOOKING_EMPTY for an order of zeros whose total_price is a few cents: nothing but a rounding line is not booked", () => {
      refuses(() => mapOrder({ order: order({ total_price: 0.03 }), rows: [row(0, 21)] }, withRounding()), "BOOKING_EMPTY");
    });

    it("MAPPING_INVALID when the maximum is not whole cents from 1 to 100", () => {
      for (const maxCents of [0, 2.5, 101, -5]) {
        refuses(() => mapOrder(nlExample(), fullMapping({ rounding: { ledger: LEDGERS.rounding, maxCents } })), "MAPPING_INVALID", /rounding\.maxCents/);
      }
    });
  });

  describe("credit notes", () => {
    it("a credit invoice gets the negated rounding line", () => {
      const input = {
        invoice: creditInvoice({ total_price: -127.08, total_tax: -22.05, total_shipping: -6.05 }),
        rows: [invoiceRow(-121, 21, { total_price: -121 })],
        originalFactuurnummer: "202310330",
      };
      refuses(() => mapCreditInvoice(input, fullMapping()), "ORDER_TOTAL_MISMATCH", /€127\.05/, /€127\.08/);
      const b = mapCreditInvoice(input, withRounding());
      assert.equal(b.kind, "credit");
      assert.deepEqual(lines(b), [
        [LEDGERS.hoog.id, "Hoog", -10500],
        [LEDGERS.rounding.id, "Geen", -3],
      ]);
      assert.equal(b.totalCents, -12708);
      assertBalanced(b);
    });

    it("a cancellation is the exact negation of the order's booking, rounding line included", () => {
      const input = { ...nlExample({ status: 8, total_price: 137.98, total_tax: 22.98 }), cancelledAt: "2023-05-03T08:00:00Z" };
      const original = mapOrder({ ...nlExample({ total_price: 137.93, total_tax: 22.98 }) }, withRounding());
      assert.deepEqual(roundingLines(original).map((l) => l.amountCents), [-5]);
      const booked = mapOrder(input, withRounding());
      const credit = mapCancellation(input, booked.factuurnummer, withRounding());
      assert.deepEqual(
        credit.lines.map((l) => [l.ledgerId, l.btwSoort, -l.amountCents]),
        booked.lines.map((l) => [l.ledgerId, l.btwSoort, l.amountCents]),
      );
      assert.deepEqual(
        credit.vat.map((v) => -v.amountCents),
        booked.vat.map((v) => v.amountCents),
      );
      assert.equal(credit.totalCents, -13798);
      assertBalanced(credit);
    });
  });

  describe("where a rounding difference cannot be booked", () => {
    const de = (over = {}) => ({
      order: order({ create_date: "2024-03-01T10:00:00Z", total_price: 119, total_tax: 19, customer: customerIn("DE"), ...over }),
      rows: [row(119, 19)],
    });
    const oss = (m: Mapping) => () => mapOrder(de({ total_price: 119.03 }), m, { ossRates: OSS_TABLE, ossEnabled: true });

    it("OSS: refused as without a rounding ledger, saying why", () => {
      refuses(oss(fullMapping({ euConsumers: "oss" })), "ORDER_TOTAL_MISMATCH", /€119\.00/, /€119\.03/);
      const err = refuses(oss(withRounding(5, { euConsumers: "oss" })), "ORDER_TOTAL_MISMATCH", /€119\.00/, /€119\.03/, /OSS/, /function-84/, /foreign-VAT ledger/);
      assert.equal(err.details.roundingMaxCents, 5);
      // A VAT difference within the maximum neither: SnelStart checks the foreign VAT per rate.
      refuses(() => mapOrder(de({ total_tax: 19.03 }), withRounding(5, { euConsumers: "oss" }), { ossRates: OSS_TABLE, ossEnabled: true }), "VAT_TOTAL_MISMATCH", /OSS/);
      // A consumer in DE under Dutch VAT: booked with its rounding line.
      const nlVat = { order: order({ total_price: 121.03, total_tax: 21, customer: customerIn("DE") }), rows: [row(121, 21)] };
      assert.deepEqual(roundingLines(mapOrder(nlVat, withRounding())).map((l) => l.amountCents), [3]);
    });

    it("sales order (verkooporder): refused as without a rounding ledger, saying why", () => {
      const articles = { shipping: "VERZEND" };
      refuses(() => buildVerkooporder(nlExample({ total_price: 137.98 }), fullMapping({ articles })), "ORDER_TOTAL_MISMATCH", /€137\.95/, /€137\.98/);
      refuses(() => buildVerkooporder(nlExample({ total_price: 137.98 }), withRounding(5, { articles })), "ORDER_TOTAL_MISMATCH", /€137\.98/, /sales order/, /computes the VAT itself/);
      refuses(() => buildVerkooporder(nlExample({ total_tax: 22.98 }), withRounding(5, { articles })), "VAT_TOTAL_MISMATCH", /€22\.98/, /sales order/);
      // What reconciles is built as before.
      assert.equal(buildVerkooporder(nlExample(), withRounding(5, { articles })).regels.length, 3);
    });
  });
});
