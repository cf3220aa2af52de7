/**
 * Status texts and error messages in the user's language (docs/design.md#dutch-status-texts-and-error-messages):
 * - every status text key the nodes use (`<type>.statusText.<name>`) is in the en-US and nl
 *   catalogues of its node set, every one there is used, and a key the editor translates (given
 *   to a status as it is) has no placeholders: the editor fills in none;
 * - msg.error.message in a Dutch runtime says the code's reason and what to do in Dutch, with the
 *   original message in brackets; in English (or without the catalogue) it is the original.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ERROR_CODES, snelStartMessageCode } from "../../src/error-codes";
import { KoppelingError } from "../../src/errors";
import { HttpError, isUnknownOutcome } from "../../src/http/errors";
import { codeTextsOf, inRuntimeLanguage } from "../../src/nodes/error-language";
import { status } from "../../src/nodes/shared";
import { ROOT } from "../../scripts/repo-root";
import type { Tree } from "../../scripts/sidebar-catalogue";
import { catalogue, translator } from "./helpers/catalogue";

const SOURCES = ["src/nodes", "src/controllers"].flatMap((d) =>
  fs
    .readdirSync(path.join(ROOT, d))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => ({ file: `${d}/${f}`, text: fs.readFileSync(path.join(ROOT, d, f), "utf8") })),
);
const KEY = /"([a-z-]+)\.statusText\.(\w+)"/g;
/**
 * The keys given to a status as they are, for the editor to translate: those in a `status.idle(…)`
 * and the like (also chosen in a ternary), in webhook-endpoint's `fail(…)`, or as `text: "…"`;
 * not those inside a translation (`RED._(…)`, `t(…)`) there.
 */
function keysAsIs(text: string): Array<{ set: string; name: string }> {
  const out: Array<{ set: string; name: string }> = [];
  for (const line of text.split("\n")) {
    for (const m of line.matchAll(KEY)) {
      const before = line.slice(0, m.index);
      const opened = Math.max(before.lastIndexOf("status."), before.lastIndexOf("fail("), before.lastIndexOf("text: "));
      if (opened >= 0 && !/(?:\._|\bt)\(/.test(before.slice(opened))) out.push({ set: m[1], name: m[2] });
    }
  }
  return out;
}

const statusTexts = (set: string, lang: string): Record<string, string> => ((catalogue(set, lang)?.[set] as Tree | undefined)?.statusText ?? {}) as Record<string, string>;

describe("status texts and error messages in the user's language", () => {
  it("every status text key the nodes use is in the en-US and nl catalogues of its node set, and every one there is used", () => {
    const used = SOURCES.flatMap((s) => [...s.text.matchAll(KEY)].map((m) => ({ where: s.file, set: m[1], name: m[2] })));
    assert.ok(used.length >= 40, `only ${used.length} status text keys found in src/nodes and src/controllers`);
    const missing = used.filter((u) => !(u.name in statusTexts(u.set, "en-US")) || !(u.name in statusTexts(u.set, "nl"))).map((u) => `${u.where}: ${u.set}.statusText.${u.name}`);
    assert.deepEqual(missing, []);
    const sets = [...new Set(used.map((u) => u.set))].sort();
    assert.deepEqual(sets, ["ccv-orders-in", "ccv-snelstart-reconcile", "ccv-snelstart-report", "snelstart-debtor", "snelstart-invoice", "vat-mapper"]);
    const all = SOURCES.map((s) => s.text).join("\n");
    // A key named in parts (`${type}.statusText.${step}`) counts as used when its name is in the code.
    const unused = sets.flatMap((set) => Object.keys(statusTexts(set, "en-US")).filter((name) => !all.includes(`"${set}.statusText.${name}"`) && !all.includes(`"${name}"`)).map((n) => `${set}.statusText.${n}`));
    assert.deepEqual(unused, []);
  });

  it("a key the editor translates has no placeholders (the editor fills in none); one with numbers is rendered by the runtime", () => {
    const asIs = SOURCES.flatMap((s) => keysAsIs(s.text));
    assert.ok(asIs.length >= 15, `only ${asIs.length} keys given to a status as they are`);
    for (const lang of ["en-US", "nl"]) {
      const withHolders = asIs.filter((k) => /__\w+__/.test(statusTexts(k.set, lang)[k.name] ?? "")).map((k) => `${k.set}.statusText.${k.name}`);
      assert.deepEqual(withHolders, [], `${lang}: keys with placeholders given to a status as they are`);
    }
    // Error statuses are cut at 32 characters, a key never: the editor would not find it.
    const key = "snelstart-debtor.statusText.noSnelStart";
    assert.ok(key.length > 32);
    assert.equal(status.error(key).text, key);
    assert.equal(status.error("x".repeat(40)).text, `${"x".repeat(31)}…`);
  });

  it("msg.error.message in a Dutch runtime: the code's reason and what to do in Dutch, the original in brackets; the code, details and stack stay", () => {
    const nl = translator("ccv-orders-in", "nl");
    const original = new KoppelingError("CCV_AUTH", "CCV Shop answered 401 to GET /api/rest/v1/orders", { status: 401 });
    const dutch = inRuntimeLanguage(nl, original);
    const texts = codeTextsOf(nl, "CCV_AUTH");
    assert.ok(texts && /CCV Shop weigerde/.test(texts.reason), `the Dutch reason: ${texts?.reason}`);
    assert.equal(dutch.message, `${texts.reason} ${texts.action} (CCV Shop answered 401 to GET /api/rest/v1/orders)`);
    assert.deepEqual([dutch.code, dutch.details, dutch.stack, dutch instanceof KoppelingError], ["CCV_AUTH", { status: 401 }, original.stack, true]);

    // SnelStart's message codes: one listed by name has its own entry, another the family's.
    const named = codeTextsOf(nl, "SNELSTART_BOE_0039");
    const family = codeTextsOf(nl, String(snelStartMessageCode("XYZ-0001")));
    assert.ok(named && family && named.reason !== family.reason, "a listed SnelStart code has its own Dutch text");
    // Every catalogued code has Dutch texts of its own.
    assert.deepEqual(
      ERROR_CODES.filter((c) => codeTextsOf(nl, c) === null),
      [],
    );
  });

  it("msg.error.message in English, or without the sidebar's catalogue, is the original error", () => {
    const original = new KoppelingError("VAT_UNMAPPED_RATE", "Order 1001 row 2: rate 9 % has no mapping");
    assert.equal(inRuntimeLanguage(translator("vat-mapper", "en-US"), original), original);
    // Node-RED's answer for a key it does not have is the key, without its namespace (a runtime without the plugin).
    assert.equal(
      inRuntimeLanguage((k) => k.slice(k.indexOf(":") + 1), original),
      original,
    );
    assert.equal(inRuntimeLanguage((k) => k, original), original);
  });

  it("in Dutch, an HTTP error keeps its class and facts: whether its outcome is unknown, its status", () => {
    const lost = new HttpError("SNELSTART_UNKNOWN_OUTCOME", "POST /v2/verkoopboekingen got no answer", {}, { status: 504, method: "POST", url: "https://b2bapi.snelstart.nl/v2/verkoopboekingen", apiCodes: [], unknownOutcome: true });
    const dutch = inRuntimeLanguage(translator("snelstart-invoice", "nl"), lost);
    assert.notEqual(dutch.message, lost.message);
    assert.ok(dutch instanceof HttpError);
    assert.deepEqual([isUnknownOutcome(dutch), (dutch as HttpError).status, dutch.code], [true, 504, "SNELSTART_UNKNOWN_OUTCOME"]);
  });
});
