/**
 * Typed client of the SnelStart B2B API v2 (docs/reference/snelstart-api.md).
 *
 * - Auth (docs/reference/snelstart-api.md#authentication): the koppelsleutel is exchanged at the
 *   token URL (form body, credentials in the body only) for a bearer token, cached per token URL +
 *   koppelsleutel and shared by every client in the process; renewed 60 s before it expires (or at
 *   half its lifetime when that is shorter) and once on a 401, after which the call is made once
 *   more.
 * - Throttle (docs/reference/snelstart-api.md#rate-limits): every API call takes a slot of the
 *   administration's `Throttle` (default: `throttleFor(koppelsleutel)`, the stricter "test" tier
 *   unless configured).
 * - Retries: GET, PUT and DELETE are retried on 429, 5xx, timeouts and connection errors, with
 *   exponential backoff, honouring `Retry-After`. A POST answered 429 was not processed and is
 *   retried after `Retry-After`. A POST whose outcome is unknown (timeout, connection reset,
 *   any 5xx — 500 included, the stricter reading) is NEVER repeated: it throws
 *   `SNELSTART_UNKNOWN_OUTCOME` with `details.unknownOutcome = true`; look it up first
 *   (docs/reference/snelstart-api.md#idempotency).
 *   A POST that never reached the server (connection refused, DNS) is retried.
 * - Every response goes through the zod schemas; a mismatch is `SNELSTART_INVALID_RESPONSE`
 *   naming the field. Errors: see errors.ts.
 */
import axios, { type AxiosError } from "axios";
import { z } from "zod";
import { describeIssues, isKoppelingError, KoppelingError } from "../errors";
import { secureUrl } from "../secure-url";
import { snelStartError } from "./errors";
import { odataEq, queryString } from "./odata";
import * as S from "./schemas";
import { throttleFor, type Throttle } from "./throttle";

export const DEFAULT_API_URL = "https://b2bapi.snelstart.nl/v2";
export const DEFAULT_TOKEN_URL = "https://auth.snelstart.nl/b2b/token";
export const MAX_PAGE_SIZE = 500;

export interface WaitInfo {
  /** throttle: the call queued for a slot (reported once admitted, `ms` = time queued);
   *  rate-limit: SnelStart answered 429 (reported before waiting `ms`);
   *  retry: a transient failure (reported before waiting `ms`). */
  reason: "throttle" | "rate-limit" | "retry";
  ms: number;
}

export interface SnelStartClientOptions {
  subscriptionKey: string;
  koppelsleutel: string;
  /** Default https://b2bapi.snelstart.nl/v2 */
  apiUrl?: string;
  /** Default https://auth.snelstart.nl/b2b/token */
  tokenUrl?: string;
  /** Per HTTP attempt, ms (default 30000). */
  timeoutMs?: number;
  /** Default `throttleFor(koppelsleutel)`. */
  throttle?: Throttle;
  /** Retries of one call after the first attempt (default 4). */
  maxRetries?: number;
  /** Clock for token expiry (default Date.now). */
  now?: () => number;
  onWait?: (info: WaitInfo) => void;
  /** Backoff: retry n waits retryBaseMs × 2^(n-1), with 50-100 % jitter, at most 30 s (default 500). */
  retryBaseMs?: number;
  /** The longest `Retry-After` honoured (default 120000 ms); a longer one fails at once with SNELSTART_RATE_LIMIT. */
  maxRetryAfterMs?: number;
  /** Page size for paged lists (default and maximum 500). */
  pageSize?: number;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

interface HttpCall {
  method: Method;
  url: string;
  /** `METHOD path` for messages; never contains credentials. */
  label: string;
  headers: Record<string, string>;
  body?: string;
  /** Whether repeating the call is harmless when its outcome is unknown. */
  idempotent: boolean;
  throttled: boolean;
}

type Outcome =
  | { kind: "response"; status: number; body: unknown; headers: Record<string, unknown> }
  | { kind: "timeout" }
  | { kind: "network"; code: string; reachedServer: boolean };

/** Connection errors that mean the request never reached the server. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

interface CachedToken {
  token: string;
  renewAt: number;
}
interface TokenEntry {
  value?: CachedToken;
  pending?: Promise<CachedToken>;
}
/** Tokens per token URL + koppelsleutel, shared by every client in the process. */
const tokenCache = new Map<string, TokenEntry>();
const RENEW_BEFORE_MS = 60_000;

/**
 * SNELSTART_AUTH for a token request the token endpoint refused (4xx), naming its reason: the
 * OAuth 2 body `{"error": "invalid_grant", "error_description": "…"}`, a bare `{"error": "…"}`
 * text, or whatever else it answered. `details.oauthError` / `details.reason` hold them.
 */
function tokenRefused(err: KoppelingError): KoppelingError {
  const status = err.details.status as number;
  const items = (err.details.errors as Array<{ message: string }> | undefined) ?? [];
  const reason = items.map((i) => i.message).join("; ") || `HTTP ${status}`;
  const oauthError = /^([a-z_]+)(:|$)/.exec(items[0]?.message ?? "")?.[1];
  return new KoppelingError(
    "SNELSTART_AUTH",
    `SnelStart refused the koppelsleutel (token endpoint, HTTP ${status}): ${reason}`,
    { ...err.details, reason, ...(oauthError ? { oauthError } : {}) },
    { cause: err },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A body as JSON when it parses, else the text itself (proxies answer HTML or plain text). */
function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `Retry-After` in ms (seconds or an HTTP date), or null when absent/unreadable. */
function retryAfterMs(headers: Record<string, unknown>, now: number): number | null {
  const raw = headers["retry-after"];
  if (typeof raw !== "string" || raw.trim() === "") return null;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class SnelStartClient {
  private readonly subscriptionKey: string;
  private readonly koppelsleutel: string;
  readonly apiUrl: string;
  readonly tokenUrl: string;
  private readonly timeoutMs: number;
  readonly throttle: Throttle;
  private readonly maxRetries: number;
  private readonly now: () => number;
  private readonly onWait?: (info: WaitInfo) => void;
  private readonly retryBaseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly pageSize: number;

  constructor(o: SnelStartClientOptions) {
    this.subscriptionKey = o.subscriptionKey;
    this.koppelsleutel = o.koppelsleutel;
    // A key only ever travels over HTTPS (or to this machine): checked before any request.
    this.apiUrl = secureUrl(o.apiUrl || DEFAULT_API_URL, "SNELSTART_CONFIG", "API URL").href.replace(/\/+$/, "");
    this.tokenUrl = secureUrl(o.tokenUrl || DEFAULT_TOKEN_URL, "SNELSTART_CONFIG", "token URL").href;
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.throttle = o.throttle ?? throttleFor(o.koppelsleutel);
    this.maxRetries = o.maxRetries ?? 4;
    this.now = o.now ?? Date.now;
    this.onWait = o.onWait;
    this.retryBaseMs = o.retryBaseMs ?? 500;
    this.maxRetryAfterMs = o.maxRetryAfterMs ?? 120_000;
    this.pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(o.pageSize ?? MAX_PAGE_SIZE)));
  }

  // ---- resources ----

  async companyInfo(): Promise<S.CompanyInfo> {
    return this.get("/companyInfo", S.companyInfo);
  }

  /** Checks both credentials and names the administration. */
  async testConnection(): Promise<{ administratieNaam: string; ossEnabled: boolean }> {
    const c = await this.companyInfo();
    return { administratieNaam: c.administratieNaam ?? "", ossEnabled: c.factureerBuitenlandsBtw };
  }

  /** Every land (the endpoint ignores OData; match `landcode` locally). */
  async landen(): Promise<S.Land[]> {
    return this.get("/landen", z.array(S.land));
  }

  /** The whole chart of accounts, page by page. */
  async grootboeken(): Promise<S.Grootboek[]> {
    return this.getAll("/grootboeken", S.grootboek);
  }

  async btwtarieven(): Promise<S.BtwTarief[]> {
    return this.get("/btwtarieven", z.array(S.btwTarief));
  }

  /** OSS rates of one country, by ISO alpha-3 code (DEU). */
  async vatrates(iso3: string): Promise<S.VatRates> {
    if (!/^[A-Za-z]{3}$/.test(iso3)) throw new KoppelingError("SNELSTART_VALIDATION", `vatrates needs an ISO alpha-3 country code, got "${iso3}"`);
    return this.get(`/vatrates/${iso3.toUpperCase()}`, S.vatRates);
  }

  /** Relaties whose e-mail is exactly `email` (re-checked here, ignoring case). */
  async findRelatiesByEmail(email: string): Promise<S.Relatie[]> {
    const found = await this.get(`/relaties${queryString({ $filter: odataEq("Email", email) })}`, z.array(S.relatie));
    const want = email.trim().toLowerCase();
    return found.filter((r) => (r.email ?? "").trim().toLowerCase() === want);
  }

  async getRelatie(id: string): Promise<S.Relatie> {
    return this.get(`/relaties/${encodeURIComponent(id)}`, S.relatie);
  }

  async createRelatie(body: S.RelatieCreate): Promise<S.Relatie> {
    return this.post("/relaties", body, S.relatie);
  }

  async createVerkoopboeking(body: S.VerkoopBoekingCreate): Promise<S.Verkoopboeking> {
    return this.post("/verkoopboekingen", body, S.verkoopboeking);
  }

  async getVerkoopboeking(id: string): Promise<S.Verkoopboeking> {
    return this.get(`/verkoopboekingen/${encodeURIComponent(id)}`, S.verkoopboeking);
  }

  async deleteVerkoopboeking(id: string): Promise<void> {
    await this.api("DELETE", `/verkoopboekingen/${encodeURIComponent(id)}`);
  }

  /** The verkoopfactuur with exactly this number (the idempotency lookup, docs/reference/snelstart-api.md#idempotency), or null. */
  async findVerkoopfactuur(factuurnummer: string): Promise<S.Verkoopfactuur | null> {
    const found = await this.get(`/verkoopfacturen${queryString({ $filter: odataEq("Factuurnummer", factuurnummer) })}`, z.array(S.verkoopfactuur));
    return found.find((f) => f.factuurnummer === factuurnummer) ?? null;
  }

  async createVerkooporder(body: S.VerkoopOrderCreate): Promise<S.Verkooporder> {
    return this.post("/verkooporders", body, S.verkooporder);
  }

  /**
   * The first verkooporder `match` accepts, paging through all of them: a verkooporder has no
   * unique external key and whether `Orderreferentie` can be filtered is UNCERTAIN
   * (docs/reference/snelstart-api.md#idempotency), so this is the lookup after an unknown outcome
   * (rare), one page in memory at a time.
   */
  async findVerkooporder(match: (o: S.Verkooporder) => boolean): Promise<S.Verkooporder | null> {
    const seen = new Set<string>();
    for (let skip = 0; ; skip += this.pageSize) {
      const page = await this.get(`/verkooporders${queryString({ $top: this.pageSize, $skip: skip })}`, z.array(S.verkooporder));
      const found = page.find(match);
      if (found) return found;
      const before = seen.size;
      for (const o of page) seen.add(o.id);
      if (page.length < this.pageSize || page.length > this.pageSize || seen.size === before) return null;
    }
  }

  async getVerkooporder(id: string): Promise<S.Verkooporder> {
    return this.get(`/verkooporders/${encodeURIComponent(id)}`, S.verkooporder);
  }

  /** The artikel with exactly this code, or null. */
  async findArtikel(artikelcode: string): Promise<S.Artikel | null> {
    const found = await this.get(`/artikelen${queryString({ $filter: odataEq("Artikelcode", artikelcode) })}`, z.array(S.artikel));
    return found.find((a) => a.artikelcode === artikelcode) ?? null;
  }

  async createArtikel(body: S.ArtikelCreate): Promise<S.Artikel> {
    return this.post("/artikelen", body, S.artikel);
  }

  async artikelomzetgroepen(): Promise<S.Artikelomzetgroep[]> {
    return this.get("/artikelomzetgroepen", z.array(S.artikelomzetgroep));
  }

  /**
   * Escape hatch for diagnostics: GET `path` (relative to the API URL) with `params`
   * percent-encoded as given, unvalidated. Build any `$filter` with odata.ts.
   */
  async rawGet(path: string, params: Readonly<Record<string, string | number | undefined>> = {}): Promise<unknown> {
    return (await this.api("GET", `${path.startsWith("/") ? path : `/${path}`}${queryString(params)}`)).body;
  }

  // ---- plumbing ----

  private async get<T extends z.ZodType>(pathAndQuery: string, schema: T): Promise<z.infer<T>> {
    const res = await this.api("GET", pathAndQuery);
    return this.validate(schema, res.body, `GET ${pathAndQuery.split("?")[0]}`);
  }

  private async post<T extends z.ZodType>(path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const res = await this.api("POST", path, body);
    return this.validate(schema, res.body, `POST ${path}`);
  }

  /**
   * All pages of an OData list: `$top=pageSize&$skip=…` until a short page. Stops as well when
   * a page brings nothing new or is longer than asked (a server ignoring the paging options),
   * so a misbehaving endpoint cannot make it loop.
   */
  private async getAll<T extends z.ZodType<{ id: string }>>(path: string, item: T): Promise<Array<z.infer<T>>> {
    const out = new Map<string, z.infer<T>>();
    for (let skip = 0; ; skip += this.pageSize) {
      const page = await this.get(`${path}${queryString({ $top: this.pageSize, $skip: skip })}`, z.array(item));
      const before = out.size;
      for (const row of page) if (!out.has(row.id)) out.set(row.id, row);
      if (page.length < this.pageSize || page.length > this.pageSize || out.size === before) break;
    }
    return [...out.values()];
  }

  private validate<T extends z.ZodType>(schema: T, body: unknown, label: string): z.infer<T> {
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    throw new KoppelingError("SNELSTART_INVALID_RESPONSE", `SnelStart ${label} returned an unexpected response: ${describeIssues(r.error.issues)}`, {
      request: label,
      issues: r.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  }

  /** One API call: token, throttle, retries; renews the token once on a 401 and tries again. */
  private async api(method: Method, pathAndQuery: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const label = `${method} ${pathAndQuery.split("?")[0]}`;
    const call = (token: string) =>
      this.send({
        method,
        url: `${this.apiUrl}${pathAndQuery}`,
        label,
        headers: {
          Authorization: `Bearer ${token}`,
          "Ocp-Apim-Subscription-Key": this.subscriptionKey,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        idempotent: method !== "POST",
        throttled: true,
      });
    const token = await this.token();
    try {
      return await call(token);
    } catch (err) {
      // A 401 for the token (not for the subscription key) means it expired or was revoked:
      // a 401 was not processed, so even a POST may be sent again, once.
      if (!isKoppelingError(err) || err.details.status !== 401 || /subscription key/i.test(err.message)) throw err;
      return call(await this.token(token));
    }
  }

  /**
   * A valid access token. `stale`: the token a call was refused with; renews unless another
   * call already did. Concurrent callers share one exchange.
   */
  private async token(stale?: string): Promise<string> {
    const key = `${this.tokenUrl}\u0000${this.koppelsleutel}`;
    let entry = tokenCache.get(key);
    if (!entry) {
      entry = {};
      tokenCache.set(key, entry);
    }
    const current = entry.value;
    if (current && current.token !== stale && this.now() < current.renewAt) return current.token;
    const e = entry;
    e.pending ??= this.exchangeToken().then(
      (v) => {
        e.value = v;
        e.pending = undefined;
        return v;
      },
      (err: unknown) => {
        e.pending = undefined;
        throw err;
      },
    );
    return (await e.pending).token;
  }

  private async exchangeToken(): Promise<CachedToken> {
    const label = "POST /b2b/token";
    const form = new URLSearchParams({ grant_type: "clientkey", clientkey: this.koppelsleutel }).toString();
    let res: { status: number; body: unknown };
    try {
      res = await this.send({
        method: "POST",
        url: this.tokenUrl,
        label,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: form,
        // Asking for a token twice is harmless.
        idempotent: true,
        throttled: false,
      });
    } catch (err) {
      if (isKoppelingError(err) && typeof err.details.status === "number" && err.details.status >= 400 && err.details.status < 500 && err.details.status !== 429) {
        throw tokenRefused(err);
      }
      throw err;
    }
    const t = this.validate(S.token, res.body, label);
    const lifetime = t.expires_in * 1000;
    return { token: t.access_token, renewAt: this.now() + lifetime - Math.min(RENEW_BEFORE_MS, lifetime / 2) };
  }

  /** Sends one logical request with throttling and retries; returns a 2xx, throws otherwise. */
  private async send(call: HttpCall): Promise<{ status: number; body: unknown }> {
    let retries = 0;
    let lostAttempt = false;
    for (;;) {
      const outcome = await this.attempt(call);
      let wait: { reason: WaitInfo["reason"]; ms: number };
      if (outcome.kind === "response") {
        const { status, body, headers } = outcome;
        if (status >= 200 && status < 300) return { status, body };
        // A DELETE repeated after a lost attempt that did delete: done.
        if (status === 404 && call.method === "DELETE" && lostAttempt) return { status, body };
        if (status === 429) {
          const after = retryAfterMs(headers, this.now());
          if (retries >= this.maxRetries || (after ?? 0) > this.maxRetryAfterMs) throw snelStartError(status, body, call.label, { retryAfterMs: after });
          wait = { reason: "rate-limit", ms: after ?? this.backoff(retries + 1) };
        } else if (status >= 500) {
          if (!call.idempotent) throw this.unknownOutcome(call, `HTTP ${status}`, status);
          if (retries >= this.maxRetries) throw snelStartError(status, body, call.label, { retries });
          lostAttempt = true;
          wait = { reason: "retry", ms: this.backoff(retries + 1) };
        } else {
          throw snelStartError(status, body, call.label);
        }
      } else {
        const reached = outcome.kind === "timeout" || outcome.reachedServer;
        const what = outcome.kind === "timeout" ? `no answer within ${this.timeoutMs} ms` : `connection error ${outcome.code}`;
        if (reached && !call.idempotent) throw this.unknownOutcome(call, what);
        if (retries >= this.maxRetries) {
          const code = outcome.kind === "timeout" ? "SNELSTART_TIMEOUT" : "SNELSTART_NETWORK";
          throw new KoppelingError(code, `SnelStart ${call.label} failed after ${retries + 1} attempts: ${what}`, { retries, reason: what });
        }
        lostAttempt ||= reached;
        wait = { reason: "retry", ms: this.backoff(retries + 1) };
      }
      retries += 1;
      this.onWait?.(wait);
      await sleep(wait.ms);
    }
  }

  private backoff(retry: number): number {
    const ms = Math.min(30_000, this.retryBaseMs * 2 ** (retry - 1));
    return Math.round(ms * (0.5 + Math.random() / 2));
  }

  private unknownOutcome(call: HttpCall, why: string, status?: number): KoppelingError {
    return new KoppelingError(
      "SNELSTART_UNKNOWN_OUTCOME",
      `SnelStart ${call.label}: outcome unknown (${why}); it may have been stored. Look it up (for a booking: by factuurnummer) before sending it again.`,
      { unknownOutcome: true, request: call.label, reason: why, ...(status === undefined ? {} : { status }) },
    );
  }

  /** One HTTP attempt inside a throttle slot (for API calls); never throws for HTTP or network failures. */
  private async attempt(call: HttpCall): Promise<Outcome> {
    if (!call.throttled) return this.exchange(call);
    const permit = await this.throttle.acquire();
    if (permit.waitedMs > 0) this.onWait?.({ reason: "throttle", ms: permit.waitedMs });
    try {
      return await this.exchange(call);
    } finally {
      permit.release();
    }
  }

  private async exchange(call: HttpCall): Promise<Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const res = await axios.request<string>({
        method: call.method,
        url: call.url,
        headers: call.headers,
        data: call.body,
        signal: controller.signal,
        responseType: "text",
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        maxRedirects: 0,
      });
      return { kind: "response", status: res.status, body: parseJson(res.data), headers: { ...res.headers } };
    } catch (err) {
      if (timedOut) return { kind: "timeout" };
      const code = (err as AxiosError).code ?? "UNKNOWN";
      if (code === "ECONNABORTED" || code === "ETIMEDOUT") return { kind: "timeout" };
      return { kind: "network", code, reachedServer: !NOT_SENT.has(code) };
    } finally {
      clearTimeout(timer);
    }
  }
}
