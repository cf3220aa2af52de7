import assert from "node:assert/strict";
import { KoppelingError } from "../../src/errors";
import { buildVerkooporder, checkVerkooporderTotals, toVerkooporder } from "../../src/koppeling";
import { customerIn, fullMapping, nlExample, order, row } from "./helpers/ccv";
import { OSS_TABLE } from "./helpers/orders-arb";

const ARTICLES = { fallback: "DIVERS", shipping: "VERZEND", paymentCosts: "BETAAL", extraCosts: "EXTRA", discount: { hoog: "KORTING-H", laag: "KORTING-L" } };
const mapping = fullMapping({ articles: ARTICLES });

function refuses(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof KoppelingError && e.code === code && pattern.test(e.message));
}

describe("verkooporder variant", () => {
  it("builds the order with article codes, prices in the shop's mode and the CCV order number as reference", () => {
    const m = buildVerkooporder(nlExample(), mapping);
    assert.deepEqual(m, {
      datum: "2023-05-01T00:00:00",
      verkooporderBtwIngaveModel: "Inclusief",
      orderreferentie: "10330",
      omschrijving: "CCV Shop order 10330",
      regels: [
        { artikelcode: "SKU-21", omschrijving: "Product", stuksprijs: 121, aantal: 1, vatCategory: "hoog" },
        { artikelcode: "SKU-9", omschrijving: "Boek", stuksprijs: 10.9, aantal: 1, vatCategory: "laag" },
        { artikelcode: "VERZEND", omschrijving: "Verzendkosten", stuksprijs: 6.05, aantal: 1, vatCategory: "hoog" },
      ],
      totalCents: 13795,
      vatTotalCents: 2295,
      warnings: [],
    });
  });

  it("turns a row discount into a percentage when it reproduces the row total, else into the unit price", () => {
    const m = buildVerkooporder(
      { order: order({ total_price: 426.66, total_tax: 74.05, total_discounts: 0 }), rows: [row(100, 21, { count: 2, discount: 10 }), row(89.99, 21, { count: 3, discount: 7.77 })] },
      mapping,
    );
    assert.deepEqual(m.regels[0], { artikelcode: "SKU-21", omschrijving: "Product 21%", stuksprijs: 100, aantal: 2, kortingsPercentage: 10, vatCategory: "hoog" });
    // 7.77 of 89.99 is 8.634 %: 8.63 % would give 246.67 for 3, not the row's 246.66.
    assert.deepEqual(m.regels[1], { artikelcode: "SKU-21", omschrijving: "Product 21%", stuksprijs: 82.22, aantal: 3, vatCategory: "hoog" });
  });

  it("gives rows without product number the fallback article and discounts their own article per VAT category", () => {
    const m = buildVerkooporder(
      { order: order({ total_discounts: 15, total_price: 135, total_tax: 19.34, paymethod_costs: 0 }), rows: [row(100, 21, { product_number: "" }), row(50, 9)] },
      mapping,
    );
    assert.deepEqual(
      m.regels.map((r) => [r.artikelcode, r.stuksprijs, r.vatCategory]),
      [
        ["DIVERS", 100, "hoog"],
        ["SKU-9", 50, "laag"],
        ["KORTING-H", -10, "hoog"],
        ["KORTING-L", -5, "laag"],
      ],
    );
  });

  it("is Exclusief for net rows and converts gross shipping to net", () => {
    const m = buildVerkooporder(
      { order: order({ order_row_taxes_included: false, shipping_taxes_included: true, total_shipping: 6.05, total_price: 127.05, total_tax: 22.05 }), rows: [row(100, 21)] },
      mapping,
    );
    assert.equal(m.verkooporderBtwIngaveModel, "Exclusief");
    assert.deepEqual(m.regels[1], { artikelcode: "VERZEND", omschrijving: "Verzendkosten", stuksprijs: 5, aantal: 1, vatCategory: "hoog" });
  });

  it("classes a destination's OSS standard rate as hoog and its reduced rates as laag", () => {
    const m = buildVerkooporder(
      { order: order({ create_date: "2024-05-01T10:00:00Z", total_price: 126, total_tax: 19.46, customer: customerIn("DE") }), rows: [row(119, 19), row(7, 7)] },
      fullMapping({ articles: ARTICLES, euConsumers: "oss" }),
      { ossRates: OSS_TABLE },
    );
    assert.deepEqual(
      m.regels.map((r) => r.vatCategory),
      ["hoog", "laag"],
    );
  });

  it("leaves the Dutch VAT category of a product open in a sale zero-rated for its customer (export, ICP): the 0 % is the customer's, not the product's", () => {
    // Seed 1, order 5898: an earlier export or ICP order of BK-ZK created the article in the 0 % group, so this Dutch order's 9 % went missing in SnelStart.
    const exportOrder = {
      order: order({ order_row_taxes_included: false, shipping_taxes_included: false, shipping_tax_percentage: 0, total_shipping: 24.95, total_price: 355.07, total_tax: 0, customer: customerIn("US") }),
      rows: [row(27.51, 0, { product_number: "BK-ZK", count: 12 })],
    };
    const icpOrder = { order: order({ ...exportOrder.order, is_intra_community_order: true, customer: customerIn("DE", { btw: "DE123456789" }) }), rows: exportOrder.rows };
    for (const input of [exportOrder, icpOrder]) {
      const m = buildVerkooporder(input, mapping);
      assert.deepEqual(
        m.regels.map((r) => [r.artikelcode, r.vatCategory]),
        [
          ["BK-ZK", null],
          ["VERZEND-G", "geen"],
        ],
      );
    }
    // A Dutch 0 % row is the product's own category.
    const nl0 = buildVerkooporder({ order: order({ total_price: 25, total_tax: 0 }), rows: [row(25, 0, { product_number: "BON" })] }, mapping);
    assert.deepEqual(nl0.regels[0].vatCategory, "geen");
  });

  it("gives the fallback and cost articles one article per VAT category: the mapped code for hoog, -L, -O and -G for the others", () => {
    const m = buildVerkooporder(
      { order: order({ paymethod_costs: 1.5, total_price: 151.5, total_tax: 21.7 }), rows: [row(100, 21, { product_number: "" }), row(50, 9, { product_number: "" })] },
      fullMapping({ articles: ARTICLES, costsVat: "proportional" }),
    );
    assert.deepEqual(
      m.regels.map((r) => [r.artikelcode, r.stuksprijs, r.vatCategory]),
      [
        ["DIVERS", 100, "hoog"],
        ["DIVERS-L", 50, "laag"],
        ["BETAAL", 1, "hoog"],
        ["BETAAL-L", 0.5, "laag"],
      ],
    );
  });

  it("checks SnelStart's totals of the sales order against CCV's: a warning naming the order and both totals when they differ by more than a cent", () => {
    // Seed 1, order 5898, as posted: net rows, SnelStart computed 969.06 (BK-ZK's article in the 0 % group).
    const input = {
      order: order({ ordernumber: 5898, ordernumber_full: "5898", order_row_taxes_included: false, shipping_taxes_included: false, total_shipping: 6.95, total_price: 998.77, total_tax: 140.6 }),
      rows: [row(27.51, 9, { product_number: "BK-ZK", count: 12 }), row(16.49, 21, { product_number: "SP-BAM", count: 14 }), row(18.14, 21, { product_number: "EK-004", count: 16 })],
    };
    const m = buildVerkooporder(input, mapping);
    assert.deepEqual([m.totalCents, m.vatTotalCents], [99877, 14060]);
    assert.deepEqual(checkVerkooporderTotals(m, { totaalExclusiefBtw: 858.17, totaalInclusiefBtw: 998.77 }), []);
    assert.deepEqual(checkVerkooporderTotals(m, { totaalExclusiefBtw: 858.17, totaalInclusiefBtw: 998.78 }), [], "a cent is rounding");
    const [w, ...more] = checkVerkooporderTotals(m, { totaalExclusiefBtw: 858.17, totaalInclusiefBtw: 969.06 });
    assert.equal(more.length, 0);
    assert.match(w, /Order 5898/);
    assert.match(w, /€969\.06/);
    assert.match(w, /€998\.77/);
    assert.match(w, /€110\.89.*€140\.60/, "and the VAT of both");
    assert.match(w, /revenue group/);
  });

  it("warns when SnelStart's VAT differs from CCV's by more than a cent per line, also when the totals agree (prices incl. VAT)", () => {
    const m = buildVerkooporder(nlExample(), mapping);
    assert.deepEqual(checkVerkooporderTotals(m, { totaalExclusiefBtw: 115, totaalInclusiefBtw: 137.95 }), []);
    assert.deepEqual(checkVerkooporderTotals(m, { totaalExclusiefBtw: 114.97, totaalInclusiefBtw: 137.95 }), [], "3 cents over 3 lines is rounding per line");
    const [w] = checkVerkooporderTotals(m, { totaalExclusiefBtw: 126.55, totaalInclusiefBtw: 137.95 });
    assert.match(w, /Order 10330/);
    assert.match(w, /VAT/);
    assert.match(w, /€11\.40.*€22\.95/);
  });

  it("warns when SnelStart's answer has no totals to check", () => {
    const m = buildVerkooporder(nlExample(), mapping);
    const [w] = checkVerkooporderTotals(m, {});
    assert.match(w, /Order 10330/);
    assert.match(w, /€137\.95/);
  });

  it("ARTICLE_NUMBER_MISSING names the row (or cost) without article", () => {
    refuses(() => buildVerkooporder({ order: order({ total_price: 100, total_tax: 17.36 }), rows: [row(100, 21, { product_number: "", product_name: "Gravure" })] }, fullMapping()), "ARTICLE_NUMBER_MISSING", /row 1 \(Gravure\)/);
    refuses(() => buildVerkooporder(nlExample(), fullMapping({ articles: { fallback: "X" } })), "ARTICLE_NUMBER_MISSING", /verzendkosten/);
  });

  it("makes the POST /verkooporders body from a code -> id map, ARTICLE_NOT_FOUND otherwise", () => {
    const m = buildVerkooporder(nlExample(), mapping);
    const ids = new Map([
      ["SKU-21", "a1"],
      ["SKU-9", "a2"],
      ["VERZEND", "a3"],
    ]);
    assert.deepEqual(toVerkooporder(m, "rel", ids), {
      relatie: { id: "rel" },
      datum: "2023-05-01T00:00:00",
      procesStatus: "Order",
      verkooporderBtwIngaveModel: "Inclusief",
      orderreferentie: "10330",
      omschrijving: "CCV Shop order 10330",
      regels: [
        { artikel: { id: "a1" }, omschrijving: "Product", stuksprijs: 121, aantal: 1 },
        { artikel: { id: "a2" }, omschrijving: "Boek", stuksprijs: 10.9, aantal: 1 },
        { artikel: { id: "a3" }, omschrijving: "Verzendkosten", stuksprijs: 6.05, aantal: 1 },
      ],
    });
    ids.delete("VERZEND");
    refuses(() => toVerkooporder(m, "rel", ids), "ARTICLE_NOT_FOUND", /VERZEND/);
  });
});
