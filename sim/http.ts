/**
 * The small HTTP toolkit both simulators share: a router with path templates, JSON bodies,
 * a per-key sliding-window rate limiter, request counting per method and path template,
 * and one-shot fault injection. Real HTTP on 127.0.0.1, no framework.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface SimRequest {
  method: string;
  /** Path without the query string, e.g. `/api/rest/v1/orders/12/`. */
  path: string;
  /** The raw request target as sent (path and query), e.g. `/api/rest/v1/orders/?start=0`. */
  rawUrl: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Raw body text ("" when none). */
  body: string;
  params: Record<string, string>;
  /** The route's path template, e.g. `/api/rest/v1/orders/:id/`; set once a route matched. */
  template: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string. Undefined: no body. */
  body?: unknown;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `template` uses `:name` segments; a trailing slash is optional when matching. */
  on(method: string, template: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = template
      .replace(/\/$/, "")
      .split("/")
      .map((seg) => {
        if (seg.startsWith(":")) {
          keys.push(seg.slice(1));
          return "([^/]+)";
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    this.routes.push({ method, template, regex: new RegExp(`^${pattern}/?$`), keys, handler });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | "method" | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
      return { route, params };
    }
    return pathMatched ? "method" : null;
  }
}

/** Counts requests per `METHOD template`, as `GET /__sim/requests` reports them. */
export class RequestCounter {
  private counts = new Map<string, number>();
  add(method: string, template: string): void {
    const key = `${method} ${template}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(method: string, template: string): number {
    return this.counts.get(`${method} ${template}`) ?? 0;
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort());
  }
  reset(): void {
    this.counts.clear();
  }
}

/**
 * Sliding-window limiter: at most `limit` hits per `windowMs` for each key.
 * `hit` returns 0 when allowed, else the milliseconds until a slot frees up.
 */
export class WindowLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): number {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((x) => x > t - this.windowMs);
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      return list[0] + this.windowMs - t;
    }
    list.push(t);
    this.hits.set(key, list);
    return 0;
  }

  reset(): void {
    this.hits.clear();
  }
}

/** `real` = the documented windows; `off` = no limits; `scaled:K` = windows K times shorter. */
export type RateLimitMode = "real" | "off" | { scale: number };

export function parseRateLimitMode(text: string): RateLimitMode {
  if (text === "real" || text === "off") return text;
  const m = /^scaled:(\d+(?:\.\d+)?)$/.exec(text);
  if (m && Number(m[1]) > 0) return { scale: Number(m[1]) };
  throw new Error(`--rate-limits must be real, off or scaled:K (K > 0), not "${text}"`);
}

/** Window length in ms for a documented window, under a mode; `null` when limits are off. */
export function windowMs(mode: RateLimitMode, documentedMs: number): number | null {
  if (mode === "off") return null;
  if (mode === "real") return documentedMs;
  return documentedMs / mode.scale;
}

export interface Fault {
  /** `status`: answer with `status`; `delay`: wait `ms` before handling; `reset`: destroy the socket;
   *  `drop-response`: handle the request (store it), then destroy the socket instead of answering. */
  kind: "status" | "delay" | "reset" | "drop-response";
  status?: number;
  ms?: number;
  /** Only requests with this method (default any). */
  method?: string;
  /** Only requests whose path contains this text (default any). */
  path?: string;
  /** How many matching requests it applies to (default 1). */
  count?: number;
}

/** Faults injected through `POST /__sim/faults`, used up one matching request at a time. */
export class FaultQueue {
  private faults: Array<Fault & { left: number }> = [];
  add(f: Fault): void {
    this.faults.push({ ...f, left: f.count ?? 1 });
  }
  take(method: string, path: string): Fault | null {
    const f = this.faults.find((x) => x.left > 0 && (!x.method || x.method === method) && (!x.path || path.includes(x.path)));
    if (!f) return null;
    f.left -= 1;
    this.faults = this.faults.filter((x) => x.left > 0);
    return f;
  }
  clear(): void {
    this.faults = [];
  }
  get pending(): number {
    return this.faults.reduce((n, f) => n + f.left, 0);
  }
}

export function readBody(req: http.IncomingMessage, limitBytes = 5_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limitBytes) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function send(res: http.ServerResponse, out: SimResponse): void {
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  let payload = "";
  if (out.body !== undefined) {
    payload = typeof out.body === "string" ? out.body : JSON.stringify(out.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["Content-Type"] = typeof out.body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
    }
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(out.status, headers);
  res.end(payload);
}

export interface Listening {
  server: http.Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 (port 0 = any free port). */
export function listen(handler: http.RequestListener, port = 0, host = "127.0.0.1"): Promise<Listening> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        url: `http://${host}:${actual}`,
        close: () =>
          new Promise<void>((res) => {
            server.closeAllConnections();
            server.close(() => res());
          }),
      });
    });
  });
}

/** A deterministic PRNG (mulberry32) for seeded data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
