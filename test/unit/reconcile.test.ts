/** Reconciliation (src/koppeling/reconcile.ts): the shop's due documents against SnelStart's verkoopfacturen. */
import assert from "node:assert/strict";
import { followsNumbering } from "../../src/koppeling/invoice-number";
import {
  type HeldInvoice,
  type ReconcileInput,
  type ShopCancellation,
  type ShopDocument,
  cancellationsToCheck,
  lookupsNeeded,
  reconcile,
  reconciliationCsv,
} from "../../src/koppeling/reconcile";

const ours = (nr: string) => /^(C)?2025\d+(-\d+)?$/.test(nr);
const invoice = (ordernumber: number, amountCents: number): ShopDocument => ({ kind: "invoice", factuurnummer: `2025${ordernumber}`, ordernumber, amountCents });
const held = (factuurnummer: string, amountCents: number, snelstartId = `id-${factuurnummer}`): HeldInvoice => ({ factuurnummer, amountCents, snelstartId });
const input = (p: Partial<ReconcileInput>): ReconcileInput => ({ shop: [], cancelled: [], held: [], isOurs: ours, ...p });

describe("unit: reconciliation", () => {
  it("sorts every document into one finding", () => {
    const r = reconcile(
      input({
        shop: [invoice(1, 12100), invoice(2, 5000), invoice(3, 999), { kind: "credit", factuurnummer: "C20254-7", ordernumber: 4, amountCents: -500 }],
        cancelled: [{ ordernumber: 5, factuurnummer: "20255", creditFactuurnummer: "C20255" }],
        held: [held("20251", 12100), held("20253", 1000), held("20255", 2000), held("20259", 700), held("F-OWN-1", 100)],
      }),
    );
    const byNumber = Object.fromEntries(r.lines.map((l) => [l.factuurnummer, l.finding]));
    assert.deepEqual(byNumber, {
      "20251": "equal",
      "20252": "missing",
      "20253": "amount-differs",
      "C20254-7": "credit-missing",
      "20255": "cancelled-in-shop",
      "20259": "not-in-shop",
    });
    assert.deepEqual(r.counts, { equal: 1, missing: 1, "amount-differs": 1, "cancelled-in-shop": 1, "credit-missing": 1, "not-in-shop": 1, duplicate: 0 });
    const differs = r.lines.find((l) => l.factuurnummer === "20253");
    assert.deepEqual([differs?.shopCents, differs?.snelstartCents, differs?.snelstartId], [999, 1000, "id-20253"]);
  });

  it("a cancelled order with its credit note in SnelStart is settled; a credit of another amount differs", () => {
    const settled = reconcile(input({ cancelled: [{ ordernumber: 6, factuurnummer: "20256", creditFactuurnummer: "C20256" }], held: [held("20256", 2500), held("C20256", -2500)] }));
    assert.deepEqual(settled.lines.map((l) => [l.factuurnummer, l.finding]), [["20256", "equal"], ["C20256", "equal"]]);
    const off = reconcile(input({ cancelled: [{ ordernumber: 6, factuurnummer: "20256", creditFactuurnummer: "C20256" }], held: [held("20256", 2500), held("C20256", -2400)] }));
    assert.deepEqual(off.lines.map((l) => [l.factuurnummer, l.finding, l.shopCents]), [["20256", "equal", 2500], ["C20256", "amount-differs", -2500]]);
  });

  it("a cancelled order never booked needs nothing; one number twice in SnelStart is a duplicate", () => {
    const r = reconcile(input({ shop: [invoice(7, 100)], cancelled: [{ ordernumber: 8, factuurnummer: "20258", creditFactuurnummer: "C20258" }], held: [held("20257", 100, "a"), held("20257", 100, "b")] }));
    assert.deepEqual(r.lines.map((l) => [l.factuurnummer, l.finding, l.snelstartId]), [["20257", "equal", "a"], ["20257", "duplicate", "b"]]);
  });

  it("writes CSV for a Dutch spreadsheet: semicolons, decimal commas, what needs a person first", () => {
    const r = reconcile(input({ shop: [invoice(1, 12100), invoice(3, 999)], held: [held("20251", 12100), held("20253", 1000), held('2025"9;x', 5)], isOurs: () => true }));
    const rows = reconciliationCsv(r).trimEnd().split("\r\n");
    assert.deepEqual(rows, [
      "finding;factuurnummer;ordernumber;shop;snelstart;difference;snelstart id;note",
      "amount-differs;20253;3;9,99;10,00;0,01;id-20253;",
      'not-in-shop;"2025""9;x";;;0,05;;"id-2025""9;x";',
      "equal;20251;1;121,00;121,00;0,00;id-20251;",
    ]);
  });
});

describe("unit: reconciliation across periods and credit routes", () => {
  const credit = (ordernumber: number, amountCents: number, suffix: number, over: Partial<ShopDocument> = {}): ShopDocument => ({
    kind: "credit",
    factuurnummer: `C2025${ordernumber}-${suffix}`,
    ordernumber,
    amountCents,
    original: `2025${ordernumber}`,
    coveredBy: `C2025${ordernumber}`,
    ...over,
  });
  const outside = (factuurnummer: string, amountCents: number, factuurdatum = "2025-04-02"): HeldInvoice => ({ ...held(factuurnummer, amountCents), factuurdatum });

  it("lookupsNeeded: what the shop expects and the period lacks, with what would settle it; nothing the period holds", () => {
    const want = lookupsNeeded({
      shop: [invoice(1, 100), invoice(2, 200), credit(3, -50, 7), credit(2, -20, 8)],
      cancelled: [
        { ordernumber: 4, factuurnummer: "20254", creditFactuurnummer: "C20254", creditInvoiceNumbers: ["C20254-9"] },
        { ordernumber: 5, factuurnummer: "20255", creditFactuurnummer: "C20255" },
      ],
      held: [held("20251", 100), held("20254", 400)],
    });
    // 20252: missing; C20253-7 with its original and the cancellation's credit; C20252-8 (its original is due: not looked up);
    // the cancelled 20254 (held) needs its credit notes; 20255 is not held: nothing to credit.
    assert.deepEqual(want, ["20252", "C20253-7", "20253", "C20253", "C20252-8", "C20252", "C20254", "C20254-9"]);
  });

  it("cancellationsToCheck: cancelled orders SnelStart holds with no credit note of the period", () => {
    const cancelled = [
      { ordernumber: 4, factuurnummer: "20254", creditFactuurnummer: "C20254" },
      { ordernumber: 5, factuurnummer: "20255", creditFactuurnummer: "C20255" },
      { ordernumber: 6, factuurnummer: "20256", creditFactuurnummer: "C20256" },
      { ordernumber: 7, factuurnummer: "20257", creditFactuurnummer: "C20257" },
    ];
    const list = cancellationsToCheck({ shop: [credit(6, -600, 1)], cancelled, held: [held("20254", 1), held("20255", 1), held("C20255", -1), held("20256", 600), held("C20256-1", -600)] });
    assert.deepEqual(list.map((c) => c.ordernumber), [4]);
  });

  it("a document dated outside the period settles what the shop expects, with a note, and is never not-in-shop", () => {
    const r = reconcile(input({ shop: [invoice(1, 100), invoice(2, 200)], held: [held("20251", 100)], found: [outside("20252", 250)] }));
    assert.deepEqual(
      r.lines.map((l) => [l.factuurnummer, l.finding, l.note]),
      [["20251", "equal", null], ["20252", "amount-differs", "dated 2025-04-02, outside the period"]],
    );
    assert.equal(r.counts["not-in-shop"], 0);
  });

  it("a cancelled order credited in another month (by its cancellation or a CCV credit invoice) is settled; without any credit it is cancelled-in-shop", () => {
    const cancel = (n: number, more: Partial<ShopCancellation> = {}): ShopCancellation => ({ ordernumber: n, factuurnummer: `2025${n}`, creditFactuurnummer: `C2025${n}`, amountCents: 900, ...more });
    const r = reconcile(
      input({
        cancelled: [cancel(1), cancel(2, { creditInvoiceNumbers: ["C20252-40"] }), cancel(3, { creditInvoiceNumbers: ["C20253-41"] }), cancel(4, { amountCents: 800 })],
        held: [held("20251", 900), held("20252", 900), held("20253", 900), held("20254", 900), held("C20254", -800)],
        found: [outside("C20251", -900), outside("C20252-40", -900)],
      }),
    );
    assert.deepEqual(
      r.lines.map((l) => [l.factuurnummer, l.finding, l.shopCents, l.note]),
      [
        ["20251", "equal", 900, null],
        ["C20251", "equal", -900, "dated 2025-04-02, outside the period"],
        ["20252", "equal", 900, "credited by C20252-40"],
        ["20253", "cancelled-in-shop", null, null],
        ["20254", "amount-differs", 800, null],
        ["C20254", "equal", -800, null],
      ],
    );
  });

  it("a CCV credit invoice: its own credit note, or the cancellation's that credits the whole order; none needed when the order was never booked", () => {
    const r = reconcile(
      input({
        shop: [invoice(5, 500), credit(1, -100, 1), credit(2, -200, 2), credit(3, -300, 3), credit(4, -400, 4), credit(5, -500, 5)],
        held: [held("C20251-1", -100), held("20252", 200), held("C20252", -200), held("20253", 300)],
      }),
    );
    assert.deepEqual(
      r.lines.map((l) => [l.factuurnummer, l.finding, l.snelstartId, l.note]),
      [
        ["20255", "missing", null, null],
        ["C20251-1", "equal", "id-C20251-1", null],
        ["C20252-2", "equal", "id-C20252", "credited in full by C20252"],
        ["C20253-3", "credit-missing", null, null],
        // C20254-4: order 4 is not in SnelStart and not due: nothing to credit, no line.
        ["C20255-5", "credit-missing", null, null],
        ["20252", "not-in-shop", "id-20252", null],
        ["20253", "not-in-shop", "id-20253", null],
      ],
    );
  });

  it("a shop document that could not be read or numbered: compared by presence, its code noted; without a number always missing", () => {
    const r = reconcile(
      input({
        shop: [
          { kind: "invoice", factuurnummer: "20251", ordernumber: 1, amountCents: null, note: "CCV_INVALID_DOCUMENT" },
          { kind: "invoice", factuurnummer: "", ordernumber: 2, amountCents: null, note: "INVOICE_NUMBER_MISSING" },
          { kind: "invoice", factuurnummer: "", ordernumber: 3, amountCents: null, note: "INVOICE_NUMBER_MISSING" },
        ],
        held: [held("20251", 100)],
      }),
    );
    assert.deepEqual(
      r.lines.map((l) => [l.ordernumber, l.finding, l.snelstartCents, l.note]),
      [
        [1, "equal", 100, "CCV_INVALID_DOCUMENT"],
        [2, "missing", null, "INVOICE_NUMBER_MISSING"],
        [3, "missing", null, "INVOICE_NUMBER_MISSING"],
      ],
    );
  });
});

describe("unit: the koppeling's numbering (followsNumbering)", () => {
  it("invoices and both kinds of credit notes under the rule; anything else is the bookkeeper's", () => {
    const ours = followsNumbering({ prefix: "WS", yearPrefix: true, creditPrefix: "C" });
    for (const nr of ["WS202510330", "CWS202510330", "CWS202510330-57"]) assert.ok(ours(nr), nr);
    for (const nr of ["202510330", "WS2025", "CWS202510330-", "F-2025-001", "WS202510330x", "C202510330"]) assert.ok(!ours(nr), nr);
    const plain = followsNumbering({ prefix: undefined, yearPrefix: false, creditPrefix: "CR." });
    assert.ok(plain("10330") && plain("CR.10330-2"));
    assert.ok(!plain("CRx10330"), "the prefix is literal, not a pattern");
  });
});
