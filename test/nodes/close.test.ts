/**
 * A redeploy (the flow stopped) while an order is being booked: the booking finishes its current
 * step and leaves the sync ledger consistent before the nodes report they are done; a wait in
 * progress is cut short; the statuses of snelstart-debtor, vat-mapper and snelstart-invoice are
 * cleared. The ledger is the journal in the user directory, read by the next life.
 */
import assert from "node:assert/strict";
import type { NodeStatus } from "node-red";
import type { LedgerState } from "../../src/koppeling/sync-ledger";
import { NODES, addOrder, atLeast, boekingen, collect, control, credentials, helper, koppelingFlow, postsOf, readLedger, simpleOrder, startSims, teardown, trigger, until, withUserDir, type Sims } from "./support";

const STAGES = ["debtor", "mapper", "invoice"];

/**
 * The last status each booking node shows. Recorded on the node itself: the test-helper restores
 * its spy on Node.prototype before it stops the flows, so the spy does not see the close.
 */
function lastStatuses(): () => Record<string, NodeStatus | undefined> {
  const last: Record<string, NodeStatus | undefined> = {};
  for (const id of STAGES) {
    const node = helper.getNode(id);
    const show = node.status.bind(node);
    node.status = (s: NodeStatus) => {
      last[id] = s;
      show(s);
    };
  }
  return () => ({ ...last });
}

describe("nodes: close (a redeploy while an order is booked)", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });
  withUserDir();

  /** The next life: the ledger as it lies on disk, and a run that must find nothing due. */
  async function nextLife(): Promise<{ ledger: LedgerState; total: number }> {
    await helper.load(NODES, koppelingFlow(sims as Sims), credentials(sims as Sims));
    const ledger = await readLedger<LedgerState>();
    const summaries = collect("summary");
    trigger();
    const [s] = await atLeast(summaries, 1, "summaries");
    return { ledger, total: s.payload.total as number };
  }

  it("a POST in flight finishes and its outcome is on disk before the flow has stopped; statuses cleared; nothing booked twice", async function () {
    this.timeout(20_000);
    sims = await startSims();
    // SnelStart's duplicate-number check off: exactly once may not rest on it.
    await control(sims.ss.url, "PUT", "/__sim/unique-check", { enabled: false });
    const order = await addOrder(sims, simpleOrder(8101));
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "delay", ms: 700, method: "POST", path: "/v2/verkoopboekingen" });
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const last = lastStatuses();
    trigger();
    await until("the POST to reach SnelStart", () => postsOf(sims as Sims, "/v2/verkoopboekingen") === 1);
    assert.equal(boekingen(sims).length, 0, "still in flight");

    await helper.unload();
    assert.equal(boekingen(sims).length, 1, "the POST finished");
    assert.deepEqual(last(), { debtor: {}, mapper: {}, invoice: {} }, "statuses cleared");

    const { ledger, total } = await nextLife();
    assert.deepEqual([ledger.booked[`order:${order.id}`]?.factuurnummer, ledger.booked[`order:${order.id}`]?.adopted], ["20258101", false], "its outcome was recorded before the flow stopped");
    assert.deepEqual(ledger.intents, {});
    assert.deepEqual(ledger.failed, {}, "a stop is no failure");
    assert.equal(total, 0, "nothing due");
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 1);
  });

  it("a wait between lookups of a lost answer is cut short: the flow stops at once, the intent stays, and the next life books it once", async function () {
    this.timeout(20_000);
    sims = await startSims();
    await control(sims.ss.url, "PUT", "/__sim/unique-check", { enabled: false });
    const order = await addOrder(sims, simpleOrder(8102));
    // Reset before SnelStart handled it: not stored, the outcome unknown; the node looks it up 3 times, 1 s and 2 s apart.
    await control(sims.ss.url, "POST", "/__sim/faults", { kind: "reset", method: "POST", path: "/v2/verkoopboekingen" });
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const last = lastStatuses();
    trigger();
    await until("the first lookup", () => (sims as Sims).ss.state.requests.get("GET", "/v2/verkoopfacturen") === 1);
    const started = Date.now();
    await helper.unload();
    assert.ok(Date.now() - started < 900, `stopped within the 1 s wait (${Date.now() - started} ms)`);
    assert.equal(sims.ss.state.requests.get("GET", "/v2/verkoopfacturen"), 1, "no lookup after the stop");
    assert.deepEqual(last(), { debtor: {}, mapper: {}, invoice: {} });

    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const before = await readLedger<LedgerState>();
    assert.equal(before.intents[`order:${order.id}`]?.factuurnummer, "20258102", "the intent stayed");
    assert.deepEqual(before.failed, {}, "a stop is no failure");
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1, "booked orders");
    assert.equal(m.snelstart.adopted, undefined, "looked up, not found, posted");
    assert.equal(boekingen(sims).length, 1);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 2, "the first POST never reached SnelStart");
  });
});
