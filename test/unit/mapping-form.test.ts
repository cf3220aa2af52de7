/**
 * The vat-mapping form as the domain reads it (src/koppeling/mapping-form.ts): ledger ids completed
 * from the chart, choices and their defaults, article codes, amounts as typed, the article revenue
 * groups, and which destination's OSS rates an order needs.
 */
import assert from "node:assert/strict";
import { createMapping, parseMapping } from "../../src/koppeling";
import { articleGroupsOf, mappingInputOf, ossDestination } from "../../src/koppeling/mapping-form";
import type { Grootboek } from "../../src/snelstart/schemas";

const CHART: Grootboek[] = [
  { id: "g-8000", nummer: 8000, omschrijving: "Omzet hoog", grootboekfunctie: "VerkopenOmzetHoog", btwSoort: ["Hoog"] },
  { id: "g-8400", nummer: 8400, omschrijving: "Omzet OSS standaard", grootboekfunctie: "InstallatieTeleverkoopBinnenEUgeen", btwSoort: ["Geen"], vatRateCode: "SR" },
  { id: "g-1650", nummer: 1650, omschrijving: "Af te dragen buitenlandse btw", btwSoort: ["Geen"] },
];

describe("the vat-mapping form", () => {
  it("completes the chosen ledger ids from the chart; an id the chart lacks stays a bare id; an empty field is no ledger", () => {
    const input = mappingInputOf({ ledgerHoog: " g-8000 ", ledgerLaag: "g-gone", ledgerGeen: "  ", ledgerOssSR: "g-8400" }, CHART);
    assert.deepEqual(input.revenue, {
      hoog: { id: "g-8000", nummer: 8000, omschrijving: "Omzet hoog", btwSoort: ["Hoog"], functie: "VerkopenOmzetHoog" },
      laag: { id: "g-gone" },
      overig: undefined,
      geen: undefined,
    });
    assert.deepEqual(input.oss?.ledgers.SR, { id: "g-8400", nummer: 8400, omschrijving: "Omzet OSS standaard", btwSoort: ["Geen"], functie: "InstallatieTeleverkoopBinnenEUgeen", vatRateCode: "SR" });
    assert.equal(input.shipping, undefined);
  });

  it("the foreign-VAT ledger: the field, else the administration's (companyInfo)", () => {
    assert.equal(mappingInputOf({ ledgerHoog: "g-8000" }, CHART, "g-1650").oss?.foreignVat?.nummer, 1650);
    assert.equal(mappingInputOf({ ledgerHoog: "g-8000", ledgerForeignVat: "g-8000" }, CHART, "g-1650").oss?.foreignVat?.nummer, 8000);
    assert.equal(mappingInputOf({ ledgerHoog: "g-8000" }, CHART).oss?.foreignVat, undefined);
  });

  it("choices: only the named alternatives switch away from the defaults", () => {
    const defaults = parseMapping(mappingInputOf({ ledgerHoog: "g-8000", costsVat: "nonsense", euConsumers: "", grouping: "rows", invoiceSource: "x" }, CHART));
    assert.deepEqual(
      [defaults.costsVat, defaults.euConsumers, defaults.grouping, defaults.invoiceNumber],
      ["shipping", "nl-vat", "ledger", { source: "ordernumber", yearPrefix: true, creditPrefix: "C" }],
    );
    const chosen = parseMapping(
      mappingInputOf(
        { ledgerHoog: "g-8000", costsVat: "proportional", euConsumers: "oss", grouping: "row", invoiceSource: "invoicenumber", yearPrefix: false, invoicePrefix: " WEB ", creditPrefix: "CR", betalingstermijn: "30", overigRates: "9, 13.5;5.5" },
        CHART,
      ),
    );
    assert.deepEqual(
      [chosen.costsVat, chosen.euConsumers, chosen.grouping, chosen.invoiceNumber, chosen.betalingstermijn, chosen.overigRates],
      ["proportional", "oss", "row", { source: "invoicenumber", yearPrefix: false, prefix: "WEB", creditPrefix: "CR" }, 30, [9, 13.5, 5.5]],
    );
  });

  it("article codes: only those filled in; one discount code becomes one per VAT category", () => {
    assert.equal(mappingInputOf({ ledgerHoog: "g-8000", articleFallback: " " }, CHART).articles, undefined);
    assert.deepEqual(mappingInputOf({ ledgerHoog: "g-8000", articleShipping: "VERZEND", articleDiscount: "KORTING" }, CHART).articles, {
      shipping: "VERZEND",
      discount: { hoog: "KORTING-H", laag: "KORTING-L", overig: "KORTING-O", geen: "KORTING-G" },
    });
  });

  it("rounding: off without a ledger; the maximum typed in euros with a point or a comma, a fraction of a cent kept for the check", () => {
    assert.equal(mappingInputOf({ ledgerHoog: "g-8000", roundingMax: "0.10" }, CHART).rounding, undefined);
    assert.deepEqual(mappingInputOf({ ledgerHoog: "g-8000", ledgerRounding: "g-1650" }, CHART).rounding, { ledger: { id: "g-1650", nummer: 1650, omschrijving: "Af te dragen buitenlandse btw", btwSoort: ["Geen"] } });
    assert.equal(mappingInputOf({ ledgerHoog: "g-8000", ledgerRounding: "g-1650", roundingMax: "0,07" }, CHART).rounding?.maxCents, 7);
    assert.equal(mappingInputOf({ ledgerHoog: "g-8000", ledgerRounding: "g-1650", roundingMax: 0.1 }, CHART).rounding?.maxCents, 10);
    assert.equal(mappingInputOf({ ledgerHoog: "g-8000", ledgerRounding: "g-1650", roundingMax: "0.005" }, CHART).rounding?.maxCents, 0.5);
  });

  it("the article revenue groups: the ones filled in", () => {
    assert.deepEqual(articleGroupsOf({ groupHoog: " grp-1 ", groupLaag: "", groupGeen: "grp-3" }), { hoog: "grp-1", geen: "grp-3" });
    assert.deepEqual(articleGroupsOf({}), {});
  });

  it("an order's OSS destination: the delivery country, else billing, when the mapping books EU consumers under OSS and it is an EU country but NL", () => {
    const oss = createMapping({ revenue: {}, euConsumers: "oss" });
    const nlVat = createMapping({ revenue: {} });
    const de = { billingaddress: { country_code: "nl" }, deliveryaddress: { country_code: "de" } };
    assert.equal(ossDestination(oss, de), "DE");
    assert.equal(ossDestination(oss, { billingaddress: { country_code: "BE" }, deliveryaddress: null }), "BE");
    assert.equal(ossDestination(oss, { billingaddress: { country_code: "DE" }, deliveryaddress: { country_code: "NL" } }), null);
    assert.equal(ossDestination(oss, { deliveryaddress: { country_code: "US" } }), null);
    assert.equal(ossDestination(oss, null), null);
    assert.equal(ossDestination(nlVat, de), null);
  });
});
