/**
 * The domain reads SnelStart's Dutch rate table (`/btwtarieven`, context `nlRates`). A live table
 * has an `Overig` 0 % row next to `Geen` 0 % (docs/reference/snelstart-api.md#dutch-rate-table); a
 * 0 % order line must still be `Geen`, and 21/19 % and 9/6 % must follow the order date. Checked
 * with the table the SnelStart simulator serves.
 */
import assert from "node:assert/strict";
import { mapOrder, nlSoort, rateToBasisPoints, toVerkoopboeking, type MappingContext } from "../../src/koppeling";
import type { BtwTarief } from "../../src/snelstart/schemas";
import { BTW_TARIEVEN } from "../../sim/snelstart/data";
import { LEDGERS, fullMapping, order, row } from "./helpers/ccv";

const TABLE: BtwTarief[] = BTW_TARIEVEN.map((t) => ({ ...t }));
const soort = (rate: number, day: string, overig: number[] = []) => nlSoort(rateToBasisPoints(rate), day, TABLE, overig.map(rateToBasisPoints));

describe("the Dutch rate table as SnelStart returns it (Overig 0 %, Hoog 19 % from 2001)", () => {
  it("has the Overig 0 % row this test is about", () => {
    assert.ok(TABLE.some((t) => t.btwSoort === "Overig" && t.btwPercentage === 0));
  });

  it("0 % is Geen on every date, never Overig, whatever the order of the rows", () => {
    const reversed = [...TABLE].reverse();
    for (const day of ["1970-01-01", "2000-06-30", "2012-09-30", "2019-01-01", "2025-03-14"]) {
      assert.equal(soort(0, day), "Geen", day);
      assert.equal(nlSoort(0, day, reversed, []), "Geen", `${day}, Overig row first`);
    }
  });

  it("21 %, 19 %, 9 % and 6 % map by the order date, to the day", () => {
    assert.equal(soort(21, "2012-10-01"), "Hoog");
    assert.equal(soort(21, "2012-09-30"), undefined);
    assert.equal(soort(19, "2012-09-30"), "Hoog");
    assert.equal(soort(19, "2001-01-01"), "Hoog");
    assert.equal(soort(19, "2000-12-31"), undefined, "before 2001 the table has no 19 %");
    assert.equal(soort(19, "2012-10-01"), undefined);
    assert.equal(soort(9, "2019-01-01"), "Laag");
    assert.equal(soort(9, "2018-12-31"), undefined);
    assert.equal(soort(6, "2018-12-31"), "Laag");
    assert.equal(soort(6, "1986-10-01"), "Laag");
    assert.equal(soort(6, "2019-01-01"), undefined);
  });

  it("a rate listed as overig is Overig; the table still wins for 21 %", () => {
    assert.equal(soort(13, "2025-01-01", [13]), "Overig");
    assert.equal(soort(21, "2025-01-01", [21]), "Hoog");
  });

  it("an order with a 21 % and a 0 % row books Hoog and Geen, with no VerkopenOverig row", () => {
    const context: MappingContext = { nlRates: TABLE };
    const b = mapOrder({ order: order({ create_date: "2025-03-14T10:00:00Z", total_orderrow_price: 171, total_price: 171, total_tax: 21 }), rows: [row(121, 21), row(50, 0)] }, fullMapping(), context);
    assert.deepEqual(
      b.lines.map((l) => [l.ledgerId, l.btwSoort, l.amountCents]),
      [
        [LEDGERS.hoog.id, "Hoog", 10000],
        [LEDGERS.geen.id, "Geen", 5000],
      ],
    );
    assert.deepEqual(toVerkoopboeking(b, "00000000-0000-4000-8000-0000000000ff").btw, [{ btwSoort: "VerkopenHoog", btwBedrag: 21 }]);
  });

  it("an order of 2018 at 6 % and of 2012 at 19 % book Laag and Hoog; 9 % in 2018 is VAT_UNMAPPED_RATE", () => {
    const context: MappingContext = { nlRates: TABLE };
    const laag = mapOrder({ order: order({ create_date: "2018-12-31T10:00:00Z", total_orderrow_price: 106, total_price: 106, total_tax: 6 }), rows: [row(106, 6)] }, fullMapping(), context);
    assert.deepEqual(laag.lines.map((l) => [l.btwSoort, l.amountCents]), [["Laag", 10000]]);
    const hoog = mapOrder({ order: order({ create_date: "2012-06-01T10:00:00Z", total_orderrow_price: 119, total_price: 119, total_tax: 19 }), rows: [row(119, 19)] }, fullMapping(), context);
    assert.deepEqual(hoog.lines.map((l) => [l.btwSoort, l.amountCents]), [["Hoog", 10000]]);
    assert.throws(
      () => mapOrder({ order: order({ create_date: "2018-06-01T10:00:00Z", total_orderrow_price: 109, total_price: 109, total_tax: 9 }), rows: [row(109, 9)] }, fullMapping(), context),
      (err: Error & { code?: string }) => err.code === "VAT_UNMAPPED_RATE",
    );
  });
});
