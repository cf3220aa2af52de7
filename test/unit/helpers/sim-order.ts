/**
 * An order as the unit suites add it to the CCV simulator (`POST /__sim/orders`): a paid,
 * completed Dutch order of one row at 21 %, its customer named by the order number.
 */
export function simOrderInput(ordernumber: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ordernumber,
    create_date: "2026-06-01T10:00:00Z",
    status: 7,
    paid: true,
    customer: {
      billingaddress: { first_name: "Jan", last_name: "Jansen", full_name: "Jan Jansen", street: "Dorpsstraat", housenumber: 1, zipcode: "1234 AB", city: "Alkmaar", country: "Nederland", country_code: "NL" },
      email: `klant${ordernumber}@example.nl`,
      customertype: "b2c",
    },
    orderrows: [{ product_name: `Artikel ${ordernumber}`, product_number: `ART-${ordernumber}`, count: 1, price: 24.2, tax: 21 }],
    ...over,
  };
}
