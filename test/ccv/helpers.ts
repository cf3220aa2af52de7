/**
 * Test helpers for the CCV suite: raw HTTP requests signed with node:crypto directly (not with
 * the code under test), control-API calls, and a tiny webhook receiver on 127.0.0.1.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startCcvSim, type CcvSim, type CcvSimOptions } from "../../sim/ccv/server";
import { CcvClient, type CcvClientOptions, type Checked } from "../../src/ccv/client";

export const PUBLIC = "demo-public";
export const SECRET = "demo-secret";

export function hmac512(key: string, text: string): string {
  return createHmac("sha512", key).update(text, "utf8").digest("hex");
}

/** `YYYY-MM-DDTHH:MM:SSZ` of a time, written out independently of the package's formatter. */
export function isoNoMs(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface RawRequest {
  method?: string;
  /** Request target exactly as it goes on the wire. */
  target: string;
  body?: string;
  /** Overrides of the signing inputs, to build deliberately wrong requests. */
  publicKey?: string;
  secret?: string;
  date?: string;
  /** Body text to hash instead of `body` (a tampered request). */
  hashedBody?: string;
  /** Target text to hash instead of `target`. */
  hashedTarget?: string;
  headers?: Record<string, string>;
}

/** Sends one request with node:http, signed per docs/reference/ccvshop-api.md#request-signing unless overridden. */
export function raw(sim: CcvSim, r: RawRequest): Promise<RawResponse> {
  const method = r.method ?? "GET";
  const pub = r.publicKey ?? PUBLIC;
  const date = r.date ?? isoNoMs(Date.now());
  const body = r.body ?? "";
  const hash = hmac512(r.secret ?? SECRET, [pub, method, r.hashedTarget ?? r.target, r.hashedBody ?? body, date].join("|"));
  return send(sim.port, method, r.target, body, { "x-public": pub, "x-date": date, "x-hash": hash, ...(body ? { "content-type": "application/json" } : {}), ...r.headers });
}

function parseOrNull(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function send(port: number, method: string, path: string, body: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseOrNull(text) });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A call to the simulator's unauthenticated control API. */
export function control(sim: CcvSim, method: string, path: string, body?: unknown): Promise<RawResponse> {
  return send(sim.port, method, path, body === undefined ? "" : JSON.stringify(body), body === undefined ? {} : { "content-type": "application/json" });
}

export async function withSim<T>(opts: CcvSimOptions, fn: (sim: CcvSim) => Promise<T>): Promise<T> {
  const sim = await startCcvSim(opts);
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

export function clientFor(sim: CcvSim, extra: Partial<CcvClientOptions> = {}): CcvClient {
  return new CcvClient({ shopUrl: sim.url, publicKey: PUBLIC, secret: SECRET, retryBaseMs: 5, ...extra });
}

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver; `waitFor(n)` resolves once n deliveries arrived. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; waitFor(n: number, timeoutMs?: number): Promise<Received[]>; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async waitFor(n, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} webhook deliveries, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}

/** Rejects unless `p` rejects with a KoppelingError of `code`; returns that error. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: unknown; message: string; details?: Record<string, unknown> };
    if (e.code !== code) throw new Error(`expected ${code}, got ${String(e.code)}: ${e.message}`, { cause: err });
    return { code: String(e.code), message: e.message, details: e.details ?? {} };
  }
  throw new Error(`expected ${code}, but it resolved`);
}

/** The documents of a checked list, in order; the test fails on one that does not fit the schema. */
export async function* valid<T>(it: AsyncIterable<Checked<T, unknown>>): AsyncGenerator<T, void, undefined> {
  for await (const c of it) {
    if (!c.ok) throw c.error;
    yield c.value;
  }
}
