/**
 * The editor side of the settings versions: each node's HTML loads the migrations the build
 * publishes in resources/ and declares the current version as its default, and the published
 * script migrates a node the editor adds (run here in a sandbox with a stand-in RED).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { currentVersion } from "../../src/nodes/config-version";

const root = path.resolve(__dirname, "..", "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; files: string[]; "node-red": { nodes: Record<string, string> } };
const SCRIPT = `resources/${pkg.name}/config-version.js`;

describe("package: node settings versions in the editor", () => {
  it("every node's HTML loads the migrations and defaults to the current version", () => {
    assert.ok(pkg.files.includes("resources/"), "resources/ is published");
    for (const type of Object.keys(pkg["node-red"].nodes)) {
      const html = fs.readFileSync(path.join(root, "nodes", `${type}.html`), "utf8");
      assert.ok(html.includes(`<script src="${SCRIPT}"></script>`), `${type}.html loads ${SCRIPT}`);
      const m = /defaults: \{\s*version: \{ value: (\d+) \}/.exec(html);
      assert.equal(Number(m?.[1]), currentVersion(type), `${type}.html: defaults.version is the current version`);
      assert.ok(currentVersion(type) >= 1, `${type} has migrations`);
    }
  });

  it("the published script migrates a node the editor adds, once, and warns about a newer one", () => {
    const code = fs.readFileSync(path.join(root, "resources", "config-version.js"), "utf8");
    const listeners: Array<(n: unknown) => void> = [];
    const notes: string[] = [];
    const RED = { events: { on: (ev: string, f: (n: unknown) => void) => ev === "nodes:add" && listeners.push(f) }, notify: (text: string) => notes.push(text) };
    const sandbox = { window: {} as Record<string, unknown>, RED };
    vm.runInNewContext(code, sandbox);
    vm.runInNewContext(code, sandbox); // a second node's HTML loads it again
    assert.equal(listeners.length, 1, "listens once");
    const def = { defaults: { version: { value: 1 }, name: { value: "" } } };
    const old: Record<string, unknown> = { type: "ccv-orders-in", _def: def, name: "shop" };
    listeners[0](old);
    assert.equal(old.version, currentVersion("ccv-orders-in"));
    const newer: Record<string, unknown> = { type: "ccv-orders-in", _def: def, version: 99, name: "x" };
    listeners[0](newer);
    assert.equal(newer.version, 99);
    assert.match(notes.join("\n"), /version 99/);
    const other: Record<string, unknown> = { type: "inject", _def: { defaults: {} } };
    listeners[0](other);
    assert.equal(other.version, undefined, "other packages' nodes are left alone");
  });
});
