/**
 * The work of `ccv-orders-in`, without Node-RED: the node file reads its configuration, builds
 * one OrdersInController over its collaborators (the shop's CCV client, its sync ledger and
 * message window, a clock, an id source and status/failure reporters) and hands it each input
 * with that input's `send`. Unit-tested with a fake clock against the CCV simulator.
 *
 * - A scheduled run (any input; `msg.topic` "full-sync" forces a full sweep): plans it
 *   (../koppeling/due.ts planRun), lists page by page, notes each document's pending state in the
 *   same ledger update that decides whether it is due, and sends what is due as it goes, each
 *   document when the shop's message window has room (memory does not grow with the shop). The
 *   high-water marks move once every listing completed; the end of the run is one more message
 *   (`msg.run.end`, `msg.run.total` = documents sent) for the report node.
 * - A webhook's order (`msg.payload.id`; "retry" forgets its failures first): fetched and sent as
 *   live work (../live.ts). Webhooks for one order within WEBHOOK_GATHER_MS cost one fetch; one
 *   that comes while the order is fetched or booked costs one more fetch after it settled.
 * - "register-webhooks": the three order webhooks for this node's address.
 *
 * A run that fails (CCV unreachable, refused: a code that `endsRun` in the error catalogue) sends nothing more and is recorded as a
 * failed run; every document that was not booked stays pending, so the next run retries it.
 *
 * close() (redeploy): a run or webhook in flight stops at its next step — no page is fetched, no
 * message or failure is sent after it; a CCV request already on the wire is not aborted (the
 * client takes no signal), its answer is dropped. The webhook gather timers are cleared, a wait
 * for room in the message window is withdrawn, and the messages this node put in the window are
 * let out of it (their timeouts cleared; they still finish in the flow). Ledger updates are
 * never cut off: close resolves after every update its work started is stored, and as the marks
 * move only at the end of a completed run, the ledger is as after a run that ended early.
 */
import { setMaxListeners } from "node:events";
import type { NodeStatus } from "node-red";
import type { CcvClient, Checked } from "../ccv/client";
import { type CcvInvoice, type CcvInvoiceHead, type CcvOrder, type CcvOrderHead, idFromLink } from "../ccv/schemas";
import type { Clock } from "../clock";
import { endsRun } from "../error-codes";
import { KoppelingError } from "../errors";
import {
  CANCELLED,
  type DueDocument,
  type DueSettings,
  RunSightings,
  advanceMarks,
  cancellationFound,
  creditInvoiceFound,
  dueDocument,
  forgetFailures,
  headOf,
  orderFound,
  orderListings,
  planRun,
  recheckFailed,
  startOf,
} from "../koppeling/due";
import { type LedgerPort, type LedgerState, recordFailure, recordRunFailure, recordRunSuccess, recordWebhookNoise } from "../koppeling/sync-ledger";
import { FULL_SYNC, RETRY } from "../koppeling/run-history";
import { asLive } from "../live";
import type { MessageWindow } from "../nodes/message-window";
import type { OrderWebhooks } from "../nodes/webhook-endpoint";
import { type CcvMeta, type KoppelingMessage, type RunMeta, type Translate, asKoppelingError, clock as hhmm, status } from "../nodes/shared";

/** Webhooks for one order within this time cost one fetch (CCV sends several for one change). */
export const WEBHOOK_GATHER_MS = 100;

const REGISTER_WEBHOOKS = "register-webhooks";
export const WEBHOOK_EVENTS = ["orders.created", "orders.updated.ispaid", "orders.updated.status"] as const;

export type WindowPort = Pick<MessageWindow, "enter" | "leave" | "settled" | "drained">;

export type Send = (msg: KoppelingMessage) => void;

export interface OrdersInDeps {
  /** The ccv-config node's id (`msg.ccv.configId`) and the shop's stable name. */
  shop: { configId: string; shopId: string };
  settings: DueSettings;
  /** The shop's CCV client; throws CCV_CONFIG without API keys (called inside the work, so that is a failed run). */
  client: () => CcvClient;
  ledger: LedgerPort;
  window: WindowPort;
  clock: Clock;
  /** A new message id (RED.util.generateId). */
  newId: () => string;
  status: (s: NodeStatus) => void;
  /** The runtime's translation (RED._) of a status text with numbers (../nodes/shared.ts Translate). */
  t: Translate;
  /** One document failed here (the run goes on): to a Catch node with the document's message. */
  fail: (err: KoppelingError, msg: KoppelingMessage) => void;
  warn: (text: string) => void;
  /** The run log of the Koppeling sidebar (../nodes/run-log.ts trackRuns): what started each run, its documents, its end. */
  runs?: RunsPort;
  /** This node's webhooks at the endpoint, when it receives them: the address CCV is to call, the webhooks no running node receives, and the `x-hash` keys to list again. */
  webhooks: ({ publicUrl: string | undefined } & Pick<OrderWebhooks, "target" | "dead" | "forgetKeys">) | null;
}

/** A run being recorded in the run log: its `send` counts the documents it sends; `end` when its work ended (with a code: failed). */
export interface RunsPort {
  start(runId: string, msg: { topic?: string; payload?: unknown }, send: Send, opts: { webhook: boolean; full?: boolean }): { send: Send; end(code?: string): void };
}

/** How one input ended: done(), or done(error) with `msg.run` of the failed run. */
export type Outcome = { ok: true } | { ok: false; error: KoppelingError; run?: RunMeta };

/** Work stopped by close(): never leaves the controller. */
class Cancelled extends Error {
  constructor() {
    super("ccv-orders-in closed");
  }
}

const OK: Outcome = { ok: true };

/** The CCV order id of a webhook (`msg.payload.id`), null without one. */
function webhookOrderId(payload: unknown): number | null {
  const p = payload as { id?: unknown } | undefined;
  if (!p || typeof p !== "object" || p.id == null) return null;
  const n = Number(p.id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new KoppelingError("CCV_WEBHOOK_INVALID", `msg.payload.id must be a CCV order id, not ${JSON.stringify(p.id)}`);
  return n;
}

/**
 * Registers the three order webhooks for `address` with the shop: those already there are kept,
 * those switched off are replaced. Of the others for these events only the `dead` ones are removed (at this Node-RED's endpoint,
 * with a token no running node receives on, e.g. this node's old token): a webhook at another
 * address may be another ccv-orders-in node's of the same shop, here or in another Node-RED.
 */
export async function registerWebhooks(client: CcvClient, address: string, dead: (address: string) => boolean): Promise<{ created: number; existing: number; removed: number }> {
  const present = await client.webhooks();
  let removed = 0;
  for (const w of present) {
    // Ours and switched off (in the shop's back office) is replaced too: a new one is made below.
    const gone = w.address === address ? w.is_active === false : dead(w.address);
    if ((WEBHOOK_EVENTS as readonly string[]).includes(w.event) && gone) {
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

export class OrdersInController {
  private readonly life = new Lifetime();
  /** Every input being handled: close() waits for them (and so for their ledger updates). */
  private readonly work = new Set<Promise<Outcome>>();
  /** Messages this node put in the shop's window that have not left it. */
  private readonly entered = new Set<string>();
  /** Orders a webhook named: gathering more webhooks (not yet `fetching`), or being fetched or booked (`again`: another webhook came meanwhile). */
  private readonly live = new Map<number, { fetching: boolean; again: boolean }>();
  private running = false;
  private runCounter = 0;

  constructor(private readonly d: OrdersInDeps) {}

  get closed(): boolean {
    return this.life.over;
  }

  /** Handles one input; never rejects. */
  input(msg: { topic?: string; payload?: unknown }, send: Send): Promise<Outcome> {
    if (this.closed) return Promise.resolve(OK);
    const p = this.handle(msg, send);
    this.work.add(p);
    void p.finally(() => this.work.delete(p)).catch(() => undefined);
    return p;
  }

  /** Stops the work in flight (see the file's comment); resolves when it stopped and its ledger updates are stored. */
  async close(): Promise<void> {
    this.life.end();
    for (const id of this.entered) this.d.window.leave(id);
    this.entered.clear();
    await Promise.allSettled([...this.work]);
  }

  private async handle(msg: { topic?: string; payload?: unknown }, send: Send): Promise<Outcome> {
    if (msg.topic === REGISTER_WEBHOOKS) return this.register(msg.payload);
    let orderId: number | null;
    try {
      orderId = webhookOrderId(msg.payload);
      if (msg.topic === RETRY && orderId == null) throw new KoppelingError("CCV_WEBHOOK_INVALID", 'msg.topic "retry" needs msg.payload.id, the CCV order id');
    } catch (err) {
      return this.failed(asKoppelingError(err));
    }
    if (orderId == null && this.running) {
      this.d.status(status.busy("ccv-orders-in.statusText.busy"));
      return OK;
    }
    const runId = `${this.now().getTime().toString(36)}-${++this.runCounter}`;
    const trigger: RunMeta["trigger"] = orderId == null ? "schedule" : "webhook";
    if (orderId == null) this.running = true;
    const tracked = this.d.runs?.start(runId, msg, send, { webhook: orderId != null, full: msg.topic === FULL_SYNC });
    const out = tracked ? tracked.send : send;
    try {
      if (orderId == null) await this.run(runId, out, msg.topic === FULL_SYNC);
      else await this.onWebhook(runId, orderId, out, msg.topic === RETRY);
      tracked?.end();
      return OK;
    } catch (err) {
      if (err instanceof Cancelled || this.closed) {
        tracked?.end();
        return OK;
      }
      const e = asKoppelingError(err);
      tracked?.end(e.code);
      this.d.status(status.error(e.code));
      await this.d.ledger.update((l) => recordRunFailure(l, e, this.now())).catch((storeErr: Error) => this.d.warn(storeErr.message));
      return { ok: false, error: e, run: { id: runId, configId: this.d.shop.configId, index: 0, total: 0, trigger } };
    } finally {
      if (orderId == null) this.running = false;
    }
  }

  private failed(e: KoppelingError): Outcome {
    this.d.status(status.error(e.code));
    return { ok: false, error: e };
  }

  private async register(payload: unknown): Promise<Outcome> {
    const w = this.d.webhooks;
    try {
      if (!w) throw new KoppelingError("CCV_WEBHOOK_TOKEN", 'Turn on "Receive webhooks" with a webhook token of at least 32 characters before registering webhooks');
      const base = (payload as { address?: unknown } | null)?.address ?? w.publicUrl;
      // The client first: without API keys that is the failure (CCV_CONFIG), as for a run.
      const client = this.d.client();
      const address = w.target(base);
      const r = await this.guard(registerWebhooks(client, address, (other) => w.dead(other, address)));
      this.d.status(status.ok(this.d.t(r.removed ? "ccv-orders-in.statusText.webhooksRemoved" : "ccv-orders-in.statusText.webhooks", { created: r.created, existing: r.existing, removed: r.removed })));
      return OK;
    } catch (err) {
      return err instanceof Cancelled || this.closed ? OK : this.failed(asKoppelingError(err));
    } finally {
      // The shop's webhook keys changed: the x-hash check lists them again.
      w?.forgetKeys();
    }
  }

  /**
   * A scheduled run: plans it (due.ts), lists page by page, notes what is pending and sends what
   * is due as it goes; moves the high-water marks once every listing completed.
   */
  private async run(runId: string, send: Send, full: boolean): Promise<void> {
    const client = this.d.client();
    const { ledger, settings: s } = this.d;
    const now = this.now();
    const plan = await ledger.update((l) => planRun(l, s, now, { full }));
    this.d.status(status.busy(plan.full ? "ccv-orders-in.statusText.fullSweep" : "ccv-orders-in.statusText.fetching"));
    const out = this.outbox(client, runId, "schedule", send);
    const seen = new RunSightings();
    /** Notes a document's pending state (durably) and sends it when due. */
    const found = async (pick: (l: LedgerState) => DueDocument | null) => {
      this.check();
      const d = await ledger.update(pick);
      if (!d) return;
      seen.due(d);
      await out.deliver(d);
    };

    for (const listing of orderListings(plan, s)) {
      for await (const c of this.pages(client.orders({ ...listing.query, orderby: "create_date" }))) {
        const head = headOf(c);
        if (head && listing.marks) seen.marks.order(head);
        const id = head?.id ?? (c.ok ? null : c.id);
        if (id != null && !seen.firstSight(id)) continue;
        if (id == null) await out.deliver(dueDocument("order", c, null, null));
        else await found((l) => orderFound(c, id, s, l, plan.start, now, false));
      }
    }
    // The pending documents the plan reads one by one (an order listed this run is not read again;
    // its cancellation is: the order listings judge orders, not cancellations).
    for (const { key, kind, id } of plan.recheck) {
      try {
        if (kind === "credit") {
          const c = await this.guard(client.readInvoice(id));
          await found((l) => creditInvoiceFound(c, s, l, now));
        } else if (kind === "cancel" || !seen.listed(id)) {
          const c = await this.guard(client.readOrder(id));
          // An order or a cancelled one: as when a webhook names it.
          await found((l) => orderFound(c, id, s, l, plan.start, now, true));
        }
      } catch (err) {
        const e = perDocument(err);
        await ledger.update((l) => recheckFailed(l, key, e.code, runId, s, now, this.now()));
      }
    }
    if (s.credits) {
      /** Credit invoices of orders this run sent: judged once those are through the flow. */
      const afterOrders: Array<Checked<CcvInvoice, CcvInvoiceHead>> = [];
      for await (const c of this.pages(client.invoices({ min_create_date: plan.invoicesFrom, orderby: "create_date" }))) {
        const head = headOf(c);
        if (head?.create_date) seen.marks.invoice(head.create_date);
        if (seen.waitsForOrder(head)) afterOrders.push(c);
        else await found((l) => creditInvoiceFound(c, s, l, now));
      }
      if (afterOrders.length) {
        await this.guard(this.d.window.drained());
        for (const c of afterOrders) await found((l) => creditInvoiceFound(c, s, l, now));
      }
      for await (const c of this.pages(client.orders({ status: CANCELLED, min_create_date: plan.cancellationsFrom, orderby: "create_date" }))) {
        const head = headOf(c);
        if (!head || head.ordernumber == null || seen.creditedThisRun(head.ordernumber)) continue;
        await found((l) => cancellationFound(c, head, s, l, now));
      }
    }

    out.end();
    await ledger.update((l) => {
      advanceMarks(l, plan, seen.marks, this.now());
      recordRunSuccess(l, this.now());
    });
    const said = { sent: out.sent, found: out.index, expired: plan.expired, at: hhmm(this.now()) };
    const key = out.index
      ? plan.expired
        ? "ccv-orders-in.statusText.sentExpired"
        : "ccv-orders-in.statusText.sent"
      : plan.expired
        ? "ccv-orders-in.statusText.nothingDueExpired"
        : "ccv-orders-in.statusText.nothingDue";
    this.d.status(status.ok(this.d.t(key, said)));
  }

  /**
   * A webhook's order, fetched and sent ahead of a running import. Webhooks for an order that is
   * being fetched or booked cost no fetch of their own: one more fetch follows when it is done.
   */
  private async onWebhook(runId: string, id: number, send: Send, retry: boolean): Promise<void> {
    const busy = this.live.get(id);
    if (busy && !retry) {
      // While gathering, the coming fetch sees this change too; once fetching, it may not.
      if (busy.fetching) busy.again = true;
      return;
    }
    const entry = { fetching: false, again: false };
    this.live.set(id, entry);
    try {
      // The timer is cleared (Cancelled, the lifetime's reason) when the node closes.
      await this.d.clock.sleep(WEBHOOK_GATHER_MS, this.life.signal);
      do {
        entry.again = false;
        entry.fetching = true;
        await asLive(() => this.one(runId, id, send, retry));
      } while (entry.again);
    } finally {
      // A retry of this order may have taken its place meanwhile: only this entry is ours to drop.
      if (this.live.get(id) === entry) this.live.delete(id);
    }
  }

  private async one(runId: string, id: number, send: Send, retry: boolean): Promise<void> {
    this.check();
    const client = this.d.client();
    const { ledger, settings: s } = this.d;
    this.d.status(status.busy(this.d.t("ccv-orders-in.statusText.order", { id })));
    const now = this.now();
    if (retry) await ledger.update((l) => forgetFailures(l, id));
    let c: Checked<CcvOrder, CcvOrderHead>;
    try {
      c = await this.guard(client.readOrder(id));
    } catch (err) {
      if (err instanceof Cancelled || asKoppelingError(err).code !== "CCV_NOT_FOUND") throw err;
      // An order id the shop does not know: webhook noise, counted, never a failed fetch or an alert.
      await ledger.update((l) => recordWebhookNoise(l, this.now()));
      this.check();
      this.d.status(status.idle(this.d.t("ccv-orders-in.statusText.orderUnknown", { id, at: hhmm(this.now()) })));
      return;
    }
    this.check();
    const d = await ledger.update((l) => orderFound(c, id, s, l, startOf(s, l, now), now, true));
    const out = this.outbox(client, runId, "webhook", send);
    const sentId = d ? await out.deliver(d) : null;
    // Booked (or failed) before this webhook counts as done: a webhook meanwhile fetches afresh after it.
    if (sentId) await this.guard(this.d.window.settled(sentId));
    await ledger.update((l) => recordRunSuccess(l, this.now()));
    this.check();
    this.d.status(out.sent ? status.ok(this.d.t("ccv-orders-in.statusText.orderSent", { id, at: hhmm(this.now()) })) : status.idle(this.d.t("ccv-orders-in.statusText.orderNotDue", { id, at: hhmm(this.now()) })));
  }

  /** Waits for room in the shop's window (unless `live`), then counts `id` as this node's message on its way. */
  private async enter(id: string, live: boolean): Promise<void> {
    try {
      await this.d.window.enter(id, live, this.life.signal);
    } catch (err) {
      throw this.closed ? new Cancelled() : err;
    }
    this.life.check();
    this.entered.add(id);
    void this.d.window.settled(id).then(() => this.entered.delete(id));
  }

  private outbox(client: CcvClient, runId: string, trigger: RunMeta["trigger"], send: Send): Outbox {
    return new Outbox(this.d, this.life, (id, live) => this.enter(id, live), client, runId, trigger, send);
  }

  private now(): Date {
    return this.d.clock.date();
  }

  private check(): void {
    this.life.check();
  }

  private guard<T>(p: Promise<T>): Promise<T> {
    return this.life.guard(p);
  }

  /** The items of a CCV listing; stops (Cancelled) before the next item or page once the node closes. */
  private async *pages<T>(it: AsyncIterableIterator<T>): AsyncGenerator<T, void, undefined> {
    let complete = false;
    try {
      for (;;) {
        this.check();
        const r = await this.guard(it.next());
        if (r.done) {
          complete = true;
          return;
        }
        yield r.value;
      }
    } finally {
      // A listing left early (a failure, the close) lets go of its pages; its request on the wire is not awaited.
      if (!complete) void it.return?.(undefined)?.catch(() => undefined);
    }
  }

}

/** The node's lifetime: close() ends it; the work checks it between steps and races its CCV requests and waits against it. */
class Lifetime {
  private readonly ctl = new AbortController();

  constructor() {
    // One listener per piece of work waiting on a CCV request or a timer: many webhooks at once are normal.
    setMaxListeners(0, this.ctl.signal);
  }

  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  get over(): boolean {
    return this.ctl.signal.aborted;
  }

  end(): void {
    this.ctl.abort(new Cancelled());
  }

  /** Throws Cancelled once the node closed: called before every step that fetches, sends or reports. */
  check(): void {
    if (this.over) throw new Cancelled();
  }

  /** `p`, or Cancelled as soon as the node closes (what `p` does then is dropped). */
  guard<T>(p: Promise<T>): Promise<T> {
    const signal = this.ctl.signal;
    if (signal.aborted) {
      p.catch(() => undefined);
      return Promise.reject(new Cancelled());
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Cancelled());
      signal.addEventListener("abort", onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (err: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      );
    });
  }
}

/** A document's failure here: one that ends the run (`endsRun`) or the close is thrown; any other is returned, to be recorded. */
function perDocument(err: unknown): KoppelingError {
  if (err instanceof Cancelled) throw err;
  const e = asKoppelingError(err);
  // A run-wide failure (auth, unreachable) ends the run; a problem with one document is reported and the run goes on.
  if (endsRun(e.code)) throw e;
  return e;
}

/** Sends one run's documents as they are found, each when the shop's message window has room. */
class Outbox {
  index = 0;
  sent = 0;

  constructor(
    private readonly d: OrdersInDeps,
    private readonly life: Lifetime,
    private readonly enter: (id: string, live: boolean) => Promise<void>,
    private readonly client: CcvClient,
    private readonly runId: string,
    private readonly trigger: RunMeta["trigger"],
    private readonly send: Send,
  ) {}

  /** Fetches the document's rows and sends it; its message id, or null when it failed here. */
  async deliver(doc: DueDocument): Promise<string | null> {
    const { d, life } = this;
    life.check();
    const out = this.messageFor(doc, ++this.index);
    d.status(status.busy(this.trigger === "webhook" ? d.t("ccv-orders-in.statusText.order", { id: doc.ordernumber ?? doc.id }) : d.t("ccv-orders-in.statusText.found", { count: this.index })));
    try {
      const it = doc.doc;
      if ("error" in it) throw it.error;
      out.payload = "invoice" in it ? { invoice: it.invoice, rows: await life.guard(this.client.getInvoiceRows(doc.id)) } : { order: it.order, rows: await life.guard(this.client.getOrderRows(doc.id)) };
      if ("invoice" in it && !doc.originalCreated) (out.ccv as CcvMeta).originalCreated = await this.orderCreated(it.invoice);
    } catch (err) {
      const e = perDocument(err);
      const key = doc.key;
      if (key) await d.ledger.update((l) => recordFailure(l, key, { ordernumber: doc.ordernumber, stage: "ccv-orders-in", code: e.code, runId: this.runId }, d.clock.date()));
      life.check();
      d.fail(e, out);
      return null;
    }
    await this.enter(out._msgid, this.trigger === "webhook");
    this.send(out);
    this.sent++;
    return out._msgid;
  }

  /**
   * The `create_date` of the order a credit invoice credits, read from CCV Shop: the credit follows
   * the VAT rules of that day (input.ts `vatDay`), and the ledger keeps it only for orders booked
   * by 0.2 on and not folded. CCV_INVALID_DOCUMENT when the invoice names no order.
   */
  private async orderCreated(invoice: CcvInvoice): Promise<string> {
    const id = idFromLink(invoice.order, "orders");
    if (id == null) throw new KoppelingError("CCV_INVALID_DOCUMENT", `Credit invoice ${invoice.invoicenumber_full || invoice.id}: order: no link to its order, whose date decides the credit's VAT`, { field: "order" });
    return (await this.life.guard(this.client.getOrder(id))).create_date;
  }

  /** The end of a scheduled run: how many documents it had, for the report node. */
  end(): void {
    this.life.check();
    const { configId } = this.d.shop;
    this.send({ _msgid: this.d.newId(), topic: "run", payload: null, run: { id: this.runId, configId, index: 0, total: this.index, trigger: this.trigger, end: true } } as KoppelingMessage);
  }

  private messageFor(doc: DueDocument, index: number): KoppelingMessage {
    const { configId, shopId } = this.d.shop;
    const ordernumber = doc.ordernumber;
    const ccv: CcvMeta = { configId, shopId, orderId: doc.id, ordernumber, kind: doc.kind };
    if (doc.originalFactuurnummer !== undefined) ccv.originalFactuurnummer = doc.originalFactuurnummer;
    if (doc.unconfirmed) ccv.originalUnconfirmed = true;
    if (doc.originalCreated) ccv.originalCreated = doc.originalCreated;
    return {
      _msgid: this.d.newId(),
      topic: ordernumber != null ? String(ordernumber) : String(doc.id),
      payload: null,
      ccv,
      run: { id: this.runId, configId, index, total: this.trigger === "webhook" ? 1 : null, trigger: this.trigger },
    } as KoppelingMessage;
  }
}
