/**
 * Versions and migrations of the nodes' configurations, as the Home Assistant nodes keep them:
 * every node of this package stores `version` in its configuration, and a configuration saved by
 * an older version of the package is migrated, step by step, before it is read. The runtime
 * migrates when a flow starts (`registerVersioned` in shared.ts), so a deployed flow keeps working
 * after an update; the editor migrates a node as it is added to the workspace — a flow loaded,
 * imported or pasted — (nodes/editor/config-version.js), so what the user edits and deploys is
 * the current shape.
 *
 * This module runs in both places: it imports nothing, and the build wraps its compiled form for
 * the browser (`window.ccvSnelstartConfig`). A change to a node's settings adds a migration here
 * (`to` = the new version, `up` = old shape to new) and raises the node's `defaults.version` to
 * it (a test checks they agree).
 *
 * Version 0 is a configuration saved before versions existed (0.1.x); its shape is version 1's.
 */

export type Config = Record<string, unknown>;

export interface Migration {
  /** The version this step produces; steps run in ascending order from the stored version. */
  to: number;
  /** The configuration in the shape of `to`, from the shape of `to - 1`. Never changes its argument. */
  up(def: Readonly<Config>): Config;
}

const unchanged = (def: Readonly<Config>): Config => ({ ...def });

/** The migrations of each node type: version 0 (saved before versions) has version 1's shape. */
export const MIGRATIONS: Readonly<Record<string, readonly Migration[]>> = {
  "ccv-config": [{ to: 1, up: unchanged }],
  "snelstart-config": [{ to: 1, up: unchanged }],
  "vat-mapping": [{ to: 1, up: unchanged }],
  "ccv-orders-in": [{ to: 1, up: unchanged }],
  "vat-mapper": [{ to: 1, up: unchanged }],
  "snelstart-debtor": [{ to: 1, up: unchanged }],
  "snelstart-invoice": [{ to: 1, up: unchanged }],
  "ccv-snelstart-report": [{ to: 1, up: unchanged }],
  "ccv-snelstart-reconcile": [{ to: 1, up: unchanged }],
};

/** The current version of each node type's configuration: that of its last migration. */
export function currentVersion(type: string, migrations: Readonly<Record<string, readonly Migration[]>> = MIGRATIONS): number {
  const steps = migrations[type] ?? [];
  return steps.length ? steps[steps.length - 1].to : 0;
}

export interface Migrated {
  def: Config;
  /** The version the configuration was saved with (0 when it has none). */
  from: number;
  to: number;
  /** Saved by a newer version of the package than this one: not migrated, not to be read as if it were current. */
  tooNew: boolean;
}

function storedVersion(def: Readonly<Config>): number {
  const v = def.version;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : 0;
}

/** `def` brought to the current version of `type` (a copy; `def` itself is left as it is). */
export function migrateConfig(type: string, def: Readonly<Config>, migrations: Readonly<Record<string, readonly Migration[]>> = MIGRATIONS): Migrated {
  const from = storedVersion(def);
  const to = currentVersion(type, migrations);
  if (from > to) return { def: { ...def }, from, to, tooNew: true };
  let out: Config = { ...def };
  for (const step of migrations[type] ?? []) if (step.to > from) out = step.up(out);
  out.version = to;
  return { def: out, from, to, tooNew: false };
}
