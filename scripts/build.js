// Build: compile every TypeScript file with tsc into dist/, then copy the editor side
// (nodes/*.html, nodes/locales, icons/) next to the compiled runtime files in dist/src/nodes/,
// which is where Node-RED looks for them.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist");
const nodesOut = path.join(out, "src", "nodes");

fs.rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], {
  stdio: "inherit",
});
if (tsc.status !== 0) {
  console.error("build: tsc failed");
  process.exit(tsc.status || 1);
}

fs.mkdirSync(nodesOut, { recursive: true });
for (const f of fs.readdirSync(path.join(root, "nodes"))) {
  if (f.endsWith(".html")) fs.copyFileSync(path.join(root, "nodes", f), path.join(nodesOut, f));
}
if (fs.existsSync(path.join(root, "nodes", "locales"))) {
  fs.cpSync(path.join(root, "nodes", "locales"), path.join(nodesOut, "locales"), { recursive: true });
}
fs.cpSync(path.join(root, "icons"), path.join(nodesOut, "icons"), { recursive: true });
