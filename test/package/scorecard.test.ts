/**
 * The Flow Library scorecard (`node-red-dev validate`), re-implemented offline: the package
 * checks P01, P03-P07, N02 and D01, and each editor file parsed the way the Flow Library does
 * (script blocks with an explicit type="text/javascript", acorn, registerType(literal, {literal})).
 * Runs against the built package in dist/, which is what npm publishes.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as acorn from "acorn";
import { ROOT } from "../../scripts/repo-root";

const root = ROOT;
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  name: string;
  license?: string;
  repository?: unknown;
  bugs?: unknown;
  keywords?: string[];
  engines?: { node?: string };
  files?: string[];
  dependencies?: Record<string, string>;
  "node-red": { version: string; nodes: Record<string, string> };
};

type Version = [number, number, number];
const parseVersion = (v: string): Version => {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  assert.ok(m, `not a version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
/** Our ranges are plain `>=X[.Y[.Z]]`; anything else is refused so this check cannot silently pass. */
function satisfies(version: string, range: string): boolean {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  assert.ok(m, `range syntax this check does not know: ${range}`);
  return compare(parseVersion(version), [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]) >= 0;
}
function minVersion(range: string): string {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(range.trim());
  assert.ok(m, `range syntax this check does not know: ${range}`);
  return `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}`;
}

/** Node-RED versions this package is tested with: the root's 4.1 and tools/nr5's 5.x. */
function testedNodeRed(): Array<{ version: string; engines: string }> {
  const out: Array<{ version: string; engines: string }> = [];
  for (const dir of [path.join(root, "node_modules", "node-red"), path.join(root, "tools", "nr5", "node_modules", "node-red")]) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const p = JSON.parse(fs.readFileSync(file, "utf8")) as { version: string; engines: { node: string } };
    out.push({ version: p.version, engines: p.engines.node });
  }
  return out;
}

interface RegisteredType {
  type: string;
  def: Record<string, unknown>;
}

/** The Flow Library's reading of an editor file: each registerType(type, {object literal}) with literal values. */
function registeredTypes(html: string, file: string): RegisteredType[] {
  const blocks = [...html.matchAll(/<script[^>]*type=["']text\/javascript["'][^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
  assert.ok(blocks.length > 0, `${file}: no <script type="text/javascript"> block`);
  const found: RegisteredType[] = [];
  for (const code of blocks) {
    const ast = acorn.parse(code, { ecmaVersion: 2020 });
    const visit = (n: unknown): void => {
      if (!n || typeof n !== "object") return;
      const node = n as { type?: string; callee?: { type: string; property?: { name?: string } }; arguments?: acorn.Node[] };
      if (node.type === "CallExpression" && node.callee?.type === "MemberExpression" && node.callee.property?.name === "registerType") {
        const [name, obj] = node.arguments ?? [];
        assert.equal(name?.type, "Literal", `${file}: registerType's first argument must be a string literal`);
        assert.equal(obj?.type, "ObjectExpression", `${file}: registerType's second argument must be an object literal`);
        const def: Record<string, unknown> = {};
        for (const prop of (obj as acorn.ObjectExpression).properties) {
          if (prop.type !== "Property" || prop.key.type !== "Identifier") continue;
          def[prop.key.name] = prop.value.type === "Literal" ? (prop.value as acorn.Literal).value : `<${prop.value.type}>`;
        }
        found.push({ type: String((name as acorn.Literal).value), def });
      }
      for (const value of Object.values(n)) {
        if (Array.isArray(value)) value.forEach(visit);
        else if (value && typeof value === "object" && "type" in value) visit(value);
      }
    };
    visit(ast);
  }
  return found;
}

describe("Flow Library scorecard (offline)", () => {
  it("P01 has a license, and a LICENSE file", () => {
    assert.ok(pkg.license && pkg.license.length > 0);
    assert.ok(fs.existsSync(path.join(root, "LICENSE")));
  });

  it("P03 names its repository and where to report bugs", () => {
    assert.ok(pkg.repository || pkg.bugs);
  });

  it("P04 uses a scoped name", () => {
    assert.match(pkg.name, /^@[a-z0-9-]+\/node-red-[a-z0-9-]+$/);
  });

  it("P05 has the node-red keyword", () => {
    assert.ok(pkg.keywords?.includes("node-red"));
  });

  it("P06 node-red.version is satisfied by every Node-RED version we test", () => {
    const tested = testedNodeRed();
    assert.equal(tested.length, 2, "both tested Node-RED versions must be installed (the root's 4.1 and tools/nr5's 5.x; npm test installs tools/nr5 first)");
    for (const nr of tested) assert.ok(satisfies(nr.version, pkg["node-red"].version), `${nr.version} does not satisfy ${pkg["node-red"].version}`);
  });

  it("P07 engines.node admits the minimum Node.js of the newest tested Node-RED, and this Node.js", () => {
    const engines = pkg.engines?.node;
    assert.ok(engines, "engines.node is missing");
    assert.equal(testedNodeRed().length, 2, "tools/nr5 (Node-RED 5) is not installed: npm test installs it before the first pass");
    const newest = testedNodeRed().sort((a, b) => compare(parseVersion(b.version), parseVersion(a.version)))[0];
    assert.ok(satisfies(minVersion(newest.engines), engines), `Node ${minVersion(newest.engines)} (Node-RED ${newest.version}) is outside ${engines}`);
    assert.ok(satisfies(process.version, engines));
  });

  it("D01 has at most six runtime dependencies, and node-red is not one of them", () => {
    const deps = Object.keys(pkg.dependencies ?? {});
    assert.ok(deps.length <= 6, `${deps.length} dependencies: ${deps.join(", ")}`);
    assert.ok(!deps.includes("node-red"));
  });

  it("publishes the built nodes, their editor resources, the examples, README and LICENSE and nothing of the simulators or tests", () => {
    assert.deepEqual([...(pkg.files ?? [])].sort(), ["LICENSE", "README.md", "dist/src/", "examples/", "resources/"]);
    assert.ok(fs.existsSync(path.join(root, "README.md")));
  });

  const nodeFiles = Object.entries(pkg["node-red"].nodes);
  const editor = nodeFiles.map(([set, js]) => {
    const htmlFile = path.join(root, js.replace(/\.js$/, ".html"));
    return { set, js: path.join(root, js), htmlFile, types: fs.existsSync(htmlFile) ? registeredTypes(fs.readFileSync(htmlFile, "utf8"), htmlFile) : [] };
  });

  it("every node set has its compiled runtime, its editor file beside it, and its en-US messages", () => {
    assert.ok(nodeFiles.length >= 7);
    for (const e of editor) {
      assert.ok(fs.existsSync(e.js), `${e.set}: ${e.js} missing (build first)`);
      assert.ok(fs.existsSync(e.htmlFile), `${e.set}: editor file missing`);
      assert.ok(fs.existsSync(path.join(path.dirname(e.js), "locales", "en-US", `${e.set}.json`)), `${e.set}: locales/en-US/${e.set}.json missing`);
    }
  });

  it("each editor file registers its type with literal category, color, icon, inputs and outputs", () => {
    for (const e of editor) {
      assert.deepEqual(
        e.types.map((t) => t.type),
        [e.set],
        `${e.set}: registers ${e.types.map((t) => t.type).join(", ")}`,
      );
      const def = e.types[0].def;
      assert.equal(typeof def.category, "string", `${e.set}: category not literal`);
      assert.equal(def.defaults, "<ObjectExpression>", `${e.set}: defaults not an object literal`);
      if (def.category === "config") continue;
      for (const key of ["color", "icon"]) assert.equal(typeof def[key], "string", `${e.set}: ${key} not a string literal`);
      for (const key of ["inputs", "outputs"]) assert.equal(typeof def[key], "number", `${e.set}: ${key} not a number literal`);
      assert.ok(fs.existsSync(path.join(path.dirname(e.js), "icons", String(def.icon))), `${e.set}: icon ${String(def.icon)} missing`);
    }
  });

  /**
   * A node set's help, as Node-RED and the Flow Library find it: in the editor file, else in
   * locales/en-US/<set>.html beside it (Node-RED's fallback language); each other language's
   * locales/<lang>/<set>.html is the help in that language.
   */
  const helpOf = (e: (typeof editor)[number], html: string) =>
    new RegExp(`<script type="text/html" data-help-name="${e.set}">\\s*<p>([^<]{20,})</p>`).exec(html);

  it("every node set has help for its type, in its editor file or in locales/en-US, whose first paragraph is the palette tooltip; so has each other language's help file", () => {
    const locales = path.join(path.dirname(editor[0].js), "locales");
    const langs = fs.readdirSync(locales).filter((l) => l !== "en-US" && fs.statSync(path.join(locales, l)).isDirectory());
    assert.ok(langs.includes("nl"), `languages: ${langs.join(", ")}`);
    for (const e of editor) {
      const localeHelp = path.join(path.dirname(e.js), "locales", "en-US", `${e.set}.html`);
      const html = fs.readFileSync(e.htmlFile, "utf8") + (fs.existsSync(localeHelp) ? fs.readFileSync(localeHelp, "utf8") : "");
      assert.ok(helpOf(e, html), `${e.set}: no help, or its first paragraph is missing or too short`);
      for (const lang of langs) {
        const file = path.join(locales, lang, `${e.set}.html`);
        if (!fs.existsSync(file)) continue;
        assert.ok(helpOf(e, fs.readFileSync(file, "utf8")), `${e.set}: locales/${lang} help has no help for the type, or its first paragraph is missing or too short`);
      }
    }
  });

  it("N02 every non-config node type is used in an example flow", () => {
    const examplesDir = path.join(root, "examples");
    const used = new Set<string>();
    for (const f of fs.readdirSync(examplesDir).filter((x) => x.endsWith(".json"))) {
      for (const n of JSON.parse(fs.readFileSync(path.join(examplesDir, f), "utf8")) as Array<{ type: string }>) used.add(n.type);
    }
    const flowTypes = editor.filter((e) => e.types[0]?.def.category !== "config").map((e) => e.set);
    assert.ok(flowTypes.length >= 5);
    for (const t of flowTypes) assert.ok(used.has(t), `${t} is in no example`);
  });
});
