/**
 * The Koppeling sidebar's message catalogue (nodes/locales/<lang>/koppeling-sidebar.json): its
 * en-US explanation of every error code is generated at build time from the error catalogue
 * (scripts/sidebar-catalogue.ts: the reason and what to do, in the catalogue's own words), so the
 * source keeps only `codes.unknown`; the Dutch catalogue explains every code by hand (the sidebar
 * and msg.error.message read it). It has every key the sidebar asks for, and every language has
 * the keys of en-US as built, with the reconciliation's findings.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ERROR_CODES, SNELSTART_MESSAGE_FAMILY, specOf } from "../../src/error-codes";
import { FINDINGS } from "../../src/koppeling/reconcile";
import { RUN_TRIGGERS } from "../../src/koppeling/run-history";
import { ROOT as REPO_ROOT } from "../../scripts/repo-root";
import { builtSidebarCatalogue, type Tree } from "../../scripts/sidebar-catalogue";

const ROOT = REPO_ROOT;
const LOCALES = path.join(ROOT, "nodes", "locales");
const FILE = "koppeling-sidebar.json";
const read = (lang: string) => JSON.parse(fs.readFileSync(path.join(LOCALES, lang, FILE), "utf8")) as Tree;
const SOURCE = read("en-US");
const EN = builtSidebarCatalogue(SOURCE);

/** The catalogue's keys as dotted paths, each with its text. */
function flat(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of flat(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

/** The codes a catalogue explains. */
const codesOf = (tree: Tree) => Object.keys(tree.codes as Tree).sort();

describe("the Koppeling sidebar's message catalogue", () => {
  const keys = flat(EN);

  it("as built, explains every error code of the catalogue (src/error-codes.ts) in en-US as the catalogue does: the reason (meaning) and what to do (action)", () => {
    const wrong = ERROR_CODES.filter((c) => keys.get(`codes.${c}.reason`) !== specOf(c).meaning || keys.get(`codes.${c}.action`) !== specOf(c).action);
    assert.deepEqual(wrong, []);
    // SnelStart's message codes not listed by name, and a code this version does not know.
    assert.deepEqual([keys.get(`codes.${SNELSTART_MESSAGE_FAMILY.entry}.reason`), keys.get(`codes.${SNELSTART_MESSAGE_FAMILY.entry}.action`)], [SNELSTART_MESSAGE_FAMILY.spec.meaning, SNELSTART_MESSAGE_FAMILY.spec.action]);
    assert.ok(keys.get("codes.unknown.reason") && keys.get("codes.unknown.action"));
    assert.deepEqual(codesOf(EN), [...ERROR_CODES, SNELSTART_MESSAGE_FAMILY.entry, "unknown"].sort(), "codes the catalogue does not have, or lacks");
    // The source has no copy of the catalogue's words to fall behind.
    assert.deepEqual(codesOf(SOURCE), ["unknown"], "nodes/locales/en-US/koppeling-sidebar.json: the codes' texts are generated from src/error-codes.ts; keep only codes.unknown there");
  });

  it("the Dutch catalogue explains every code the en-US one does, each with a reason and what to do, in Dutch", () => {
    const nl = read("nl");
    assert.deepEqual(codesOf(nl), codesOf(EN), "nodes/locales/nl/koppeling-sidebar.json: codes missing or extra");
    const nlKeys = flat(nl);
    const english = codesOf(EN).filter((c) => ["reason", "action"].some((p) => !nlKeys.get(`codes.${c}.${p}`) || nlKeys.get(`codes.${c}.${p}`) === keys.get(`codes.${c}.${p}`)));
    assert.deepEqual(english, [], "codes whose Dutch reason or action is empty or the English one");
  });

  it("has every key the sidebar asks for", () => {
    const html = fs.readFileSync(path.join(ROOT, "nodes", "koppeling-sidebar.html"), "utf8");
    // A key that ends in "." is the start of keys made of parts (below).
    const asked = [...html.matchAll(/\bt\("([a-zA-Z]+\.[a-zA-Z.]+)"/g)].map((m) => m[1]).filter((k) => !k.endsWith("."));
    assert.ok(asked.length > 30, `only ${asked.length} keys found in the sidebar`);
    // Keys made of parts: the triggers, run states, document kinds and the two attention groups.
    const made = [
      ...RUN_TRIGGERS.map((t) => `triggers.${t}`),
      ...["running", "done", "failed", "incomplete"].map((s) => `states.${s}`),
      ...["order", "cancel", "credit"].map((k) => `attention.${k}`),
      ...["failed", "unknown"].map((g) => `attention.${g}Title`),
      ...["start", "trigger", "due", "booked", "skipped", "failed", "duration"].map((c) => `runs.${c}`),
      "attention.attempts_plural",
      // The reconciliation's findings (src/koppeling/reconcile.ts), each with a label and a reason.
      ...FINDINGS.flatMap((f) => [`controle.findings.${f}.label`, `controle.findings.${f}.reason`]),
    ];
    const missing = [...asked, ...made].filter((k) => !keys.has(k));
    assert.deepEqual(missing, []);
  });

  it("names the locale its dates and amounts are written in: one the runtime knows, of the catalogue's own language", () => {
    const langs = fs.readdirSync(LOCALES).filter((l) => fs.existsSync(path.join(LOCALES, l, FILE)));
    for (const lang of langs) {
      const locale = flat(read(lang)).get("sidebar.locale") ?? "";
      assert.deepEqual(Intl.DateTimeFormat.supportedLocalesOf([locale]), [locale], `${lang}: sidebar.locale ${JSON.stringify(locale)}`);
      assert.equal(new Intl.Locale(locale).language, new Intl.Locale(lang).language, `${lang}: sidebar.locale ${locale} is another language`);
    }
    // Dutch writes a day before its month and euros with a decimal comma.
    const nl = flat(read("nl")).get("sidebar.locale");
    assert.equal(new Date(Date.UTC(2025, 2, 4, 12)).toLocaleDateString(nl, { timeZone: "UTC" }), "4-3-2025");
    assert.match(new Intl.NumberFormat(nl, { style: "currency", currency: "EUR" }).format(30.25), /^€\s30,25$/);
  });

  it("every language has the keys of en-US, with the same placeholders", () => {
    const langs = fs.readdirSync(LOCALES).filter((l) => fs.existsSync(path.join(LOCALES, l, FILE)));
    assert.ok(langs.includes("en-US"));
    const holders = (s: string) => [...s.matchAll(/__\w+__/g)].map((m) => m[0]).sort();
    for (const lang of langs) {
      const other = flat(lang === "en-US" ? EN : read(lang));
      assert.deepEqual([...other.keys()].sort(), [...keys.keys()].sort(), `${lang}: keys`);
      for (const [k, v] of keys) assert.deepEqual(holders(other.get(k) ?? ""), holders(v), `${lang}: placeholders of ${k}`);
    }
  });
});
