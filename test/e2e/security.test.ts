/**
 * The security promises of README "Security" and "Webhooks", checked against a real Node-RED
 * (a child process with the packed package, the example flow deployed) with `adminAuth` on: an
 * `owner` ("*") and a `reader` ("read").
 *
 * A capture server on 127.0.0.1 records every request that reaches it. The admin routes are
 * posted with the deployed configuration ids and URLs pointing at it, with secrets that name the
 * stored ones (`__PWRD__`, empty, left out) or an environment variable (`${KOPPELING_CANARY}`,
 * which the Node-RED process has; `${KOPPELING_CANARY_URL}` there is the capture server's
 * address): none of that may reach it, for the reader nor the owner. Typed-in secrets (owner) do
 * reach it, as typed. Then the webhook endpoint on the
 * HTTP node server is fed bad requests and unknown order ids, and at the end every file Node-RED
 * wrote, the mails and the run summaries are searched for the secrets.
 *
 * Runs on Node-RED 4.1 and, in the test runner's second pass, on Node-RED 5 (NODE_RED_MODULE).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EXAMPLE_IDS, type KoppelingRuntime, startKoppeling } from "../../scripts/node-red-runtime";
import { listen, readBody, type Listening } from "../../sim/http";
import { SIM_CREDENTIALS } from "../../sim/cli";
import { ccvWebhookHash, signCcvRequest } from "../../src/ccv/signing";
import { reviveLedger } from "../../src/koppeling/sync-ledger";
import { applyRecord, parseJournal } from "../../src/nodes/ledger-journal";
import { waitFor } from "./wait";

interface Captured {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Answer {
  status: number;
  body: { ok?: boolean; code?: string; message?: string; [k: string]: unknown } | null;
  text: string;
}

/** The status, the text, and the text as JSON (null when it is not JSON). */
async function answerOf(r: Response): Promise<Answer> {
  const text = await r.text();
  try {
    return { status: r.status, body: JSON.parse(text) as Answer["body"], text };
  } catch {
    return { status: r.status, body: null, text };
  }
}

const OWNER = { username: "owner", password: randomBytes(12).toString("hex"), permissions: "*" };
const READER = { username: "reader", password: randomBytes(12).toString("hex"), permissions: "read" };

/** Only the Node-RED process knows their values: a posted `${NAME}` must never be expanded. */
const CANARY = `canary${randomBytes(16).toString("hex")}`;
const ENV_SECRET = "${KOPPELING_CANARY}";
const ENV_URL = "${KOPPELING_CANARY_URL}";

const STORED_SECRETS = Object.values(SIM_CREDENTIALS);

type Kind = "ccv" | "snelstart";

interface Route {
  path: string;
  kind: Kind;
  /** Asks for the write permission whatever is posted. */
  write: boolean;
  /** The target goes under `snelstart` (mapping/validate). */
  nested?: boolean;
}

const ROUTES: Route[] = [
  { path: "/ccv-snelstart/ccv/test", kind: "ccv", write: true },
  { path: "/ccv-snelstart/ccv/statuses", kind: "ccv", write: false },
  { path: "/ccv-snelstart/snelstart/test", kind: "snelstart", write: true },
  { path: "/ccv-snelstart/snelstart/lookups", kind: "snelstart", write: false },
  { path: "/ccv-snelstart/mapping/validate", kind: "snelstart", write: false, nested: true },
];

const CONFIG_ID: Record<Kind, string> = { ccv: EXAMPLE_IDS.ccvConfig, snelstart: EXAMPLE_IDS.snelstartConfig };
const CONFIG_CODE: Record<Kind, string> = { ccv: "CCV_CONFIG", snelstart: "SNELSTART_CONFIG" };

/** Secret fields of a variant; `undefined` leaves the field out. */
type Secrets = Record<string, string | undefined>;

const all = (kind: Kind, value: string | undefined): Secrets =>
  kind === "ccv" ? { publicKey: value, secret: value } : { subscriptionKey: value, koppelsleutel: value };

/** Secrets that ask for the stored ones (or an environment variable), or mix one typed-in value with a stored one. */
const STORED_VARIANTS: Array<{ name: string; secrets: (kind: Kind) => Secrets }> = [
  { name: "__PWRD__", secrets: (k) => all(k, "__PWRD__") },
  { name: "empty", secrets: (k) => all(k, "") },
  { name: "omitted", secrets: (k) => all(k, undefined) },
  { name: ENV_SECRET, secrets: (k) => all(k, ENV_SECRET) },
  // One typed in, one asked for; for CCV Shop the typed-in one is the real public key (a text credential the editor shows).
  { name: "first typed in, second stored", secrets: (k) => (k === "ccv" ? { publicKey: SIM_CREDENTIALS.ccvPublicKey, secret: "__PWRD__" } : { subscriptionKey: "typed-subscription", koppelsleutel: "__PWRD__" }) },
  { name: "first stored, second typed in", secrets: (k) => (k === "ccv" ? { publicKey: "__PWRD__", secret: "typed-secret" } : { subscriptionKey: "__PWRD__", koppelsleutel: "typed-koppelsleutel" }) },
];

describe("security in a real Node-RED with adminAuth: secrets follow their address, the webhook endpoint refuses bad input", function () {
  this.timeout(120_000);
  let rt: KoppelingRuntime;
  let capture: Listening;
  let userDir: string;
  let stopped = false;
  const captured: Captured[] = [];
  const tokens: Record<string, string> = {};
  let webhookToken = "";
  /** Webhooks for unknown order ids the endpoint took: the ledger's webhook noise count. */
  let noise = 0;

  /** Every value that must not leave, or be written down: the stored secrets, the webhook token, the canary. */
  const forbidden = () => [...STORED_SECRETS, webhookToken, CANARY];

  before(async () => {
    capture = await listen(async (req, res) => {
      const body = await readBody(req);
      captured.push({ method: req.method ?? "", url: req.url ?? "", headers: { ...req.headers }, body });
      // A token for a token request (so that a SnelStart client goes on to the API), 403 for everything else.
      if (req.method === "POST" && /token/.test(req.url ?? "")) {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ access_token: "capture-token", token_type: "bearer", expires_in: 3600 }));
      } else {
        res.writeHead(403, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "captured" }));
      }
    });
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-security-"));
    // The child process inherits these: a posted `${KOPPELING_CANARY…}` expanded anywhere would show.
    process.env.KOPPELING_CANARY = CANARY;
    process.env.KOPPELING_CANARY_URL = capture.url;
    const nodeRedDir = process.env.NODE_RED_MODULE;
    try {
      rt = await startKoppeling({
        orders: 6,
        seed: 11,
        rateLimits: "off",
        userDir,
        adminAuth: [OWNER, READER],
        ...(nodeRedDir ? { nodeRedDir, nodeBinary: process.execPath } : {}),
      });
    } finally {
      delete process.env.KOPPELING_CANARY;
      delete process.env.KOPPELING_CANARY_URL;
    }
    webhookToken = rt.webhookUrl.split("/").pop() ?? "";
    assert.ok(webhookToken.length >= 32);
    tokens.owner = await rt.login(OWNER.username, OWNER.password);
    tokens.reader = await rt.login(READER.username, READER.password);
    await rt.waitForSummary(1);
  });

  after(async () => {
    if (!stopped) await rt?.stop();
    await capture?.close();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  /** POSTs to the admin API as `user` (null: anonymous). */
  async function post(user: "owner" | "reader" | null, p: string, body: unknown): Promise<Answer> {
    const r = await fetch(rt.url + p, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...(user ? { Authorization: `Bearer ${tokens[user]}` } : {}) },
      body: JSON.stringify(body),
    });
    return answerOf(r);
  }

  function bodyFor(route: Route, target: Record<string, unknown>): unknown {
    return route.nested ? { snelstart: target, mapping: {} } : target;
  }

  /** The posted target: the deployed id, these URL fields and secrets (undefined fields left out). */
  function target(kind: Kind, urls: Record<string, string | undefined>, secrets: Secrets): Record<string, unknown> {
    const t: Record<string, unknown> = { id: CONFIG_ID[kind] };
    for (const [k, v] of Object.entries({ ...urls, ...secrets })) if (v !== undefined) t[k] = v;
    return t;
  }

  function assertNothingCaptured(what: string): void {
    assert.equal(captured.length, 0, `${what}: the capture server received ${captured.map((c) => `${c.method} ${c.url}`).join(", ")}`);
  }

  /** URL fields that point at the capture server (all of them, or only some: the others stay as deployed). */
  function capturedUrls(kind: Kind): Array<{ name: string; urls: Record<string, string | undefined> }> {
    if (kind === "ccv") return [{ name: "shopUrl → capture", urls: { shopUrl: capture.url } }];
    return [
      { name: "apiUrl + tokenUrl → capture", urls: { apiUrl: `${capture.url}/v2`, tokenUrl: `${capture.url}/b2b/token` } },
      { name: "apiUrl → capture, tokenUrl as deployed", urls: { apiUrl: `${capture.url}/v2` } },
      { name: "tokenUrl → capture, apiUrl as deployed", urls: { tokenUrl: `${capture.url}/b2b/token` } },
      { name: `apiUrl → capture, tokenUrl ${ENV_URL}`, urls: { apiUrl: `${capture.url}/v2`, tokenUrl: ENV_URL } },
    ];
  }

  it("has adminAuth on: anonymous requests are refused, the reader's login carries only read permission", async () => {
    const anon = await post(null, "/ccv-snelstart/snelstart/lookups", target("snelstart", {}, all("snelstart", "__PWRD__")));
    assert.equal(anon.status, 401);
    const flows = await fetch(`${rt.url}/flows`, { headers: { Accept: "application/json" } });
    assert.equal(flows.status, 401);
    const deploy = await fetch(`${rt.url}/flows`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokens.reader}` }, body: JSON.stringify([]) });
    assert.equal(deploy.status, 401, "the reader could deploy");
    await assert.rejects(rt.login(READER.username, "wrong-password"), /HTTP 401|HTTP 403/);
    // The editor's credential view (Node-RED's own route): password credentials only as "has_…".
    for (const [type, id] of [["ccv-config", EXAMPLE_IDS.ccvConfig], ["snelstart-config", EXAMPLE_IDS.snelstartConfig]]) {
      const r = await fetch(`${rt.url}/credentials/${type}/${id}`, { headers: { Accept: "application/json", Authorization: `Bearer ${tokens.reader}` } });
      assert.equal(r.status, 200);
      const view = await r.text();
      assert.match(view, /"has_(secret|koppelsleutel)":true/);
      for (const secret of [SIM_CREDENTIALS.ccvSecret, SIM_CREDENTIALS.subscriptionKey, SIM_CREDENTIALS.koppelsleutel]) assert.ok(!view.includes(secret), `the reader sees a ${type} secret`);
    }
    assertNothingCaptured("anonymous");
  });

  it("lets the reader use the read routes for the deployed configuration as it is (also with ${NAME} in a URL field: the deployed URL)", async () => {
    const cases: Array<{ route: Route; urls: Record<string, string | undefined>; secrets: Secrets }> = [];
    for (const route of ROUTES.filter((r) => !r.write)) {
      cases.push({ route, urls: {}, secrets: all(route.kind, "__PWRD__") });
      cases.push({ route, urls: {}, secrets: all(route.kind, undefined) });
      const envUrls = route.kind === "ccv" ? { shopUrl: ENV_URL } : { apiUrl: ENV_URL, tokenUrl: ENV_SECRET };
      cases.push({ route, urls: envUrls, secrets: all(route.kind, "__PWRD__") });
    }
    // The CCV public key is a text credential: the editor posts it as it is, which is still the deployed configuration.
    cases.push({ route: ROUTES[1], urls: {}, secrets: { publicKey: SIM_CREDENTIALS.ccvPublicKey, secret: "__PWRD__" } });
    for (const c of cases) {
      const what = `reader ${c.route.path} ${JSON.stringify(c.urls)} ${JSON.stringify(c.secrets)}`;
      const a = await post("reader", c.route.path, bodyFor(c.route, target(c.route.kind, c.urls, c.secrets)));
      assert.equal(a.status, 200, `${what}: HTTP ${a.status}`);
      assert.equal(a.body?.ok, true, `${what}: ${a.text}`);
      if (c.route.path.endsWith("/statuses")) assert.ok(Array.isArray(a.body?.statuses) && a.body.statuses.length > 0, `${what}: no statuses`);
      if (c.route.path.endsWith("/lookups")) assert.ok(Array.isArray(a.body?.grootboeken) && a.body.grootboeken.length > 0, `${what}: no ledgers`);
      if (c.route.path.endsWith("/validate")) assert.ok(Array.isArray(a.body?.problems), `${what}: no problems list`);
      assertNothingCaptured(what);
    }
  });

  it("refuses the reader the write routes (Test connection), even for the deployed configuration; the owner may", async () => {
    for (const route of ROUTES.filter((r) => r.write)) {
      const body = target(route.kind, {}, all(route.kind, "__PWRD__"));
      const reader = await post("reader", route.path, body);
      assert.equal(reader.status, 401, `reader ${route.path}: ${reader.status} ${reader.text}`);
      const owner = await post("owner", route.path, body);
      assert.equal(owner.body?.ok, true, `owner ${route.path}: ${owner.text}`);
    }
    assertNothingCaptured("the write routes");
  });

  it("the Koppeling sidebar: anonymous refused; the reader reads the runs and what needs attention; its buttons are the owner's", async () => {
    const getAs = async (user: "owner" | "reader" | null, p: string) =>
      answerOf(await fetch(rt.url + p, { headers: { Accept: "application/json", ...(user ? { Authorization: `Bearer ${tokens[user]}` } : {}) } }));
    const base = `/ccv-snelstart/koppeling/${EXAMPLE_IDS.ccvConfig}`;
    assert.equal((await getAs(null, "/ccv-snelstart/koppeling/shops")).status, 401);
    assert.equal((await getAs(null, `${base}/runs`)).status, 401);
    const shops = await getAs("reader", "/ccv-snelstart/koppeling/shops");
    assert.equal(shops.status, 200, shops.text);
    assert.deepEqual(
      (shops.body?.shops as Array<{ id: string; ordersIn: Array<{ id: string }> }>).map((s) => [s.id, s.ordersIn.map((o) => o.id)]),
      [[EXAMPLE_IDS.ccvConfig, [EXAMPLE_IDS.ordersIn]]],
    );
    const runs = await getAs("reader", `${base}/runs`);
    assert.equal(runs.body?.ok, true, runs.text);
    assert.deepEqual((runs.body?.runs as Array<{ trigger: string }>).map((r) => r.trigger), ["deploy"]);
    assert.equal((await getAs("reader", `${base}/attention`)).body?.ok, true);
    for (const button of ["run", "retry", "retry-failed"]) {
      for (const user of [null, "reader"] as const) {
        const refused = await post(user, `${base}/${button}`, button === "retry" ? { key: "order:1" } : {});
        assert.equal(refused.status, 401, `${user ?? "anonymous"} ${button}: ${refused.status} ${refused.text}`);
      }
    }
    const summaries = rt.summaries.length;
    const started = await post("owner", `${base}/run`, {});
    assert.deepEqual(started.body, { ok: true, started: true, busy: false, node: EXAMPLE_IDS.ordersIn });
    // The owner's run, recorded as manual; its summary arrives too (the later tests count runs after it).
    const deadline = Date.now() + 30_000;
    for (;;) {
      const now = (await getAs("reader", `${base}/runs`)).body?.runs as Array<{ trigger: string; state: string }>;
      if (now.length === 2 && now[0].trigger === "manual" && now[0].state === "done") break;
      assert.ok(Date.now() < deadline, `the owner's run did not end: ${JSON.stringify(now)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await rt.waitForSummary(summaries + 1);
    assertNothingCaptured("the sidebar routes");
  });

  it("sends no stored secret and no ${NAME} to another address, whoever asks and however the secrets are left out", async () => {
    let count = 0;
    for (const route of ROUTES) {
      for (const urls of capturedUrls(route.kind)) {
        for (const variant of STORED_VARIANTS) {
          const body = bodyFor(route, target(route.kind, urls.urls, variant.secrets(route.kind)));
          const what = `${route.path}, ${urls.name}, secrets ${variant.name}`;
          const reader = await post("reader", route.path, body);
          assert.ok(reader.status === 401 || (reader.status === 200 && reader.body?.ok === false), `reader ${what}: HTTP ${reader.status} ${reader.text}`);
          assertNothingCaptured(`reader ${what}`);
          const owner = await post("owner", route.path, body);
          assert.equal(owner.status, 200, `owner ${what}: HTTP ${owner.status}`);
          assert.equal(owner.body?.ok, false, `owner ${what}: ${owner.text}`);
          assert.equal(owner.body?.code, CONFIG_CODE[route.kind], `owner ${what}: ${owner.text}`);
          for (const s of forbidden()) assert.ok(!owner.text.includes(s), `owner ${what}: the answer names a secret`);
          assertNothingCaptured(`owner ${what}`);
          count++;
        }
        // Typed-in secrets at another address need the write permission: the reader may not.
        const typed = bodyFor(route, target(route.kind, urls.urls, route.kind === "ccv" ? { publicKey: "typed-public", secret: "typed-secret" } : { subscriptionKey: "typed-sub", koppelsleutel: "typed-koppel" }));
        const reader = await post("reader", route.path, typed);
        assert.equal(reader.status, 401, `reader ${route.path}, ${urls.name}, typed secrets: ${reader.status} ${reader.text}`);
        assertNothingCaptured(`reader ${route.path}, ${urls.name}, typed secrets`);
      }
    }
    assert.equal(count, 2 * STORED_VARIANTS.length + 3 * 4 * STORED_VARIANTS.length);
  });

  it("sends typed-in secrets (owner) to the address typed in, literally and nothing stored: the capture server does see requests", async () => {
    captured.splice(0); // (only after a failure above)
    // A `${NAME}` inside a typed value is not an environment reference: it travels as typed.
    const ccvTyped = { publicKey: `typed-public-${randomBytes(4).toString("hex")}`, secret: `typed-secret-${ENV_SECRET}` };
    const ccv = await post("owner", "/ccv-snelstart/ccv/test", target("ccv", { shopUrl: capture.url }, ccvTyped));
    assert.equal(ccv.body?.ok, false, ccv.text);
    const ccvRequests = captured.splice(0);
    assert.ok(ccvRequests.length >= 1, "the CCV test sent nothing to the typed-in shop URL");
    for (const c of ccvRequests) {
      assert.equal(c.headers["x-public"], ccvTyped.publicKey);
      const expected = signCcvRequest({ ...ccvTyped, method: c.method, uri: c.url, body: c.body, date: String(c.headers["x-date"]) });
      assert.equal(c.headers["x-hash"], expected["x-hash"], "the request was not signed with the typed-in secret, literally");
    }

    const ssTyped = { subscriptionKey: `typed-sub-${randomBytes(4).toString("hex")}`, koppelsleutel: `typed-koppel-${ENV_SECRET}` };
    const apiUrl = `${capture.url}/v2/${ENV_SECRET}`;
    for (const route of ROUTES.filter((r) => r.kind === "snelstart")) {
      const a = await post("owner", route.path, bodyFor(route, target("snelstart", { apiUrl, tokenUrl: `${capture.url}/b2b/token` }, ssTyped)));
      assert.equal(a.body?.ok, false, `${route.path}: ${a.text}`);
    }
    const ssRequests = captured.splice(0);
    const tokenRequests = ssRequests.filter((c) => c.method === "POST" && c.url === "/b2b/token");
    const apiRequests = ssRequests.filter((c) => c.url.startsWith("/v2/"));
    // The token is cached per token URL and koppelsleutel: asked at least once, then used by every route.
    assert.ok(tokenRequests.length >= 1, "no token request reached the typed-in token URL");
    assert.ok(apiRequests.length >= 3, `only ${apiRequests.length} API requests reached the typed-in API URL`);
    for (const t of tokenRequests) assert.equal(new URLSearchParams(t.body).get("clientkey"), ssTyped.koppelsleutel);
    for (const r of apiRequests) {
      assert.equal(r.headers["ocp-apim-subscription-key"], ssTyped.subscriptionKey);
      assert.equal(r.headers.authorization, "Bearer capture-token");
      assert.ok(decodeURIComponent(r.url).startsWith(`/v2/${ENV_SECRET}/`), `the API URL was changed on the way: ${r.url}`);
    }

    const everything = JSON.stringify([...ccvRequests, ...ssRequests]);
    for (const s of forbidden()) assert.ok(!everything.includes(s), "a typed-in request carried a stored secret, the webhook token or the canary");
  });

  describe("the webhook endpoint on the HTTP node server", () => {
    const orderGets = () => rt.ccv.state.requests.get("GET", "/api/rest/v1/orders/:id/");
    let getsBefore = 0;
    let mailsBefore = 0;

    async function hook(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
      const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
      return answerOf(r);
    }

    /** What is wrong with a refusal, in one line; null when it is a short JSON error with this code and nothing about the server's inside. */
    function refusalProblem(what: string, a: Answer, status: number | "4xx", code: string): string | null {
      const reasons: string[] = [];
      if (status === "4xx" ? a.status < 400 || a.status >= 500 : a.status !== status) reasons.push(`expected HTTP ${status}`);
      if (!a.body || a.body.ok !== false || a.body.code !== code) reasons.push(`expected JSON {ok:false, code:${code}}`);
      if (a.text.length >= 300) reasons.push(`${a.text.length} characters`);
      for (const leak of ["node_modules", "/dist/", " at ", "Error:", userDir, webhookToken]) if (a.text.includes(leak)) reasons.push(`contains "${leak}"`);
      return reasons.length ? `${what}: HTTP ${a.status} (${reasons.join("; ")}): ${a.text.replace(/\s+/g, " ").slice(0, 240)}` : null;
    }

    before(() => {
      getsBefore = orderGets();
      mailsBefore = rt.mails.length;
    });

    it("answers a missing, short or wrong token with 401 WEBHOOK_TOKEN", async () => {
      // A real order id: a request that got through would fetch it.
      const body = JSON.stringify({ id: rt.ccv.state.orders[0].id });
      const base = rt.webhookUrl.slice(0, -webhookToken.length);
      const wrong = randomBytes(24).toString("hex");
      const almost = webhookToken.slice(0, -1) + (webhookToken.endsWith("a") ? "b" : "a");
      const cases: Array<[string, string]> = [
        ["a wrong token", base + wrong],
        ["the token but its last character", base + almost],
        ["the token with one character more", `${rt.webhookUrl}0`],
        ["a 1-character token", `${base}x`],
        ["no token", base.replace(/\/$/, "")],
        ["no token (trailing slash)", base],
        ["the token upper-cased", base + webhookToken.toUpperCase()],
      ];
      const problems: string[] = [];
      for (const [what, url] of cases) problems.push(refusalProblem(what, await hook(url, body), 401, "WEBHOOK_TOKEN") ?? "");
      assert.deepEqual(problems.filter(Boolean), []);
    });

    it("answers bad bodies with a short 4xx JSON error (that none fetched an order is checked below)", async () => {
      const url = rt.webhookUrl;
      const id = rt.ccv.state.orders[0].id;
      let nested: unknown = { id };
      for (let i = 0; i < 40; i++) nested = { id, child: nested };
      const cases: Array<[string, string, string, Record<string, string>?]> = [
        ["malformed JSON", '{"id": 1,', "WEBHOOK_INVALID"],
        ["a 100 KB body", JSON.stringify({ id, pad: "x".repeat(100_000) }), "WEBHOOK_TOO_LARGE"],
        ["a deeply nested body", JSON.stringify(nested), "WEBHOOK_INVALID"],
        ["an array nested 5000 deep", `${"[".repeat(5000)}${"]".repeat(5000)}`, "WEBHOOK_INVALID"],
        ["a body without id", JSON.stringify({ order_id: id, event: "orders.created" }), "WEBHOOK_INVALID"],
        ["a negative id", JSON.stringify({ id: -5 }), "WEBHOOK_INVALID"],
        ["an id that is no number", JSON.stringify({ id: "1; DROP TABLE orders" }), "WEBHOOK_INVALID"],
        ["an empty body", "", "WEBHOOK_INVALID"],
        ["an x-hash that does not sign the body", JSON.stringify({ id }), "WEBHOOK_SIGNATURE", { "x-hash": "0".repeat(128) }],
      ];
      // Every case is tried; the failure lists all that went wrong.
      const problems: string[] = [];
      for (const [what, body, code, headers] of cases) problems.push(refusalProblem(what, await hook(url, body, headers), "4xx", code) ?? "");
      assert.deepEqual(problems.filter(Boolean), []);
    });

    it("takes webhooks for order ids the shop does not know (200), fetches each once, sends no alert; the next run has no error", async () => {
      for (const id of [990001, 990002, 990003]) {
        const a = await hook(rt.webhookUrl, JSON.stringify({ id }));
        assert.equal(a.status, 200, a.text);
        assert.deepEqual(a.body, { ok: true });
        noise++;
      }
      // The three unknown ids are each fetched once; none of the refused requests above fetched anything
      // (they came first, so their fetches would have been counted by now).
      await waitFor("the three unknown orders fetched", 10_000, () => orderGets() >= getsBefore + 3);
      assert.equal(orderGets(), getsBefore + 3, "a refused webhook fetched an order");
      const s = await rt.run();
      assert.equal(s.runError, null, JSON.stringify(s.runError));
      assert.equal(s.failed, 0, JSON.stringify(s.errors));
      // No mail so far; that none went out at all is read from the ledger at the end (nothing alerted).
      assert.equal(rt.mails.length, mailsBefore, `an alert mail was sent: ${rt.mails.map((m) => m.subject).join("; ")}`);
    });
    it("accepts a webhook signed (x-hash) with the key of the shop's webhook for this address, as CCV Shop sends it", async () => {
      await rt.inject(EXAMPLE_IDS.registerWebhooks);
      const registered = await waitFor("webhooks registered", 10_000, () => rt.ccv.state.webhooks.find((w) => w.address === rt.webhookUrl));
      const body = JSON.stringify({ id: 990004 });
      const before = orderGets();
      const a = await hook(rt.webhookUrl, body, { "x-hash": ccvWebhookHash(registered.key, registered.address, body) });
      assert.equal(a.status, 200, a.text);
      assert.deepEqual(a.body, { ok: true });
      await waitFor("the signed webhook's order fetched", 10_000, () => orderGets() > before);
      noise++;
    });
  });

  // Mocha runs a suite's own tests before its nested suites: the scan is a suite of its own, after the webhooks.
  describe("at the end", () => {
    it("leaves no secret, webhook token or canary in flows.json, context, the log, the mails or the summaries (after Node-RED stopped)", async () => {
      // Stopping flushes the file context store and the log.
      await rt.stop();
      stopped = true;
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory() && e.name !== "node_modules") walk(p);
          else if (e.isFile()) files.push(p);
        }
      };
      walk(userDir);
      const rel = files.map((f) => path.relative(userDir, f));
      for (const needed of ["flows.json", "flows_cred.json", "node-red.log", "settings.js"]) assert.ok(rel.includes(needed), `no ${needed} in the user directory`);
      const ledgerFiles = rel.filter((f) => f.startsWith(`ccv-snelstart${path.sep}`));
      assert.ok(ledgerFiles.some((f) => f.endsWith(".journal.jsonl")), "the sync ledger journal was not written");

      const sources: Array<[string, string]> = [
        ...rel.map((f): [string, string] => [f, fs.readFileSync(path.join(userDir, f), "utf8")]),
        ["the mails", JSON.stringify(rt.mails)],
        ["the run summaries", JSON.stringify(rt.summaries)],
      ];
      for (const [name, text] of sources) {
        for (const s of forbidden()) assert.ok(!text.includes(s), `${name} contains a secret (${s === CANARY ? "the canary" : s === webhookToken ? "the webhook token" : "a stored credential"})`);
      }
      assert.ok(rt.summaries.length >= 2, "the scan saw no summaries");

      // flows_cred.json is encrypted with credentialSecret: one "$" field, no readable credential names.
      const cred = JSON.parse(fs.readFileSync(path.join(userDir, "flows_cred.json"), "utf8")) as Record<string, unknown>;
      assert.deepEqual(Object.keys(cred), ["$"]);

      // The unknown order ids were counted as webhook noise in the ledger (its journal in the user directory).
      const snapshots = ledgerFiles.filter((f) => f.endsWith(".snapshot.jsonl"));
      assert.equal(snapshots.length, 1, "one shop, one ledger");
      const ledger = reviveLedger(undefined);
      for (const file of [snapshots[0], snapshots[0].replace(".snapshot.jsonl", ".journal.jsonl")]) {
        for (const rec of parseJournal(fs.readFileSync(path.join(userDir, file), "utf8"))) applyRecord(ledger, rec);
      }
      assert.equal(ledger.runs.webhookNoise.count, noise);
      // ...and never as a failed run: no run alert was due or sent.
      assert.deepEqual([ledger.runs.consecutiveFailures, ledger.runs.alerted], [0, false]);
    });
  });
});
