import assert from "node:assert/strict";
import { EU_COUNTRIES, ISO_COUNTRIES, euIso3, isCountryCode, isEu } from "../../src/koppeling";

describe("countries", () => {
  it("knows all 249 ISO 3166-1 alpha-2 codes, each a region Intl can name", () => {
    assert.equal(ISO_COUNTRIES.size, 249);
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    for (const code of ISO_COUNTRIES) assert.notEqual(names.of(code), code, code);
    assert.ok(isCountryCode("NL") && isCountryCode("AX") && isCountryCode("SS"));
    assert.ok(!isCountryCode("UK") && !isCountryCode("EL") && !isCountryCode("XX") && !isCountryCode("nl"));
  });

  it("knows the EU-27: NL in, GB, CH, NO out", () => {
    assert.equal(EU_COUNTRIES.size, 27);
    for (const code of EU_COUNTRIES) assert.ok(ISO_COUNTRIES.has(code), code);
    assert.ok(isEu("NL") && isEu("DE") && isEu("HR") && isEu("CY"));
    assert.ok(!isEu("GB") && !isEu("CH") && !isEu("NO") && !isEu("US"));
    assert.equal(euIso3("DE"), "DEU");
    assert.equal(euIso3("GR"), "GRC");
    assert.equal(euIso3("GB"), undefined);
  });
});
