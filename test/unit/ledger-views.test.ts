/**
 * What the Koppeling sidebar shows of the sync ledger (src/koppeling/ledger-views.ts): failed
 * documents and those whose outcome is unknown, and what is known of one order number.
 */
import assert from "node:assert/strict";
import { INTENT_SETTLE_MS, lookupOrder, needsAttention } from "../../src/koppeling/ledger-views";
import { type LedgerKey, type LedgerState, emptyLedger, foldBooked, ledgerKey, markBooked, markNothingToCredit, recordFailure, recordIntent, reviveLedger } from "../../src/koppeling/sync-ledger";

const t0 = new Date("2026-03-02T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

/** A document a run listed and did not book (due.ts notes these): due, or waiting. */
function notePending(l: LedgerState, key: LedgerKey, ordernumber: number, due = true): void {
  l.pending[key] = { ordernumber, created: t0.toISOString(), due };
}

describe("ledger views (the Koppeling sidebar)", () => {
  it("needs attention: failures last-failed first, with code, stage, attempts and times; outcome unknown apart; credits cannot be retried alone", () => {
    const l = emptyLedger();
    recordFailure(l, ledgerKey("order", 11), { ordernumber: 1011, stage: "ccv-orders-in", code: "CCV_INVALID_DOCUMENT", runId: "a" }, at(0));
    recordFailure(l, ledgerKey("order", 11), { ordernumber: 1011, stage: "ccv-orders-in", code: "CCV_INVALID_DOCUMENT", runId: "b" }, at(60_000));
    recordFailure(l, ledgerKey("credit", 900), { ordernumber: 1012, stage: "snelstart-invoice", code: "SNELSTART_BOE_0082", runId: "b" }, at(30_000));
    recordIntent(l, ledgerKey("order", 13), { factuurnummer: "20261013", type: "verkoopboeking" }, at(1000));
    recordFailure(l, ledgerKey("order", 13), { ordernumber: 1013, stage: "snelstart-invoice", code: "SNELSTART_UNKNOWN_OUTCOME", runId: "b", unknownOutcome: true }, at(2000));
    // A posting in progress (young intent, no failure) needs nothing yet; an old one left behind does.
    recordIntent(l, ledgerKey("order", 14), { factuurnummer: "20261014", type: "verkoopboeking" }, at(0));
    notePending(l, ledgerKey("order", 14), 1014);
    recordIntent(l, ledgerKey("order", 15), { factuurnummer: "20261015", type: "verkoopboeking" }, at(INTENT_SETTLE_MS + 50_000));

    const a = needsAttention(l, at(INTENT_SETTLE_MS + 60_000));
    assert.deepEqual(
      a.failed.map((f) => [f.key, f.ordernumber, f.code, f.stage, f.attempts, f.firstAt, f.lastAt, f.retry]),
      [
        ["order:11", 1011, "CCV_INVALID_DOCUMENT", "ccv-orders-in", 2, at(0).toISOString(), at(60_000).toISOString(), true],
        ["credit:900", 1012, "SNELSTART_BOE_0082", "snelstart-invoice", 1, at(30_000).toISOString(), at(30_000).toISOString(), false],
      ],
    );
    assert.deepEqual(
      a.unknown.map((u) => [u.key, u.ordernumber, u.code, u.factuurnummer, u.unknownOutcome]),
      [
        ["order:14", 1014, null, "20261014", true],
        ["order:13", 1013, "SNELSTART_UNKNOWN_OUTCOME", "20261013", true],
      ],
    );
    assert.deepEqual([a.failedTotal, a.unknownTotal], [2, 2]);
    // Nothing but numbers, codes, stages and times.
    assert.deepEqual(Object.keys(a.failed[0]).sort(), ["attempts", "code", "factuurnummer", "firstAt", "id", "key", "kind", "lastAt", "ordernumber", "retry", "stage", "unknownOutcome"]);

    const limited = needsAttention(l, at(INTENT_SETTLE_MS + 60_000), 1);
    assert.deepEqual([limited.failed.length, limited.failedTotal, limited.unknown.length, limited.unknownTotal], [1, 2, 1, 2]);
  });

  it("an order by number: booked (invoice number, SnelStart id, when), its credit note, a failure, waiting, or nothing known", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 21), { ordernumber: 2021, factuurnummer: "20262021", snelstartId: "ss-1", type: "verkoopboeking", adopted: false }, at(0));
    markBooked(l, ledgerKey("cancel", 21), { ordernumber: 2021, factuurnummer: "C20262021", snelstartId: "ss-2", type: "verkoopboeking", adopted: true }, at(1000));
    recordFailure(l, ledgerKey("order", 22), { ordernumber: 2022, stage: "vat-mapper", code: "VAT_UNMAPPED_RATE", runId: "a" }, at(0));
    notePending(l, ledgerKey("order", 22), 2022);
    notePending(l, ledgerKey("order", 23), 2023, false);

    const booked = lookupOrder(l, 2021, at(5000));
    assert.deepEqual(
      booked.booked.map((b) => [b.key, b.kind, b.id, b.factuurnummer, b.snelstartId, b.at, b.adopted, b.folded]),
      [
        ["order:21", "order", 21, "20262021", "ss-1", at(0).toISOString(), false, false],
        ["cancel:21", "cancel", 21, "C20262021", "ss-2", at(1000).toISOString(), true, false],
      ],
    );
    assert.deepEqual([booked.failed, booked.unknown, booked.pending], [[], [], []]);

    const failed = lookupOrder(l, 2022, at(5000));
    assert.deepEqual(failed.failed.map((f) => [f.key, f.code]), [["order:22", "VAT_UNMAPPED_RATE"]]);
    assert.deepEqual(failed.pending, [], "a failed order is listed as failed, not again as pending");

    const waiting = lookupOrder(l, 2023, at(5000));
    assert.deepEqual(waiting.pending.map((p) => [p.key, p.due]), [["order:23", false]]);

    const unseen = lookupOrder(l, 9999, at(5000));
    assert.deepEqual([unseen.ordernumber, unseen.booked, unseen.failed, unseen.unknown, unseen.pending], [9999, [], [], [], []]);
  });

  it("an order by number: the amount booked (a credit note's negative), none for an entry written before amounts were kept, or nothing to credit", () => {
    const l = reviveLedger({
      // As a ledger written before the amount was kept holds it.
      booked: { "order:41": { ordernumber: 4041, factuurnummer: "20264041", snelstartId: "ss-old", type: "verkoopboeking", at: at(0).toISOString(), adopted: false } },
    });
    markBooked(l, ledgerKey("order", 42), { ordernumber: 4042, factuurnummer: "20264042", snelstartId: "ss-1", type: "verkoopboeking", adopted: false, amountCents: 3025 }, at(0));
    markBooked(l, ledgerKey("cancel", 42), { ordernumber: 4042, factuurnummer: "C20264042", snelstartId: "ss-2", type: "verkoopboeking", adopted: false, amountCents: -3025 }, at(1000));
    markNothingToCredit(l, 43, 4043, at(0));

    assert.deepEqual(lookupOrder(l, 4041, at(5000)).booked.map((b) => [b.factuurnummer, b.amountCents]), [["20264041", null]]);
    assert.deepEqual(lookupOrder(l, 4042, at(5000)).booked.map((b) => [b.factuurnummer, b.amountCents]), [["20264042", 3025], ["C20264042", -3025]]);
    assert.deepEqual(lookupOrder(l, 4043, at(5000)).booked.map((b) => [b.type, b.amountCents]), [["none", null]]);
    // Folding keeps the number only.
    assert.equal(foldBooked(l, at(2000), ["order:42"]), 1);
    assert.deepEqual(lookupOrder(l, 4042, at(5000)).booked.map((b) => [b.factuurnummer, b.folded, b.amountCents]), [["20264042", true, null], ["C20264042", false, -3025]]);
  });

  it("a folded booking is found by its number, with its invoice number only", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 31), { ordernumber: 3031, factuurnummer: "20253031", snelstartId: "ss-9", type: "verkoopboeking", adopted: false }, at(0));
    assert.equal(foldBooked(l, at(1000)), 1);
    const r = lookupOrder(l, 3031, at(2000));
    assert.deepEqual(
      r.booked.map((b) => [b.key, b.id, b.factuurnummer, b.snelstartId, b.folded]),
      [["order:folded:3031", null, "20253031", "", true]],
    );
  });
});
