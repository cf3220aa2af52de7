/**
 * `ccv-config`: one CCV Shop — its URL, the API public key and secret (credentials), and the
 * context store that keeps the shop's sync ledger. Owns the shop's API client and ledger.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { CcvClient } from "../ccv/client";
import { KoppelingError } from "../errors";
import { adminPost, answer, body, resolveCredentials, resolveSetting } from "./admin";
import { LedgerStore, ledgerContextKey } from "./ledger-store";

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
  client(): CcvClient;
}

/** `https://MyShop.ccvshop.nl/` → `myshop.ccvshop.nl`; a URL that does not parse is a CCV_CONFIG error. */
export function shopIdOf(shopUrl: string): string {
  try {
    return new URL(shopUrl).host.toLowerCase();
  } catch {
    throw new KoppelingError("CCV_CONFIG", `The shop URL "${shopUrl}" is not a URL; use the address of the shop, e.g. https://myshop.ccvshop.nl`);
  }
}

export function makeCcvClient(shopUrl: string, creds: CcvCredentials): CcvClient {
  if (!shopUrl) throw new KoppelingError("CCV_CONFIG", "The CCV Shop URL is not set");
  if (!creds.publicKey || !creds.secret) throw new KoppelingError("CCV_CONFIG", "The CCV Shop API public key or secret is not set");
  shopIdOf(shopUrl);
  return new CcvClient({ shopUrl, publicKey: creds.publicKey, secret: creds.secret });
}

export default function (RED: NodeAPI): void {
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
    this.ledger = new LedgerStore(this, ledgerContextKey(id), (def.contextStore ?? "").trim());
    let client: CcvClient | null = null;
    this.client = () => (client ??= makeCcvClient(this.shopUrl, this.credentials ?? {}));
  }

  RED.nodes.registerType<CcvConfigNode, CcvConfigDef, Record<string, never>, CcvCredentials>("ccv-config", CcvConfig, {
    credentials: { publicKey: { type: "text" }, secret: { type: "password" } },
  });

  const clientFor = (posted: Record<string, unknown>) => {
    const creds = resolveCredentials(RED, posted.id, posted, ["publicKey", "secret"] as const);
    return makeCcvClient(resolveSetting(RED, posted.id, posted, "shopUrl"), creds);
  };

  adminPost(RED, "/ccv-snelstart/ccv/test", "ccv-config.write", (req, res) =>
    answer(res, async () => {
      const result = await clientFor(body(req)).testConnection();
      return { webshopName: result.webshopName };
    }),
  );

  adminPost(RED, "/ccv-snelstart/ccv/statuses", "ccv-config.read", (req, res) =>
    answer(res, async () => {
      const client = clientFor(body(req));
      const shops = await client.webshops();
      if (shops.length === 0) throw new KoppelingError("CCV_NOT_FOUND", "The API key sees no webshop");
      const settings = await client.webshopSettings(shops[0].id);
      return { statuses: settings.order_status.map((s) => ({ status: s.status, name: s.status_name })) };
    }),
  );
}
