/**
 * `node dist/scripts/verkooporder-totals.js [--seeds 1-5] [--orders 300]`: how far a sales
 * order's total, as SnelStart computes it, is from CCV's `total_price`.
 *
 * For every generated order (sim/ccv/generate.ts) that would be booked (completed, paid, not
 * cancelled, mapped by vat-mapper), builds the sales order (buildVerkooporder), creates its
 * articles the way snelstart-invoice does (found by code, else created in the revenue group of
 * the line's VAT category; one article store per seed, so an article keeps the group of its
 * first use) and posts it to the SnelStart simulator's handlers, in process. Prints the
 * differences grouped by kind of order and part, and one example per kind.
 */
import { readFlags } from "../sim/cli";
import type { SimRequest } from "../sim/http";
import { generateOrders, type SimOrder } from "../sim/ccv/generate";
import { createArtikel } from "../sim/snelstart/artikelen";
import { BTW_TARIEVEN, VAT_RATES, simOmzetgroepId } from "../sim/snelstart/data";
import { startSnelStartSim } from "../sim/snelstart/server";
import type { SimState } from "../sim/snelstart/state";
import { createOrder } from "../sim/snelstart/verkooporders";
import { buildVerkooporder, createMapping, euIso3, isEu, mapOrder, toVerkooporder, type Mapping, type MappingContext, type OrderInput, type VerkooporderModel } from "../src/koppeling";

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

function context(o: SimOrder): MappingContext {
  const dest = (o.customer.deliveryaddress?.country_code || o.customer.billingaddress.country_code || "").toUpperCase();
  const iso3 = isEu(dest) && dest !== "NL" ? euIso3(dest) : undefined;
  return {
    ossEnabled: true,
    nlRates: BTW_TARIEVEN.map((t) => ({ ...t })),
    ...(iso3 ? { ossRates: { [dest]: [...(VAT_RATES.get(iso3) ?? [])] } } : {}),
  };
}

function asInput(sim: SimOrder): OrderInput {
  const { orderrows, ...order } = sim;
  return { order: { ...order, orderrows: { href: `${sim.href}orderrows/` } }, rows: orderrows } as unknown as OrderInput;
}

function post(path: string, body: unknown): SimRequest {
  return { method: "POST", path, rawUrl: path, query: new URLSearchParams(), headers: {}, body: JSON.stringify(body), params: {}, template: path };
}

/** The order's kind: profile, price mode and the parts it has. */
function kinds(o: SimOrder): string[] {
  const dest = o.customer.deliveryaddress?.country_code || o.customer.billingaddress.country_code || "";
  const market = dest === "NL" ? "NL" : isEu(dest) ? "EU" : "export";
  const who = o.customer.btw ? "B2B" : "B2C";
  const out = [`${market} ${who} ${o.order_row_taxes_included ? "gross" : "net"}`];
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
  maxCents: number;
  example: string;
}

async function main(): Promise<void> {
  const flags = readFlags(process.argv.slice(2), ["seeds", "orders"]);
  const [from, to] = (flags.get("seeds") ?? "1-5").split("-").map(Number);
  const count = Number(flags.get("orders") ?? 300);
  const sim = await startSnelStartSim({ rateLimits: "off" });
  const state: SimState = sim.state;
  const stats = new Map<string, Stat>();
  let refused = 0;
  const causes = new Map<string, { n: number; off: number; example: string }>();
  try {
    for (let seed = from; seed <= (to ?? from); seed++) {
      state.reset();
      const relatieId = state.newId();
      state.relaties.set(relatieId, { id: relatieId, relatiecode: 10, relatiesoort: ["Klant"], naam: "Klant", email: null, btwNummer: null, vestigingsAdres: null, krediettermijn: null, nonactief: false, modifiedOn: "2024-01-01T00:00:00", extraVeldenKlant: [], extra: {} });
      const articles = new Map<string, string>();
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
        for (const r of model.regels) {
          if (articles.has(r.artikelcode)) continue;
          const res = createArtikel(state, post("/v2/artikelen", { artikelcode: r.artikelcode, omschrijving: r.omschrijving.slice(0, 50) || r.artikelcode, artikelOmzetgroep: { id: GROUPS[r.vatCategory] }, verkoopprijs: r.stuksprijs }));
          articles.set(r.artikelcode, (res.body as { id: string }).id);
        }
        const res = createOrder(state, post("/v2/verkooporders", toVerkooporder(model, relatieId, articles)));
        if (res.status !== 201) throw new Error(`seed ${seed}, order ${o.ordernumber}: ${JSON.stringify(res.body)}`);
        const snel = Math.round((res.body as { totaalInclusiefBtw: number }).totaalInclusiefBtw * 100);
        const ccv = Math.round(o.total_price * 100);
        const d = snel - ccv;
        const groupOf = new Map([...state.artikelen.values()].map((a) => [a.artikelcode, Object.entries(GROUPS).find(([, id]) => id === a.omzetgroepId)?.[0]]));
        const wrong = model.regels.filter((r) => groupOf.get(r.artikelcode) !== r.vatCategory);
        const cause = wrong.length ? `article group: ${[...new Set(wrong.map((r) => (r.artikelcode === "ARTIKEL" ? "fallback" : ["VERZEND", "BETAALKOSTEN", "EXTRAKOSTEN"].includes(r.artikelcode) ? r.artikelcode : r.artikelcode.startsWith("KORTING") ? "discount" : "product")))].sort().join("+")}` : Math.abs(d) > 1 ? "other" : "none";
        if (Math.abs(d) > 1 || wrong.length) {
          const c = causes.get(cause) ?? { n: 0, off: 0, example: "" };
          c.n++;
          if (Math.abs(d) > 1) c.off++;
          if (!c.example && Math.abs(d) > 1) c.example = `seed ${seed} order ${o.ordernumber} (${kinds(o).join(", ")}): SnelStart ${(snel / 100).toFixed(2)}, CCV ${o.total_price.toFixed(2)}; ${wrong.map((r) => `${r.artikelcode} line ${r.vatCategory}, article ${groupOf.get(r.artikelcode)} (${r.stuksprijs} x ${r.aantal})`).join("; ")}`;
          causes.set(cause, c);
        }
        for (const k of kinds(o)) {
          const s = stats.get(k) ?? { orders: 0, off: 0, maxCents: 0, example: "" };
          s.orders++;
          if (Math.abs(d) > 1) {
            s.off++;
            if (Math.abs(d) > s.maxCents) {
              s.maxCents = Math.abs(d);
              s.example = `seed ${seed} order ${o.ordernumber}: SnelStart ${(snel / 100).toFixed(2)}, CCV ${o.total_price.toFixed(2)} (${kinds(o).join(", ")})`;
            }
          }
          stats.set(k, s);
        }
      }
    }
  } finally {
    await sim.close();
  }
  console.log(`refused by the mapping (not booked): ${refused}`);
  console.log("kind | orders | total off by more than 1 cent | largest difference | example");
  console.log("\ncause | orders | of which total off | example");
  for (const [k, c] of [...causes].sort()) console.log(`${k} | ${c.n} | ${c.off} | ${c.example}`);
  console.log("");
  for (const [k, s] of [...stats].sort()) console.log(`${k} | ${s.orders} | ${s.off} | ${(s.maxCents / 100).toFixed(2)} | ${s.example}`);
}

if (require.main === module) void main();
