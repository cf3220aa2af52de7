/**
 * The package's webhook endpoint, `POST <httpNodeRoot>/ccv-snelstart/webhook/<token>`: the same
 * for every user, instead of wiring in the flow. Each ccv-orders-in node with webhooks on
 * registers its token here; a request is checked (token in constant time, body size and nesting,
 * an order id, the `x-hash` when present), answered at once with a short JSON, and only then
 * handed to the node. Bad input starts nothing.
 *
 * Where the request is taken: Node-RED mounts its admin app (with a JSON body parser for every
 * path under its root, up to 5 MB, and an HTML error page with a stack trace for a body it cannot
 * parse) before the HTTP node app, and by default both share the root `/`. So the endpoint takes
 * its requests at Node-RED's HTTP server, before either app, and reads the body itself (at most
 * 16 KB, only after the token matched). Where that is not possible (no server, as in the test
 * helper; `httpNodeAuth` set, which must keep guarding every node route) a route on the HTTP node
 * app does the same with what reaches it.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Node, NodeAPI } from "node-red";
import { MAX_BODY_BYTES, MAX_DEPTH, WEBHOOK_PATH, deadAtEndpoint, matchToken, readWebhookBody, tokenDigest, tokenProblem, tooDeep, webhookHashCheck, webhookKeysFor, wireForms } from "../ccv/webhook";
import type { CcvWebhook } from "../ccv/schemas";
import { KoppelingError } from "../errors";
import { secureUrl } from "../secure-url";
import { inRuntimeLanguage } from "./error-language";
import { status } from "./shared";

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

type Answer = (status: number, body: Record<string, unknown>) => void;

/** A request body: its bytes, and the byte strings an `x-hash` may sign (the bytes, or the wire forms of a value parsed upstream). */
interface Body {
  raw: Buffer;
  signed: Buffer[];
}

type Refusal = { status: 400 | 413; code: string; message: string };
const TOO_LARGE: Refusal = { status: 413, code: "WEBHOOK_TOO_LARGE", message: `the body is larger than ${MAX_BODY_BYTES} bytes` };
const NOT_JSON: Refusal = { status: 400, code: "WEBHOOK_INVALID", message: "the body is not JSON" };

type BodyRequest = IncomingMessage & { body?: unknown; _body?: unknown };

/** A body another middleware parsed already (body-parser marks it with `req._body`): only JSON counts. */
function parsedBody(req: BodyRequest): Body | Refusal {
  if (!/\bjson\b/i.test(String(req.headers["content-type"] ?? ""))) return NOT_JSON;
  if (tooDeep(req.body, MAX_DEPTH)) return { status: 400, code: "WEBHOOK_INVALID", message: `the body nests deeper than ${MAX_DEPTH} levels` };
  const raw = Buffer.from(JSON.stringify(req.body) ?? "", "utf8");
  return raw.length > MAX_BODY_BYTES ? TOO_LARGE : { raw, signed: wireForms(req.body) };
}

/** The body, read here (at most MAX_BODY_BYTES, refused beyond that without reading on), else why it is refused. */
function readBody(req: BodyRequest): Promise<Body | Refusal> {
  if (req._body === true) return Promise.resolve(parsedBody(req));
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (v: Body | Refusal) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        finish(TOO_LARGE);
      } else chunks.push(c);
    });
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      finish({ raw, signed: [raw] });
    });
    req.on("error", () => finish(NOT_JSON));
  });
}

/** Checks one request for `token` and answers it; a good one is handed to its receiver after the answer. */
async function handle(list: Registered[], token: string, req: BodyRequest, answer: Answer): Promise<void> {
  const i = matchToken(token, list.map((r) => r.digest));
  if (i < 0) return answer(401, { ok: false, code: "WEBHOOK_TOKEN", message: "unknown webhook token" });
  const { receiver } = list[i];
  const body = await readBody(req);
  if (!("raw" in body)) return answer(body.status, { ok: false, code: body.code, message: body.message });
  const read = readWebhookBody(body.raw);
  if (!read.ok) return answer(read.status, { ok: false, code: read.code, message: read.message });
  const hash = req.headers["x-hash"];
  if (typeof hash === "string" && hash !== "") {
    let verified = false;
    try {
      for (const form of body.signed) verified = (await receiver.verify(form, hash)) || verified;
    } catch {
      return answer(503, { ok: false, code: "WEBHOOK_UNVERIFIED", message: "the x-hash cannot be checked now; the next scheduled run picks the order up" });
    }
    if (!verified) return answer(401, { ok: false, code: "WEBHOOK_SIGNATURE", message: "the x-hash does not sign this body" });
  }
  answer(200, { ok: true });
  receiver.deliver(read.id);
}

/** Answers as plain Node.js, so it works at the server and in any Express version. */
function answerOn(req: IncomingMessage, res: ServerResponse): Answer {
  return (status, body) => {
    if (res.headersSent) return;
    // A request whose body was not read to the end (refused early) closes its connection.
    const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };
    if (!req.complete) headers.Connection = "close";
    res.writeHead(status, headers).end(JSON.stringify(body));
  };
}

function serve(list: Registered[], token: string, req: IncomingMessage, res: ServerResponse): void {
  const answer = answerOn(req, res);
  handle(list, token, req, answer).catch(() => answer(500, { ok: false, code: "WEBHOOK_FAILED", message: "the webhook could not be handled" }));
}

/** `httpNodeRoot` as a path prefix without a trailing slash ("" for the default "/"); null when the node server is off. */
function nodeRoot(httpNodeRoot: unknown): string | null {
  if (httpNodeRoot === false) return null;
  return typeof httpNodeRoot === "string" ? httpNodeRoot.replace(/^\/*/, "/").replace(/\/+$/, "") : "";
}

/** The token of a POST to `<root>/ccv-snelstart/webhook[/<token>]`, "" without one; null for any other request. */
function webhookToken(req: IncomingMessage, root: string): string | null {
  if (req.method !== "POST") return null;
  const path = (req.url ?? "").split(/[?#]/)[0];
  const base = `${root}${WEBHOOK_PATH}`;
  if (path === base || path === `${base}/`) return "";
  const m = path.startsWith(`${base}/`) ? /^([^/]+)\/?$/.exec(path.slice(base.length + 1)) : null;
  return m ? m[1] : null;
}

/**
 * Puts the endpoint in front of the server's request handler (Node-RED's root Express app), so
 * that the admin app never parses a webhook's body. Not with `httpNodeAuth`, which guards every
 * route of the node server: then the node app's route answers behind it.
 */
function interceptAtServer(server: Server | undefined, root: string | null, httpNodeAuth: unknown, list: Registered[]): void {
  if (!server || typeof server.listeners !== "function" || root === null || httpNodeAuth) return;
  const original = server.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const token = webhookToken(req, root);
    if (token !== null) serve(list, token, req, res);
    else for (const listener of original) listener.call(server, req, res);
  });
}

const endpoints = new WeakMap<object, Registered[]>();

/**
 * The endpoint's list of receivers, set up on first use per HTTP node app (also for a node whose
 * token is refused, so that the endpoint answers 401, not Node-RED's 404 page).
 */
export function receiversOf(RED: NodeAPI): Registered[] {
  const app = RED.httpNode as unknown as object;
  let list = endpoints.get(app);
  if (!list) {
    const registered: Registered[] = [];
    list = registered;
    endpoints.set(app, registered);
    const route = (req: IncomingMessage & { params?: { token?: string } }, res: ServerResponse) => serve(registered, req.params?.token ?? "", req, res);
    RED.httpNode.post(`${WEBHOOK_PATH}/:token`, route);
    RED.httpNode.post(WEBHOOK_PATH, route);
    const settings = RED.settings as unknown as { httpNodeRoot?: unknown; httpNodeAuth?: unknown };
    interceptAtServer((RED as unknown as { server?: Server }).server, nodeRoot(settings.httpNodeRoot), settings.httpNodeAuth, registered);
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
  return `${publicUrl.replace(/\/+$/, "")}${nodeRoot(httpNodeRoot) ?? ""}${WEBHOOK_PATH}/${token}`;
}

/**
 * The address CCV Shop is to call, from the public base address of this Node-RED (https, or
 * loopback for the simulators): the node adds the path and the token, so the token never has to
 * be written into a flow.
 */
export function webhookTarget(base: unknown, httpNodeRoot: unknown, token: string): string {
  if (typeof base !== "string" || base.trim() === "") {
    throw new KoppelingError("CCV_WEBHOOK_ADDRESS", "Set the public address of this Node-RED (e.g. https://node-red.example.nl) in the node, or send it as msg.payload.address");
  }
  const u = secureUrl(base, "CCV_WEBHOOK_ADDRESS", "public address");
  if (u.pathname.includes(WEBHOOK_PATH) || u.search || u.hash) {
    throw new KoppelingError("CCV_WEBHOOK_ADDRESS", `Give only the public base address of this Node-RED (e.g. https://node-red.example.nl); the node adds ${WEBHOOK_PATH}/<token> itself`);
  }
  return webhookAddress(u.href, httpNodeRoot, token);
}

/** The environment variable that holds the webhook token when the node's credential is empty. */
export const WEBHOOK_TOKEN_ENV = "CCV_WEBHOOK_TOKEN";

/** A ccv-orders-in node's webhooks at the endpoint: the address CCV is to call, which webhooks no running node receives, the `x-hash` keys to list again, and the removal (on close). */
export interface OrderWebhooks {
  target(base: unknown): string;
  /** `deadAtEndpoint` for the tokens the nodes of this Node-RED receive on now. */
  dead(address: string, ours: string): boolean;
  forgetKeys(): void;
  remove(): void;
}

/**
 * Adds `node` to the package's webhook endpoint under its token (`credential`, else the
 * environment variable): a checked order id comes in as `{topic: "webhook", payload: {id}}`. The
 * `x-hash` is checked against the shop's webhooks for this address (`listWebhooks`). Null, with a
 * status and a warning or an error saying why, when it cannot: no token (the schedule still works),
 * a token too weak, or one another node receives on.
 */
export function openOrderWebhooks(RED: NodeAPI, node: Node, credential: string | undefined, listWebhooks: () => Promise<CcvWebhook[]>): OrderWebhooks | null {
  receiversOf(RED);
  const token = (credential || process.env[WEBHOOK_TOKEN_ENV] || "").trim();
  const fail = (text: string, message: string) => {
    node.status(status.error(text));
    node.error(inRuntimeLanguage(RED._, new KoppelingError("CCV_WEBHOOK_TOKEN", message)));
    return null;
  };
  if (token === "") {
    // The example flow has webhooks on: without a token yet, the schedule works and the node says why webhooks do not.
    node.status({ fill: "yellow", shape: "ring", text: "ccv-orders-in.statusText.webhooksOff" });
    node.warn(`Webhooks are off: no webhook token. Set the node's webhook token or ${WEBHOOK_TOKEN_ENV} (at least 32 characters, e.g. openssl rand -hex 24); scheduled runs work without it.`);
    return null;
  }
  const problem = tokenProblem(token);
  if (problem) return fail("ccv-orders-in.statusText.tokenInvalid", `Webhooks are off: ${problem}. Set the node's webhook token or ${WEBHOOK_TOKEN_ENV}.`);
  const hashCheck = webhookHashCheck(async () => webhookKeysFor(await listWebhooks(), token));
  const added = addWebhookReceiver(RED, { nodeId: node.id, token, verify: hashCheck.verify, deliver: (id) => node.receive({ topic: "webhook", payload: { id } }) });
  if ("takenBy" in added) return fail("ccv-orders-in.statusText.tokenInUse", `Webhooks are off: node ${added.takenBy} already receives webhooks with this token; give each ccv-orders-in node its own.`);
  const httpNodeRoot = (RED.settings as unknown as { httpNodeRoot?: unknown }).httpNodeRoot;
  return {
    target: (base) => webhookTarget(base, httpNodeRoot, token),
    dead: (address, ours) => deadAtEndpoint(address, ours, receiversOf(RED).map((r) => r.digest)),
    forgetKeys: () => hashCheck.forget(),
    remove: () => added.remove(),
  };
}
