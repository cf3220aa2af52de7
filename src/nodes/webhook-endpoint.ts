/**
 * The package's webhook endpoint, `POST <httpNodeRoot>/ccv-snelstart/webhook/<token>`, on
 * Node-RED's HTTP node server: the same for every user, instead of wiring in the flow. Each
 * ccv-orders-in node with webhooks on registers its token here; a request is checked (token in
 * constant time, body size and nesting, an order id, the `x-hash` when present), answered at
 * once with a short JSON, and only then handed to the node. Bad input starts nothing.
 */
import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { MAX_BODY_BYTES, WEBHOOK_PATH, matchToken, readWebhookBody, tokenDigest, wireForms } from "../ccv/webhook";

export interface WebhookReceiver {
  /** The id of the node that receives, to name it when a token is taken twice. */
  nodeId: string;
  token: string;
  /** Checks an `x-hash` header: true (it signs the body), false (it does not), or throws when it cannot be checked now. */
  verify(raw: Buffer, hash: string): Promise<boolean>;
  /** Takes a checked order id (called after the answer went out). */
  deliver(orderId: number): void;
}

interface Registered {
  digest: Buffer;
  receiver: WebhookReceiver;
}

const endpoints = new WeakMap<object, Registered[]>();

function reply(res: Response, status: number, body: Record<string, unknown>): void {
  if (!res.headersSent) res.status(status).set("Cache-Control", "no-store").json(body);
}

/** The body as it came: its bytes, or, when another middleware parsed it already, the forms it may have had. */
interface Body {
  raw: Buffer;
  /** The byte strings an `x-hash` may sign: the raw bytes, or the wire forms of a parsed value. */
  signed: Buffer[];
}

/**
 * The body, at most MAX_BODY_BYTES (null beyond that). A body Node-RED's admin app parsed already
 * (it parses JSON under its root, which is also the node root by default) is taken as it is.
 */
function readBody(req: Request): Promise<Body | null> {
  const pre = (req as { body?: unknown }).body;
  if (pre !== undefined) {
    const exact = Buffer.isBuffer(pre) || typeof pre === "string";
    const raw = exact ? Buffer.from(pre as Buffer | string) : Buffer.from(JSON.stringify(pre) ?? "", "utf8");
    return Promise.resolve(raw.length > MAX_BODY_BYTES ? null : { raw, signed: exact ? [raw] : wireForms(pre) });
  }
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return Promise.resolve(null);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (v: Body | null) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        finish(null);
      } else chunks.push(c);
    });
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      finish({ raw, signed: [raw] });
    });
    req.on("error", () => finish(null));
  });
}

/** The receiver a request's token names, or null after answering 401. */
function receiverFor(list: Registered[], req: Request, res: Response): WebhookReceiver | null {
  const token = typeof req.params?.token === "string" ? req.params.token : (/\/ccv-snelstart\/webhook\/([^/?#]+)/.exec(req.originalUrl ?? "")?.[1] ?? "");
  const i = matchToken(token, list.map((r) => r.digest));
  if (i >= 0) return list[i].receiver;
  reply(res, 401, { ok: false, code: "WEBHOOK_TOKEN", message: "unknown webhook token" });
  return null;
}

async function handle(list: Registered[], req: Request, res: Response): Promise<void> {
  const receiver = receiverFor(list, req, res);
  if (!receiver) return;
  const body = await readBody(req);
  if (!body) {
    res.set("Connection", "close");
    return reply(res, 413, { ok: false, code: "WEBHOOK_TOO_LARGE", message: `the body is larger than ${MAX_BODY_BYTES} bytes` });
  }
  const read = readWebhookBody(body.raw);
  if (!read.ok) return reply(res, read.status, { ok: false, code: read.code, message: read.message });
  const hash = req.headers["x-hash"];
  if (typeof hash === "string" && hash !== "") {
    let verified = false;
    try {
      for (const form of body.signed) verified = (await receiver.verify(form, hash)) || verified;
    } catch {
      return reply(res, 503, { ok: false, code: "WEBHOOK_UNVERIFIED", message: "the x-hash cannot be checked now; the next scheduled run picks the order up" });
    }
    if (!verified) return reply(res, 401, { ok: false, code: "WEBHOOK_SIGNATURE", message: "the x-hash does not sign this body" });
  }
  reply(res, 200, { ok: true });
  receiver.deliver(read.id);
}

/** A request for the webhook path, whatever app it passes through. */
const WEBHOOK_URL = /\/ccv-snelstart\/webhook(\/[^/?#]*)?\/?(\?|$)/;

/**
 * The route's list of receivers, registering the route on first use per HTTP node app (also for a
 * node whose token is refused, so that the endpoint answers 401, not Node-RED's 404 page).
 */
export function receiversOf(RED: NodeAPI): Registered[] {
  const app = RED.httpNode as unknown as object;
  let list = endpoints.get(app);
  if (!list) {
    const registered: Registered[] = [];
    list = registered;
    endpoints.set(app, registered);
    const route = (req: Request, res: Response) => {
      handle(registered, req, res).catch(() => reply(res, 500, { ok: false, code: "WEBHOOK_FAILED", message: "the webhook could not be handled" }));
    };
    RED.httpNode.post(`${WEBHOOK_PATH}/:token`, route);
    RED.httpNode.post(WEBHOOK_PATH, route);
    // When the admin app shares the root, its body parser reads the webhook's body first; a body it
    // refuses (not JSON, over its limit) would end in Express's default error page with a stack
    // trace. This handler answers those with the endpoint's short JSON instead.
    RED.httpAdmin.use((err: unknown, req: Request, res: Response, next: (err?: unknown) => void) => {
      if (req.method !== "POST" || !WEBHOOK_URL.test(req.originalUrl ?? "")) return next(err);
      if (!receiverFor(registered, req, res)) return;
      const tooLarge = (err as { type?: string } | null)?.type === "entity.too.large";
      if (tooLarge) reply(res, 413, { ok: false, code: "WEBHOOK_TOO_LARGE", message: `the body is larger than ${MAX_BODY_BYTES} bytes` });
      else reply(res, 400, { ok: false, code: "WEBHOOK_INVALID", message: "the body is not JSON" });
    });
  }
  return list;
}

/**
 * Adds `receiver` to the endpoint; returns the function that removes it (on close). A token
 * another node already receives on is refused with that node's id.
 */
export function addWebhookReceiver(RED: NodeAPI, receiver: WebhookReceiver): { remove(): void } | { takenBy: string } {
  const list = receiversOf(RED);
  const digest = tokenDigest(receiver.token);
  const taken = matchToken(receiver.token, list.map((r) => r.digest));
  if (taken >= 0) return { takenBy: list[taken].receiver.nodeId };
  const entry = { digest, receiver };
  list.push(entry);
  return {
    remove: () => {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
    },
  };
}

/** The address CCV Shop is to call: the public base URL of this Node-RED, its httpNodeRoot, the path and the token. */
export function webhookAddress(publicUrl: string, httpNodeRoot: unknown, token: string): string {
  const root = typeof httpNodeRoot === "string" ? httpNodeRoot.replace(/^\/*/, "/").replace(/\/+$/, "") : "";
  return `${publicUrl.replace(/\/+$/, "")}${root}${WEBHOOK_PATH}/${token}`;
}
