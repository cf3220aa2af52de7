/**
 * The editor's admin routes under `/ccv-snelstart/…`: they take the form values a dialog posts
 * (also before the first deploy) and answer `{ok:true, …}` or `{ok:false, code, message}`.
 *
 * A stored secret follows its address. A request either uses the deployed configuration node as
 * it is (its stored URLs, and for a secret left empty or sent as the editor's `__PWRD__`, its
 * stored secret), or brings every secret it needs literally, and then nothing stored is used.
 * A stored secret is never sent to an address the request names. `${NAME}` in a posted field is
 * never expanded: environment references are resolved only when a node is deployed. A route
 * guarded by a read permission asks for the write permission as soon as the request is not the
 * deployed configuration as it is (another URL, typed-in secrets).
 */
import type { NodeAPI } from "node-red";
import type { NextFunction, Request, Response } from "express";
import { type ErrorCode, KoppelingError } from "../errors";
import { sameAddress } from "../http/url";
import { asKoppelingError } from "./shared";

/** The editor's placeholder for "a password is stored, not shown". */
export const STORED_SECRET = "__PWRD__";

const ENV_REFERENCE = /^\$\{[^}]*\}$/;

/** What a route's target is made of: which config node type lends its settings, which URLs carry which secrets. */
export interface TargetSpec<U extends string, S extends string> {
  /** The configuration node type, e.g. `snelstart-config`. */
  type: string;
  /** Error code for a refused request, e.g. `SNELSTART_CONFIG`. */
  code: ErrorCode;
  /** The addresses the secrets are sent to. */
  urls: readonly U[];
  /** The URL used when the setting is empty (SnelStart's production addresses). */
  defaults?: Partial<Record<U, string>>;
  /** Secret fields (credentials), with the name a message uses for each. */
  secrets: Readonly<Record<S, string>>;
  /** Plain settings without a secret (posted, else deployed), e.g. the rate-limit tier. */
  settings?: readonly string[];
}

export interface Target<U extends string, S extends string> {
  urls: Record<U, string>;
  secrets: Record<S, string>;
  settings: Record<string, string>;
  /** True when the request is the deployed node's configuration as it is. */
  deployedOnly: boolean;
}

type Deployed = Record<string, unknown> & { type?: string; credentials?: Record<string, string> };

/** The deployed node `id` when it is of `type`; another node's secrets are never lent. */
function deployedNode(RED: NodeAPI, id: unknown, type: string): Deployed | null {
  if (typeof id !== "string" || id === "") return null;
  const node = RED.nodes.getNode(id) as unknown as Deployed | null;
  return node && node.type === type ? node : null;
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

/**
 * The URLs, secrets and settings a request may use, by the rules at the top of this file; a
 * `spec.code` error (before any request) when it asks for a stored secret at another address or
 * posts an environment reference.
 */
export function resolveTarget<U extends string, S extends string>(RED: NodeAPI, posted: Record<string, unknown>, spec: TargetSpec<U, S>): Target<U, S> {
  const deployed = deployedNode(RED, posted.id, spec.type);
  const urls = {} as Record<U, string>;
  let urlsStored = deployed !== null;
  let firstChanged = "";
  for (const name of spec.urls) {
    const stored = text(deployed?.[name]) || spec.defaults?.[name] || "";
    const value = text(posted[name]);
    if (ENV_REFERENCE.test(value) && !deployed) {
      throw new KoppelingError(spec.code, `${value} is resolved when the node is deployed; deploy, then test`, { field: name });
    }
    // Empty or an environment reference: the deployed value (env references are resolved at deploy).
    const url = value === "" || ENV_REFERENCE.test(value) ? stored : value;
    urls[name] = url;
    if (!deployed || !sameAddress(url, stored)) {
      urlsStored = false;
      firstChanged ||= url;
    }
  }

  const secrets = {} as Record<S, string>;
  let deployedOnly = urlsStored;
  for (const name of Object.keys(spec.secrets) as S[]) {
    const value = posted[name];
    const stored = deployed?.credentials?.[name] ?? "";
    if (typeof value === "string" && value !== "" && value !== STORED_SECRET) {
      if (ENV_REFERENCE.test(value.trim())) {
        throw new KoppelingError(spec.code, `The ${spec.secrets[name]} ${value.trim()} is resolved when the node is deployed; deploy, then test, or type the value itself`, { field: name });
      }
      secrets[name] = value;
      if (value !== stored) deployedOnly = false;
    } else if (urlsStored) {
      secrets[name] = stored;
    } else if (deployed && stored) {
      throw new KoppelingError(
        spec.code,
        `The stored ${spec.secrets[name]} is only sent to the address it was saved with; to use ${firstChanged || "another address"}, type the ${spec.secrets[name]} again (or deploy first)`,
        { field: name },
      );
    } else {
      secrets[name] = "";
    }
  }

  const settings: Record<string, string> = {};
  for (const name of spec.settings ?? []) settings[name] = text(posted[name]) || text(deployed?.[name]);
  return { urls, secrets, settings, deployedOnly };
}

/** The JSON of a failed request: `{ok:false, code, message}`. */
export function failure(err: unknown): { ok: false; code: string; message: string } {
  const e = asKoppelingError(err);
  return { ok: false, code: e.code, message: e.message };
}

/** Answers JSON; errors (also one thrown at once) become `{ok:false, code, message}` with HTTP 200 so the dialog can show them. */
export function answer(res: Response, work: () => Promise<Record<string, unknown>>): void {
  Promise.resolve()
    .then(work)
    .then(
      (result) => res.json({ ok: true, ...result }),
      (err: unknown) => res.json(failure(err)),
    );
}

export function body(req: Request): Record<string, unknown> {
  return req.body && typeof req.body === "object" ? (req.body as Record<string, unknown>) : {};
}

const registered = new WeakMap<object, Set<string>>();

export interface AdminRoute<U extends string, S extends string> {
  path: string;
  /** Enough for a request that is the deployed configuration as it is, e.g. `vat-mapping.read`. */
  permission: string;
  /** Needed for anything else (another URL, typed-in secrets), e.g. `snelstart-config.write`. */
  writePermission: string;
  spec: TargetSpec<U, S>;
  /** The part of the posted body that names the target (default: the whole body). */
  targetOf?: (posted: Record<string, unknown>) => Record<string, unknown>;
  work: (target: Target<U, S>, posted: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

/**
 * Registers a POST admin route once per admin app. Node-RED's own middleware checks
 * `permission`; the write permission is checked the same way when the request needs it.
 */
export function adminRoute<U extends string, S extends string>(RED: NodeAPI, route: AdminRoute<U, S>): void {
  const app = RED.httpAdmin as unknown as object;
  const seen = registered.get(app) ?? new Set<string>();
  registered.set(app, seen);
  if (seen.has(route.path)) return;
  seen.add(route.path);
  RED.httpAdmin.post(route.path, RED.auth.needsPermission(route.permission), (req: Request, res: Response, next: NextFunction) => {
    const posted = body(req);
    let target: Target<U, S>;
    try {
      target = resolveTarget(RED, route.targetOf ? route.targetOf(posted) : posted, route.spec);
    } catch (err) {
      answer(res, () => Promise.reject(err));
      return;
    }
    const go = () => answer(res, () => route.work(target, posted));
    if (target.deployedOnly || route.writePermission === route.permission) go();
    else RED.auth.needsPermission(route.writePermission)(req, res, (err?: unknown) => (err ? next(err) : go()));
  });
}
