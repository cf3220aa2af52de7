/**
 * The ccv-orders-in controller (src/controllers/orders-in.ts) without Node-RED: the real CCV
 * client against the CCV simulator (in-process, on a random port), the real message window, the
 * sync ledger as the journal on disk (ledger-store.ts), and a fake clock that owns the time the
 * controller reads and its timers (the webhook gather), so that "still gathering" and "the timer
 * is gone" are exact. What a run sends, webhooks gathered into one fetch, and close(): the run in
 * flight stops, no message is sent after it, the timers are cleared, the window's room is given
 * back, and the ledger's updates are on disk when it resolves, so the ledger loads cleanly.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Node } from "node-red";
import { startCcvSim, type CcvSim } from "../../sim/ccv/server";
import { CcvClient } from "../../src/ccv/client";
import { type Outcome, OrdersInController, WEBHOOK_EVENTS, WEBHOOK_GATHER_MS, registerWebhooks } from "../../src/controllers/orders-in";
import { KoppelingError } from "../../src/errors";
import { dueSettings } from "../../src/koppeling/due";
import { type LedgerPort, type LedgerState, ledgerKey, markBooked } from "../../src/koppeling/sync-ledger";
import { LedgerStore } from "../../src/nodes/ledger-store";
import { MessageWindow, addWindowConsumer } from "../../src/nodes/message-window";
import { deadAtEndpoint, tokenDigest } from "../../src/ccv/webhook";
import { type KoppelingMessage, clock as hhmm } from "../../src/nodes/shared";
import { translator } from "./helpers/catalogue";
import { FakeClock } from "./helpers/fake-clock";
import { simOrderInput } from "./helpers/sim-order";

const PUBLIC = "unit-public";
const SECRET = "unit-secret";
const NOW = "2026-06-15T10:00:00Z";
const API = "/api/rest/v1/";

/** The ledger journal in a directory of its own, counting the updates begun and stored. */
class CountingLedger implements LedgerPort {
  begun = 0;
  stored = 0;
  constructor(readonly store: LedgerStore) {}

  read<T>(fn: (ledger: LedgerState) => T): Promise<T> {
    return this.store.read(fn);
  }

  update<T>(fn: (ledger: LedgerState) => T): Promise<T> {
    this.begun++;
    return this.store.update(fn).finally(() => this.stored++);
  }
}

function openLedger(dir: string): LedgerStore {
  // With a user directory the store keeps the journal there and needs nothing of the node (an empty context is read as no ledger).
  return new LedgerStore({} as Node, "ccv_snelstart_ledger_unit", "", dir);
}

function read(store: LedgerStore): Promise<LedgerState> {
  return store.read((l) => structuredClone(l));
}

async function until<T>(what: string, check: () => T | null | undefined | false, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("unit: the ccv-orders-in controller", function () {
  let sim: CcvSim;
  let dir: string;
  let store: LedgerStore;
  let ledger: CountingLedger;
  let clock: FakeClock;
  let window: MessageWindow;
  const removals: Array<() => void> = [];
  const controllers: OrdersInController[] = [];

  beforeEach(async () => {
    sim = await startCcvSim({ orders: 0, rateLimits: "off", publicKey: PUBLIC, secret: SECRET });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-in-controller-"));
    store = openLedger(dir);
    ledger = new CountingLedger(store);
    clock = new FakeClock(Date.parse(NOW));
    window = new MessageWindow(16, 60_000);
  });

  afterEach(async () => {
    for (const c of controllers.splice(0)) await c.close();
    for (const remove of removals.splice(0)) remove();
    await store.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What one controller did: its messages, statuses and per-document failures. */
  function make(over: { secret?: string; send?: (m: KoppelingMessage) => void; ledger?: LedgerPort } = {}) {
    const sent: KoppelingMessage[] = [];
    const statuses: string[] = [];
    const failures: Array<{ code: string; msg: KoppelingMessage }> = [];
    let ids = 0;
    const client = new CcvClient({ shopUrl: sim.url, publicKey: PUBLIC, secret: over.secret ?? SECRET, rateLimitWindowMs: null, maxRetries: 0 });
    const controller = new OrdersInController({
      shop: { configId: "shop-config", shopId: "shop.example" },
      settings: dueSettings({ statuses: "1,2,3,4,5,6,7,9,10,11,12,13,14", since: "" }),
      client: () => client,
      ledger: over.ledger ?? ledger,
      window,
      clock,
      newId: () => `m${++ids}`,
      status: (s) => statuses.push(String(s.text ?? "")),
      t: translator("ccv-orders-in"),
      fail: (err: KoppelingError, msg: KoppelingMessage) => failures.push({ code: err.code, msg }),
      warn: () => undefined,
      webhooks: null,
    });
    controllers.push(controller);
    const send = (m: KoppelingMessage) => {
      sent.push(m);
      over.send?.(m);
    };
    return { controller, sent, statuses, failures, send, docs: () => sent.filter((m) => m.ccv) };
  }

  const requests = (method: string, template: string) => sim.state.requests.get(method, `${API}${template}`);
  const answered = () => [...sim.state.statusCounts.values()].reduce((a, b) => a + b, 0);
  const asked = () => Object.values(sim.state.requests.toJSON()).reduce((a, b) => a + b, 0);

  it("a run sends each due order with its rows, then the end message; notes what waits; moves the marks at the clock's time", async () => {
    const a = sim.state.addOrder(simOrderInput(1001));
    const unpaid = sim.state.addOrder(simOrderInput(1002, { paid: false }));
    const c = sim.state.addOrder(simOrderInput(1003, { status: 4 }));
    const t = make();
    const outcome = await t.controller.input({ payload: 1 }, t.send);
    assert.deepEqual(outcome, { ok: true });
    const docs = t.docs();
    assert.deepEqual(
      docs.map((m) => m.ccv?.orderId),
      [a.id, c.id],
    );
    const runId = docs[0].run?.id;
    assert.deepEqual(docs[1].ccv, { configId: "shop-config", shopId: "shop.example", orderId: c.id, ordernumber: 1003, kind: "order" });
    assert.deepEqual(docs[1].run, { id: runId, configId: "shop-config", index: 2, total: null, trigger: "schedule" });
    assert.equal(docs[1].topic, "1003");
    const payload = docs[1].payload as { order: { id: number }; rows: Array<{ product_name: string }> };
    assert.deepEqual([payload.order.id, payload.rows.map((r) => r.product_name)], [c.id, ["Artikel 1003"]]);
    assert.deepEqual(t.sent.at(-1), { _msgid: "m3", topic: "run", payload: null, run: { id: runId, configId: "shop-config", index: 0, total: 2, trigger: "schedule", end: true } });

    const l = await read(store);
    assert.deepEqual(l.pending[ledgerKey("order", unpaid.id)], { ordernumber: 1002, created: unpaid.create_date, due: false }, "the unpaid order waits");
    assert.equal(l.pending[ledgerKey("order", a.id)]?.due, true, "sent, not booked yet: still due");
    assert.deepEqual([l.runs.marks.fullSweepAt, l.runs.lastRunAt, l.runs.firstRunAt], [clock.date().toISOString(), clock.date().toISOString(), clock.date().toISOString()]);
    assert.deepEqual(t.statuses, ["ccv-orders-in.statusText.fullSweep", "1 found…", "2 found…", `2/2 sent ${hhmm(clock.date())}`]);
  });

  it("a pending cancellation older than the cancellations' listing is read by id, also when the listing back to older pending orders holds its order", async () => {
    const DAY = 86_400_000;
    const ago = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString().replace(/\.000Z$/, "Z");
    const p1 = sim.state.addOrder(simOrderInput(2001, { create_date: ago(150) }));
    const p2 = sim.state.addOrder(simOrderInput(2002, { create_date: ago(149) }));
    const x = sim.state.addOrder(simOrderInput(2003, { create_date: ago(120), status: 8 }));
    await store.update((l) => {
      markBooked(l, ledgerKey("order", x.id), { ordernumber: 2003, factuurnummer: "20262003", snelstartId: "b-1", type: "verkoopboeking", adopted: false }, new Date(ago(119)));
      // Two older orders still due (one page back is cheaper than two reads), and the cancellation of x, due and failing.
      l.pending[ledgerKey("order", p1.id)] = { ordernumber: 2001, created: p1.create_date, due: true };
      l.pending[ledgerKey("order", p2.id)] = { ordernumber: 2002, created: p2.create_date, due: true };
      l.pending[ledgerKey("cancel", x.id)] = { ordernumber: 2003, created: x.create_date, due: true };
      l.runs = { ...l.runs, firstRunAt: ago(365), lastRunAt: ago(1), marks: { orders: ago(1), invoices: ago(1), lastOrdernumber: 2003, fullSweepAt: ago(1) } };
    });
    const t = make();
    assert.deepEqual(await t.controller.input({ payload: 1 }, t.send), { ok: true });
    assert.deepEqual(
      t.docs().map((m) => [m.ccv?.kind, m.ccv?.ordernumber]).sort(),
      [["cancellation", 2003], ["order", 2001], ["order", 2002]],
    );
  });

  it("a run-wide failure (a wrong secret: CCV_AUTH) ends the run: nothing sent, the run's meta for msg.run, a failed run in the ledger", async () => {
    sim.state.addOrder(simOrderInput(1101));
    const t = make({ secret: "not-the-secret" });
    const outcome = await t.controller.input({ payload: 1 }, t.send);
    assert.equal(outcome.ok, false);
    const failed = outcome as Extract<Outcome, { ok: false }>;
    assert.equal(failed.error.code, "CCV_AUTH");
    assert.deepEqual([failed.run?.configId, failed.run?.index, failed.run?.total, failed.run?.trigger], ["shop-config", 0, 0, "schedule"]);
    assert.equal(t.sent.length, 0);
    assert.equal(t.statuses.at(-1), "CCV_AUTH");
    const l = await read(store);
    assert.deepEqual([l.runs.consecutiveFailures, l.runs.lastError?.code, l.runs.lastError?.at], [1, "CCV_AUTH", clock.date().toISOString()]);
  });

  it("webhooks for one order within the gather cost one fetch; one that comes while the order is on its way costs one more fetch after it settled", async () => {
    removals.push(addWindowConsumer());
    const o = sim.state.addOrder(simOrderInput(1201));
    const t = make();
    const first = t.controller.input({ topic: "webhook", payload: { id: o.id } }, t.send);
    const others = [t.controller.input({ topic: "webhook", payload: { id: o.id } }, t.send), t.controller.input({ topic: "webhook", payload: { id: String(o.id) } }, t.send)];
    assert.deepEqual(await Promise.all(others), [{ ok: true }, { ok: true }], "gathered into the first");
    assert.equal(clock.pending, 1, "one gather timer");
    await clock.advance(WEBHOOK_GATHER_MS - 1);
    assert.equal(requests("GET", "orders/:id/"), 0, "still gathering");
    await clock.advance(1);
    const [msg] = await until("the webhook's order sent", () => t.docs().length === 1 && t.docs());
    assert.deepEqual([msg.ccv?.orderId, msg.run?.index, msg.run?.total, msg.run?.trigger], [o.id, 1, 1, "webhook"]);
    assert.equal(requests("GET", "orders/:id/"), 1);

    // While the message is on its way (in the window), another webhook: no fetch now, one when it settled.
    assert.deepEqual(await t.controller.input({ topic: "webhook", payload: { id: o.id } }, t.send), { ok: true });
    assert.equal(requests("GET", "orders/:id/"), 1);
    assert.equal(clock.pending, 0, "no new gather for an order on its way");
    // snelstart-invoice books it and lets the message out.
    await store.update((l) => markBooked(l, ledgerKey("order", o.id), { ordernumber: 1201, factuurnummer: "20261201", snelstartId: "s1", type: "verkoopboeking", adopted: false }, clock.date()));
    window.leave(msg._msgid);
    assert.deepEqual(await first, { ok: true });
    assert.equal(requests("GET", "orders/:id/"), 2, "fetched once more");
    assert.equal(t.docs().length, 1, "booked meanwhile: not sent again");
    assert.equal(t.statuses.at(-1), `order ${o.id} not due ${hhmm(clock.date())}`);
  });

  it("close during the webhook gather: the timer is cleared, nothing is fetched or sent", async () => {
    const o = sim.state.addOrder(simOrderInput(1301));
    const t = make();
    const work = t.controller.input({ topic: "webhook", payload: { id: o.id } }, t.send);
    assert.equal(clock.pending, 1);
    await t.controller.close();
    assert.equal(clock.pending, 0, "the gather timer is gone");
    assert.deepEqual(await work, { ok: true }, "a closed node's work ends quietly");
    await clock.advance(WEBHOOK_GATHER_MS);
    assert.deepEqual([asked(), t.sent.length, t.failures.length], [0, 0, 0]);
    assert.deepEqual(await t.controller.input({ payload: 1 }, t.send), { ok: true }, "input after close does nothing");
    assert.equal(asked(), 0);
  });

  it("close while a run is paging: no message and no request after close resolves, the ledger's updates are stored, and the ledger loads cleanly for the next run", async () => {
    for (let n = 0; n < 120; n++) sim.state.addOrder(simOrderInput(2000 + n, { create_date: new Date(Date.parse("2026-05-01T10:00:00Z") + n * 60_000).toISOString().slice(0, 19) + "Z" }));
    // The fourth document's rows are slow: the run is waiting on CCV when the node closes.
    const slow = sim.state.orders[3];
    sim.state.faults.add({ kind: "delay", ms: 400, method: "GET", path: `orders/${slow.id}/orderrows` });
    const t = make();
    const work = t.controller.input({ payload: 1 }, t.send);
    await until("the slow request on its way", () => requests("GET", "orders/:id/orderrows/") === 4);
    assert.equal(t.docs().length, 3);
    await t.controller.close();
    assert.equal(ledger.stored, ledger.begun, "every ledger update the run began is stored when close resolves");
    assert.ok(answered() < asked(), "close did not wait for the slow answer");
    assert.deepEqual(await work, { ok: true });
    const askedAtClose = asked();
    const sentAtClose = t.sent.length;
    await until("the slow answer", () => answered() === asked());
    assert.deepEqual([asked(), t.sent.length, t.failures.length], [askedAtClose, sentAtClose, 0], "nothing fetched or sent after close");
    assert.equal(t.sent.filter((m) => m.run?.end).length, 0, "a stopped run sends no end message");

    // The journal on disk, loaded anew: the three sent orders are due, the fourth too (noted before its rows), the marks have not moved.
    await store.close();
    store = openLedger(dir);
    const l = await read(store);
    const due = Object.entries(l.pending).filter(([, p]) => p.due);
    assert.deepEqual(
      due.map(([key]) => key).sort(),
      sim.state.orders
        .slice(0, 4)
        .map((o) => `order:${o.id}`)
        .sort(),
    );
    assert.deepEqual([l.runs.marks.orders, l.runs.marks.fullSweepAt, l.runs.consecutiveFailures], [null, null, 0]);

    // The next life's run finds everything: nothing was lost, nothing is sent twice.
    const next = make({ ledger: new CountingLedger(store) });
    assert.deepEqual(await next.controller.input({ payload: 1 }, next.send), { ok: true });
    const ids = next.docs().map((m) => m.ccv?.orderId);
    assert.equal(ids.length, 120);
    assert.equal(new Set(ids).size, 120);
    assert.equal((await read(store)).runs.marks.fullSweepAt, clock.date().toISOString());
  });

  it("close while a run waits for room in the message window: the wait is withdrawn, nothing more is sent, and the node's messages give their room back", async () => {
    removals.push(addWindowConsumer());
    window = new MessageWindow(2, 60_000);
    for (let n = 0; n < 5; n++) sim.state.addOrder(simOrderInput(3000 + n));
    const t = make();
    const work = t.controller.input({ payload: 1 }, t.send);
    await until("two messages on their way and the third found", () => t.docs().length === 2 && t.statuses.includes("3 found…") && requests("GET", "orders/:id/orderrows/") === 3 && answered() === asked());
    assert.equal(window.inFlight, 2);
    await t.controller.close();
    assert.deepEqual(await work, { ok: true });
    assert.equal(t.sent.length, 2);
    assert.equal(window.inFlight, 0, "this node's messages are let out of the window (their timeouts cleared)");
    // The window is not held by a withdrawn waiter: another node's messages go in as far as there is room.
    await window.enter("other-1");
    await window.enter("other-2");
    assert.equal(window.inFlight, 2);
    assert.equal(ledger.stored, ledger.begun);
  });
});

describe("unit: registering the order webhooks", function () {
  let sim: CcvSim;
  beforeEach(async () => (sim = await startCcvSim({ orders: 0, rateLimits: "off", publicKey: PUBLIC, secret: SECRET })));
  afterEach(async () => sim.close());

  const token = (c: string) => c.repeat(32);
  const at = (base: string, t: string) => `${base}/ccv-snelstart/webhook/${t}`;

  it("removes only the webhooks at this Node-RED's endpoint that no running node receives; another node's, here or elsewhere, stay", async () => {
    const here = "https://node-red.example.nl";
    const [mine, other, old] = [token("a"), token("b"), token("c")];
    const running = [tokenDigest(mine), tokenDigest(other)];
    const theirs = [at(here, other), at("https://other-node-red.example.nl", token("d")), at("https://old.example.nl", mine)];
    for (const address of [...theirs, at(here, old)]) for (const event of WEBHOOK_EVENTS) sim.state.addWebhook({ event, address });
    const client = new CcvClient({ shopUrl: sim.url, publicKey: PUBLIC, secret: SECRET, rateLimitWindowMs: null, maxRetries: 0 });
    const address = at(here, mine);

    const r = await registerWebhooks(client, address, (a) => deadAtEndpoint(a, address, running));
    assert.deepEqual(r, { created: 3, existing: 0, removed: 3 }, "the old token's three");
    const left = (a: string) => sim.state.webhooks.filter((w) => w.address === a).map((w) => w.event).sort();
    for (const a of [...theirs, address]) assert.deepEqual(left(a), [...WEBHOOK_EVENTS].sort(), a);
    assert.deepEqual(left(at(here, old)), []);

    assert.deepEqual(await registerWebhooks(client, address, (a) => deadAtEndpoint(a, address, running)), { created: 0, existing: 3, removed: 0 }, "again: nothing to do");

    // One of ours switched off in the shop: replaced by an active one, not kept beside it.
    const off = sim.state.webhooks.find((w) => w.address === address) as { is_active?: boolean; event: string };
    off.is_active = false;
    assert.deepEqual(await registerWebhooks(client, address, (a) => deadAtEndpoint(a, address, running)), { created: 1, existing: 2, removed: 1 });
    assert.deepEqual(sim.state.webhooks.filter((w) => w.address === address).map((w) => [w.event, w.is_active !== false]).sort(), [...WEBHOOK_EVENTS].sort().map((e) => [e, true]));
  });

  it("a webhook is dead only at the same public address and path, with a token no running node holds", () => {
    const ours = "https://nr.example.nl/red/ccv-snelstart/webhook/" + token("a");
    const running = [tokenDigest(token("a")), tokenDigest(token("b"))];
    assert.equal(deadAtEndpoint(`https://nr.example.nl/red/ccv-snelstart/webhook/${token("c")}`, ours, running), true);
    assert.equal(deadAtEndpoint(`https://NR.example.nl:443/red/ccv-snelstart/webhook/${token("c")}/`, ours, running), true, "the same address written otherwise");
    assert.equal(deadAtEndpoint("https://nr.example.nl/red/ccv-snelstart/webhook/", ours, running), true, "no token: refused by the endpoint");
    assert.equal(deadAtEndpoint(`https://nr.example.nl/red/ccv-snelstart/webhook/${token("b")}`, ours, running), false, "another running node's");
    for (const elsewhere of [
      `https://other.example.nl/red/ccv-snelstart/webhook/${token("c")}`,
      `http://nr.example.nl/red/ccv-snelstart/webhook/${token("c")}`,
      `https://nr.example.nl:8443/red/ccv-snelstart/webhook/${token("c")}`,
      `https://nr.example.nl/ccv-snelstart/webhook/${token("c")}`,
      `https://nr.example.nl/red/ccv-snelstart/webhook/${token("c")}/more`,
      `https://nr.example.nl/red/ccv-snelstart/webhook/${token("c")}?x=1`,
      "not a url",
    ]) {
      assert.equal(deadAtEndpoint(elsewhere, ours, running), false, elsewhere);
    }
  });
});
