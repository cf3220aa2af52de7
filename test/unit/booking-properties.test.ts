import assert from "node:assert/strict";
import fc from "fast-check";
import "./helpers/fc-seed";
import { ccvOrder, type CcvOrder } from "../../src/ccv/schemas";
import { KoppelingError } from "../../src/errors";
import { mapCancellation, mapCreditInvoice, mapOrder, type Booking, type Mapping } from "../../src/koppeling";
import { checkBookingAgainstModel } from "./helpers/check-booking";
import { LEDGERS, creditInvoice, fullMapping } from "./helpers/ccv";
import { contextFor, ordersArb, type GeneratedOrder } from "./helpers/orders-arb";

const RUNS = 3000;
const mappingChoices = fc.record({
  grouping: fc.constantFrom("ledger" as const, "row" as const),
  shipping: fc.boolean(),
  paymentCosts: fc.boolean(),
  extraCosts: fc.boolean(),
});

function mappingFor(g: GeneratedOrder, m: { grouping: "ledger" | "row"; shipping: boolean; paymentCosts: boolean; extraCosts: boolean }): Mapping {
  return fullMapping({
    grouping: m.grouping,
    costsVat: g.costsVat,
    euConsumers: g.scenario === "oss" ? "oss" : "nl-vat",
    overigRates: [13],
    ...(m.shipping ? { shipping: LEDGERS.shipping } : {}),
    ...(m.paymentCosts ? { paymentCosts: LEDGERS.paymentCosts } : {}),
    ...(m.extraCosts ? { extraCosts: LEDGERS.extraCosts } : {}),
  });
}

function expectedScheme(g: GeneratedOrder): Booking["scheme"] {
  const taxed = g.groups.some((x) => x.rate > 0);
  if (g.scenario === "icp" || g.scenario === "export") return g.scenario;
  return g.scenario === "oss" && taxed ? "oss" : "domestic";
}

function checkBooking(b: Booking, g: GeneratedOrder, mapping: Mapping): void {
  checkBookingAgainstModel(b, { groups: g.groups, totalCents: g.totalCents, taxCents: g.taxCents, scheme: expectedScheme(g) }, mapping);
}

/** The order as a client might pass raw JSON: ids as strings, house numbers as numbers, lower-case countries. */
function rawJson(o: CcvOrder): unknown {
  const raw = JSON.parse(JSON.stringify(o));
  raw.user.id = raw.user.id === null ? null : String(raw.user.id);
  raw.customer.billingaddress.housenumber = Number(raw.customer.billingaddress.housenumber) || null;
  if (raw.customer.billingaddress.country_code) raw.customer.billingaddress.country_code = raw.customer.billingaddress.country_code.toLowerCase();
  raw.id = String(raw.id);
  raw.discountcoupon ??= { code: "", discount: 0, type: "", givesfreeshipping: false };
  return raw;
}

describe("booking properties over generated orders (NL, EU consumers, OSS, ICP, export; gross and net; discounts and costs)", () => {
  it("every booking balances, equals CCV's totals, has VAT per group within a cent and only allowed ledgers", () => {
    fc.assert(
      fc.property(ordersArb(), mappingChoices, (g, m) => {
        const mapping = mappingFor(g, m);
        checkBooking(mapOrder(g, mapping, contextFor(g)), g, mapping);
      }),
      { numRuns: RUNS },
    );
  });

  it("a credit invoice and a cancellation are the exact negation of the order's booking", () => {
    fc.assert(
      fc.property(ordersArb(), mappingChoices, (g, m) => {
        const mapping = mappingFor(g, m);
        const booking = mapOrder(g, mapping, contextFor(g));
        const o = g.order;
        const neg = (n: number) => (n === 0 ? 0 : -n);
        const invoice = creditInvoice({
          ...o,
          status: "reimbursed",
          id: 5,
          invoicenumber: 77,
          create_date: o.create_date,
          invoice_row_taxes_included: o.order_row_taxes_included,
          total_shipping: neg(o.total_shipping),
          total_discounts: neg(o.total_discounts),
          total_price: neg(o.total_price),
          total_tax: neg(o.total_tax),
          paymethod_costs: neg(o.paymethod_costs),
          credit_point_discount: neg(o.credit_point_discount),
          extra_costs: neg(o.extra_costs),
        });
        const rows = g.rows.map((r) => ({ ...r, price: neg(r.price), discount: neg(r.discount), total_price: neg(r.total_price) }));
        for (const credit of [
          mapCreditInvoice({ invoice, rows, originalFactuurnummer: booking.factuurnummer }, mapping, contextFor(g)),
          mapCancellation(g, booking.factuurnummer, mapping, contextFor(g)),
        ]) {
          checkBooking(credit, g, mapping);
          assert.equal(credit.kind, "credit");
          assert.ok(credit.factuurnummer.startsWith(`C${booking.factuurnummer}`));
          assert.deepEqual(
            credit.lines.map((l) => [l.ledgerId, l.btwSoort, -l.amountCents]),
            booking.lines.map((l) => [l.ledgerId, l.btwSoort, l.amountCents]),
          );
        }
      }),
      { numRuns: RUNS / 3 },
    );
  });

  it("grouping by row and by ledger book the same amount per (ledger, VAT code)", () => {
    fc.assert(
      fc.property(ordersArb(), mappingChoices, (g, m) => {
        const byRow = mapOrder(g, mappingFor(g, { ...m, grouping: "row" }), contextFor(g));
        const byLedger = mapOrder(g, mappingFor(g, { ...m, grouping: "ledger" }), contextFor(g));
        const totals = (b: Booking) => {
          const t = new Map<string, number>();
          for (const l of b.lines) if (l.ledgerId !== LEDGERS.foreignVat.id) t.set(`${l.ledgerId} ${l.btwSoort}`, (t.get(`${l.ledgerId} ${l.btwSoort}`) ?? 0) + l.amountCents);
          return [...t].filter(([, v]) => v !== 0).sort();
        };
        assert.deepEqual(totals(byRow), totals(byLedger));
        assert.deepEqual(byRow.vat, byLedger.vat);
      }),
      { numRuns: RUNS / 3 },
    );
  });

  it("raw JSON (validated by zod) and the schemas' output form (fast path) map identically", () => {
    fc.assert(
      fc.property(ordersArb(), (g) => {
        const mapping = mappingFor(g, { grouping: "ledger", shipping: false, paymentCosts: false, extraCosts: false });
        const raw = rawJson(g.order);
        const fromRaw = mapOrder({ order: raw as CcvOrder, rows: g.rows }, mapping, contextFor(g));
        assert.deepEqual(fromRaw, mapOrder(g, mapping, contextFor(g)));
        assert.deepEqual(mapOrder({ order: ccvOrder.parse(raw), rows: g.rows }, mapping, contextFor(g)), fromRaw);
      }),
      { numRuns: RUNS / 3 },
    );
  });

  it("takes CCV's figures when they are within 1 cent per VAT group of ours, and refuses beyond", () => {
    fc.assert(
      fc.property(ordersArb(["nl", "oss"]), fc.integer({ min: -4, max: 4 }), (g, delta) => {
        const taxedGroups = g.groups.filter((x) => x.rate > 0).length;
        fc.pre(taxedGroups > 0 && delta !== 0);
        const mapping = mappingFor(g, { grouping: "ledger", shipping: false, paymentCosts: false, extraCosts: false });
        const order = { ...g.order, total_tax: (g.taxCents + delta) / 100 };
        if (Math.abs(delta) <= taxedGroups) {
          const b = mapOrder({ order, rows: g.rows }, mapping, contextFor(g));
          assert.equal(b.vatTotalCents, g.taxCents + delta);
          assert.equal(b.totalCents, g.totalCents);
          assert.match(b.warnings.join(" "), /differ/);
        } else {
          assert.throws(() => mapOrder({ order, rows: g.rows }, mapping, contextFor(g)), (e: unknown) => e instanceof KoppelingError && e.code === "VAT_TOTAL_MISMATCH");
        }
      }),
      { numRuns: RUNS / 3 },
    );
  });

  it("with a rounding ledger (maximum €0.05): books CCV's VAT and the rest of a difference beyond the tolerance on it, refuses beyond the maximum and in OSS", () => {
    const MAX = 5;
    fc.assert(
      fc.property(ordersArb(), fc.integer({ min: -7, max: 7 }), fc.integer({ min: -7, max: 7 }), mappingChoices, (g, dTotal, dVat, m) => {
        // Without row discounts the order has one reading of total_discounts, so the differences are exactly dTotal and dVat.
        fc.pre((dTotal !== 0 || dVat !== 0) && g.totalCents > 100 && g.rows.every((r) => r.discount === 0));
        const tolerance = g.groups.filter((x) => x.rate > 0).length;
        const mapping = fullMapping({ ...mappingFor(g, m), rounding: { ledger: LEDGERS.rounding } });
        const order = { ...g.order, total_price: (g.totalCents + dTotal) / 100, total_tax: (g.taxCents + dVat) / 100 };
        const map = () => mapOrder({ order, rows: g.rows }, mapping, contextFor(g));
        const line = dTotal - dVat;
        const fits = Math.abs(dVat) <= tolerance && Math.abs(line) <= tolerance;
        const vatBookable = Math.abs(dVat) <= tolerance || (tolerance > 0 && Math.abs(dVat) <= MAX);
        const refused = (code: string, why: RegExp) => (e: unknown) => e instanceof KoppelingError && e.code === code && why.test(e.message);
        const code = Math.abs(dTotal) > tolerance ? "ORDER_TOTAL_MISMATCH" : "VAT_TOTAL_MISMATCH";
        if (!fits && expectedScheme(g) === "oss") {
          assert.throws(map, refused(code, /OSS/));
        } else if (!fits && !(vatBookable && Math.abs(line) <= MAX)) {
          assert.throws(map, refused(code, tolerance === 0 && dVat !== 0 ? /no VAT rate above 0 %/ : /maximum rounding difference of €0\.05/));
        } else {
          const b = map();
          const rounding = b.lines.filter((l) => l.ledgerId === LEDGERS.rounding.id);
          assert.deepEqual(
            rounding.map((l) => [l.btwSoort, l.amountCents]),
            fits || line === 0 ? [] : [["Geen", line]],
          );
          assert.equal(b.totalCents, g.totalCents + dTotal, "factuurbedrag = CCV's total_price");
          assert.equal(b.vatTotalCents, g.taxCents + dVat, "VAT = CCV's total_tax");
          const sum = b.lines.reduce((s, l) => s + l.amountCents, 0) + b.vat.reduce((s, v) => s + v.amountCents, 0);
          assert.equal(sum, b.totalCents, "balance");
          assert.match(b.warnings.join(" "), fits ? /\(rounding\)/ : /more than rounding per VAT rate explains/);
        }
      }),
      { numRuns: RUNS / 3 },
    );
  });
});
