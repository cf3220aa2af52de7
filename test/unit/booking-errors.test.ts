import assert from "node:assert/strict";
import { refuses } from "./helpers/assert";
import { mapCreditInvoice, mapOrder, type OrderInput } from "../../src/koppeling";
import { LEDGERS, creditInvoice, customer, customerIn, fullMapping, invoiceRow, nlExample, order, row } from "./helpers/ccv";
import { OSS_TABLE } from "./helpers/orders-arb";

/** The NL example with its first row replaced by `bad` (raw JSON, as a client might pass it). */
function withRow(bad: Record<string, unknown>): OrderInput {
  const input = nlExample();
  return { order: input.order, rows: [{ ...input.rows[0], ...bad } as never, input.rows[1]] };
}

describe("bad input is refused with a stable code and a message a shop owner understands", () => {
  it("ORDER_INVALID: a row with a negative count", () => {
    refuses(() => mapOrder(withRow({ count: -1 }), fullMapping()), "ORDER_INVALID", /Order 10330/, /row 1/, /count/, /negative/);
  });

  it("ORDER_INVALID: a NaN price", () => {
    refuses(() => mapOrder(withRow({ price: Number.NaN }), fullMapping()), "ORDER_INVALID", /row 1/, /price/);
  });

  it("ORDER_INVALID: a price sent as a string", () => {
    refuses(() => mapOrder(withRow({ price: "121.00" }), fullMapping()), "ORDER_INVALID", /row 1/, /price/);
  });

  it("ORDER_INVALID: an order total that is not a number", () => {
    const input = nlExample();
    refuses(() => mapOrder({ order: { ...input.order, total_price: "137.95" } as never, rows: input.rows }, fullMapping()), "ORDER_INVALID", /total_price/);
  });

  it("ORDER_INVALID: an unfinished checkout (no order number)", () => {
    refuses(() => mapOrder(nlExample({ ordernumber: null, ordernumber_full: null }), fullMapping()), "ORDER_INVALID", /not completed/);
  });

  it("ORDER_INVALID: rows that are not an array", () => {
    refuses(() => mapOrder({ order: nlExample().order, rows: undefined as never }, fullMapping()), "ORDER_INVALID", /rows/);
  });

  it("VAT_UNMAPPED_RATE: 7 % in a Dutch order, naming order, row and rate", () => {
    const input = { order: order({ total_price: 107, total_tax: 7 }), rows: [row(107, 7, { product_name: "Buch" })] };
    const err = refuses(() => mapOrder(input, fullMapping()), "VAT_UNMAPPED_RATE", /Order 10330/, /row 1 \(Buch\)/, /7 %/);
    assert.equal(err.details.rate, 7);
  });

  it("VAT_UNMAPPED_RATE: 9 % before 2019, and a rate not in the destination's OSS table", () => {
    refuses(() => mapOrder({ order: order({ create_date: "2018-06-01T10:00:00Z", total_price: 109, total_tax: 9 }), rows: [row(109, 9)] }, fullMapping()), "VAT_UNMAPPED_RATE", /9 %/, /2018-06-01/);
    const de = { order: order({ total_price: 121, total_tax: 21, customer: customerIn("DE") }), rows: [row(121, 21)] };
    refuses(() => mapOrder(de, fullMapping({ euConsumers: "oss" }), { ossRates: OSS_TABLE }), "VAT_UNMAPPED_RATE", /OSS VAT rates of DE/);
  });

  it("VAT_UNMAPPED_RATE: a 0 % row in an OSS sale, which SnelStart could not take on any ledger", () => {
    const de = { order: order({ total_price: 129, total_tax: 19, customer: customerIn("DE") }), rows: [row(119, 19), row(10, 0, { product_name: "Gutschein" })] };
    refuses(() => mapOrder(de, fullMapping({ euConsumers: "oss" }), { ossRates: OSS_TABLE, ossEnabled: true }), "VAT_UNMAPPED_RATE", /Gutschein/, /0 %/, /OSS/);
  });

  it("VAT_UNMAPPED_RATE: a shipping rate, naming shipping", () => {
    refuses(() => mapOrder({ order: order({ shipping_tax_percentage: 7, total_shipping: 5, total_price: 5, total_tax: 0.33 }), rows: [] }, fullMapping()), "VAT_UNMAPPED_RATE", /shipping/);
  });

  it("COUNTRY_UNKNOWN: a country code that is not ISO 3166-1", () => {
    refuses(() => mapOrder(nlExample({ customer: customerIn("XX") }), fullMapping()), "COUNTRY_UNKNOWN", /"XX"/);
    refuses(() => mapOrder(nlExample({ customer: customer({ deliveryaddress: { ...customerIn("UK").billingaddress } }) }), fullMapping()), "COUNTRY_UNKNOWN", /"UK"/);
  });

  it("COUNTRY_UNKNOWN: no country at all", () => {
    refuses(() => mapOrder(nlExample({ customer: customerIn("NL", { billingaddress: { ...customer().billingaddress, country_code: null } }) }), fullMapping()), "COUNTRY_UNKNOWN", /no country/);
  });

  it("CUSTOMER_MISSING: no customer, or one without name and e-mail", () => {
    refuses(() => mapOrder(nlExample({ customer: null }), fullMapping()), "CUSTOMER_MISSING", /Order 10330/);
    const blank = customer({ email: "", billingaddress: { ...customer().billingaddress, full_name: "", first_name: "", last_name: "", company: "" } });
    refuses(() => mapOrder(nlExample({ customer: blank }), fullMapping()), "CUSTOMER_MISSING");
  });

  it("INVOICE_NUMBER_TOO_LONG: more than 25 characters", () => {
    refuses(() => mapOrder(nlExample({ ordernumber: 1234567890123 }), fullMapping({ invoiceNumber: { prefix: "WEBSHOP-AMSTERDAM-" } })), "INVOICE_NUMBER_TOO_LONG", /25/);
  });

  it("INVOICE_NUMBER_MISSING: numbering by CCV invoice number before CCV made the invoice", () => {
    refuses(() => mapOrder(nlExample(), fullMapping({ invoiceNumber: { source: "invoicenumber" } })), "INVOICE_NUMBER_MISSING");
  });

  it("VAT_TOTAL_MISMATCH naming both figures", () => {
    const err = refuses(() => mapOrder(nlExample({ total_tax: 22.9 }), fullMapping()), "VAT_TOTAL_MISMATCH", /€22\.95/, /€22\.90/);
    assert.equal(err.details.computedTaxCents, 2295);
    assert.equal(err.details.totalTaxCents, 2290);
  });

  it("ORDER_TOTAL_MISMATCH naming both figures", () => {
    refuses(() => mapOrder(nlExample({ total_price: 140 }), fullMapping()), "ORDER_TOTAL_MISMATCH", /€137\.95/, /€140\.00/);
  });

  it("BOOKING_EMPTY: nothing but zeros", () => {
    refuses(() => mapOrder({ order: order(), rows: [row(0, 21)] }, fullMapping()), "BOOKING_EMPTY");
  });

  it("LEDGER_VAT_NOT_ALLOWED: shipping at 9 % on a ledger that only allows Hoog", () => {
    const input = { order: order({ shipping_tax_percentage: 9, total_shipping: 5.45, total_price: 5.45, total_tax: 0.45 }), rows: [] };
    const shipping = { ...LEDGERS.shipping, btwSoort: ["Hoog" as const] };
    refuses(() => mapOrder(input, fullMapping({ shipping })), "LEDGER_VAT_NOT_ALLOWED", /8050/, /Laag/, /BOE-0082/);
  });

  it("MAPPING_INCOMPLETE: no ledger for a category the order needs", () => {
    refuses(() => mapOrder(nlExample(), fullMapping({ revenue: { hoog: LEDGERS.hoog } })), "MAPPING_INCOMPLETE", /revenue\.laag/);
    refuses(() => mapOrder({ order: order({ total_price: 100, customer: customerIn("US") }), rows: [row(100, 0)] }, fullMapping({ export: undefined })), "MAPPING_INCOMPLETE", /export/);
  });

  it("ICP_VAT_NUMBER_REFUSED: an ICP supply whose VAT number SnelStart refused, while SnelStart invoices foreign VAT", () => {
    const icp = { order: order({ total_price: 100, total_tax: 0, is_intra_community_order: true, customer: customerIn("DE", { btw: "DE123456000", customertype: "b2b" }) }), rows: [row(100, 0)] };
    refuses(() => mapOrder(icp, fullMapping(), { icpAllowed: false, ossEnabled: true }), "ICP_VAT_NUMBER_REFUSED", /VAT number/);
    assert.equal(mapOrder(icp, fullMapping(), { icpAllowed: false, ossEnabled: false }).lines[0].ledgerId, LEDGERS.geen.id);
  });

  it("OSS_NOT_ENABLED and OSS_RATES_MISSING", () => {
    const de = { order: order({ total_price: 119, total_tax: 19, customer: customerIn("DE") }), rows: [row(119, 19)] };
    refuses(() => mapOrder(de, fullMapping({ euConsumers: "oss" }), { ossRates: OSS_TABLE, ossEnabled: false }), "OSS_NOT_ENABLED");
    refuses(() => mapOrder(de, fullMapping({ euConsumers: "oss" }), {}), "OSS_RATES_MISSING", /DE/);
  });

  it("CURRENCY_UNSUPPORTED: an order in another currency", () => {
    refuses(() => mapOrder(nlExample({ currency: "GBP" }), fullMapping()), "CURRENCY_UNSUPPORTED", /GBP/);
  });

  it("ORIGINAL_INVOICE_MISSING: a credit invoice whose original number cannot be known", () => {
    const input = { invoice: creditInvoice({ total_price: -121, total_tax: -21 }), rows: [invoiceRow(-121, 21)] };
    refuses(() => mapCreditInvoice(input, fullMapping()), "ORIGINAL_INVOICE_MISSING");
    // Without a year prefix the original follows from the order number.
    assert.equal(mapCreditInvoice(input, fullMapping({ invoiceNumber: { yearPrefix: false } })).factuurnummer, "C10330-57");
  });

  it("ORDER_INVALID: a debit invoice passed as a credit invoice", () => {
    refuses(() => mapCreditInvoice({ invoice: creditInvoice({ type: "debit" }), rows: [], originalFactuurnummer: "1" }, fullMapping()), "ORDER_INVALID", /debit/);
  });

  it("maps nothing half: the input is untouched, before and after a refusal", () => {
    const good = nlExample();
    const before = structuredClone(good);
    mapOrder(good, fullMapping({ grouping: "row" }));
    assert.deepEqual(good, before);
    const bad = nlExample({ total_tax: 1 });
    const badBefore = structuredClone(bad);
    refuses(() => mapOrder(bad, fullMapping()), "VAT_TOTAL_MISMATCH");
    assert.deepEqual(bad, badBefore);
  });
});
