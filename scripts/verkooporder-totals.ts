/**
 * `node dist/scripts/verkooporder-totals.js [--seeds 1-5] [--orders 300]`: how far a sales
 * order's total, as SnelStart computes it, is from CCV's `total_price`.
 *
 * For every generated order (sim/ccv/generate.ts) that would be booked (completed, paid, not
 * cancelled, mapped by vat-mapper), builds the sales order (buildVerkooporder), finds or creates
 * its articles the way snelstart-invoice does (found by code, else created in the revenue group
 * of the line's VAT category; an article whose category the order does not tell is not created
 * and the order waits for the next run, which is one more pass here) and posts it to the
 * SnelStart simulator's handlers, in process, for a klant in the destination country; one
 * article store per seed, so an article keeps the group of its first use. Prints the differences by kind of order and by cause, with the
 * largest example of each, and how many orders checkVerkooporderTotals warns about.
 */
import { readFlags } from "../sim/cli";
import type { SimRequest } from "../sim/http";
import { generateOrders, type SimOrder } from "../sim/ccv/generate";
import { createArtikel } from "../sim/snelstart/artikelen";
import { BTW_TARIEVEN, VAT_RATES, simLandId, simOmzetgroepId } from "../sim/snelstart/data";
import { SimState } from "../sim/snelstart/state";
import { AdminLimits, TIERS } from "../sim/snelstart/limits";
import { createOrder } from "../sim/snelstart/verkooporders";
import { buildVerkooporder, checkVerkooporderTotals, createMapping, euIso3, isEu, mapOrder, toVerkooporder, type Mapping, type MappingContext, type OrderInput, type VerkooporderModel } from "../src/koppeling";

const GROUPS: Record<string, string> = { hoog: simOmzetgroepId(1), laag: simOmzetgroepId(2), geen: simOmzetgroepId(3) };
const ledger = (id: string) => ({ id });
/** The example flow's mapping as the chaos run sets it (OSS on, articles). */
const MAPPING: Mapping = createMapping({
  revenue: { hoog: ledger("hoog"), laag: ledger("laag"), overig: ledger("overig"), geen: ledger("geen") },
  icp: ledger("icp"),
  export: ledger("export"),
  euConsumers: "oss",
  oss: { ledgers: { SR: ledger("sr"), RRH: ledger("rrh"), RRL: ledger("rrl"), PR: ledger("pr"), SRR: ledger("srr") }, foreignVat: ledger("fv") },
  articles: { fallback: "ARTIKEL", shipping: "VERZEND", paymentCosts: "BETAALKOSTEN", extraCosts: "EXTRAKOSTEN", discount: { hoog: "KORTING-H", laag: "KORTING-L", overig: "KORTING-O", geen: "KORTING-G" } },
});

function destination(o: SimOrder): string {
  return (o.customer.deliveryaddress?.country_code || o.customer.billingaddress.country_code || "").toUpperCase();
}

function context(o: SimOrder): MappingContext {
  const dest = destination(o);
  const iso3 = isEu(dest) && dest !== "NL" ? euIso3(dest) : undefined;
  return { ossEnabled: true, nlRates: BTW_TARIEVEN.map((t) => ({ ...t })), ...(iso3 ? { ossRates: { [dest]: [...(VAT_RATES.get(iso3) ?? [])] } } : {}) };
}

function asInput(sim: SimOrder): OrderInput {
  const { orderrows, ...order } = sim;
  return { order: { ...order, orderrows: { href: `${sim.href}orderrows/` } }, rows: orderrows } as unknown as OrderInput;
}

function post(path: string, body: unknown): SimRequest {
  return { method: "POST", path, rawUrl: path, query: new URLSearchParams(), headers: {}, body: JSON.stringify(body), params: {}, template: path };
}

/** The order's kinds: market, customer and price mode, and each part it has. */
function kinds(o: SimOrder): string[] {
  const dest = destination(o);
  const out = [`${dest === "NL" ? "NL" : isEu(dest) ? "EU" : "export"} ${o.customer.btw ? "B2B" : "B2C"} ${o.order_row_taxes_included ? "gross" : "net"}`];
  if (o.total_shipping) out.push("shipping");
  if (o.paymethod_costs) out.push("payment costs");
  if (o.extra_costs > 0) out.push("extra costs");
  if (o.extra_costs < 0) out.push("negative extra costs");
  if (o.discountcoupon?.code) out.push("coupon");
  if (o.credit_point_discount) out.push("credit points");
  if (o.orderrows.some((r) => r.discount)) out.push("row discount");
  return out;
}

interface Stat {
  orders: number;
  off: number;
  warned: number;
  maxCents: number;
  example: string;
}

const euros = (cents: number) => (cents / 100).toFixed(2);

function main(): void {
  const flags = readFlags(process.argv.slice(2), ["seeds", "orders"]);
  const [from, to = from] = (flags.get("seeds") ?? "1-5").split("-").map(Number);
  const count = Number(flags.get("orders") ?? 300);
  const byKind = new Map<string, Stat>();
  const byCause = new Map<string, Stat>();
  const tally = (map: Map<string, Stat>, key: string, d: number, warned: boolean, example: string) => {
    const s = map.get(key) ?? { orders: 0, off: 0, warned: 0, maxCents: 0, example: "" };
    s.orders++;
    if (Math.abs(d) > 1) s.off++;
    if (warned) s.warned++;
    if (Math.abs(d) > s.maxCents || (warned && !s.example)) [s.maxCents, s.example] = [Math.max(s.maxCents, Math.abs(d)), example];
    map.set(key, s);
  };
  let refused = 0;
  let waited = 0;
  let held = 0;
  for (let seed = from; seed <= to; seed++) {
    const state = new SimState({ seed, ossEnabled: true, now: () => Date.UTC(2025, 0, 1), limits: new AdminLimits("off", TIERS.production, Date.now) });
    // One klant per country and VAT number, in the destination country (where OSS looks).
    const klanten = new Map<string, string>();
    const klant = (o: SimOrder) => {
      const key = `${destination(o)} ${o.customer.btw}`;
      let id = klanten.get(key);
      if (!id) {
        id = state.newId();
        const vestigingsAdres = { contactpersoon: null, straat: null, postcode: null, plaats: null, landId: simLandId(destination(o)) };
        state.relaties.set(id, { id, relatiecode: 10 + klanten.size, relatiesoort: ["Klant"], naam: key, email: null, btwNummer: o.customer.btw || null, vestigingsAdres, krediettermijn: null, nonactief: false, modifiedOn: "2024-01-01T00:00:00", extraVeldenKlant: [], extra: {} });
        klanten.set(key, id);
      }
      return id;
    };
    const articles = new Map<string, { id: string; category: string }>();
    const book = (o: SimOrder, model: VerkooporderModel): boolean => {
      // An article whose category the order does not tell is not created: the order waits (ARTICLE_GROUP_UNKNOWN).
      if (model.regels.some((r) => r.vatCategory === null && !articles.has(r.artikelcode))) return false;
      for (const r of model.regels) {
        if (articles.has(r.artikelcode) || r.vatCategory === null) continue;
        const res = createArtikel(state, post("/v2/artikelen", { artikelcode: r.artikelcode, omschrijving: r.omschrijving.slice(0, 50) || r.artikelcode, artikelOmzetgroep: { id: GROUPS[r.vatCategory] } }));
        articles.set(r.artikelcode, { id: (res.body as { id: string }).id, category: r.vatCategory });
      }
      const ids = new Map([...articles].map(([code, a]) => [code, a.id]));
      const res = createOrder(state, post("/v2/verkooporders", toVerkooporder(model, klant(o), ids)));
      if (res.status !== 201) throw new Error(`seed ${seed}, order ${o.ordernumber}: ${JSON.stringify(res.body)}`);
      const answer = res.body as { totaalExclusiefBtw: number; totaalInclusiefBtw: number };
      const d = Math.round(answer.totaalInclusiefBtw * 100) - model.totalCents;
      const warned = checkVerkooporderTotals(model, answer).length > 0;
      const other = model.regels.filter((r) => r.vatCategory !== null && articles.get(r.artikelcode)?.category !== r.vatCategory);
      const cause = other.length
        ? "an article in another category than its line"
        : model.regels.some((r) => r.vatCategory === null)
          ? "zero-rated sale (ICP, export): the articles' Dutch VAT"
          : warned && Math.abs(d) <= 1
            ? "VAT only (OSS): the country's rate SnelStart takes for the group is not the row's"
            : d === 0
              ? "none"
              : "rounding per line";
      const misfits = other.length ? `; ${[...new Set(other.map((r) => `${r.artikelcode} (${r.vatCategory} line, ${articles.get(r.artikelcode)?.category} article)`))].join(", ")}` : "";
      const example = `seed ${seed} order ${o.ordernumber} (${kinds(o).join(", ")}): SnelStart ${euros(model.totalCents + d)}, CCV ${euros(model.totalCents)}${misfits}`;
      for (const k of kinds(o)) tally(byKind, k, d, warned, example);
      tally(byCause, `${cause}, ${model.verkooporderBtwIngaveModel}`, d, warned, example);
      return true;
    };
    let waiting: Array<[SimOrder, VerkooporderModel]> = [];
    for (const o of generateOrders({ count, seed })) {
      if (!o.is_completed || o.ordernumber == null || o.status === 8 || !o.paid) continue;
      let model: VerkooporderModel;
      try {
        mapOrder(asInput(o), MAPPING, context(o));
        model = buildVerkooporder(asInput(o), MAPPING, context(o));
      } catch {
        refused++;
        continue;
      }
      if (!book(o, model)) waiting.push([o, model]);
    }
    waited += waiting.length;
    waiting = waiting.filter(([o, model]) => !book(o, model));
    held += waiting.length;
  }
  const table = (title: string, map: Map<string, Stat>) => {
    console.log(`\n${title} | orders | total off by more than 1 cent | warned | largest difference | example`);
    for (const [k, s] of [...map].sort()) console.log(`${k} | ${s.orders} | ${s.off} | ${s.warned} | ${euros(s.maxCents)} | ${s.example}`);
  };
  console.log(`seeds ${from}-${to}, ${count} orders each; refused by the mapping: ${refused}; waited a run for an article the order cannot create: ${waited}, of which still held: ${held}`);
  table("kind", byKind);
  table("cause, price mode", byCause);
}

if (require.main === module) main();
