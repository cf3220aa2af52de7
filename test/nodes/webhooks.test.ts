/**
 * The package's webhook endpoint, `POST /ccv-snelstart/webhook/<token>` on Node-RED's HTTP node
 * server, as CCV Shop (the simulator) and an attacker meet it: registration for the node's own
 * address, signed deliveries that book the order, and every bad input answered with a short 4xx
 * that starts nothing.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { NodeAPI } from "node-red";
import express, { type Express } from "express";
import { ccvWebhookHash } from "../../src/ccv/signing";
import {
  NODES,
  addOrder,
  atLeast,
  boekingen,
  collect,
  control,
  credentials,
  helper,
  koppelingFlow,
  readLedger,
  simpleOrder,
  startSims,
  statusMatching,
  statuses,
  teardown,
  trigger,
  until,
  type Sims,
} from "./support";

const TOKEN = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c";
const ENV = "CCV_WEBHOOK_TOKEN";

/** Node-RED's HTTP node app of the loaded flow, served on 127.0.0.1. */
let httpNode: Express | null = null;
function captureHttpNode(RED: NodeAPI): void {
  httpNode = RED.httpNode as unknown as Express;
}

interface Served {
  base: string;
  close(): Promise<void>;
}
async function serve(): Promise<Served> {
  assert.ok(httpNode, "the HTTP node app was captured");
  const server = http.createServer(httpNode);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

interface Answer {
  status: number;
  text: string;
  json: { ok?: boolean; code?: string; message?: string } | null;
}
async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
  const text = await r.text();
  let json: Answer["json"];
  try {
    json = JSON.parse(text) as Answer["json"];
  } catch {
    json = null;
  }
  return { status: r.status, text, json };
}

type LedgerLike = { runs: { consecutiveFailures: number; webhookNoise: { count: number } }; failed: Record<string, unknown> };

function webhookFlow(sims: Sims, base: string, over: Record<string, unknown> = {}) {
  return koppelingFlow(sims, { ordersIn: { webhook: true, publicUrl: base, ...over } });
}

describe("nodes: the webhook endpoint", function () {
  let sims: Sims | null = null;
  let served: Served | null = null;
  afterEach(async () => {
    delete process.env[ENV];
    await served?.close();
    served = null;
    httpNode = null;
    await teardown(sims);
    sims = null;
  });

  /** Loads the koppeling with webhooks on (token as a credential) and serves its HTTP node app. */
  async function start(over: Record<string, unknown> = {}, token: string | null = TOKEN): Promise<Served> {
    sims = await startSims();
    const creds = { ...credentials(sims), ...(token === null ? {} : { in: { webhookToken: token } }) };
    await helper.load([...NODES, captureHttpNode], webhookFlow(sims, "http://127.0.0.1:1", over), creds);
    served = await serve();
    return served;
  }

  /** Ends a test's first flow, so that it can start another. */
  async function stop(): Promise<void> {
    await served?.close();
    served = null;
    await teardown(sims);
    sims = null;
  }

  /** Registers the webhooks for `base`, given as msg.payload.address (the node builds the address), and waits for the answer. */
  async function register(base: string): Promise<string> {
    await registration(base);
    return `${base}/ccv-snelstart/webhook/${TOKEN}`;
  }

  /** Registers the webhooks for `base` and answers this registration's status text (the one after those before it). */
  async function registration(base: string): Promise<string> {
    const texts = () => statuses("in").map((st) => String(st.text ?? "")).filter((t) => t.startsWith("webhooks: "));
    const before = texts().length;
    trigger({ topic: "register-webhooks", payload: { address: base } });
    return until("the registration's status", () => texts()[before]);
  }

  it("registers the node's own address and books an order CCV Shop announces, signed with x-hash", async () => {
    const { base } = await start();
    const address = await register(base);
    assert.deepEqual(sims!.ccv.state.webhooks.map((w) => [w.event, w.address]).sort(), [
      ["orders.created", address],
      ["orders.updated.ispaid", address],
      ["orders.updated.status", address],
    ]);
    const out = collect("out");
    const order = await addOrder(sims!, simpleOrder(4101, { paid: false }));
    await control(sims!.ccv.url, "PATCH", `/__sim/orders/${order.id}`, { paid: true });
    await atLeast(out, 1, "bookings");
    assert.equal(boekingen(sims!).length, 1);
    await sims!.ccv.state.settled();
    const deliveries = sims!.ccv.state.deliveries.filter((d) => d.address === address);
    assert.ok(deliveries.length >= 2 && deliveries.every((d) => d.status === 200 && d.hash.length === 128), JSON.stringify(deliveries.map((d) => d.status)));

    // The token travels only in the address CCV Shop was given: not in statuses, logs or messages.
    const spy = helper.getNode("in").status as unknown as { getCalls(): Array<{ args: unknown[] }> };
    const seen = JSON.stringify([spy.getCalls().map((c) => c.args), helper.log().args, out, collect("summary")]);
    assert.ok(seen.includes("webhooks: 3 new"), "statuses were captured");
    assert.ok(!seen.includes(TOKEN), "the webhook token leaked into a status, log or message");

    // An old token at this Node-RED's endpoint (no running node receives on it): registering again removes its webhooks.
    const old = `${base}/ccv-snelstart/webhook/${"0".repeat(40)}`;
    for (const event of ["orders.created", "orders.updated.ispaid", "orders.updated.status"]) sims!.ccv.state.addWebhook({ event, address: old });
    assert.equal(await registration(base), "webhooks: 0 new, 3 kept, 3 removed");
    assert.ok(sims!.ccv.state.webhooks.every((w) => w.address === address));

    // Another public address (another Node-RED, or this one moved): the webhooks at the first address may be another node's and stay.
    assert.equal(await registration("http://127.0.0.1:9"), "webhooks: 3 new, 0 kept");
    assert.deepEqual(
      [sims!.ccv.state.webhooks.filter((w) => w.address === address).length, sims!.ccv.state.webhooks.filter((w) => w.address.startsWith("http://127.0.0.1:9/")).length],
      [3, 3],
    );
  });

  it("answers every bad input with a short JSON 4xx and starts nothing", async () => {
    const { base } = await start();
    const order = await addOrder(sims!, simpleOrder(4102));
    const url = `${base}/ccv-snelstart/webhook/${TOKEN}`;
    const gets = () => sims!.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/");
    const body = JSON.stringify({ id: order.id });
    let deep = "1";
    for (let i = 0; i < 1000; i++) deep = `{"a":${deep}}`;
    const cases: Array<[string, string, string, number, string]> = [
      ["wrong token", `${base}/ccv-snelstart/webhook/${"x".repeat(48)}`, body, 401, "WEBHOOK_TOKEN"],
      ["token one character off", `${base}/ccv-snelstart/webhook/${TOKEN.slice(0, -1)}0`, body, 401, "WEBHOOK_TOKEN"],
      ["short token", `${base}/ccv-snelstart/webhook/a`, body, 401, "WEBHOOK_TOKEN"],
      ["no token", `${base}/ccv-snelstart/webhook`, body, 401, "WEBHOOK_TOKEN"],
      ["malformed JSON", url, '{"id": 1,', 400, "WEBHOOK_INVALID"],
      ["not JSON at all", url, "<xml/>", 400, "WEBHOOK_INVALID"],
      ["huge body", url, JSON.stringify({ id: order.id, pad: "x".repeat(100_000) }), 413, "WEBHOOK_TOO_LARGE"],
      ["deep body", url, deep, 400, "WEBHOOK_INVALID"],
      ["deep array", url, `${"[".repeat(4000)}${"]".repeat(4000)}`, 400, "WEBHOOK_INVALID"],
      ["no id", url, JSON.stringify({ triggered_at: "2026-01-01T00:00:00Z" }), 400, "WEBHOOK_INVALID"],
      ["id not a number", url, JSON.stringify({ id: "12; DROP" }), 400, "WEBHOOK_INVALID"],
      ["negative id", url, JSON.stringify({ id: -5 }), 400, "WEBHOOK_INVALID"],
      ["empty body", url, "", 400, "WEBHOOK_INVALID"],
      ["bad x-hash", url, body, 401, "WEBHOOK_SIGNATURE"],
    ];
    for (const [what, target, payload, status, code] of cases) {
      const a = await post(target, payload, what === "bad x-hash" ? { "x-hash": "0".repeat(128) } : {});
      assert.equal(a.status, status, `${what}: ${a.text}`);
      assert.equal(a.json?.code, code, what);
      assert.ok(a.text.length < 200, `${what}: a short answer`);
      assert.doesNotMatch(a.text, /\bat \w|node_modules|[/\\]dist[/\\]|Error:/, `${what}: no stack trace or path`);
      assert.ok(!a.text.includes(TOKEN), `${what}: the token is not echoed`);
    }
    assert.equal(gets(), 0, "no order was fetched");
    assert.equal(collect("orders").length, 0);

    // The good one, to show the cases above could have started something.
    const ok = await post(url, body);
    assert.deepEqual([ok.status, ok.json], [200, { ok: true }]);
    await until("the order fetched", () => gets() >= 1);
  });

  it("answers 200 at once, before the order is fetched; an x-hash with the webhook's key is accepted", async () => {
    const { base } = await start();
    const out = collect("out");
    // The order exists before the webhooks do: only the request below announces it.
    const order = await addOrder(sims!, simpleOrder(4103));
    const address = await register(base);
    await control(sims!.ccv.url, "POST", "/__sim/faults", { kind: "delay", ms: 1500, method: "GET", path: `/orders/${order.id}/`, count: 1 });
    const body = JSON.stringify({ id: order.id, order_number: 4103 });
    const key = sims!.ccv.state.webhooks[0].key;
    const before = sims!.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/");
    const started = Date.now();
    const a = await post(`${base}/ccv-snelstart/webhook/${TOKEN}`, body, { "x-hash": ccvWebhookHash(key, address, body) });
    assert.equal(a.status, 200, a.text);
    assert.ok(Date.now() - started < 1500, "answered before the (delayed) order fetch");
    assert.equal(out.length, 0, "nothing was booked yet when the answer came");
    await atLeast(out, 1, "bookings");
    assert.equal(out[0].ccv?.orderId, order.id);
    assert.ok(sims!.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/") > before);
  });

  it("unknown order ids are webhook noise: counted, no failed run, no alert", async () => {
    const { base } = await start();
    const alerts = collect("alert");
    const url = `${base}/ccv-snelstart/webhook/${TOKEN}`;
    for (const id of [999001, 999002, 999003, 999004]) {
      const a = await post(url, JSON.stringify({ id }));
      assert.equal(a.status, 200);
      await statusMatching("in", new RegExp(`^order ${id} unknown`));
    }
    const ledger = await readLedger<LedgerLike>();
    assert.equal(ledger.runs.webhookNoise.count, 4);
    assert.equal(ledger.runs.consecutiveFailures, 0);
    assert.deepEqual(ledger.failed, {});
    // A scheduled run still reports normally and sends no alert.
    const summaries = collect("summary");
    trigger();
    await atLeast(summaries, 1, "summaries");
    assert.equal(alerts.length, 0);
  });

  it("the token: from the credential or CCV_WEBHOOK_TOKEN, at least 32 characters, one node per token", async () => {
    process.env[ENV] = `env-${TOKEN}`;
    const { base } = await start({}, null);
    const viaEnv = await post(`${base}/ccv-snelstart/webhook/env-${TOKEN}`, JSON.stringify({ id: 1 }));
    assert.equal(viaEnv.status, 200, "the environment variable is the token when the credential is empty");
    await stop();

    delete process.env[ENV];
    const none = await start({}, null);
    await statusMatching("in", /^ccv-orders-in\.statusText\.webhooksOff$/);
    assert.equal((await post(`${none.base}/ccv-snelstart/webhook/`, JSON.stringify({ id: 1 }))).status, 401);
    await stop();

    const short = await start({}, "too-short-token");
    await statusMatching("in", /^ccv-orders-in\.statusText\.tokenInvalid$/);
    const refused = await post(`${short.base}/ccv-snelstart/webhook/too-short-token`, JSON.stringify({ id: 1 }));
    assert.equal(refused.status, 401);
    trigger({ topic: "register-webhooks", payload: { address: short.base } });
    await statusMatching("in", /^CCV_WEBHOOK_TOKEN$/);
    assert.equal(sims!.ccv.state.webhooks.length, 0);
  });

  /**
   * The koppeling loaded as Node-RED serves it: one HTTP server whose root app mounts the admin app
   * (with its JSON body parser) and then the node app, both at "/" (Node-RED's default), and that
   * server as RED.server.
   */
  async function asNodeRedServes(settings: Record<string, unknown> = {}): Promise<Served> {
    sims = await startSims();
    let root: Express | null = null;
    const server = http.createServer((req, res) => (root ? root(req, res) : res.writeHead(503).end()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const h = helper as unknown as { _server?: unknown; _settings: Record<string, unknown>; _httpAdmin: Express };
    Object.assign(h._settings, settings);
    h._server = server;
    try {
      await helper.load([...NODES, captureHttpNode], webhookFlow(sims, "http://127.0.0.1:1"), { ...credentials(sims), in: { webhookToken: TOKEN } });
    } finally {
      h._server = undefined;
      for (const k of Object.keys(settings)) delete h._settings[k];
    }
    const app = express();
    app.use("/", h._httpAdmin);
    app.use("/", httpNode as Express);
    root = app;
    served = { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
    return served;
  }

  it("takes its requests at Node-RED's server, before the admin app's body parser: bodies are read here, raw", async () => {
    const { base } = await asNodeRedServes();
    const order = await addOrder(sims!, simpleOrder(4104));
    const address = await register(base);
    const url = `${base}/ccv-snelstart/webhook/${TOKEN}`;
    for (const [what, target, payload, status, code, type] of [
      ["malformed JSON", url, '{"id": 1,', 400, "WEBHOOK_INVALID", "application/json"],
      ["malformed JSON, wrong token", `${base}/ccv-snelstart/webhook/${"y".repeat(40)}`, '{"id": 1,', 401, "WEBHOOK_TOKEN", "application/json"],
      ["huge body", url, JSON.stringify({ id: order.id, pad: "x".repeat(100_000) }), 413, "WEBHOOK_TOO_LARGE", "application/json"],
      ["very deep body", url, `${'{"a":'.repeat(2500)}1${"}".repeat(2500)}`, 400, "WEBHOOK_INVALID", "application/json"],
      ["no id", url, "{}", 400, "WEBHOOK_INVALID", "application/json"],
      ["form-encoded", url, `id=${order.id}`, 400, "WEBHOOK_INVALID", "application/x-www-form-urlencoded"],
    ] as const) {
      const a = await post(target, payload, { "Content-Type": type });
      assert.equal(a.status, status, `${what}: ${a.text}`);
      assert.equal(a.json?.code, code, what);
      assert.doesNotMatch(a.text, /\bat \w|node_modules|<html|Error:/i, `${what}: no stack trace or page`);
    }
    assert.equal(sims!.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/"), 0, "nothing was fetched");
    // Everything else still reaches the apps behind.
    const admin = await fetch(`${base}/ccv-snelstart/ccv/statuses`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: "ccv" }) });
    assert.equal(((await admin.json()) as { ok: boolean }).ok, true);

    // The raw bytes as CCV Shop would send them (PHP's json_encode), signed, and any content type.
    const key = sims!.ccv.state.webhooks[0].key;
    const php = `{"id":${order.id},"href":"https:\\/\\/shop.example.nl\\/api\\/rest\\/v1\\/orders\\/${order.id}","name":"Caf\\u00e9"}`;
    const signed = await post(url, php, { "x-hash": ccvWebhookHash(key, address, php) });
    assert.equal(signed.status, 200, signed.text);
    const plain = await post(url, JSON.stringify({ id: order.id }), { "Content-Type": "text/plain" });
    assert.deepEqual([plain.status, plain.json], [200, { ok: true }]);
    await atLeast(collect("out"), 1, "bookings");
  });

  it("with httpNodeAuth (no interception): behind the admin app's body parser, the x-hash is checked on the parsed body's wire forms", async () => {
    const { base } = await asNodeRedServes({ httpNodeAuth: { user: "u", pass: "p" } });
    const order = await addOrder(sims!, simpleOrder(4105));
    const address = await register(base);
    const url = `${base}/ccv-snelstart/webhook/${TOKEN}`;
    const key = sims!.ccv.state.webhooks[0].key;
    const php = `{"id":${order.id},"href":"https:\\/\\/shop.example.nl\\/api\\/rest\\/v1\\/orders\\/${order.id}","name":"Caf\\u00e9"}`;
    const signedPhp = await post(url, php, { "x-hash": ccvWebhookHash(key, address, php) });
    assert.equal(signedPhp.status, 200, signedPhp.text);
    const compact = JSON.stringify({ id: order.id, paid: true });
    assert.equal((await post(url, compact, { "x-hash": ccvWebhookHash(key, address, compact) })).status, 200);
    const forged = await post(url, compact, { "x-hash": ccvWebhookHash("not-the-key", address, compact) });
    assert.deepEqual([forged.status, forged.json?.code], [401, "WEBHOOK_SIGNATURE"]);
    for (const [what, payload, type] of [
      ["form-encoded", `id=${order.id}`, "application/x-www-form-urlencoded"],
      ["very deep body", `${'{"a":'.repeat(2500)}1${"}".repeat(2500)}`, "application/json"],
    ] as const) {
      const a = await post(url, payload, { "Content-Type": type });
      assert.deepEqual([a.status, a.json?.code], [400, "WEBHOOK_INVALID"], `${what}: ${a.text}`);
    }
    await atLeast(collect("out"), 1, "bookings");
  });

  it("a second node with the same token is refused; the first keeps receiving", async () => {
    sims = await startSims();
    const flow = webhookFlow(sims, "http://127.0.0.1:1");
    const original = flow.find((n) => n.id === "in");
    assert.ok(original);
    const twin = { ...original, id: "in2", wires: [[]] };
    await helper.load([...NODES, captureHttpNode], [...flow, twin], { ...credentials(sims), in: { webhookToken: TOKEN }, in2: { webhookToken: TOKEN } });
    served = await serve();
    await statusMatching("in2", /^ccv-orders-in\.statusText\.tokenInUse$/);
    const a = await post(`${served.base}/ccv-snelstart/webhook/${TOKEN}`, JSON.stringify({ id: 999 }));
    assert.equal(a.status, 200);
    await statusMatching("in", /^order 999 unknown/);
  });
});
