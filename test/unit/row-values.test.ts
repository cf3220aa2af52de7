/**
 * Order rows whose amounts CCV sent as null (its schema allows it): the order is refused, naming
 * the row and the field, only where the booking needs the value.
 */
import assert from "node:assert/strict";
import { buildVerkooporder, mapOrder, type OrderInput } from "../../src/koppeling";
import { refuses } from "./helpers/assert";
import { fullMapping, nlExample } from "./helpers/ccv";

const ARTICLES = { fallback: "DIVERS", shipping: "VERZEND" };

/** The NL example with its second row ("Boek", 10.90 at 9 %) changed as CCV might send it. */
function withRow(change: Record<string, unknown>): OrderInput {
  const input = nlExample();
  return { order: input.order, rows: [input.rows[0], { ...input.rows[1], ...change }] };
}

describe("order rows with null amounts", () => {
  it("total_price or tax null: ORDER_INVALID naming the row and the field", () => {
    for (const field of ["total_price", "tax"]) {
      const e = refuses(() => mapOrder(withRow({ [field]: null }), fullMapping()), "ORDER_INVALID", new RegExp(`Order 10330 cannot be booked: row 2 \\(Boek\\) has no ${field} in CCV Shop \\(found null\\)`));
      assert.deepEqual([e.details.row, e.details.field, e.details.found], ["row 2 (Boek)", field, "null"]);
    }
  });

  it("count and price null: a booking does not need them, unless the row has a discount (then count is needed)", () => {
    const whole = mapOrder(nlExample(), fullMapping());
    const nulls = mapOrder(withRow({ count: null, price: null }), fullMapping());
    assert.deepEqual(nulls.lines, whole.lines);
    assert.equal(nulls.totalCents, whole.totalCents);
    refuses(() => mapOrder(withRow({ count: null, discount: 1 }), fullMapping()), "ORDER_INVALID", /row 2 \(Boek\) has no count.*discount/);
  });

  it("a sales order needs count and price: each is refused by name", () => {
    const mapping = fullMapping({ articles: ARTICLES });
    assert.ok(buildVerkooporder(nlExample(), mapping).regels.length > 0);
    for (const field of ["count", "price"]) {
      refuses(() => buildVerkooporder(withRow({ [field]: null }), mapping), "ORDER_INVALID", new RegExp(`row 2 \\(Boek\\) has no ${field}.*sales-order line`));
    }
  });
});
