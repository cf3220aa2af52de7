/**
 * `ccv-orders-in`: on any input, fetches the CCV Shop documents that are due and sends one
 * message per document: orders with a selected status (paid only, if set) created since the
 * start date and not yet booked; and, when credit notes are on, booked orders cancelled since,
 * and CCV credit invoices of booked orders. On `msg.payload.id` only that order; with webhooks
 * on, the package's endpoint (webhook-endpoint.ts) hands each checked order id to the node the
 * same way.
 *
 * What a run lists and what is due is decided in ../koppeling/due.ts: a routine run costs what
 * is new and what is still pending, a full sweep (first run, weekly, `msg.topic` "full-sync")
 * everything since the start. The run streams: a page at a time, and a document is sent only when
 * the shop's message window has room (message-window.ts), so memory does not grow with the shop.
 * The end of a scheduled run is one more message (`msg.run.end`, `msg.run.total` = documents sent)
 * for the report node.
 *
 * A run that fails (CCV unreachable, refused) sends nothing more and ends in done(err); every
 * document that was not booked stays due (pending in the ledger), so the next run retries it.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { Checked, CcvClient } from "../ccv/client";
import type { CcvInvoice, CcvInvoiceHead, CcvOrder, CcvOrderHead } from "../ccv/schemas";
import { WEBHOOK_PATH, type WebhookHashCheck, tokenProblem, webhookHashCheck } from "../ccv/webhook";
import { endsRun } from "../error-codes";
import { KoppelingError } from "../errors";
import { type DueSettings, type RunPlan, CANCELLED, ListingMarks, advanceMarks, cancellationDue, creditInvoiceVerdict, dueSettings, notePending, orderVerdict, planRun, startOf, statusQueries } from "../koppeling/due";
import { type LedgerKey, type LedgerState, clearFailure, ledgerKey, recordFailure, recordRunFailure, recordRunSuccess, recordWebhookNoise } from "../koppeling/sync-ledger";
import { asLive } from "../live";
import { secureUrl } from "../secure-url";
import type { CcvConfigNode } from "./ccv-config";
import { type CcvMeta, type KoppelingMessage, type RunMeta, asKoppelingError, clock, status } from "./shared";
import { addWebhookReceiver, receiversOf, webhookAddress } from "./webhook-endpoint";

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

/** The environment variable that holds the webhook token when the node's credential is empty. */
export const WEBHOOK_TOKEN_ENV = "CCV_WEBHOOK_TOKEN";

/** Webhooks for one order within this time cost one fetch (CCV sends several for one change). */
const WEBHOOK_GATHER_MS = 100;

/**
 * A document that is due, before its rows are fetched: the order or invoice, or, when it does
 * not fit the schema, the error that names it (it fails alone; the run goes on).
 */
interface Due {
  kind: CcvMeta["kind"];
  /** null only for a document whose id could not be read (nothing to record it under). */
  key: LedgerKey | null;
  /** The CCV id (0 when unreadable). */
  id: number;
  ordernumber: number | null;
  originalFactuurnummer?: string;
  /** A cancellation of an order the ledger does not know as booked: credited only if SnelStart holds it. */
  unconfirmed?: boolean;
  doc: { order: CcvOrder } | { invoice: CcvInvoice } | { error: KoppelingError };
}

const KEY_KIND = { order: "order", cancellation: "cancel", "credit-invoice": "credit" } as const;

/** A due document of `kind` from a check: the document itself, or its failure. */
function dueOf(kind: Due["kind"], c: Checked<CcvOrder | CcvInvoice, unknown>, id: number | null, ordernumber: number | null, originalFactuurnummer?: string): Due {
  const doc: Due["doc"] = !c.ok ? { error: c.error } : kind === "credit-invoice" ? { invoice: c.value as CcvInvoice } : { order: c.value as CcvOrder };
  return { kind, key: id == null ? null : ledgerKey(KEY_KIND[kind], id), id: id ?? 0, ordernumber, originalFactuurnummer, doc };
}

/** The fields that decide whether a document is due: of the whole document, or of what could be read of it. */
function headOf<H>(c: Checked<H, H>): H | null {
  return c.ok ? c.value : c.head;
}

/**
 * The listed or re-read order `c`: due as an order, or (`cancellations`: read by id, not listed:
 * a listing's cancellations come after its credit invoices, which win) as a cancellation, or
 * nothing; its pending state noted.
 */
function orderFound(c: Checked<CcvOrder, CcvOrderHead>, id: number, s: DueSettings, ledger: LedgerState, start: string | null, now: Date, cancellations: boolean): Due | null {
  const head = headOf(c);
  if (!head) return dueOf("order", c, id, null);
  const verdict = orderVerdict(head, ledger, s, start);
  const doc = { ordernumber: head.ordernumber, created: head.create_date };
  notePending(ledger, ledgerKey("order", head.id), doc, verdict === "due" ? "due" : verdict === "waiting" ? "waiting" : "settled", now, s);
  if (verdict === "due") return dueOf("order", c, head.id, head.ordernumber);
  return cancellations && s.credits && head.status === CANCELLED ? cancellationFound(c, head, s, ledger, now) : null;
}

function cancellationFound(c: Checked<CcvOrder, CcvOrderHead>, head: CcvOrderHead, s: DueSettings, ledger: LedgerState, now: Date): Due | null {
  const d = cancellationDue(head, ledger, s);
  const key = ledgerKey("cancel", head.id);
  notePending(ledger, key, { ordernumber: head.ordernumber, created: head.create_date }, d ? "due" : "settled", now, s);
  return d ? { ...dueOf("cancellation", c, head.id, head.ordernumber, d.original), ...(d.unconfirmed ? { unconfirmed: true } : {}) } : null;
}

function invoiceFound(c: Checked<CcvInvoice, CcvInvoiceHead>, s: DueSettings, ledger: LedgerState, now: Date): Due | null {
  const head = headOf(c);
  if (!head) return null;
  const verdict = creditInvoiceVerdict(head, ledger);
  if (verdict === null) return null;
  const due = typeof verdict === "object";
  notePending(ledger, ledgerKey("credit", head.id), { ordernumber: head.ordernumber, created: head.create_date ?? now.toISOString() }, due ? "due" : verdict, now, s);
  return due ? dueOf("credit-invoice", c, head.id, head.ordernumber, verdict.due) : null;
}

export const REGISTER_WEBHOOKS = "register-webhooks";
/** `msg.topic` that runs a full sweep: everything since the start date, as the first run. */
export const FULL_SYNC = "full-sync";
/** `msg.topic` that retries one order (`msg.payload.id`) afresh, forgetting its failures. */
export const RETRY = "retry";
const WEBHOOK_EVENTS = ["orders.created", "orders.updated.ispaid", "orders.updated.status"] as const;

/**
 * The address CCV Shop is to call, from the public base address of this Node-RED (https, or
 * loopback for the simulators): the node adds the path and the token, so the token never has to
 * be written into a flow.
 */
export function webhookTarget(base: unknown, httpNodeRoot: unknown, token: string): string {
  if (typeof base !== "string" || base.trim() === "") {
    throw new KoppelingError("CCV_WEBHOOK_ADDRESS", "Set the public address of this Node-RED (e.g. https://node-red.example.nl) in the node, or send it as msg.payload.address");
  }
  const u = secureUrl(base, "CCV_WEBHOOK_ADDRESS", "public address");
  if (u.pathname.includes(WEBHOOK_PATH) || u.search || u.hash) {
    throw new KoppelingError("CCV_WEBHOOK_ADDRESS", `Give only the public base address of this Node-RED (e.g. https://node-red.example.nl); the node adds ${WEBHOOK_PATH}/<token> itself`);
  }
  return webhookAddress(u.href, httpNodeRoot, token);
}

/**
 * Registers the three order webhooks for `address` with the shop: those already there are kept;
 * the package's webhooks for another address (an old token or host) are removed.
 */
export async function registerWebhooks(client: CcvClient, address: string): Promise<{ created: number; existing: number; removed: number }> {
  const present = await client.webhooks();
  let removed = 0;
  for (const w of present) {
    if (w.address !== address && w.address.includes(`${WEBHOOK_PATH}/`) && (WEBHOOK_EVENTS as readonly string[]).includes(w.event)) {
      await client.deleteWebhook(w.id);
      removed++;
    }
  }
  let created = 0;
  for (const event of WEBHOOK_EVENTS) {
    if (present.some((w) => w.event === event && w.address === address && w.is_active !== false)) continue;
    await client.createWebhook({ event, address, isActive: true });
    created++;
  }
  return { created, existing: WEBHOOK_EVENTS.length - created, removed };
}

function webhookOrderId(msg: KoppelingMessage): number | null {
  const p = msg.payload as { id?: unknown } | undefined;
  if (!p || typeof p !== "object" || p.id == null) return null;
  const n = Number(p.id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new KoppelingError("CCV_WEBHOOK_INVALID", `msg.payload.id must be a CCV order id, not ${JSON.stringify(p.id)}`);
  return n;
}

export default function (RED: NodeAPI): void {
  function OrdersIn(this: Node<OrdersInCredentials>, def: OrdersInDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const shop = RED.nodes.getNode(def.ccv) as CcvConfigNode | null;
    const settings = dueSettings(def);
    let running = false;
    let closed = false;
    let runCounter = 0;
    if (!shop) node.status(status.error("no CCV Shop configured"));
    else node.status(status.idle("ready"));
    /** The `x-hash` check of this node's webhooks; its keys are listed again after register-webhooks. */
    let hashCheck: WebhookHashCheck | null = null;
    const webhookToken = def.webhook && shop ? receiveWebhooks(shop) : null;
    /**
     * Orders a webhook named: gathering more webhooks (not yet `fetching`), or being fetched or
     * booked (`again` when another webhook came meanwhile).
     */
    const live = new Map<number, { fetching: boolean; again: boolean }>();

    node.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      done();
    });

    node.on("input", (msg: KoppelingMessage, send, done) => {
      if (!shop) {
        done(new KoppelingError("CCV_CONFIG", "Select a CCV Shop (ccv-config) in this node"));
        return;
      }
      if (msg.topic === REGISTER_WEBHOOKS) {
        // shop.client() throws without keys: inside the chain, so the failure gets its status too.
        Promise.resolve()
          .then(() => {
            if (!webhookToken) throw new KoppelingError("CCV_WEBHOOK_TOKEN", "Turn on \"Receive webhooks\" with a webhook token of at least 32 characters before registering webhooks");
            const base = (msg.payload as { address?: unknown } | null)?.address ?? def.publicUrl;
            return registerWebhooks(shop.client(), webhookTarget(base, RED.settings.httpNodeRoot, webhookToken));
          })
          .finally(() => hashCheck?.forget())
          .then((r) => {
            node.status(status.ok(`webhooks: ${r.created} new, ${r.existing} kept${r.removed ? `, ${r.removed} removed` : ""}`));
            done();
          })
          .catch((err: unknown) => {
            const e = asKoppelingError(err);
            node.status(status.error(e.code));
            done(e);
          });
        return;
      }
      let webhookId: number | null;
      try {
        webhookId = webhookOrderId(msg);
        if (msg.topic === RETRY && webhookId == null) throw new KoppelingError("CCV_WEBHOOK_INVALID", 'msg.topic "retry" needs msg.payload.id, the CCV order id');
      } catch (err) {
        node.status(status.error((err as KoppelingError).code));
        done(err as Error);
        return;
      }
      if (webhookId == null && running) {
        node.status(status.busy("run already busy"));
        done();
        return;
      }
      const runId = `${Date.now().toString(36)}-${++runCounter}`;
      const trigger: RunMeta["trigger"] = webhookId == null ? "schedule" : "webhook";
      if (webhookId == null) running = true;
      const work = webhookId == null ? run(shop, runId, send, msg.topic === FULL_SYNC) : onWebhook(shop, runId, webhookId, send, msg.topic === RETRY);
      work
        .then(() => done())
        .catch((err: unknown) => {
          const e = asKoppelingError(err);
          node.status(status.error(e.code));
          msg.run = { id: runId, configId: shop.id, index: 0, total: 0, trigger };
          shop.ledger
            .update((l) => recordRunFailure(l, e, new Date()))
            .catch((storeErr: Error) => node.warn(storeErr.message))
            .finally(() => done(e));
        })
        .finally(() => {
          if (webhookId == null) running = false;
        });
    });

    /** Sends the run's documents as they are found, each when the shop's message window has room. */
    function sender(shop: CcvConfigNode, client: CcvClient, runId: string, trigger: RunMeta["trigger"], send: (m: KoppelingMessage) => void) {
      let index = 0;
      let sent = 0;
      return {
        get index() {
          return index;
        },
        get sent() {
          return sent;
        },
        /** Fetches the document's rows and sends it; its message id, or null when it failed here. */
        async deliver(d: Due): Promise<string | null> {
          const out = messageFor(d, shop, runId, ++index, trigger === "webhook" ? 1 : null, trigger);
          node.status(status.busy(trigger === "webhook" ? `order ${d.ordernumber ?? d.id}…` : `${index} found…`));
          try {
            const doc = d.doc;
            if ("error" in doc) throw doc.error;
            out.payload = "invoice" in doc ? { invoice: doc.invoice, rows: await client.getInvoiceRows(d.id) } : { order: doc.order, rows: await client.getOrderRows(d.id) };
          } catch (err) {
            const e = asKoppelingError(err);
            // A run-wide failure (auth, unreachable) ends the run; a problem with one document is reported and the run goes on.
            if (endsRun(e.code)) throw e;
            const key = d.key;
            if (key) await shop.ledger.update((l) => recordFailure(l, key, { ordernumber: d.ordernumber, stage: "ccv-orders-in", code: e.code, runId }, new Date()));
            node.error(e, out);
            return null;
          }
          await shop.window.enter(out._msgid, trigger === "webhook");
          send(out);
          sent++;
          return out._msgid;
        },
        /** The end of a scheduled run: how many documents it had, for the report node. */
        end(): void {
          send({ _msgid: RED.util.generateId(), topic: "run", payload: null, run: { id: runId, configId: shop.id, index: 0, total: index, trigger, end: true } } as KoppelingMessage);
        },
      };
    }

    /**
     * A scheduled run: plans it (due.ts), lists page by page, notes what is pending and sends what
     * is due as it goes; moves the high-water marks once every listing completed.
     */
    async function run(shop: CcvConfigNode, runId: string, send: (m: KoppelingMessage) => void, full: boolean): Promise<void> {
      const client = shop.client();
      const now = new Date();
      const { plan } = await shop.ledger.update((l) => ({ plan: planRun(l, settings, now, { full }) }));
      node.status(status.busy(plan.full ? "full sweep…" : "fetching…"));
      const out = sender(shop, client, runId, "schedule", send);
      const seen = new ListingMarks();
      const ids = new Set<number>();
      /** Order numbers of the orders this run sent. */
      const sentNumbers = new Set<number>();
      /** Notes a document's pending state (durably) and sends it when due. */
      const found = async (pick: (l: LedgerState) => Due | null) => {
        const d = await shop.ledger.update(pick);
        if (d) await out.deliver(d);
        if (d?.kind === "order" && d.ordernumber != null) sentNumbers.add(d.ordernumber);
      };

      // New orders, paid or not (an unpaid one is noted as waiting); then, if the plan says so, the paid ones back to the oldest pending.
      const listings: Array<{ from: string | undefined; paid?: true }> = [{ from: plan.ordersFrom }];
      if (plan.recheckFrom !== undefined) listings.push({ from: plan.recheckFrom, ...(settings.paidOnly ? { paid: true as const } : {}) });
      for (const { from, paid } of listings) {
        for (const st of statusQueries(settings)) {
          for await (const c of client.orders({ status: st, is_paid: paid, min_create_date: from, orderby: "create_date" })) {
            if (closed) return;
            const head = headOf(c);
            if (head && from === plan.ordersFrom) seen.order(head);
            const id = head?.id ?? (c.ok ? null : c.id);
            if (id != null && ids.has(id)) continue;
            if (id != null) ids.add(id);
            if (id == null) await out.deliver(dueOf("order", c, null, null));
            else await found((l) => orderFound(c, id, settings, l, plan.start, now, false));
          }
        }
      }
      await recheck(shop, client, runId, plan, ids, found, now);
      if (settings.credits) {
        const credited = new Set<number>();
        const creditOf = (c: Checked<CcvInvoice, CcvInvoiceHead>) => (l: LedgerState) => {
          const d = invoiceFound(c, settings, l, now);
          if (d?.ordernumber != null) credited.add(d.ordernumber);
          return d;
        };
        /** Credit invoices of orders this run sent and SnelStart has not booked yet: due once those are. */
        const afterOrders: Array<Checked<CcvInvoice, CcvInvoiceHead>> = [];
        for await (const c of client.invoices({ min_create_date: plan.invoicesFrom, orderby: "create_date" })) {
          if (closed) return;
          const head = headOf(c);
          if (head?.create_date) seen.invoice(head.create_date);
          if (head?.type === "credit" && head.ordernumber != null && sentNumbers.has(head.ordernumber)) afterOrders.push(c);
          else await found(creditOf(c));
        }
        if (afterOrders.length) {
          await shop.window.drained();
          for (const c of afterOrders) await found(creditOf(c));
        }
        for await (const c of client.orders({ status: CANCELLED, min_create_date: plan.cancellationsFrom, orderby: "create_date" })) {
          if (closed) return;
          const head = headOf(c);
          if (!head || head.ordernumber == null || credited.has(head.ordernumber)) continue;
          await found((l) => cancellationFound(c, head, settings, l, now));
        }
      }

      out.end();
      await shop.ledger.update((l) => {
        advanceMarks(l, plan, seen, new Date());
        recordRunSuccess(l, new Date());
      });
      const expired = plan.expired ? `, ${plan.expired} expired` : "";
      node.status(out.index ? status.ok(`${out.sent}/${out.index} sent${expired} ${clock()}`) : status.ok(`nothing due${expired} ${clock()}`));
    }

    /** The pending documents the plan reads one by one (an order listed this run is not read again). */
    async function recheck(shop: CcvConfigNode, client: CcvClient, runId: string, plan: RunPlan, listed: Set<number>, found: (pick: (l: LedgerState) => Due | null) => Promise<void>, now: Date): Promise<void> {
      for (const { key, id } of plan.recheck) {
        if (closed) return;
        try {
          if (key.startsWith("credit:")) {
            const c = await client.readInvoice(id);
            await found((l) => invoiceFound(c, settings, l, now));
          } else if (!listed.has(id)) {
            const c = await client.readOrder(id);
            // An order or a cancelled one: as when a webhook names it.
            await found((l) => orderFound(c, id, settings, l, plan.start, now, true));
          }
        } catch (err) {
          const e = asKoppelingError(err);
          if (endsRun(e.code)) throw e;
          // Gone from the shop (deleted): nothing will ever be due. Anything else fails this document alone; it stays pending.
          if (e.code === "CCV_NOT_FOUND") await shop.ledger.update((l) => notePending(l, key, { ordernumber: null, created: now.toISOString() }, "settled", now, settings));
          else await shop.ledger.update((l) => recordFailure(l, key, { ordernumber: l.pending[key]?.ordernumber ?? null, stage: "ccv-orders-in", code: e.code, runId }, new Date()));
        }
      }
    }

    /**
     * A webhook's order, fetched and sent ahead of a running import. Webhooks for an order that is
     * being fetched or booked cost no fetch of their own: one more fetch follows when it is done.
     */
    async function onWebhook(shop: CcvConfigNode, runId: string, id: number, send: (m: KoppelingMessage) => void, retry: boolean): Promise<void> {
      const busy = live.get(id);
      if (busy && !retry) {
        // While gathering, the coming fetch sees this change too; once fetching, it may not.
        if (busy.fetching) busy.again = true;
        return;
      }
      const entry = { fetching: false, again: false };
      live.set(id, entry);
      try {
        await new Promise((resolve) => setTimeout(resolve, WEBHOOK_GATHER_MS));
        do {
          entry.again = false;
          entry.fetching = true;
          await asLive(() => runOne(shop, runId, id, send, retry));
        } while (entry.again && !closed);
      } finally {
        live.delete(id);
      }
    }

    async function runOne(shop: CcvConfigNode, runId: string, id: number, send: (m: KoppelingMessage) => void, retry: boolean): Promise<void> {
      const client = shop.client();
      node.status(status.busy(`order ${id}…`));
      const now = new Date();
      if (retry) {
        // After a manual check: forget the order's failures (also "outcome unknown") and try it afresh.
        await shop.ledger.update((l) => [ledgerKey("order", id), ledgerKey("cancel", id)].forEach((k) => clearFailure(l, k)));
      }
      let c: Checked<CcvOrder, CcvOrderHead>;
      try {
        c = await client.readOrder(id);
      } catch (err) {
        if (asKoppelingError(err).code !== "CCV_NOT_FOUND") throw err;
        // An order id the shop does not know: webhook noise, counted, never a failed fetch or an alert.
        await shop.ledger.update((l) => recordWebhookNoise(l, new Date()));
        node.status(status.idle(`order ${id} unknown ${clock()}`));
        return;
      }
      const d = await shop.ledger.update((l) => orderFound(c, id, settings, l, startOf(settings, l, now), now, true));
      const out = sender(shop, client, runId, "webhook", send);
      const sentId = d ? await out.deliver(d) : null;
      // Booked (or failed) before this webhook counts as done: a webhook meanwhile fetches afresh after it.
      if (sentId) await shop.window.settled(sentId);
      await shop.ledger.update((l) => recordRunSuccess(l, new Date()));
      node.status(out.sent ? status.ok(`order ${id} sent ${clock()}`) : status.idle(`order ${id} not due ${clock()}`));
    }

    /**
     * Adds this node to the package's webhook endpoint under its token (the credential, else the
     * environment variable); returns the token, or null with a red status when it cannot.
     */
    function receiveWebhooks(shop: CcvConfigNode): string | null {
      receiversOf(RED);
      const token = (node.credentials?.webhookToken || process.env[WEBHOOK_TOKEN_ENV] || "").trim();
      const problem = tokenProblem(token);
      const fail = (text: string, message: string) => {
        node.status(status.error(text));
        node.error(new KoppelingError("CCV_WEBHOOK_TOKEN", message));
        return null;
      };
      if (token === "") {
        // The example flow has webhooks on: without a token yet, the schedule works and the node says why webhooks do not.
        node.status({ fill: "yellow", shape: "ring", text: "webhooks off: no token" });
        node.warn(`Webhooks are off: no webhook token. Set the node's webhook token or ${WEBHOOK_TOKEN_ENV} (at least 32 characters, e.g. openssl rand -hex 24); scheduled runs work without it.`);
        return null;
      }
      if (problem) return fail("webhook token invalid", `Webhooks are off: ${problem}. Set the node's webhook token or ${WEBHOOK_TOKEN_ENV}.`);
      hashCheck = webhookHashCheck(async () => {
        const mine = `${WEBHOOK_PATH}/${token}`;
        const ours = (address: string) => URL.canParse(address) && new URL(address).pathname.endsWith(mine);
        return (await shop.client().webhooks()).filter((w) => w.is_active !== false && w.key && ours(w.address)).map((w) => ({ address: w.address, key: w.key ?? "" }));
      });
      const added = addWebhookReceiver(RED, { nodeId: node.id, token, verify: hashCheck.verify, deliver: (id) => node.receive({ topic: "webhook", payload: { id } }) });
      if ("takenBy" in added) return fail("webhook token in use", `Webhooks are off: node ${added.takenBy} already receives webhooks with this token; give each ccv-orders-in node its own.`);
      node.on("close", (_removed: boolean, done: () => void) => {
        added.remove();
        done();
      });
      return token;
    }

    function messageFor(d: Due, shop: CcvConfigNode, runId: string, index: number, total: number | null, trigger: RunMeta["trigger"]): KoppelingMessage {
      const ordernumber = d.ordernumber;
      const ccv: CcvMeta = { configId: shop.id, shopId: shop.shopId, orderId: d.id, ordernumber, kind: d.kind };
      if (d.originalFactuurnummer !== undefined) ccv.originalFactuurnummer = d.originalFactuurnummer;
      if (d.unconfirmed) ccv.originalUnconfirmed = true;
      return {
        _msgid: RED.util.generateId(),
        topic: ordernumber != null ? String(ordernumber) : String(d.id),
        payload: null,
        ccv,
        run: { id: runId, configId: shop.id, index, total, trigger },
      } as KoppelingMessage;
    }
  }

  RED.nodes.registerType<Node<OrdersInCredentials>, OrdersInDef, Record<string, never>, OrdersInCredentials>("ccv-orders-in", OrdersIn, {
    credentials: { webhookToken: { type: "password" } },
  });
}
