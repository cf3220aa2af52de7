/**
 * No personal data at rest in the sync ledger: a failure whose message names the customer (here
 * SnelStart refusing the customer's e-mail address, REL-0061, which quotes it) is recorded in the
 * ledger in context by its code only; the message reaches the run's live messages (the Catch node,
 * the summary) and the alert mail. An older ledger that still holds messages loses them at the
 * next write.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { shopIdOf } from "../../src/nodes/ccv-config";
import { ledgerContextKey } from "../../src/nodes/ledger-store";
import {
  NODES,
  addOrder,
  atLeast,
  collect,
  credentials,
  customer,
  helper,
  koppelingFlow,
  simpleOrder,
  startSims,
  teardown,
  trigger,
  type Sims,
} from "./support";

/** An address SnelStart refuses (no dot in the domain) but a shop may hold: REL-0061 quotes it. */
const EMAIL = "jan.devries@voorbeeld";
const NAME = "Jannes Devries";

/** The ledger as the context store holds it (not the LedgerStore's view of it). */
function ledgerInContext(sims: Sims): unknown {
  const global = (helper.getNode("ccv") as unknown as { context(): { global: { get(key: string): unknown } } }).context().global;
  return global.get(ledgerContextKey(shopIdOf(sims.ccv.url)));
}

interface RuntimeNodes {
  loadContextsPlugin(): Promise<unknown>;
  closeContextsPlugin(): Promise<unknown>;
}
/** The runtime's nodes API inside the test-helper (context stores are not loaded by `helper.load`). */
const runtime = () => (helper as unknown as { _redNodes: RuntimeNodes })._redNodes;

describe("nodes: no personal data at rest in the sync ledger", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("an order failing on the customer's e-mail address: the ledger in context holds its code, not the address; the alert mail holds the live reason", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(7001, { customer: customer({ email: EMAIL, name: NAME }) }));
    await addOrder(sims, simpleOrder(7002));
    await helper.load(NODES, koppelingFlow(sims, { report: { threshold: 2 } }), credentials(sims));
    const caught = collect("caught");
    const summary = collect("summary");
    const alert = collect("alert");

    trigger();
    const [first] = await atLeast(summary, 1, "summaries");
    assert.deepEqual([first.payload.booked, first.payload.failed], [1, 1]);
    // The live messages of the run name the address: that is where the shop owner reads the reason.
    const live = (await atLeast(caught, 1, "caught errors")).find((m) => m.ccv?.ordernumber === 7001);
    assert.equal(live?.error?.code, "SNELSTART_REL_0061");
    assert.ok(live?.error?.message.includes(EMAIL), live?.error?.message);
    assert.deepEqual(
      first.payload.errors.map((e: { ordernumber: number; code: string; stage: string }) => [e.ordernumber, e.code, e.stage]),
      [[7001, "SNELSTART_REL_0061", "snelstart-debtor"]],
    );
    assert.ok(first.payload.errors[0].message.includes(EMAIL));

    // The ledger in context: the failure by code, stage and attempts; no address, no message.
    const afterRun1 = JSON.stringify(ledgerInContext(sims));
    assert.ok(afterRun1.includes("SNELSTART_REL_0061"), afterRun1);
    assert.ok(!afterRun1.includes(EMAIL), afterRun1);
    assert.ok(!afterRun1.includes("emailadres"), "no SnelStart message text either");
    assert.ok(!afterRun1.includes('"message"'), afterRun1);

    // Run 2: the same failure, the threshold is reached, the alert mail carries the live reason.
    trigger();
    const [mail] = await atLeast(alert, 1, "alerts");
    const body = String(mail.payload);
    const lines = body.split("\n");
    const at = lines.findIndex((l) => /^ {2}Order 7001: SNELSTART_REL_0061 \(snelstart-debtor, 2 runs since \d{4}-\d\d-\d\d\)$/.test(l));
    assert.ok(at >= 0, body);
    assert.ok(lines[at + 1].startsWith("    ") && lines[at + 1].includes(EMAIL), body);
    const alerts = (mail as unknown as { alerts: { orders: Array<Record<string, unknown>> } }).alerts;
    assert.deepEqual(
      alerts.orders.map((o) => [o.ordernumber, o.code, o.attempts, "message" in o]),
      [[7001, "SNELSTART_REL_0061", 2, false]],
    );

    // After the alert was marked in the ledger (a write): still no address at rest.
    await atLeast(summary, 2, "summaries");
    const afterRun2 = ledgerInContext(sims) as { failed: Record<string, { attempts: number; alerted: boolean }> };
    assert.ok(!JSON.stringify(afterRun2).includes(EMAIL), JSON.stringify(afterRun2));
    assert.deepEqual(
      Object.values(afterRun2.failed).map((f) => [f.attempts, f.alerted]),
      [[2, true]],
    );
  });

  describe("an upgraded install whose ledger in a localfilesystem store holds messages", function () {
    let dir = "";
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-context-"));
      helper.settings({
        contextStorage: { default: { module: "memory" }, file: { module: "localfilesystem", config: { dir, cache: true } } },
      } as never);
    });
    afterEach(async () => {
      await teardown(sims);
      sims = null;
      await runtime().closeContextsPlugin();
      helper.settings({});
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("drops them at the next write: failed entries and the last run error keep their codes, the file holds no message", async () => {
      sims = await startSims();
      const key = ledgerContextKey(shopIdOf(sims.ccv.url));
      const at = "2026-01-05T10:00:00.000Z";
      const old = {
        version: 1,
        booked: {},
        failed: {
          "order:41": { ordernumber: 41, stage: "snelstart-debtor", code: "SNELSTART_REL_0061", message: `REL-0061 (${EMAIL})`, attempts: 1, firstAt: at, lastAt: at, lastRunId: "r0", alerted: false, unknownOutcome: false },
        },
        runs: { consecutiveFailures: 1, lastError: { code: "CCV_AUTH", message: `the key of ${NAME} was refused`, at }, alerted: false, lastRunAt: at, firstRunAt: at },
      };
      fs.mkdirSync(path.join(dir, "context", "global"), { recursive: true });
      fs.writeFileSync(path.join(dir, "context", "global", "global.json"), JSON.stringify({ [key]: old }));

      // A run that cannot fetch (wrong secret) writes the ledger without touching the failed entries.
      await helper.load(NODES, koppelingFlow(sims, { ccv: { contextStore: "file" } }), credentials(sims, { ccv: { secret: "not-the-secret" } }));
      await runtime().loadContextsPlugin();
      const summary = collect("summary");
      trigger();
      const [s] = await atLeast(summary, 1, "summaries");
      assert.equal(s.payload.runError?.code, "CCV_AUTH");

      await helper.unload();
      await runtime().closeContextsPlugin();
      const text = fs.readFileSync(path.join(dir, "context", "global", "global.json"), "utf8");
      assert.ok(!text.includes(EMAIL) && !text.includes(NAME), text);
      assert.ok(!text.includes('"message"'), text);
      const stored = (JSON.parse(text) as Record<string, { failed: Record<string, { code: string; attempts: number }>; runs: { consecutiveFailures: number; lastError: unknown; webhookNoise: unknown } }>)[key];
      assert.deepEqual([stored.failed["order:41"].code, stored.failed["order:41"].attempts], ["SNELSTART_REL_0061", 1]);
      assert.equal(stored.runs.consecutiveFailures, 2);
      assert.equal((stored.runs.lastError as { code: string }).code, "CCV_AUTH");
      assert.deepEqual(stored.runs.webhookNoise, { count: 0, lastAt: null });
    });
  });
});
