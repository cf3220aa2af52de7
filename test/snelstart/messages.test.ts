import assert from "node:assert/strict";
import type { RelatieCreate } from "../../src/snelstart/schemas";
import { simSeedRelatieId } from "../../sim/snelstart/server";
import { DE, nlBooking, NL, rawApi, rejectsWith, setup, type Setup } from "./helpers";

/** A raw POST; returns status and body. */
async function post(s: Setup, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await rawApi(s, "POST", path, { body: JSON.stringify(body) });
  return { status: res.status, body: res.body };
}

const adres = (land = NL) => ({ straat: "Dorpsstraat 1", postcode: "1234 AB", plaats: "Alkmaar", land: { id: land } });
const klant = (over: Partial<RelatieCreate> = {}): RelatieCreate => ({ relatiesoort: ["Klant"], naam: "Jan Jansen", vestigingsAdres: adres(), ...over });

describe("SnelStart simulator: the portal's error texts, verbatim", () => {
  let s: Setup;
  before(async () => (s = await setup()));
  after(async () => s.close());

  it("BOE-0060 answers the body [{errorCode, message, details}] with the portal's message", async () => {
    const res = await post(s, "/verkoopboekingen", nlBooking("M-1", simSeedRelatieId(2)));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, [{ errorCode: "BOE-0060", message: "De opgegeven relatie is geen klant.", details: simSeedRelatieId(2) }]);
  });

  it("a code without anything to add has details null", async () => {
    const res = await post(s, "/relaties", { ...klant(), id: "75b4fe7b-062b-4ae1-bad1-5c5e3866a2ae" });
    assert.deepEqual(res.body, [{ errorCode: "REL-0063", message: "Het ID dient leeg te zijn.", details: null }]);
  });

  for (const [what, body, code, message] of [
    ["a VAT number of 1 character", klant({ btwNummer: "N" }), "REL-0058", "BtwNummer moet minimaal 2 karakters bevatten"],
    ["a VAT number of 51 characters", klant({ btwNummer: `DE${"1".repeat(49)}`, vestigingsAdres: adres(DE) }), "REL-0057", "BtwNummer mag maximaal 50 karakters bevatten"],
    ["a fake VAT number", klant({ btwNummer: "NL123456000B01" }), "REL-0088", "Het opgegeven nummer is geen geldig btw-nummer"],
    ["a VAT country that is not the address country", klant({ btwNummer: "DE123456789" }), "REL-0087", "De Btw landcode komt niet overeen met de landcode van het vestigingsadres"],
    ["a straat of 51 characters", klant({ vestigingsAdres: { ...adres(), straat: "S".repeat(51) } }), "REL-0020", "VestigingsAdres.Straat mag maximaal 50 karakters bevatten"],
    ["a postcode of 26 characters", klant({ vestigingsAdres: { ...adres(), postcode: "1".repeat(26) } }), "REL-0021", "VestigingsAdres.Postcode mag maximaal 25 karakters bevatten"],
    ["an incomplete address", klant({ vestigingsAdres: { ...adres(), plaats: "" } }), "REL-0060", "Indien een van de velden van VestigingsAdres gevuld is, meegegeven dienen alle velden gevuld zijn, uitgezonderd Contactpersoon"],
    ["an unknown land", klant({ vestigingsAdres: adres("0f0f0f0f-0000-4000-8000-000000000000") }), "REL-0056", "VestigingsAdres.LandId niet gevonden"],
    ["one invalid e-mail address", klant({ email: "not-an-address" }), "REL-0061", "Email dient een geldig emailadres te zijn."],
    ["a ;-list with an invalid address", klant({ email: "a@example.nl; b@" }), "REL-0084", "Email bevat één of meerdere ongeldige emailadressen. U kunt meerdere emailadressen opgeven door ze te scheiden met een puntkomma(;)."],
    ["an e-mail of 251 characters", klant({ email: `${"a".repeat(240)}@example.nl` }), "REL-0085", "Email mag maximaal 250 karakters bevatten"],
    ["no naam", klant({ naam: "" }), "REL-0007", "Naam moet gevuld zijn"],
  ] as const) {
    it(`${code} for ${what}`, async () => {
      const res = await post(s, "/relaties", body);
      assert.equal(res.status, 400);
      const items = res.body as Array<{ errorCode: string; message: string }>;
      assert.deepEqual(items.map((e) => [e.errorCode, e.message]), [[code, message]]);
    });
  }

  it("the client's error names code, message and the simulator's details", async () => {
    const err = await rejectsWith(s.client.createRelatie(klant({ vestigingsAdres: { ...adres(), plaats: "" } })), "SNELSTART_REL_0060");
    assert.match(err.message, /REL-0060 Indien een van de velden van VestigingsAdres gevuld is.* \(ontbreekt: plaats\)/);
    assert.deepEqual(err.details.errors, [{ errorCode: "REL-0060", message: "Indien een van de velden van VestigingsAdres gevuld is, meegegeven dienen alle velden gevuld zijn, uitgezonderd Contactpersoon", details: "ontbreekt: plaats" }]);
  });
});
