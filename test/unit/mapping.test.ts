import assert from "node:assert/strict";
import { KoppelingError } from "../../src/errors";
import { createMapping, parseMapping, validateMapping, type Mapping } from "../../src/koppeling";
import { LEDGERS, fullMapping } from "./helpers/ccv";

const fields = (problems: ReturnType<typeof validateMapping>) => problems.map((p) => `${p.severity} ${p.field}`);

describe("the mapping", () => {
  it("fills in the documented defaults", () => {
    const m = createMapping({ revenue: { hoog: LEDGERS.hoog } });
    assert.equal(m.grouping, "ledger");
    assert.equal(m.euConsumers, "nl-vat");
    assert.equal(m.costsVat, "shipping");
    assert.deepEqual(m.invoiceNumber, { source: "ordernumber", yearPrefix: true, creditPrefix: "C" });
  });

  it("refuses invalid stored JSON with MAPPING_INVALID naming the field", () => {
    assert.throws(
      () => parseMapping({ revenue: { hoog: { id: "" } }, grouping: "per-row" }),
      (e: unknown) => e instanceof KoppelingError && e.code === "MAPPING_INVALID" && /revenue\.hoog\.id/.test(e.message) && /grouping/.test(e.message),
    );
    assert.throws(() => parseMapping({ revenue: {}, invoiceNumber: { creditPrefix: "" } }), (e: unknown) => e instanceof KoppelingError && /creditPrefix/.test(e.message));
  });

  it("has no problems when every ledger is mapped and allows its VAT code", () => {
    assert.deepEqual(validateMapping(fullMapping({ euConsumers: "oss", shipping: LEDGERS.shipping }), { ossEnabled: true }), []);
  });

  it("reports missing required and optional ledgers", () => {
    assert.deepEqual(fields(validateMapping(createMapping({ revenue: {} }))), ["error revenue.hoog", "warning revenue.laag", "warning revenue.geen", "warning icp", "warning export"]);
  });

  it("reports ledgers that do not allow the VAT code they will receive (BOE-0082)", () => {
    const m = fullMapping({ revenue: { hoog: LEDGERS.laag, laag: LEDGERS.laag, geen: LEDGERS.geen }, icp: LEDGERS.hoog, shipping: LEDGERS.geen });
    const problems = validateMapping(m);
    assert.deepEqual(fields(problems), ["error revenue.hoog", "error shipping", "error icp"]);
    assert.match(problems[0].message, /8010 Omzet laag does not allow VAT code Hoog/);
  });

  it("reports OSS without ledgers, without the foreign-VAT ledger, or switched off in SnelStart", () => {
    const bare = fullMapping({ euConsumers: "oss", oss: { ledgers: {} } });
    assert.deepEqual(fields(validateMapping(bare, { ossEnabled: false })), ["error euConsumers", "error oss.ledgers", "error oss.foreignVat"]);
    const wrong = fullMapping({ euConsumers: "oss", oss: { ledgers: { SR: LEDGERS.ossRRL, RRL: { ...LEDGERS.hoog, functie: "VerkopenOmzetHoog" } }, foreignVat: LEDGERS.foreignVat } });
    assert.deepEqual(fields(validateMapping(wrong)), ["error oss.ledgers.SR", "error oss.ledgers.RRL", "error oss.ledgers.RRL"]);
  });

  it("has rounding differences off by default; a chosen ledger gets the maximum €0.05", () => {
    assert.equal(createMapping({ revenue: { hoog: LEDGERS.hoog } }).rounding, undefined);
    assert.deepEqual(createMapping({ revenue: { hoog: LEDGERS.hoog }, rounding: { ledger: LEDGERS.rounding } }).rounding, { ledger: LEDGERS.rounding, maxCents: 5 });
    assert.equal(createMapping({ revenue: { hoog: LEDGERS.hoog }, rounding: { ledger: LEDGERS.rounding, maxCents: 25 } }).rounding?.maxCents, 25);
    assert.throws(
      () => parseMapping({ revenue: {}, rounding: { maxCents: 5 } }),
      (e: unknown) => e instanceof KoppelingError && e.code === "MAPPING_INVALID" && /rounding\.ledger/.test(e.message),
    );
  });

  it("reports a rounding ledger that does not allow Geen, a missing one, and a maximum out of range", () => {
    assert.deepEqual(validateMapping(fullMapping({ rounding: { ledger: LEDGERS.rounding } })), []);
    assert.deepEqual(validateMapping(fullMapping({ rounding: { ledger: LEDGERS.rounding, maxCents: 1 } })), []);
    assert.deepEqual(validateMapping(fullMapping({ rounding: { ledger: LEDGERS.rounding, maxCents: 100 } })), []);
    const hoog = validateMapping(fullMapping({ rounding: { ledger: LEDGERS.hoog } }));
    assert.deepEqual(fields(hoog), ["error rounding.ledger"]);
    assert.match(hoog[0].message, /8000 Omzet hoog does not allow VAT code Geen/);
    for (const maxCents of [0, -1, 0.5, 2.5, 101, 500]) {
      const problems = validateMapping(fullMapping({ rounding: { ledger: LEDGERS.rounding, maxCents } }));
      assert.deepEqual(fields(problems), ["error rounding.maxCents"], `maxCents ${maxCents}`);
      assert.match(problems[0].message, /whole cents from €0\.01 to €1\.00/);
    }
    // A mapping built in code without the ledger.
    const noLedger = { ...fullMapping(), rounding: { maxCents: 5 } } as unknown as Mapping;
    assert.deepEqual(fields(validateMapping(noLedger)), ["error rounding.ledger"]);
  });

  it("warns about prefixes that make invoice numbers too long and Dutch rates listed as overig", () => {
    const m = fullMapping({ invoiceNumber: { prefix: "WEBSHOP-" }, overigRates: [21] });
    assert.deepEqual(fields(validateMapping(m)), ["warning overigRates", "warning invoiceNumber.prefix"]);
  });
});
