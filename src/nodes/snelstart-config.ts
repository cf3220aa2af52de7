/**
 * `snelstart-config`: one SnelStart administration — subscription key and koppelsleutel
 * (credentials), API and token URLs (production by default), the rate-limit tier. Owns the
 * token cache (inside the client) and the throttle, shared by every node on the administration,
 * and a cache of the administration's reference data (company info, countries, ledgers, rates:
 * ../controllers/administration.ts).
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { AdministrationReference, type ReferenceData, lookups } from "../controllers/administration";
import { KoppelingError } from "../errors";
import { DEFAULT_API_URL, DEFAULT_TOKEN_URL, SnelStartClient } from "../snelstart/client";
import { throttleFor } from "../snelstart/throttle";
import type { VatRates } from "../snelstart/schemas";
import { type AdminRoute, type Target, type TargetSpec, adminRoute } from "./admin";
import { type RateLimitSetting, rateLimitSetting, snelstartThrottleOptions } from "./rate-limits";
import { registerVersioned } from "./shared";

export interface SnelStartConfigDef extends NodeDef {
  apiUrl: string;
  tokenUrl: string;
  tier: "production" | "test";
}

export interface SnelStartCredentials {
  subscriptionKey?: string;
  koppelsleutel?: string;
}

export interface SnelStartConfigNode extends Node<SnelStartCredentials> {
  /** The settings as deployed (the admin routes fall back to them when a dialog leaves a field empty). */
  apiUrl: string;
  tokenUrl: string;
  tier: SnelStartConfigDef["tier"];
  client(): SnelStartClient;
  reference(): Promise<ReferenceData>;
  /** A country's OSS rates (ISO-2 code), cached like the reference data. */
  ossRates(iso2: string): Promise<VatRates["vatRates"]>;
}

/**
 * A client on the administration's shared throttle. `rateLimits`: the runtime's setting
 * (./rate-limits); every client of an administration must be made with the same, as the last
 * one made configures the shared throttle.
 */
export function makeSnelStartClient(settings: { apiUrl?: string; tokenUrl?: string; tier?: string }, creds: SnelStartCredentials, rateLimits: RateLimitSetting = "real"): SnelStartClient {
  if (!creds.subscriptionKey || !creds.koppelsleutel) {
    throw new KoppelingError("SNELSTART_CONFIG", "The SnelStart subscription key or koppelsleutel is not set");
  }
  const tier = settings.tier === "test" ? "test" : "production";
  return new SnelStartClient({
    subscriptionKey: creds.subscriptionKey,
    koppelsleutel: creds.koppelsleutel,
    // An empty setting is SnelStart's production address: the client fills it in.
    apiUrl: settings.apiUrl,
    tokenUrl: settings.tokenUrl,
    throttle: throttleFor(creds.koppelsleutel, snelstartThrottleOptions(rateLimits, tier)),
  });
}

type SnelStartTarget = Target<"apiUrl" | "tokenUrl", "subscriptionKey" | "koppelsleutel">;

/** What the admin routes on an administration share: its settings, secrets and the write permission. */
export const SNELSTART_TARGET: Pick<AdminRoute<"apiUrl" | "tokenUrl", "subscriptionKey" | "koppelsleutel">, "spec" | "writePermission"> = {
  spec: {
    type: "snelstart-config",
    code: "SNELSTART_CONFIG",
    urls: ["apiUrl", "tokenUrl"],
    defaults: { apiUrl: DEFAULT_API_URL, tokenUrl: DEFAULT_TOKEN_URL },
    secrets: { subscriptionKey: "subscription key", koppelsleutel: "koppelsleutel" },
    settings: ["tier"],
  } satisfies TargetSpec<"apiUrl" | "tokenUrl", "subscriptionKey" | "koppelsleutel">,
  writePermission: "snelstart-config.write",
};

/** A client for an admin route's target (see admin.ts for which secrets it may use). */
export function targetSnelStartClient(t: SnelStartTarget, rateLimits: RateLimitSetting): SnelStartClient {
  return makeSnelStartClient({ ...t.urls, tier: t.settings.tier }, t.secrets, rateLimits);
}

export default function (RED: NodeAPI): void {
  const rateLimits = rateLimitSetting(RED);

  function SnelStartConfig(this: SnelStartConfigNode, def: SnelStartConfigDef): void {
    RED.nodes.createNode(this, def);
    this.apiUrl = (def.apiUrl ?? "").trim();
    this.tokenUrl = (def.tokenUrl ?? "").trim();
    this.tier = def.tier === "test" ? "test" : "production";
    let client: SnelStartClient | null = null;
    this.client = () => (client ??= makeSnelStartClient(this, this.credentials ?? {}, rateLimits));
    const reference = new AdministrationReference(() => this.client());
    this.reference = reference.reference;
    this.ossRates = (iso2) => reference.ossRates(iso2);
  }

  registerVersioned(RED, "snelstart-config", SnelStartConfig, {
    credentials: { subscriptionKey: { type: "password" }, koppelsleutel: { type: "password" } },
  });

  adminRoute(RED, {
    ...SNELSTART_TARGET,
    path: "/ccv-snelstart/snelstart/test",
    permission: "snelstart-config.write",
    work: async (t) => {
      const r = await targetSnelStartClient(t, rateLimits).testConnection();
      return { administratieNaam: r.administratieNaam, ossEnabled: r.ossEnabled };
    },
  });

  adminRoute(RED, {
    ...SNELSTART_TARGET,
    path: "/ccv-snelstart/snelstart/lookups",
    permission: "snelstart-config.read",
    work: async (t) => lookups(targetSnelStartClient(t, rateLimits)),
  });
}
