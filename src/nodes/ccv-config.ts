/**
 * `ccv-config`: one CCV Shop — its URL, the API public key and secret (credentials), and its
 * sync ledger (a journal in Node-RED's user directory; the context store without one). Owns the
 * shop's API client and ledger.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { CcvClient, shopAddress } from "../ccv/client";
import { KoppelingError } from "../errors";
import { type TargetSpec, adminRoute } from "./admin";
import { LedgerStore, ledgerContextKey } from "./ledger-store";
import { MessageWindow } from "./message-window";
import { type RateLimitSetting, ccvWindowMs, rateLimitSetting } from "./rate-limits";
import { registerVersioned } from "./shared";

export interface CcvConfigDef extends NodeDef {
  shopUrl: string;
  contextStore: string;
}

export interface CcvCredentials {
  publicKey?: string;
  secret?: string;
}

export interface CcvConfigNode extends Node<CcvCredentials> {
  shopUrl: string;
  /** The shop's stable name: the host of its URL (with the port, when not the default). */
  shopId: string;
  ledger: LedgerStore;
  /** The shop's document messages on their way through the flow (bounds a run's pace and memory). */
  window: MessageWindow;
  client(): CcvClient;
}

/** `https://MyShop.ccvshop.nl/` → `myshop.ccvshop.nl`: the host of the address the client calls; a shop URL the client refuses is a CCV_CONFIG error. */
export function shopIdOf(shopUrl: string): string {
  return shopAddress(shopUrl).host;
}

/** `rateLimits`: the runtime's setting (./rate-limits), `real` unless settings.js says otherwise. */
export function makeCcvClient(shopUrl: string, creds: CcvCredentials, rateLimits: RateLimitSetting = "real"): CcvClient {
  if (!shopUrl) throw new KoppelingError("CCV_CONFIG", "The CCV Shop URL is not set");
  if (!creds.publicKey || !creds.secret) throw new KoppelingError("CCV_CONFIG", "The CCV Shop API public key or secret is not set");
  return new CcvClient({ shopUrl, publicKey: creds.publicKey, secret: creds.secret, rateLimitWindowMs: ccvWindowMs(rateLimits) });
}

export default function (RED: NodeAPI): void {
  const rateLimits = rateLimitSetting(RED);

  function CcvConfig(this: CcvConfigNode, def: CcvConfigDef): void {
    RED.nodes.createNode(this, def);
    this.shopUrl = (def.shopUrl ?? "").trim();
    let id = "unconfigured";
    try {
      id = shopIdOf(this.shopUrl);
    } catch (err) {
      this.error((err as Error).message);
    }
    this.shopId = id;
    const userDir = (RED.settings as unknown as { userDir?: unknown }).userDir;
    this.ledger = new LedgerStore(this, ledgerContextKey(id), (def.contextStore ?? "").trim(), typeof userDir === "string" && userDir ? userDir : undefined);
    this.window = new MessageWindow();
    this.on("close", (_removed: boolean, done: () => void) => {
      this.window.clear();
      this.ledger.close().then(done, done);
    });
    let client: CcvClient | null = null;
    this.client = () => (client ??= makeCcvClient(this.shopUrl, this.credentials ?? {}, rateLimits));
  }

  registerVersioned(RED, "ccv-config", CcvConfig, {
    credentials: { publicKey: { type: "text" }, secret: { type: "password" } },
  });

  const spec: TargetSpec<"shopUrl", "publicKey" | "secret"> = {
    type: "ccv-config",
    code: "CCV_CONFIG",
    urls: ["shopUrl"],
    secrets: { publicKey: "API public key", secret: "API secret" },
  };
  const common = { spec, writePermission: "ccv-config.write" } as const;

  adminRoute(RED, {
    ...common,
    path: "/ccv-snelstart/ccv/test",
    permission: "ccv-config.write",
    work: async (t) => {
      const result = await makeCcvClient(t.urls.shopUrl, t.secrets, rateLimits).testConnection();
      return { webshopName: result.webshopName };
    },
  });

  adminRoute(RED, {
    ...common,
    path: "/ccv-snelstart/ccv/statuses",
    permission: "ccv-config.read",
    work: async (t) => {
      const client = makeCcvClient(t.urls.shopUrl, t.secrets, rateLimits);
      const shops = await client.webshops();
      if (shops.length === 0) throw new KoppelingError("CCV_NOT_FOUND", "The API key sees no webshop");
      const settings = await client.webshopSettings(shops[0].id);
      return { statuses: settings.order_status.map((s) => ({ status: s.status, name: s.status_name })) };
    },
  });
}
