/**
 * A CCV Shop REST API simulator on real HTTP (docs/reference/ccvshop-api.md): HMAC-signed requests,
 * paged collections with absolute `next` links, filters, per resource+method rate limits (429.10),
 * signed responses, webhooks, and a control API under `/__sim/` (no auth) for tests.
 *
 * Pipeline of an `/api/rest/v1/` request: count it (`METHOD template`), apply an injected
 * fault, authenticate (401), route (404.20 / 405.10), rate-limit (429.10), answer, sign.
 *
 * Simulator choices where CCV is UNCERTAIN (the stricter side): see auth.ts (x-date forms,
 * 401 codes), query.ts (size 1..100 else 400, default 25, date formats, inclusive bounds),
 * webhooks.ts (signature, payload of orders.created), responses.ts (error codes). Not modelled:
 * the global 429.11 limit (its size is unknown), PATCH/POST on orders, order notes and labels.
 */
import type http from "node:http";
import { Router, listen, readBody, send, type Fault, type Handler, type RateLimitMode, type SimRequest, type SimResponse } from "../http";
import { checkAuth, responseSignature, type AuthConfig } from "./auth";
import { BadInput, CODES, ccvError, faultCode } from "./responses";
import { listInvoices, listOrders, serveInvoice, serveOrder, serveRow } from "./lists";
import { page, paymethods, productsFromOrders, userFromOrders, webshop, webshopSettings } from "./resources";
import { shapeSettings, shapeUser, type ShapeMode } from "./shapes";
import { CcvSimState, NotFound } from "./state";
import { WEBSHOP } from "./catalog";

export { CcvSimState } from "./state";
export type { RateLimitMode } from "../http";

export interface CcvSimOptions {
  /** 0 (default) = any free port. */
  port?: number;
  host?: string;
  /** Number of seeded orders (default 50). */
  orders?: number;
  seed?: number;
  /** `real` (default): 150 GET / 100 writes per minute; `off`; `{scale: K}`: windows K times shorter. */
  rateLimits?: RateLimitMode;
  publicKey?: string;
  secret?: string;
  /** The server clock (x-date check, response x-date, rate-limit windows); default Date.now. */
  now?: () => number;
  /**
   * Origin written into hrefs and paging links (default: the simulator's own URL), as a shop
   * that reports its canonical domain while being reached at another address.
   */
  linkOrigin?: string;
  /** The shapes documents are served in: `strict`, `real` or `mixed` (default; see ./shapes). */
  shapes?: ShapeMode;
  /**
   * The seeded shop's daily volume: its `orders` span `orders / ordersPerDay` days before the
   * seed's reference date (default: 90 days, whatever the number of orders).
   */
  ordersPerDay?: number;
  /**
   * The seeded shop's present (ms since the epoch), e.g. the time the simulator starts: its orders
   * end there and no invoice is dated after it. Default: the orders end at the seed's reference
   * date (never the clock), and a credit invoice may be dated up to two weeks after them.
   */
  historyEnd?: number;
}

export interface CcvSim {
  /** `http://127.0.0.1:port`: the "shop URL" a client is given. */
  url: string;
  apiBase: string;
  port: number;
  state: CcvSimState;
  close(): Promise<void>;
}

const API_PREFIX = "/api/rest/v1/";
const MAX_DELAY_MS = 60_000;

function json(status: number, body: unknown): SimResponse {
  return { status, body };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadInput("body is not valid JSON");
  }
}

function idParam(req: SimRequest, name = "id"): number {
  const raw = req.params[name];
  return /^\d+$/.test(raw) ? Number(raw) : -1;
}

function notFound(what: string): SimResponse {
  return ccvError(404, CODES.notFoundId, `${what} not found`);
}

function apiRoutes(state: CcvSimState): Router {
  const r = new Router();
  const api = (t: string) => `${API_PREFIX}${t}`;
  const origin = state.origin;
  r.on("GET", api("orders/"), (req) => listOrders(state, req));
  r.on("GET", api("orders/:id/"), (req) => {
    const o = state.order(idParam(req));
    return o ? json(200, serveOrder(state, o)) : notFound(`order ${req.params.id}`);
  });
  r.on("GET", api("orders/:id/orderrows/"), (req) => {
    const o = state.order(idParam(req));
    return o ? json(200, page(o.orderrows, req, origin, (row) => serveRow(state, o.id, row), state.shape(o.id))) : notFound(`order ${req.params.id}`);
  });
  r.on("GET", api("orderrows/:id/"), (req) => {
    const id = idParam(req);
    const o = state.orders.find((x) => x.orderrows.some((row) => Number(row.id) === id));
    const row = o?.orderrows.find((x) => Number(x.id) === id);
    return o && row ? json(200, serveRow(state, o.id, row)) : notFound(`order row ${req.params.id}`);
  });
  r.on("GET", api("orders/:id/invoices/"), (req) => {
    const o = state.order(idParam(req));
    if (!o) return notFound(`order ${req.params.id}`);
    const mine = state.invoices.filter((i) => i.order.href === o.href);
    return json(200, page(mine, req, origin, (i) => serveInvoice(state, i), state.shape(o.id)));
  });
  r.on("GET", api("users/:id/"), (req) => {
    const u = userFromOrders(state.orders, idParam(req), state.apiBase);
    return u ? json(200, shapeUser(u, state.shape(u.id))) : notFound(`user ${req.params.id}`);
  });
  r.on("GET", api("products/"), (req) => {
    const wanted = req.query.get("productnumber");
    const items = productsFromOrders(state.orders, state.apiBase).filter((p) => wanted === null || p.productnumber === wanted);
    return json(200, page(items, req, origin));
  });
  r.on("GET", api("paymethods/"), (req) => json(200, page(paymethods(state.apiBase), req, origin)));
  r.on("GET", api("invoices/"), (req) => listInvoices(state, req));
  r.on("GET", api("invoices/:id/"), (req) => {
    const i = state.invoice(idParam(req));
    return i ? json(200, serveInvoice(state, i)) : notFound(`invoice ${req.params.id}`);
  });
  r.on("GET", api("invoices/:id/invoicerows/"), (req) => {
    const i = state.invoice(idParam(req));
    return i ? json(200, page(i.invoicerows, req, origin, (row) => serveRow(state, i.id, row), state.shape(i.id))) : notFound(`invoice ${req.params.id}`);
  });
  r.on("GET", api("webshops/"), (req) => json(200, page([webshop(state.apiBase, origin)], req, origin)));
  r.on("GET", api("webshops/:id/"), (req) => (idParam(req) === WEBSHOP.id ? json(200, webshop(state.apiBase, origin)) : notFound(`webshop ${req.params.id}`)));
  r.on("GET", api("webshops/:id/settings/"), (req) =>
    idParam(req) === WEBSHOP.id ? json(200, shapeSettings(webshopSettings(state.apiBase), state.shape(WEBSHOP.id))) : notFound(`webshop ${req.params.id}`),
  );
  r.on("GET", api("webhooks/"), (req) => json(200, page(state.webhooks, req, origin)));
  r.on("POST", api("webhooks/"), (req) => json(201, state.addWebhook(parseJson(req.body))));
  r.on("GET", api("webhooks/:id/"), (req) => {
    const w = state.webhooks.find((x) => x.id === idParam(req));
    return w ? json(200, w) : notFound(`webhook ${req.params.id}`);
  });
  r.on("PATCH", api("webhooks/:id/"), (req) => {
    state.patchWebhook(idParam(req), parseJson(req.body));
    return { status: 204 };
  });
  r.on("DELETE", api("webhooks/:id/"), (req) => {
    state.removeWebhook(idParam(req));
    return { status: 204 };
  });
  return r;
}

function controlRoutes(state: CcvSimState): Router {
  const r = new Router();
  r.on("GET", "/__sim/orders", () => json(200, state.orders));
  r.on("POST", "/__sim/orders", (req) => json(201, state.addOrder(parseJson(req.body))));
  r.on("PATCH", "/__sim/orders/:id", (req) => {
    const body = parseJson(req.body);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadInput("body must be {paid?, status?}");
    return json(200, state.patchOrder(idParam(req), body));
  });
  r.on("PATCH", "/__sim/orders/:id/raw", (req) => json(200, state.malform("order", idParam(req), parseJson(req.body))));
  r.on("PATCH", "/__sim/invoices/:id/raw", (req) => json(200, state.malform("invoice", idParam(req), parseJson(req.body))));
  r.on("POST", "/__sim/faults", (req) => {
    state.faults.add(parseFault(parseJson(req.body)));
    return json(201, { pending: state.faults.pending });
  });
  r.on("GET", "/__sim/requests", () => json(200, state.requests.toJSON()));
  r.on("GET", "/__sim/responses", () => json(200, Object.fromEntries(state.statusCounts)));
  r.on("POST", "/__sim/reset", () => {
    state.reset();
    return { status: 204 };
  });
  r.on("GET", "/__sim/webhooks/deliveries", () => json(200, state.deliveries));
  return r;
}

export function parseFault(x: unknown): Fault {
  if (typeof x !== "object" || x === null || Array.isArray(x)) throw new BadInput("a fault is a JSON object");
  const f = x as Record<string, unknown>;
  if (!["status", "delay", "reset", "drop-response"].includes(String(f.kind))) throw new BadInput("kind must be status, delay, reset or drop-response");
  const intIn = (v: unknown, lo: number, hi: number) => v === undefined || (Number.isInteger(v) && Number(v) >= lo && Number(v) <= hi);
  if (f.kind === "status" && (f.status === undefined || !intIn(f.status, 100, 599))) throw new BadInput("a status fault needs status 100..599");
  if (f.kind === "delay" && (f.ms === undefined || !intIn(f.ms, 0, MAX_DELAY_MS))) throw new BadInput(`a delay fault needs ms 0..${MAX_DELAY_MS}`);
  if (!intIn(f.count, 1, 1_000_000)) throw new BadInput("count must be a positive integer");
  for (const k of ["method", "path"] as const) if (f[k] !== undefined && typeof f[k] !== "string") throw new BadInput(`${k} must be a string`);
  return f as unknown as Fault;
}

/** Turns thrown input problems into CCV error responses. */
async function run(handler: Handler, req: SimRequest): Promise<SimResponse> {
  try {
    return await handler(req);
  } catch (err) {
    if (err instanceof BadInput) return ccvError(400, CODES.badRequest, err.message);
    if (err instanceof NotFound) return ccvError(404, CODES.notFoundId, err.message);
    throw err;
  }
}

function toSimRequest(req: http.IncomingMessage, body: string): SimRequest {
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: q < 0 ? rawUrl : rawUrl.slice(0, q),
    rawUrl,
    query: new URLSearchParams(q < 0 ? "" : rawUrl.slice(q + 1)),
    headers: req.headers,
    body,
    params: {},
    template: "",
  };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

type Match = ReturnType<Router["match"]>;

/** Router.match, with a malformed %-escape in the path counted as an unknown resource. */
function safeMatch(routes: Router, method: string, path: string): Match {
  try {
    return routes.match(method, path);
  } catch {
    return null;
  }
}

/** The path template of a request, also when only another method is routed there (405). */
function templateOf(routes: Router, method: string, path: string, matched: Match): string {
  if (matched && matched !== "method") return matched.route.template;
  for (const m of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
    const other = matched === "method" && m !== method ? safeMatch(routes, m, path) : null;
    if (other && other !== "method") return other.route.template;
  }
  return "(unmatched)";
}

async function handleApi(state: CcvSimState, routes: Router, auth: AuthConfig, req: SimRequest, res: http.ServerResponse): Promise<void> {
  const matched = safeMatch(routes, req.method, req.path);
  req.template = templateOf(routes, req.method, req.path, matched);
  state.requests.add(req.method, req.template);

  const reply = (out: SimResponse) => {
    const text = out.body === undefined ? "" : JSON.stringify(out.body);
    state.countStatus(out.status);
    send(res, {
      status: out.status,
      headers: { ...(text ? { "Content-Type": "application/json; charset=utf-8" } : {}), ...responseSignature(req, text, auth), ...out.headers },
      body: text || undefined,
    });
  };

  const fault = state.faults.take(req.method, req.path);
  if (fault?.kind === "reset") return void res.socket?.destroy();
  if (fault?.kind === "delay") await sleep(fault.ms ?? 0);
  if (fault?.kind === "status") {
    const status = fault.status ?? 500;
    return reply(ccvError(status, faultCode(status), `injected fault: ${status}`));
  }

  const refused = checkAuth(req, auth);
  if (refused) return reply(refused);
  if (matched === null) return reply(ccvError(404, CODES.notFoundResource, `unknown resource ${req.path}`));
  if (matched === "method") return reply(ccvError(405, CODES.methodNotAllowed, `${req.method} is not allowed on ${req.path}`));
  if (state.rateLimit(req.method, req.template) > 0) {
    return reply(ccvError(429, CODES.rateLimited, `rate limit of ${req.method} ${req.template} exceeded`));
  }
  req.params = matched.params;
  const out = await run(matched.route.handler, req);
  if (fault?.kind === "drop-response") return void res.socket?.destroy();
  reply(out);
}

async function handleControl(routes: Router, req: SimRequest, res: http.ServerResponse): Promise<void> {
  const matched = safeMatch(routes, req.method, req.path);
  if (matched === null) return send(res, ccvError(404, CODES.notFoundResource, `unknown control resource ${req.path}`));
  if (matched === "method") return send(res, ccvError(405, CODES.methodNotAllowed, `${req.method} is not allowed on ${req.path}`));
  req.params = matched.params;
  send(res, await run(matched.route.handler, req));
}

export async function startCcvSim(opts: CcvSimOptions = {}): Promise<CcvSim> {
  const now = opts.now ?? Date.now;
  const auth: AuthConfig = { publicKey: opts.publicKey ?? "demo-public", secret: opts.secret ?? "demo-secret", now };
  let state: CcvSimState | null = null;
  let api: Router | null = null;
  let control: Router | null = null;

  const listening = await listen(
    (req, res) => {
      void (async () => {
        const sreq = toSimRequest(req, await readBody(req));
        if (!state || !api || !control) return send(res, { status: 503, body: "starting" });
        if (sreq.path.startsWith("/__sim/")) return handleControl(control, sreq, res);
        if (sreq.path.startsWith(API_PREFIX) || sreq.path === API_PREFIX.slice(0, -1)) return handleApi(state, api, auth, sreq, res);
        send(res, { status: 404, body: "not found" });
      })().catch((err: unknown) => {
        // A simulator bug must not take the test run down: answer 500 and keep serving.
        if (!res.headersSent) send(res, { status: 500, body: { code: "500.00", status: 500, developermessage: String(err) } });
        else res.destroy();
      });
    },
    opts.port ?? 0,
    opts.host ?? "127.0.0.1",
  );

  // The data's hrefs need the real port, so the state is seeded once the server listens.
  const host = opts.host && opts.host !== "0.0.0.0" ? opts.host : "127.0.0.1";
  const url = `http://${host}:${listening.port}`;
  const origin = (opts.linkOrigin ?? url).replace(/\/+$/, "");
  state = new CcvSimState({ seed: opts.seed ?? 1, orders: opts.orders ?? 50, origin, rateLimits: opts.rateLimits ?? "real", now, shapes: opts.shapes ?? "mixed", ordersPerDay: opts.ordersPerDay, historyEnd: opts.historyEnd });
  api = apiRoutes(state);
  control = controlRoutes(state);
  const ready = state;
  return {
    url,
    apiBase: `${url}${API_PREFIX}`,
    port: listening.port,
    state: ready,
    close: async () => {
      await ready.settled();
      await listening.close();
    },
  };
}
