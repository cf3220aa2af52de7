/**
 * The error catalogue (src/error-codes.ts) cannot fall behind the code, the README or the help:
 * - every code-shaped string literal in src/ (and every upper-case word given to
 *   `new KoppelingError` or set as a `code` property) is a catalogued code, and every code listed by name is raised
 *   somewhere in src/ (SnelStart's message codes are made at run time, so their named members
 *   are exempt);
 * - the README's error table is the one scripts/error-table.ts prints, and every code the README
 *   names is catalogued;
 * - every code a node's help names is catalogued.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { ERROR_CODES, SNELSTART_MESSAGE_FAMILY, endsRun, errorSpec, isErrorCode, refusesDocument, refusesVatNumber, snelStartMessageCode, specOf } from "../../src/error-codes";
import { KoppelingError } from "../../src/errors";
import { TABLE_END, TABLE_START, errorTable } from "../../scripts/error-table";
import { ROOT as REPO_ROOT } from "../../scripts/repo-root";

const root = REPO_ROOT;
const CODE_SHAPE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
/** Node.js system error names (the `code` of a failed connection) that src/ compares with: not ours. */
const NOT_OURS = new Set(["EAI_AGAIN"]);
const named = new Set<string>(ERROR_CODES);

function tsFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFilesUnder(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

export interface Literal {
  file: string;
  line: number;
  text: string;
  /** Given to `new KoppelingError(…)` or set as a `code` property. */
  codePosition: boolean;
}

const isStringLiteral = (n: ts.Node): n is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n);

/** The string literals of a TypeScript text (comments are not literals), marking those in a code position. */
export function stringLiterals(file: string, text: string): Literal[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const out: Literal[] = [];
  /** Whether the literal (the last of `path`, its ancestors before it) is given to `new KoppelingError` or set as a `code` property, also as a branch of `?:` or `??`. */
  const inCodePosition = (path: readonly ts.Node[]): boolean => {
    for (let i = path.length - 1; i > 0; i--) {
      const child = path[i];
      const parent = path[i - 1];
      if (ts.isConditionalExpression(parent) && child !== parent.condition) continue;
      if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) continue;
      if (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent)) continue;
      if (ts.isNewExpression(parent)) return parent.expression.getText(source) === "KoppelingError" && parent.arguments?.[0] === child;
      if (ts.isPropertyAssignment(parent)) return parent.initializer === child && parent.name.getText(source) === "code";
      return false;
    }
    return false;
  };
  const path: ts.Node[] = [];
  const visit = (n: ts.Node) => {
    path.push(n);
    const parent = path[path.length - 2];
    if (isStringLiteral(n) && !(parent && (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)))) {
      out.push({ file, line: source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1, text: n.text, codePosition: inCodePosition(path) });
    }
    ts.forEachChild(n, visit);
    path.pop();
  };
  visit(source);
  return out;
}

/** An upper-case word (`UNEXPECTED`): a code when it is in a code position (a `code` property may hold another API's code, e.g. CCV's "401.10"). */
const CODE_WORD = /^[A-Z][A-Z0-9_]*$/;

/** The literals that should be catalogued codes and are not: code-shaped ones anywhere, upper-case words in a code position. */
export function uncatalogued(literals: readonly Literal[]): Literal[] {
  return literals.filter((l) => (CODE_SHAPE.test(l.text) || (l.codePosition && CODE_WORD.test(l.text))) && !NOT_OURS.has(l.text) && !isErrorCode(l.text));
}

function srcLiterals(): Literal[] {
  const files = tsFilesUnder(path.join(root, "src")).filter((f) => path.basename(f) !== "error-codes.ts");
  return files.flatMap((f) => stringLiterals(path.relative(root, f).split(path.sep).join("/"), fs.readFileSync(f, "utf8")));
}

const where = (ls: readonly Literal[]) => ls.map((l) => `${l.file}:${l.line}: "${l.text}"`).join("\n");

/**
 * The help texts of the nodes: `<script type="text/html" data-help-name="…">` blocks of nodes/*.html
 * and of the help files of every language, nodes/locales/<lang>/*.html (where Node-RED looks for a
 * node set's help in the user's language).
 */
function helpTexts(): Array<{ node: string; lang: string; html: string }> {
  const dir = path.join(root, "nodes");
  const locales = path.join(dir, "locales");
  const files = [
    ...fs.readdirSync(dir).filter((f) => f.endsWith(".html")).map((f) => ({ lang: "", file: path.join(dir, f) })),
    ...fs.readdirSync(locales).flatMap((lang) =>
      fs.statSync(path.join(locales, lang)).isDirectory()
        ? fs.readdirSync(path.join(locales, lang)).filter((f) => f.endsWith(".html")).map((f) => ({ lang, file: path.join(locales, lang, f) }))
        : [],
    ),
  ];
  return files.flatMap(({ lang, file }) =>
    [...fs.readFileSync(file, "utf8").matchAll(/<script type="text\/html" data-help-name="([^"]+)">([\s\S]*?)<\/script>/g)].map((m) => ({ node: m[1], lang, html: m[2] })),
  );
}

describe("error catalogue", () => {
  it("every entry is complete: a layer, one-line meaning and action, SnelStart flags only on SnelStart codes; only CCV codes end a run", () => {
    assert.ok(ERROR_CODES.length > 40, `only ${ERROR_CODES.length} codes`);
    for (const code of ERROR_CODES) {
      const spec = specOf(code);
      assert.match(code, /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/, code);
      for (const text of [spec.meaning, spec.action]) assert.match(text, /^[^\n]{10,220}$/, `${code}: ${text}`);
      if (spec.refusesVatNumber) assert.equal(spec.layer, "snelstart", `${code} refuses a VAT number but is not a SnelStart code`);
      if (spec.refusesVatNumber) assert.ok(spec.refusesDocument, `${code} refuses a VAT number, so SnelStart stored nothing`);
      if (spec.endsRun) assert.equal(spec.layer, "ccv", `${code} ends a ccv-orders-in run but is not a CCV code`);
      if (SNELSTART_MESSAGE_FAMILY.pattern.test(code)) {
        assert.equal(spec.layer, "snelstart", code);
        assert.equal(spec.refusesDocument, true, `${code}: a SnelStart message code is a refusal`);
      }
    }
    assert.ok(ERROR_CODES.some((c) => endsRun(c)) && ERROR_CODES.some((c) => !endsRun(c)));
    assert.ok(ERROR_CODES.some((c) => refusesVatNumber(c)) && ERROR_CODES.some((c) => specOf(c).retryable));
  });

  it("SnelStart's message codes become SNELSTART_<RES>_<NNNN> through the typed helper; the family answers for members not listed by name", () => {
    assert.equal(snelStartMessageCode("BOE-0021"), "SNELSTART_BOE_0021");
    assert.equal(snelStartMessageCode("REL-0088"), "SNELSTART_REL_0088");
    for (const junk of ["BOE-21", "boe-0021", "BOE_0021", " BOE-0021", "BOE-00211", ""]) assert.equal(snelStartMessageCode(junk), null, junk);
    const unnamed = snelStartMessageCode("XYZ-0001");
    assert.ok(unnamed !== null && !named.has(unnamed));
    assert.deepEqual(errorSpec(unnamed), SNELSTART_MESSAGE_FAMILY.spec);
    assert.ok(refusesDocument(unnamed) && !refusesVatNumber(unnamed) && !endsRun(unnamed));
    assert.ok(refusesVatNumber("SNELSTART_REL_0088") && !refusesVatNumber("SNELSTART_REL_0061"));
    for (const unknown of ["NOT_A_CODE", "SNELSTART_CONFG", "toString", "__proto__"]) {
      assert.equal(errorSpec(unknown), undefined, unknown);
      assert.ok(!isErrorCode(unknown) && !endsRun(unknown) && !refusesDocument(unknown), unknown);
    }
  });

  it("KoppelingError takes only a catalogued code (a code outside it does not compile)", () => {
    // @ts-expect-error a code that is not in the catalogue
    const wrong = new KoppelingError("NOT_A_CODE", "x");
    // @ts-expect-error a SnelStart message code must come from snelStartMessageCode
    const raw = new KoppelingError("SNELSTART_XYZ_0001", "x");
    const made = snelStartMessageCode("XYZ-0001");
    assert.ok(made);
    const fine = new KoppelingError(made, "x");
    assert.deepEqual([wrong.code, raw.code, fine.code], ["NOT_A_CODE", "SNELSTART_XYZ_0001", "SNELSTART_XYZ_0001"]);
  });

  it("the source scan finds a code outside the catalogue, in a code position or by its shape", () => {
    const text = [
      "// a comment naming NOT_IN_COMMENTS_ERROR is not a literal",
      'throw new KoppelingError(cond ? "CCV_AUTH" : "ALMOST_A_CODE", "m");',
      'const answer = { status: 400, code: "NEWCODE", other: "OTHERWORD" };',
      'const ccv = { code: "401.10" };',
      'const other = "SOME_NEW_CODE";',
      'const fine = ["CCV_NOT_FOUND", "EAI_AGAIN", "not a code"];',
    ].join("\n");
    assert.deepEqual(
      uncatalogued(stringLiterals("sample.ts", text)).map((l) => [l.line, l.text]),
      [
        [2, "ALMOST_A_CODE"],
        [3, "NEWCODE"],
        [5, "SOME_NEW_CODE"],
      ],
    );
  });

  it("every code literal in src/ is catalogued, and every code listed by name is raised in src/", () => {
    const literals = srcLiterals();
    const positions = literals.filter((l) => l.codePosition);
    assert.ok(positions.length > 80, `only ${positions.length} literals in a code position: is the scan looking in the right place?`);
    const missing = uncatalogued(literals);
    assert.equal(missing.length, 0, `codes not in src/error-codes.ts:\n${where(missing)}`);
    const used = new Set(literals.map((l) => l.text));
    for (const other of NOT_OURS) assert.ok(used.has(other) && !isErrorCode(other), `${other} is no longer in src/: drop it from NOT_OURS`);
    const unused = ERROR_CODES.filter((c) => !SNELSTART_MESSAGE_FAMILY.pattern.test(c) && !used.has(c));
    assert.deepEqual(unused, [], "catalogued codes that nothing in src/ raises");
  });

  it("the README's error table is the one scripts/error-table.ts prints, and the README names only catalogued codes", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    assert.ok(start >= 0 && end > start, "the README has no error table between the markers");
    const table = errorTable();
    assert.equal(readme.slice(start, end + TABLE_END.length), table, "the README's error table differs from the catalogue: run `node dist/scripts/error-table.js` and paste its output");
    for (const code of ERROR_CODES) assert.ok(table.includes(`| \`${code}\` |`) && table.includes(specOf(code).meaning.slice(0, 40)), `${code} is not in the table with its meaning`);
    const mentioned = [...readme.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1]);
    assert.ok(mentioned.length > ERROR_CODES.length, `only ${mentioned.length} codes found in the README`);
    assert.deepEqual([...new Set(mentioned.filter((c) => !named.has(c)))], [], "codes in the README that the catalogue does not list");
  });

  it("every code a node's help names is catalogued", () => {
    const helps = helpTexts();
    assert.ok(helps.length >= 8, `only ${helps.length} help texts found`);
    // The help lives in nodes/locales/<lang>/: both languages are read.
    for (const lang of ["en-US", "nl"]) {
      const nodes = helps.filter((h) => h.lang === lang).map((h) => h.node);
      assert.ok(nodes.length >= 8, `only ${nodes.length} help texts in nodes/locales/${lang}/`);
    }
    let found = 0;
    const problems: string[] = [];
    for (const { node, lang, html } of helps) {
      for (const m of html.matchAll(/<code>([^<]*)<\/code>/g)) {
        if (!CODE_SHAPE.test(m[1])) continue;
        found++;
        if (!named.has(m[1])) problems.push(`${lang || "nodes"}/${node}: ${m[1]}`);
      }
    }
    assert.ok(found > 20, `only ${found} codes found in the help texts`);
    assert.deepEqual(problems, [], "codes in the help texts that the catalogue does not list");
  });
});
