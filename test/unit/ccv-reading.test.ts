/**
 * What the koppeling accepts from CCV Shop (src/ccv/schemas.ts, src/ccv/check.ts): every shape
 * the evidence allows reads, and a document that does not fit is refused alone, naming itself,
 * the field and what was found, without copying a customer's data into the message.
 */
import assert from "node:assert/strict";
import { checkDocument, describeFound } from "../../src/ccv/check";
import { ccvInvoice, ccvInvoiceHead, ccvOrder, ccvOrderHead, ccvOrderRow, ccvWebshopSettings, idFromLink } from "../../src/ccv/schemas";
import { creditInvoice, customer, order, row } from "./helpers/ccv";

const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe("reading CCV Shop liberally", () => {
  it("an invoice's order link as {href}, a URL string, with or without a trailing slash, or null", () => {
    const base = json(creditInvoice());
    for (const [link, id] of [
      [{ href: "https://shop.example/api/rest/v1/orders/123/" }, 123],
      ["https://shop.example/api/rest/v1/orders/123", 123],
      ["https://shop.example/api/rest/v1/orders/124/", 124],
      [null, null],
    ] as const) {
      const parsed = ccvInvoice.parse({ ...base, order: link });
      assert.equal(idFromLink(parsed.order, "orders"), id, JSON.stringify(link));
    }
    const missing = { ...base } as Record<string, unknown>;
    delete missing.order;
    assert.equal(ccvInvoice.parse(missing).order, null);
  });

  it("ids and numbers as numbers or numeric strings", () => {
    const o = ccvOrder.parse({ ...json(order()), id: "339323562", ordernumber: "10330", invoicenumber: "77", status: "7", paymethod_id: "3", user: { id: "24464274", href: null } });
    assert.deepEqual([o.id, o.ordernumber, o.invoicenumber, o.status, o.paymethod_id, o.user.id], [339323562, 10330, 77, 7, 3, 24464274]);
    const r = ccvOrderRow.parse({ ...json(row(10, 21)), id: "648228528", order_id: "339493812", product_id: "845754960" });
    assert.deepEqual([r.id, r.order_id, r.product_id], [648228528, 339493812, 845754960]);
    assert.equal(ccvOrder.safeParse({ ...json(order()), ordernumber: "10330a" }).success, false);
  });

  it("invoice type in any casing; status in any casing or as the documented numbers 1 paid, 2 unpaid, 3 reimbursed", () => {
    const base = json(creditInvoice());
    for (const [type, want] of [["credit", "credit"], ["Credit", "credit"], ["DEBIT", "debit"]] as const) assert.equal(ccvInvoice.parse({ ...base, type }).type, want);
    for (const [status, want] of [[1, "paid"], [2, "unpaid"], [3, "reimbursed"], ["3", "reimbursed"], ["Reimbursed", "reimbursed"], [null, null]] as const) {
      assert.equal(ccvInvoice.parse({ ...base, status }).status, want, String(status));
    }
    // An unknown type is not booked: the whole invoice does not fit, but its head still reads.
    assert.equal(ccvInvoice.safeParse({ ...base, type: "proforma" }).success, false);
    assert.equal(ccvInvoiceHead.parse({ ...base, type: 2 }).type, "unknown");
  });

  it("settings' order_status[].status as a number or a string; an entry that does not fit is left out", () => {
    const s = ccvWebshopSettings.parse({ currency: "EUR", order_status: [{ id: 1, status: 1, status_name: "Nieuw" }, { id: "2", status: "7", status_name: "Afgerond" }, { status: "x" }] });
    assert.deepEqual(s.order_status.map((x) => [x.status, x.status_name]), [[1, "Nieuw"], [7, "Afgerond"]]);
    assert.deepEqual(ccvWebshopSettings.parse({ currency: "EUR" }).order_status, []);
  });

  it("order rows with count, price, tax and total_price null (the domain decides when they are needed)", () => {
    const r = ccvOrderRow.parse({ ...json(row(10, 21)), count: null, price: null, tax: null, total_price: null, discount: null });
    assert.deepEqual([r.count, r.price, r.tax, r.total_price, r.discount], [null, null, null, null, 0]);
    assert.equal(ccvOrderRow.safeParse({ ...json(row(10, 21)), count: -1 }).success, false);
    assert.equal(ccvOrderRow.safeParse({ ...json(row(10, 21)), tax: "21" }).success, false);
  });

  it("optional order fields may be missing; the amounts and VAT flags a booking depends on may not", () => {
    const full = json(order()) as Record<string, unknown>;
    for (const k of ["is_completed", "is_platform_sale", "taxes_included", "paymethod", "paymethod_id", "discountcoupon", "customer", "user", "currency", "total_shipping", "orderrows", "invoicenumber"]) {
      const o = { ...full };
      delete o[k];
      assert.ok(ccvOrder.safeParse(o).success, `without ${k}`);
    }
    for (const k of ["total_price", "total_tax", "order_row_taxes_included", "shipping_taxes_included", "is_intra_community_order", "paid", "create_date", "id"]) {
      const o = { ...full };
      delete o[k];
      assert.equal(ccvOrder.safeParse(o).success, false, `without ${k}`);
    }
  });
});

describe("one document that does not fit fails alone", () => {
  it("names the document, the field and what was found; keeps the head that decides whether it is due", () => {
    const raw = { ...json(order()), total_tax: null };
    const c = checkDocument(raw, ccvOrder, ccvOrderHead, "order");
    assert.equal(c.ok, false);
    if (c.ok) return;
    assert.equal(c.error.code, "CCV_INVALID_DOCUMENT");
    assert.equal(c.id, raw.id);
    assert.equal(c.head?.status, raw.status);
    assert.deepEqual([c.error.details.document, c.error.details.field, c.error.details.found], [`order ${raw.id}`, "total_tax", "null"]);
    assert.match(c.error.message, new RegExp(`CCV Shop order ${raw.id} cannot be read: total_tax: .*\\(found null\\)`));
  });

  it("without a readable head or id it says so", () => {
    const c = checkDocument({ id: "abc", paid: true }, ccvOrder, ccvOrderHead, "order");
    assert.equal(c.ok, false);
    if (c.ok) return;
    assert.deepEqual([c.id, c.head], [null, null]);
    assert.match(c.error.message, /order without a readable id/);
  });

  it("never copies a customer's data into the error: strings under the customer block are only counted", () => {
    const raw = json(order({ customer: customer({ email: "geheim@example.nl" }) })) as Record<string, unknown> & { customer: Record<string, unknown> };
    raw.customer = { ...raw.customer, billingaddress: { ...(raw.customer.billingaddress as object), housenumber: { nr: "12" } }, email: 12345 };
    const c = checkDocument(raw, ccvOrder, ccvOrderHead, "order");
    assert.equal(c.ok, false);
    if (c.ok) return;
    assert.doesNotMatch(c.error.message, /geheim/);
    assert.equal(describeFound({ customer: { email: "geheim@example.nl" } }, ["customer", "email"]), "a string of 17 characters");
    assert.equal(describeFound({ status: "verzonden" }, ["status"]), '"verzonden"');
    assert.equal(describeFound({}, ["status"]), "missing");
    assert.equal(describeFound({ rows: [1, 2] }, ["rows"]), "a list of 2");
  });
});
