/**
 * Benchmarks: `npm run bench`, or `node dist/scripts/bench.js [section ...] [--flag value ...]`
 * after the build. Sections: mapping, pipeline, ledger, node-red, heap (the node-red section's
 * imports with Node-RED's heap capped: scripts/bench-heap.ts).
 *
 * Every section in SECTIONS is a named list of cases; a case is timed in rounds after a warm-up
 * and its median throughput (per second, one core) is reported in one table with the machine
 * noted. Add a section (e.g. client throughput against the simulators) by appending to SECTIONS;
 * a section may be async. "ledger" and "node-red" report figures of their own; "node-red" (a
 * real Node-RED against the simulators, scripts/bench-nodered.ts) takes the flags, e.g.
 * `node-red --sizes 200,500 --rounds 1`, and writes its figures into docs/benchmarks.md.
 */
import os from "node:os";
import type { CcvOrder, CcvOrderRow } from "../src/ccv/schemas";
import { createMapping, mapOrder, toVerkoopboeking, type LedgerRef, type Mapping, type MappingContext, type OrderInput } from "../src/koppeling";
import { ledgerFigures } from "./bench-ledger";
import { HEAP_CAPS_MB, heapFigures, heapMarkdown, writeHeapDocs } from "./bench-heap";
import { benchFlags, nodeRedFigures, nodeRedMarkdown, parseNodeRedFlags, writeDocs } from "./bench-nodered";
import { pipelineCases } from "./bench-pipeline";

export type Case = {
  name: string;
  /** What one call does, for the unit column ("orders"). */
  unit: string;
} & (
  | {
      /** One operation; returns a number so the work cannot be optimised away. */
      op: () => number;
    }
  | {
      /** One timed round of asynchronous work; returns units per second. */
      round: () => Promise<number>;
      rounds: number;
    }
);

interface Section {
  name: string;
  cases: () => Case[] | Promise<Case[]>;
}

interface Result {
  section: string;
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
}

const WARMUP_MS = 1000;
const ROUND_MS = 250;
const ROUNDS = 9;

let sink = 0;

/** Calls `op` for about `ms` milliseconds; returns calls per second. */
function timed(op: () => number, ms: number): number {
  let calls = 0;
  let batch = 64;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < batch; i++) sink += op();
    calls += batch;
    now = process.hrtime.bigint();
    if (batch < 4096) batch *= 2;
  }
  return calls / (Number(now - start) / 1e9);
}

async function measure(section: string, c: Case): Promise<Result> {
  let rates: number[];
  if ("op" in c) {
    timed(c.op, WARMUP_MS);
    rates = Array.from({ length: ROUNDS }, () => timed(c.op, ROUND_MS));
  } else {
    await c.round(); // warm-up
    rates = [];
    for (let i = 0; i < c.rounds; i++) rates.push(await c.round());
  }
  rates.sort((a, b) => a - b);
  return { section, name: c.name, unit: c.unit, median: rates[Math.floor(rates.length / 2)], min: rates[0], max: rates[rates.length - 1] };
}

// ---- mapping: the domain's mapOrder ----

const ledger = (n: number, nummer: number, soort: LedgerRef["btwSoort"]): LedgerRef => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, nummer, btwSoort: soort });

function benchMapping(grouping: "ledger" | "row"): Mapping {
  return createMapping({
    revenue: { hoog: ledger(1, 8000, ["Hoog"]), laag: ledger(2, 8010, ["Laag"]), geen: ledger(3, 8030, ["Geen"]) },
    shipping: ledger(4, 8050, ["Hoog", "Laag", "Geen"]),
    euConsumers: "oss",
    oss: { ledgers: { SR: ledger(11, 8411, ["Geen"]), RRL: ledger(13, 8413, ["Geen"]) }, foreignVat: ledger(20, 1650, []) },
    grouping,
  });
}

const CONTEXT: MappingContext = {
  ossEnabled: true,
  ossRates: {
    DE: [
      { rateCode: "SR", rate: 19, validFrom: "2021-01-01T00:00:00" },
      { rateCode: "RRL", rate: 7, validFrom: "2021-01-01T00:00:00" },
    ],
  },
};

function address(country: string) {
  return {
    gender: null, initials: "J.", first_name: "Jan", last_name: "Jansen", full_name: "Jan Jansen", company: "",
    address_line_1: "Voorbeeldstraat 3", address_line_2: "", street: "Voorbeeldstraat", housenumber: "3", housenumber_suffix: "",
    zipcode: "1234ab", city: "Amsterdam", province: "", country: "", country_code: country, telephone: "0201234567", mobile: "", fax: "", comment: "",
  };
}

function row(id: number, name: string, count: number, price: number, discount: number, tax: number): CcvOrderRow {
  const total = Math.round(count * (price - discount) * 100) / 100;
  return { id, product_type: "product", product_id: id, product_name: name, product_number: `SKU${id}`, sub_product_number: "", count, price, discount, total_price: total, tax, unit: "stuk" };
}

/** A typical Dutch consumer order as the CCV client hands it over (zod output form): 4 rows at 21 % and 9 %, a coupon, shipping. */
function typicalNlOrder(): OrderInput {
  const rows = [row(1, "Theepot gietijzer", 1, 34.95, 0, 21), row(2, "Espressokopjes set van 4", 2, 21.95, 2.2, 21), row(3, "Koffiebonen 1 kg", 3, 18.95, 0, 9), row(4, "Stroopwafels", 2, 3.99, 0, 9)];
  // 34.95 + 39.50 + 56.85 + 7.98 = 139.28 (row discounts 4.40); coupon 10 % = 13.93 -> 7.45 @21 % / 6.48 @9 %; shipping 4.95 @21 %.
  const order = {
    id: 339323562, ordernumber: 10330, ordernumber_full: "10330", invoicenumber: 20555, create_date: "2024-11-07T21:51:00Z", status: 7,
    is_completed: true, paid: true, paymethod_id: 1, paymethod: "Ideal", paymethod_label: "iDEAL", taxes_included: true,
    order_row_taxes_included: true, shipping_taxes_included: true, shipping_tax_percentage: 21, is_intra_community_order: false,
    total_orderrow_price: 139.28, total_shipping: 4.95, total_discounts: 18.33, total_price: 130.3, total_tax: 17.31, currency: "EUR",
    paymethod_costs: 0, credit_point_discount: 0, extra_costs: 0, extra_costs_description: "", user: { id: 24464274 },
    discountcoupon: { code: "WELKOM10", discount: 10, type: "percentage", givesfreeshipping: false },
    customer: { billingaddress: address("NL"), deliveryaddress: { ...address("NL"), country_code: null }, email: "jan@example.nl", customertype: "b2c", btw: "", kvk: "", reference: "" },
  } satisfies CcvOrder;
  return { order, rows };
}

/** The same as raw JSON the way the CCV API sends it (ids as strings, house numbers as numbers): validated by zod on every call. */
function rawNlOrder(): OrderInput {
  const { order, rows } = typicalNlOrder();
  const raw = JSON.parse(JSON.stringify(order));
  raw.user.id = "24464274";
  raw.customer.billingaddress.housenumber = 3;
  return { order: raw, rows };
}

/** SnelStart's portal OSS example: a German consumer, 67.90 @7 % and 7.40 @19 % net, plus shipping 5.95 @19 %. */
function ossOrder(): OrderInput {
  const { order } = typicalNlOrder();
  const rows = [row(1, "Buch", 1, 67.9, 0, 7), row(2, "Tasse", 2, 3.7, 0, 19)];
  return {
    order: {
      ...order, create_date: "2024-07-29T09:00:00Z", order_row_taxes_included: false, shipping_taxes_included: false, shipping_tax_percentage: 19,
      total_orderrow_price: 75.3, total_shipping: 5.95, total_discounts: 0, discountcoupon: null, total_price: 88.54, total_tax: 7.29,
      customer: { ...order.customer, billingaddress: address("DE") },
    },
    rows,
  };
}

function mappingCases(): Case[] {
  const ledgerMapping = benchMapping("ledger");
  const rowMapping = benchMapping("row");
  const nl = typicalNlOrder();
  const raw = rawNlOrder();
  const oss = ossOrder();
  // Fail loudly before timing if an order does not map.
  for (const [input, m] of [[nl, ledgerMapping], [raw, ledgerMapping], [oss, ledgerMapping]] as const) mapOrder(input, m, CONTEXT);
  return [
    { name: "mapOrder, typical 4-row NL order", unit: "orders", op: () => mapOrder(nl, ledgerMapping, CONTEXT).totalCents },
    { name: "mapOrder, 4-row NL order, one line per row", unit: "orders", op: () => mapOrder(nl, rowMapping, CONTEXT).totalCents },
    { name: "mapOrder, OSS order (DE consumer)", unit: "orders", op: () => mapOrder(oss, ledgerMapping, CONTEXT).totalCents },
    { name: "mapOrder, NL order as raw JSON (zod validation)", unit: "orders", op: () => mapOrder(raw, ledgerMapping, CONTEXT).totalCents },
    { name: "mapOrder + toVerkoopboeking, NL order", unit: "orders", op: () => toVerkoopboeking(mapOrder(nl, ledgerMapping, CONTEXT), "k").factuurbedrag },
  ];
}

const SECTIONS: Section[] = [
  { name: "mapping", cases: mappingCases },
  { name: "pipeline", cases: pipelineCases },
];

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Section names, and the flags (`--name value`, `--name=value`, `--no-write`) for the node-red section. */
function splitArgs(argv: readonly string[]): { wanted: string[]; flags: string[] } {
  const wanted: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) wanted.push(argv[i]);
    else if (argv[i] === "--no-write" || argv[i].includes("=")) flags.push(argv[i]);
    else flags.push(argv[i], argv[++i]);
  }
  return { wanted, flags };
}

async function main(): Promise<void> {
  const { wanted, flags } = splitArgs(process.argv.slice(2));
  const known = [...SECTIONS.map((s) => s.name), "ledger", "node-red", "heap"];
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(", ")}; known: ${known.join(", ")}`);
  const nodeRed = wanted.length === 0 || wanted.includes("node-red");
  const heap = wanted.length === 0 || wanted.includes("heap");
  if (flags.length && !nodeRed && !heap) throw new Error(`flags (${flags.join(" ")}) are for the node-red and heap sections only`);
  // Flags are checked before any section runs.
  const nodeRedOptions = nodeRed || heap ? parseNodeRedFlags(flags) : null;
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`Machine: ${cpu} (${os.cpus().length} cores), ${os.platform()} ${os.arch()}, Node.js ${process.version}. Mapping: one core, median of ${ROUNDS} rounds of ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up; pipeline: median of its rounds after one warm-up round.\n`);
  const results: Result[] = [];
  for (const section of SECTIONS) {
    if (wanted.length > 0 && !wanted.includes(section.name)) continue;
    for (const c of await section.cases()) results.push(await measure(section.name, c));
  }
  const header = ["section", "case", "median /s", "min /s", "max /s"];
  const rows = results.map((r) => [r.section, `${r.name} (${r.unit})`, fmt(r.median), fmt(r.min), fmt(r.max)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  if (rows.length) {
    console.log(line(header));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const r of rows) console.log(line(r));
  }
  if (wanted.length === 0 || wanted.includes("ledger")) {
    for (const ageDays of [0, 200]) {
      const f = await ledgerFigures(100_000, ageDays);
      const ms = (n: number) => `${n.toFixed(1)} ms`;
      const what = ageDays ? `booked ${ageDays} days ago: folded` : "booked today";
      console.log(`\nledger (${fmt(f.orders)} orders, 90 % booked, ${what}; median of 3): time / longest event-loop block`);
      console.log(`  load        ${ms(f.loadMs).padStart(10)}  / ${ms(f.loadMaxBlockMs)}`);
      console.log(`  one update  ${ms(f.updateMs).padStart(10)}  / ${ms(f.updateMaxBlockMs)} (fsynced journal line)`);
      console.log(`  compaction  ${ms(f.compactMs).padStart(10)}  / ${ms(f.compactMaxBlockMs)}`);
      console.log(`  on disk     ${f.bytesPerOrder.toFixed(1)} bytes per order`);
    }
  }
  if (nodeRedOptions && nodeRed) {
    const o = nodeRedOptions;
    console.log(`\nnode-red: the example flow in a real Node-RED against the simulators; shops of ${o.sizes.join(", ")} orders at ${o.ordersPerDay.toFixed(1)} a day, ${o.rounds} round(s) …`);
    const f = await nodeRedFigures(o, (line) => console.log(line));
    console.log(`\n${nodeRedMarkdown(f, null)}`);
    if (o.write) console.log(`\nwritten into ${writeDocs(f)} (and the chart next to it)`);
  }
  if (nodeRedOptions && heap) {
    const o = nodeRedOptions;
    console.log(`\nheap: the import again with Node-RED's V8 heap capped at ${HEAP_CAPS_MB.join(" and ")} MB; shops of ${o.sizes.join(", ")} orders at ${o.ordersPerDay.toFixed(1)} a day, ${o.rounds} round(s) …`);
    const section = heapMarkdown(await heapFigures(o, HEAP_CAPS_MB, (line) => console.log(line)), o.rounds, benchFlags(o));
    console.log(`\n${section}`);
    if (o.write) console.log(`\nwritten into ${writeHeapDocs(section)}`);
  }
  if (sink === Number.NEGATIVE_INFINITY) console.log(sink); // keeps the results alive
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
