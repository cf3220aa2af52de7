/**
 * What the node files share: the message shapes between the nodes, error normalisation and
 * the status vocabulary. No business rules here.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow, NodeStatus } from "node-red";
import { KoppelingError, isKoppelingError } from "../errors";
import { isUnknownOutcome } from "../http/errors";
import { asLive } from "../live";
import type { DocumentKind } from "../koppeling/document";
import { dueKey } from "../koppeling/due";
import { inRuntimeLanguage } from "./error-language";
import { type LedgerKey, recordFailure } from "../koppeling/sync-ledger";
import type { FlowDef } from "../controllers/reconcile";
import type { CcvConfigNode } from "./ccv-config";
import { type Config, migrateConfig } from "./config-version";
import { noteOutcome } from "./run-log";

/** `msg.ccv`: set by ccv-orders-in, read by every node after it. */
export interface CcvMeta {
  /** The id of the ccv-config node of the shop (its sync ledger). */
  configId: string;
  /** A stable name of the shop: the host of its URL. */
  shopId: string;
  /** The CCV document: an order id, or for `credit-invoice` the CCV invoice id; 0 for a listed document whose id could not be read (it only fails). */
  orderId: number;
  ordernumber: number | null;
  /** `order`: book the order; `cancellation`: credit the booked order; `credit-invoice`: a CCV credit invoice. */
  kind: DocumentKind;
  /** The SnelStart invoice number the original got (cancellations and credit invoices). */
  originalFactuurnummer?: string;
  /** A credit invoice: its order's `create_date`, when the sync ledger keeps it; the credit follows the VAT rules of that day. */
  originalCreated?: string;
  /**
   * A cancellation of an order the ledger does not know as booked (a kill before its outcome was
   * recorded, a lost ledger): snelstart-invoice credits it only if SnelStart holds the original.
   */
  originalUnconfirmed?: boolean;
  /** The document as CCV sent it (`{order, rows}` or `{invoice, rows}`), kept by vat-mapper when it replaces msg.payload. */
  order?: unknown;
}

/** `msg.run`: which run of ccv-orders-in the message belongs to. */
export interface RunMeta {
  id: string;
  /** The ccv-config node whose ledger the run works on. */
  configId: string;
  /**
   * 1-based position of the document in its run, and the number of documents: 1 for a webhook's
   * order; null on a scheduled run's documents (it streams), whose end message (`end`) tells it.
   */
  index: number;
  total: number | null;
  /** The end of a scheduled run: no document (`msg.ccv` absent), `total` documents were sent. */
  end?: true;
  /** What started the run: the schedule (any input), or a webhook / retry for one order. */
  trigger: "schedule" | "webhook";
}

/** `msg.snelstart`: what the SnelStart nodes add. */
export interface SnelStartMeta {
  relatieId?: string;
  relatieCreated?: boolean;
  /** Whether the relatie carries a VAT number (snelstart-debtor); false: vat-mapper books an intra-community supply without ICP. */
  relatieHasVatNumber?: boolean;
  boekingId?: string;
  verkooporderId?: string;
  factuurnummer?: string;
  /** True when the booking already existed (ledger or SnelStart) and nothing new was posted. */
  alreadyBooked?: boolean;
  /** A cancellation whose order SnelStart does not hold: nothing was credited (with alreadyBooked). */
  nothingToCredit?: boolean;
  /** A credit not posted because the order was credited by another document (its ledger key: `credit:<id>` or `cancel:<id>`), with alreadyBooked. */
  creditedBy?: string;
  adopted?: boolean;
  warnings?: string[];
}

export interface KoppelingMessage extends NodeMessageInFlow {
  ccv?: CcvMeta;
  run?: RunMeta;
  snelstart?: SnelStartMeta;
}

/**
 * The message that ends a scheduled run (`msg.run.end`, `msg.run.total` documents, no `msg.ccv`),
 * so that the report node knows when the run is complete. The flow nodes pass it on untouched.
 */
export function isRunEnd(msg: KoppelingMessage): boolean {
  return !msg.ccv && msg.run?.end === true;
}

/** Any thrown value as a KoppelingError with a code, keeping the original as `cause`. */
export function asKoppelingError(err: unknown): KoppelingError {
  if (isKoppelingError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new KoppelingError("UNEXPECTED", message, {}, { cause: err });
}

/**
 * Status texts (docs/design.md#dutch-status-texts-and-error-messages): a text without numbers is
 * the key `<type>.statusText.<name>` of the node's message catalogue, which the editor translates
 * into the user's language (as Node-RED's own nodes do); a text with numbers or ids is rendered
 * here with the runtime's translation (`RED._`, in the runtime's language), since the editor
 * fills in no parameters. Error statuses show the error code, which stays as it is.
 */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** A status text the editor translates: a key of a node's catalogue, shown whole. */
const STATUS_KEY = /^[a-z-]+\.statusText\.\w+$/;

export const status = {
  busy: (text: string): NodeStatus => ({ fill: "yellow", shape: "ring", text }),
  ok: (text: string): NodeStatus => ({ fill: "green", shape: "dot", text }),
  error: (text: string): NodeStatus => ({ fill: "red", shape: "ring", text: text.length > 32 && !STATUS_KEY.test(text) ? `${text.slice(0, 31)}…` : text }),
  idle: (text: string): NodeStatus => ({ fill: "grey", shape: "ring", text }),
  clear: (): NodeStatus => ({}),
};

/** Time as `HH:MM` for statuses such as "booked 12 at 14:05". */
export function clock(d = new Date()): string {
  return d.toTimeString().slice(0, 5);
}

/** The nodes of the deployed flows, as `RED.nodes.eachNode` gives them. */
export function deployedDefs(RED: NodeAPI): FlowDef[] {
  const out: FlowDef[] = [];
  RED.nodes.eachNode((d) => {
    out.push(d as unknown as FlowDef);
  });
  return out;
}

/** The ledger key of the document a message carries. */
export function ledgerKeyOf(ccv: CcvMeta): LedgerKey {
  return dueKey(ccv.kind, ccv.orderId);
}

/** The ccv-config node (shop, ledger) a message belongs to, if it came from ccv-orders-in. */
export function shopOf(RED: NodeAPI, msg: KoppelingMessage): CcvConfigNode | null {
  const id = msg.ccv?.configId ?? msg.run?.configId;
  return id ? (RED.nodes.getNode(id) as CcvConfigNode | null) : null;
}

/**
 * Reports a per-message failure the Node-RED way: records it in the shop's sync ledger (for the
 * retry and the alert: its code, not its message, which can name the customer), sets the status,
 * then done(err) so a Catch node sees `msg.error.code` and the message (in the runtime's language: error-language.ts).
 */
export function failMessage(RED: NodeAPI, node: Node, msg: KoppelingMessage, err: unknown, done: (err?: Error) => void): void {
  const original = asKoppelingError(err);
  const e = inRuntimeLanguage(RED._, original);
  node.status(status.error(e.code));
  const shop = shopOf(RED, msg);
  shop?.window.leave(msg._msgid);
  noteOutcome(RED, shop, msg, "failed");
  if (!shop || !msg.ccv) {
    done(e);
    return;
  }
  const info = { ordernumber: msg.ccv.ordernumber, stage: node.type, code: e.code, runId: msg.run?.id ?? "", unknownOutcome: isUnknownOutcome(original) };
  shop.ledger
    .update((l) => recordFailure(l, ledgerKeyOf(msg.ccv as CcvMeta), info, new Date()))
    .catch((storeErr: Error) => node.warn(storeErr.message))
    .finally(() => done(e));
}

/**
 * The input handler every flow node after ccv-orders-in has: the end-of-run marker passes on
 * untouched; otherwise `work` handles the message (changing it in place) and returns the node's
 * status, and the message is sent, or its failure is recorded (failMessage) and reaches a Catch
 * node. A webhook's message is live work (../live.ts: the API clients let it ahead of an import).
 * The `last` node of the chain (snelstart-invoice) lets the message out of the shop's message
 * window when it is done.
 *
 * On close (redeploy, shutdown) `close` lets the work in progress finish its step; then the
 * status is cleared and Node-RED is told the node is done. A message that arrives meanwhile, or
 * whose work ends meanwhile in an error, is dropped without a failure in the ledger: Node-RED drops
 * the messages in a stopping flow, and the next run books the document.
 */
export function onOrderMessage(
  RED: NodeAPI,
  node: Node,
  work: (msg: KoppelingMessage) => Promise<NodeStatus | void>,
  opts: { last?: boolean; close?: () => Promise<void> } = {},
): void {
  let closing = false;
  node.on("close", (_removed: boolean, done: () => void) => {
    closing = true;
    (opts.close ? opts.close() : Promise.resolve())
      .catch((err: Error) => node.warn(err.message))
      .finally(() => {
        node.status(status.clear());
        done();
      });
  });
  node.on("input", (msg: KoppelingMessage, send, done) => {
    if (isRunEnd(msg)) {
      send(msg);
      done();
      return;
    }
    if (closing) {
      done();
      return;
    }
    (msg.run?.trigger === "webhook" ? asLive(() => work(msg)) : work(msg)).then(
      (shown) => {
        if (opts.last) {
          const shop = shopOf(RED, msg);
          shop?.window.leave(msg._msgid);
          noteOutcome(RED, shop, msg, msg.snelstart?.alreadyBooked ? "skipped" : "booked");
        }
        if (shown && !closing) node.status(shown);
        send(msg);
        done();
      },
      (err: unknown) => {
        if (!closing) failMessage(RED, node, msg, err, done);
        else done();
      },
    );
  });
}

/** `migrated` with the properties Node-RED hides on a node's configuration (its flow, not enumerable), which a copy loses. */
function withHiddenOf(def: object, migrated: Config): Config {
  for (const k of Object.getOwnPropertyNames(def)) {
    const d = Object.getOwnPropertyDescriptor(def, k);
    if (d && !d.enumerable) Object.defineProperty(migrated, k, d);
  }
  return migrated;
}

/**
 * Registers a node type whose configuration is versioned (config-version.ts): the constructor
 * gets the configuration migrated to the current version. One saved by a newer package version
 * is not read: the node reports CONFIG_TOO_NEW and does nothing.
 */
export function registerVersioned<T extends Node, D extends NodeDef>(RED: NodeAPI, type: string, ctor: (this: T, def: D) => void, opts?: Parameters<NodeAPI["nodes"]["registerType"]>[2]): void {
  function Versioned(this: T, def: D): void {
    const m = migrateConfig(type, def as unknown as Config);
    if (!m.tooNew) {
      ctor.call(this, withHiddenOf(def, m.def) as unknown as D);
      return;
    }
    RED.nodes.createNode(this, def);
    const err = new KoppelingError("CONFIG_TOO_NEW", `${type}: its settings are of version ${m.from}, saved by a newer version of this package; this one reads up to version ${m.to}. Update the package, or check the node's settings and deploy again.`, { from: m.from, to: m.to });
    this.error(`${err.code}: ${inRuntimeLanguage(RED._, err).message}`);
    this.status(status.error(err.code));
  }
  RED.nodes.registerType(type, Versioned as unknown as Parameters<NodeAPI["nodes"]["registerType"]>[1], opts);
}
