/**
 * What the package's webhook endpoint checks before it starts anything, as pure functions: the
 * token (compared in constant time), the body (size, nesting, JSON, an order id) and, when CCV
 * sends one, the `x-hash` signature. The answers are short JSON errors with a stable code; no
 * stack trace, no echo of the input.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { ccvWebhookHash } from "./signing";
import { type CcvWebhook, ccvWebhookPayload } from "./schemas";
import type { ErrorCode } from "../error-codes";

/** The path (under Node-RED's httpNodeRoot) CCV Shop posts to; `:token` is the endpoint's secret. */
export const WEBHOOK_PATH = "/ccv-snelstart/webhook";
export const MIN_TOKEN_LENGTH = 32;
/** Generous for CCV's payloads (a few hundred bytes); anything larger is refused. */
export const MAX_BODY_BYTES = 16 * 1024;
/** CCV's payloads are flat objects; nesting deeper than this is not a webhook. */
export const MAX_DEPTH = 8;

/** A token's form: at least 32 URL-safe characters, e.g. `openssl rand -hex 24`. */
export function tokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH) return `the webhook token must be at least ${MIN_TOKEN_LENGTH} characters (it has ${token.length}); e.g. openssl rand -hex 24`;
  if (!/^[A-Za-z0-9._~-]+$/.test(token)) return "the webhook token may only hold letters, digits and . _ ~ - (it is part of a URL)";
  return null;
}

/** What a token is compared by: its SHA-256, so that every comparison has the same length. */
export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Index of the digest in `digests` equal to the digest of `token`, comparing against every one (constant time per entry); -1 if none. */
export function matchToken(token: string, digests: readonly Buffer[]): number {
  const d = tokenDigest(token);
  let found = -1;
  digests.forEach((x, i) => {
    if (timingSafeEqual(d, x) && found < 0) found = i;
  });
  return found;
}

export type WebhookBody = { ok: true; id: number } | { ok: false; status: 400 | 413; code: ErrorCode; message: string };

const refuse = (status: 400 | 413, code: ErrorCode, message: string): WebhookBody => ({ ok: false, status, code, message });

/** True when `value` nests deeper than `max` (walked without recursion). */
export function tooDeep(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The order id a webhook body names, or why it is refused. */
export function readWebhookBody(raw: Buffer): WebhookBody {
  if (raw.length > MAX_BODY_BYTES) return refuse(413, "WEBHOOK_TOO_LARGE", `the body is larger than ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    return refuse(400, "WEBHOOK_INVALID", "the body is not JSON");
  }
  if (tooDeep(parsed, MAX_DEPTH)) return refuse(400, "WEBHOOK_INVALID", `the body nests deeper than ${MAX_DEPTH} levels`);
  const checked = ccvWebhookPayload.safeParse(parsed);
  if (!checked.success) return refuse(400, "WEBHOOK_INVALID", "the body has no valid order id");
  return { ok: true, id: checked.data.id };
}

/**
 * The byte forms a JSON body may have had on the wire when only its parsed value is left (Node-RED's
 * admin app parses JSON bodies of every path under its root, also the webhook's, when both share a
 * root): compact as JavaScript writes it, and as PHP's `json_encode` writes it (`\/` and `\uXXXX`).
 * UNCERTAIN how CCV Shop encodes; an `x-hash` is accepted when it signs one of these.
 */
export function wireForms(value: unknown): Buffer[] {
  const js = JSON.stringify(value) ?? "";
  const php = js.replace(/\//g, "\\/").replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return [...new Set([js, php])].map((t) => Buffer.from(t, "utf8"));
}

/**
 * Whether `hash` (the `x-hash` header) signs `raw` for one of the shop's webhooks (its address
 * and key). UNCERTAIN (docs/reference/ccvshop-api.md#webhook-signature): assumed HMAC-SHA512(key,
 * `address|body`), the form of CCV's App Store calls.
 */
export function verifyWebhookHash(raw: Buffer, hash: string, webhooks: ReadonlyArray<{ address: string; key: string }>): boolean {
  const given = Buffer.from(hash.trim().toLowerCase(), "utf8");
  let ok = false;
  for (const w of webhooks) {
    const expected = Buffer.from(ccvWebhookHash(w.key, w.address, raw.toString("utf8")), "utf8");
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/**
 * Whether a webhook `address` the shop holds is at the endpoint `ours` is at (the same public
 * address and path: `…/ccv-snelstart/webhook/`) with a token none of `digests` (the tokens the
 * running nodes receive on) matches: CCV's calls to it reach this Node-RED and can only be
 * refused, so removing it takes nothing from anyone. A webhook at another address may be another
 * node's or another Node-RED's (or this one's under an old public address) and is never dead.
 */
export function deadAtEndpoint(address: string, ours: string, digests: readonly Buffer[]): boolean {
  const endpoint = ours.slice(0, ours.lastIndexOf("/") + 1);
  if (!URL.canParse(address) || !URL.canParse(endpoint)) return false;
  const a = new URL(address);
  const e = new URL(endpoint);
  if (a.origin !== e.origin || a.search || a.hash || !a.pathname.startsWith(e.pathname)) return false;
  const token = a.pathname.slice(e.pathname.length).replace(/\/$/, "");
  return !token.includes("/") && matchToken(token, digests) < 0;
}

/**
 * The shop's webhooks whose key may sign a request for `token`: active ones with a key whose
 * address ends in this endpoint's path and token (any host and httpNodeRoot: the public address
 * is the user's), as address and key.
 */
export function webhookKeysFor(webhooks: readonly CcvWebhook[], token: string): Array<{ address: string; key: string }> {
  const mine = `${WEBHOOK_PATH}/${token}`;
  const ours = (address: string) => URL.canParse(address) && new URL(address).pathname.endsWith(mine);
  return webhooks.filter((w) => w.is_active !== false && w.key && ours(w.address)).map((w) => ({ address: w.address, key: w.key ?? "" }));
}

export interface WebhookKeyOptions {
  /** How long a listing of the shop's webhooks is used (default 10 minutes). */
  ttlMs?: number;
  /** A hash that does not verify lists the webhooks again, at most this often (default 1 minute). */
  refreshMs?: number;
  now?: () => number;
}

/** The `x-hash` check of one endpoint, and a way to drop what it knows (after webhooks were registered anew). */
export interface WebhookHashCheck {
  verify(raw: Buffer, hash: string): Promise<boolean>;
  forget(): void;
}

/**
 * An `x-hash` check over the shop's webhooks whose address is ours (`list` fetches them through
 * the signed API). The keys are kept in memory only, listed again when old, when forgotten, or
 * when a hash does not verify (then at most once per `refreshMs`, so that bad requests cannot
 * drive calls to the shop). A failed listing throws: the hash cannot be checked now.
 */
export function webhookHashCheck(list: () => Promise<Array<{ address: string; key: string }>>, o: WebhookKeyOptions = {}): WebhookHashCheck {
  const ttl = o.ttlMs ?? 10 * 60_000;
  const refresh = o.refreshMs ?? 60_000;
  const now = o.now ?? Date.now;
  let keys: Array<{ address: string; key: string }> | null = null;
  let at = 0;
  let loading: Promise<Array<{ address: string; key: string }>> | null = null;
  const load = () => {
    loading ??= list()
      .then((k) => {
        keys = k;
        at = now();
        return k;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  };
  return {
    verify: async (raw, hash) => {
      const current = keys && now() - at < ttl ? keys : await load();
      if (verifyWebhookHash(raw, hash, current)) return true;
      if (now() - at < refresh) return false;
      return verifyWebhookHash(raw, hash, await load());
    },
    forget: () => {
      keys = null;
    },
  };
}
