/**
 * Cross-check of two independent implementations of the totals model of docs/design.md:
 * the CCV simulator's generator (sim/ccv) builds orders and credit invoices with it, the
 * domain (src/koppeling) maps them, with the Dutch rate table and the OSS rates the SnelStart
 * simulator serves. Every booking must balance to the cent and reproduce CCV's totals without
 * any rounding difference.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import "./helpers/fc-seed";
import { euIso3, isEu, mapCreditInvoice, mapOrder, type Booking, type CreditInvoiceInput, type Mapping, type MappingContext, type OrderInput } from "../../src/koppeling";
import { generateInvoices, generateOrders, type SimInvoice, type SimOrder } from "../../sim/ccv/generate";
import { BTW_TARIEVEN, VAT_RATES } from "../../sim/snelstart/data";
import { checkBookingAgainstModel } from "./helpers/check-booking";
import { LEDGERS, fullMapping } from "./helpers/ccv";
import { modelGroups } from "./helpers/orders-arb";

const ORDERS_PER_SEED = 250;
const SEEDS = 16;

/** The Dutch table and OSS rates as the SnelStart simulator's /btwtarieven and /vatrates give them: the third party to this check. */
const CONTEXT: MappingContext = {
  ossEnabled: true,
  nlRates: BTW_TARIEVEN.map((t) => ({ ...t })),
  ossRates: Object.fromEntries(
    (["DE", "BE", "FR", "AT"] as const).map((iso2) => [iso2, [...(VAT_RATES.get(euIso3(iso2) as string) ?? [])]]),
  ),
};

function mapping(grouping: "ledger" | "row"): Mapping {
  return fullMapping({ grouping, euConsumers: "oss", shipping: LEDGERS.shipping, paymentCosts: LEDGERS.paymentCosts });
}

/**
 * The order as the CCV client hands it over: rows fetched separately, `orderrows` a link.
 * (The sim's JSON interfaces lack the index signature of the schemas' loose input types.)
 */
function asInput(sim: SimOrder): OrderInput {
  const { orderrows, ...order } = sim;
  return { order: { ...order, orderrows: { href: `${sim.href}orderrows/` } }, rows: orderrows } as unknown as OrderInput;
}

function destination(sim: SimOrder): string {
  const c = sim.customer;
  return c.deliveryaddress.country_code || c.billingaddress.country_code || "";
}

function scheme(sim: SimOrder | SimInvoice, order: SimOrder, rows: ReadonlyArray<{ tax: number; total_price: number }>): Booking["scheme"] {
  const country = destination(order);
  const costs = sim.total_shipping !== 0 || sim.paymethod_costs !== 0 || sim.extra_costs !== 0;
  const taxed = rows.some((r) => r.tax > 0 && r.total_price !== 0) || (costs && sim.shipping_tax_percentage > 0);
  if (!taxed) return order.is_intra_community_order || order.customer.btw ? "icp" : isEu(country) ? "domestic" : "export";
  return isEu(country) && country !== "NL" && !order.customer.btw ? "oss" : "domestic";
}

/** What the model says the booking of `sim` (an order, or a credit invoice of `order`) must be. */
function expected(sim: SimOrder | SimInvoice, rows: ReadonlyArray<SimOrder["orderrows"][number] | SimInvoice["invoicerows"][number]>, rowsGross: boolean, order: SimOrder) {
  const sign = sim.total_price < 0 ? -1 : 1;
  const flip = (n: number) => (n === 0 ? 0 : sign * n);
  const groups = modelGroups(
    {
      order_row_taxes_included: rowsGross,
      shipping_taxes_included: sim.shipping_taxes_included,
      shipping_tax_percentage: sim.shipping_tax_percentage,
      total_shipping: flip(sim.total_shipping),
      total_discounts: flip(sim.total_discounts),
      paymethod_costs: flip(sim.paymethod_costs),
      credit_point_discount: flip(sim.credit_point_discount),
      extra_costs: flip(sim.extra_costs),
    },
    rows.map((r) => ({ count: r.count, discount: flip(r.discount), total_price: flip(r.total_price), tax: r.tax })),
    "shipping",
  );
  return { groups, totalCents: Math.round(Math.abs(sim.total_price) * 100), taxCents: Math.round(Math.abs(sim.total_tax) * 100), scheme: scheme(sim, order, rows) };
}

describe("cross-check with the CCV simulator's generator (sim/ccv/generate.ts)", () => {
  it(`maps ${ORDERS_PER_SEED * SEEDS} generated orders: balanced, CCV's totals to the cent, VAT per group within a cent, allowed ledgers`, () => {
    let mapped = 0;
    const schemes = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom("ledger" as const, "row" as const), (seed, grouping) => {
        const m = mapping(grouping);
        for (const sim of generateOrders({ count: ORDERS_PER_SEED, seed })) {
          if (sim.ordernumber === null) continue; // an unfinished checkout is not booked
          const b = mapOrder(asInput(sim), m, CONTEXT);
          checkBookingAgainstModel(b, expected(sim, sim.orderrows, sim.order_row_taxes_included, sim), m);
          schemes.add(b.scheme);
          mapped += 1;
        }
      }),
      { numRuns: SEEDS },
    );
    assert.ok(mapped > ORDERS_PER_SEED * SEEDS * 0.9, `mapped ${mapped}`);
    assert.deepEqual([...schemes].sort(), ["domestic", "export", "icp", "oss"]);
  });

  it("maps the simulator's credit invoices as the negative of what they refund", () => {
    let credits = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const m = mapping("ledger");
        const orders = generateOrders({ count: ORDERS_PER_SEED, seed });
        const byNumber = new Map(orders.map((o) => [o.ordernumber, o]));
        for (const inv of generateInvoices(orders, seed)) {
          if (inv.type !== "credit") continue;
          const order = byNumber.get(inv.ordernumber);
          assert.ok(order, `order ${inv.ordernumber}`);
          const original = mapOrder(asInput(order), m, CONTEXT).factuurnummer;
          const { invoicerows, ...invoice } = inv;
          const input = { invoice: { ...invoice, invoicerows: { href: `${inv.href}invoicerows/` } }, rows: invoicerows, originalFactuurnummer: original };
          const b = mapCreditInvoice(input as unknown as CreditInvoiceInput, m, CONTEXT);
          assert.equal(b.kind, "credit");
          assert.equal(b.factuurnummer, `C${original}-${inv.invoicenumber}`);
          checkBookingAgainstModel(b, expected(inv, invoicerows, inv.invoice_row_taxes_included, order), m);
          credits += 1;
        }
      }),
      { numRuns: SEEDS },
    );
    assert.ok(credits > 0, "no credit invoices generated");
  });
});
