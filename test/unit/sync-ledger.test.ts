/**
 * The sync ledger's rules (src/koppeling/sync-ledger.ts): bookings, intents, failures and their
 * alerts, run outcomes, revival of older shapes, and the index of booked keys by order number.
 */
import assert from "node:assert/strict";
import {
  bookedByNumber,
  clearFailure,
  dueAlerts,
  earlierCredit,
  addToRanges,
  emptyLedger,
  findBooked,
  firstRunAt,
  foldBooked,
  inRanges,
  isBooked,
  ledgerKey,
  markAlerted,
  markBooked,
  markNothingToCredit,
  numbersOf,
  parseLedgerKey,
  recordFailure,
  recordIntent,
  recordRunFailure,
  recordRunSuccess,
  recordWebhookNoise,
  reviveLedger,
  shareNumbers,
} from "../../src/koppeling/sync-ledger";
import { dueSettings, planRun } from "../../src/koppeling/due";

const t0 = new Date("2026-01-05T10:00:00Z");
const fail = (runId: string, code = "VAT_UNMAPPED_RATE") => ({ ordernumber: 12, stage: "vat-mapper", code, runId });
/** What an error carries besides its code: a message that names the customer. */
const PERSONAL = "jan.jansen@example.nl";

describe("sync ledger", () => {
  it("parseLedgerKey reads back what ledgerKey writes, and nothing else", () => {
    for (const kind of ["order", "cancel", "credit"] as const) for (const id of [0, 7, 123456789]) assert.deepEqual(parseLedgerKey(ledgerKey(kind, id)), { kind, id });
    for (const bad of ["", "order", "order:", ":7", "refund:7", "order:-7", "order:7.5", "order:7 ", "Order:7", "order:folded:10", "order:99999999999999999999"]) assert.equal(parseLedgerKey(bad), null, bad);
  });

  it("a booked entry under a key that names no document stays out of the index and the fold", () => {
    const l = emptyLedger();
    l.booked["refund:3"] = { ordernumber: 10, factuurnummer: "R10", snelstartId: "r", type: "verkoopboeking", at: "2025-01-01T00:00:00.000Z", adopted: false };
    markBooked(l, ledgerKey("order", 3), { ordernumber: 10, factuurnummer: "202610", snelstartId: "s", type: "verkoopboeking", adopted: false }, t0);
    assert.deepEqual([...numbersOf(l).keys()], ["order:10"]);
    assert.equal(foldBooked(l, new Date("2026-12-01T00:00:00Z")), 1, "only the order is folded");
    assert.ok(l.booked["refund:3"]);
  });

  it("keeps an intent until the outcome: markBooked removes it; nothing to credit settles the cancellation and voids the order's intent", () => {
    const l = emptyLedger();
    recordIntent(l, ledgerKey("order", 7), { factuurnummer: "20267", type: "verkoopboeking" }, t0);
    assert.equal(l.intents["order:7"]?.factuurnummer, "20267");
    markBooked(l, ledgerKey("order", 7), { ordernumber: 7, factuurnummer: "20267", snelstartId: "s", type: "verkoopboeking", adopted: false }, t0);
    assert.deepEqual(l.intents, {});
    recordIntent(l, ledgerKey("order", 8), { factuurnummer: "20268", type: "verkoopboeking" }, t0);
    markNothingToCredit(l, 8, 8, t0);
    assert.deepEqual(l.intents, {});
    assert.deepEqual([isBooked(l, ledgerKey("cancel", 8))?.type, isBooked(l, ledgerKey("order", 8))], ["none", null]);
  });

  it("earlierCredit: a credit invoice blocks the cancellation's credit, the cancellation's credit blocks credit invoices, partial credit invoices do not block each other", () => {
    const l = emptyLedger();
    const entry = (ordernumber: number, factuurnummer: string, type: "verkoopboeking" | "none" = "verkoopboeking") => ({ ordernumber, factuurnummer, snelstartId: "s", type, adopted: false });
    markBooked(l, ledgerKey("order", 1), entry(10, "202610"), t0);
    assert.equal(earlierCredit(l, "cancellation", 10), null, "an order booked is not a credit");
    assert.equal(earlierCredit(l, "credit-invoice", 10), null);
    markBooked(l, ledgerKey("credit", 501), entry(10, "C202610-501"), t0);
    assert.equal(earlierCredit(l, "cancellation", 10)?.key, "credit:501");
    assert.equal(earlierCredit(l, "credit-invoice", 10), null, "a second credit invoice of the order is a partial credit");
    assert.equal(earlierCredit(l, "cancellation", 11), null, "another order");
    markBooked(l, ledgerKey("cancel", 2), entry(11, "C202611"), t0);
    assert.equal(earlierCredit(l, "credit-invoice", 11)?.entry.factuurnummer, "C202611");
    markNothingToCredit(l, 3, 12, t0);
    assert.equal(earlierCredit(l, "credit-invoice", 12), null, "nothing to credit credits nothing");
  });

  it("an order booked after its cancellation was settled as nothing to credit opens that cancellation again", () => {
    const l = emptyLedger();
    markNothingToCredit(l, 9, 19, t0);
    assert.equal(isBooked(l, ledgerKey("cancel", 9))?.type, "none");
    markBooked(l, ledgerKey("order", 9), { ordernumber: 19, factuurnummer: "202619", snelstartId: "s", type: "verkoopboeking", adopted: false }, t0);
    assert.equal(isBooked(l, ledgerKey("cancel", 9)), null, "the booking that landed late is credited by the next run");
    assert.deepEqual(bookedByNumber(l, "cancel", 19), []);
    // A cancellation that was credited stays.
    markBooked(l, ledgerKey("cancel", 9), { ordernumber: 19, factuurnummer: "C202619", snelstartId: "c", type: "verkoopboeking", adopted: false }, t0);
    markBooked(l, ledgerKey("order", 9), { ordernumber: 19, factuurnummer: "202619", snelstartId: "s", type: "verkoopboeking", adopted: true }, t0);
    assert.equal(isBooked(l, ledgerKey("cancel", 9))?.factuurnummer, "C202619");
  });

  it("remembers a booking and forgets the failure of that document", () => {
    const l = emptyLedger();
    const key = ledgerKey("order", 77);
    recordFailure(l, key, fail("r1"), t0);
    assert.equal(isBooked(l, key), null);
    markBooked(l, key, { ordernumber: 12, factuurnummer: "202612", snelstartId: "id-1", type: "verkoopboeking", adopted: false }, t0);
    assert.equal(isBooked(l, key)?.factuurnummer, "202612");
    assert.equal(l.failed[key], undefined);
  });

  it("counts a failure once per run, and again in the next run", () => {
    const l = emptyLedger();
    const key = ledgerKey("order", 77);
    recordFailure(l, key, fail("r1"), t0);
    recordFailure(l, key, fail("r1", "SNELSTART_BOE_0039"), t0);
    assert.equal(l.failed[key].attempts, 1);
    assert.equal(l.failed[key].code, "SNELSTART_BOE_0039");
    recordFailure(l, key, fail("r2"), t0);
    assert.equal(l.failed[key].attempts, 2);
  });

  it("keeps 'outcome unknown' through later failures until the document is booked", () => {
    const l = emptyLedger();
    const key = ledgerKey("order", 8);
    recordFailure(l, key, { ...fail("r1", "SNELSTART_UNKNOWN_OUTCOME"), stage: "snelstart-invoice", unknownOutcome: true }, t0);
    recordFailure(l, key, { ...fail("r2", "SNELSTART_REL_0061"), stage: "snelstart-debtor" }, t0);
    assert.equal(l.failed[key].code, "SNELSTART_REL_0061");
    assert.equal(l.failed[key].unknownOutcome, true);
    recordFailure(l, ledgerKey("order", 9), fail("r2"), t0);
    assert.equal(l.failed[ledgerKey("order", 9)].unknownOutcome, false);
  });

  it("raises an order alert once, when the attempts reach the threshold", () => {
    const l = emptyLedger();
    const key = ledgerKey("order", 5);
    recordFailure(l, key, fail("r1"), t0);
    recordFailure(l, key, fail("r2"), t0);
    assert.deepEqual(dueAlerts(l, 3).orders, []);
    recordFailure(l, key, fail("r3"), t0);
    const due = dueAlerts(l, 3);
    assert.equal(due.orders.length, 1);
    assert.equal(due.orders[0].key, key);
    markAlerted(l, due);
    recordFailure(l, key, fail("r4"), t0);
    assert.deepEqual(dueAlerts(l, 3).orders, []);
  });

  it("raises a run alert after N failed runs in a row, and resets on success", () => {
    const l = emptyLedger();
    const err = { code: "CCV_AUTH" };
    recordRunFailure(l, err, t0);
    recordRunFailure(l, err, t0);
    assert.equal(dueAlerts(l, 3).run, null);
    recordRunSuccess(l, t0);
    recordRunFailure(l, err, t0);
    recordRunFailure(l, err, t0);
    assert.equal(dueAlerts(l, 3).run, null);
    recordRunFailure(l, err, t0);
    const due = dueAlerts(l, 3);
    assert.equal(due.run?.consecutiveFailures, 3);
    markAlerted(l, due);
    recordRunFailure(l, err, t0);
    assert.equal(dueAlerts(l, 3).run, null);
  });

  it("revives whatever a context store returns", () => {
    assert.deepEqual(reviveLedger(undefined), emptyLedger());
    assert.deepEqual(reviveLedger("junk"), emptyLedger());
    const l = emptyLedger();
    markBooked(l, ledgerKey("credit", 9), { ordernumber: 3, factuurnummer: "C3", snelstartId: "x", type: "verkoopboeking", adopted: true }, t0);
    const back = reviveLedger(JSON.parse(JSON.stringify(l)));
    assert.equal(isBooked(back, ledgerKey("credit", 9))?.adopted, true);
  });

  it("never stores a failure's message, on the first failure nor on a later one", () => {
    const l = emptyLedger();
    const key = ledgerKey("order", 77);
    // An error passed as it is (a KoppelingError has a message), as a caller might.
    const withMessage = (runId: string) => ({ ...fail(runId), message: `SnelStart POST /relaties failed (400): REL-0061 (${PERSONAL})` });
    recordFailure(l, key, withMessage("r1"), t0);
    recordFailure(l, key, withMessage("r2"), new Date("2026-01-06T10:00:00Z"));
    const entry = l.failed[key];
    assert.equal("message" in entry, false);
    assert.deepEqual(Object.keys(entry).sort(), ["alerted", "attempts", "code", "firstAt", "lastAt", "lastRunId", "ordernumber", "stage", "unknownOutcome"]);
    assert.deepEqual([entry.attempts, entry.firstAt, entry.lastAt], [2, t0.toISOString(), "2026-01-06T10:00:00.000Z"]);
    assert.ok(!JSON.stringify(l).includes(PERSONAL));
  });

  it("stores a failed run's code and time, never its message", () => {
    const l = emptyLedger();
    const err = Object.assign(new Error(`CCV Shop refused the key of ${PERSONAL}`), { code: "CCV_AUTH" });
    recordRunFailure(l, err, t0);
    assert.deepEqual(l.runs.lastError, { code: "CCV_AUTH", at: t0.toISOString() });
    assert.ok(!JSON.stringify(l).includes(PERSONAL));
  });

  it("drops the messages an older ledger kept (failed entries and the last run error) and adds the webhook noise counter", () => {
    const old = {
      version: 1,
      booked: { "order:1": { ordernumber: 1, factuurnummer: "20251", snelstartId: "s1", type: "verkoopboeking", at: t0.toISOString(), adopted: false } },
      failed: {
        "order:2": { ordernumber: 2, stage: "snelstart-debtor", code: "SNELSTART_REL_0061", message: `REL-0061 (${PERSONAL})`, attempts: 2, firstAt: t0.toISOString(), lastAt: t0.toISOString(), lastRunId: "r2", alerted: false, unknownOutcome: false },
      },
      runs: { consecutiveFailures: 2, lastError: { code: "CCV_AUTH", message: `401 for ${PERSONAL}`, at: t0.toISOString() }, alerted: false, lastRunAt: t0.toISOString(), firstRunAt: t0.toISOString() },
    };
    const back = reviveLedger(JSON.parse(JSON.stringify(old)));
    assert.ok(!JSON.stringify(back).includes(PERSONAL), JSON.stringify(back));
    assert.equal("message" in back.failed["order:2"], false);
    assert.deepEqual(
      [back.failed["order:2"].code, back.failed["order:2"].attempts, back.failed["order:2"].stage, back.failed["order:2"].firstAt],
      ["SNELSTART_REL_0061", 2, "snelstart-debtor", t0.toISOString()],
    );
    assert.deepEqual(back.runs.lastError, { code: "CCV_AUTH", at: t0.toISOString() });
    assert.equal(back.runs.consecutiveFailures, 2);
    assert.deepEqual(back.runs.webhookNoise, { count: 0, lastAt: null });
    assert.equal(isBooked(back, ledgerKey("order", 1))?.factuurnummer, "20251");
    // Still due for its alert, now without a message.
    assert.deepEqual(dueAlerts(back, 2).orders.map((o) => [o.key, o.code]), [["order:2", "SNELSTART_REL_0061"]]);
  });

  it("keeps the webhook noise counter a ledger has; replaces a broken one", () => {
    const l = emptyLedger();
    recordWebhookNoise(l, t0);
    assert.deepEqual(reviveLedger(JSON.parse(JSON.stringify(l))).runs.webhookNoise, { count: 1, lastAt: t0.toISOString() });
    const broken = { ...l, runs: { ...l.runs, webhookNoise: { count: "many" } } };
    assert.deepEqual(reviveLedger(broken).runs.webhookNoise, { count: 0, lastAt: null });
  });

  it("counts webhook noise without touching the run failures, the last error or the run alert", () => {
    const l = emptyLedger();
    assert.deepEqual({ ...l.runs.webhookNoise }, { count: 0, lastAt: null });
    const t1 = new Date("2026-01-05T11:00:00Z");
    assert.deepEqual(recordWebhookNoise(l, t0), { count: 1, lastAt: t0.toISOString() });
    assert.deepEqual(recordWebhookNoise(l, t1), { count: 2, lastAt: t1.toISOString() });
    assert.deepEqual({ ...l.runs.webhookNoise }, { count: 2, lastAt: t1.toISOString() });
    assert.deepEqual([l.runs.consecutiveFailures, l.runs.lastError, l.runs.alerted, l.runs.lastRunAt], [0, null, false, null]);
    assert.equal(dueAlerts(l, 1).run, null, "noise is never a run alert");

    // During a series of failed runs: the series, its error and its alert state stay as they were.
    recordRunFailure(l, { code: "CCV_AUTH" }, t0);
    recordRunFailure(l, { code: "CCV_AUTH" }, t0);
    markAlerted(l, dueAlerts(l, 2));
    const before = structuredClone(l.runs);
    for (let i = 0; i < 5; i++) recordWebhookNoise(l, t1);
    assert.deepEqual({ ...l.runs, webhookNoise: before.webhookNoise }, before);
    assert.equal(l.runs.webhookNoise.count, 7);
    assert.deepEqual(l.failed, {}, "no document failure either");

    // A successful run resets the failures but keeps the noise count.
    recordRunSuccess(l, t1);
    assert.equal(l.runs.webhookNoise.count, 7);
  });

  it("keeps the moment of the first run", () => {
    const l = emptyLedger();
    assert.equal(firstRunAt(l, t0), t0.toISOString());
    assert.equal(firstRunAt(l, new Date("2027-01-01T00:00:00Z")), t0.toISOString());
    recordRunSuccess(l, new Date("2027-01-01T00:00:00Z"));
    assert.equal(l.runs.firstRunAt, t0.toISOString());
  });

  it("clears a failure on request", () => {
    const l = emptyLedger();
    const key = ledgerKey("order", 1);
    assert.equal(clearFailure(l, key), false);
    recordFailure(l, key, fail("r1"), t0);
    assert.equal(clearFailure(l, key), true);
    assert.equal(l.failed[key], undefined);
  });
});

describe("sync ledger: pending documents and high-water marks", () => {
  const entry = (ordernumber: number, factuurnummer: string) => ({ ordernumber, factuurnummer, snelstartId: "s", type: "verkoopboeking" as const, adopted: false });

  it("markBooked ends a document's pending state", () => {
    const l = emptyLedger();
    l.pending["order:7"] = { ordernumber: 107, created: t0.toISOString(), due: true };
    l.pending["order:8"] = { ordernumber: 108, created: t0.toISOString(), due: false };
    markBooked(l, ledgerKey("order", 7), entry(107, "2026107"), t0);
    assert.deepEqual(Object.keys(l.pending), ["order:8"]);
  });

  it("revives pending entries and the marks; broken marks read as none", () => {
    const l = emptyLedger();
    l.pending["credit:5"] = { ordernumber: 3, created: t0.toISOString(), due: false };
    l.runs = { ...l.runs, marks: { orders: "2026-01-04T00:00:00Z", invoices: null, lastOrdernumber: 99, fullSweepAt: t0.toISOString() } };
    const back = reviveLedger(JSON.parse(JSON.stringify(l)));
    assert.deepEqual(back.pending, l.pending);
    assert.deepEqual(back.runs.marks, l.runs.marks);
    const broken = reviveLedger({ ...JSON.parse(JSON.stringify(l)), runs: { ...l.runs, marks: { orders: 5, invoices: "x", lastOrdernumber: 1.5, fullSweepAt: t0.toISOString() } } });
    assert.deepEqual(broken.runs.marks, { orders: null, invoices: null, lastOrdernumber: null, fullSweepAt: t0.toISOString() });
    assert.doesNotThrow(() => planRun(broken, dueSettings({}), t0), "a broken mark must not break every run");
    const old = reviveLedger({ version: 1, booked: {}, runs: { consecutiveFailures: 0 } });
    assert.deepEqual(old.pending, {});
    assert.deepEqual(old.runs.marks, { orders: null, invoices: null, lastOrdernumber: null, fullSweepAt: null });
  });
});

describe("sync ledger: the index of booked keys by order number", () => {
  const entry = (ordernumber: number | null, factuurnummer: string) => ({ ordernumber, factuurnummer, snelstartId: "s", type: "verkoopboeking" as const, adopted: false });

  it("is built once from what is booked, on first use", () => {
    const l = emptyLedger();
    l.booked["order:1"] = { ...entry(10, "202610"), at: t0.toISOString() };
    l.booked["credit:2"] = { ...entry(10, "C202610"), at: t0.toISOString() };
    l.booked["order:3"] = { ...entry(null, "x"), at: t0.toISOString() };
    const index = numbersOf(l);
    assert.deepEqual([...index.keys()].sort(), ["credit:10", "order:10"]);
    assert.equal(numbersOf(l), index, "the same index the second time");
    // Written past markBooked, an entry is not in the index: it is not rebuilt.
    l.booked["order:4"] = { ...entry(11, "202611"), at: t0.toISOString() };
    assert.deepEqual(bookedByNumber(l, "order", 11), []);
  });

  it("is kept by markBooked: a new booking is found, a rebooking under another number moves", () => {
    const l = emptyLedger();
    numbersOf(l);
    markBooked(l, ledgerKey("order", 1), entry(10, "202610"), t0);
    assert.deepEqual(bookedByNumber(l, "order", 10).map((b) => b.key), ["order:1"]);
    markBooked(l, ledgerKey("order", 1), entry(12, "202612"), t0);
    assert.deepEqual(bookedByNumber(l, "order", 10), []);
    assert.equal(numbersOf(l).has("order:10"), false, "an emptied number leaves the index");
    assert.deepEqual(bookedByNumber(l, "order", 12).map((b) => b.entry.factuurnummer), ["202612"]);
    assert.deepEqual(bookedByNumber(l, "cancel", 12), [], "kinds are apart");
  });

  it("finds both orders that share a number", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 1), entry(10, "202610"), t0);
    markBooked(l, ledgerKey("order", 2), entry(10, "202610-2"), t0);
    markBooked(l, ledgerKey("order", 3), entry(11, "202611"), t0);
    assert.deepEqual(
      bookedByNumber(l, "order", 10)
        .map((b) => [b.key, b.entry.factuurnummer])
        .sort(),
      [
        ["order:1", "202610"],
        ["order:2", "202610-2"],
      ],
    );
  });

  it("is not enumerable: JSON, spreads and revival leave it out", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 1), entry(10, "202610"), t0);
    assert.ok(l.numbers instanceof Map);
    assert.equal(Object.keys(l).includes("numbers"), false);
    assert.equal("numbers" in JSON.parse(JSON.stringify(l)), false);
    assert.equal(JSON.stringify(l).includes("numbers"), false);
    assert.equal({ ...l }.numbers, undefined);
    assert.equal(reviveLedger(JSON.parse(JSON.stringify(l))).numbers, undefined);
  });

  it("is shared by a view of the state (shareNumbers): bookings through the view are found in the state", () => {
    const state = emptyLedger();
    markBooked(state, ledgerKey("order", 1), entry(10, "202610"), t0);
    const view = { ...state, booked: state.booked };
    shareNumbers(view, numbersOf(state));
    assert.equal(numbersOf(view), numbersOf(state));
    markBooked(view, ledgerKey("credit", 5), entry(10, "C202610"), t0);
    assert.deepEqual(bookedByNumber(state, "credit", 10).map((b) => b.key), ["credit:5"]);
    assert.equal(earlierCredit(state, "cancellation", 10)?.key, "credit:5");
    // Without sharing, a spread gets an index of its own (built from what it sees then).
    const other = { ...state };
    assert.notEqual(numbersOf(other), numbersOf(state));
  });

  describe("folding old bookings", () => {
    const DAY = 86_400_000;
    const old = new Date("2026-01-10T10:00:00Z");
    const cutoff = new Date(old.getTime() + 10 * DAY);
    const booked = (ordernumber: number | null, factuurnummer: string, type: "verkoopboeking" | "none" = "verkoopboeking") => ({ ordernumber, factuurnummer, snelstartId: "s", type, adopted: false });

    it("ranges: adds sorted numbers merging neighbours, finds by binary search", () => {
      const r = addToRanges([[10, 12]], [1, 2, 3, 13, 20]);
      assert.deepEqual(r, [
        [1, 3],
        [10, 13],
        [20, 20],
      ]);
      assert.deepEqual([1, 3, 4, 9, 10, 13, 14, 20, 21].map((n) => inRanges(r, n)), [true, true, false, false, true, true, false, true, false]);
    });

    it("folds bookings older than the cutoff into ranges per invoice-number stem; keeps newer ones, numberless ones and shared numbers whole", () => {
      const l = emptyLedger();
      for (let n = 100; n < 110; n++) if (n !== 105) markBooked(l, ledgerKey("order", n * 7), booked(n, `2026${n}`), old);
      markBooked(l, ledgerKey("order", 2000), booked(200, "CCV-77"), old); // an invoice number that is not stem + number
      markBooked(l, ledgerKey("order", 3000), booked(300, "2026300"), cutoff); // not older than the cutoff
      markBooked(l, ledgerKey("order", 4000), booked(null, "X1"), old);
      markBooked(l, ledgerKey("order", 5000), booked(400, "2026400"), old);
      markBooked(l, ledgerKey("order", 5001), booked(400, "2026400-2"), old); // two orders under one number
      markBooked(l, ledgerKey("cancel", 707), booked(101, "C2026101"), old);
      markBooked(l, ledgerKey("cancel", 714), booked(102, "", "none"), old);
      markBooked(l, ledgerKey("credit", 9001), booked(103, "C2026103-9001"), old);

      const n = foldBooked(l, cutoff);
      assert.equal(n, 13);
      assert.deepEqual(Object.keys(l.booked).sort(), ["order:3000", "order:4000", "order:5000", "order:5001"]);
      assert.deepEqual(l.folded.orders.stems["2026"], [
        [100, 104],
        [106, 109],
      ]);
      assert.deepEqual(l.folded.orders.odd, { "200": "CCV-77" });
      assert.deepEqual([l.folded.cancels.stems.C2026, l.folded.noCredit, l.folded.credits], [[[101, 101]], [[102, 102]], [[9001, 103]]]);
      assert.equal(l.folded.before, cutoff.toISOString());
      assert.equal(JSON.stringify(l).includes("numbers"), false);

      // Found again by number (the id is gone), as long as the document is older than the fold.
      const created = old.toISOString();
      assert.equal(findBooked(l, ledgerKey("order", 1), 104, created)?.factuurnummer, "2026104");
      assert.equal(findBooked(l, ledgerKey("order", 1), 105, created), null, "a gap stays a gap");
      assert.equal(findBooked(l, ledgerKey("order", 1), 200, created)?.factuurnummer, "CCV-77");
      assert.equal(findBooked(l, ledgerKey("order", 1), 104, new Date(cutoff.getTime() + DAY).toISOString()), null, "an order placed after the fold is another order");
      assert.equal(findBooked(l, ledgerKey("order", 3000), 300, created)?.folded, undefined, "a whole entry by its key");
      assert.equal(findBooked(l, ledgerKey("cancel", 1), 101, created)?.factuurnummer, "C2026101");
      assert.equal(findBooked(l, ledgerKey("cancel", 1), 102, created)?.type, "none");
      assert.ok(findBooked(l, ledgerKey("credit", 9001), 103, created));
      assert.equal(findBooked(l, ledgerKey("credit", 9002), 103, created), null);

      assert.deepEqual(bookedByNumber(l, "order", 107).map((b) => b.entry.factuurnummer), ["2026107"]);
      assert.deepEqual(bookedByNumber(l, "credit", 103).map((b) => b.key), ["credit:9001"]);
      assert.deepEqual(
        bookedByNumber(l, "cancel", 102).map((b) => [b.key, b.entry.type]),
        [["cancel:folded:102", "none"]],
        "a folded cancellation by its number: no CCV id kept",
      );
      assert.deepEqual(bookedByNumber(l, "cancel", 105), []);
      assert.equal(earlierCredit(l, "cancellation", 103)?.key, "credit:9001", "a folded credit invoice still wins over the cancellation");
      assert.equal(earlierCredit(l, "credit-invoice", 101)?.entry.factuurnummer, "C2026101");
      assert.equal(earlierCredit(l, "credit-invoice", 102), null, "nothing to credit credits nothing");
      assert.deepEqual(numbersOf(l).get("order:104"), undefined, "the index forgets what was folded");
    });

    it("folding again merges into the ranges; the state survives reviveLedger (a context store)", () => {
      const l = emptyLedger();
      markBooked(l, ledgerKey("order", 1), booked(1, "20261"), old);
      foldBooked(l, cutoff);
      markBooked(l, ledgerKey("order", 2), booked(2, "20262"), old);
      markBooked(l, ledgerKey("order", 4), booked(4, "20264"), old);
      foldBooked(l, cutoff);
      assert.deepEqual(l.folded.orders.stems["2026"], [
        [1, 2],
        [4, 4],
      ]);
      const again = reviveLedger(JSON.parse(JSON.stringify(l)));
      assert.equal(findBooked(again, ledgerKey("order", 9), 4, old.toISOString())?.factuurnummer, "20264");
    });
  });
});
