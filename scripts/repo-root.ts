/**
 * The repository's root directory, the same whether the code runs from its TypeScript sources
 * (the fast test loop, scripts/ts-register.js) or from the build in dist/: the nearest directory
 * above this file that holds package.json (dist/ holds none).
 */
import fs from "node:fs";
import path from "node:path";

export function rootAbove(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) throw new Error(`no package.json above ${dir}`);
  }
}

export const ROOT = rootAbove(__dirname);
