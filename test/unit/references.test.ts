/**
 * Every reference a comment cites resolves inside the repository. Comments cite the excerpts
 * in docs/reference/ as `<dir>/<file>.md#<anchor>` (docs/reference/README.md): the file must
 * exist and the anchor must be the GitHub slug of one of its headings. Further anchors of the
 * same file may follow a citation after "," or "and" (`…#invoices, #order-fields`); they are
 * checked too. A bare section sign (the numbering of the research notes outside the
 * repository) or a bare note name (`snelstart-api` + ".md" without the directory) does not
 * resolve for a reader, so it fails as well.
 *
 * The patterns below are assembled at run time so that this file, which is scanned too, holds
 * no citation of its own.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../scripts/repo-root";

const root = ROOT;
const REF_DIR = ["docs", "reference"].join("/");
const SECTION_SIGN = "\u00a7";
/** The research notes the excerpts come from (whether or not an excerpt exists). */
const NOTES = ["ccvshop-api", "snelstart-api", "market-and-vat", "node-red-practice"];
const SCANNED = ["src", "sim", "scripts", "test", "nodes"];
const EXTENSIONS = [".ts", ".js", ".mjs", ".cjs", ".html", ".json", ".md"];

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const CITATION = new RegExp(`${esc(REF_DIR)}/([A-Za-z0-9._-]+\\.md)(?:#([A-Za-z0-9_-]+))?`, "g");
/** One more anchor of the same file: `, #x` or ` and #x`, possibly on the next comment line. */
const MORE = /^\s*(?:,|and\b)\s*(?:(?:\*(?!\/)|\/\/)\s*)?#([A-Za-z0-9_-]+)/;
const BARE_NOTE = new RegExp(`(?<![\\w/-])(?:${NOTES.map(esc).join("|")})\\.md`, "g");

/** The anchors GitHub gives the headings of a Markdown text (github-slugger's rules). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

export interface Problem {
  file: string;
  line: number;
  text: string;
  why: string;
}

/** The problems of one scanned text, against the reference files (name → anchors; absent = no such file). */
export function checkText(file: string, text: string, refs: ReadonlyMap<string, ReadonlySet<string>>): Problem[] {
  const problems: Problem[] = [];
  const lineOf = (index: number) => text.slice(0, index).split("\n").length;
  const add = (index: number, found: string, why: string) => problems.push({ file, line: lineOf(index), text: found, why });
  for (const m of text.matchAll(CITATION)) {
    const [whole, name, anchor] = m;
    const anchors = refs.get(name);
    if (!anchors) {
      add(m.index, whole, `${REF_DIR}/${name} does not exist`);
      continue;
    }
    if (anchor !== undefined && !anchors.has(anchor)) add(m.index, whole, `no heading with anchor #${anchor} in ${REF_DIR}/${name}`);
    let at = m.index + whole.length;
    for (let more = MORE.exec(text.slice(at)); more; more = MORE.exec(text.slice(at))) {
      if (!anchors.has(more[1])) add(at, `#${more[1]}`, `no heading with anchor #${more[1]} in ${REF_DIR}/${name}`);
      at += more[0].length;
    }
  }
  for (const m of text.matchAll(new RegExp(SECTION_SIGN, "g"))) {
    const line = text.split("\n")[lineOf(m.index) - 1].trim();
    add(m.index, line, `a bare ${SECTION_SIGN} section number: cite ${REF_DIR}/<file>.md#<anchor> instead`);
  }
  for (const m of text.matchAll(BARE_NOTE)) {
    add(m.index, m[0], `a note outside the repository: cite ${REF_DIR}/${m[0]} (with an anchor) instead`);
  }
  return problems;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : filesUnder(p);
    return EXTENSIONS.some((x) => e.name.endsWith(x)) ? [p] : [];
  });
}

function referenceFiles(): Map<string, Set<string>> {
  const dir = path.join(root, ...REF_DIR.split("/"));
  const refs = new Map<string, Set<string>>();
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith(".md")) refs.set(name, headingAnchors(fs.readFileSync(path.join(dir, name), "utf8")));
  }
  return refs;
}

const report = (problems: Problem[]) => problems.map((p) => `${p.file}:${p.line}: ${p.why}: ${p.text}`).join("\n");

describe("references cited in comments resolve inside the repository", () => {
  const refs = referenceFiles();

  it("has the reference excerpts the code cites", () => {
    for (const note of ["ccvshop-api", "snelstart-api", "market-and-vat"]) {
      assert.ok(refs.has(`${note}.md`), `${REF_DIR}/${note}.md is missing`);
    }
  });

  it(`every ${REF_DIR}/<file>.md#<anchor> in ${SCANNED.join(", ")} names an existing file and heading, and no bare ${SECTION_SIGN} or note name is left`, () => {
    const files = SCANNED.flatMap((d) => filesUnder(path.join(root, d)));
    assert.ok(files.length > 100, `only ${files.length} files found under ${SCANNED.join(", ")}`);
    let citations = 0;
    const problems: Problem[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      citations += [...text.matchAll(CITATION)].length;
      problems.push(...checkText(path.relative(root, file).split(path.sep).join("/"), text, refs));
    }
    assert.ok(citations > 50, `only ${citations} citations found: is the scan looking in the right place?`);
    assert.equal(problems.length, 0, `\n${report(problems)}`);
  });

  it(`Markdown links from docs/ into ${REF_DIR}/ resolve (file and heading)`, () => {
    const docs = path.join(root, "docs");
    const mdFiles = [path.join(root, "README.md"), ...filesUnder(docs).filter((f) => f.endsWith(".md"))];
    const refDir = path.join(root, ...REF_DIR.split("/"));
    const problems: string[] = [];
    for (const file of mdFiles) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\]\(([^)\s#]+\.md)(?:#([^)\s]+))?\)/g)) {
        const target = path.resolve(path.dirname(file), m[1]);
        if (path.dirname(target) !== refDir) continue;
        const anchors = refs.get(path.basename(target));
        const where = `${path.relative(root, file)}: ${m[0]}`;
        if (!anchors) problems.push(`${where}: no such file`);
        else if (m[2] !== undefined && !anchors.has(m[2])) problems.push(`${where}: no such heading`);
      }
    }
    assert.deepEqual(problems, []);
  });

  describe("the checks themselves", () => {
    const sample = new Map([["x.md", headingAnchors("# Title\n\n## Rate limits\n\n### Open: x-date with milliseconds\n\n```\n## not a heading\n```\n## Rate limits\n")]]);
    const cite = (rest: string) => `${REF_DIR}/${rest}`;

    it("makes GitHub's anchors of headings (punctuation dropped, spaces to hyphens, duplicates numbered, fences skipped)", () => {
      assert.deepEqual([...sample.get("x.md")!].sort(), ["open-x-date-with-milliseconds", "rate-limits", "rate-limits-1", "title"]);
    });

    it("accepts a citation of an existing file and heading, with further anchors after ',' or 'and'", () => {
      const text = `/** Limits (${cite("x.md#rate-limits")}, #title and\n * #open-x-date-with-milliseconds). See ${cite("x.md")}. */`;
      assert.deepEqual(checkText("a.ts", text, sample), []);
    });

    it("fails on a missing file, a missing heading (also a further one) and a bare section number or note name", () => {
      const text = [
        `// ${cite("y.md#rate-limits")}`,
        `// ${cite("x.md#rate-limit")}`,
        `// ${cite("x.md#title")}, #nope`,
        `// (${SECTION_SIGN}2.4)`,
        `// ${NOTES[0]}.md`,
      ].join("\n");
      const found = checkText("a.ts", text, sample).map((p) => `${p.line}: ${p.why}`);
      assert.deepEqual(found, [
        `1: ${REF_DIR}/y.md does not exist`,
        `2: no heading with anchor #rate-limit in ${REF_DIR}/x.md`,
        `3: no heading with anchor #nope in ${REF_DIR}/x.md`,
        `4: a bare ${SECTION_SIGN} section number: cite ${REF_DIR}/<file>.md#<anchor> instead`,
        `5: a note outside the repository: cite ${REF_DIR}/${NOTES[0]}.md (with an anchor) instead`,
      ]);
    });
  });
});
