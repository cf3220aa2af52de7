/**
 * Dutch next to English (nodes/locales/nl beside nodes/locales/en-US), as Node-RED reads them:
 * - every message catalogue of en-US (`<set>.json`, as built) has an nl twin with the same keys, and each
 *   text keeps the placeholders (`__name__`, `{{x}}`, `${ENV_VAR}`) and the HTML tags of the English;
 * - every help file of en-US (`<set>.html`) has an nl twin that documents the same node types, names
 *   the same error codes and has as many sections, and is translated, not copied;
 * - nl has nothing en-US does not have.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../scripts/repo-root";
import { builtSidebarCatalogue } from "../../scripts/sidebar-catalogue";

const LOCALES = path.join(ROOT, "nodes", "locales");
const EN = path.join(LOCALES, "en-US");
const NL = path.join(LOCALES, "nl");
const CODE_SHAPE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

type Tree = { [k: string]: string | Tree };

/** The catalogue's keys as dotted paths, each with its text. */
export function flat(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of flat(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

/** What a translation must keep of a text: its placeholders and its HTML tags, sorted. */
export function kept(text: string): string[] {
  return [...text.matchAll(/__\w+__|\{\{\s*[\w.]+\s*\}\}|\$\{\w+\}|<\/?[a-z][a-z0-9]*\b[^>]*>/g)].map((m) => m[0]).sort();
}

/** The differences between an English and a Dutch catalogue: missing and extra keys, texts that lost or gained a placeholder or tag, empty texts. */
export function catalogueProblems(en: Tree, nl: Tree): string[] {
  const e = flat(en);
  const n = flat(nl);
  const problems: string[] = [];
  for (const k of e.keys()) if (!n.has(k)) problems.push(`missing ${k}`);
  for (const k of n.keys()) if (!e.has(k)) problems.push(`extra ${k}`);
  for (const [k, v] of e) {
    const t = n.get(k);
    if (t === undefined) continue;
    if (t.trim() === "") problems.push(`empty ${k}`);
    if (JSON.stringify(kept(t)) !== JSON.stringify(kept(v))) problems.push(`${k}: keeps ${JSON.stringify(kept(t))}, not ${JSON.stringify(kept(v))}`);
  }
  return problems;
}

interface Help {
  node: string;
  codes: string[];
  sections: number;
  intro: string;
}

/** The help blocks of a help file: the node each documents, the error codes it names in code formatting, its number of sections, its first paragraph. */
export function helpBlocks(html: string): Help[] {
  return [...html.matchAll(/<script type="text\/html" data-help-name="([^"]+)">([\s\S]*?)<\/script>/g)].map((m) => ({
    node: m[1],
    codes: [...new Set([...m[2].matchAll(/<code>([^<]*)<\/code>/g)].map((c) => c[1]).filter((c) => CODE_SHAPE.test(c)))].sort(),
    sections: [...m[2].matchAll(/<h3>/g)].length,
    intro: (/<p>([\s\S]*?)<\/p>/.exec(m[2])?.[1] ?? "").replace(/\s+/g, " ").trim(),
  }));
}

const files = (dir: string, ext: string) => fs.readdirSync(dir).filter((f) => f.endsWith(ext)).sort();
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Tree;
/** An en-US catalogue as the package ships it: the sidebar's with the error codes' texts generated at build time (scripts/sidebar-catalogue.ts). */
const english = (f: string) => (f === "koppeling-sidebar.json" ? builtSidebarCatalogue(readJson(path.join(EN, f))) : readJson(path.join(EN, f)));

describe("Dutch (nl) next to English (en-US): message catalogues and help", () => {
  it("the checks see a lost key, a lost placeholder or tag, and a code the help no longer names", () => {
    const en: Tree = { a: { ok: "Connected to __name__", tip: "Use <code>${ENV_VAR}</code>", n: "{{count}} runs", b: "Name" } };
    assert.deepEqual(catalogueProblems(en, { a: { ok: "Verbonden met __name__", tip: "Gebruik <code>${ENV_VAR}</code>", n: "{{count}} runs", b: "Naam" } }), []);
    assert.deepEqual(catalogueProblems(en, { a: { ok: "Verbonden met __naam__", tip: "Gebruik ${ENV_VAR}", n: "{{count}} runs", c: "Naam" } }), [
      "missing a.b",
      "extra a.c",
      'a.ok: keeps ["__naam__"], not ["__name__"]',
      'a.tip: keeps ["${ENV_VAR}"], not ["${ENV_VAR}","</code>","<code>"]',
    ]);
    const [help] = helpBlocks('<script type="text/html" data-help-name="x">\n<p>Intro text</p><h3>A</h3><p><code>CCV_AUTH</code>, <code>payload</code>, <code>CCV_AUTH</code></p></script>');
    assert.deepEqual(help, { node: "x", codes: ["CCV_AUTH"], sections: 1, intro: "Intro text" });
  });

  it("every en-US message catalogue has an nl twin with the same keys, placeholders and tags, and nl has no catalogue en-US lacks", () => {
    const en = files(EN, ".json");
    assert.ok(en.length >= 10, `only ${en.length} catalogues in nodes/locales/en-US`);
    assert.deepEqual(files(NL, ".json"), en, "nodes/locales/nl has other catalogues than nodes/locales/en-US");
    const problems = en.flatMap((f) => catalogueProblems(english(f), readJson(path.join(NL, f))).map((p) => `${f}: ${p}`));
    assert.deepEqual(problems, []);
  });

  it("the nl catalogues are translated: most of their texts differ from the English", () => {
    for (const f of files(EN, ".json")) {
      const e = flat(english(f));
      const n = flat(readJson(path.join(NL, f)));
      const same = [...e].filter(([k, v]) => n.get(k) === v).length;
      // Names (SnelStart, CCV Shop, Koppelsleutel) and units stay as they are; the rest is Dutch.
      assert.ok(same <= e.size / 2, `${f}: ${same} of ${e.size} texts are the English ones`);
    }
  });

  it("every en-US help file has an nl twin documenting the same nodes, with the same error codes and sections, translated", () => {
    const en = files(EN, ".html");
    assert.ok(en.length >= 9, `only ${en.length} help files in nodes/locales/en-US`);
    assert.deepEqual(files(NL, ".html"), en, "nodes/locales/nl has other help files than nodes/locales/en-US");
    let codes = 0;
    for (const f of en) {
      const e = helpBlocks(fs.readFileSync(path.join(EN, f), "utf8"));
      const n = helpBlocks(fs.readFileSync(path.join(NL, f), "utf8"));
      assert.ok(e.length > 0, `${f}: no help in en-US`);
      assert.deepEqual(
        n.map((h) => h.node),
        e.map((h) => h.node),
        `${f}: the nl help documents other nodes`,
      );
      for (const [i, h] of e.entries()) {
        codes += h.codes.length;
        assert.deepEqual(n[i].codes, h.codes, `${f} (${h.node}): the nl help names other error codes`);
        assert.equal(n[i].sections, h.sections, `${f} (${h.node}): sections`);
        assert.ok(n[i].intro.length >= 20 && n[i].intro !== h.intro, `${f} (${h.node}): the nl help's first paragraph is missing or English: "${n[i].intro}"`);
      }
    }
    assert.ok(codes > 20, `only ${codes} error codes named in the help: is the scan looking in the right place?`);
  });
});
