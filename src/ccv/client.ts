/**
 * Typed CCV Shop REST API client (docs/reference/ccvshop-api.md): the resources, signed requests
 * and lazy paging through absolute `next` links (one page in memory at a time), over the one HTTP
 * layer (../http/sender.ts) with CCV's rate-limit budget (./throttle.ts), retry rules and error
 * dialect (./errors.ts: CCV_* codes).
 *
 * - Signing: the request target (path + query) is normalised once with WHATWG URL parsing, which
 *   is exactly what axios puts on the wire, and that string is hashed; every attempt is signed
 *   anew with its own time (docs/reference/ccvshop-api.md#request-signing).
 * - Budget (./throttle.ts): a lane per `METHOD template` keeps under 150 GET and 100 writes per
 *   window; none when the window is null (a simulator with its limits off).
 * - Retries (./errors.ts `ccvRetryPolicy`): 429 on any method, after a whole window; 5xx,
 *   timeouts and network errors only on GET/DELETE (a POST may have been processed; repeating it
 *   could create a second webhook), with backoff.
 * - Every body is checked with the schema the caller gives; a mismatch is CCV_INVALID_RESPONSE
 *   naming the field. Documents come through as unchecked JSON (`z.unknown()`) and are checked
 *   one by one (./check: CCV_INVALID_DOCUMENT), so that one bad document fails alone.
 *
 * Query objects use CCV's own parameter names (`is_paid`, `min_create_date`, `orderby`). A Date
 * bound is sent as `YYYY-MM-DD HH:MM:SS` in UTC, the form a production integration uses
 * (docs/reference/ccvshop-api.md#order-list-filters; the timezone CCV applies is UNCERTAIN, so
 * callers should overlap windows).
 */
import { z } from "zod";
import { describeIssues, KoppelingError } from "../errors";
import type { HttpMethod } from "../http/policy";
import { RequestSender, type HttpResponse, type WaitInfo } from "../http/sender";
import type { Throttle } from "../http/throttle";
import { requestTarget, serviceUrl } from "../http/url";
import { type Checked, checkDocument, invalidDocument, unwrap } from "./check";
import {
  ccvCollection,
  ccvInvoice,
  ccvInvoiceHead,
  ccvInvoiceRow,
  ccvOrder,
  ccvOrderHead,
  ccvOrderRow,
  ccvProduct,
  ccvUser,
  ccvWebhook,
  ccvWebhookEvent,
  ccvWebshop,
  ccvWebshopSettings,
  type CcvInvoice,
  type CcvInvoiceHead,
  type CcvInvoiceRow,
  type CcvOrder,
  type CcvOrderHead,
  type CcvOrderRow,
  type CcvProduct,
  type CcvUser,
  type CcvWebhook,
  type CcvWebshop,
  type CcvWebshopSettings,
} from "./schemas";
import { ccvError, ccvRetryPolicy } from "./errors";
import { signCcvRequest } from "./signing";
import { ccvThrottle, RATE_LIMIT_WINDOW_MS, rateLimitKey } from "./throttle";

export { signCcvRequest, formatCcvDate, ccvWebhookHash } from "./signing";
export type { Checked } from "./check";

const API_PATH = "/api/rest/v1/";

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
  /**
   * Length of CCV's rate-limit window (default 60 000; tests use a simulator with shorter
   * windows); null: no client-side budget (a simulator with its limits off), a 429 still waits.
   */
  rateLimitWindowMs?: number | null;
  /** Clock for `x-date` (default the system clock). */
  now?: () => Date;
  /** Hears every wait (the HTTP layer's reasons): for a place in the rate-limit budget (`throttle`), after a 429 (`rate-limit`), before a retry. */
  onWait?: (info: WaitInfo) => void;
}

export type CcvOrderSort = "create_date" | "create_date_desc" | "id" | "id_desc" | "ordernumber" | "ordernumber_desc";
export type CcvInvoiceSort = "id" | "id_desc" | "invoicenumber" | "invoicenumber_desc" | "ordernumber" | "ordernumber_desc" | "create_date" | "create_date_desc";

/** Filters of `GET orders/` (docs/reference/ccvshop-api.md#order-list-filters). Undefined values
 * are left out. (Type aliases, not interfaces, so that they fit the generic query record.) */
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

/** Filters of `GET invoices/` (docs/reference/ccvshop-api.md#invoices). */
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

/**
 * The shop's address (`origin`; `host` is its stable name, see ../nodes/ccv-config.ts) from a
 * shop URL; a trailing `/api/rest/v1/` is tolerated, any other path is refused, and so is plain
 * http:// to another machine (the key would travel in clear text).
 */
export function shopAddress(shopUrl: string): { origin: string; host: string } {
  const u = serviceUrl(shopUrl, undefined, "CCV_CONFIG", "shop URL");
  const path = u.pathname.replace(/\/+$/, "");
  if ((path !== "" && path !== API_PATH.slice(0, -1)) || u.search) {
    throw new KoppelingError("CCV_CONFIG", `The shop URL "${shopUrl}" must be just the shop's address, e.g. https://myshop.ccvshop.nl`, { shopUrl });
  }
  return { origin: u.origin, host: u.host };
}

export class CcvClient {
  private readonly origin: string;
  private readonly publicKey: string;
  private readonly secret: string;
  private readonly now: () => Date;
  private readonly throttle: Throttle | null;
  private readonly sender: RequestSender;

  constructor(opts: CcvClientOptions) {
    if (!opts.publicKey || !opts.secret) throw new KoppelingError("CCV_CONFIG", "The CCV Shop API public key and secret are both needed");
    const { origin } = shopAddress(opts.shopUrl);
    const windowMs = opts.rateLimitWindowMs === undefined ? RATE_LIMIT_WINDOW_MS : opts.rateLimitWindowMs;
    this.origin = origin;
    this.publicKey = opts.publicKey;
    this.secret = opts.secret;
    this.now = opts.now ?? (() => new Date());
    this.throttle = windowMs === null ? null : ccvThrottle(windowMs);
    this.sender = new RequestSender({
      policy: ccvRetryPolicy({ maxRetries: opts.maxRetries ?? 4, retryBaseMs: opts.retryBaseMs ?? 500, windowMs }),
      timeoutMs: opts.timeoutMs ?? 30_000,
      throttle: this.throttle,
      error: (f) => ccvError(f, origin),
      onWait: opts.onWait,
    });
  }

  /**
   * Orders matching `query`, fetched page by page as the caller iterates, each checked on its
   * own: an order that does not fit the schema comes as a failed check (with its head when that
   * could be read), and the orders after it still come.
   */
  orders(query: CcvOrderQuery = {}): AsyncIterableIterator<Checked<CcvOrder, CcvOrderHead>> {
    return this.pages("orders/", query, (raw) => checkDocument(raw, ccvOrder, ccvOrderHead, "order"));
  }

  /** One order, checked (a failed check when it does not fit the schema). */
  async readOrder(id: number): Promise<Checked<CcvOrder, CcvOrderHead>> {
    const raw = await this.get(`orders/${checkId(id, "order id")}/`);
    return checkDocument(raw, ccvOrder, ccvOrderHead, "order");
  }

  /** One order; CCV_INVALID_DOCUMENT when it does not fit the schema. */
  async getOrder(id: number): Promise<CcvOrder> {
    return unwrap(await this.readOrder(id));
  }

  /** All rows of an order (rows are never embedded in the order, docs/reference/ccvshop-api.md#order-fields); one row that does not fit fails the order. */
  async getOrderRows(id: number): Promise<CcvOrderRow[]> {
    return this.rowsOf(`orders/${checkId(id, "order id")}/orderrows/`, ccvOrderRow, `order ${id}`);
  }

  async getUser(id: number): Promise<CcvUser> {
    return unwrap(checkDocument(await this.get(`users/${checkId(id, "user id")}/`), ccvUser, null, "user"));
  }

  findProducts(productnumber: string): Promise<CcvProduct[]> {
    return this.all("products/", ccvProduct, "product", { productnumber });
  }

  /** Debit and credit invoices matching `query`, page by page, each checked on its own (as `orders`). */
  invoices(query: CcvInvoiceQuery = {}): AsyncIterableIterator<Checked<CcvInvoice, CcvInvoiceHead>> {
    return this.pages("invoices/", query, (raw) => checkDocument(raw, ccvInvoice, ccvInvoiceHead, "invoice"));
  }

  /** One invoice, checked (a failed check when it does not fit the schema). */
  async readInvoice(id: number): Promise<Checked<CcvInvoice, CcvInvoiceHead>> {
    return checkDocument(await this.get(`invoices/${checkId(id, "invoice id")}/`), ccvInvoice, ccvInvoiceHead, "invoice");
  }

  async getInvoice(id: number): Promise<CcvInvoice> {
    return unwrap(await this.readInvoice(id));
  }

  async getInvoiceRows(id: number): Promise<CcvInvoiceRow[]> {
    return this.rowsOf(`invoices/${checkId(id, "invoice id")}/invoicerows/`, ccvInvoiceRow, `invoice ${id}`);
  }

  webshops(): Promise<CcvWebshop[]> {
    return this.all("webshops/", ccvWebshop, "webshop");
  }

  async webshopSettings(id: number): Promise<CcvWebshopSettings> {
    return unwrap(checkDocument(await this.get(`webshops/${checkId(id, "webshop id")}/settings/`), ccvWebshopSettings, null, "webshop settings"));
  }

  webhooks(): Promise<CcvWebhook[]> {
    return this.all("webhooks/", ccvWebhook, "webhook");
  }

  /** Registers a webhook; keep the returned `key`, it signs the deliveries. Not retried on 5xx. */
  createWebhook(input: { event: CcvWebhookEventName; address: string; isActive?: boolean }): Promise<CcvWebhook> {
    const body = { event: input.event, address: input.address, is_active: input.isActive ?? true };
    return this.request("POST", `${API_PATH}webhooks/`, ccvWebhook, body);
  }

  async deleteWebhook(id: number): Promise<void> {
    await this.request("DELETE", `${API_PATH}webhooks/${checkId(id, "webhook id")}/`, null);
  }

  /** One signed request that proves URL, keys and clock; answers the (first) webshop's name. */
  async testConnection(): Promise<{ webshopName: string }> {
    const page = await this.request("GET", target("webshops/", { size: 1 }), ccvCollection);
    if (page.items.length === 0) throw new KoppelingError("CCV_NOT_FOUND", "The CCV Shop API key sees no webshop");
    return { webshopName: unwrap(checkDocument(page.items[0], ccvWebshop, null, "webshop")).name };
  }

  /**
   * Sends a signed request and returns the body checked by `schema` (undefined when `schema`
   * is null, e.g. a 204 of DELETE). `target` is a path+query or an absolute CCV link; an absolute
   * link is always sent to the configured shop, never to another host.
   */
  private async request<S extends z.ZodType>(method: HttpMethod, target: string, schema: S | null, body?: unknown): Promise<z.output<S>> {
    const uri = requestTarget(target, this.origin);
    if (!uri.startsWith(API_PATH)) {
      throw new KoppelingError("CCV_INVALID_RESPONSE", `CCV Shop sent a link outside the API: ${target}`, { target });
    }
    const text = body === undefined ? "" : JSON.stringify(body);
    const res = await this.sender.send({
      method,
      url: `${this.origin}${uri}`,
      path: uri,
      headers: () => {
        const headers: Record<string, string> = { ...signCcvRequest({ publicKey: this.publicKey, secret: this.secret, method, uri, body: text, date: this.now() }), Accept: "application/json" };
        if (body !== undefined) headers["Content-Type"] = "application/json";
        return headers;
      },
      body: body === undefined ? undefined : text,
      throttleKey: this.throttle ? rateLimitKey(method, uri) : null,
    });
    return schema === null ? (undefined as z.output<S>) : parse(method, uri, res, schema);
  }

  /** A document's JSON, unchecked: the caller checks it with `checkDocument`. */
  private get(path: string): Promise<unknown> {
    return this.request("GET", `${API_PATH}${path}`, z.unknown());
  }

  /** Every item of a small collection (webshops, webhooks, products); an item that does not fit fails the call. */
  private async all<S extends z.ZodType>(path: string, item: S, kind: string, params: Record<string, QueryValue> = {}): Promise<Array<z.output<S>>> {
    const out: Array<z.output<S>> = [];
    for await (const x of this.pages(path, params, (raw) => checkDocument(raw, item, null, kind))) out.push(unwrap(x));
    return out;
  }

  /** The rows of one document; the first row that does not fit fails the document, named by `owner`. */
  private async rowsOf<S extends z.ZodType>(path: string, row: S, owner: string): Promise<Array<z.output<S>>> {
    const out: Array<z.output<S>> = [];
    for await (const raw of this.pages(path, {}, (x) => x)) {
      const r = row.safeParse(raw);
      if (!r.success) throw invalidDocument(`${owner}, row ${out.length + 1}`, raw, r.error.issues);
      out.push(r.data);
    }
    return out;
  }

  /**
   * Lazily follows `next`: a page is requested only when the caller has consumed the previous
   * one, so memory holds one page whatever the collection's size. Stops at a null `next` or an
   * empty page (a guard against a link that never ends). Each item goes through `check` on its own.
   */
  private async *pages<T>(path: string, query: Record<string, QueryValue>, check: (raw: unknown) => T): AsyncGenerator<T, void, undefined> {
    let next: string | null = target(path, { ...query, size: pageSize(query.size) });
    while (next) {
      const page: z.output<typeof ccvCollection> = await this.request("GET", next, ccvCollection);
      for (const x of page.items) yield check(x);
      next = page.items.length > 0 && page.next ? page.next : null;
    }
  }
}

/** The JSON body of a 2xx checked by `schema`; CCV_INVALID_RESPONSE naming the field when it does not fit. */
function parse<S extends z.ZodType>(method: string, uri: string, res: HttpResponse, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw new KoppelingError("CCV_INVALID_RESPONSE", `CCV Shop answered ${method} ${uri} with a body that is not JSON`, { status: res.status, method, path: uri });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.map(String).join(".") ?? "";
    throw new KoppelingError("CCV_INVALID_RESPONSE", `CCV Shop sent an unexpected response for ${method} ${uri}: ${describeIssues(parsed.error.issues)}`, {
      status: res.status,
      method,
      path: uri,
      field,
    });
  }
  return parsed.data;
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
