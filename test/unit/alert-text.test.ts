/**
 * The alert mail's text: codes, stages, attempts and since-dates from the ledger (which holds no
 * messages), the reasons from the live messages of the run in which the alert fires.
 */
import assert from "node:assert/strict";
import { dueAlerts, emptyLedger, ledgerKey, recordFailure, recordRunFailure } from "../../src/koppeling/sync-ledger";
import { alertText, type LiveMessages } from "../../src/koppeling/report";

const t0 = new Date("2026-01-05T10:00:00Z");

/** A ledger in which order 12 (vat-mapper) and the credit of order 12 (snelstart-debtor) failed in two runs. */
function ledgerWithFailures() {
  const l = emptyLedger();
  for (const runId of ["r1", "r2"]) {
    recordFailure(l, ledgerKey("order", 77), { ordernumber: 12, stage: "vat-mapper", code: "VAT_UNMAPPED_RATE", runId }, t0);
    recordFailure(l, ledgerKey("cancel", 77), { ordernumber: 12, stage: "snelstart-debtor", code: "SNELSTART_REL_0061", runId }, t0);
    recordFailure(l, ledgerKey("order", 78), { ordernumber: 13, stage: "snelstart-invoice", code: "SNELSTART_BOE_0082", runId }, t0);
  }
  return l;
}

describe("alert mail text", () => {
  it("prints each document's code, stage, attempts and since-date, and the live reason under the document it belongs to", () => {
    const live: LiveMessages = {
      runError: null,
      errors: [
        { ordernumber: 12, code: "SNELSTART_REL_0061", message: "REL-0061 Email dient een geldig emailadres te zijn. (jan@voorbeeld)", stage: "snelstart-debtor" },
        { ordernumber: 12, code: "VAT_UNMAPPED_RATE", message: "Order 12, row 1: VAT rate 7 % is no Dutch rate", stage: "vat-mapper" },
      ],
    };
    const { subject, body } = alertText("shop.example", dueAlerts(ledgerWithFailures(), 2), 2, live);
    assert.match(subject, /3 not booked/);
    const lines = body.split("\n");
    const at = (start: string) => lines.findIndex((x) => x.startsWith(start));
    const order = at("  Order 12: VAT_UNMAPPED_RATE (vat-mapper, 2 runs since 2026-01-05)");
    const credit = at("  Credit for order 12: SNELSTART_REL_0061 (snelstart-debtor, 2 runs since 2026-01-05)");
    const other = at("  Order 13: SNELSTART_BOE_0082 (snelstart-invoice, 2 runs since 2026-01-05)");
    assert.ok(order >= 0 && credit >= 0 && other >= 0, body);
    // Same order number, two documents: each gets the message of its own code.
    assert.equal(lines[order + 1], "    Order 12, row 1: VAT rate 7 % is no Dutch rate");
    assert.equal(lines[credit + 1], "    REL-0061 Email dient een geldig emailadres te zijn. (jan@voorbeeld)");
    // No live message for order 13 in this run: only its code line.
    assert.ok(!lines[other + 1].startsWith("    "), body);
  });

  it("falls back to the run's message for the same order number when the code differs", () => {
    const l = emptyLedger();
    recordFailure(l, ledgerKey("order", 5), { ordernumber: 5, stage: "vat-mapper", code: "ORDER_INVALID", runId: "r1" }, t0);
    const live: LiveMessages = { runError: null, errors: [{ ordernumber: 5, code: "UNEXPECTED", message: "the live reason", stage: "vat-mapper" }] };
    const { body } = alertText("shop.example", dueAlerts(l, 1), 1, live);
    assert.match(body, /Order 5: ORDER_INVALID \(vat-mapper, 1 runs since 2026-01-05\)\n {4}the live reason\n/);
  });

  it("prints only codes without live messages", () => {
    const l = ledgerWithFailures();
    recordRunFailure(l, { code: "CCV_AUTH" }, t0);
    recordRunFailure(l, { code: "CCV_AUTH" }, t0);
    const { subject, body } = alertText("shop.example", dueAlerts(l, 2), 2);
    assert.match(subject, /fetching orders fails, 3 not booked/);
    assert.match(body, /The last 2 runs could not fetch orders from CCV Shop shop\.example:\n {2}CCV_AUTH\n\n/);
    assert.doesNotMatch(body, /^ {4}\S/m, "no reason lines");
    assert.doesNotMatch(body, /undefined|null/);
  });

  it("prints the run error's live message when the current run failed with the code the ledger has", () => {
    const l = emptyLedger();
    recordRunFailure(l, { code: "CCV_AUTH" }, t0);
    const alerts = dueAlerts(l, 1);
    const same = alertText("shop.example", alerts, 1, { errors: [], runError: { code: "CCV_AUTH", message: "CCV Shop answered 401: the API key is not valid" } });
    assert.match(same.body, /\n {2}CCV_AUTH: CCV Shop answered 401: the API key is not valid\n/);
    const other = alertText("shop.example", alerts, 1, { errors: [], runError: { code: "CCV_NETWORK", message: "ECONNRESET" } });
    assert.match(other.body, /\n {2}CCV_AUTH\n/);
    assert.doesNotMatch(other.body, /ECONNRESET/);
  });
});
