/**
 * Node-RED's runtime translation (`RED._`) over the package's message catalogues, for tests that
 * run without the Node-RED runtime's i18n (the unit tests, and the node tests: the test helper's
 * `RED._` returns the key). As Node-RED's: a key of the node set's catalogue
 * (`nodes/locales/<lang>/<set>.json`), or `<module>/<set>:<key>` of another set; `__name__`
 * filled in from the parameters; a key the language lacks falls back to en-US; an unknown key
 * comes back as it is.
 */
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../../scripts/repo-root";
import { builtSidebarCatalogue, type Tree } from "../../../scripts/sidebar-catalogue";
import type { Translate } from "../../../src/nodes/shared";

/** The catalogue of `set` in `lang` as the package ships it (the sidebar's en-US as built: scripts/sidebar-catalogue.ts); null when there is none. */
export function catalogue(set: string, lang: string): Tree | null {
  const file = path.join(ROOT, "nodes", "locales", lang, `${set}.json`);
  if (!fs.existsSync(file)) return null;
  const tree = JSON.parse(fs.readFileSync(file, "utf8")) as Tree;
  return set === "koppeling-sidebar" && lang === "en-US" ? builtSidebarCatalogue(tree) : tree;
}

function lookup(lang: string, set: string, key: string): string | undefined {
  let at: string | Tree | undefined = catalogue(set, lang) ?? undefined;
  for (const part of key.split(".")) at = typeof at === "object" ? at[part] : undefined;
  return typeof at === "string" ? at : undefined;
}

/** `RED._` of the node set `set` (e.g. "ccv-orders-in") in `lang`. */
export function translator(set: string, lang = "en-US"): Translate {
  return (key, params = {}) => {
    const ns = key.includes(":") ? (key.split(":")[0].split("/").pop() ?? set) : set;
    const k = key.includes(":") ? key.slice(key.indexOf(":") + 1) : key;
    const text = lookup(lang, ns, k) ?? lookup("en-US", ns, k);
    // Not found: Node-RED's i18next answers the key without its namespace.
    return text === undefined ? k : text.replace(/__(\w+)__/g, (m: string, name: string) => (name in params ? String(params[name]) : m));
  };
}
