import assert from "node:assert/strict";
import { KoppelingError } from "../../src/errors";
import { mapOrder, validateMapping } from "../../src/koppeling";
import { address, customer, customerIn, fullMapping, order, row } from "./helpers/ccv";
import { OSS_TABLE } from "./helpers/orders-arb";

describe("the debtor's address follows the VAT scheme", () => {
  // A Dutch customer (billing NL) who has the order delivered in Germany.
  const giftToGermany = customer({
    billingaddress: address(),
    deliveryaddress: address({ full_name: "Oma Müller", street: "Hauptstraße", housenumber: "5", zipcode: "10115", city: "Berlin", country_code: "DE", country: "Duitsland" }),
  });
  const input = { order: order({ total_price: 119, total_tax: 19, customer: giftToGermany }), rows: [row(119, 19)] };

  it("an OSS sale delivered in another country than the billing address gets the delivery address (SnelStart checks the klant's country)", () => {
    const b = mapOrder(input, fullMapping({ euConsumers: "oss" }), { ossRates: OSS_TABLE, ossEnabled: true });
    assert.equal(b.scheme, "oss");
    assert.equal(b.customer.country, "DE");
    assert.equal(b.customer.street, "Hauptstraße 5");
    assert.equal(b.customer.city, "Berlin");
    assert.equal(b.customer.email, "jan@example.nl");
  });

  it("with Dutch VAT for EU consumers the debtor keeps the billing address", () => {
    const nl = { order: order({ total_price: 121, total_tax: 21, customer: giftToGermany }), rows: [row(121, 21)] };
    const b = mapOrder(nl, fullMapping({ euConsumers: "nl-vat" }));
    assert.equal(b.scheme, "domestic");
    assert.equal(b.customer.country, "NL");
    assert.equal(b.customer.street, "Voorbeeldstraat 3");
  });
});

describe("Dutch VAT for EU consumers while SnelStart invoices foreign VAT", () => {
  const belgian = { order: order({ total_price: 121, total_tax: 21, customer: customerIn("BE") }), rows: [row(121, 21)] };

  it("is refused before SnelStart refuses it (OSS_REQUIRED), and the mapping check warns about it", () => {
    assert.throws(
      () => mapOrder(belgian, fullMapping({ euConsumers: "nl-vat" }), { ossEnabled: true }),
      (e: unknown) => e instanceof KoppelingError && e.code === "OSS_REQUIRED" && /BE/.test(e.message),
    );
    assert.ok(validateMapping(fullMapping({ euConsumers: "nl-vat" }), { ossEnabled: true }).some((p) => p.field === "euConsumers"));
  });

  it("is booked with Dutch VAT when foreign VAT is off", () => {
    const b = mapOrder(belgian, fullMapping({ euConsumers: "nl-vat" }), { ossEnabled: false });
    assert.equal(b.scheme, "domestic");
    assert.deepEqual(b.vat, [{ btwSoort: "VerkopenHoog", amountCents: 2100 }]);
    assert.ok(!validateMapping(fullMapping({ euConsumers: "nl-vat" }), { ossEnabled: false }).some((p) => p.field === "euConsumers"));
  });
});
