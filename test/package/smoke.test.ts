import assert from "node:assert/strict";
import { ccvOrderRow } from "../../src/ccv/schemas";

describe("package skeleton", () => {
  it("refuses a negative count in an order row", () => {
    const r = ccvOrderRow.safeParse({ id: 1, product_type: "product", product_name: "x", count: -1, price: 1, total_price: -1, tax: 21 });
    assert.equal(r.success, false);
  });
});
