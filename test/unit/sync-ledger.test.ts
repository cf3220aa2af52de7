import assert from "node:assert/strict";
import {
  clearFailure,
  dueAlerts,
  emptyLedger,
  firstRunAt,
  isBooked,
  ledgerKey,
  markAlerted,
  markBooked,
  recordFailure,
  recordRunFailure,
  recordRunSuccess,
  reviveLedger,
} from "../../src/koppeling/sync-ledger";

const t0 = new Date("2026-01-05T10:00:00Z");
const fail = (runId: string, code = "VAT_UNMAPPED_RATE") => ({ ordernumber: 12, stage: "vat-mapper", code, message: "7 % is no NL rate", runId });

describe("sync ledger", () => {
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
    const err = { code: "CCV_AUTH", message: "401" };
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
