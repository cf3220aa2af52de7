/** Reconciliation (src/koppeling/reconcile.ts): the shop's due documents against SnelStart's verkoopfacturen. */
import assert from "node:assert/strict";
import { reconcile, reconciliationCsv, type HeldInvoice, type ReconcileInput, type ShopDocument } from "../../src/koppeling/reconcile";

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
      "finding;factuurnummer;ordernumber;shop;snelstart;difference;snelstart id",
      "amount-differs;20253;3;9,99;10,00;0,01;id-20253",
      'not-in-shop;"2025""9;x";;;0,05;;"id-2025""9;x"',
      "equal;20251;1;121,00;121,00;0,00;id-20251",
    ]);
  });
});
