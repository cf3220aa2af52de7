/**
 * The Koppeling sidebar's message catalogue (nodes/locales/<lang>/koppeling-sidebar.json): it
 * explains every error code the package raises (the reason and what to do), it has every key
 * the sidebar asks for, and every language has the keys of en-US.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { RUN_TRIGGERS } from "../../src/nodes/run-log";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const LOCALES = path.join(ROOT, "nodes", "locales");
const FILE = "koppeling-sidebar.json";
type Tree = { [k: string]: string | Tree };
const read = (lang: string) => JSON.parse(fs.readFileSync(path.join(LOCALES, lang, FILE), "utf8")) as Tree;
const EN = read("en-US");

/** The catalogue's keys as dotted paths, each with its text. */
function flat(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of flat(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** Node.js's own error codes, which the sources name but never raise as a koppeling code. */
const NOT_OURS = new Set(["EAI_AGAIN"]);

describe("the Koppeling sidebar's message catalogue", () => {
  const keys = flat(EN);

  it("explains every error code the sources raise: the reason and what to do, not empty", () => {
    const codes = new Set<string>(["UNEXPECTED"]);
    for (const file of sources(path.join(ROOT, "src"))) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(/"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"/g)) if (!NOT_OURS.has(m[1])) codes.add(m[1]);
    }
    assert.ok(codes.size > 40, `only ${codes.size} codes found in src`);
    const missing = [...codes].filter((c) => !(keys.get(`codes.${c}.reason`)?.trim() && keys.get(`codes.${c}.action`)?.trim()));
    assert.deepEqual(missing, [], "codes without a reason and what to do");
    // A SnelStart message code not listed by name, and a code this version does not know, have texts too.
    for (const c of ["SNELSTART_MESSAGE", "unknown"]) assert.ok(keys.get(`codes.${c}.reason`) && keys.get(`codes.${c}.action`), c);
  });

  it("has every key the sidebar asks for", () => {
    const html = fs.readFileSync(path.join(ROOT, "nodes", "koppeling-sidebar.html"), "utf8");
    const asked = [...html.matchAll(/\bt\("([a-zA-Z]+\.[a-zA-Z.]+)"/g)].map((m) => m[1]);
    assert.ok(asked.length > 30, `only ${asked.length} keys found in the sidebar`);
    // Keys made of parts: the triggers, run states, document kinds and the two attention groups.
    const made = [
      ...RUN_TRIGGERS.map((t) => `triggers.${t}`),
      ...["running", "done", "failed", "incomplete"].map((s) => `states.${s}`),
      ...["order", "cancel", "credit"].map((k) => `attention.${k}`),
      ...["failed", "unknown"].map((g) => `attention.${g}Title`),
      ...["start", "trigger", "due", "booked", "skipped", "failed", "duration"].map((c) => `runs.${c}`),
      "attention.attempts_plural",
    ];
    const missing = [...asked, ...made].filter((k) => !keys.has(k));
    assert.deepEqual(missing, []);
  });

  it("every language has the keys of en-US, with the same placeholders", () => {
    const langs = fs.readdirSync(LOCALES).filter((l) => fs.existsSync(path.join(LOCALES, l, FILE)));
    assert.ok(langs.includes("en-US"));
    const holders = (s: string) => [...s.matchAll(/__\w+__/g)].map((m) => m[0]).sort();
    for (const lang of langs) {
      const other = flat(read(lang));
      assert.deepEqual([...other.keys()].sort(), [...keys.keys()].sort(), `${lang}: keys`);
      for (const [k, v] of keys) assert.deepEqual(holders(other.get(k) ?? ""), holders(v), `${lang}: placeholders of ${k}`);
    }
  });
});
