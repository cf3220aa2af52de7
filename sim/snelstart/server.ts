/**
 * SnelStart B2B API v2 simulator: real HTTP on 127.0.0.1, field names, enums, error codes and
 * limits per docs/reference/snelstart-api.md. One administration (one koppelsleutel).
 *
 *   POST /b2b/token                    token endpoint (tokenUrl)
 *   /v2/…                              the API (apiBase): bearer token + subscription key
 *   /__sim/…                           control API, see control.ts
 *
 * Request pipeline for `/v2`: count -> authenticate -> rate limits (429) -> injected fault ->
 * handler. A `delay` fault holds the request in flight (it counts for the concurrency limit);
 * `drop-response` runs the handler (the POST is stored) and then destroys the socket.
 */
import type http from "node:http";
import { listen, readBody, Router, send, type Fault, type RateLimitMode, type SimRequest, type SimResponse } from "../http";
import { createArtikel, getArtikel, getOmzetgroep, listArtikelen, listOmzetgroepen } from "./artikelen";
import { authenticate, issueToken, type AuthConfig } from "./auth";
import { createVerkoopboeking, deleteVerkoopboeking, getVerkoopboeking, getVerkoopfactuur, listVerkoopfacturen } from "./boekingen";
import { controlRouter } from "./control";
import { AdminLimits, TIERS } from "./limits";
import { gatewayError, webApiError } from "./messages";
import {
  getCompanyInfo,
  getGrootboek,
  getKostenplaats,
  getLand,
  getVatRates,
  listBtwTarieven,
  listDagboeken,
  listGrootboeken,
  listKostenplaatsen,
  listLanden,
  listVatRateDefinitions,
  listVatRates,
  putCompanyInfo,
} from "./reference";
import { createRelatie, getRelatie, listRelaties, relatieVerkoopboekingen, updateRelatie } from "./relaties";
import { SimState } from "./state";
import { createOrder, getOrder, listOrders } from "./verkooporders";

export { simDagboekId, simKostenplaatsId, simLandId, simLedgerId, simOmzetgroepId, simSeedRelatieId, FOREIGN_VAT_LEDGER } from "./data";
export { SEED_LEVERANCIER_CODE, SimState } from "./state";
export { checkVatNumber } from "./vat-number";
export type { RateLimitMode } from "../http";

export interface SnelStartSimOptions {
  /** 0 (default) = a free port. */
  port?: number;
  host?: string;
  /** Seed of the id generator (default 1): same seed, same ids in the same order. */
  seed?: number;
  /** `real` (default), `off`, or `{scale: K}` = windows K times shorter. */
  rateLimits?: RateLimitMode;
  /** Which subscription tier's limits apply (default `production`: 500/min, 5,000/h, 50 concurrent). */
  rateLimitTier?: keyof typeof TIERS;
  subscriptionKey?: string;
  koppelsleutel?: string;
  tokenTtlSeconds?: number;
  /** The administration's `factureerBuitenlandsBtw` (default true). */
  ossEnabled?: boolean;
  now?: () => number;
}

export interface SnelStartSim {
  url: string;
  /** `url + "/b2b/token"`. */
  tokenUrl: string;
  /** `url + "/v2"`. */
  apiBase: string;
  port: number;
  state: SimState;
  close(): Promise<void>;
}

type Handler = (state: SimState, req: SimRequest) => SimResponse;

function apiRouter(state: SimState, auth: AuthConfig): Router {
  const r = new Router();
  const on = (method: string, template: string, h: Handler) => r.on(method, template, (req) => h(state, req));
  r.on("POST", "/b2b/token", (req) => issueToken(state, auth, req));
  on("GET", "/v2/companyInfo", getCompanyInfo);
  on("PUT", "/v2/companyInfo", putCompanyInfo);
  on("GET", "/v2/landen", listLanden);
  on("GET", "/v2/landen/:id", getLand);
  on("GET", "/v2/grootboeken", listGrootboeken);
  on("GET", "/v2/grootboeken/:id", getGrootboek);
  on("GET", "/v2/dagboeken", listDagboeken);
  on("GET", "/v2/kostenplaatsen", listKostenplaatsen);
  on("GET", "/v2/kostenplaatsen/:id", getKostenplaats);
  on("GET", "/v2/btwtarieven", listBtwTarieven);
  on("GET", "/v2/vatrates", listVatRates);
  on("GET", "/v2/vatrates/:countryCode", getVatRates);
  on("GET", "/v2/vatratedefinitions", listVatRateDefinitions);
  on("GET", "/v2/relaties", listRelaties);
  on("POST", "/v2/relaties", createRelatie);
  on("GET", "/v2/relaties/:id", getRelatie);
  on("PUT", "/v2/relaties/:id", updateRelatie);
  on("GET", "/v2/relaties/:id/verkoopboekingen", relatieVerkoopboekingen);
  on("POST", "/v2/verkoopboekingen", createVerkoopboeking);
  on("GET", "/v2/verkoopboekingen/:id", getVerkoopboeking);
  on("DELETE", "/v2/verkoopboekingen/:id", deleteVerkoopboeking);
  on("GET", "/v2/verkoopfacturen", listVerkoopfacturen);
  on("GET", "/v2/verkoopfacturen/:id", getVerkoopfactuur);
  on("GET", "/v2/verkooporders", listOrders);
  on("POST", "/v2/verkooporders", createOrder);
  on("GET", "/v2/verkooporders/:id", getOrder);
  on("GET", "/v2/artikelen", listArtikelen);
  on("POST", "/v2/artikelen", createArtikel);
  on("GET", "/v2/artikelen/:id", getArtikel);
  on("GET", "/v2/artikelomzetgroepen", listOmzetgroepen);
  on("GET", "/v2/artikelomzetgroepen/:id", getOmzetgroep);
  return r;
}

function toSimRequest(req: http.IncomingMessage, body: string): SimRequest {
  const url = new URL(req.url ?? "/", "http://sim.local");
  return { method: req.method ?? "GET", path: url.pathname, rawUrl: req.url ?? "/", query: url.searchParams, headers: req.headers, body, params: {}, template: "" };
}

/** The answer to an injected `status` fault: the gateway shape; a 429 also gets `Retry-After: 1`. */
function faultResponse(f: Fault): SimResponse {
  const status = f.status ?? 500;
  return gatewayError(status, `Injected fault: HTTP ${status}.`, status === 429 ? { "Retry-After": "1" } : undefined);
}

export async function startSnelStartSim(opts: SnelStartSimOptions = {}): Promise<SnelStartSim> {
  const now = opts.now ?? Date.now;
  const auth: AuthConfig = {
    subscriptionKey: opts.subscriptionKey ?? "demo-subscription",
    koppelsleutel: opts.koppelsleutel ?? "demo-koppelsleutel",
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3599,
  };
  const limits = new AdminLimits(opts.rateLimits ?? "real", TIERS[opts.rateLimitTier ?? "production"], now);
  const state = new SimState({ seed: opts.seed ?? 1, ossEnabled: opts.ossEnabled ?? true, now, limits });
  const api = apiRouter(state, auth);
  const control = controlRouter(state);
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const simReq = toSimRequest(req, await readBody(req));
    const isControl = simReq.path.startsWith("/__sim/");
    const match = (isControl ? control : api).match(simReq.method, simReq.path);
    simReq.template = typeof match === "object" && match ? match.route.template : "(unmatched)";
    if (isControl) {
      if (typeof match !== "object" || !match) return send(res, webApiError(404, `No control route ${simReq.method} ${simReq.path}.`));
      return send(res, await match.route.handler({ ...simReq, params: match.params }));
    }
    state.requests.add(simReq.method, simReq.template);

    if (simReq.path.startsWith("/v2")) {
      const who = authenticate(state, auth, simReq);
      if (!who.ok) return send(res, who.response);
      const admitted = state.limits.admit(who.koppelsleutel);
      if (!admitted.ok) {
        state.rateLimited += 1;
        return send(res, admitted.response);
      }
      res.once("close", admitted.release);
    }

    const fault = state.faults.take(simReq.method, simReq.path);
    if (fault?.kind === "reset") return void req.socket.destroy();
    if (fault?.kind === "status") return send(res, faultResponse(fault));
    if (fault?.kind === "delay") await sleep(fault.ms ?? 0);

    let out: SimResponse;
    if (match === null) out = webApiError(404, `No HTTP resource was found that matches the request URI '${simReq.rawUrl}'.`);
    else if (match === "method") out = webApiError(405, `The requested resource does not support http method '${simReq.method}'.`);
    else out = await match.route.handler({ ...simReq, params: match.params });

    if (fault?.kind === "drop-response") return void req.socket.destroy();
    // The client may have given up during a delay; the work is done anyway (as on a real server).
    if (!res.destroyed) send(res, out);
  }

  const server = await listen(
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) send(res, webApiError(500, `An error has occurred. ${String(err)}`));
      });
    },
    opts.port ?? 0,
    opts.host ?? "127.0.0.1",
  );
  return {
    url: server.url,
    tokenUrl: `${server.url}/b2b/token`,
    apiBase: `${server.url}/v2`,
    port: server.port,
    state,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await server.close();
    },
  };
}
