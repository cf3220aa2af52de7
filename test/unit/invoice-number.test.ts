import assert from "node:assert/strict";
import { KoppelingError } from "../../src/errors";
import { creditNumber, invoiceNumber } from "../../src/koppeling";
import { followsFromOrdernumber, invoiceNumberOfOrdernumber } from "../../src/koppeling/invoice-number";

describe("invoice numbers", () => {
  it("prefixes the Amsterdam year of the order date: order 10330 of 2023 -> 202310330", () => {
    assert.equal(invoiceNumber({ yearPrefix: true }, 10330, "2023-06-15T12:00:00Z"), "202310330");
    assert.equal(invoiceNumber({ yearPrefix: true }, 10330, "2023-12-31T23:30:00Z"), "202410330");
    assert.equal(invoiceNumber({ yearPrefix: false }, 10330, "2023-12-31T23:30:00Z"), "10330");
    assert.equal(invoiceNumber({ yearPrefix: true, prefix: "WEB" }, 7, "2024-01-01T00:00:00Z"), "WEB20247");
  });

  it("gives credit notes their own series, with the credit invoice's number when there is one", () => {
    assert.equal(creditNumber({ creditPrefix: "C" }, "202310330"), "C202310330");
    assert.equal(creditNumber({ creditPrefix: "CR-" }, "202310330", 57), "CR-202310330-57");
  });

  it("an order's number follows from its CCV order number alone only when numbering by order number without a year", () => {
    const rule = { source: "ordernumber", yearPrefix: false, prefix: "WEB" } as const;
    assert.equal(followsFromOrdernumber(rule), true);
    assert.equal(invoiceNumberOfOrdernumber(rule, 10330), "WEB10330");
    assert.equal(invoiceNumberOfOrdernumber(rule, null), null, "no order number, nothing to follow from");
    for (const other of [{ ...rule, yearPrefix: true }, { ...rule, source: "invoicenumber" as const }]) {
      assert.equal(followsFromOrdernumber(other), false);
      assert.equal(invoiceNumberOfOrdernumber(other, 10330), null);
    }
    assert.throws(() => invoiceNumberOfOrdernumber({ ...rule, prefix: "ABCDEFGHIJKLMNOPQRSTU" }, 12345), { code: "INVOICE_NUMBER_TOO_LONG" });
  });

  it("refuses more than 25 characters (SnelStart BOE-0058)", () => {
    assert.equal(invoiceNumber({ yearPrefix: true, prefix: "ABCDEFGHIJKL" }, 123456789, "2023-01-01T12:00:00Z").length, 25);
    assert.throws(
      () => invoiceNumber({ yearPrefix: true, prefix: "ABCDEFGHIJKLM" }, 123456789, "2023-01-01T12:00:00Z"),
      (e: unknown) => e instanceof KoppelingError && e.code === "INVOICE_NUMBER_TOO_LONG" && /26 characters/.test(e.message),
    );
    assert.throws(() => creditNumber({ creditPrefix: "C" }, "ABCDEFGHIJKLMNOPQRSTUVWX", 1), (e: unknown) => e instanceof KoppelingError && e.code === "INVOICE_NUMBER_TOO_LONG");
  });
});
