/**
 * The simulators stay independent of the koppeling: they may share the request signing and wire
 * types with it, never its reading or interpretation (schemas, totals, VAT, what is due), or the
 * tests could only agree with themselves.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../scripts/repo-root";

const root = ROOT;
/** What a simulator file may import from src/: signing as code, the wire types of SnelStart as types. */
const ALLOWED_CODE = new Set(["src/ccv/signing"]);
const ALLOWED_TYPES = new Set(["src/ccv/signing", "src/snelstart/schemas"]);

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourcesUnder(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

describe("simulators are independent of the koppeling", () => {
  it("no file under sim/ imports interpretation code from src/ (signing and SnelStart wire types only)", () => {
    const files = sourcesUnder(path.join(root, "sim"));
    assert.ok(files.length > 20, `only ${files.length} simulator files found`);
    const offending: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)) {
        const target = path.relative(root, path.resolve(path.dirname(file), m[2])).split(path.sep).join("/");
        if (!target.startsWith("src/")) continue;
        const allowed = m[1] ? ALLOWED_TYPES : ALLOWED_CODE;
        if (!allowed.has(target)) offending.push(`${path.relative(root, file)} imports ${m[1] ? "types from " : ""}${target}`);
      }
    }
    assert.deepEqual(offending, []);
  });
});
