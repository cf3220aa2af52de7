/**
 * `ccv-orders-in`: on any input, fetches the CCV Shop documents that are due and sends one
 * message per document: orders with a selected status (paid only, if set) created since the
 * start date and not yet booked; and, when credit notes are on, booked orders cancelled since,
 * and CCV credit invoices of booked orders. On `msg.payload.id` only that order; with webhooks
 * on, the package's endpoint (webhook-endpoint.ts) hands each checked order id to the node the
 * same way.
 *
 * A run that fails (CCV unreachable, refused) sends nothing more and ends in done(err); every
 * document that was not booked stays due, so the next run retries it.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { Checked, CcvClient } from "../ccv/client";
import type { CcvInvoice, CcvOrder, CcvOrderHead } from "../ccv/schemas";
import { WEBHOOK_PATH, type WebhookHashCheck, tokenProblem, webhookHashCheck } from "../ccv/webhook";
import { KoppelingError } from "../errors";
import { secureUrl } from "../secure-url";
import {
  type LedgerKey,
  type LedgerState,
  clearFailure,
  firstRunAt,
  intentOf,
  isBooked,
  ledgerKey,
  recordFailure,
  recordRunFailure,
  recordRunSuccess,
  recordWebhookNoise,
} from "../koppeling/sync-ledger";
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

const CANCELLED = 8;
/** Errors that make a run impossible: they end it; anything else fails one document and the run goes on. */
const RUN_WIDE = new Set(["CCV_AUTH", "CCV_NETWORK", "CCV_TIMEOUT", "CCV_CONFIG", "CCV_RATE_LIMIT"]);
const DAY_MS = 24 * 60 * 60 * 1000;
/** More selected statuses than this: one query for all orders, filtered here, costs fewer calls. */
const MAX_STATUS_QUERIES = 3;
const ALL_STATUSES = Array.from({ length: 14 }, (_, i) => i + 1);

export function parseStatuses(value: number[] | string | undefined): number[] {
  const list = Array.isArray(value) ? value : String(value ?? "").split(",");
  const nums = [...new Set(list.map((v) => Number(String(v).trim())).filter((n) => Number.isInteger(n) && n >= 1 && n <= 14))];
  return nums.length ? nums.sort((a, b) => a - b) : ALL_STATUSES.filter((s) => s !== CANCELLED);
}

/** `YYYY-MM-DD` as the UTC instant of midnight in Amsterdam (CET/CEST), or null. */
export function amsterdamMidnightUtc(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec((date ?? "").trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Midnight in Amsterdam is 23:00 or 22:00 UTC the day before; pick the offset valid at that moment.
  for (const offsetHours of [2, 1]) {
    const candidate = new Date(Date.UTC(y, mo - 1, d, -offsetHours));
    const local = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Amsterdam", hour: "2-digit", hourCycle: "h23" }).format(candidate);
    if (local === "00") return candidate.toISOString().replace(".000", "");
  }
  return new Date(Date.UTC(y, mo - 1, d)).toISOString().replace(".000", "");
}

interface Settings {
  statuses: number[];
  paidOnly: boolean;
  since: string | null;
  importExisting: boolean;
  credits: boolean;
}

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

function qualifies(order: CcvOrderHead, s: Settings, start: string | null): boolean {
  if (order.is_completed === false || order.status == null || order.ordernumber == null) return false;
  if (!s.statuses.includes(order.status)) return false;
  if (s.paidOnly && !order.paid) return false;
  return !(start && Date.parse(order.create_date) < Date.parse(start));
}

/**
 * The effective lower bound on `create_date`: the start date, and without historical import, the
 * first run — from the start of its second, because CCV gives `create_date` in whole seconds: an
 * order placed in the same second as the first run, after it, must not be left out for good.
 */
function startOf(s: Settings, ledger: LedgerState, now: Date): string | null {
  const first = new Date(Math.floor(Date.parse(firstRunAt(ledger, now)) / 1000) * 1000).toISOString();
  if (s.importExisting) return s.since;
  if (!s.since) return first;
  return Date.parse(first) > Date.parse(s.since) ? first : s.since;
}

/** Invoice numbers booked per `<kind>:<CCV order number>` (e.g. `order:10330`), to find an original or an earlier credit. */
function bookedNumbers(ledger: LedgerState): Map<string, string> {
  const index = new Map<string, string>();
  for (const [key, entry] of Object.entries(ledger.booked)) {
    if (entry.ordernumber != null) index.set(`${key.split(":")[0]}:${entry.ordernumber}`, entry.factuurnummer);
  }
  return index;
}

/**
 * Every document that is due. A listed document that does not fit the schema is due as a failure
 * when what decides whether it is due could be read and says it is, or could not be read at all;
 * one that is not due is left alone whatever else it holds.
 */
async function collectDue(client: CcvClient, s: Settings, ledger: LedgerState, start: string | null): Promise<Due[]> {
  const due: Due[] = [];
  const seen = new Set<number>();
  // A day's overlap: CCV's time zone for min_create_date is not documented; `qualifies` filters exactly.
  const min = start ? new Date(Date.parse(start) - DAY_MS).toISOString().replace(/\.\d+Z$/, "Z") : undefined;
  // CCV filters on one status at a time: a query per selected status, or one for all when most are selected.
  const queries = s.statuses.length > MAX_STATUS_QUERIES ? [undefined] : s.statuses;
  for (const st of queries) {
    for await (const c of client.orders({ status: st, is_paid: s.paidOnly ? true : undefined, min_create_date: min, orderby: "create_date" })) {
      const head = headOf(c);
      const id = head?.id ?? (c.ok ? null : c.id);
      if ((id != null && seen.has(id)) || (head && !qualifies(head, s, start))) continue;
      if (id != null) seen.add(id);
      if (id == null || !isBooked(ledger, ledgerKey("order", id))) due.push(dueOf("order", c, id, head?.ordernumber ?? null));
    }
  }
  if (!s.credits) return due;

  // Credit invoices first: a CCV credit invoice of a booked order wins over crediting its cancellation.
  const numbers = bookedNumbers(ledger);
  const creditedNumbers = new Set<number>();
  for await (const c of client.invoices({ min_create_date: min, orderby: "create_date" })) {
    const head = headOf(c);
    // Debit invoices are not needed at all; a credit invoice only for an order booked here.
    if (!head || head.type === "debit" || head.ordernumber == null) continue;
    const original = numbers.get(`order:${head.ordernumber}`);
    if (!original) continue;
    creditedNumbers.add(head.ordernumber);
    if (isBooked(ledger, ledgerKey("credit", head.id)) || numbers.has(`cancel:${head.ordernumber}`)) continue;
    due.push(dueOf("credit-invoice", c, head.id, head.ordernumber, original));
  }
  for await (const c of client.orders({ status: CANCELLED, min_create_date: min, orderby: "create_date" })) {
    const head = headOf(c);
    if (!head || head.ordernumber == null || creditedNumbers.has(head.ordernumber)) continue;
    const d = cancellationDue(c, head, s, ledger, numbers);
    if (d) due.push(d);
  }
  return due;
}

/**
 * The cancellation of order `head`, if it is due: the order is booked and not yet credited. Also
 * when the ledger does not know it as booked but it may be in SnelStart: a kill left an intent for
 * it, or the order is older than the ledger (a ledger lost, or new to a shop booked before) and
 * was paid (or paid orders are not required). Such a cancellation is unconfirmed: snelstart-invoice
 * credits it only if SnelStart holds the original, else records that there is nothing to credit,
 * so it is checked once. An order younger than the ledger without an intent was never posted: the
 * journal records each intent before the POST.
 */
function cancellationDue(c: Checked<CcvOrder, CcvOrderHead>, head: CcvOrderHead, s: Settings, ledger: LedgerState, numbers: Map<string, string>): Due | null {
  if (isBooked(ledger, ledgerKey("cancel", head.id)) || numbers.has(`credit:${head.ordernumber}`)) return null;
  const booked = isBooked(ledger, ledgerKey("order", head.id));
  if (booked) return dueOf("cancellation", c, head.id, head.ordernumber, booked.factuurnummer);
  const intent = intentOf(ledger, ledgerKey("order", head.id));
  const olderThanLedger = ledger.runs.firstRunAt != null && Date.parse(head.create_date) < Date.parse(ledger.runs.firstRunAt);
  if (!intent && (!olderThanLedger || (s.paidOnly && !head.paid))) return null;
  return { ...dueOf("cancellation", c, head.id, head.ordernumber, intent?.factuurnummer), unconfirmed: true };
}

/** The due document a webhook names, or null when that order is not due. */
async function dueFromWebhook(client: CcvClient, id: number, s: Settings, ledger: LedgerState, start: string | null): Promise<Due | null> {
  const c = await client.readOrder(id);
  const head = headOf(c);
  if (s.credits && head?.status === CANCELLED && head.ordernumber != null) return cancellationDue(c, head, s, ledger, bookedNumbers(ledger));
  if (isBooked(ledger, ledgerKey("order", head?.id ?? id))) return null;
  return !head || qualifies(head, s, start) ? dueOf("order", c, head?.id ?? id, head?.ordernumber ?? null) : null;
}

export const REGISTER_WEBHOOKS = "register-webhooks";
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
    const settings: Settings = {
      statuses: parseStatuses(def.statuses),
      paidOnly: def.paidOnly !== false,
      since: amsterdamMidnightUtc(def.since),
      importExisting: def.importExisting !== false,
      credits: def.credits !== false,
    };
    let running = false;
    let runCounter = 0;
    if (!shop) node.status(status.error("no CCV Shop configured"));
    else node.status(status.idle("ready"));
    /** The `x-hash` check of this node's webhooks; its keys are listed again after register-webhooks. */
    let hashCheck: WebhookHashCheck | null = null;
    const webhookToken = def.webhook && shop ? receiveWebhooks(shop) : null;

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
      if (webhookId == null) running = true;
      run(shop, runId, webhookId, send, msg.topic === RETRY)
        .then(() => done())
        .catch((err: unknown) => {
          const e = asKoppelingError(err);
          node.status(status.error(e.code));
          msg.run = { id: runId, configId: shop.id, index: 0, total: 0, trigger: webhookId == null ? "schedule" : "webhook" };
          shop.ledger
            .update((l) => recordRunFailure(l, e, new Date()))
            .catch((storeErr: Error) => node.warn(storeErr.message))
            .finally(() => done(e));
        })
        .finally(() => {
          if (webhookId == null) running = false;
        });
    });

    async function run(shop: CcvConfigNode, runId: string, webhookId: number | null, send: (m: KoppelingMessage) => void, retry: boolean): Promise<void> {
      const client = shop.client();
      node.status(status.busy(webhookId == null ? "fetching…" : `order ${webhookId}…`));
      if (retry && webhookId != null) {
        // After a manual check: forget the order's failures (also "outcome unknown") and try it afresh.
        const id = webhookId;
        await shop.ledger.update((l) => [ledgerKey("order", id), ledgerKey("cancel", id)].forEach((k) => clearFailure(l, k)));
      }
      const { ledger, start } = await shop.ledger.update((l) => ({ ledger: l, start: startOf(settings, l, new Date()) }));
      let due: Due[];
      if (webhookId == null) {
        due = await collectDue(client, settings, ledger, start);
      } else {
        let one: Due | null;
        try {
          one = await dueFromWebhook(client, webhookId, settings, ledger, start);
        } catch (err) {
          if (asKoppelingError(err).code !== "CCV_NOT_FOUND") throw err;
          // An order id the shop does not know: webhook noise, counted, never a failed fetch or an alert.
          await shop.ledger.update((l) => recordWebhookNoise(l, new Date()));
          node.status(status.idle(`order ${webhookId} unknown ${clock()}`));
          return;
        }
        due = one ? [one] : [];
      }

      let sent = 0;
      for (const [i, d] of due.entries()) {
        node.status(status.busy(`${i + 1}/${due.length}`));
        const out = messageFor(d, shop, runId, i + 1, due.length, webhookId == null ? "schedule" : "webhook");
        try {
          const doc = d.doc;
          if ("error" in doc) throw doc.error;
          out.payload = "invoice" in doc ? { invoice: doc.invoice, rows: await client.getInvoiceRows(d.id) } : { order: doc.order, rows: await client.getOrderRows(d.id) };
        } catch (err) {
          const e = asKoppelingError(err);
          // A run-wide failure (auth, unreachable) ends the run; a problem with one document is reported and the run goes on.
          if (RUN_WIDE.has(e.code)) throw e;
          const key = d.key;
          if (key) await shop.ledger.update((l) => recordFailure(l, key, { ordernumber: d.ordernumber, stage: "ccv-orders-in", code: e.code, runId }, new Date()));
          node.error(e, out);
          continue;
        }
        send(out);
        sent++;
      }

      if (webhookId == null && due.length === 0) {
        // Nothing due: one message marks the run's end, so that the report node can report it.
        send({ _msgid: RED.util.generateId(), topic: "run", payload: null, run: { id: runId, configId: shop.id, index: 0, total: 0, trigger: "schedule" } } as KoppelingMessage);
      }
      await shop.ledger.update((l) => {
        recordRunSuccess(l, new Date());
        if (webhookId == null) {
          // A failed document that is no longer due (its status changed, it got booked elsewhere) is forgotten.
          const dueKeys = new Set<string | null>(due.map((d) => d.key));
          for (const key of Object.keys(l.failed) as LedgerKey[]) if (!dueKeys.has(key)) clearFailure(l, key);
        }
      });
      if (webhookId != null) node.status(sent ? status.ok(`order ${webhookId} sent ${clock()}`) : status.idle(`order ${webhookId} not due ${clock()}`));
      else node.status(sent || due.length ? status.ok(`${sent}/${due.length} sent ${clock()}`) : status.ok(`nothing due ${clock()}`));
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

    function messageFor(d: Due, shop: CcvConfigNode, runId: string, index: number, total: number, trigger: RunMeta["trigger"]): KoppelingMessage {
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
