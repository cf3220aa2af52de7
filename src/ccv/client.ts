/**
 * Typed CCV Shop REST API client (ccvshop-api.md): signed requests, lazy paging through
 * absolute `next` links (one page in memory at a time), client-side rate-limit budget,
 * retries, and zod-checked responses. Errors are KoppelingError with CCV_* codes.
 *
 * Query objects use CCV's own parameter names (`is_paid`, `min_create_date`, `orderby`).
 * A Date bound is sent as `YYYY-MM-DD HH:MM:SS` in UTC, the form a production integration
 * uses (§3.2; the timezone CCV applies is UNCERTAIN, so callers should overlap windows).
 */
import type { z } from "zod";
import { KoppelingError } from "../errors";
import {
  ccvCollection,
  ccvInvoice,
  ccvInvoiceRow,
  ccvOrder,
  ccvOrderRow,
  ccvProduct,
  ccvUser,
  ccvWebhook,
  ccvWebhookEvent,
  ccvWebshop,
  ccvWebshopSettings,
  type CcvInvoice,
  type CcvInvoiceRow,
  type CcvOrder,
  type CcvOrderRow,
  type CcvProduct,
  type CcvUser,
  type CcvWebhook,
  type CcvWebshop,
  type CcvWebshopSettings,
} from "./schemas";
import { API_PATH, CcvTransport, type WaitReason } from "./transport";

export { signCcvRequest, formatCcvDate, ccvWebhookHash } from "./signing";

export interface CcvClientOptions {
  /** The shop's address, e.g. `https://myshop.ccvshop.nl`; the client appends `/api/rest/v1/`. */
  shopUrl: string;
  publicKey: string;
  secret: string;
  /** Per request (default 30 000). */
  timeoutMs?: number;
  /** Extra attempts after a 429, 5xx, timeout or network error (default 4). */
  maxRetries?: number;
  /** First backoff after a 5xx/network error, doubled per attempt (default 500). */
  retryBaseMs?: number;
  /** Length of CCV's rate-limit window (default 60 000; tests use a simulator with shorter windows). */
  rateLimitWindowMs?: number;
  /** Clock for `x-date` (default the system clock). */
  now?: () => Date;
  /** Hears every wait: for the rate-limit budget or before a retry. */
  onWait?: (info: { reason: WaitReason; ms: number }) => void;
}

export type CcvOrderSort = "create_date" | "create_date_desc" | "id" | "id_desc" | "ordernumber" | "ordernumber_desc";
export type CcvInvoiceSort = "id" | "id_desc" | "invoicenumber" | "invoicenumber_desc" | "ordernumber" | "ordernumber_desc" | "create_date" | "create_date_desc";

/** Filters of `GET orders/` (§3.2). Undefined values are left out. (Type aliases, not interfaces,
 * so that they fit the generic query record.) */
export type CcvOrderQuery = {
  status?: number;
  is_paid?: boolean;
  /** CCV's default is true: unfinished checkouts are hidden. */
  is_completed?: boolean;
  ordernumber?: number;
  min_create_date?: string | Date;
  max_create_date?: string | Date;
  orderby?: CcvOrderSort;
  /** Page size, 1..100 (default 100). */
  size?: number;
};

/** Filters of `GET invoices/` (§5). */
export type CcvInvoiceQuery = {
  ordernumber?: number;
  invoicenumber?: number;
  status?: "paid" | "unpaid" | "reimbursed";
  min_create_date?: string | Date;
  max_create_date?: string | Date;
  orderby?: CcvInvoiceSort;
  size?: number;
};

export type CcvWebhookEventName = z.infer<typeof ccvWebhookEvent>;

const MAX_PAGE = 100;
type QueryValue = string | number | boolean | Date | undefined;

/** `YYYY-MM-DD HH:MM:SS` in UTC. */
function queryDate(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}

function badRequest(message: string, details: Record<string, unknown>): KoppelingError {
  return new KoppelingError("CCV_BAD_REQUEST", message, details);
}

function checkId(id: number, what: string): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw badRequest(`${what} must be a positive integer, not ${String(id)}`, { id });
  return id;
}

/** The origin of a shop URL; a trailing `/api/rest/v1/` is tolerated, any other path is refused. */
function shopOrigin(shopUrl: string): string {
  let u: URL;
  try {
    u = new URL(shopUrl.trim());
  } catch {
    throw new KoppelingError("CCV_CONFIG", `The shop URL "${shopUrl}" is not a URL; use the shop's address, e.g. https://myshop.ccvshop.nl`, { shopUrl });
  }
  const path = u.pathname.replace(/\/+$/, "");
  if ((u.protocol !== "https:" && u.protocol !== "http:") || (path !== "" && path !== API_PATH.slice(0, -1)) || u.search || u.username) {
    throw new KoppelingError("CCV_CONFIG", `The shop URL "${shopUrl}" must be just the shop's address, e.g. https://myshop.ccvshop.nl`, { shopUrl });
  }
  return u.origin;
}

export class CcvClient {
  private readonly transport: CcvTransport;

  constructor(opts: CcvClientOptions) {
    if (!opts.publicKey || !opts.secret) throw new KoppelingError("CCV_CONFIG", "The CCV Shop API public key and secret are both needed");
    this.transport = new CcvTransport({
      origin: shopOrigin(opts.shopUrl),
      publicKey: opts.publicKey,
      secret: opts.secret,
      timeoutMs: opts.timeoutMs ?? 30_000,
      maxRetries: opts.maxRetries ?? 4,
      retryBaseMs: opts.retryBaseMs ?? 500,
      rateLimitWindowMs: opts.rateLimitWindowMs ?? 60_000,
      now: opts.now ?? (() => new Date()),
      onWait: opts.onWait,
    });
  }

  /** Orders matching `query`, fetched page by page as the caller iterates. */
  orders(query: CcvOrderQuery = {}): AsyncIterableIterator<CcvOrder> {
    return this.pages("orders/", query, ccvOrder);
  }

  async getOrder(id: number): Promise<CcvOrder> {
    return this.get(`orders/${checkId(id, "order id")}/`, ccvOrder);
  }

  /** All rows of an order (rows are never embedded in the order, §3.3). */
  async getOrderRows(id: number): Promise<CcvOrderRow[]> {
    return this.all(`orders/${checkId(id, "order id")}/orderrows/`, ccvOrderRow);
  }

  async getUser(id: number): Promise<CcvUser> {
    return this.get(`users/${checkId(id, "user id")}/`, ccvUser);
  }

  findProducts(productnumber: string): Promise<CcvProduct[]> {
    return this.all("products/", ccvProduct, { productnumber });
  }

  /** Debit and credit invoices matching `query`, page by page. */
  invoices(query: CcvInvoiceQuery = {}): AsyncIterableIterator<CcvInvoice> {
    return this.pages("invoices/", query, ccvInvoice);
  }

  async getInvoice(id: number): Promise<CcvInvoice> {
    return this.get(`invoices/${checkId(id, "invoice id")}/`, ccvInvoice);
  }

  async getInvoiceRows(id: number): Promise<CcvInvoiceRow[]> {
    return this.all(`invoices/${checkId(id, "invoice id")}/invoicerows/`, ccvInvoiceRow);
  }

  webshops(): Promise<CcvWebshop[]> {
    return this.all("webshops/", ccvWebshop);
  }

  async webshopSettings(id: number): Promise<CcvWebshopSettings> {
    return this.get(`webshops/${checkId(id, "webshop id")}/settings/`, ccvWebshopSettings);
  }

  webhooks(): Promise<CcvWebhook[]> {
    return this.all("webhooks/", ccvWebhook);
  }

  /** Registers a webhook; keep the returned `key`, it signs the deliveries. Not retried on 5xx. */
  createWebhook(input: { event: CcvWebhookEventName; address: string; isActive?: boolean }): Promise<CcvWebhook> {
    const body = { event: input.event, address: input.address, is_active: input.isActive ?? true };
    return this.transport.request("POST", `${API_PATH}webhooks/`, ccvWebhook, body);
  }

  async deleteWebhook(id: number): Promise<void> {
    await this.transport.request("DELETE", `${API_PATH}webhooks/${checkId(id, "webhook id")}/`, null);
  }

  /** One signed request that proves URL, keys and clock; answers the (first) webshop's name. */
  async testConnection(): Promise<{ webshopName: string }> {
    const page = await this.transport.request("GET", target("webshops/", { size: 1 }), ccvCollection(ccvWebshop));
    const shop = page.items[0];
    if (!shop) throw new KoppelingError("CCV_NOT_FOUND", "The CCV Shop API key sees no webshop");
    return { webshopName: shop.name };
  }

  private get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return this.transport.request("GET", `${API_PATH}${path}`, schema);
  }

  private async all<S extends z.ZodType>(path: string, item: S, params: Record<string, QueryValue> = {}): Promise<Array<z.output<S>>> {
    const out: Array<z.output<S>> = [];
    for await (const x of this.pages(path, params, item)) out.push(x);
    return out;
  }

  /**
   * Lazily follows `next`: a page is requested only when the caller has consumed the previous
   * one, so memory holds one page whatever the collection's size. Stops at a null `next` or an
   * empty page (a guard against a link that never ends).
   */
  private async *pages<S extends z.ZodType>(path: string, query: Record<string, QueryValue>, item: S): AsyncGenerator<z.output<S>, void, undefined> {
    const envelope = ccvCollection(item);
    let next: string | null = target(path, { ...query, size: pageSize(query.size) });
    while (next) {
      const page: z.output<typeof envelope> = await this.transport.request("GET", next, envelope);
      const items = page.items as Array<z.output<S>>;
      for (const x of items) yield x;
      next = items.length > 0 && page.next ? page.next : null;
    }
  }
}

function pageSize(size: QueryValue): number {
  if (size === undefined) return MAX_PAGE;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw badRequest(`page size must be 1..${MAX_PAGE}, not ${String(size)}`, { size });
  return size;
}

/** `/api/rest/v1/<path>?<query>` with undefined values left out and Dates as UTC date-times. */
function target(path: string, params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) throw badRequest(`${k} is an invalid date`, { [k]: String(v) });
      q.set(k, queryDate(v));
    } else {
      q.set(k, String(v));
    }
  }
  const qs = q.toString();
  return `${API_PATH}${path}${qs ? `?${qs}` : ""}`;
}
