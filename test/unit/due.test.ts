/**
 * The "what is due" rules (src/koppeling/due.ts): the settings, the run plan (full sweep or
 * routine run, listing bounds with a day's overlap, pending documents read by id or by listing
 * back, expiry past the horizon), the verdicts on orders, credit invoices and cancellations, the
 * pending notes, and the high-water marks.
 */
import assert from "node:assert/strict";
import type { CcvInvoiceHead, CcvOrderHead } from "../../src/ccv/schemas";
import {
  CANCELLED,
  DEFAULT_HORIZON_DAYS,
  DEFAULT_SWEEP_DAYS,
  type DueSettings,
  ListingMarks,
  type RunPlan,
  advanceMarks,
  cancellationDue,
  creditInvoiceFound,
  creditInvoiceVerdict,
  dueSettings,
  effectiveStart,
  notePending,
  orderQualifies,
  orderVerdict,
  parseDays,
  parseStatuses,
  planRun,
  startOf,
  statusQueries,
} from "../../src/koppeling/due";
import { type BookedEntry, type LedgerState, type PendingEntry, emptyLedger, ledgerKey, markBooked, recordFailure, recordIntent, relatieOf, rememberRelatie } from "../../src/koppeling/sync-ledger";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-06-15T10:00:00Z");
/** 2026-01-01 00:00 in Amsterdam (winter time: UTC+1). */
const START = "2025-12-31T23:00:00Z";
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
const ago = (days: number, from = NOW) => iso(from.getTime() - days * DAY);
const minusDay = (at: string) => iso(Date.parse(at) - DAY);

function settings(over: Partial<DueSettings> = {}): DueSettings {
  return { ...dueSettings({ since: "2026-01-01" }), ...over };
}

/** A ledger whose first run and last full sweep were a day ago, with high-water marks. */
function routineLedger(marks: Partial<LedgerState["runs"]["marks"]> = {}): LedgerState {
  const l = emptyLedger();
  l.runs = {
    ...l.runs,
    firstRunAt: ago(30),
    marks: { orders: ago(2), invoices: ago(3), lastOrdernumber: 1000, fullSweepAt: ago(1), ...marks },
  };
  return l;
}

function pending(ordernumber: number | null, created: string, due = false): PendingEntry {
  return { ordernumber, created, due };
}

function booked(ordernumber: number | null, factuurnummer: string, type: BookedEntry["type"] = "verkoopboeking"): Omit<BookedEntry, "at"> {
  return { ordernumber, factuurnummer, snelstartId: `s-${factuurnummer}`, type, adopted: false };
}

function order(over: Partial<CcvOrderHead> = {}): CcvOrderHead {
  return { id: 7, ordernumber: 107, create_date: ago(1), status: 4, is_completed: true, paid: true, ...over } as CcvOrderHead;
}

function invoice(over: Partial<CcvInvoiceHead> = {}): CcvInvoiceHead {
  return { id: 501, type: "credit", ordernumber: 107, create_date: ago(1), ...over } as CcvInvoiceHead;
}

describe("due: settings", () => {
  it("parses statuses: a list or a comma string, 1-14 only, sorted and unique; none selected is all but cancelled", () => {
    assert.deepEqual(parseStatuses("4, 2,2,x,15,0"), [2, 4]);
    assert.deepEqual(parseStatuses([3, 1]), [1, 3]);
    const all = parseStatuses(undefined);
    assert.equal(all.length, 13);
    assert.ok(!all.includes(CANCELLED));
    assert.deepEqual(parseStatuses(""), all);
  });

  it("parses days: a positive whole number, else the fallback", () => {
    assert.equal(parseDays("30", 90), 30);
    assert.equal(parseDays(0, 90), 90);
    assert.equal(parseDays(-3, 90), 90);
    assert.equal(parseDays("1.5", 7), 7);
    assert.equal(parseDays(undefined, 7), 7);
  });

  it("dueSettings: defaults, the start date as Amsterdam midnight, one status query for many statuses", () => {
    const s = dueSettings({});
    assert.deepEqual([s.paidOnly, s.importExisting, s.credits, s.since], [true, true, true, null]);
    assert.deepEqual([s.horizonDays, s.sweepDays], [DEFAULT_HORIZON_DAYS, DEFAULT_SWEEP_DAYS]);
    assert.equal(dueSettings({ since: "2026-07-01" }).since, "2026-06-30T22:00:00Z");
    assert.equal(dueSettings({ since: "1 juli" }).since, null);
    assert.deepEqual(statusQueries(s), [undefined]);
    assert.deepEqual(statusQueries(dueSettings({ statuses: "2,4" })), [2, 4]);
  });

  it("startOf: the start date with historical import, else the later of it and the first run (from the start of its second)", () => {
    const l = emptyLedger();
    const first = new Date("2026-06-01T12:00:00.750Z");
    assert.equal(startOf(settings(), l, first), START);
    assert.equal(l.runs.firstRunAt, first.toISOString(), "the first call sets the first run");
    assert.equal(startOf(settings({ importExisting: false }), l, NOW), "2026-06-01T12:00:00.000Z");
    assert.equal(startOf(settings({ importExisting: false, since: "2026-06-10T22:00:00Z" }), l, NOW), "2026-06-10T22:00:00Z");
    assert.equal(startOf(settings({ importExisting: false, since: null }), l, NOW), "2026-06-01T12:00:00.000Z");
  });

  it("effectiveStart: the same bound from a given first run, without touching a ledger", () => {
    const first = "2026-06-01T12:00:00.750Z";
    assert.equal(effectiveStart(settings(), first), START);
    assert.equal(effectiveStart(settings({ importExisting: false }), first), "2026-06-01T12:00:00.000Z");
    assert.equal(effectiveStart(settings({ importExisting: false, since: "2026-06-10T22:00:00Z" }), first), "2026-06-10T22:00:00Z");
    assert.equal(effectiveStart(settings({ importExisting: true, since: null }), first), null);
  });
});

describe("due: planRun", () => {
  it("the first run is a full sweep from the start less a day", () => {
    const l = emptyLedger();
    const plan = planRun(l, settings(), NOW);
    assert.equal(plan.full, true);
    assert.equal(plan.start, START);
    assert.deepEqual([plan.ordersFrom, plan.invoicesFrom, plan.cancellationsFrom], [minusDay(START), minusDay(START), minusDay(START)]);
    assert.deepEqual(plan.recheck, []);
    assert.equal(l.runs.firstRunAt, NOW.toISOString());
  });

  it("the first run without a start date lists everything (no bounds)", () => {
    const plan = planRun(emptyLedger(), settings({ since: null }), NOW);
    assert.equal(plan.full, true);
    assert.equal(plan.start, null);
    assert.deepEqual([plan.ordersFrom, plan.invoicesFrom, plan.cancellationsFrom], [undefined, undefined, undefined]);
  });

  it("a routine run lists orders and invoices from their marks less a day, cancellations from the horizon less a day", () => {
    const l = routineLedger();
    const plan = planRun(l, settings(), NOW);
    assert.equal(plan.full, false);
    assert.equal(plan.ordersFrom, ago(3));
    assert.equal(plan.invoicesFrom, ago(4));
    assert.equal(plan.cancellationsFrom, ago(DEFAULT_HORIZON_DAYS + 1));
    assert.deepEqual(plan.recheck, []);
    assert.equal(planRun(routineLedger(), settings({ horizonDays: 10 }), NOW).cancellationsFrom, ago(11));
  });

  it("a routine run never lists from before the start: a mark or the horizon before it gives way to the start less a day", () => {
    const since = ago(20); // later than the horizon
    const l = routineLedger({ orders: ago(200), invoices: null });
    const plan = planRun(l, settings({ since }), NOW);
    assert.equal(plan.full, false);
    assert.deepEqual([plan.ordersFrom, plan.invoicesFrom, plan.cancellationsFrom], [ago(21), ago(21), ago(21)]);
  });

  it("a routine run without a start date and without marks lists orders and invoices whole, cancellations within the horizon", () => {
    const l = routineLedger({ orders: null, invoices: null });
    const plan = planRun(l, settings({ since: null }), NOW);
    assert.deepEqual([plan.full, plan.ordersFrom, plan.invoicesFrom, plan.cancellationsFrom], [false, undefined, undefined, ago(91)]);
  });

  it("a full sweep again when the last is sweepDays old, and when asked", () => {
    const s = settings({ sweepDays: 7 });
    assert.equal(planRun(routineLedger({ fullSweepAt: iso(NOW.getTime() - 7 * DAY + 1000) }), s, NOW).full, false);
    const due = planRun(routineLedger({ fullSweepAt: ago(7) }), s, NOW);
    assert.equal(due.full, true);
    assert.deepEqual([due.ordersFrom, due.invoicesFrom, due.cancellationsFrom], [minusDay(START), minusDay(START), minusDay(START)]);
    assert.equal(planRun(routineLedger({ fullSweepAt: ago(1) }), settings({ sweepDays: 1 }), NOW).full, true);
    const asked = planRun(routineLedger(), s, NOW, { full: true });
    assert.equal(asked.full, true);
    assert.equal(asked.ordersFrom, minusDay(START));
  });

  it("drops and counts the pending documents that only waited past the horizon; due ones never expire", () => {
    const l = routineLedger();
    l.pending = {
      "order:1": pending(901, ago(91)), // waiting, past the horizon
      "credit:2": pending(902, ago(120)), // waiting, past the horizon
      "order:3": pending(903, ago(89)), // waiting, within
      "order:4": pending(904, ago(400), true), // due (failing), old
      "cancel:5": pending(905, ago(200), true),
    };
    const plan = planRun(l, settings(), NOW);
    assert.equal(plan.expired, 2);
    assert.deepEqual(Object.keys(l.pending).sort(), ["cancel:5", "order:3", "order:4"]);
    // A full sweep drops them as well.
    const f = routineLedger();
    f.pending = { "order:1": pending(901, ago(91)), "order:4": pending(904, ago(400), true) };
    const full = planRun(f, settings(), NOW, { full: true });
    assert.equal(full.expired, 1);
    assert.deepEqual(Object.keys(f.pending), ["order:4"]);
  });

  it("re-reads a few pending orders older than the orders listing by id; the ones it lists anyway are not re-read", () => {
    const l = routineLedger({ lastOrdernumber: 5000 });
    l.pending = {
      "order:10": pending(100, ago(60)),
      "order:11": pending(4990, ago(10), true),
      "order:12": pending(4999, ago(1)), // within the listing (from 3 days ago)
    };
    const plan = planRun(l, settings(), NOW);
    assert.deepEqual([plan.ordersFrom, plan.recheckFrom], [ago(3), undefined], "no listing reaches back: 50 pages cost more than 2 reads");
    assert.deepEqual(
      plan.recheck.map((r) => [r.key, r.id]).sort(),
      [
        ["order:10", 10],
        ["order:11", 11],
      ],
    );
  });

  it("lists back to the oldest pending order instead when that costs fewer pages than reads", () => {
    const l = routineLedger({ lastOrdernumber: 1000 });
    // 3 pending orders, numbers 901-1000 back: one page of one query (all statuses) < 3 reads.
    l.pending = {
      "order:1": pending(901, ago(30)),
      "order:2": pending(950, ago(20)),
      "order:3": pending(990, ago(10), true),
    };
    const plan = planRun(l, settings(), NOW);
    assert.deepEqual([plan.ordersFrom, plan.recheckFrom], [ago(3), ago(31)], "new orders as always; paid ones from the oldest pending order less a day");
    assert.deepEqual(plan.recheck, []);
  });

  it("counts a page per selected status query: (last − oldest + 1) / 100 pages × queries", () => {
    const mk = (n: number) => {
      const l = routineLedger({ lastOrdernumber: 1000 });
      for (let i = 0; i < n; i++) l.pending[`order:${i + 1}`] = pending(801 + i, ago(30 - i));
      return l;
    };
    // 200 numbers back = 2 pages per query.
    const two = settings({ statuses: [2, 4] }); // 2 queries: 4 pages
    assert.equal(planRun(mk(4), two, NOW).recheck.length, 4, "4 pages are not fewer than 4 reads");
    const five = planRun(mk(5), two, NOW);
    assert.deepEqual([five.recheck.length, five.recheckFrom], [0, ago(31)], "4 pages are fewer than 5 reads");
    const all = settings(); // one query for all statuses: 2 pages
    assert.equal(planRun(mk(2), all, NOW).recheck.length, 2);
    assert.deepEqual(planRun(mk(3), all, NOW).recheck, []);
    // 201 numbers back is 3 pages.
    const l = mk(3);
    l.pending["order:1"] = pending(800, ago(30));
    assert.equal(planRun(l, all, NOW).recheck.length, 3);
  });

  it("re-reads pending orders by id when one has no number or the highest number is unknown", () => {
    const l = routineLedger({ lastOrdernumber: 1000 });
    l.pending = { "order:1": pending(990, ago(30)), "order:2": pending(991, ago(30)), "order:3": pending(null, ago(30)) };
    assert.equal(planRun(l, settings(), NOW).recheck.length, 3);
    const m = routineLedger({ lastOrdernumber: null });
    m.pending = { "order:1": pending(990, ago(30)), "order:2": pending(991, ago(30)) };
    assert.equal(planRun(m, settings(), NOW).recheck.length, 2);
  });

  it("re-reads pending credit invoices and cancellations outside their listings by id; a credit whose order is still not booked costs nothing", () => {
    const l = routineLedger({ invoices: ago(3) }); // invoices listed from 4 days ago, cancellations from 91
    markBooked(l, "order:7000", { ordernumber: 700, factuurnummer: "700", snelstartId: "b700", type: "verkoopboeking", adopted: false }, NOW);
    l.pending = {
      "credit:21": pending(700, ago(10)), // before the invoices listing; its order is booked now
      "credit:22": pending(701, ago(2)), // listed anyway
      "credit:23": pending(705, ago(10)), // waits for order 705, which the ledger does not hold: nothing can have changed
      "credit:24": pending(706, ago(10), true), // was due (its booking failed): read again
      "cancel:31": pending(702, ago(120), true), // before the cancellations listing
      "cancel:32": pending(703, ago(60), true), // listed anyway
      "junk:1": pending(1, ago(200), true),
    };
    const plan: RunPlan = planRun(l, settings(), NOW);
    assert.deepEqual(plan.recheck.map((r) => r.key).sort(), ["cancel:31", "credit:21", "credit:24"]);
    assert.deepEqual(
      plan.recheck.map((r) => r.id).sort((a, b) => a - b),
      [21, 24, 31],
    );
  });
});

describe("due: orderVerdict", () => {
  const s = settings({ statuses: [4, 5] });
  const start = START;

  it("booked when the ledger has it, whatever CCV says now", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    assert.equal(orderVerdict(order({ status: CANCELLED, paid: false }), l, s, start), "booked");
  });

  it("never when cancelled before it was booked, or created before the start", () => {
    const l = emptyLedger();
    assert.equal(orderVerdict(order({ status: CANCELLED }), l, s, start), "never");
    assert.equal(orderVerdict(order({ create_date: "2025-12-31T22:59:59Z" }), l, s, start), "never");
    assert.equal(orderVerdict(order({ create_date: START }), l, s, start), "due", "the start itself is in");
    assert.equal(orderVerdict(order({ create_date: "2020-01-01T00:00:00Z" }), l, s, null), "due", "no start: no lower bound");
  });

  it("waiting when the checkout is not completed, the status is not selected, or it is unpaid and paidOnly", () => {
    const l = emptyLedger();
    assert.equal(orderVerdict(order({ is_completed: false }), l, s, start), "waiting");
    assert.equal(orderVerdict(order({ ordernumber: null }), l, s, start), "waiting");
    assert.equal(orderVerdict(order({ status: null }), l, s, start), "waiting");
    assert.equal(orderVerdict(order({ status: 2 }), l, s, start), "waiting");
    assert.equal(orderVerdict(order({ paid: false }), l, s, start), "waiting");
    assert.equal(orderVerdict(order({ paid: false }), l, { ...s, paidOnly: false }, start), "due");
  });

  it("due when completed, paid, in a selected status, after the start and not booked", () => {
    assert.equal(orderVerdict(order(), emptyLedger(), s, start), "due");
    assert.equal(orderVerdict(order({ status: 5, is_completed: null }), emptyLedger(), s, start), "due");
  });

  it("orderQualifies: the same rules without the ledger (a booked order is judged by what CCV says now)", () => {
    const cases: Array<[Partial<CcvOrderHead>, string]> = [
      [{}, "due"],
      [{ status: CANCELLED }, "never"],
      [{ create_date: "2025-12-31T22:59:59Z" }, "never"],
      [{ is_completed: false }, "waiting"],
      [{ status: 2 }, "waiting"],
      [{ paid: false }, "waiting"],
    ];
    const l = emptyLedger();
    for (const [over, verdict] of cases) {
      assert.equal(orderQualifies(order(over), s, start), verdict, JSON.stringify(over));
      assert.equal(orderVerdict(order(over), l, s, start), verdict, "orderVerdict agrees when nothing is booked");
    }
    markBooked(l, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    assert.equal(orderQualifies(order({ paid: false }), s, start), "waiting", "the ledger plays no part");
  });
});

describe("due: creditInvoiceVerdict", () => {
  it("a debit invoice, or one without an order number, does not matter", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    assert.equal(creditInvoiceVerdict(invoice({ type: "debit" }), l), null);
    assert.equal(creditInvoiceVerdict(invoice({ ordernumber: null }), l), null);
  });

  it("waiting while its order is not booked", () => {
    assert.equal(creditInvoiceVerdict(invoice(), emptyLedger()), "waiting");
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 8), booked(108, "2026108"), NOW);
    assert.equal(creditInvoiceVerdict(invoice(), l), "waiting", "another order's booking does not count");
  });

  it("due with the original's invoice number; two credit invoices of one order are both due; a booked one is settled", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    assert.deepEqual(creditInvoiceVerdict(invoice({ id: 501 }), l), { due: "2026107" });
    assert.deepEqual(creditInvoiceVerdict(invoice({ id: 502 }), l), { due: "2026107" });
    markBooked(l, ledgerKey("credit", 501), booked(107, "C2026107-501"), NOW);
    assert.equal(creditInvoiceVerdict(invoice({ id: 501 }), l), "settled");
    assert.deepEqual(creditInvoiceVerdict(invoice({ id: 502 }), l), { due: "2026107" }, "a partial credit does not settle the other");
  });

  it("due with its order's create_date when the ledger keeps it, which the due document carries", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 7), { ...booked(107, "2026107"), created: "2021-06-28T02:08:43Z" }, NOW);
    assert.deepEqual(creditInvoiceVerdict(invoice({ id: 501 }), l), { due: "2026107", created: "2021-06-28T02:08:43Z" });
    const d = creditInvoiceFound({ ok: true, value: invoice({ id: 501 }) } as unknown as Parameters<typeof creditInvoiceFound>[0], settings(), l, NOW);
    assert.deepEqual([d?.originalFactuurnummer, d?.originalCreated], ["2026107", "2021-06-28T02:08:43Z"]);
  });

  it("settled when the order's cancellation credited it; not when the cancellation had nothing to credit", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    markBooked(l, ledgerKey("cancel", 9), booked(107, "", "none"), NOW);
    assert.deepEqual(creditInvoiceVerdict(invoice(), l), { due: "2026107" });
    markBooked(l, ledgerKey("cancel", 7), booked(107, "C2026107"), NOW);
    assert.equal(creditInvoiceVerdict(invoice(), l), "settled");
  });
});

describe("due: cancellationDue", () => {
  const s = settings();
  const cancelled = (over: Partial<CcvOrderHead> = {}) => order({ status: CANCELLED, ...over });

  it("only for a cancelled order with a number", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    assert.equal(cancellationDue(order({ status: 4 }), l, s), null);
    assert.equal(cancellationDue(cancelled({ ordernumber: null }), l, s), null);
  });

  it("due, confirmed, for a booked order, with the original's invoice number", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    assert.deepEqual(cancellationDue(cancelled(), l, s), { original: "2026107", unconfirmed: false });
  });

  it("null once the cancellation is booked, or when a CCV credit invoice credited the order", () => {
    const l = emptyLedger();
    markBooked(l, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    markBooked(l, ledgerKey("credit", 501), booked(107, "C2026107-501"), NOW);
    assert.equal(cancellationDue(cancelled(), l, s), null);
    const m = emptyLedger();
    markBooked(m, ledgerKey("order", 7), booked(107, "2026107"), NOW);
    markBooked(m, ledgerKey("cancel", 7), booked(107, "C2026107"), NOW);
    assert.equal(cancellationDue(cancelled(), m, s), null);
  });

  it("unconfirmed when a kill left an intent for the order", () => {
    const l = emptyLedger();
    l.runs = { ...l.runs, firstRunAt: ago(30) };
    recordIntent(l, ledgerKey("order", 7), { factuurnummer: "2026107", type: "verkoopboeking" }, NOW);
    assert.deepEqual(cancellationDue(cancelled({ create_date: ago(1), paid: false }), l, s), { original: "2026107", unconfirmed: true });
  });

  it("unconfirmed for an order older than the ledger that was paid (or paid is not required); null when unpaid and paidOnly", () => {
    const l = emptyLedger();
    l.runs = { ...l.runs, firstRunAt: ago(30) };
    assert.deepEqual(cancellationDue(cancelled({ create_date: ago(31), paid: true }), l, s), { original: undefined, unconfirmed: true });
    assert.equal(cancellationDue(cancelled({ create_date: ago(31), paid: false }), l, s), null);
    assert.deepEqual(cancellationDue(cancelled({ create_date: ago(31), paid: false }), l, { ...s, paidOnly: false }), { original: undefined, unconfirmed: true });
  });

  it("null for an order younger than the ledger without an intent (it was never posted), and without a first run", () => {
    const l = emptyLedger();
    l.runs = { ...l.runs, firstRunAt: ago(30) };
    assert.equal(cancellationDue(cancelled({ create_date: ago(29), paid: true }), l, s), null);
    assert.equal(cancellationDue(cancelled({ create_date: ago(31), paid: true }), emptyLedger(), s), null);
  });
});

describe("due: notePending", () => {
  const s = settings({ horizonDays: 90 });
  const key = ledgerKey("order", 7);

  /** The ledger with its pending map wrapped so every write is counted. */
  function counted(l: LedgerState): { ledger: LedgerState; writes: string[] } {
    const writes: string[] = [];
    const target = l.pending;
    const ledger = {
      ...l,
      pending: new Proxy(target, {
        set(t, k, v) {
          writes.push(`set ${String(k)}`);
          return Reflect.set(t, k, v);
        },
        deleteProperty(t, k) {
          writes.push(`delete ${String(k)}`);
          return Reflect.deleteProperty(t, k);
        },
      }),
    };
    return { ledger, writes };
  }

  it("keeps a due document however old it is", () => {
    const l = emptyLedger();
    notePending(l, key, { ordernumber: 107, created: ago(400) }, "due", NOW, s);
    assert.deepEqual(l.pending[key], { ordernumber: 107, created: ago(400), due: true });
  });

  it("the relatie kept for a pending document stays through its re-checks and goes when it is booked or settled", () => {
    const l = emptyLedger();
    const relatie = { id: "r-1", hasVatNumber: false, country: "NL", oss: false, withVat: false };
    assert.equal(rememberRelatie(l, key, relatie), false, "not pending: nothing kept");
    assert.equal(relatieOf(l, key), null);
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "due", NOW, s);
    assert.equal(rememberRelatie(l, key, relatie), true);
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "waiting", NOW, s);
    assert.deepEqual(relatieOf(l, key), relatie);
    markBooked(l, key, { ordernumber: 107, factuurnummer: "2025107", snelstartId: "b", type: "verkoopboeking", adopted: false }, NOW);
    assert.equal(relatieOf(l, key), null);
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "due", NOW, s);
    rememberRelatie(l, key, relatie);
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "settled", NOW, s);
    assert.equal(relatieOf(l, key), null);
  });

  it("keeps a waiting document only within the horizon; past it, drops it", () => {
    const l = emptyLedger();
    notePending(l, key, { ordernumber: 107, created: ago(90) }, "waiting", NOW, s);
    assert.deepEqual(l.pending[key], { ordernumber: 107, created: ago(90), due: false });
    notePending(l, key, { ordernumber: 107, created: iso(NOW.getTime() - 90 * DAY - 1000) }, "waiting", NOW, s);
    assert.equal(key in l.pending, false);
    notePending(l, ledgerKey("order", 8), { ordernumber: 108, created: ago(91) }, "waiting", NOW, s);
    assert.deepEqual(l.pending, {});
  });

  it("a due document that turns waiting is kept as waiting; waiting past the horizon keeps its failure", () => {
    const l = emptyLedger();
    recordFailure(l, key, { ordernumber: 107, stage: "vat-mapper", code: "VAT_X", runId: "r1" }, NOW);
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "due", NOW, s);
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "waiting", NOW, s);
    assert.equal(l.pending[key]?.due, false);
    notePending(l, key, { ordernumber: 107, created: ago(100) }, "waiting", NOW, s);
    assert.equal(key in l.pending, false);
    assert.ok(l.failed[key], "only settling forgets the failure");
  });

  it("settled deletes the pending entry and clears the failure", () => {
    const l = emptyLedger();
    recordFailure(l, key, { ordernumber: 107, stage: "vat-mapper", code: "VAT_X", runId: "r1" }, NOW);
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "due", NOW, s);
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "settled", NOW, s);
    assert.equal(key in l.pending, false);
    assert.equal(key in l.failed, false);
  });

  it("writes nothing when nothing changed: the entry stays the same object", () => {
    const l = emptyLedger();
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "waiting", NOW, s);
    const entry = l.pending[key];
    const { ledger, writes } = counted(l);
    notePending(ledger, key, { ordernumber: 107, created: ago(10) }, "waiting", NOW, s);
    notePending(ledger, ledgerKey("order", 8), { ordernumber: 108, created: ago(10) }, "settled", NOW, s);
    notePending(ledger, ledgerKey("order", 9), { ordernumber: 109, created: ago(100) }, "waiting", NOW, s);
    assert.deepEqual(writes, []);
    assert.equal(l.pending[key], entry);
  });

  it("writes a changed entry once, as a new object", () => {
    const l = emptyLedger();
    notePending(l, key, { ordernumber: 107, created: ago(10) }, "waiting", NOW, s);
    const entry = l.pending[key];
    const { ledger, writes } = counted(l);
    notePending(ledger, key, { ordernumber: 107, created: ago(10) }, "due", NOW, s);
    assert.deepEqual(writes, [`set ${key}`]);
    assert.notEqual(l.pending[key], entry);
    assert.deepEqual(entry, { ordernumber: 107, created: ago(10), due: false }, "the old entry is replaced, not changed in place");
    // A document read again with another create date or number is noted afresh.
    notePending(ledger, key, { ordernumber: 107, created: ago(9) }, "due", NOW, s);
    notePending(ledger, key, { ordernumber: 1107, created: ago(9) }, "due", NOW, s);
    assert.deepEqual(l.pending[key], { ordernumber: 1107, created: ago(9), due: true });
    notePending(ledger, key, { ordernumber: 1107, created: ago(9) }, "settled", NOW, s);
    assert.deepEqual(writes, [`set ${key}`, `set ${key}`, `set ${key}`, `delete ${key}`]);
  });
});

describe("due: high-water marks", () => {
  const plan = (full: boolean): RunPlan => ({ full, start: null, ordersFrom: undefined, recheckFrom: undefined, invoicesFrom: undefined, cancellationsFrom: undefined, recheck: [], expired: 0 });

  it("ListingMarks keeps the latest create dates and the highest order number, never moving back", () => {
    const m = new ListingMarks();
    assert.deepEqual([m.orders, m.invoices, m.lastOrdernumber], [null, null, null]);
    m.order({ create_date: "2026-06-10T10:00:00Z", ordernumber: 50 });
    m.order({ create_date: "2026-06-12T10:00:00+02:00", ordernumber: 40 });
    m.order({ create_date: "2026-06-11T10:00:00Z", ordernumber: null });
    m.order({ create_date: "2026-06-12T09:00:00Z", ordernumber: 45 }); // later than 10:00+02:00 (08:00Z)
    m.order({ create_date: "2026-06-01T10:00:00Z", ordernumber: 30 });
    assert.equal(m.orders, "2026-06-12T09:00:00Z");
    assert.equal(m.lastOrdernumber, 50);
    m.invoice("2026-06-05T00:00:00Z");
    m.invoice("2026-06-04T00:00:00Z");
    assert.equal(m.invoices, "2026-06-05T00:00:00Z");
  });

  it("advanceMarks never moves a mark backwards and keeps a mark the run did not see", () => {
    const l = routineLedger({ orders: "2026-06-10T00:00:00Z", invoices: "2026-06-09T00:00:00Z", lastOrdernumber: 1000, fullSweepAt: ago(1) });
    const seen = new ListingMarks();
    seen.order({ create_date: "2026-06-08T00:00:00Z", ordernumber: 900 });
    const marks = advanceMarks(l, plan(false), seen, NOW);
    assert.deepEqual(marks, { orders: "2026-06-10T00:00:00Z", invoices: "2026-06-09T00:00:00Z", lastOrdernumber: 1000, fullSweepAt: ago(1) });
    assert.deepEqual(l.runs.marks, marks);

    const later = new ListingMarks();
    later.order({ create_date: "2026-06-14T00:00:00Z", ordernumber: 1010 });
    later.invoice("2026-06-13T00:00:00Z");
    assert.deepEqual(advanceMarks(l, plan(false), later, NOW), { orders: "2026-06-14T00:00:00Z", invoices: "2026-06-13T00:00:00Z", lastOrdernumber: 1010, fullSweepAt: ago(1) });
    assert.equal(advanceMarks(l, plan(false), new ListingMarks(), NOW).lastOrdernumber, 1010);
  });

  it("advanceMarks sets the marks of a first run, and the full sweep's moment only on a full plan", () => {
    const l = emptyLedger();
    const runsBefore = l.runs;
    const seen = new ListingMarks();
    seen.order({ create_date: "2026-06-14T00:00:00Z", ordernumber: 7 });
    assert.deepEqual(advanceMarks(l, plan(true), seen, NOW), { orders: "2026-06-14T00:00:00Z", invoices: null, lastOrdernumber: 7, fullSweepAt: NOW.toISOString() });
    assert.notEqual(l.runs, runsBefore, "runs is replaced, not changed in place (the store journals it whole)");
    const next = new Date(NOW.getTime() + DAY);
    assert.equal(advanceMarks(l, plan(false), new ListingMarks(), next).fullSweepAt, NOW.toISOString());
    assert.equal(advanceMarks(l, plan(true), new ListingMarks(), next).fullSweepAt, next.toISOString());
  });

  it("a routine run after a full sweep that saw nothing stays routine and lists from the start", () => {
    const l = emptyLedger();
    const first = planRun(l, settings(), NOW);
    advanceMarks(l, first, new ListingMarks(), NOW);
    const next = planRun(l, settings(), new Date(NOW.getTime() + DAY));
    assert.equal(next.full, false);
    assert.equal(next.ordersFrom, minusDay(START));
  });
});
