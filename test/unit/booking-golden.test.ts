import assert from "node:assert/strict";
import { mapCancellation, mapCreditInvoice, mapOrder, toVerkoopboeking, type Booking } from "../../src/koppeling";
import { LEDGERS, creditInvoice, customer, customerIn, fullMapping, invoiceRow, nlExample, order, row } from "./helpers/ccv";
import { OSS_TABLE } from "./helpers/orders-arb";

const K = "11111111-2222-4333-8444-555555555555";
const lines = (b: Booking) => b.lines.map((l) => [l.ledgerId, l.btwSoort, l.amountCents]);

describe("golden bookings", () => {
  describe("the NL example of docs/reference/snelstart-api.md#nl-example (121.00 @21 %, shipping 6.05 @21 %, book 10.90 @9 %)", () => {
    it("books one 105.00 Hoog line when shipping goes with revenue", () => {
      const body = toVerkoopboeking(mapOrder(nlExample(), fullMapping()), K);
      assert.deepEqual(body, {
        factuurnummer: "202310330",
        factuurdatum: "2023-05-01T00:00:00",
        klant: { id: K },
        omschrijving: "CCV Shop order 10330",
        factuurbedrag: 137.95,
        boekingsregels: [
          { omschrijving: "Omzet 21%", grootboek: { id: LEDGERS.hoog.id }, bedrag: 105, btwSoort: "Hoog" },
          { omschrijving: "Omzet 9%", grootboek: { id: LEDGERS.laag.id }, bedrag: 10, btwSoort: "Laag" },
        ],
        btw: [
          { btwSoort: "VerkopenHoog", btwBedrag: 22.05 },
          { btwSoort: "VerkopenLaag", btwBedrag: 0.9 },
        ],
      });
    });

    it("books shipping as its own 5.00 Hoog line when a shipping ledger is mapped", () => {
      const b = mapOrder(nlExample(), fullMapping({ shipping: LEDGERS.shipping }));
      assert.deepEqual(lines(b), [
        [LEDGERS.hoog.id, "Hoog", 10000],
        [LEDGERS.shipping.id, "Hoog", 500],
        [LEDGERS.laag.id, "Laag", 1000],
      ]);
      assert.deepEqual(b.vat, [
        { btwSoort: "VerkopenHoog", amountCents: 2205 },
        { btwSoort: "VerkopenLaag", amountCents: 90 },
      ]);
      assert.equal(b.totalCents, 13795);
      assert.equal(b.scheme, "domestic");
    });

    it("books one line per row with its description when grouping by row", () => {
      const b = mapOrder(nlExample(), fullMapping({ grouping: "row", shipping: LEDGERS.shipping }));
      assert.deepEqual(
        b.lines.map((l) => [l.description, l.amountCents, l.vatRate]),
        [
          ["Product", 10000, 21],
          ["Verzendkosten 21%", 500, 21],
          ["Boek", 1000, 9],
        ],
      );
    });
  });

  it("reproduces SnelStart's OSS example: DE consumer 2021-07-29, 67.90 @7 % and 7.40 @19 % -> 81.46", () => {
    const input = {
      order: order({
        create_date: "2021-07-29T09:00:00Z",
        order_row_taxes_included: false,
        shipping_taxes_included: false,
        total_price: 81.46,
        total_tax: 6.16,
        customer: customerIn("DE"),
      }),
      rows: [row(67.9, 7, { product_name: "Buch" }), row(7.4, 19, { product_name: "Tasse" })],
    };
    const b = mapOrder(input, fullMapping({ euConsumers: "oss" }), { ossRates: OSS_TABLE, ossEnabled: true });
    assert.equal(b.scheme, "oss");
    assert.equal(b.country, "DE");
    assert.deepEqual(lines(b), [
      [LEDGERS.ossSR.id, "Geen", 740],
      [LEDGERS.ossRRL.id, "Geen", 6790],
      [LEDGERS.foreignVat.id, "Geen", 141],
      [LEDGERS.foreignVat.id, "Geen", 475],
    ]);
    const body = toVerkoopboeking(b, K);
    assert.deepEqual(body.btw, []);
    assert.equal(body.factuurbedrag, 81.46);
    assert.deepEqual(
      body.boekingsregels.map((r) => r.bedrag).sort((a, c) => a - c),
      [1.41, 4.75, 7.4, 67.9],
    );
    assert.equal(b.vatTotalCents, 616);
  });

  it("books the verbatim CCV sample order with the verbatim row: 487.60 Hoog + 102.40 VerkopenHoog = 590.00", () => {
    // docs/reference/ccvshop-api.md#sample-order (trimmed, personal data as in the reference) and
    // docs/reference/ccvshop-api.md#sample-order-row, as raw JSON.
    const sample = JSON.parse(`{"href":"https://bonapp1.ccvshop.nl/api/rest/v1/orders/339323562/","id":339323562,
 "ordernumber_prefix":null,"ordernumber":1,"ordernumber_full":"1","invoicenumber":null,"transaction_id":null,
 "create_date":"2022-11-07T21:51:00Z","deliver_method":"shipping","deliver_date":null,
 "take_out_window":{"start":null,"end":null},"is_platform_sale":false,"orderedinlng":"nl",
 "status":1,"is_completed":true,"paid":true,"safety_deposit_returned":false,
 "paymethod_id":3,"paymethod":"BankTransfer","paymethod_label":"Vooraf overmaken",
 "taxes_included":true,"order_row_taxes_included":true,"shipping_taxes_included":true,
 "shipping_tax_percentage":21,"is_intra_community_order":false,
 "total_orderrow_price":590,"total_shipping":5,"total_discounts":0,"total_price":590,"currency":"EUR",
 "total_tax":102.4,"total_weight":0,"extra_payment_option":"","extra_payment_option_price":0,
 "extra_payment_option_no_sentprice":false,"extra_payment_option_pay_on_pickup":false,"extra_price":0,
 "paymethod_costs":0,"credit_point_discount":0,"extra_costs":0,"extra_costs_description":"",
 "track_and_trace_code":"","track_and_trace_carrier":null,"track_and_trace_deeplink":"","reservationnumber":"",
 "delivery_option":null,
 "user":{"id":"24464274","discount_percentage":0,"href":"https://bonapp1.ccvshop.nl/api/rest/v1/users/24464274"},
 "discountcoupon":{"code":"","discount":0,"type":"","enddate":null,"onetimeuse":false,"minimumprice":0,"givesfreeshipping":false},
 "customer":{"billingaddress":{"gender":null,"initials":"","first_name":"…","last_name":"…","full_name":"…","company":"",
   "address_line_1":"Voorbeeldstraat 3","address_line_2":"","street":"Voorbeeldstraat","housenumber":3,"housenumber_suffix":"",
   "zipcode":"1234ab","city":"Amsterdam","province":"","telephone":"…","fax":"","mobile":"","comment":"",
   "country":"Nederland","country_code":"NL"},
  "deliveryaddress":{"gender":null,"full_name":"","initials":"","company":"","address_line_1":"","address_line_2":"",
   "street":"","housenumber":null,"housenumber_suffix":"","zipcode":"","city":"","province":"","telephone":"",
   "mobile":"","comment":"","country":"","country_code":null},
  "email_invoice":"","email_invoice_company":"","email_invoice_union":"","email":"…","customertype":"b2c",
  "iban":"","bic":"","btw":"","kvk":"","reference":""},
 "pickup_address":null,"packing_slip_deeplink":"https://…/PackingSlip.php?OrderId=…",
 "orderrows":{"href":"https://bonapp1.ccvshop.nl/api/rest/v1/orders/339323562/orderrows/"}}`);
    const verbatimRow = JSON.parse(`{"href":"https://bonapp1.ccvshop.nl/api/rest/v1/orderrows/648228528/","id":648228528,"order_id":339493812,
 "product_type":"product","product_name":"OnePlus Blauw","product_name_google":"OnePlus-Blauw","product_number":"",
 "sub_product_number":"","sub_sku_number":"","sub_ean_number":"","product_id":845754960,
 "product_href":"https://bonapp1.ccvshop.nl/api/rest/v1/products/845754960","count":1,"price":595,
 "product_purchase_price":0,"discount":10,"custom_price":false,"tax":21,"unit":"stuk","weight":0,"memo":"",
 "package_id":1664901,"package_name":"Kartonnen doos","stock_location":"","supplier":"","user_discount":0,
 "original_price":585,"selling_price":585,"price_without_discount":595,"price_without_discount_with_attributes":595,
 "total_price":585,"total_extra_option_price":0,"price_with_attributes":585,"total_price_with_attributes":585,
 "attributes":[],"uploads":[],"parent":{"href":"https://bonapp1.ccvshop.nl/api/rest/v1/orders/339493812"}}`);
    const b = mapOrder({ order: sample, rows: [verbatimRow] }, fullMapping());
    assert.deepEqual(lines(b), [[LEDGERS.hoog.id, "Hoog", 48760]]);
    assert.deepEqual(b.vat, [{ btwSoort: "VerkopenHoog", amountCents: 10240 }]);
    assert.equal(b.totalCents, 59000);
    assert.equal(toVerkoopboeking(b, K).factuurbedrag, 590);
    assert.equal(b.factuurnummer, "20221");
    assert.equal(b.customer.ccvUserId, 24464274);
    assert.equal(b.customer.street, "Voorbeeldstraat 3");
    assert.equal(b.customer.postcode, "1234 AB");
  });

  describe("intra-community supply (ICP)", () => {
    const icpOrder = (over = {}) => ({
      order: order({
        order_row_taxes_included: false,
        shipping_taxes_included: false,
        shipping_tax_percentage: 0,
        total_shipping: 12.5,
        total_price: 212.5,
        total_tax: 0,
        customer: customerIn("DE", { btw: "DE 123.456.789", customertype: "b2b", billingaddress: { ...customerIn("DE").billingaddress, company: "Kaffee GmbH" } }),
        ...over,
      }),
      rows: [row(100, 0, { count: 2 })],
    });

    it("books an EU business customer on the ICP ledger, Geen, without btw row", () => {
      const b = mapOrder(icpOrder(), fullMapping({ shipping: LEDGERS.shipping }));
      assert.equal(b.scheme, "icp");
      assert.deepEqual(lines(b), [[LEDGERS.icp.id, "Geen", 21250]]);
      assert.deepEqual(b.vat, []);
      assert.equal(b.customer.vatNumber, "DE123456789");
      assert.equal(b.customer.isBusiness, true);
      assert.equal(b.customer.name, "Kaffee GmbH");
      assert.equal(b.customer.contactPerson, "Jan Jansen");
    });

    it("treats is_intra_community_order like a VAT number", () => {
      const b = mapOrder(icpOrder({ is_intra_community_order: true, customer: customerIn("BE") }), fullMapping());
      assert.equal(b.scheme, "icp");
      assert.equal(b.lines[0].ledgerId, LEDGERS.icp.id);
    });

    it("books on the 'geen' revenue ledger with a warning when SnelStart refused the VAT number", () => {
      const b = mapOrder(icpOrder(), fullMapping(), { icpAllowed: false });
      assert.equal(b.scheme, "domestic");
      assert.deepEqual(lines(b), [[LEDGERS.geen.id, "Geen", 21250]]);
      assert.match(b.warnings.join(" "), /refused the customer's VAT number/);
    });
  });

  it("books an export outside the EU on the export ledger, Geen", () => {
    const b = mapOrder(
      {
        order: order({ shipping_tax_percentage: 0, total_shipping: 24.95, total_price: 124.95, total_tax: 0, customer: customerIn("US") }),
        rows: [row(100, 0)],
      },
      fullMapping(),
    );
    assert.equal(b.scheme, "export");
    assert.equal(b.country, "US");
    assert.deepEqual(lines(b), [[LEDGERS.export.id, "Geen", 12495]]);
    assert.deepEqual(b.vat, []);
  });

  it("books a Dutch VAT order shipped abroad as the domestic sale it was, with a warning", () => {
    const b = mapOrder({ order: order({ total_price: 121, total_tax: 21, customer: customerIn("CH") }), rows: [row(121, 21)] }, fullMapping());
    assert.equal(b.scheme, "domestic");
    assert.deepEqual(lines(b), [[LEDGERS.hoog.id, "Hoog", 10000]]);
    assert.match(b.warnings[0], /outside the EU \(CH\)/);
  });

  it("books an EU consumer with Dutch VAT when the mapping says nl-vat", () => {
    const b = mapOrder({ order: order({ total_price: 121, total_tax: 21, customer: customerIn("DE") }), rows: [row(121, 21)] }, fullMapping());
    assert.equal(b.scheme, "domestic");
    assert.equal(b.country, "DE");
    assert.deepEqual(b.vat, [{ btwSoort: "VerkopenHoog", amountCents: 2100 }]);
  });

  it("takes the destination from the delivery address (billing NL, delivery DE under OSS)", () => {
    const info = customer({ deliveryaddress: customerIn("DE").billingaddress });
    const b = mapOrder(
      { order: order({ create_date: "2024-03-01T10:00:00Z", total_price: 119, total_tax: 19, customer: info }), rows: [row(119, 19)] },
      fullMapping({ euConsumers: "oss" }),
      { ossRates: OSS_TABLE },
    );
    assert.equal(b.scheme, "oss");
    assert.equal(b.country, "DE");
    assert.equal(b.customer.country, "DE"); // the debtor gets the delivery address: SnelStart books foreign VAT for a klant in the destination country
    assert.deepEqual(lines(b), [
      [LEDGERS.ossSR.id, "Geen", 10000],
      [LEDGERS.foreignVat.id, "Geen", 1900],
    ]);
  });

  it("spreads a coupon over the VAT groups in proportion to the rows (hand-computed)", () => {
    // rows 100.00 @21 and 50.00 @9, coupon 15.00 -> 10.00 and 5.00; 90.00 @21: VAT 15.62; 45.00 @9: VAT 3.72.
    const b = mapOrder(
      {
        order: order({ total_discounts: 15, total_price: 135, total_tax: 19.34, discountcoupon: { code: "ZOMER", discount: 15, type: "price", givesfreeshipping: false } }),
        rows: [row(100, 21), row(50, 9)],
      },
      fullMapping({ grouping: "row" }),
    );
    assert.deepEqual(
      b.lines.map((l) => [l.description, l.btwSoort, l.amountCents]),
      [
        ["Product 21%", "Hoog", 8264],
        ["Kortingscode ZOMER 21%", "Hoog", -826],
        ["Product 9%", "Laag", 4587],
        ["Kortingscode ZOMER 9%", "Laag", -459],
      ],
    );
    assert.deepEqual(b.vat, [
      { btwSoort: "VerkopenHoog", amountCents: 1562 },
      { btwSoort: "VerkopenLaag", amountCents: 372 },
    ]);
    const grouped = mapOrder(
      {
        order: order({ total_discounts: 15, total_price: 135, total_tax: 19.34 }),
        rows: [row(100, 21), row(50, 9)],
      },
      fullMapping(),
    );
    assert.deepEqual(lines(grouped), [
      [LEDGERS.hoog.id, "Hoog", 7438],
      [LEDGERS.laag.id, "Laag", 4128],
    ]);
  });

  it("gives a tied cent of a spread discount to the higher rate", () => {
    // rows 10.00 @21 and 10.00 @9, coupon 0.01: the groups tie in size and remainder -> 21 % gets the cent.
    const b = mapOrder({ order: order({ total_discounts: 0.01, total_price: 19.99, total_tax: 2.56 }), rows: [row(10, 21), row(10, 9)] }, fullMapping({ grouping: "row" }));
    assert.deepEqual(
      b.lines.map((l) => [l.description, l.amountCents]),
      [
        ["Product 21%", 827],
        ["Kortingscode 21%", -1],
        ["Product 9%", 917],
      ],
    );
    assert.deepEqual(
      b.groups.map((g) => [g.rate, g.grossCents, g.vatCents]),
      [
        [21, 999, 173],
        [9, 1000, 83],
      ],
    );
  });

  it("books credit points, negative extra costs and payment costs (hand-computed)", () => {
    // 200.00 @21 gross; credit points 10.00; extra costs -5.00; payment costs 1.50 @21 (shipping rate).
    // 21 % group: 200 - 10 - 5 + 1.50 = 186.50 -> VAT 32.37, net 154.13.
    const b = mapOrder(
      {
        order: order({ credit_point_discount: 10, extra_costs: -5, extra_costs_description: "Korting vaste klant", paymethod_costs: 1.5, total_price: 186.5, total_tax: 32.37 }),
        rows: [row(200, 21)],
      },
      fullMapping({ paymentCosts: LEDGERS.paymentCosts, grouping: "row" }),
    );
    assert.deepEqual(
      b.lines.map((l) => [l.ledgerId, l.description, l.amountCents]),
      [
        [LEDGERS.hoog.id, "Product 21%", 16529],
        [LEDGERS.paymentCosts.id, "Betaalkosten 21%", 124],
        [LEDGERS.hoog.id, "Spaarpunten 21%", -827],
        [LEDGERS.hoog.id, "Korting vaste klant 21%", -413],
      ],
    );
    assert.deepEqual(b.vat, [{ btwSoort: "VerkopenHoog", amountCents: 3237 }]);
  });

  it("books a net (B2B) order: 100.00 excl. 21 % -> 21.00 VAT, 121.00", () => {
    const b = mapOrder(
      { order: order({ order_row_taxes_included: false, shipping_taxes_included: false, total_price: 121, total_tax: 21 }), rows: [row(100, 21)] },
      fullMapping(),
    );
    assert.deepEqual(lines(b), [[LEDGERS.hoog.id, "Hoog", 10000]]);
    assert.deepEqual(b.vat, [{ btwSoort: "VerkopenHoog", amountCents: 2100 }]);
  });

  it("books a rate of the mapping's overigRates as Overig", () => {
    const b = mapOrder({ order: order({ total_price: 113, total_tax: 13 }), rows: [row(113, 13)] }, fullMapping({ overigRates: [13] }));
    assert.deepEqual(lines(b), [[LEDGERS.overig.id, "Overig", 10000]]);
    assert.deepEqual(b.vat, [{ btwSoort: "VerkopenOverig", amountCents: 1300 }]);
  });

  it("books 6 % as Laag before 2019 (Amsterdam date)", () => {
    const b = mapOrder({ order: order({ create_date: "2018-12-31T22:59:00Z", total_price: 106, total_tax: 6 }), rows: [row(106, 6)] }, fullMapping());
    assert.deepEqual(lines(b), [[LEDGERS.laag.id, "Laag", 10000]]);
    assert.equal(b.factuurdatum, "2018-12-31T00:00:00");
  });

  it("recognises total_discounts holding only the coupon (interpretation B)", () => {
    // Row: 2 x (50 - 5) = 90; coupon 10 -> total 80. total_discounts = 10 (B), not 20 (A).
    const b = mapOrder({ order: order({ total_discounts: 10, total_price: 80, total_tax: 13.88 }), rows: [row(50, 21, { count: 2, discount: 5 })] }, fullMapping());
    assert.equal(b.totalCents, 8000);
    assert.deepEqual(b.vat, [{ btwSoort: "VerkopenHoog", amountCents: 1388 }]);
  });

  it("absorbs a 1-cent VAT difference in the largest group and books CCV's figures", () => {
    const b = mapOrder({ order: order({ total_price: 100, total_tax: 17.36 }), rows: [row(100, 21)] }, fullMapping());
    // Our VAT is round(100 x 21/121) = 17.36; CCV says 17.36 -> exact. Now a shop that says 17.37:
    const off = mapOrder({ order: order({ total_price: 100, total_tax: 17.37 }), rows: [row(100, 21)] }, fullMapping());
    assert.equal(b.vat[0].amountCents, 1736);
    assert.equal(off.vat[0].amountCents, 1737);
    assert.equal(off.lines[0].amountCents, 8263);
    assert.equal(off.totalCents, 10000);
    assert.match(off.warnings[0], /differ/);
  });

  describe("credit notes", () => {
    it("books a CCV credit invoice with negative amounts as a negative booking in the C series", () => {
      const b = mapCreditInvoice(
        {
          invoice: creditInvoice({ total_price: -127.05, total_tax: -22.05, total_shipping: -6.05 }),
          rows: [invoiceRow(-121, 21, { discount: 0, total_price: -121 })],
          originalFactuurnummer: "202310330",
        },
        fullMapping(),
      );
      assert.equal(b.kind, "credit");
      assert.equal(b.factuurnummer, "C202310330-57");
      assert.equal(b.originalFactuurnummer, "202310330");
      assert.match(b.omschrijving, /factuur 202310330/);
      assert.deepEqual(lines(b), [[LEDGERS.hoog.id, "Hoog", -10500]]);
      assert.deepEqual(b.vat, [{ btwSoort: "VerkopenHoog", amountCents: -2205 }]);
      const body = toVerkoopboeking(b, K);
      assert.equal(body.factuurbedrag, -127.05);
      assert.equal(body.factuurdatum, "2023-06-01T00:00:00");
    });

    it("reads a credit invoice with positive amounts the same way", () => {
      const b = mapCreditInvoice(
        { invoice: creditInvoice({ total_price: 127.05, total_tax: 22.05, total_shipping: 6.05 }), rows: [invoiceRow(121, 21)], originalFactuurnummer: "202310330" },
        fullMapping(),
      );
      assert.equal(b.totalCents, -12705);
      assert.deepEqual(lines(b), [[LEDGERS.hoog.id, "Hoog", -10500]]);
    });

    it("a credit invoice follows the VAT rules of its order's day: a pre-OSS sale to an EU consumer credited after 1 July 2021 keeps its Dutch VAT", () => {
      const fr = customerIn("FR");
      const credit = (originalCreated?: string) => ({
        invoice: creditInvoice({ create_date: "2021-07-04T03:03:09Z", customer: fr, total_price: -10.9, total_tax: -0.9 }),
        rows: [invoiceRow(-10.9, 9, { discount: 0, total_price: -10.9 })],
        originalFactuurnummer: "202113547",
        ...(originalCreated ? { originalCreated } : {}),
      });
      const m = fullMapping({ euConsumers: "oss" });
      const b = mapCreditInvoice(credit("2021-06-28T02:08:43Z"), m, { ossRates: OSS_TABLE });
      assert.equal(b.scheme, "domestic");
      assert.deepEqual(b.vat, [{ btwSoort: "VerkopenLaag", amountCents: -90 }]);
      assert.equal(toVerkoopboeking(b, K).factuurdatum, "2021-07-04T00:00:00", "dated as the credit invoice");
      // Without its order's day, the credit's own date decides: 9 % is no French rate.
      assert.throws(() => mapCreditInvoice(credit(), m, { ossRates: OSS_TABLE }), { code: "VAT_UNMAPPED_RATE" });
      // SnelStart with foreign VAT on refuses Dutch VAT for a consumer abroad after that date: by hand.
      assert.throws(() => mapCreditInvoice(credit("2021-06-28T02:08:43Z"), m, { ossRates: OSS_TABLE, ossEnabled: true }), (e: Error & { code?: string }) => e.code === "OSS_REQUIRED" && /before OSS began/.test(e.message));
      assert.throws(() => mapCreditInvoice(credit("yesterday"), m, { ossRates: OSS_TABLE }), { code: "ORDER_INVALID" });
    });

    it("a credit invoice follows the Dutch rates of its order's day: 6 % of 2018 credited in 2019", () => {
      const credit = (originalCreated?: string) => ({
        invoice: creditInvoice({ create_date: "2019-01-10T10:00:00Z", total_price: -10.6, total_tax: -0.6 }),
        rows: [invoiceRow(-10.6, 6, { discount: 0, total_price: -10.6 })],
        originalFactuurnummer: "201810330",
        ...(originalCreated ? { originalCreated } : {}),
      });
      assert.deepEqual(mapCreditInvoice(credit("2018-12-20T10:00:00Z"), fullMapping()).vat, [{ btwSoort: "VerkopenLaag", amountCents: -60 }]);
      assert.throws(() => mapCreditInvoice(credit(), fullMapping()), { code: "VAT_UNMAPPED_RATE" });
    });

    it("books an order cancelled after booking as the negated order, numbered C + the original", () => {
      const input = { ...nlExample({ status: 8 }), cancelledAt: "2023-05-03T08:00:00Z" };
      const original = mapOrder(input, fullMapping());
      const credit = mapCancellation(input, original.factuurnummer, fullMapping());
      assert.equal(credit.factuurnummer, "C202310330");
      assert.equal(credit.factuurdatum, "2023-05-03T00:00:00");
      assert.equal(credit.totalCents, -original.totalCents);
      assert.deepEqual(
        credit.lines.map((l) => l.amountCents),
        original.lines.map((l) => -l.amountCents),
      );
      assert.deepEqual(
        credit.vat.map((v) => v.amountCents),
        original.vat.map((v) => -v.amountCents),
      );
      assert.match(credit.omschrijving, /202310330/);
      assert.deepEqual(credit.warnings, []);
      // Without the original's number (a booking the ledger did not know): the number the mapping gives the order.
      const unconfirmed = mapCancellation(input, undefined, fullMapping());
      assert.deepEqual([unconfirmed.factuurnummer, unconfirmed.originalFactuurnummer, unconfirmed.totalCents], ["C202310330", "202310330", credit.totalCents]);
    });
  });

  describe("year-prefixed invoice numbers use the Amsterdam date", () => {
    it("an order at 2023-12-31T23:30:00Z is 2024 in Amsterdam", () => {
      const b = mapOrder(nlExample({ create_date: "2023-12-31T23:30:00Z" }), fullMapping());
      assert.equal(b.factuurnummer, "202410330");
      assert.equal(b.factuurdatum, "2024-01-01T00:00:00");
    });

    it("an order at 2023-12-31T22:59:59Z is still 2023", () => {
      const b = mapOrder(nlExample({ create_date: "2023-12-31T22:59:59Z" }), fullMapping());
      assert.equal(b.factuurnummer, "202310330");
      assert.equal(b.factuurdatum, "2023-12-31T00:00:00");
    });

    it("honours the prefix, no year and the CCV invoice number", () => {
      assert.equal(mapOrder(nlExample(), fullMapping({ invoiceNumber: { prefix: "WEB", yearPrefix: false } })).factuurnummer, "WEB10330");
      assert.equal(mapOrder(nlExample({ invoicenumber: 20555 }), fullMapping({ invoiceNumber: { source: "invoicenumber" } })).factuurnummer, "202320555");
    });
  });
});
