/**
 * Order rows whose amounts CCV sent as null (its schema allows it): the order is refused, naming
 * the row and the field, only where the booking needs the value.
 */
import assert from "node:assert/strict";
import { KoppelingError } from "../../src/errors";
import { buildVerkooporder, mapOrder, type OrderInput } from "../../src/koppeling";
import { fullMapping, nlExample } from "./helpers/ccv";

const ARTICLES = { fallback: "DIVERS", shipping: "VERZEND" };

/** The NL example with its second row ("Boek", 10.90 at 9 %) changed as CCV might send it. */
function withRow(change: Record<string, unknown>): OrderInput {
  const input = nlExample();
  return { order: input.order, rows: [input.rows[0], { ...input.rows[1], ...change }] };
}

function refusal(fn: () => unknown): KoppelingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KoppelingError) return err;
    throw err;
  }
  assert.fail("expected a refusal");
}

describe("order rows with null amounts", () => {
  it("total_price or tax null: ORDER_INVALID naming the row and the field", () => {
    for (const field of ["total_price", "tax"]) {
      const e = refusal(() => mapOrder(withRow({ [field]: null }), fullMapping()));
      assert.equal(e.code, "ORDER_INVALID");
      assert.match(e.message, new RegExp(`Order 10330 cannot be booked: row 2 \\(Boek\\) has no ${field} in CCV Shop \\(found null\\)`));
      assert.deepEqual([e.details.row, e.details.field, e.details.found], ["row 2 (Boek)", field, "null"]);
    }
  });

  it("count and price null: a booking does not need them, unless the row has a discount (then count is needed)", () => {
    const whole = mapOrder(nlExample(), fullMapping());
    const nulls = mapOrder(withRow({ count: null, price: null }), fullMapping());
    assert.deepEqual(nulls.lines, whole.lines);
    assert.equal(nulls.totalCents, whole.totalCents);
    const discounted = refusal(() => mapOrder(withRow({ count: null, discount: 1 }), fullMapping()));
    assert.equal(discounted.code, "ORDER_INVALID");
    assert.match(discounted.message, /row 2 \(Boek\) has no count.*discount/);
  });

  it("a sales order needs count and price: each is refused by name", () => {
    const mapping = fullMapping({ articles: ARTICLES });
    assert.ok(buildVerkooporder(nlExample(), mapping).regels.length > 0);
    for (const field of ["count", "price"]) {
      const e = refusal(() => buildVerkooporder(withRow({ [field]: null }), mapping));
      assert.equal(e.code, "ORDER_INVALID");
      assert.match(e.message, new RegExp(`row 2 \\(Boek\\) has no ${field}.*sales-order line`));
    }
  });
});
