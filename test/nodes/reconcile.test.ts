/**
 * The reconciliation (`ccv-snelstart-reconcile` and its admin routes) against both simulators: a
 * small shop booked by the koppeling flow, then one booking changed by hand in SnelStart and one
 * deleted: exactly those two are reported, everything else is equal — also a cancelled order
 * credited in the month, and one credited by a CCV credit invoice the month after (looked up by
 * number). The CSV, the sidebar's routes, and the refusals.
 */
import assert from "node:assert/strict";
import { formatCcvDate } from "../../src/ccv/signing";
import { reconciliationCsv } from "../../src/koppeling/reconcile";
import { lastMonth, periodLabel } from "../../src/koppeling/reconcile-shop";
import type { SimOrder } from "../../sim/ccv/types";
import {
  L,
  NODES,
  addCreditInvoice,
  addOrder,
  assertCode,
  atLeast,
  boekingen,
  collect,
  control,
  credentials,
  helper,
  inject,
  koppelingFlow,
  simpleOrder,
  snelstartClient,
  startSims,
  statusMatching,
  teardown,
  trigger,
  until,
  warnings,
  type Msg,
  type Sims,
} from "./support";

/** The reconcile node and a helper after it, on the koppeling's tab. */
const RECONCILE = [
  { id: "reconcile", type: "ccv-snelstart-reconcile", ccv: "ccv", mapping: "map", wires: [["reconciled"]] },
  { id: "reconciled", type: "helper" },
];

const june = (day: number) => `2025-06-${String(day).padStart(2, "0")}T10:00:00Z`;

type Line = { finding: string; factuurnummer: string; ordernumber: number | null; shopCents: number | null; snelstartCents: number | null; note: string | null };

function byNumber(lines: Line[]): Record<string, [string, number | null, number | null, string | null]> {
  return Object.fromEntries(lines.map((l) => [l.factuurnummer, [l.finding, l.shopCents, l.snelstartCents, l.note]]));
}

/** Puts a CCV credit invoice of the whole order in the shop, created at `createdAt`; answers its invoice number. */
function creditInvoiceAt(sims: Sims, order: SimOrder, invoicenumber: number, createdAt: string): number {
  addCreditInvoice(sims, order, invoicenumber);
  const credit = sims.ccv.state.invoices[sims.ccv.state.invoices.length - 1];
  credit.create_date = formatCcvDate(new Date(createdAt));
  return invoicenumber;
}

async function reconcileMsg(payload: unknown, out: Msg[]): Promise<Msg> {
  const before = out.length;
  inject("reconcile", { topic: "reconcile", payload });
  return (await atLeast(out, before + 1, "reconciliations", 15_000))[before];
}

describe("nodes: reconciliation (ccv-snelstart-reconcile) against both simulators", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("a booked month with one booking changed by hand and one deleted: exactly those two differ; cancelled and credited orders are equal; CSV and routes agree", async function () {
    this.timeout(60_000);
    sims = await startSims();
    const [, , c, y, z] = await Promise.all([3001, 3002, 3003, 3004, 3005].map((n, i) => addOrder(sims!, simpleOrder(n, { create_date: june(3 + i) }))));
    await addOrder(sims, simpleOrder(3006, { create_date: "2025-07-02T10:00:00Z" }));
    await addOrder(sims, simpleOrder(3007, { create_date: june(20), paid: false }));
    await helper.load(NODES, koppelingFlow(sims, { extra: RECONCILE }), credentials(sims));
    const summaries = collect("summary");
    const out = collect("reconciled");
    trigger();
    await atLeast(summaries, 1, "run summaries", 15_000);
    assert.equal(boekingen(sims).length, 6, "six paid orders booked; the unpaid one waits");

    // C is cancelled (its cancellation credits it, dated the order's day in June); Y gets a CCV
    // credit invoice in July; Z is cancelled and credited by a CCV credit invoice in July.
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${c.id}`, { status: 8 });
    const yCredit = creditInvoiceAt(sims, y, 91004, "2025-07-05T10:00:00Z");
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${z.id}`, { status: 8 });
    const zCredit = creditInvoiceAt(sims, z, 91005, "2025-07-06T10:00:00Z");
    trigger({ topic: "full-sync", payload: "" });
    await until("the three credit notes", () => boekingen(sims!).length === 9, 15_000);
    assert.deepEqual(
      boekingen(sims).filter((x) => x.factuurbedrag < 0).map((x) => x.factuurnummer).sort(),
      ["C20253003", `C20253004-${yCredit}`, `C20253005-${zCredit}`],
    );

    // By hand in SnelStart: A's amount changed, B's booking deleted.
    const stored = [...sims.ss.state.verkoopboekingen.values()];
    const bookingOf = (nr: string) => stored.find((x) => x.factuurnummer === nr) as { id: string };
    await control(sims.ss.url, "PATCH", `/__sim/verkoopboekingen/${bookingOf("20253001").id}`, { factuurbedrag: 20 });
    await snelstartClient(sims).deleteVerkoopboeking(bookingOf("20253002").id);

    const m = await reconcileMsg({ month: "2025-06" }, out);
    assert.equal(m.topic, "reconcile");
    const r = m.payload as { period: { from: string; to: string; label: string }; counts: Record<string, number>; lines: Line[] };
    assert.deepEqual(r.period, { from: "2025-06-01", to: "2025-07-01", label: "2025-06" });
    assert.deepEqual(r.counts, { equal: 4, missing: 1, "amount-differs": 1, "cancelled-in-shop": 0, "credit-missing": 0, "not-in-shop": 0, duplicate: 0 });
    assert.deepEqual(byNumber(r.lines), {
      "20253001": ["amount-differs", 2420, 2000, null],
      "20253002": ["missing", 2420, null, null],
      "20253003": ["equal", 2420, 2420, null],
      C20253003: ["equal", -2420, -2420, null],
      "20253004": ["equal", 2420, 2420, null],
      "20253005": ["equal", 2420, 2420, `credited by C20253005-${zCredit}`],
    });
    await statusMatching("reconcile", /^2025-06: 2 to check$/);

    // The CSV: what needs a person first, decimal commas.
    const csv = String(m.csv).trimEnd().split("\r\n");
    assert.equal(csv[0], "finding;factuurnummer;ordernumber;shop;snelstart;difference;snelstart id;note");
    assert.equal(csv.length, 7);
    assert.match(csv[1], /^missing;20253002;3002;24,20;;;;$/);
    assert.match(csv[2], /^amount-differs;20253001;3001;24,20;20,00;-4,20;[0-9a-f-]{36};$/);
    assert.deepEqual(csv.slice(3).map((l) => l.split(";").slice(0, 2).join(";")), ["equal;20253003", "equal;20253004", "equal;20253005", "equal;C20253003"]);
    assert.equal(m.csv, reconciliationCsv(m.payload as Parameters<typeof reconciliationCsv>[0]));

    // July: the order of July and the two CCV credit invoices, the credited orders of June looked up by number.
    const july = (await reconcileMsg("2025-07", out)).payload as { counts: Record<string, number>; lines: Line[] };
    assert.deepEqual(byNumber(july.lines), {
      "20253006": ["equal", 2420, 2420, null],
      [`C20253004-${yCredit}`]: ["equal", -2420, -2420, null],
      [`C20253005-${zCredit}`]: ["equal", -2420, -2420, null],
    });

    // The sidebar's routes: the same as JSON and as a download.
    const json = await helper.request().get("/ccv-snelstart/reconcile/reconcile").query({ from: "2025-06-01", to: "2025-07-01" });
    assert.equal(json.status, 200);
    assert.equal(json.body.ok, true);
    assert.deepEqual([json.body.counts, byNumber(json.body.lines)], [r.counts, byNumber(r.lines)]);
    const download = await helper.request().get("/ccv-snelstart/reconcile/reconcile.csv").query({ month: "2025-06" });
    assert.equal(download.status, 200);
    assert.match(String(download.headers["content-type"]), /^text\/csv/);
    assert.match(String(download.headers["content-disposition"]), /attachment; filename="controle-2025-06.csv"/);
    assert.equal(download.text, m.csv);
    const bad = await helper.request().get("/ccv-snelstart/reconcile/reconcile").query({ from: "2025-06-01" });
    assert.deepEqual([bad.body.ok, bad.body.code], [false, "RECONCILE_PERIOD"]);
    const badCsv = await helper.request().get("/ccv-snelstart/reconcile/reconcile.csv").query({ month: "juni" });
    assert.deepEqual([badCsv.status, badCsv.body.code], [400, "RECONCILE_PERIOD"]);
    const other = await helper.request().get("/ccv-snelstart/reconcile/ccv");
    assert.deepEqual([other.body.ok, other.body.code], [false, undefined], "another node's configuration is not lent to the route");
    assert.equal((await helper.request().get("/ccv-snelstart/reconcile/nothing.csv")).status, 404);
    assert.ok(!JSON.stringify(json.body).includes("@example.nl") && !JSON.stringify(json.body).includes("Klant"), "no personal data");
  });

  it("an invoice of the koppeling's numbering the shop does not know is not-in-shop; the bookkeeper's own invoices are left out; a cancelled order left uncredited is cancelled-in-shop", async function () {
    this.timeout(60_000);
    sims = await startSims();
    const [a] = await Promise.all([addOrder(sims, simpleOrder(3101, { create_date: june(3) })), addOrder(sims, simpleOrder(3102, { create_date: june(4) }))]);
    await helper.load(NODES, koppelingFlow(sims, { extra: RECONCILE, ordersIn: { credits: false } }), credentials(sims));
    const summaries = collect("summary");
    const out = collect("reconciled");
    trigger();
    await atLeast(summaries, 1, "run summaries", 15_000);
    // Credit notes are off: the cancellation is not credited by the koppeling.
    await control(sims.ccv.url, "PATCH", `/__sim/orders/${a.id}`, { status: 8 });
    const klantId = boekingen(sims)[0].klantId;
    const hand = (factuurnummer: string) => ({
      factuurnummer,
      factuurdatum: "2025-06-15T00:00:00",
      klant: { id: klantId },
      omschrijving: "by hand",
      factuurbedrag: 12.1,
      boekingsregels: [{ omschrijving: "Omzet", grootboek: { id: L(8000) }, bedrag: 10, btwSoort: "Hoog" as const }],
      btw: [{ btwSoort: "VerkopenHoog" as const, btwBedrag: 2.1 }],
    });
    await snelstartClient(sims).createVerkoopboeking(hand("20259999"));
    await snelstartClient(sims).createVerkoopboeking(hand("F-2025-0001"));

    const r = (await reconcileMsg(undefined, out)).payload as { period: { label: string } };
    assert.equal(r.period.label, periodLabel(lastMonth(new Date())), "no period asked: last month");
    const jun = (await reconcileMsg({ from: "2025-06-01", to: "2025-07-01" }, out)).payload as { counts: Record<string, number>; lines: Line[] };
    assert.deepEqual(byNumber(jun.lines), {
      "20253102": ["equal", 2420, 2420, null],
      "20253101": ["cancelled-in-shop", null, 2420, null],
      "20259999": ["not-in-shop", null, 1210, null],
    });
  });

  it("refuses what it cannot reconcile: sales-order mode (RECONCILE_VERKOOPORDER), a period that is none (RECONCILE_PERIOD); other topics are ignored", async function () {
    this.timeout(30_000);
    sims = await startSims();
    await helper.load(NODES, koppelingFlow(sims, { extra: RECONCILE, mapper: { mode: "verkooporder" } }), credentials(sims));
    const caught = collect("caught");
    const out = collect("reconciled");
    inject("reconcile", { topic: "reconcile", payload: { month: "2025-06" } });
    assertCode((await atLeast(caught, 1, "caught errors"))[0], "RECONCILE_VERKOOPORDER");
    await statusMatching("reconcile", /RECONCILE_VERKOOPORDER/);
    inject("reconcile", { topic: "reconcile", payload: { month: "juni" } });
    assertCode((await atLeast(caught, 2, "caught errors"))[1], "RECONCILE_PERIOD");
    inject("reconcile", { topic: "full-sync", payload: {} });
    await until("the warning", () => warnings("reconcile").some((w) => /ignored a message with topic "full-sync"/.test(w)));
    assert.equal(out.length, 0);
    assert.equal(sims.ss.state.requests.get("GET", "/v2/verkoopfacturen"), 0, "nothing was asked of SnelStart");
  });
});
