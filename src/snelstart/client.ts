/**
 * Typed client of the SnelStart B2B API v2 (docs/reference/snelstart-api.md): the resources and
 * the token, over the one HTTP layer (../http/sender.ts) with the administration's throttle
 * (./throttle.ts), SnelStart's retry rules and its error dialect (./errors.ts).
 *
 * - Auth (docs/reference/snelstart-api.md#authentication): the koppelsleutel is exchanged at the
 *   token URL (form body, credentials in the body only) for a bearer token, cached per token URL +
 *   koppelsleutel and shared by every client in the process; renewed 60 s before it expires (or at
 *   half its lifetime when that is shorter), and once on a 401 to a token issued before the call
 *   (expired early or revoked), after which the call is made once more. A 401 to a token issued
 *   for this very call is not the token's fault (a wrong subscription key): no second exchange.
 * - Throttle (docs/reference/snelstart-api.md#rate-limits): every API call takes a slot of the
 *   administration's `Throttle` (default: `throttleFor(koppelsleutel)`, the stricter "test" tier
 *   unless configured).
 * - Retries (./errors.ts `snelStartRetryPolicy`): GET, PUT and DELETE are retried on 429, 5xx,
 *   timeouts and connection errors, with exponential backoff, honouring `Retry-After`. A POST
 *   answered 429 was not processed and is retried after `Retry-After`. A POST whose outcome is
 *   unknown (timeout, connection reset, any 5xx — 500 included, the stricter reading) is NEVER
 *   repeated: it throws `SNELSTART_UNKNOWN_OUTCOME` with `details.unknownOutcome = true` (and the
 *   HttpError's `unknownOutcome`); look it up first (docs/reference/snelstart-api.md#idempotency).
 *   A POST that never reached the server (connection refused, DNS) is retried. A DELETE answered
 *   404 after an attempt of it was lost is done.
 * - Every response goes through the zod schemas; a mismatch is `SNELSTART_INVALID_RESPONSE`
 *   naming the field. Errors: see errors.ts.
 */
import { z } from "zod";
import { describeIssues, KoppelingError } from "../errors";
import { HttpError, isHttpError } from "../http/errors";
import type { HttpMethod } from "../http/policy";
import { RequestSender, type HttpResponse, type WaitInfo } from "../http/sender";
import { baseOf, serviceUrl } from "../http/url";
import { parseJson, requestLabel, snelStartFailure, snelStartRetryPolicy } from "./errors";
import { odataDayRange, odataEq, queryString } from "./odata";
import * as S from "./schemas";
import { throttleFor, type Throttle } from "./throttle";

export const DEFAULT_API_URL = "https://b2bapi.snelstart.nl/v2";
export const DEFAULT_TOKEN_URL = "https://auth.snelstart.nl/b2b/token";
export const MAX_PAGE_SIZE = 500;

export type { WaitInfo };

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
function tokenRefused(err: HttpError): HttpError {
  const status = err.status as number;
  const items = (err.details.errors as Array<{ message: string }> | undefined) ?? [];
  const reason = items.map((i) => i.message).join("; ") || `HTTP ${status}`;
  const oauthError = /^([a-z_]+)(:|$)/.exec(items[0]?.message ?? "")?.[1];
  return new HttpError(
    "SNELSTART_AUTH",
    `SnelStart refused the koppelsleutel (token endpoint, HTTP ${status}): ${reason}`,
    { ...err.details, reason, ...(oauthError ? { oauthError } : {}) },
    err,
    { cause: err },
  );
}

export class SnelStartClient {
  private readonly subscriptionKey: string;
  private readonly koppelsleutel: string;
  readonly apiUrl: string;
  readonly tokenUrl: string;
  readonly throttle: Throttle;
  private readonly now: () => number;
  private readonly pageSize: number;
  /** The token cache's key: token URL + koppelsleutel. */
  private readonly tokenKey: string;
  private readonly sender: RequestSender;

  constructor(o: SnelStartClientOptions) {
    this.subscriptionKey = o.subscriptionKey;
    this.koppelsleutel = o.koppelsleutel;
    // A key only ever travels over HTTPS (or to this machine): checked before any request.
    this.apiUrl = baseOf(serviceUrl(o.apiUrl, DEFAULT_API_URL, "SNELSTART_CONFIG", "API URL"));
    this.tokenUrl = serviceUrl(o.tokenUrl, DEFAULT_TOKEN_URL, "SNELSTART_CONFIG", "token URL").href;
    this.throttle = o.throttle ?? throttleFor(o.koppelsleutel);
    this.now = o.now ?? Date.now;
    this.pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(o.pageSize ?? MAX_PAGE_SIZE)));
    this.tokenKey = `${this.tokenUrl}\u0000${this.koppelsleutel}`;
    this.sender = new RequestSender({
      policy: snelStartRetryPolicy({ maxRetries: o.maxRetries ?? 4, retryBaseMs: o.retryBaseMs ?? 500, maxRetryAfterMs: o.maxRetryAfterMs ?? 120_000 }),
      timeoutMs: o.timeoutMs ?? 30_000,
      throttle: this.throttle,
      error: snelStartFailure,
      onWait: o.onWait,
      wallNow: this.now,
    });
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

  /**
   * Every verkoopfactuur dated from day `from` up to, not including, day `to` (`yyyy-MM-dd`):
   * `$filter=FactuurDatum ge datetime'…' and FactuurDatum lt datetime'…'`, paged with `$top` and
   * `$skip` (500) until a short page (docs/reference/snelstart-api.md#odata,
   * #verkoopfacturen). What the reconciliation compares the shop with. The dates are re-checked
   * here, so a server that ignored the filter cannot slip other months in.
   */
  async verkoopfacturenBetween(from: string, to: string): Promise<S.Verkoopfactuur[]> {
    const all = await this.getAll("/verkoopfacturen", S.verkoopfactuur, { $filter: odataDayRange("FactuurDatum", from, to) });
    return all.filter((f) => {
      const day = f.factuurDatum?.slice(0, 10) ?? "";
      return day >= from && day < to;
    });
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
    return parseJson((await this.api("GET", `${path.startsWith("/") ? path : `/${path}`}${queryString(params)}`)).text);
  }

  // ---- plumbing ----

  private async get<T extends z.ZodType>(pathAndQuery: string, schema: T): Promise<z.infer<T>> {
    const res = await this.api("GET", pathAndQuery);
    return this.validate(schema, parseJson(res.text), "GET", pathAndQuery);
  }

  private async post<T extends z.ZodType>(path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const res = await this.api("POST", path, body);
    return this.validate(schema, parseJson(res.text), "POST", path);
  }

  /**
   * All pages of an OData list (with `params`, e.g. a `$filter`): `$top=pageSize&$skip=…` until a short page. Stops as well when
   * a page brings nothing new or is longer than asked (a server ignoring the paging options),
   * so a misbehaving endpoint cannot make it loop.
   */
  private async getAll<T extends z.ZodType<{ id: string }>>(path: string, item: T, params: Readonly<Record<string, string>> = {}): Promise<Array<z.infer<T>>> {
    const out = new Map<string, z.infer<T>>();
    for (let skip = 0; ; skip += this.pageSize) {
      const page = await this.get(`${path}${queryString({ ...params, $top: this.pageSize, $skip: skip })}`, z.array(item));
      const before = out.size;
      for (const row of page) if (!out.has(row.id)) out.set(row.id, row);
      if (page.length < this.pageSize || page.length > this.pageSize || out.size === before) break;
    }
    return [...out.values()];
  }

  /** `body` checked by `schema`; SNELSTART_INVALID_RESPONSE naming the request (`method path`) and the fields when it does not fit. */
  private validate<T extends z.ZodType>(schema: T, body: unknown, method: string, path: string): z.infer<T> {
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    const label = requestLabel(method, path);
    throw new KoppelingError("SNELSTART_INVALID_RESPONSE", `SnelStart ${label} returned an unexpected response: ${describeIssues(r.error.issues)}`, {
      request: label,
      issues: r.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  }

  /** One API call: token, throttle, retries; renews the token once on a 401 to a token from before this call, and tries again. */
  private async api(method: HttpMethod, pathAndQuery: string, body?: unknown): Promise<HttpResponse> {
    const call = (token: string) =>
      this.sender.send({
        method,
        url: `${this.apiUrl}${pathAndQuery}`,
        path: pathAndQuery,
        headers:
          body === undefined
            ? { Authorization: `Bearer ${token}`, "Ocp-Apim-Subscription-Key": this.subscriptionKey, Accept: "application/json" }
            : { Authorization: `Bearer ${token}`, "Ocp-Apim-Subscription-Key": this.subscriptionKey, Accept: "application/json", "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const before = tokenCache.get(this.tokenKey)?.value?.token;
    const token = await this.token();
    try {
      return await call(token);
    } catch (err) {
      // A 401 to a token from before this call means it expired early or was revoked: a 401 was
      // not processed, so even a POST may be sent again, once. A 401 to a token issued for this
      // very call cannot be cured by another token (the subscription key was refused).
      if (!isHttpError(err) || err.status !== 401 || token !== before) throw err;
      return call(await this.token(token));
    }
  }

  /**
   * A valid access token. `stale`: the token a call was refused with; renews unless another
   * call already did. Concurrent callers share one exchange.
   */
  private async token(stale?: string): Promise<string> {
    let entry = tokenCache.get(this.tokenKey);
    if (!entry) {
      entry = {};
      tokenCache.set(this.tokenKey, entry);
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
    const path = "/b2b/token";
    const form = new URLSearchParams({ grant_type: "clientkey", clientkey: this.koppelsleutel }).toString();
    let res: HttpResponse;
    try {
      res = await this.sender.send({
        method: "POST",
        url: this.tokenUrl,
        path,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: form,
        // Asking for a token twice is harmless.
        idempotent: true,
        throttleKey: null,
      });
    } catch (err) {
      if (isHttpError(err) && err.status !== null && err.status >= 400 && err.status < 500 && err.status !== 429) throw tokenRefused(err);
      throw err;
    }
    const t = this.validate(S.token, parseJson(res.text), "POST", path);
    const lifetime = t.expires_in * 1000;
    return { token: t.access_token, renewAt: this.now() + lifetime - Math.min(RENEW_BEFORE_MS, lifetime / 2) };
  }
}
