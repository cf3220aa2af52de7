/**
 * The Koppeling sidebar's runtime half: a Node-RED plugin (package.json `node-red.plugins`; the
 * editor half is koppeling-sidebar.html) with the admin routes the sidebar reads, per deployed
 * shop (ccv-config node):
 *
 *   GET  /ccv-snelstart/koppeling/shops                    the shops, their ccv-orders-in and ccv-snelstart-reconcile nodes
 *   GET  /ccv-snelstart/koppeling/:config/runs             the last runs (run-log.ts)
 *   GET  /ccv-snelstart/koppeling/:config/attention        failed documents, outcome unknown
 *   GET  /ccv-snelstart/koppeling/:config/orders/:number   what the ledger knows of one order number
 *   POST /ccv-snelstart/koppeling/:config/run              "Run now": a run of the shop's ccv-orders-in
 *   POST /ccv-snelstart/koppeling/:config/retry            "Retry this order": {key: "order:<id>"}
 *   POST /ccv-snelstart/koppeling/:config/retry-failed     "Retry all failed" (at most RETRY_ALL_MAX)
 *
 * Reading needs the permission `ccv-snelstart.read` (any editor user with read access has it),
 * the buttons `ccv-snelstart.write`. The answers hold what the sync ledger and the run log hold:
 * order, invoice and SnelStart numbers, counts, codes and times; never a customer or a message.
 * Errors answer `{ok:false, code, message}` (HTTP 200, as the dialogs' routes in admin.ts).
 * The buttons send ccv-orders-in the message its own inputs take (`msg.topic` "retry" with
 * `msg.payload.id`; any other message runs), with `msg.trigger` "manual" for the run log.
 * The sidebar's "Controle" asks a shop's ccv-snelstart-reconcile node through that node's own
 * routes (./reconcile-routes.ts, permission `ccv-snelstart-reconcile.read`).
 */
import type { Node, NodeAPI } from "node-red";
import type { NextFunction, Request, Response } from "express";
import { KoppelingError } from "../errors";
import { lookupOrder, needsAttention } from "../koppeling/ledger-views";
import { parseLedgerKey } from "../koppeling/sync-ledger";
import type { CcvConfigNode } from "./ccv-config";
import { FULL_SYNC, RETRY, scheduledRunGoing } from "../koppeling/run-history";
import { runLogOf } from "./run-log";
import { deployedDefs } from "./shared";
import type { FlowDef } from "../controllers/reconcile";
import { answer, body } from "./admin";

export const READ_PERMISSION = "ccv-snelstart.read";
export const WRITE_PERMISSION = "ccv-snelstart.write";
const BASE = "/ccv-snelstart/koppeling";
/** "Retry all failed" retries at most this many orders per press (they run side by side, each its own run). */
export const RETRY_ALL_MAX = 100;

type Receiver = Node & { receive(msg: unknown): void };

/** The deployed ccv-config node `id`, else a CCV_CONFIG error. */
function shopOf(RED: NodeAPI, id: unknown): CcvConfigNode {
  const node = typeof id === "string" ? (RED.nodes.getNode(id) as unknown as CcvConfigNode | null) : null;
  if (!node || node.type !== "ccv-config") throw new KoppelingError("CCV_CONFIG", `No deployed CCV Shop (ccv-config) with id ${String(id)}: deploy it first`);
  return node;
}

/** The running ccv-orders-in nodes of shop `configId` (disabled ones are not running). */
function ordersInOf(RED: NodeAPI, configId: string): Array<{ def: FlowDef; node: Receiver }> {
  return deployedDefs(RED)
    .filter((d) => d.type === "ccv-orders-in" && d.ccv === configId)
    .map((def) => ({ def, node: RED.nodes.getNode(def.id) as Receiver | null }))
    .filter((x): x is { def: FlowDef; node: Receiver } => x.node !== null);
}

/** The running ccv-snelstart-reconcile nodes of shop `configId`: the sidebar's Controle asks them. */
function reconcilersOf(RED: NodeAPI, configId: string): Array<{ id: string; name: string }> {
  return deployedDefs(RED)
    .filter((d) => d.type === "ccv-snelstart-reconcile" && d.ccv === configId && RED.nodes.getNode(d.id) !== null)
    .map((d) => ({ id: d.id, name: String(d.name ?? "") }));
}

/** The ccv-orders-in node the buttons of shop `configId` send to: the one named, else the first. */
function receiverOf(RED: NodeAPI, configId: string, nodeId: unknown): Receiver {
  const all = ordersInOf(RED, configId);
  const chosen = typeof nodeId === "string" && nodeId ? all.find((x) => x.def.id === nodeId) : all[0];
  if (!chosen) throw new KoppelingError("CCV_CONFIG", "No running ccv-orders-in node uses this CCV Shop: add one to a flow (or enable it) and deploy");
  return chosen.node;
}

/** A ledger key ccv-orders-in can retry (`order:<id>`, `cancel:<id>`): the order id. */
function retryId(key: unknown): number {
  const k = typeof key === "string" ? parseLedgerKey(key) : null;
  if (!k || k.kind === "credit" || k.id <= 0) throw new KoppelingError("SIDEBAR_REQUEST_INVALID", `${JSON.stringify(key)} is not an order the koppeling can retry (order:<CCV order id> or cancel:<CCV order id>)`);
  return k.id;
}

const registered = new WeakSet<object>();

/** Registers the sidebar's routes on the admin app (once per app). */
export function sidebarRoutes(RED: NodeAPI): void {
  const app = RED.httpAdmin as unknown as object;
  if (registered.has(app)) return;
  registered.add(app);
  const read = RED.auth.needsPermission(READ_PERMISSION);
  const write = RED.auth.needsPermission(WRITE_PERMISSION);
  const get = (route: string, work: (req: Request) => Promise<Record<string, unknown>>) => RED.httpAdmin.get(`${BASE}${route}`, read, (req: Request, res: Response) => answer(res, () => work(req)));
  const post = (route: string, work: (req: Request) => Promise<Record<string, unknown>>) =>
    RED.httpAdmin.post(`${BASE}${route}`, write, (req: Request, res: Response, _next: NextFunction) => answer(res, () => work(req)));

  get("/shops", async () => {
    const all = deployedDefs(RED);
    const shops = [];
    for (const d of all.filter((x) => x.type === "ccv-config")) {
      const shop = RED.nodes.getNode(d.id) as unknown as CcvConfigNode | null;
      if (!shop) continue;
      shops.push({
        id: d.id,
        name: d.name || shop.shopId,
        shopId: shop.shopId,
        ordersIn: ordersInOf(RED, d.id).map((x) => ({ id: x.def.id, name: x.def.name || "" })),
        reconcile: reconcilersOf(RED, d.id),
      });
    }
    return { shops };
  });

  get("/:config/runs", async (req) => {
    const shop = shopOf(RED, req.params.config);
    const limit = Math.min(500, Math.max(1, Math.floor(Number(req.query.limit)) || 500));
    return { configId: shop.id, runs: await runLogOf(RED, shop).views(limit) };
  });

  get("/:config/attention", async (req) => {
    const shop = shopOf(RED, req.params.config);
    return { configId: shop.id, ...(await shop.ledger.read((l) => needsAttention(l, new Date()))) };
  });

  get("/:config/orders/:number", async (req) => {
    const shop = shopOf(RED, req.params.config);
    const n = Number(req.params.number);
    if (!/^\d{1,15}$/.test(String(req.params.number)) || !Number.isSafeInteger(n)) throw new KoppelingError("SIDEBAR_REQUEST_INVALID", `${JSON.stringify(req.params.number)} is not an order number`);
    return { configId: shop.id, ...(await shop.ledger.read((l) => lookupOrder(l, n, new Date()))) };
  });

  post("/:config/run", async (req) => {
    const shop = shopOf(RED, req.params.config);
    const posted = body(req);
    const node = receiverOf(RED, shop.id, posted.node);
    if (scheduledRunGoing(await runLogOf(RED, shop).views(20))) return { started: false, busy: true, node: node.id };
    node.receive({ topic: posted.full === true ? FULL_SYNC : "", payload: Date.now(), trigger: "manual" });
    return { started: true, busy: false, node: node.id };
  });

  post("/:config/retry", async (req) => {
    const shop = shopOf(RED, req.params.config);
    const posted = body(req);
    const id = retryId(posted.key);
    const key = String(posted.key);
    const known = await shop.ledger.read((l) => key in l.failed || key in l.intents || key in l.pending);
    if (!known) throw new KoppelingError("RETRY_NOT_FAILED", `${key} is not failed, waiting or being posted: nothing to retry`);
    const node = receiverOf(RED, shop.id, posted.node);
    node.receive({ topic: RETRY, payload: { id }, trigger: "manual" });
    return { retried: 1, node: node.id };
  });

  post("/:config/retry-failed", async (req) => {
    const shop = shopOf(RED, req.params.config);
    const node = receiverOf(RED, shop.id, body(req).node);
    const { failed } = await shop.ledger.read((l) => needsAttention(l, new Date(), Number.MAX_SAFE_INTEGER));
    const ids = [...new Set(failed.filter((f) => f.retry).map((f) => f.id))];
    const now = ids.slice(0, RETRY_ALL_MAX);
    for (const id of now) node.receive({ topic: RETRY, payload: { id }, trigger: "manual" });
    return { retried: now.length, total: ids.length, node: node.id };
  });
}

export default function (RED: NodeAPI): void {
  RED.plugins.registerPlugin("koppeling-sidebar", { type: "ccv-snelstart-sidebar" });
  sidebarRoutes(RED);
}
