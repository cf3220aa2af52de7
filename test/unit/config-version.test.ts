/** Versions and migrations of the nodes' settings (src/nodes/config-version.ts). */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../scripts/repo-root";
import { MIGRATIONS, type Migration, currentVersion, migrateConfig } from "../../src/nodes/config-version";

/** A made-up history: version 2 renamed `days` to `horizonDays`, version 3 turned it into a number. */
const history: Record<string, readonly Migration[]> = {
  "x-node": [
    { to: 1, up: (d) => ({ ...d }) },
    {
      to: 2,
      up: ({ days, ...rest }) => ({ ...rest, horizonDays: days }),
    },
    { to: 3, up: (d) => ({ ...d, horizonDays: Number(d.horizonDays ?? 90) }) },
  ],
};

describe("unit: node settings versions and migrations", () => {
  it("brings settings saved before versions, or by an older version, to the current one step by step", () => {
    const saved = { id: "n1", days: "60" };
    const m = migrateConfig("x-node", saved, history);
    assert.deepEqual(m, { def: { id: "n1", horizonDays: 60, version: 3 }, from: 0, to: 3, tooNew: false });
    assert.deepEqual(saved, { id: "n1", days: "60" }, "the saved settings are left as they are");
    assert.deepEqual(migrateConfig("x-node", { horizonDays: "30", version: 2 }, history).def, { horizonDays: 30, version: 3 });
    assert.deepEqual(migrateConfig("x-node", { horizonDays: 7, version: "3" }, history).def, { horizonDays: 7, version: 3 }, "a version saved as text counts");
  });

  it("does not read settings of a newer version as if they were current", () => {
    const m = migrateConfig("x-node", { version: 4, horizonDays: "soon" }, history);
    assert.deepEqual([m.tooNew, m.from, m.to, m.def.horizonDays], [true, 4, 3, "soon"]);
  });

  it("a type without migrations is at version 0; every node type of the package has its history", () => {
    assert.equal(currentVersion("unknown-node", history), 0);
    for (const [type, steps] of Object.entries(MIGRATIONS)) {
      assert.deepEqual(steps.map((s) => s.to), steps.map((_, i) => i + 1), `${type}: versions 1, 2, … in order`);
      assert.equal(migrateConfig(type, { name: "a" }).def.version, currentVersion(type));
    }
  });

  it("the example flow's nodes of this package carry their current version (not read as settings of 0.1)", () => {
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, "examples", "CCV Shop to SnelStart.json"), "utf8")) as Array<{ type: string; version?: number }>;
    const ours = example.filter((n) => n.type in MIGRATIONS);
    assert.ok(ours.length >= Object.keys(MIGRATIONS).length);
    assert.deepEqual(ours.filter((n) => n.version !== currentVersion(n.type)).map((n) => n.type), []);
  });
});
