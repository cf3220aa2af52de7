/**
 * The shop's side of the reconciliation (src/koppeling/reconcile-shop.ts): the period, which CCV
 * documents of it are due under the ccv-orders-in settings, and under which number and amount —
 * checked against what the booking functions themselves produce for the same documents.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import "./helpers/fc-seed";
import type { Checked } from "../../src/ccv/check";
import type { CcvInvoice, CcvInvoiceHead, CcvOrder, CcvOrderHead } from "../../src/ccv/schemas";
import { KoppelingError } from "../../src/errors";
import { mapCancellation, mapCreditInvoice, mapOrder, type Mapping } from "../../src/koppeling";
import { dueSettings } from "../../src/koppeling/due";
import { ShopSide, inPeriod, lastMonth, listingBounds, monthPeriod, parsePeriod, periodLabel, type Period } from "../../src/koppeling/reconcile-shop";
import { refuses } from "./helpers/assert";
import { creditInvoice, fullMapping, nlExample, order } from "./helpers/ccv";
import { contextFor, ordersArb } from "./helpers/orders-arb";

const MARCH: Period = { from: "2025-03-01", to: "2025-04-01" };
const ok = <T, H>(value: T): Checked<T, H> => ({ ok: true, value });
const broken = <T, H>(head: H | null, id = 1): Checked<T, H> => ({ ok: false, id, head, error: new KoppelingError("CCV_INVALID_DOCUMENT", "does not fit") });

describe("unit: the reconciliation's period", () => {
  const NOW = new Date("2025-04-15T10:00:00Z");

  it("a month, a month as text, from/to days, or nothing (last month)", () => {
    assert.deepEqual(parsePeriod({ month: "2025-03" }, NOW), MARCH);
    assert.deepEqual(parsePeriod("2024-12", NOW), { from: "2024-12-01", to: "2025-01-01" });
    assert.deepEqual(parsePeriod({ from: "2025-01-01", to: "2025-04-01" }, NOW), { from: "2025-01-01", to: "2025-04-01" });
    assert.deepEqual(parsePeriod(undefined, NOW), MARCH);
    assert.deepEqual(parsePeriod({}, NOW), MARCH);
    assert.deepEqual(parsePeriod({ from: "", to: "" }, NOW), MARCH, "an empty query is the default");
    assert.deepEqual(parsePeriod(null, new Date("2025-01-10T12:00:00Z")), { from: "2024-12-01", to: "2025-01-01" }, "January's last month is December");
    // 2025-03-31T22:30Z is already April 1 in Amsterdam (summer time).
    assert.deepEqual(lastMonth(new Date("2025-03-31T22:30:00Z")), MARCH);
    assert.deepEqual(lastMonth(new Date("2025-03-31T21:30:00Z")), { from: "2025-02-01", to: "2025-03-01" });
  });

  it("RECONCILE_PERIOD for a period that is not one, is empty, or is longer than a year", () => {
    refuses(() => parsePeriod("2025-13", NOW), "RECONCILE_PERIOD", /not a month/);
    refuses(() => parsePeriod({ month: "maart" }, NOW), "RECONCILE_PERIOD");
    refuses(() => parsePeriod({ month: "2025-03", from: "2025-03-01", to: "2025-04-01" }, NOW), "RECONCILE_PERIOD", /either month or from and to/);
    refuses(() => parsePeriod({ from: "2025-03-01" }, NOW), "RECONCILE_PERIOD", /both days/);
    refuses(() => parsePeriod({ from: "2025-02-30", to: "2025-03-01" }, NOW), "RECONCILE_PERIOD");
    refuses(() => parsePeriod({ from: "2025-03-01", to: "2025-03-01" }, NOW), "RECONCILE_PERIOD", /no days/);
    refuses(() => parsePeriod({ from: "2024-01-01", to: "2025-01-02" }, NOW), "RECONCILE_PERIOD", /longer than a year/);
    assert.deepEqual(parsePeriod({ from: "2024-01-01", to: "2025-01-01" }, NOW), { from: "2024-01-01", to: "2025-01-01" }, "a leap year is a year");
    refuses(() => parsePeriod(42, NOW), "RECONCILE_PERIOD");
  });

  it("labels, days in Amsterdam, and the CCV listing bounds a day wider on each side", () => {
    assert.equal(periodLabel(MARCH), "2025-03");
    assert.equal(periodLabel(monthPeriod("2024-12")), "2024-12");
    assert.equal(periodLabel({ from: "2025-01-01", to: "2025-04-01" }), "2025-01-01..2025-03-31");
    assert.ok(inPeriod("2025-02-28T23:30:00Z", MARCH), "00:30 on March 1 in Amsterdam");
    assert.ok(!inPeriod("2025-02-28T22:59:59Z", MARCH));
    assert.ok(inPeriod("2025-03-31T21:59:59Z", MARCH));
    assert.ok(!inPeriod("2025-03-31T22:00:00Z", MARCH), "midnight of April 1 in summer time");
    assert.ok(!inPeriod("no date", MARCH));
    const b = listingBounds(MARCH);
    assert.deepEqual([b.min.toISOString(), b.max.toISOString()], ["2025-02-27T23:00:00.000Z", "2025-04-01T22:00:00.000Z"]);
  });
});

describe("unit: the shop's side of a period (ShopSide)", () => {
  const mapping = fullMapping();
  const settings = dueSettings({ statuses: "5,6,7" });
  const side = (over: { mapping?: Mapping; settings?: typeof settings; start?: string | null } = {}) => new ShopSide(over.mapping ?? mapping, over.settings ?? settings, over.start ?? null, MARCH);
  const marchOrder = (id: number, ordernumber: number, over: Partial<CcvOrder> = {}) =>
    order({ id, ordernumber, ordernumber_full: String(ordernumber), create_date: "2025-03-10T10:00:00Z", total_price: 121, total_tax: 21, ...over });

  it("an order due under the ccv-orders-in settings: its invoice number and CCV's total incl. VAT; the others are not due", () => {
    const s = side({ start: "2025-03-05T00:00:00Z" });
    s.order(ok(marchOrder(1, 101)));
    s.order(ok(marchOrder(2, 102, { paid: false })));
    s.order(ok(marchOrder(3, 103, { status: 4 })));
    s.order(ok(marchOrder(4, 104, { create_date: "2025-03-02T10:00:00Z" })));
    s.order(ok(marchOrder(5, 105, { create_date: "2025-04-01T10:00:00Z" })));
    assert.deepEqual(s.result(), { shop: [{ kind: "invoice", factuurnummer: "2025101", ordernumber: 101, amountCents: 12100 }], cancelled: [] });
    const early = side();
    early.order(ok(marchOrder(6, 106, { create_date: "2025-02-28T23:30:00Z", total_price: 50.05 })));
    assert.deepEqual(early.result().shop, [{ kind: "invoice", factuurnummer: "2025106", ordernumber: 106, amountCents: 5005 }], "March 1 in Amsterdam");
    const unpaid = side({ settings: dueSettings({ statuses: "5,6,7", paidOnly: false }) });
    unpaid.order(ok(marchOrder(2, 102, { paid: false })));
    assert.equal(unpaid.result().shop.length, 1, "paid only off: an unpaid order is due");
  });

  it("a cancelled order of the period: its invoice number, the credit note's and its total", () => {
    const s = side();
    s.order(ok(marchOrder(7, 107, { status: 8, paid: false })));
    assert.deepEqual(s.result().cancelled, [{ ordernumber: 107, factuurnummer: "2025107", creditFactuurnummer: "C2025107", amountCents: 12100 }]);
  });

  it("numbering by CCV invoice number: the order's invoice number, or none yet (INVOICE_NUMBER_MISSING noted)", () => {
    const byInvoice = fullMapping({ invoiceNumber: { source: "invoicenumber", yearPrefix: false, prefix: "F", creditPrefix: "C" } });
    const s = side({ mapping: byInvoice });
    s.order(ok(marchOrder(1, 101, { invoicenumber: 5001 })));
    s.order(ok(marchOrder(2, 102, { invoicenumber: null })));
    assert.deepEqual(s.result().shop, [
      { kind: "invoice", factuurnummer: "F5001", ordernumber: 101, amountCents: 12100 },
      { kind: "invoice", factuurnummer: "", ordernumber: 102, amountCents: null, note: "INVOICE_NUMBER_MISSING" },
    ]);
  });

  it("an order CCV sent broken: judged by its head, numbered from it when it can be, the code noted", () => {
    const s = side();
    const head = (over: Partial<CcvOrderHead>): CcvOrderHead => ({ id: 9, ordernumber: 109, create_date: "2025-03-10T10:00:00Z", status: 7, is_completed: true, paid: true, ...over });
    s.order(broken(head({})));
    s.order(broken(head({ paid: false })));
    s.order(broken(null));
    assert.deepEqual(s.result().shop, [{ kind: "invoice", factuurnummer: "2025109", ordernumber: 109, amountCents: null, note: "CCV_INVALID_DOCUMENT" }]);
  });

  it("a CCV credit invoice of the period: numbered after its order's invoice, negative, with the cancellation's credit note that would cover it", () => {
    const s = side();
    s.order(ok(marchOrder(339323562, 10330, { create_date: "2024-12-31T23:30:00Z" })));
    s.invoice(ok(creditInvoice({ create_date: "2025-03-20T10:00:00Z", total_price: -30.25, total_tax: -5.25 })));
    s.invoice(ok(creditInvoice({ id: 778, type: "debit", create_date: "2025-03-20T10:00:00Z" })));
    s.invoice(ok(creditInvoice({ id: 779, create_date: "2025-04-20T10:00:00Z" })));
    assert.deepEqual(s.ordersToRead(), [], "the order was listed");
    // The order was placed on 2025-01-01 in Amsterdam: its year prefix is 2025.
    assert.deepEqual(s.result().shop, [{ kind: "credit", factuurnummer: "C202510330-57", ordernumber: 10330, amountCents: -3025, original: "202510330", coveredBy: "C202510330" }]);
    const positive = side();
    positive.originalOrder(ok(marchOrder(339323562, 10330)));
    positive.invoice(ok(creditInvoice({ create_date: "2025-03-20T10:00:00Z", total_price: 30.25, total_tax: 5.25 })));
    assert.equal(positive.result().shop[0].amountCents, -3025, "CCV may send a credit invoice with positive amounts");
  });

  it("the order of a credit invoice that was not listed is read; unreadable, the credit note cannot be numbered", () => {
    const s = side();
    s.invoice(ok(creditInvoice({ create_date: "2025-03-20T10:00:00Z", total_price: -12.1 })));
    assert.deepEqual(s.ordersToRead(), [339323562]);
    s.originalOrder(broken(null, 339323562));
    assert.deepEqual(s.result().shop, [{ kind: "credit", factuurnummer: "", ordernumber: 10330, amountCents: null, note: "ORIGINAL_INVOICE_MISSING" }]);
    const read = side();
    read.invoice(ok(creditInvoice({ create_date: "2025-03-20T10:00:00Z", total_price: -12.1 })));
    read.originalOrder(ok(marchOrder(339323562, 10330, { create_date: "2025-02-20T10:00:00Z" })));
    assert.equal(read.result().shop[0].factuurnummer, "C202510330-57");
  });

  it("numbering by order number without a year: the original follows from the number, nothing to read", () => {
    const s = side({ mapping: fullMapping({ invoiceNumber: { source: "ordernumber", yearPrefix: false, creditPrefix: "CR" } }) });
    s.invoice(ok(creditInvoice({ create_date: "2025-03-20T10:00:00Z", total_price: -12.1 })));
    assert.deepEqual(s.ordersToRead(), []);
    assert.equal(s.result().shop[0].factuurnummer, "CR10330-57");
  });

  it("credit notes off in ccv-orders-in: CCV credit invoices are not due", () => {
    const s = side({ settings: dueSettings({ credits: false }) });
    s.invoice(ok(creditInvoice({ create_date: "2025-03-20T10:00:00Z", total_price: -12.1 })));
    s.invoice(broken<CcvInvoice, CcvInvoiceHead>({ id: 5, type: "credit", ordernumber: 10330, create_date: "2025-03-20T10:00:00Z" }));
    assert.deepEqual(s.result().shop, []);
  });

  it("the amount and number are what the koppeling books: mapOrder, mapCreditInvoice and mapCancellation give the same (NL, OSS, ICP, export)", () => {
    fc.assert(
      fc.property(ordersArb(), (g) => {
        const m = fullMapping({ costsVat: g.costsVat, euConsumers: g.scenario === "oss" ? "oss" : "nl-vat", overigRates: [13] });
        const booking = mapOrder(g, m, contextFor(g));
        const day = booking.factuurdatum.slice(0, 10);
        const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const s = new ShopSide(m, dueSettings({ paidOnly: false, statuses: String(g.order.status) }), null, { from: day, to: next });
        s.order(ok({ ...g.order, is_completed: true }));
        const cancelled = new ShopSide(m, dueSettings({}), null, { from: day, to: next });
        cancelled.order(ok({ ...g.order, status: 8 }));
        const neg = (n: number) => (n === 0 ? 0 : -n);
        const o = g.order;
        const inv = creditInvoice({
          ...o,
          status: "reimbursed",
          id: 5,
          invoicenumber: 77,
          order: { href: `https://shop.ccvshop.nl/api/rest/v1/orders/${o.id}/` },
          invoice_row_taxes_included: o.order_row_taxes_included,
          total_shipping: neg(o.total_shipping),
          total_discounts: neg(o.total_discounts),
          total_price: neg(o.total_price),
          total_tax: neg(o.total_tax),
          paymethod_costs: neg(o.paymethod_costs),
          credit_point_discount: neg(o.credit_point_discount),
          extra_costs: neg(o.extra_costs),
        });
        s.invoice(ok(inv));
        assert.deepEqual(s.ordersToRead(), [], "the credited order was listed");
        const [doc, credit] = s.result().shop;
        assert.deepEqual([doc.factuurnummer, doc.amountCents], [booking.factuurnummer, booking.totalCents]);
        const rows = g.rows.map((r) => ({ ...r, price: neg(r.price), discount: neg(r.discount), total_price: neg(r.total_price) }));
        const creditBooking = mapCreditInvoice({ invoice: inv, rows, originalFactuurnummer: booking.factuurnummer }, m, contextFor(g));
        assert.deepEqual([credit.factuurnummer, credit.amountCents], [creditBooking.factuurnummer, creditBooking.totalCents]);
        const cancellation = mapCancellation(g, booking.factuurnummer, m, contextFor(g));
        const [c] = cancelled.result().cancelled;
        assert.deepEqual([c.factuurnummer, c.creditFactuurnummer, -(c.amountCents as number)], [booking.factuurnummer, cancellation.factuurnummer, cancellation.totalCents]);
      }),
      { numRuns: 300 },
    );
  });

  it("the NL example of the reference books 137.95: so does the shop's side", () => {
    const { order: o } = nlExample({ create_date: "2025-03-10T10:00:00Z" });
    const s = side();
    s.order(ok(o));
    assert.equal(s.result().shop[0].amountCents, 13795);
  });
});
