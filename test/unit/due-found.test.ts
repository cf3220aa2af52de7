/**
 * What a run makes of each document it lists or re-reads (src/koppeling/due.ts, second half):
 * the order listings of a plan, orderFound / cancellationFound / creditInvoiceFound (due or not,
 * the pending state noted in the same ledger change), a re-read that failed, a retry's forgotten
 * failures, and the rules across one run's documents (RunSightings).
 */
import assert from "node:assert/strict";
import type { Checked } from "../../src/ccv/check";
import type { CcvInvoice, CcvInvoiceHead, CcvOrder, CcvOrderHead } from "../../src/ccv/schemas";
import { KoppelingError } from "../../src/errors";
import {
  type DueDocument,
  type DueSettings,
  RunSightings,
  cancellationFound,
  creditInvoiceFound,
  dueKey,
  dueSettings,
  forgetFailures,
  orderFound,
  orderListings,
  planRun,
  recheckFailed,
} from "../../src/koppeling/due";
import { type LedgerState, emptyLedger, ledgerKey, markBooked, recordFailure } from "../../src/koppeling/sync-ledger";
import { ledgerKeyOf } from "../../src/nodes/shared";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-06-15T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
const ago = (days: number) => iso(NOW.getTime() - days * DAY);

function settings(over: Partial<DueSettings> = {}): DueSettings {
  return { ...dueSettings({ since: "2026-01-01" }), ...over };
}

function orderHead(over: Partial<CcvOrderHead> = {}): CcvOrderHead {
  return { id: 7, ordernumber: 107, create_date: ago(1), status: 4, is_completed: true, paid: true, ...over } as CcvOrderHead;
}

function invoiceHead(over: Partial<CcvInvoiceHead> = {}): CcvInvoiceHead {
  return { id: 501, type: "credit", ordernumber: 107, create_date: ago(1), ...over } as CcvInvoiceHead;
}

/** A document that fits the schema (only its head matters to these rules). */
const fits = <T>(head: object): Checked<T, never> => ({ ok: true, value: head as T });
/** A document that does not fit the schema: what could be read of it, and why. */
const broken = <H>(id: number | null, head: H | null): Checked<never, H> => ({ ok: false, id, head, error: new KoppelingError("CCV_INVALID_DOCUMENT", `document ${id} does not fit`) });

const order = (over: Partial<CcvOrderHead> = {}) => fits<CcvOrder>(orderHead(over)) as Checked<CcvOrder, CcvOrderHead>;
const invoice = (over: Partial<CcvInvoiceHead> = {}) => fits<CcvInvoice>(invoiceHead(over)) as Checked<CcvInvoice, CcvInvoiceHead>;

/** A ledger whose first run was 30 days ago. */
function ledger(): LedgerState {
  const l = emptyLedger();
  l.runs = { ...l.runs, firstRunAt: ago(30) };
  return l;
}

function book(l: LedgerState, id: number, ordernumber: number, factuurnummer: string): void {
  markBooked(l, ledgerKey("order", id), { ordernumber, factuurnummer, snelstartId: `s-${factuurnummer}`, type: "verkoopboeking", adopted: false }, new Date(NOW.getTime() - 2 * DAY));
}

describe("due: the ledger key of a due document", () => {
  it("order, cancellation and credit invoice have their own key; the message's key (ledgerKeyOf) is the same rule", () => {
    assert.deepEqual([dueKey("order", 7), dueKey("cancellation", 7), dueKey("credit-invoice", 501)], ["order:7", "cancel:7", "credit:501"]);
    for (const kind of ["order", "cancellation", "credit-invoice"] as const) {
      assert.equal(ledgerKeyOf({ configId: "c", shopId: "s", orderId: 9, ordernumber: 1, kind }), dueKey(kind, 9));
    }
  });
});

describe("due: orderListings", () => {
  it("a full sweep lists from the plan's start, one listing per status query, each moving the marks", () => {
    const plan = planRun(emptyLedger(), settings({ statuses: [1, 4] }), NOW);
    assert.deepEqual(orderListings(plan, settings({ statuses: [1, 4] })), [
      { query: { status: 1, is_paid: undefined, min_create_date: plan.ordersFrom }, marks: true },
      { query: { status: 4, is_paid: undefined, min_create_date: plan.ordersFrom }, marks: true },
    ]);
    const all = orderListings(plan, settings());
    assert.deepEqual(all, [{ query: { status: undefined, is_paid: undefined, min_create_date: plan.ordersFrom }, marks: true }], "most statuses: one query for all");
  });

  it("a plan that lists back to the oldest pending order adds that listing after the new orders: paid only when paid orders are required; it moves no mark", () => {
    const base = planRun(emptyLedger(), settings(), NOW);
    const plan = { ...base, full: false, ordersFrom: ago(3), recheckFrom: ago(40) };
    assert.deepEqual(orderListings(plan, settings({ statuses: [4] })), [
      { query: { status: 4, is_paid: undefined, min_create_date: ago(3) }, marks: true },
      { query: { status: 4, is_paid: true, min_create_date: ago(40) }, marks: false },
    ]);
    assert.equal(orderListings(plan, settings({ statuses: [4], paidOnly: false }))[1].query.is_paid, undefined);
  });
});

describe("due: orderFound", () => {
  const start = "2025-12-31T23:00:00Z";

  it("a due order: the document, under its order key, noted pending as due in the same change", () => {
    const l = ledger();
    const d = orderFound(order(), 7, settings(), l, start, NOW, false) as DueDocument;
    assert.deepEqual([d.kind, d.key, d.id, d.ordernumber], ["order", "order:7", 7, 107]);
    assert.ok("order" in d.doc);
    assert.deepEqual(l.pending["order:7"], { ordernumber: 107, created: ago(1), due: true });
  });

  it("an unpaid order is not due and is noted as waiting; a booked one is not due and no longer pending", () => {
    const l = ledger();
    assert.equal(orderFound(order({ paid: false }), 7, settings(), l, start, NOW, false), null);
    assert.deepEqual(l.pending["order:7"], { ordernumber: 107, created: ago(1), due: false });
    book(l, 7, 107, "2026107");
    assert.equal(orderFound(order(), 7, settings(), l, start, NOW, false), null);
    assert.equal(l.pending["order:7"], undefined);
  });

  it("a cancelled booked order: its cancellation only when read by id (cancellations), with the original's number", () => {
    const l = ledger();
    book(l, 7, 107, "2026107");
    assert.equal(orderFound(order({ status: 8 }), 7, settings(), l, start, NOW, false), null, "listed: the cancellations come later");
    assert.ok(!("cancel:7" in l.pending));
    const d = orderFound(order({ status: 8 }), 7, settings(), l, start, NOW, true) as DueDocument;
    assert.deepEqual([d.kind, d.key, d.originalFactuurnummer, d.unconfirmed], ["cancellation", "cancel:7", "2026107", undefined]);
    assert.equal(l.pending["cancel:7"]?.due, true);
    assert.equal(orderFound(order({ status: 8 }), 7, settings({ credits: false }), ledger(), start, NOW, true), null, "credit notes off");
  });

  it("an order that does not fit the schema is due as its failure: judged by its head, or, without one, by its id alone", () => {
    const l = ledger();
    const judged = orderFound(broken(7, orderHead()), 7, settings(), l, start, NOW, false) as DueDocument;
    assert.ok("error" in judged.doc);
    assert.equal(judged.key, "order:7");
    assert.equal(l.pending["order:7"]?.due, true);
    assert.equal(orderFound(broken(7, orderHead({ paid: false })), 7, settings(), l, start, NOW, false), null, "an unpaid one waits like any");
    const headless = orderFound(broken(8, null), 8, settings(), l, start, NOW, false) as DueDocument;
    assert.deepEqual([headless.key, headless.ordernumber], ["order:8", null]);
    assert.equal(headless.doc && "error" in headless.doc ? headless.doc.error.code : null, "CCV_INVALID_DOCUMENT");
    assert.equal(l.pending["order:8"], undefined, "nothing to note without a head");
  });
});

describe("due: cancellationFound", () => {
  it("an unconfirmed cancellation (a kill left an intent, or the order is older than the ledger) says so; a settled one is not pending", () => {
    const l = ledger();
    const old = orderHead({ status: 8, create_date: ago(40) });
    const d = cancellationFound(fits<CcvOrder>(old) as Checked<CcvOrder, CcvOrderHead>, old, settings(), l, NOW) as DueDocument;
    assert.deepEqual([d.kind, d.unconfirmed, d.originalFactuurnummer], ["cancellation", true, undefined]);
    const young = orderHead({ id: 9, status: 8 });
    assert.equal(cancellationFound(fits<CcvOrder>(young) as Checked<CcvOrder, CcvOrderHead>, young, settings(), l, NOW), null, "younger than the ledger, no intent: never posted");
    assert.equal(l.pending["cancel:9"], undefined);
  });
});

describe("due: creditInvoiceFound", () => {
  it("a debit invoice does not matter; a credit invoice of an order not booked waits; of a booked order it is due with the original's number", () => {
    const l = ledger();
    assert.equal(creditInvoiceFound(invoice({ type: "debit" }), settings(), l, NOW), null);
    assert.deepEqual(Object.keys(l.pending), []);
    assert.equal(creditInvoiceFound(invoice(), settings(), l, NOW), null);
    assert.deepEqual(l.pending["credit:501"], { ordernumber: 107, created: ago(1), due: false });
    book(l, 7, 107, "2026107");
    const d = creditInvoiceFound(invoice(), settings(), l, NOW) as DueDocument;
    assert.deepEqual([d.kind, d.key, d.id, d.originalFactuurnummer], ["credit-invoice", "credit:501", 501, "2026107"]);
    assert.ok("invoice" in d.doc);
    assert.equal(l.pending["credit:501"]?.due, true);
  });

  it("an invoice without a readable head is nothing; one without a create date is noted as created now", () => {
    const l = ledger();
    assert.equal(creditInvoiceFound(broken<CcvInvoiceHead>(501, null), settings(), l, NOW), null);
    creditInvoiceFound(invoice({ create_date: null } as unknown as Partial<CcvInvoiceHead>), settings(), l, NOW);
    assert.equal(l.pending["credit:501"]?.created, NOW.toISOString());
  });
});

describe("due: a pending document that could not be re-read", () => {
  it("gone from the shop (CCV_NOT_FOUND): no longer pending, its failure forgotten", () => {
    const l = ledger();
    l.pending["order:7"] = { ordernumber: 107, created: ago(50), due: true };
    recordFailure(l, "order:7", { ordernumber: 107, stage: "snelstart-invoice", code: "X", runId: "r0" }, NOW);
    recheckFailed(l, "order:7", "CCV_NOT_FOUND", "r1", settings(), NOW, NOW);
    assert.equal(l.pending["order:7"], undefined);
    assert.equal(l.failed["order:7"], undefined);
  });

  it("any other failure fails it alone (under its order number) and it stays pending", () => {
    const l = ledger();
    l.pending["credit:501"] = { ordernumber: 107, created: ago(50), due: true };
    const at = new Date(NOW.getTime() + 5_000);
    recheckFailed(l, "credit:501", "CCV_INVALID_DOCUMENT", "r1", settings(), NOW, at);
    assert.deepEqual(l.pending["credit:501"], { ordernumber: 107, created: ago(50), due: true });
    const f = l.failed["credit:501"];
    assert.deepEqual([f?.code, f?.stage, f?.ordernumber, f?.lastRunId, f?.lastAt], ["CCV_INVALID_DOCUMENT", "ccv-orders-in", 107, "r1", at.toISOString()]);
  });
});

describe("due: a retry forgets the order's failures", () => {
  it("of the order and its cancellation, not of others", () => {
    const l = ledger();
    for (const key of ["order:7", "cancel:7", "order:8", "credit:7"] as const) recordFailure(l, key, { ordernumber: 107, stage: "s", code: "X", runId: "r", unknownOutcome: true }, NOW);
    forgetFailures(l, 7);
    assert.deepEqual(Object.keys(l.failed).sort(), ["credit:7", "order:8"]);
  });
});

describe("due: RunSightings (rules across one run's documents)", () => {
  const due = (kind: DueDocument["kind"], ordernumber: number | null): DueDocument => ({ kind, key: null, id: 1, ordernumber, doc: { error: new KoppelingError("CCV_INVALID_DOCUMENT", "x") } });

  it("an order is taken once per run, however many listings show it", () => {
    const seen = new RunSightings();
    assert.equal(seen.listed(7), false);
    assert.equal(seen.firstSight(7), true);
    assert.equal(seen.firstSight(7), false);
    assert.equal(seen.listed(7), true);
  });

  it("a credit invoice of an order found due in this run waits for it; others, debit invoices and unreadable ones do not", () => {
    const seen = new RunSightings();
    seen.due(due("order", 107));
    seen.due(due("order", null));
    seen.due(due("cancellation", 108));
    assert.equal(seen.waitsForOrder(invoiceHead({ ordernumber: 107 })), true);
    assert.equal(seen.waitsForOrder(invoiceHead({ ordernumber: 108 })), false);
    assert.equal(seen.waitsForOrder(invoiceHead({ ordernumber: 107, type: "debit" })), false);
    assert.equal(seen.waitsForOrder(null), false);
  });

  it("a credit invoice found due wins over its order's cancellation in the same run", () => {
    const seen = new RunSightings();
    seen.due(due("cancellation", 107));
    assert.equal(seen.creditedThisRun(107), false);
    seen.due(due("credit-invoice", 107));
    assert.equal(seen.creditedThisRun(107), true);
    assert.equal(seen.creditedThisRun(108), false);
  });
});
