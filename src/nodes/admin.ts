/**
 * Helpers for the editor's admin routes under `/ccv-snelstart/…`: they take the form values a
 * dialog posts (also before the first deploy), fall back to the stored secret where the editor
 * sends its `__PWRD__` placeholder, and answer `{ok:true, …}` or `{ok:false, code, message}`.
 */
import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { asKoppelingError } from "./shared";

/** The editor's placeholder for "a password is stored, not shown". */
export const STORED_SECRET = "__PWRD__";

/** Resolves `${NAME}` the way the runtime does for credential fields. */
function envValue(value: string): string {
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value.trim());
  return m ? (process.env[m[1]] ?? "") : value;
}

/**
 * Credentials for a test or lookup: the posted value, unless it is empty or `__PWRD__`, then
 * the deployed node's (env already substituted), then the stored ones.
 */
export function resolveCredentials<K extends string>(RED: NodeAPI, id: unknown, posted: Record<string, unknown>, names: readonly K[]): Record<K, string> {
  const nodeId = typeof id === "string" ? id : "";
  const deployed = nodeId ? (RED.nodes.getNode(nodeId) as unknown as { credentials?: Record<string, string> } | null) : null;
  const stored = nodeId ? ((RED.nodes.getCredentials(nodeId) as Record<string, string> | undefined) ?? {}) : {};
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = posted[name];
    if (typeof value === "string" && value !== "" && value !== STORED_SECRET) out[name] = envValue(value);
    else out[name] = deployed?.credentials?.[name] ?? envValue(stored[name] ?? "");
  }
  return out;
}

/** The posted value of a plain (non-secret) field, else the deployed node's. */
export function resolveSetting(RED: NodeAPI, id: unknown, posted: Record<string, unknown>, name: string): string {
  const value = posted[name];
  if (typeof value === "string" && value.trim() !== "") return envValue(value.trim());
  const nodeId = typeof id === "string" ? id : "";
  const deployed = nodeId ? (RED.nodes.getNode(nodeId) as unknown as Record<string, unknown> | null) : null;
  const v = deployed?.[name];
  return typeof v === "string" ? v : "";
}

/** Runs an admin lookup and answers JSON; errors become `{ok:false, code, message}` with HTTP 200 so the dialog can show them. */
export function answer(res: Response, work: () => Promise<Record<string, unknown>>): void {
  work().then(
    (body) => res.json({ ok: true, ...body }),
    (err: unknown) => {
      const e = asKoppelingError(err);
      res.json({ ok: false, code: e.code, message: e.message });
    },
  );
}

export function body(req: Request): Record<string, unknown> {
  return req.body && typeof req.body === "object" ? (req.body as Record<string, unknown>) : {};
}

const registered = new WeakMap<object, Set<string>>();

/** Registers a POST admin route once per admin app, guarded by `permission`. */
export function adminPost(RED: NodeAPI, path: string, permission: string, handler: (req: Request, res: Response) => void): void {
  const app = RED.httpAdmin as unknown as object;
  const seen = registered.get(app) ?? new Set<string>();
  registered.set(app, seen);
  if (seen.has(path)) return;
  seen.add(path);
  RED.httpAdmin.post(path, RED.auth.needsPermission(permission), handler);
}
