/**
 * `ccv-orders-in`: on any input, fetches the CCV Shop documents that are due and sends one
 * message per document: orders with a selected status (paid only, if set) created since the
 * start date and not yet booked; and, when credit notes are on, booked orders cancelled since,
 * and CCV credit invoices of booked orders. On `msg.payload.id` only that order; with webhooks
 * on, the package's endpoint (webhook-endpoint.ts) hands each checked order id to the node the
 * same way. `msg.topic` "full-sync" runs a full sweep, "retry" retries one order afresh,
 * "register-webhooks" registers the shop's webhooks for this node.
 *
 * This file reads the configuration and hands each input to the controller
 * (../controllers/orders-in.ts: the runs, webhooks, and what close stops); what is due is decided
 * in ../koppeling/due.ts.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { systemClock } from "../clock";
import { OrdersInController } from "../controllers/orders-in";
import { KoppelingError } from "../errors";
import { dueSettings } from "../koppeling/due";
import { inRuntimeLanguage } from "./error-language";
import type { CcvConfigNode } from "./ccv-config";
import { type KoppelingMessage, registerVersioned, status } from "./shared";
import { trackRuns } from "./run-log";
import { openOrderWebhooks } from "./webhook-endpoint";

export interface OrdersInDef extends NodeDef {
  ccv: string;
  /** Selected CCV order statuses (1-14), as numbers or a comma-separated string. */
  statuses: number[] | string;
  paidOnly: boolean;
  /** Start date `YYYY-MM-DD` (Europe/Amsterdam midnight); empty = no lower bound. */
  since: string;
  /** Take orders created before the first run along (the historical import). */
  importExisting: boolean;
  credits: boolean;
  /** Days an unpaid order (or one not yet in a selected status) is re-checked (default 90). */
  horizonDays?: number | string;
  /** Days between full sweeps (default 7). */
  sweepDays?: number | string;
  /** Receive CCV Shop's webhooks at the package's endpoint (token: credential, else CCV_WEBHOOK_TOKEN). */
  webhook?: boolean;
  /** The public base address of this Node-RED, as CCV Shop reaches it (for register-webhooks). */
  publicUrl?: string;
}

export interface OrdersInCredentials {
  webhookToken?: string;
}

export default function (RED: NodeAPI): void {
  function OrdersIn(this: Node<OrdersInCredentials>, def: OrdersInDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const shop = RED.nodes.getNode(def.ccv) as CcvConfigNode | null;
    if (!shop) {
      node.status(status.error("ccv-orders-in.statusText.noShop"));
      node.on("input", (_msg, _send, done) => done(inRuntimeLanguage(RED._, new KoppelingError("CCV_CONFIG", "Select a CCV Shop (ccv-config) in this node"))));
      return;
    }
    node.status(status.idle("ccv-orders-in.statusText.ready"));
    /** The run log of the Koppeling sidebar (run-log.ts). */
    const runs = trackRuns(RED, node, shop);
    const webhooks = def.webhook ? openOrderWebhooks(RED, node, node.credentials?.webhookToken, () => shop.client().webhooks()) : null;
    const controller = new OrdersInController({
      shop: { configId: shop.id, shopId: shop.shopId },
      settings: dueSettings(def),
      client: () => shop.client(),
      ledger: shop.ledger,
      window: shop.window,
      clock: systemClock,
      newId: () => RED.util.generateId(),
      status: (s) => node.status(s),
      t: RED._,
      fail: (err, msg) => {
        runs.failedHere(msg);
        node.error(inRuntimeLanguage(RED._, err), msg);
      },
      warn: (text) => node.warn(text),
      runs,
      webhooks: webhooks && { publicUrl: def.publicUrl, target: webhooks.target, dead: webhooks.dead, forgetKeys: webhooks.forgetKeys },
    });

    node.on("input", (msg: KoppelingMessage, send, done) => {
      void controller.input(msg, send).then((outcome) => {
        if (outcome.ok) return done();
        if (outcome.run) msg.run = outcome.run;
        done(inRuntimeLanguage(RED._, outcome.error));
      });
    });

    // Redeploy or stop: the run in flight stops, timers are cleared, and the ledger's updates are stored before done.
    node.on("close", (_removed: boolean, done: () => void) => {
      webhooks?.remove();
      void controller.close().then(() => {
        node.status(status.clear());
        done();
      });
    });
  }

  registerVersioned(RED, "ccv-orders-in", OrdersIn, {
    credentials: { webhookToken: { type: "password" } },
  });
}
