/**
 * Everything the CCV simulator holds: the seeded orders and invoices, webhooks and their
 * delivery log, request and response counts, faults and rate-limit windows. Tests reach it
 * in-process as `sim.state` (read it, add or patch orders, inspect deliveries).
 */
import { FaultQueue, RequestCounter, WindowLimiter, windowMs, type RateLimitMode } from "../http";
import { formatCcvDate } from "../../src/ccv/signing";
import { generateInvoices, generateOrders } from "./generate";
import { orderFromInput } from "./order-input";
import { BadInput } from "./responses";
import { shapeOf, type Shape, type ShapeMode } from "./shapes";
import type { SimInvoice, SimOrder } from "./types";
import { deliver, eventPayload, newWebhookKey, parseWebhookInput, parseWebhookPatch as parsePatch, type OrderEvent, type SimWebhook, type WebhookDelivery } from "./webhooks";

/** Documented limits (docs/reference/ccvshop-api.md#rate-limits): per resource and method, per minute. */
export const GET_LIMIT = 150;
export const WRITE_LIMIT = 100;
const MINUTE_MS = 60_000;

export interface StateConfig {
  seed: number;
  orders: number;
  origin: string;
  rateLimits: RateLimitMode;
  now: () => number;
  /** The shapes documents are served in (./shapes); default `mixed`. */
  shapes?: ShapeMode;
  /** The seeded shop's daily volume: its history spans `orders / ordersPerDay` days (default: 90 days, ./generate). */
  ordersPerDay?: number;
  /**
   * The seeded shop's present (ms): its orders end there and no invoice is dated after it (default:
   * the orders end at the seed's reference date, and a credit invoice may be dated up to two weeks after them).
   */
  historyEnd?: number;
}

export class NotFound extends Error {}

export class CcvSimState {
  orders: SimOrder[] = [];
  invoices: SimInvoice[] = [];
  webhooks: SimWebhook[] = [];
  deliveries: WebhookDelivery[] = [];
  readonly requests = new RequestCounter();
  readonly faults = new FaultQueue();
  /** Responses of the API per HTTP status (e.g. how many 429s were answered). */
  readonly statusCounts = new Map<number, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly limiters: { get: WindowLimiter; write: WindowLimiter } | null;
  private nextWebhookId = 1;

  constructor(private readonly cfg: StateConfig) {
    const get = windowMs(cfg.rateLimits, MINUTE_MS);
    this.limiters = get === null ? null : { get: new WindowLimiter(GET_LIMIT, get, cfg.now), write: new WindowLimiter(WRITE_LIMIT, get, cfg.now) };
    this.seed();
  }

  get origin(): string {
    return this.cfg.origin;
  }

  get apiBase(): string {
    return `${this.cfg.origin}/api/rest/v1/`;
  }

  now(): number {
    return this.cfg.now();
  }

  /** The shape the document with this id is served in. */
  shape(id: number): Shape {
    return shapeOf(this.cfg.shapes ?? "mixed", this.cfg.seed, id);
  }

  private seed(): void {
    const { orders: count, seed, origin: baseUrl, ordersPerDay, historyEnd } = this.cfg;
    this.orders = generateOrders({ count, seed, baseUrl, ordersPerDay, end: historyEnd === undefined ? undefined : new Date(historyEnd) });
    this.invoices = generateInvoices(this.orders, seed, historyEnd);
  }

  /** Back to the seeded data; clears faults, counts, webhooks, deliveries and rate-limit windows. */
  reset(): void {
    this.seed();
    this.webhooks = [];
    this.deliveries = [];
    this.nextWebhookId = 1;
    this.requests.reset();
    this.faults.clear();
    this.statusCounts.clear();
    this.limiters?.get.reset();
    this.limiters?.write.reset();
  }

  order(id: number): SimOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  invoice(id: number): SimInvoice | undefined {
    return this.invoices.find((i) => i.id === id);
  }

  /** 0 when allowed, else ms until the window has room (GET 150, writes 100 per resource+method). */
  rateLimit(method: string, template: string): number {
    if (!this.limiters) return 0;
    return (method === "GET" ? this.limiters.get : this.limiters.write).hit(`${method} ${template}`);
  }

  countStatus(status: number): void {
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
  }

  /** Adds a hand-written order (rows inline; see order-input.ts) and fires `orders.created`. */
  addOrder(input: unknown): SimOrder {
    const max = (f: (o: SimOrder) => number) => this.orders.reduce((m, o) => Math.max(m, f(o)), 0);
    let rowId = max((o) => o.orderrows.reduce((m, r) => Math.max(m, Number(r.id)), 0));
    const order = orderFromInput(input, {
      api: this.apiBase,
      origin: this.cfg.origin,
      now: this.cfg.now(),
      nextOrderId: () => max((o) => o.id) + 1_000,
      nextOrdernumber: () => max((o) => o.ordernumber ?? 0) + 1,
      nextRowId: () => (rowId += 1),
    });
    if (this.order(order.id)) throw new BadInput(`an order with id ${order.id} exists`);
    this.orders.push(order);
    this.fire("orders.created", order);
    return order;
  }

  /** Marks an order paid/unpaid or changes its status; fires the matching webhooks on a change. */
  patchOrder(id: number, patch: { paid?: unknown; status?: unknown }): SimOrder {
    const order = this.order(id);
    if (!order) throw new NotFound(`order ${id} not found`);
    const extra = Object.keys(patch).filter((k) => k !== "paid" && k !== "status");
    if (extra.length) throw new BadInput(`only paid and status can be patched, not ${extra.join(", ")}`);
    if (patch.paid !== undefined && typeof patch.paid !== "boolean") throw new BadInput("paid must be a boolean");
    if (patch.status !== undefined && (!Number.isInteger(patch.status) || Number(patch.status) < 1 || Number(patch.status) > 14)) {
      throw new BadInput("status must be an integer from 1 to 14");
    }
    if (patch.status !== undefined && !order.is_completed) throw new BadInput("an unfinished checkout has no status");
    if (typeof patch.paid === "boolean" && patch.paid !== order.paid) {
      order.paid = patch.paid;
      this.fire("orders.updated.ispaid", order);
    }
    if (typeof patch.status === "number" && patch.status !== order.status) {
      const previous = order.status;
      order.status = patch.status;
      this.fire("orders.updated.status", order, previous);
    }
    return order;
  }

  /**
   * Writes raw values into a stored order or invoice, bypassing every check, so that tests and
   * demos can serve a document as broken as a real shop may: `set` maps dotted paths
   * (`total_tax`, `orderrows.0.count`, `customer.billingaddress.country_code`) to JSON values,
   * `unset` lists paths to remove.
   */
  malform(kind: "order" | "invoice", id: number, body: unknown): SimOrder | SimInvoice {
    const doc = kind === "order" ? this.order(id) : this.invoice(id);
    if (!doc) throw new NotFound(`${kind} ${id} not found`);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadInput("body must be {set?: {path: value}, unset?: [path]}");
    const { set = {}, unset = [], ...extra } = body as { set?: unknown; unset?: unknown };
    if (Object.keys(extra).length) throw new BadInput(`unknown field(s): ${Object.keys(extra).join(", ")}`);
    if (typeof set !== "object" || set === null || Array.isArray(set) || !Array.isArray(unset) || !unset.every((p) => typeof p === "string")) {
      throw new BadInput("set must be an object of path: value, unset a list of paths");
    }
    const walk = (path: string): [Record<string, unknown>, string] => {
      const keys = path.split(".");
      let at: unknown = doc;
      for (const k of keys.slice(0, -1)) {
        at = (at as Record<string, unknown> | null)?.[k];
        if (typeof at !== "object" || at === null) throw new BadInput(`no such path: ${path}`);
      }
      return [at as Record<string, unknown>, keys[keys.length - 1]];
    };
    for (const [path, value] of Object.entries(set)) {
      const [parent, key] = walk(path);
      parent[key] = value;
    }
    for (const path of unset as string[]) {
      const [parent, key] = walk(path);
      delete parent[key];
    }
    return doc;
  }

  addWebhook(body: unknown): SimWebhook {
    const input = parseWebhookInput(body);
    const id = this.nextWebhookId++;
    const hook: SimWebhook = { href: `${this.apiBase}webhooks/${id}/`, id, createdate: formatCcvDate(new Date(this.cfg.now())), ...input, key: newWebhookKey() };
    this.webhooks.push(hook);
    return hook;
  }

  /** `PATCH webhooks/{id}/`: only `address` and `is_active` can change (docs/reference/ccvshop-api.md#webhook-management). */
  patchWebhook(id: number, body: unknown): SimWebhook {
    const hook = this.webhooks.find((w) => w.id === id);
    if (!hook) throw new NotFound(`webhook ${id} not found`);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadInput("body must be a JSON object");
    const patch = parsePatch(body as Record<string, unknown>);
    Object.assign(hook, patch);
    return hook;
  }

  removeWebhook(id: number): void {
    if (!this.webhooks.some((w) => w.id === id)) throw new NotFound(`webhook ${id} not found`);
    this.webhooks = this.webhooks.filter((w) => w.id !== id);
  }

  /** Fire-and-forget delivery to every active webhook of `event`. */
  fire(event: OrderEvent, order: SimOrder, previousStatus?: number | null): void {
    const body = JSON.stringify(eventPayload(event, order, this.cfg.now(), previousStatus));
    for (const hook of this.webhooks.filter((w) => w.event === event && w.is_active)) {
      const p = deliver(hook, body, this.cfg.now, this.deliveries).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  /** Resolves when every delivery started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
