/**
 * The editor's admin routes (`/ccv-snelstart/…`) with and without a deployed config node —
 * unsaved form values, the `__PWRD__` placeholder falling back to the deployed secret,
 * `${ENV}` values — and the credentials: declared as credentials, given to the node, never in
 * the flow definition, the example flow or a message.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { listen, readBody } from "../../sim/http";
import { ROOT } from "../../scripts/repo-root";
import {
  CCV_PUBLIC,
  CCV_SECRET,
  L,
  MAPPING,
  NODES,
  SUBSCRIPTION,
  addOrder,
  atLeast,
  collect,
  credentials,
  helper,
  knownOrder,
  koppelingFlow,
  startSims,
  teardown,
  trigger,
  type Sims,
} from "./support";

const STORED = "__PWRD__";

interface RuntimeNodes {
  getFlows(): { flows: unknown[] };
  getCredentials(id: string): Record<string, string> | undefined;
  getCredentialDefinition(type: string): Record<string, { type: string }> | undefined;
}
const runtime = () => (helper as unknown as { _redNodes: RuntimeNodes; _RED: { version(): string } });

/** A server on 127.0.0.1 that answers 401 to everything and keeps what it was sent (headers and bodies). */
async function captureServer(): Promise<{ url: string; requests: Array<{ method: string; url: string; headers: unknown; body: string }>; close(): Promise<void> }> {
  const requests: Array<{ method: string; url: string; headers: unknown; body: string }> = [];
  const server = await listen(async (req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: await readBody(req) });
    res.writeHead(401, { "Content-Type": "application/json" }).end("{}");
  });
  return { url: server.url, requests, close: () => server.close() };
}

type Answer = { ok: boolean; code?: string; message?: string } & Record<string, unknown>;
async function post(url: string, body: unknown): Promise<Answer> {
  const res = await helper.request().post(url).send(body as object).set("Content-Type", "application/json");
  assert.equal(res.status, 200, `${url} answered ${res.status}`);
  return res.body as Answer;
}

/** The SnelStart fields a dialog posts, typed in (not deployed). */
const snelstartForm = (sims: Sims, over: Record<string, unknown> = {}) => ({
  apiUrl: sims.ss.apiBase,
  tokenUrl: sims.ss.tokenUrl,
  tier: "production",
  subscriptionKey: SUBSCRIPTION,
  koppelsleutel: sims.koppelsleutel,
  ...over,
});

describe("nodes: admin routes and credentials", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("runs on the Node-RED this pass selects", () => {
    const module = process.env.NODE_RED_MODULE ?? path.dirname(require.resolve("node-red/package.json"));
    const expected = (JSON.parse(fs.readFileSync(path.join(module, "package.json"), "utf8")) as { version: string }).version;
    assert.equal(runtime()._RED.version().replace(/-git$/, ""), expected);
  });

  describe("before the first deploy (no config node in the runtime)", function () {
    beforeEach(async () => {
      sims = await startSims();
      await helper.load(NODES, []);
    });

    it("/ccv-snelstart/ccv/test checks the posted, unsaved values", async () => {
      const good = await post("/ccv-snelstart/ccv/test", { id: "new-node", shopUrl: sims!.ccv.url, publicKey: CCV_PUBLIC, secret: CCV_SECRET });
      assert.deepEqual(good, { ok: true, webshopName: "Koffie & Thee 't Hoekje" });
      const wrong = await post("/ccv-snelstart/ccv/test", { id: "new-node", shopUrl: sims!.ccv.url, publicKey: CCV_PUBLIC, secret: "typo" });
      assert.equal(wrong.ok, false);
      assert.equal(wrong.code, "CCV_AUTH");
      assert.ok(!String(wrong.message).includes("typo"), "the secret is not echoed");
      // Nothing stored to fall back on: the placeholder means "no secret".
      const placeholder = await post("/ccv-snelstart/ccv/test", { id: "new-node", shopUrl: sims!.ccv.url, publicKey: CCV_PUBLIC, secret: STORED });
      assert.deepEqual([placeholder.ok, placeholder.code], [false, "CCV_CONFIG"]);
      const noUrl = await post("/ccv-snelstart/ccv/test", { publicKey: CCV_PUBLIC, secret: CCV_SECRET, shopUrl: "" });
      assert.deepEqual([noUrl.ok, noUrl.code], [false, "CCV_CONFIG"]);
    });

    it("never expands ${ENV} in a posted field: a clear CCV_CONFIG / SNELSTART_CONFIG, nothing sent", async () => {
      process.env.KOPPELING_TEST_CCV_SECRET = CCV_SECRET;
      const capture = await captureServer();
      try {
        const ccv = await post("/ccv-snelstart/ccv/test", { shopUrl: sims!.ccv.url, publicKey: CCV_PUBLIC, secret: "${KOPPELING_TEST_CCV_SECRET}" });
        assert.deepEqual([ccv.ok, ccv.code], [false, "CCV_CONFIG"]);
        assert.match(String(ccv.message), /resolved when the node is deployed/);
        const url = await post("/ccv-snelstart/ccv/statuses", { shopUrl: "${KOPPELING_TEST_CCV_SECRET}", publicKey: CCV_PUBLIC, secret: CCV_SECRET });
        assert.deepEqual([url.ok, url.code], [false, "CCV_CONFIG"]);
        const ss = await post("/ccv-snelstart/snelstart/lookups", snelstartForm(sims!, { apiUrl: capture.url, tokenUrl: `${capture.url}/token`, koppelsleutel: "${KOPPELING_TEST_CCV_SECRET}" }));
        assert.deepEqual([ss.ok, ss.code], [false, "SNELSTART_CONFIG"]);
        assert.equal(capture.requests.length, 0, "nothing was sent");
        assert.equal(sims!.ccv.state.requests.toJSON()["GET /api/rest/v1/webshops/"] ?? 0, 0);
        assert.ok(!JSON.stringify([ccv, url, ss]).includes(CCV_SECRET), "the value is not echoed");
      } finally {
        delete process.env.KOPPELING_TEST_CCV_SECRET;
        await capture.close();
      }
    });

    it("plain http:// to another machine is refused before any request", async () => {
      const ccv = await post("/ccv-snelstart/ccv/test", { shopUrl: "http://shop.example.nl", publicKey: CCV_PUBLIC, secret: CCV_SECRET });
      assert.deepEqual([ccv.ok, ccv.code], [false, "CCV_CONFIG"]);
      assert.match(String(ccv.message), /https:\/\//);
      for (const field of ["apiUrl", "tokenUrl"]) {
        const ss = await post("/ccv-snelstart/snelstart/test", snelstartForm(sims!, { [field]: "http://b2bapi.example.nl/v2" }));
        assert.deepEqual([ss.ok, ss.code], [false, "SNELSTART_CONFIG"], field);
      }
    });

    it("/ccv-snelstart/ccv/statuses lists the shop's order statuses", async () => {
      const r = await post("/ccv-snelstart/ccv/statuses", { shopUrl: sims!.ccv.url, publicKey: CCV_PUBLIC, secret: CCV_SECRET });
      assert.equal(r.ok, true);
      const list = r.statuses as Array<{ status: number; name: string }>;
      assert.deepEqual(
        list.map((s) => s.status),
        Array.from({ length: 14 }, (_, i) => i + 1),
      );
      assert.ok(list.every((s) => typeof s.name === "string" && s.name.length > 0));
    });

    it("/ccv-snelstart/snelstart/test and /lookups work on typed-in values; a wrong koppelsleutel is SNELSTART_AUTH", async () => {
      const t = await post("/ccv-snelstart/snelstart/test", snelstartForm(sims!));
      assert.deepEqual(t, { ok: true, administratieNaam: "Demo Webwinkel B.V.", ossEnabled: true });
      const wrong = await post("/ccv-snelstart/snelstart/test", snelstartForm(sims!, { koppelsleutel: "not-my-key" }));
      assert.deepEqual([wrong.ok, wrong.code], [false, "SNELSTART_AUTH"]);
      assert.ok(!String(wrong.message).includes("not-my-key"));
      const none = await post("/ccv-snelstart/snelstart/test", snelstartForm(sims!, { koppelsleutel: STORED }));
      assert.deepEqual([none.ok, none.code], [false, "SNELSTART_CONFIG"]);

      const l = await post("/ccv-snelstart/snelstart/lookups", snelstartForm(sims!));
      assert.equal(l.ok, true);
      assert.equal(l.foreignVatLedgerId, L(1650));
      const ledgers = l.grootboeken as Array<{ id: string; nummer: number; btwSoort: string[]; functie: string; vatRateCode: string | null }>;
      assert.ok(!ledgers.some((g) => g.nummer === 8090), "inactive ledgers are left out");
      assert.deepEqual(
        ledgers.find((g) => g.nummer === 8000),
        { id: L(8000), nummer: 8000, omschrijving: "Omzet hoog", functie: "VerkopenOmzetHoog", btwSoort: ["Hoog"], vatRateCode: null },
      );
      assert.equal(ledgers.find((g) => g.nummer === 8400)?.vatRateCode, "SR");
      const groups = l.artikelomzetgroepen as Array<{ nummer: number; btwSoort: string }>;
      assert.deepEqual(
        groups.map((g) => [g.nummer, g.btwSoort]),
        [
          [1, "Hoog"],
          [2, "Laag"],
          [3, "Geen"],
          [4, "Hoog"],
        ],
      );
    });

    it("/ccv-snelstart/mapping/validate lists a ledger that does not allow its VAT code", async () => {
      // The administration invoices foreign VAT: a complete mapping with OSS has no problems.
      const mapping = { ...MAPPING, euConsumers: "oss" };
      const ok = await post("/ccv-snelstart/mapping/validate", { snelstart: snelstartForm(sims!), mapping });
      assert.deepEqual(ok, { ok: true, problems: [] });
      const bad = await post("/ccv-snelstart/mapping/validate", { snelstart: snelstartForm(sims!), mapping: { ...mapping, ledgerHoog: L(8010), ledgerIcp: L(8000) } });
      const problems = bad.problems as Array<{ field: string; severity: string; message: string }>;
      assert.deepEqual(
        problems.map((p) => [p.field, p.severity]),
        [
          ["revenue.hoog", "error"],
          ["icp", "error"],
        ],
      );
      assert.match(problems[0].message, /8010 Omzet laag does not allow VAT code Hoog/);
      const noAdmin = await post("/ccv-snelstart/mapping/validate", { mapping: MAPPING });
      assert.deepEqual([noAdmin.ok, noAdmin.code], [false, "SNELSTART_CONFIG"]);
    });
  });

  describe("with deployed config nodes", function () {
    beforeEach(async () => {
      sims = await startSims({ ossEnabled: false });
      await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    });

    it("__PWRD__ (and a field left out) falls back to the deployed secret; a typed value wins", async () => {
      const url = sims!.ccv.url;
      assert.deepEqual(await post("/ccv-snelstart/ccv/test", { id: "ccv", shopUrl: url, publicKey: CCV_PUBLIC, secret: STORED }), { ok: true, webshopName: "Koffie & Thee 't Hoekje" });
      assert.equal((await post("/ccv-snelstart/ccv/test", { id: "ccv", shopUrl: url, publicKey: CCV_PUBLIC })).ok, true);
      assert.equal((await post("/ccv-snelstart/ccv/test", { id: "ccv" })).ok, true, "URL and keys of the deployed node");
      const typed = await post("/ccv-snelstart/ccv/test", { id: "ccv", shopUrl: url, publicKey: CCV_PUBLIC, secret: "changed-but-not-deployed" });
      assert.deepEqual([typed.ok, typed.code], [false, "CCV_AUTH"]);
      const statuses = await post("/ccv-snelstart/ccv/statuses", { id: "ccv", shopUrl: url, publicKey: CCV_PUBLIC, secret: STORED });
      assert.equal((statuses.statuses as unknown[]).length, 14);
    });

    it("the SnelStart routes fall back to the deployed administration (credentials and URLs)", async () => {
      const stored = { id: "ss", subscriptionKey: STORED, koppelsleutel: STORED };
      assert.deepEqual(await post("/ccv-snelstart/snelstart/test", { ...snelstartForm(sims!), ...stored }), { ok: true, administratieNaam: "Demo Webwinkel B.V.", ossEnabled: false });
      assert.equal((await post("/ccv-snelstart/snelstart/test", stored)).ok, true, "the deployed node's API and token URLs");
      assert.equal((await post("/ccv-snelstart/snelstart/lookups", stored)).ok, true);
      const r = await post("/ccv-snelstart/mapping/validate", { snelstart: stored, mapping: { ...MAPPING, euConsumers: "oss", ledgerForeignVat: L(1650) } });
      const problems = r.problems as Array<{ field: string; severity: string }>;
      assert.deepEqual(
        problems.map((p) => [p.field, p.severity]),
        [["euConsumers", "error"]],
        "OSS chosen while the administration does not invoice foreign VAT",
      );
    });

    it("a stored secret is never sent to another address: stored, empty or ${ENV} secrets are refused, typed ones go alone", async () => {
      process.env.KOPPELING_TEST_SECRET = "env-value-that-must-not-leave";
      const capture = await captureServer();
      try {
        const other = { shopUrl: capture.url, apiUrl: `${capture.url}/v2`, tokenUrl: `${capture.url}/token` };
        const variants: Array<Record<string, unknown>> = [{}, { secret: STORED, subscriptionKey: STORED, koppelsleutel: STORED }, { secret: "", subscriptionKey: "", koppelsleutel: "" }];
        variants.push({ secret: "${KOPPELING_TEST_SECRET}", subscriptionKey: "${KOPPELING_TEST_SECRET}", koppelsleutel: "${KOPPELING_TEST_SECRET}" });
        for (const v of variants) {
          for (const [route, target] of [
            ["/ccv-snelstart/ccv/test", { id: "ccv", shopUrl: other.shopUrl, publicKey: CCV_PUBLIC, ...v }],
            ["/ccv-snelstart/ccv/statuses", { id: "ccv", shopUrl: other.shopUrl, ...v }],
            ["/ccv-snelstart/snelstart/test", { id: "ss", apiUrl: other.apiUrl, tokenUrl: other.tokenUrl, ...v }],
            ["/ccv-snelstart/snelstart/lookups", { id: "ss", apiUrl: other.apiUrl, ...v }],
            ["/ccv-snelstart/snelstart/lookups", { id: "ss", tokenUrl: other.tokenUrl, ...v }],
          ] as const) {
            const r = await post(route, target);
            assert.equal(r.ok, false, `${route} ${JSON.stringify(v)}`);
            assert.match(String(r.code), /^(CCV|SNELSTART)_CONFIG$/, `${route} ${JSON.stringify(v)}: ${String(r.message)}`);
          }
          const validate = await post("/ccv-snelstart/mapping/validate", { snelstart: { id: "ss", apiUrl: other.apiUrl, tokenUrl: other.tokenUrl, ...v }, mapping: MAPPING });
          assert.deepEqual([validate.ok, validate.code], [false, "SNELSTART_CONFIG"]);
        }
        assert.deepEqual(capture.requests, [], "nothing reached the other address");

        // Typed-in secrets may go anywhere (HTTPS or this machine): only they are sent.
        await post("/ccv-snelstart/snelstart/test", { id: "ss", apiUrl: other.apiUrl, tokenUrl: other.tokenUrl, subscriptionKey: "typed-sub", koppelsleutel: "typed-key" });
        await post("/ccv-snelstart/ccv/test", { id: "ccv", shopUrl: other.shopUrl, publicKey: "typed-public", secret: "typed-secret" });
        assert.ok(capture.requests.length >= 2, "the typed-in requests went out");
        const seen = JSON.stringify(capture.requests);
        assert.ok(seen.includes("typed-key") && seen.includes("typed-public"));
        for (const secret of [CCV_SECRET, sims!.koppelsleutel, SUBSCRIPTION, "env-value-that-must-not-leave"]) assert.ok(!seen.includes(secret), `${secret} reached the capture server`);
      } finally {
        delete process.env.KOPPELING_TEST_SECRET;
        await capture.close();
      }
    });

    it("another node's id lends no secrets: only a node of the route's own type does", async () => {
      const r = await post("/ccv-snelstart/snelstart/lookups", { id: "ccv", subscriptionKey: STORED, koppelsleutel: STORED });
      assert.deepEqual([r.ok, r.code], [false, "SNELSTART_CONFIG"]);
      const c = await post("/ccv-snelstart/ccv/statuses", { id: "ss", shopUrl: sims!.ccv.url, secret: STORED });
      assert.deepEqual([c.ok, c.code], [false, "CCV_CONFIG"]);
    });

    it("credentials are declared as credentials, given to the nodes, and absent from the flow definition", async () => {
      const rt = runtime()._redNodes;
      assert.deepEqual(rt.getCredentialDefinition("ccv-config"), { publicKey: { type: "text" }, secret: { type: "password" } });
      assert.deepEqual(rt.getCredentialDefinition("snelstart-config"), { subscriptionKey: { type: "password" }, koppelsleutel: { type: "password" } });
      assert.deepEqual(rt.getCredentialDefinition("ccv-orders-in"), { webhookToken: { type: "password" } });
      for (const type of ["vat-mapping", "vat-mapper", "snelstart-debtor", "snelstart-invoice", "ccv-snelstart-report"]) {
        assert.ok(!rt.getCredentialDefinition(type), `${type} has no credentials`);
      }
      assert.deepEqual((helper.getNode("ccv") as unknown as { credentials: unknown }).credentials, { publicKey: CCV_PUBLIC, secret: CCV_SECRET });
      assert.deepEqual((helper.getNode("ss") as unknown as { credentials: unknown }).credentials, { subscriptionKey: SUBSCRIPTION, koppelsleutel: sims!.koppelsleutel });
      assert.deepEqual(rt.getCredentials("ss"), { subscriptionKey: SUBSCRIPTION, koppelsleutel: sims!.koppelsleutel });
      const flowJson = JSON.stringify(rt.getFlows().flows);
      for (const secret of [CCV_SECRET, sims!.koppelsleutel, SUBSCRIPTION]) assert.ok(!flowJson.includes(secret), `${secret} is not in the flow`);
      assert.ok(!/"credentials"/.test(flowJson));
    });

    it("a run's messages, statuses and logs carry no secret", async () => {
      await addOrder(sims!, knownOrder());
      const seen = ["orders", "mapped", "debtors", "out", "summary"].map((id) => collect(id));
      trigger();
      await atLeast(seen[4], 1, "summaries");
      const spy = helper.getNode("in").status as unknown as { getCalls(): Array<{ args: unknown[] }> };
      const everything = JSON.stringify([seen, spy.getCalls().map((c) => c.args), helper.log().args]);
      assert.ok(everything.includes("202510330"), "the run did happen");
      for (const secret of [CCV_SECRET, sims!.koppelsleutel, SUBSCRIPTION]) assert.ok(!everything.includes(secret), `${secret} leaked`);
    });
  });

  it("the example flow carries no credentials", () => {
    const file = path.join(ROOT, "examples", "CCV Shop to SnelStart.json");
    const flow = JSON.parse(fs.readFileSync(file, "utf8")) as Array<Record<string, unknown>>;
    const configs = flow.filter((n) => n.type === "ccv-config" || n.type === "snelstart-config");
    assert.equal(configs.length, 2);
    for (const n of flow) {
      assert.ok(!("credentials" in n), `${String(n.id)} has credentials`);
      for (const key of ["publicKey", "secret", "subscriptionKey", "koppelsleutel"]) assert.ok(!(key in n), `${String(n.id)}.${key} is in the flow`);
    }
  });
});
