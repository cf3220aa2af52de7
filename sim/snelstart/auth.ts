/**
 * Authentication (docs/reference/snelstart-api.md#authentication): the token endpoint exchanges a
 * koppelsleutel for a bearer token; every `/v2` call needs that token and the subscription key
 * header. The gateway (Azure API Management) checks the subscription key first.
 */
import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../http";
import { gatewayError } from "./messages";
import type { SimState } from "./state";

export interface AuthConfig {
  subscriptionKey: string;
  koppelsleutel: string;
  tokenTtlSeconds: number;
}

const SCOPES = "relaties:read relaties:write boekhouden:read boekhouden:write orders:read orders:write artikelen:read artikelen:write settings:read settings:write documenten:read documenten:write";

function b64url(x: unknown): string {
  return Buffer.from(JSON.stringify(x)).toString("base64url");
}

/** An OAuth 2 error answer of the token endpoint: 400 `{"error", "error_description"}`. */
function tokenError(error: string, description: string): SimResponse {
  return { status: 400, body: { error, error_description: description } };
}

/**
 * `POST /b2b/token`, form body `grant_type=clientkey&clientkey=…`, or the official .NET
 * client's `grant_type=password&username=…&password=…` where base64(`username:password`) is
 * the koppelsleutel (docs/reference/snelstart-api.md#token-endpoint). Credentials are read from
 * the body only ("het is belangrijk dat de credentials in de body worden gezet"). Errors: 400
 * with the OAuth 2 body `{"error", "error_description"}` (the reference has the shape as
 * UNCERTAIN):
 * `unsupported_grant_type`, `invalid_request` (the key or username/password missing),
 * `invalid_grant` (not this administration's koppelsleutel).
 */
export function issueToken(state: SimState, cfg: AuthConfig, req: SimRequest): SimResponse {
  const form = new URLSearchParams(req.body);
  const grant = form.get("grant_type");
  let presented: string;
  if (grant === "clientkey") {
    const key = form.get("clientkey");
    if (!key) return tokenError("invalid_request", "Parameter clientkey ontbreekt.");
    presented = key;
  } else if (grant === "password") {
    const username = form.get("username");
    const password = form.get("password");
    if (!username || !password) return tokenError("invalid_request", "Parameters username en password zijn verplicht.");
    presented = Buffer.from(`${username}:${password}`).toString("base64");
  } else {
    return tokenError("unsupported_grant_type", `grant_type '${grant ?? ""}' wordt niet ondersteund.`);
  }
  if (presented !== cfg.koppelsleutel) return tokenError("invalid_grant", "De koppelsleutel is ongeldig.");
  const issuedAt = state.now();
  const exp = Math.floor(issuedAt / 1000) + cfg.tokenTtlSeconds;
  // JWT-shaped like the real token (OBSERVED: a JWT with a `scopes` claim); the signature is random.
  const token = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ scopes: SCOPES, exp, jti: randomBytes(8).toString("hex") })}.${randomBytes(32).toString("base64url")}`;
  state.tokens.set(token, { koppelsleutel: cfg.koppelsleutel, expiresAt: issuedAt + cfg.tokenTtlSeconds * 1000 });
  state.tokensIssued += 1;
  return { status: 200, body: { access_token: token, token_type: "bearer", expires_in: cfg.tokenTtlSeconds } };
}

export type AuthResult = { ok: true; koppelsleutel: string } | { ok: false; response: SimResponse };

/** Checks the subscription key header, then the bearer token (present, issued here, unexpired). */
export function authenticate(state: SimState, cfg: AuthConfig, req: SimRequest): AuthResult {
  const key = req.headers["ocp-apim-subscription-key"];
  if (typeof key !== "string" || key === "") {
    return { ok: false, response: gatewayError(401, "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.") };
  }
  if (key !== cfg.subscriptionKey) {
    return { ok: false, response: gatewayError(401, "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.") };
  }
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  const issued = m ? state.tokens.get(m[1]) : undefined;
  if (!issued) return { ok: false, response: gatewayError(401, "Unauthorized. Access token is missing or invalid.") };
  if (issued.expiresAt <= state.now()) return { ok: false, response: gatewayError(401, "Unauthorized. Access token has expired.") };
  return { ok: true, koppelsleutel: issued.koppelsleutel };
}

/** Makes every issued token expired (control API `POST /__sim/expire-tokens`); returns how many. */
export function expireTokens(state: SimState): number {
  const past = state.now() - 1;
  for (const t of state.tokens.values()) t.expiresAt = past;
  return state.tokens.size;
}
