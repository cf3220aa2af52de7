/**
 * The built package's Koppeling sidebar catalogue: dist/src/nodes/locales/en-US/koppeling-sidebar.json
 * (published with dist/src/) is the source with every error code's reason and action generated
 * from src/error-codes.ts (scripts/build.js, scripts/sidebar-catalogue.ts), and the Dutch one
 * beside it explains the same codes.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ERROR_CODES } from "../../src/error-codes";
import { builtSidebarCatalogue, type Tree } from "../../scripts/sidebar-catalogue";

const root = path.resolve(__dirname, "..", "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { files: string[] };
const read = (...p: string[]) => JSON.parse(fs.readFileSync(path.join(root, ...p), "utf8")) as Tree;

describe("package: the Koppeling sidebar's catalogue as built", () => {
  it("the published en-US catalogue has every error code's texts from the error catalogue; the nl one the same codes", () => {
    assert.ok(pkg.files.includes("dist/src/"), "dist/src/ is published");
    const built = read("dist", "src", "nodes", "locales", "en-US", "koppeling-sidebar.json");
    assert.deepEqual(built, builtSidebarCatalogue(read("nodes", "locales", "en-US", "koppeling-sidebar.json")));
    const codes = Object.keys(built.codes as Tree);
    assert.ok(ERROR_CODES.every((c) => codes.includes(c)), "every catalogued code");
    assert.deepEqual(Object.keys(read("dist", "src", "nodes", "locales", "nl", "koppeling-sidebar.json").codes as Tree).sort(), codes.sort());
  });
});
