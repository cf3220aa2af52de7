/**
 * A CCV document through the linear path (src/koppeling/document.ts): read once, its customer
 * decided before it is mapped (the same customer the booking names), then mapped once — with the
 * debtor's verdict on the VAT number, and in sales-order mode with the sales order too.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import "./helpers/fc-seed";
import { KoppelingError } from "../../src/errors";
import { documentCustomer, documentOf, mapDocument, mapOrder } from "../../src/koppeling";
import { LEDGERS, address, creditInvoice, customer, customerIn, fullMapping, invoiceRow, nlExample, order, row } from "./helpers/ccv";
import { OSS_TABLE, contextFor, ordersArb } from "./helpers/orders-arb";

const icp = () => ({
  order: order({ total_price: 100, total_tax: 0, shipping_tax_percentage: 0, is_intra_community_order: true, customer: customerIn("DE", { btw: "DE123456789", customertype: "b2b", billingaddress: address({ company: "Müller GmbH", country_code: "DE", zipcode: "10115", city: "Berlin" }) }) }),
  rows: [row(100, 0)],
});

describe("a document on the linear path", () => {
  it("documentOf: {order, rows} or {invoice, rows}, its kind from msg.ccv; a booking model is named as a 0.1 wiring", () => {
    const n = nlExample();
    assert.equal(documentOf(n).kind, "order");
    assert.equal(documentOf({ invoice: creditInvoice(), rows: [] }).kind, "credit-invoice");
    const c = documentOf(n, { kind: "cancellation", originalFactuurnummer: "202310330" });
    assert.deepEqual([c.kind, c.originalFactuurnummer, c.originalUnconfirmed], ["cancellation", "202310330", undefined]);
    assert.throws(() => documentOf("not an order"), (e: KoppelingError) => e.code === "ORDER_INVALID" && /as ccv-orders-in sends it/.test(e.message));
    const booking = mapOrder(n, fullMapping());
    assert.throws(() => documentOf(booking), (e: KoppelingError) => e.code === "ORDER_INVALID" && /snelstart-debtor now comes before vat-mapper/.test(e.message));
  });

  it("the customer decided first is the booking's: the delivery address for an OSS sale delivered abroad, else the billing address", () => {
    const gift = customer({ deliveryaddress: address({ street: "Hauptstraße", housenumber: "5", zipcode: "10115", city: "Berlin", country_code: "DE", country: "Duitsland" }) });
    const doc = documentOf({ order: order({ total_price: 119, total_tax: 19, customer: gift }), rows: [row(119, 19)] });
    const oss = documentCustomer(doc, fullMapping({ euConsumers: "oss" }));
    assert.deepEqual([oss.oss, oss.customer.country, oss.customer.city], [true, "DE", "Berlin"]);
    const dutch = documentCustomer(doc, fullMapping({ euConsumers: "nl-vat" }));
    assert.deepEqual([dutch.oss, dutch.customer.country, dutch.customer.city], [false, "NL", "Amsterdam"]);
    const booking = mapDocument(doc, fullMapping({ euConsumers: "oss" }), { ossRates: OSS_TABLE, ossEnabled: true }, { mode: "verkoopboeking" });
    assert.deepEqual(booking.customer, oss.customer);
  });

  it("for any order the domain can book, the customer decided first is the one its booking names", () => {
    fc.assert(
      fc.property(ordersArb(), (g) => {
        const mapping = fullMapping({ costsVat: g.costsVat, euConsumers: g.scenario === "oss" ? "oss" : "nl-vat", overigRates: [13] });
        const doc = documentOf({ order: g.order, rows: g.rows });
        const b = mapDocument(doc, mapping, contextFor(g), { mode: "verkoopboeking" });
        const decided = documentCustomer(doc, mapping);
        assert.deepEqual(decided.customer, b.customer);
        assert.equal(decided.oss, b.scheme === "oss");
      }),
      { numRuns: 500 },
    );
  });

  it("a document that cannot be read fails when its customer is decided (before any debtor is made)", () => {
    const broken = nlExample();
    (broken.rows[0] as { tax: number | null }).tax = null;
    assert.throws(() => documentCustomer(documentOf(broken), fullMapping()), (e: KoppelingError) => e.code === "ORDER_INVALID" && /no tax/.test(e.message));
  });

  it("an ICP supply is mapped once: on the ICP ledger when the relatie has its VAT number, at 0 % without ICP (warned) when it has none", () => {
    const doc = documentOf(icp());
    const withVat = mapDocument(doc, fullMapping(), {}, { mode: "verkoopboeking", relatieHasVatNumber: true });
    assert.deepEqual([withVat.scheme, withVat.lines[0].ledgerId], ["icp", LEDGERS.icp.id]);
    assert.equal("icpFallback" in withVat, false);
    const without = mapDocument(doc, fullMapping(), {}, { mode: "verkoopboeking", relatieHasVatNumber: false });
    assert.deepEqual([without.scheme, without.lines[0].ledgerId], ["domestic", LEDGERS.geen.id]);
    assert.match(without.warnings.join(" "), /relatie in SnelStart has no VAT number.*domestic 0 % sale/);
    assert.throws(() => mapDocument(doc, fullMapping(), { ossEnabled: true }, { mode: "verkoopboeking", relatieHasVatNumber: false }), (e: KoppelingError) => e.code === "ICP_VAT_NUMBER_REFUSED");
  });

  it("sales-order mode: an order carries its sales order (with the article groups); a cancellation how its sales order is found; a credit invoice is a booking", () => {
    const groups = { hoog: "g-hoog", laag: "g-laag" };
    const mapping = fullMapping({ articles: { shipping: "VERZEND" } });
    const o = mapDocument(documentOf(nlExample()), mapping, {}, { mode: "verkooporder", articleGroups: groups });
    assert.equal(o.kind, "invoice");
    assert.ok(o.verkooporder, "the sales order");
    assert.deepEqual([o.verkooporder.orderreferentie, o.verkooporder.omschrijving, o.verkooporder.articleGroups], ["10330", "CCV Shop order 10330", groups]);
    assert.equal(o.factuurnummer, mapOrder(nlExample(), mapping).factuurnummer, "numbered as the booking");
    assert.equal(mapDocument(documentOf(nlExample()), mapping, {}, { mode: "verkoopboeking" }).verkooporder, undefined);

    const cancel = mapDocument(documentOf(nlExample({ status: 8 }), { kind: "cancellation", originalUnconfirmed: true }), mapping, {}, { mode: "verkooporder" });
    assert.deepEqual([cancel.kind, cancel.verkooporder, cancel.originalVerkooporder], ["credit", undefined, { orderreferentie: "10330", omschrijving: "CCV Shop order 10330" }]);
    assert.throws(() => mapDocument(documentOf(nlExample(), { kind: "cancellation" }), mapping, {}, { mode: "verkoopboeking" }), (e: KoppelingError) => e.code === "ORIGINAL_INVOICE_MISSING");

    const credit = mapDocument(documentOf({ invoice: creditInvoice({ total_price: -12.1, total_tax: -2.1 }), rows: [invoiceRow(-12.1, 21)] }, { originalFactuurnummer: "202310330" }), mapping, {}, { mode: "verkooporder" });
    assert.deepEqual([credit.kind, credit.verkooporder, credit.originalFactuurnummer], ["credit", undefined, "202310330"]);
  });
});
