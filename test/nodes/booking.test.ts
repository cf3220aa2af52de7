/**
 * snelstart-debtor, vat-mapper and snelstart-invoice in the koppeling flow (in that order), against
 * both simulators: a known order's booking to the cent, debtors found or created (VAT number
 * refused → the order mapped without ICP), the verkoopboeking and verkooporder modes, and the
 * error codes a Catch node sees.
 */
import assert from "node:assert/strict";
import { simLandId } from "../../sim/snelstart/server";
import {
  GROUP,
  L,
  NODES,
  TAB,
  addOrder,
  assertCode,
  atLeast,
  boekingen,
  collect,
  credentials,
  customer,
  helper,
  icpOrder,
  inject,
  knownOrder,
  koppelingFlow,
  postsOf,
  row,
  simpleOrder,
  snelstartClient,
  startSims,
  statusMatching,
  statuses,
  teardown,
  trigger,
  warnings,
  type Msg,
  type Sims,
} from "./support";

/** A booking model as vat-mapper makes it, by hand: 10.00 net at 21 % on ledger 8000. */
function handBooking(factuurnummer: string, totalCents: number): Record<string, unknown> {
  return {
    kind: "invoice",
    factuurnummer,
    factuurdatum: "2025-06-02T00:00:00",
    omschrijving: `Test ${factuurnummer}`,
    scheme: "domestic",
    country: "NL",
    customer: { name: "Jan Jansen", email: "jan@example.nl", isBusiness: false, country: "NL" },
    lines: [{ ledgerId: L(8000), btwSoort: "Hoog", amountCents: 1000, description: "Omzet 21%", vatRate: 21 }],
    vat: [{ btwSoort: "VerkopenHoog", amountCents: 210 }],
    groups: [],
    totalCents,
    vatTotalCents: 210,
    ccv: { orderId: null, invoiceId: null, ordernumber: null, invoicenumber: null },
    warnings: [],
  };
}

describe("nodes: booking an order (snelstart-debtor, vat-mapper, snelstart-invoice)", function () {
  let sims: Sims | null = null;
  afterEach(async () => {
    await teardown(sims);
    sims = null;
  });

  it("books the known order: lines, VAT and total to the cent, recorded in the ledger, msg.snelstart set", async () => {
    sims = await startSims();
    const order = await addOrder(sims, knownOrder());
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const debtors = collect("debtors");
    const mapped = collect("mapped");
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1, "booked messages");

    // snelstart-debtor first: the CCV document passes on unchanged, with the customer decided
    const [d] = await atLeast(debtors, 1);
    assert.equal(d.payload.order.id, order.id, "the debtor node passes the CCV document on");
    assert.deepEqual([typeof d.snelstart.relatieId, d.snelstart.relatieCreated, d.snelstart.relatieHasVatNumber], ["string", true, false]);

    // vat-mapper's booking model
    const booking = (await atLeast(mapped, 1))[0].payload;
    assert.equal(booking.factuurnummer, "202510330");
    assert.equal(booking.scheme, "domestic");
    assert.equal(booking.totalCents, 4005);
    assert.equal(booking.vatTotalCents, 596);
    const lines = booking.lines.map((l: { ledgerId: string; btwSoort: string; amountCents: number }) => [l.ledgerId, l.btwSoort, l.amountCents]);
    assert.deepEqual(lines.sort(), [
      [L(8000), "Hoog", 2000],
      [L(8010), "Laag", 1000],
      [L(8200), "Hoog", 409],
    ].sort());
    assert.deepEqual(booking.vat, [
      { btwSoort: "VerkopenHoog", amountCents: 506 },
      { btwSoort: "VerkopenLaag", amountCents: 90 },
    ]);
    assert.equal(booking.customer.email, "jan@example.nl");
    assert.equal(mapped[0].ccv.order.order.id, order.id, "vat-mapper keeps the CCV order in msg.ccv.order");

    // what SnelStart holds
    const [b] = boekingen(sims);
    assert.equal(boekingen(sims).length, 1);
    assert.equal(b.factuurnummer, "202510330");
    assert.equal(b.factuurbedrag, 40.05);
    assert.deepEqual(
      b.boekingsregels.map((r) => [r.grootboekId, r.btwSoort, r.bedrag]).sort(),
      [
        [L(8000), "Hoog", 20],
        [L(8010), "Laag", 10],
        [L(8200), "Hoog", 4.09],
      ].sort(),
    );
    assert.deepEqual(b.btw, [
      { btwSoort: "VerkopenHoog", btwBedrag: 5.06 },
      { btwSoort: "VerkopenLaag", btwBedrag: 0.9 },
    ]);

    // msg.snelstart and the ledger
    assert.equal(m.snelstart.factuurnummer, "202510330");
    assert.equal(m.snelstart.boekingId, [...sims.ss.state.verkoopboekingen.keys()][0]);
    assert.equal(m.snelstart.relatieCreated, true);
    assert.equal(b.klantId, m.snelstart.relatieId);
    assert.equal(m.snelstart.adopted, undefined);
    const shop = helper.getNode("ccv") as unknown as { ledger: { read<T>(fn: (l: { booked: Record<string, { snelstartId: string; factuurnummer: string; amountCents?: number }> }) => T): Promise<T> } };
    const entry = await shop.ledger.read((l) => l.booked[`order:${order.id}`]);
    assert.equal(entry?.snelstartId, m.snelstart.boekingId);
    assert.equal(entry?.factuurnummer, "202510330");
    // The total booked, in cents (the sidebar's order search shows it).
    assert.equal(entry?.amountCents, Math.round(b.factuurbedrag * 100));
    assert.ok(statuses("mapper").some((s) => s.fill === "green" && s.shape === "dot" && s.text === "1 mapped"));
    assert.ok(statuses("invoice").some((s) => s.fill === "green" && s.shape === "dot" && s.text === "1 booked"));
  });

  it("vat-mapper passes the domain's warnings on: node.warn and a yellow status (Dutch VAT charged on an export)", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(2101, { customer: customer({ country: "US", email: "buyer@example.com", name: "John Smith" }) }));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1);
    assert.equal(m.payload.scheme, "domestic");
    assert.equal(m.payload.warnings.length, 1);
    assert.ok(warnings("mapper").some((w) => w.startsWith("20252101: ") && /outside the EU \(US\)/.test(w)));
    assert.deepEqual(statuses("mapper").at(-1), { fill: "yellow", shape: "ring", text: "1 mapped, warning" });
    assert.equal(boekingen(sims)[0].btw[0].btwSoort, "VerkopenHoog");
  });

  it("books several orders of one customer with one relatie (found by e-mail within the run)", async () => {
    sims = await startSims();
    for (const n of [2001, 2002, 2003]) await addOrder(sims, simpleOrder(n, { customer: knownOrder().customer }));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 3);
    const klanten = [...sims.ss.state.relaties.values()].filter((r) => r.relatiesoort.includes("Klant"));
    assert.equal(klanten.length, 1, "one relatie for one customer");
    assert.deepEqual(new Set(out.map((m) => m.snelstart.relatieId)), new Set([klanten[0].id]));
    assert.equal(boekingen(sims).length, 3);
  });

  it("finds an existing debtor by e-mail, and with match-on-e-mail off creates one per order", async () => {
    sims = await startSims();
    const existing = await snelstartClient(sims).createRelatie({ relatiesoort: ["Klant"], naam: "Jan Jansen (bestaand)", email: "jan@example.nl" });
    await addOrder(sims, knownOrder());
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1);
    assert.equal(m.snelstart.relatieId, existing.id);
    assert.equal(m.snelstart.relatieCreated, false);
    assert.equal(postsOf(sims, "/v2/relaties"), 1, "only the test's own relatie was posted");
    assert.ok(statuses("debtor").some((s) => s.text === "1 found, 0 created"));
    await helper.unload();

    // A fresh flow (fresh ledger) with matching off: every order gets its own new relatie.
    for (const n of [3001, 3002]) await addOrder(sims, simpleOrder(n, { customer: customer({ email: "gedeeld@example.nl" }) }));
    await helper.load(NODES, koppelingFlow(sims, { debtor: { matchOnEmail: false } }), credentials(sims));
    const out2 = collect("out");
    trigger();
    await atLeast(out2, 3, "bookings of the second flow");
    const ids = out2.map((x) => x.snelstart.relatieId);
    assert.equal(new Set(ids).size, 3, "three orders, three new relaties");
    assert.ok(out2.every((x) => x.snelstart.relatieCreated === true && x.snelstart.relatieId !== existing.id));
  });

  it("two orders of one new customer in a run: one relatie, created for one message and found for the other", async () => {
    sims = await startSims();
    for (const n of [3101, 3102]) await addOrder(sims, simpleOrder(n, { customer: customer({ email: "twee@example.nl" }) }));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    const both = await atLeast(out, 2, "bookings");
    assert.deepEqual(both.map((m) => m.snelstart.relatieCreated).sort(), [false, true]);
    assert.equal(new Set(both.map((m) => m.snelstart.relatieId)).size, 1);
    assert.equal(postsOf(sims, "/v2/relaties"), 1);
    assert.ok(statuses("debtor").some((st) => st.text === "1 found, 1 created"));
  });

  it("books an ICP order on the ICP ledger with the customer's VAT number on the new relatie", async () => {
    sims = await startSims();
    await addOrder(sims, icpOrder(4001, "DE123456789"));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1);
    const relatie = sims.ss.state.relaties.get(m.snelstart.relatieId);
    assert.equal(relatie?.btwNummer, "DE123456789");
    assert.equal(relatie?.vestigingsAdres?.landId, simLandId("DE"));
    assert.equal(m.snelstart.relatieHasVatNumber, true);
    assert.equal(m.payload.scheme, "icp");
    const [b] = boekingen(sims);
    assert.deepEqual(b.boekingsregels.map((r) => [r.grootboekId, r.btwSoort, r.bedrag]), [[L(8100), "Geen", 212.5]]);
    assert.deepEqual(b.btw, []);
    assert.equal(m.snelstart.warnings, undefined);
  });

  it("creates the relatie without a VAT number SnelStart refuses, warns, and books the ICP order without ICP", async () => {
    // An administration without foreign VAT (OSS): with it on, SnelStart takes a German klant
    // without VAT number for an OSS consumer and refuses any line off the OSS ledgers
    // (docs/reference/snelstart-api.md#oss-bookings).
    sims = await startSims({ ossEnabled: false });
    const first = await addOrder(sims, icpOrder(4002, "DE123456000"));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    const [m] = await atLeast(out, 1);
    assert.equal(caught.length, 0);
    assert.equal(postsOf(sims, "/v2/relaties"), 2, "refused with the VAT number, then created without it");
    const relatie = sims.ss.state.relaties.get(m.snelstart.relatieId);
    assert.equal(relatie?.btwNummer, null);
    assert.equal(m.snelstart.warnings.length, 1);
    assert.match(m.snelstart.warnings[0], /refused VAT number DE123456000.*REL_0088/);
    assert.ok(warnings("debtor").some((w) => /DE123456000/.test(w)), "node.warn names the refused number");
    assert.equal(m.snelstart.relatieHasVatNumber, false);
    assert.equal(m.payload.scheme, "domestic", "mapped once, knowing the relatie has no VAT number");
    assert.match(m.payload.warnings.join(" "), /no VAT number .*booked as a domestic 0 % sale/);
    assert.ok(warnings("mapper").some((w) => /domestic 0 % sale/.test(w)), "vat-mapper says so too");
    const [b] = boekingen(sims);
    assert.deepEqual(
      b.boekingsregels.map((r) => [r.grootboekId, r.btwSoort, r.bedrag]),
      [
        [L(8030), "Geen", 200],
        [L(8200), "Geen", 12.5],
      ],
      "a domestic 0 % sale: revenue on the 0 % ledger, shipping on its own, nothing on ICP",
    );

    // A later order of the same customer, with the same refused number: their relatie, not a new one.
    await addOrder(sims, icpOrder(4003, "DE123456000", { customer: first.customer }));
    trigger();
    const [, m2] = await atLeast(out, 2);
    assert.equal(m2.snelstart.relatieId, m.snelstart.relatieId);
    assert.equal(sims.ss.state.relaties.size - [...sims.ss.state.relaties.values()].filter((r) => !r.relatiesoort.includes("Klant")).length, 1, "one klant for the customer");
    assert.match(m2.snelstart.warnings[0], /refused VAT number DE123456000.*goes to their relatie/);
  });

  for (const ossEnabled of [false, true]) {
    it(`an ICP order whose e-mail matches a relatie without its VAT number: the VAT number decides, a relatie with it is created, booked as ICP (foreign VAT ${ossEnabled ? "on" : "off"})`, async () => {
      sims = await startSims({ ossEnabled });
      const n = ossEnabled ? 4004 : 4003;
      const client = snelstartClient(sims);
      const plain = await client.createRelatie({ relatiesoort: ["Klant"], naam: "Müller GmbH", email: `einkauf${n}@example.de` });
      const other = await client.createRelatie({ relatiesoort: ["Klant"], naam: "Müller GmbH", email: `einkauf${n}@example.de`, btwNummer: "DE987654321" });
      await addOrder(sims, icpOrder(n, "DE123456789"));
      await helper.load(NODES, koppelingFlow(sims), credentials(sims));
      const out = collect("out");
      trigger();
      const [m] = await atLeast(out, 1);
      assert.equal(m.snelstart.relatieCreated, true);
      assert.ok(![plain.id, other.id].includes(m.snelstart.relatieId));
      assert.equal(sims.ss.state.relaties.get(m.snelstart.relatieId)?.btwNummer, "DE123456789");
      assert.match(m.snelstart.warnings[0], /has the e-mail address of .* but (no VAT number|VAT number DE987654321), not DE123456789/);
      assert.equal(boekingen(sims)[0].boekingsregels[0].grootboekId, L(8100), "booked on the ICP ledger");
    });
  }

  it("a relatie with the order's VAT number (written otherwise) is found among those with its e-mail", async () => {
    sims = await startSims();
    const client = snelstartClient(sims);
    await client.createRelatie({ relatiesoort: ["Klant"], naam: "Müller GmbH", email: "einkauf4005@example.de" });
    const right = await client.createRelatie({ relatiesoort: ["Klant"], naam: "Müller GmbH", email: "einkauf4005@example.de", btwNummer: "DE123456789" });
    await addOrder(sims, icpOrder(4005, "de 123.456.789"));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1);
    assert.deepEqual([m.snelstart.relatieCreated, m.snelstart.relatieId], [false, right.id]);
  });

  it("e-mail addresses that differ only in case are one customer: one relatie (stored in lower case), in one run and across runs", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(4201, { customer: customer({ email: "Jan.Jansen@Example.NL" }) }));
    await addOrder(sims, simpleOrder(4202, { customer: customer({ email: "jan.jansen@example.nl" }) }));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 2);
    await addOrder(sims, simpleOrder(4203, { customer: customer({ email: "JAN.JANSEN@EXAMPLE.NL" }) }));
    trigger();
    await atLeast(out, 3);
    const mine = [...sims.ss.state.relaties.values()].filter((r) => (r.email ?? "").toLowerCase() === "jan.jansen@example.nl");
    assert.equal(mine.length, 1, "one relatie");
    assert.equal(mine[0].email, "jan.jansen@example.nl");
    assert.equal(new Set(out.map((m) => m.snelstart.relatieId)).size, 1);
  });

  it("books an EU consumer order under OSS: destination rate on the OSS ledger, the VAT on the foreign-VAT ledger", async () => {
    sims = await startSims();
    await addOrder(sims, {
      ordernumber: 4101,
      create_date: "2025-06-05T10:00:00Z",
      status: 7,
      paid: true,
      shipping_tax_percentage: 19,
      customer: customer({ country: "DE", email: "kunde@example.de", name: "Lena Schmidt" }),
      orderrows: [row({ name: "Spielzeug", number: "SP-1", price: 23.8, tax: 19 })],
    });
    await helper.load(NODES, koppelingFlow(sims, { mapping: { euConsumers: "oss" } }), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 1);
    const [b] = boekingen(sims);
    assert.deepEqual(
      b.boekingsregels.map((r) => [r.grootboekId, r.btwSoort, r.bedrag]),
      [
        [L(8400), "Geen", 20],
        [L(1650), "Geen", 3.8],
      ],
    );
    assert.deepEqual(b.btw, []);
    assert.equal(b.factuurbedrag, 23.8);
    assert.equal(sims.ss.state.requests.get("GET", "/v2/vatrates/:countryCode"), 1, "the OSS rates of DE were fetched once");
  });

  it("verkooporder mode: syncs the articles (created in the mapped revenue groups, existing ones found) and posts the sales order", async () => {
    sims = await startSims();
    const thee = await snelstartClient(sims).createArtikel({ artikelcode: "THEE-1", omschrijving: "Thee", artikelOmzetgroep: { id: GROUP(2) } });
    const order = await addOrder(sims, knownOrder());
    await helper.load(NODES, koppelingFlow(sims, { mapper: { mode: "verkooporder" }, mapping: { articleShipping: "VERZEND" } }), credentials(sims));
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1);
    const artikelen = new Map([...sims.ss.state.artikelen.values()].map((a) => [a.artikelcode, a]));
    assert.deepEqual([...artikelen.keys()].sort(), ["KOF-1", "THEE-1", "VERZEND"]);
    assert.equal(artikelen.get("KOF-1")?.omzetgroepId, GROUP(1), "21 % article in the hoog group");
    assert.equal(artikelen.get("VERZEND")?.omzetgroepId, GROUP(1), "shipping at 21 % in the hoog group");
    assert.equal(artikelen.get("THEE-1")?.id, thee.id, "the existing article is used, not created again");
    assert.equal(postsOf(sims, "/v2/artikelen"), 3, "THEE-1 by the test, KOF-1 and VERZEND by the node");

    const orders = [...sims.ss.state.verkooporders.values()];
    assert.equal(orders.length, 1);
    assert.equal(boekingen(sims).length, 0, "no verkoopboeking in order mode");
    const vo = orders[0];
    assert.equal(vo.orderreferentie, "10330");
    assert.equal(vo.verkooporderBtwIngaveModel, "Inclusief");
    assert.deepEqual(
      vo.regels.map((r) => [r.artikelId, r.aantal, r.stuksprijs]).sort(),
      [
        [artikelen.get("KOF-1")?.id, 2, 12.1],
        [thee.id, 1, 10.9],
        [artikelen.get("VERZEND")?.id, 1, 4.95],
      ].sort(),
    );
    assert.equal(vo.totaalInclusiefBtw, 40.05);
    assert.equal(m.snelstart.verkooporderId, vo.id);
    assert.equal(m.snelstart.boekingId, undefined);
    const shop = helper.getNode("ccv") as unknown as { ledger: { read<T>(fn: (l: { booked: Record<string, { type: string; snelstartId: string }> }) => T): Promise<T> } };
    const entry = await shop.ledger.read((l) => l.booked[`order:${order.id}`]);
    assert.deepEqual([entry?.type, entry?.snelstartId], ["verkooporder", vo.id]);
  });

  it("verkooporder mode: an export order does not create its product's article (its 0 % is not the product's); a sales order SnelStart totals otherwise than CCV gets a warning with both totals", async () => {
    sims = await startSims();
    // An article created in the 0 % group (as an export order once did, seed 1 order 5898): SnelStart charges no VAT on it.
    await snelstartClient(sims).createArtikel({ artikelcode: "BOEK-1", omschrijving: "Kookboek", artikelOmzetgroep: { id: GROUP(3) } });
    const net = { order_row_taxes_included: false, shipping_taxes_included: false };
    await addOrder(sims, knownOrder({ ordernumber: 5897, ...net, shipping_tax_percentage: 0, total_shipping: 24.95, customer: customer({ country: "US", email: "buyer@example.com" }), orderrows: [row({ name: "Koffiemolen", number: "KM-1", price: 40.91, tax: 0 })] }));
    await addOrder(sims, knownOrder({ ordernumber: 5898, ...net, total_shipping: 0, customer: customer({ company: "Boekhandel B.V.", btw: "NL303513623B01", email: "inkoop@example.nl" }), orderrows: [row({ name: "Kookboek", number: "BOEK-1", count: 12, price: 27.51, tax: 9 })] }));
    await helper.load(NODES, koppelingFlow(sims, { mapper: { mode: "verkooporder" }, mapping: { articleShipping: "VERZEND" } }), credentials(sims));
    const out = collect("out");
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    const [m] = await atLeast(out, 1, "booked messages");
    assertCode(c, "ARTICLE_GROUP_UNKNOWN");
    assert.match(c.error?.message ?? "", /KM-1/);
    const codes = [...sims.ss.state.artikelen.values()].map((a) => a.artikelcode);
    assert.ok(!codes.includes("KM-1"), "the product's article is not created from a zero-rated sale");

    assert.equal(m.ccv?.ordernumber, 5898);
    const [vo] = [...sims.ss.state.verkooporders.values()];
    assert.equal(vo.totaalInclusiefBtw, 330.12, "SnelStart charges the 0 % group's VAT: none");
    const [w, ...more] = m.snelstart?.warnings ?? [];
    assert.equal(more.length, 0);
    assert.match(w, /^Order 5898: SnelStart computes the sales order's total as €330\.12 .*CCV's total_price is €359\.83/);
    assert.deepEqual(warnings("invoice"), [w], "and node.warn says it");
  });

  it("verkooporder mode: a row without product number is ARTICLE_NUMBER_MISSING, unless a fallback article is mapped", async () => {
    sims = await startSims();
    const noNumber = knownOrder({ ordernumber: 5001, total_shipping: 0, orderrows: [row({ name: "Cadeaubon", number: "", price: 25, tax: 21 })] });
    await addOrder(sims, noNumber);
    await helper.load(NODES, koppelingFlow(sims, { mapper: { mode: "verkooporder" } }), credentials(sims));
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "ARTICLE_NUMBER_MISSING");
    assert.equal(c.error?.source?.id, "mapper", "the sales order is mapped by vat-mapper");
    assert.match(c.error?.message ?? "", /row 1 \(Cadeaubon\)/);
    assert.equal(sims.ss.state.verkooporders.size, 0);
    await statusMatching("mapper", /ARTICLE_NUMBER_MISSING/);
    assert.ok(statuses("mapper").some((s) => s.fill === "red" && s.shape === "ring" && s.text === "ARTICLE_NUMBER_MISSING"));
    await helper.unload();

    await helper.load(NODES, koppelingFlow(sims, { mapper: { mode: "verkooporder" }, mapping: { articleFallback: "DIVERS" } }), credentials(sims));
    const out = collect("out");
    trigger();
    await atLeast(out, 1);
    const divers = [...sims.ss.state.artikelen.values()].find((a) => a.artikelcode === "DIVERS");
    assert.ok(divers, "the fallback article was created");
    assert.equal(divers.omzetgroepId, GROUP(1));
    const [vo] = [...sims.ss.state.verkooporders.values()];
    assert.deepEqual(vo.regels.map((r) => [r.artikelId, r.omschrijving, r.stuksprijs]), [[divers.id, "Cadeaubon", 25]]);
  });

  it("a snelstart-invoice node of version 0.1 set to sales orders refuses a sales booking of an order (the mode is vat-mapper's now), and posts sales orders once vat-mapper makes them", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(5301));
    await helper.load(NODES, koppelingFlow(sims, { invoice: { mode: "verkooporder" } }), credentials(sims));
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "MAPPING_INVALID");
    assert.equal(c.error?.source?.id, "invoice");
    assert.match(c.error?.message ?? "", /chosen in vat-mapper now/);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen") + postsOf(sims, "/v2/verkooporders"), 0);
    await helper.unload();

    // With the mode chosen in vat-mapper, the same 0.1 node posts the sales order.
    await helper.load(NODES, koppelingFlow(sims, { invoice: { mode: "verkooporder" }, mapper: { mode: "verkooporder" } }), credentials(sims));
    const out = collect("out");
    trigger();
    const [m] = await atLeast(out, 1);
    assert.ok(m.snelstart.verkooporderId);
    assert.equal(sims.ss.state.verkooporders.size, 1);
  });

  it("VAT_UNMAPPED_RATE: an order with a 7 % row reaches the Catch node, is recorded as failed, and the run goes on", async () => {
    sims = await startSims();
    const bad = await addOrder(sims, knownOrder({ ordernumber: 6001, orderrows: [row({ name: "Boek", number: "BOEK-1", price: 10.7, tax: 7 })], total_shipping: 0 }));
    await addOrder(sims, simpleOrder(6002));
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const caught = collect("caught");
    const out = collect("out");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    await atLeast(out, 1, "the other order booked");
    assertCode(c, "VAT_UNMAPPED_RATE");
    assert.equal(c.error?.source?.type, "vat-mapper");
    assert.match(c.error?.message ?? "", /7/);
    assert.equal(c.ccv.orderId, bad.id, "the caught message names the order");
    assert.equal(boekingen(sims).length, 1);
    assert.equal(boekingen(sims)[0].factuurnummer, "20256002");
    assert.ok(statuses("mapper").some((s) => s.fill === "red" && s.shape === "ring" && s.text === "VAT_UNMAPPED_RATE"));
    const shop = helper.getNode("ccv") as unknown as { ledger: { read<T>(fn: (l: { failed: Record<string, { code: string; stage: string; attempts: number; ordernumber: number }> }) => T): Promise<T> } };
    const failed = await shop.ledger.read((l) => l.failed[`order:${bad.id}`]);
    assert.deepEqual([failed?.code, failed?.stage, failed?.attempts, failed?.ordernumber], ["VAT_UNMAPPED_RATE", "vat-mapper", 1, 6001]);
  });

  it("LEDGER_VAT_NOT_ALLOWED: a revenue ledger that does not allow the VAT code is refused before anything is posted; its debtor is made once", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(7001));
    await helper.load(NODES, koppelingFlow(sims, { mapping: { ledgerHoog: L(8010) } }), credentials(sims));
    const caught = collect("caught");
    trigger();
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "LEDGER_VAT_NOT_ALLOWED");
    assert.equal(c.error?.source?.id, "mapper");
    assert.match(c.error?.message ?? "", /8010/);
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 0);
    // The customer is decided before the order is mapped: its relatie exists, and the next run finds it.
    assert.equal(postsOf(sims, "/v2/relaties"), 1);
    trigger();
    await atLeast(caught, 2, "caught errors of the second run");
    assert.equal(postsOf(sims, "/v2/relaties"), 1, "found by e-mail, not created again");
    assert.equal(postsOf(sims, "/v2/verkoopboekingen"), 0);
  });

  it("with match-on-e-mail off, an order that keeps failing after its debtor was created keeps that one relatie; a second order gets its own", async () => {
    sims = await startSims();
    await addOrder(sims, simpleOrder(7101));
    await addOrder(sims, simpleOrder(7102));
    await helper.load(NODES, koppelingFlow(sims, { mapping: { ledgerHoog: L(8010) }, debtor: { matchOnEmail: false } }), credentials(sims));
    const caught = collect("caught");
    const summary = collect("summary");
    for (let run = 1; run <= 3; run++) {
      trigger();
      // The report's summary comes once the run's every document is through.
      await atLeast(summary, run, `summaries (run ${run})`);
      assert.equal(caught.length, 2 * run, `both orders failed in run ${run}`);
      assert.equal(postsOf(sims, "/v2/relaties"), 2, `one relatie per order after run ${run}`);
    }
    assert.ok(caught.every((c) => c.error?.code === "LEDGER_VAT_NOT_ALLOWED"));
    assert.equal(new Set(caught.map((c) => c.snelstart?.relatieId)).size, 2, "each order's three attempts name its one relatie");
  });

  it("SNELSTART_BOE_0039: a booking out of balance is refused by SnelStart and reaches the Catch node", async () => {
    sims = await startSims();
    const relatie = await snelstartClient(sims).createRelatie({ relatiesoort: ["Klant"], naam: "Jan Jansen" });
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const caught = collect("caught");
    const out = collect("out");
    inject("invoice", { payload: handBooking("T-0039", 1211), snelstart: { relatieId: relatie.id } });
    const [c] = await atLeast(caught, 1, "caught errors");
    assertCode(c, "SNELSTART_BOE_0039");
    assert.equal(c.error?.source?.id, "invoice");
    assert.equal(boekingen(sims).length, 0);
    assert.ok(statuses("invoice").some((s) => s.fill === "red" && s.shape === "ring" && s.text === "SNELSTART_BOE_0039"));

    // The same booking in balance is posted (no shop, no ledger: straight to SnelStart).
    inject("invoice", { payload: handBooking("T-0040", 1210), snelstart: { relatieId: relatie.id } });
    const [m] = await atLeast(out, 1);
    assert.equal(m.snelstart.factuurnummer, "T-0040");
    assert.equal(boekingen(sims).length, 1);
  });

  it("missing configuration: each node shows it and answers every message with an error code", async () => {
    sims = await startSims();
    const flow = [
      { id: TAB, type: "tab", label: "t" },
      { id: "ss", type: "snelstart-config", name: "no credentials", apiUrl: sims.ss.apiBase, tokenUrl: sims.ss.tokenUrl, tier: "production" },
      { id: "in", type: "ccv-orders-in", z: TAB, x: 1, y: 1, ccv: "", wires: [] },
      { id: "mapper", type: "vat-mapper", z: TAB, x: 1, y: 2, mapping: "", wires: [] },
      { id: "debtor", type: "snelstart-debtor", z: TAB, x: 1, y: 3, snelstart: "", wires: [] },
      { id: "invoice", type: "snelstart-invoice", z: TAB, x: 1, y: 4, snelstart: "", wires: [] },
      { id: "map2", type: "vat-mapping", name: "mapping", snelstart: "ss" },
      { id: "debtor2", type: "snelstart-debtor", z: TAB, x: 1, y: 5, snelstart: "ss", mapping: "map2", wires: [] },
      { id: "catchAll", type: "catch", z: TAB, x: 1, y: 6, scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", type: "helper", z: TAB, x: 1, y: 7 },
    ];
    await helper.load(NODES, flow, {});
    for (const [id, text] of [
      // Texts without numbers are keys of the node's catalogue: the editor translates them.
      ["in", "ccv-orders-in.statusText.noShop"],
      ["mapper", "vat-mapper.statusText.noMapping"],
      ["debtor", "snelstart-debtor.statusText.noSnelStart"],
      ["invoice", "snelstart-invoice.statusText.noSnelStart"],
    ]) {
      assert.deepEqual(statuses(id)[0], { fill: "red", shape: "ring", text }, id);
    }
    const caught = collect("caught");
    const booking = handBooking("T-1", 1210);
    trigger();
    inject("mapper", { payload: { order: {}, rows: [] } });
    inject("debtor", { payload: { order: {}, rows: [] } });
    inject("invoice", { payload: booking, snelstart: { relatieId: "x" } });
    inject("debtor2", { payload: { order: knownOrder({ id: 1 }), rows: [] } });
    await atLeast(caught, 5, "caught errors");
    const bySource = Object.fromEntries(caught.map((c: Msg) => [c.error?.source?.id, c.error?.code]));
    assert.deepEqual(bySource, { in: "CCV_CONFIG", mapper: "MAPPING_INVALID", debtor: "SNELSTART_CONFIG", invoice: "SNELSTART_CONFIG", debtor2: "SNELSTART_CONFIG" });
    assert.equal(sims.ss.state.requests.get("POST", "/b2b/token"), 0, "nothing was sent without credentials");
  });

  it("refuses messages that are not what the previous node sends (ORDER_INVALID, BOOKING_INVALID, RELATIE_MISSING)", async () => {
    sims = await startSims();
    await helper.load(NODES, koppelingFlow(sims), credentials(sims));
    const caught = collect("caught");
    inject("mapper", { payload: "not an order" });
    inject("debtor", { payload: handBooking("T-3", 1210) });
    inject("invoice", { payload: handBooking("T-2", 1210) });
    await atLeast(caught, 3, "caught errors");
    inject("invoice", { payload: { lines: [] }, snelstart: { relatieId: "x" } });
    await atLeast(caught, 4, "caught errors");
    const bySource = caught.map((c: Msg) => `${c.error?.source?.id} ${c.error?.code}`).sort();
    assert.deepEqual(bySource, ["debtor ORDER_INVALID", "invoice BOOKING_INVALID", "invoice RELATIE_MISSING", "mapper ORDER_INVALID"]);
    // A flow still wired as in 0.1 (vat-mapper before snelstart-debtor) is told so.
    assert.match(caught.find((c) => c.error?.source?.id === "debtor")?.error?.message ?? "", /snelstart-debtor now comes before vat-mapper/);
  });
});
