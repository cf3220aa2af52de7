// Runs the TypeScript sources without a build: `require` of a .ts file transpiles it with
// TypeScript's own `transpileModule` and the compiler options of tsconfig.json. Transpile only:
// there is no type check here (the build, `tsc`, and the lint do that), and tsconfig's
// `isolatedModules` makes tsc refuse what a file-by-file transpile would get wrong.
//
//   node -r ./scripts/ts-register.js some.ts      mocha --require scripts/ts-register.js x.test.ts
//
// The output is cached on disk (.tmp/ts-cache/) under a hash of the file's path and content,
// TypeScript's version, tsconfig.json and this file: a run whose sources have not changed
// does not even load TypeScript. Each output carries an inline source map and source maps are
// switched on, so stack traces point into the .ts files.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const root = path.resolve(__dirname, "..");
const tsconfigFile = path.join(root, "tsconfig.json");
const cacheDir = path.join(root, ".tmp", "ts-cache");

/** What every cached output depends on besides its own file. */
const salt = [
  fs.readFileSync(path.join(__dirname, "ts-register.js"), "utf8"),
  require("typescript/package.json").version,
  fs.readFileSync(tsconfigFile, "utf8"),
].join("\0");

let compilerOptions;
let ts;
/** TypeScript and tsconfig's options, loaded on the first cache miss only. */
function compiler() {
  if (!ts) {
    ts = require("typescript");
    const read = ts.readConfigFile(tsconfigFile, ts.sys.readFile);
    if (read.error) throw new Error(`ts-register: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, tsconfigFile);
    // Without outDir and rootDir the source map names the .ts file next to the output.
    compilerOptions = {
      ...parsed.options,
      outDir: undefined,
      rootDir: undefined,
      sourceRoot: undefined,
      mapRoot: undefined,
      module: ts.ModuleKind.CommonJS,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: false,
      declaration: false,
      declarationMap: false,
      noEmit: false,
    };
  }
  return ts;
}

function transpile(source, filename) {
  const out = compiler().transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: true });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors
      .map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
        const at = where ? `${filename}:${where.line + 1}:${where.character + 1}` : filename;
        return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      })
      .join("\n");
    throw new SyntaxError(`ts-register: cannot transpile\n${text}`);
  }
  return out.outputText;
}

function compiled(filename) {
  const source = fs.readFileSync(filename, "utf8");
  const key = crypto.createHash("sha256").update(salt).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    /* not cached yet */
  }
  const js = transpile(source, filename);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed: a concurrent run reads either nothing or the whole file.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, js);
    fs.renameSync(tmp, cached);
  } catch {
    /* a read-only checkout: transpile again next time */
  }
  return js;
}

process.setSourceMapsEnabled(true);

// Node.js 22.18 and later strip types from .ts files themselves; that knows neither tsconfig nor
// extension-less imports of .ts files. This loader replaces it.
Module._extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(compiled(filename), filename);
};
