/**
 * Bench section "node-red": the whole koppeling as `npm run demo` runs it — a real Node-RED 4.1
 * (a child process) with the packed package and the example flow, against both simulators in
 * this process (scripts/node-red-runtime.ts) — measured from outside:
 *
 * - the shops: every one sells `ordersPerDay` orders a day (default: the smallest size's orders over
 *   90 days), so a shop of N orders has N / ordersPerDay days of history, ending when the bench
 *   starts it (`historyEnd` "now") or at the seed's reference date; the import and the routine run
 *   measure the same shops;
 * - import: a first run over a shop of N orders, rate limits off (simulators and clients alike):
 *   booked orders per second (inject to summary), the Node-RED process's peak RSS (VmHWM), the
 *   CPU seconds of Node-RED and of this process (the simulators), and CCV and SnelStart calls
 *   per booked order (the simulators' request counters);
 * - routine run: then `newOrders` are added through the CCV simulator's control API, and a run
 *   finds and books them over that history: CCV calls (per resource), SnelStart calls, time;
 * - webhook → booking: then the webhooks are registered and orders are added one at a time; from
 *   the add to the booking landing in the SnelStart simulator (idle); and while an import of
 *   `duringSize` orders runs (in a fresh Node-RED), orders added at even intervals over it;
 * - real limits: an import of `quotaOrders` orders with the documented limits: per CCV resource
 *   (and for SnelStart) the most calls in any minute ÷ the calls a minute allows (SnelStart also
 *   the hour), and the booked orders per second; plus a 10,000-order import projected on the
 *   real services (see `projectImport`); during it, with the webhooks registered, orders added at
 *   even intervals as during the import above: webhook → booking at real limits.
 *
 * Every figure is the median over `rounds` runs, each on a fresh Node-RED and fresh simulators.
 * `writeDocs` puts the result into docs/benchmarks.md (between the markers) and the chart into
 * docs/bench-node-red.svg.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { integerFlag, readFlags } from "../sim/cli";
import { type RateLimitMode, seededRandom } from "../sim/http";
import { referenceDate, type SimOrder } from "../sim/ccv/generate";
import { GET_BUDGET, RATE_LIMIT_WINDOW_MS, WRITE_BUDGET, liveReserve } from "../src/ccv/throttle";
import { THROTTLE_TIERS, Throttle } from "../src/snelstart/throttle";
import { svgChart } from "./bench-chart";
import { factuurnummerOf, newOrder } from "./chaos";
import { EXAMPLE_IDS, type KoppelingRuntime, ROOT, scheduleByHand, startKoppeling } from "./node-red-runtime";

export interface NodeRedBenchOptions {
  /** Shop sizes (orders) of the imports; each also the history of a routine run. */
  sizes: number[];
  rounds: number;
  /** New orders a routine run finds. */
  newOrders: number;
  /** Webhook orders per latency measurement. */
  webhookOrders: number;
  /** The import during which webhook latency is measured. */
  duringSize: number;
  /** The import with real rate limits. */
  quotaOrders: number;
  /**
   * Every shop's daily volume: a shop of N orders spans N / ordersPerDay days of history, so the
   * routine runs over 1,000 / 10,000 / 30,000 orders see shops that sell the same a day (default:
   * the smallest size's orders over 90 days, 11.1 a day at 1,000).
   */
  ordersPerDay: number;
  /**
   * Where the shops' history ends: `now`, when the bench starts the shop (default: a routine run's
   * horizon then holds the shop's last 90 days, as it would in a shop), or at the seed's
   * `reference` date (the simulator's default, ../sim/ccv/generate.ts).
   */
  historyEnd: "reference" | "now";
  seed: number;
  /** Write docs/benchmarks.md and the chart (default true). */
  write: boolean;
}

export const NODE_RED_BENCH_DEFAULTS: NodeRedBenchOptions = {
  sizes: [1_000, 10_000, 30_000],
  rounds: 3,
  newOrders: 5,
  webhookOrders: 20,
  duringSize: 1_000,
  quotaOrders: 350,
  ordersPerDay: 1_000 / 90,
  historyEnd: "now",
  seed: 1,
  write: true,
};

/** `--sizes 200,500 --rounds 1 --new-orders 5 --webhook-orders 20 --during-size N --quota-orders N --orders-per-day D --history-end reference|now --seed S --no-write`. */
export function parseNodeRedFlags(argv: readonly string[]): NodeRedBenchOptions {
  const d = NODE_RED_BENCH_DEFAULTS;
  const f = readFlags(
    argv.filter((a) => a !== "--no-write"),
    ["sizes", "rounds", "new-orders", "webhook-orders", "during-size", "quota-orders", "orders-per-day", "history-end", "seed"],
  );
  const sizes = f.has("sizes") ? String(f.get("sizes")).split(",").map((s) => Number(s.trim())) : d.sizes;
  if (sizes.length === 0 || !sizes.every((n) => Number.isInteger(n) && n >= 20)) throw new Error(`--sizes must be a comma-separated list of order counts of at least 20, not "${f.get("sizes")}"`);
  sizes.sort((a, b) => a - b);
  const perDay = f.has("orders-per-day") ? Number(f.get("orders-per-day")) : sizes[0] / 90;
  if (!(Number.isFinite(perDay) && perDay > 0)) throw new Error(`--orders-per-day must be a positive number, not "${f.get("orders-per-day")}"`);
  const historyEnd = f.get("history-end") ?? d.historyEnd;
  if (historyEnd !== "reference" && historyEnd !== "now") throw new Error(`--history-end must be reference or now, not "${historyEnd}"`);
  return {
    sizes,
    rounds: integerFlag(f, "rounds", d.rounds, 1),
    newOrders: integerFlag(f, "new-orders", d.newOrders, 1),
    webhookOrders: integerFlag(f, "webhook-orders", d.webhookOrders, 1),
    // The smallest import size unless given: its import is measured anyway, and short.
    duringSize: integerFlag(f, "during-size", f.has("sizes") ? sizes[0] : d.duringSize, 20),
    quotaOrders: integerFlag(f, "quota-orders", d.quotaOrders, 20),
    ordersPerDay: perDay,
    historyEnd,
    seed: integerFlag(f, "seed", d.seed),
    write: !argv.includes("--no-write"),
  };
}

// ---- measuring from outside ----

type Counts = Record<string, number>;

interface Calls {
  ccv: Counts;
  snelstart: Counts;
}

function calls(rt: KoppelingRuntime): Calls {
  return { ccv: rt.ccv.state.requests.toJSON(), snelstart: rt.snelstart.state.requests.toJSON() };
}

function since(before: Counts, after: Counts): Counts {
  const out: Counts = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

const sum = (c: Counts, keep: (key: string) => boolean = () => true) => Object.entries(c).reduce((n, [k, v]) => (keep(k) ? n + v : n), 0);
/** What CCV Shop allows a `METHOD template` a minute. */
const budgetOf = (resource: string) => (resource.startsWith("GET ") ? GET_BUDGET : WRITE_BUDGET);
/** SnelStart's API calls (what its limits count), without the token requests. */
const isApi = (key: string) => key.split(" ")[1].startsWith("/v2");

/** The Node-RED process's peak resident set (VmHWM) in MB; null where /proc is not there. */
export function peakRssMb(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

let clockTicks: number | null = null;

/** CPU seconds (user + system) the process has used; null where /proc is not there. */
function cpuSeconds(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    clockTicks ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** When each sales booking landed in the SnelStart simulator, by invoice number. */
class BookingWatch {
  private readonly landed = new Map<string, number>();
  private readonly waiting = new Map<string, () => void>();

  constructor(rt: KoppelingRuntime) {
    const map = rt.snelstart.state.verkoopboekingen;
    const set = map.set.bind(map);
    map.set = (k, v) => {
      if (!map.has(k) && !this.landed.has(v.factuurnummer)) {
        this.landed.set(v.factuurnummer, performance.now());
        this.waiting.get(v.factuurnummer)?.();
      }
      return set(k, v);
    };
  }

  /** performance.now() of the booking of `factuurnummer`, waiting for it up to `timeoutMs`. */
  async booked(factuurnummer: string, timeoutMs: number): Promise<number> {
    const at = this.landed.get(factuurnummer);
    if (at !== undefined) return at;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((r) => this.waiting.set(factuurnummer, r)),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`invoice ${factuurnummer} was not booked within ${timeoutMs} ms`)), timeoutMs))),
    ]).finally(() => {
      clearTimeout(timer);
      this.waiting.delete(factuurnummer);
    });
    return this.landed.get(factuurnummer) as number;
  }
}

/** Adds a paid order through the CCV simulator's control API (its webhooks fire, when registered). */
async function addOrder(rt: KoppelingRuntime, rng: () => number, n: number): Promise<SimOrder> {
  const r = await fetch(`${rt.ccv.url}/__sim/orders`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(newOrder(rng, `bench-${n}@example.nl`, true)) });
  if (r.status !== 201) throw new Error(`POST /__sim/orders: ${r.status} ${await r.text()}`);
  return (await r.json()) as SimOrder;
}

/** Milliseconds from adding an order (its webhook fires) to its booking in SnelStart. */
async function webhookLatency(rt: KoppelingRuntime, watch: BookingWatch, rng: () => number, n: number): Promise<number> {
  const t0 = performance.now();
  const order = await addOrder(rt, rng, n);
  return (await watch.booked(factuurnummerOf(order), 120_000)) - t0;
}

async function registerWebhooks(rt: KoppelingRuntime): Promise<void> {
  await rt.inject(EXAMPLE_IDS.registerWebhooks);
  const deadline = Date.now() + 30_000;
  while (rt.ccv.state.webhooks.length < 3) {
    if (Date.now() > deadline) throw new Error("the example flow did not register its 3 webhooks within 30 s");
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for any import on this machine; a hang still ends. */
const runTimeout = (orders: number) => Math.max(300_000, orders * 200);

/** A fresh Node-RED and simulators with a shop of `orders` at the bench's daily volume. */
export function start(orders: number, o: Pick<NodeRedBenchOptions, "seed" | "ordersPerDay" | "historyEnd">, rateLimits: RateLimitMode, nodeArgs?: string[], onLog?: (line: string) => void): Promise<KoppelingRuntime> {
  return startKoppeling({ orders, seed: o.seed, ordersPerDay: o.ordersPerDay, historyEnd: o.historyEnd === "now" ? Date.now() : undefined, rateLimits, editFlow: scheduleByHand, nodeArgs, onLog });
}

// ---- one run of each measurement ----

export interface ImportRun {
  orders: number;
  due: number;
  booked: number;
  failed: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number | null;
  nodeRedCpuS: number | null;
  simsCpuS: number;
  ccvCalls: number;
  snelstartCalls: number;
  /** CCV calls per `METHOD template`, and SnelStart API calls in all (for the projection). */
  ccvByResource: Counts;
  snelstartApiCalls: number;
}

export interface RoutineRun {
  /** The shop's orders before the new ones. */
  orders: number;
  /** Booked documents of the import: the history the run has. */
  history: number;
  booked: number;
  ccvCalls: number;
  snelstartCalls: number;
  seconds: number;
  /** CCV calls per `METHOD template`. */
  ccvByResource: Counts;
}

interface SizeRun {
  import: ImportRun;
  routine: RoutineRun;
  idleLatencyMs: number[];
}

/** Import, routine run and idle webhook latency on one Node-RED with a shop of `orders`. */
async function sizeRun(orders: number, o: NodeRedBenchOptions, round: number, log: (s: string) => void): Promise<SizeRun> {
  const rng = seededRandom(o.seed * 7919 + round);
  const rt = await start(orders, o, "off");
  try {
    const c0 = calls(rt);
    const cpu0 = { nodeRed: cpuSeconds(rt.pid), own: ownCpuSeconds() };
    const t0 = performance.now();
    const s = await rt.run(runTimeout(orders));
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = { nodeRed: cpuSeconds(rt.pid), own: ownCpuSeconds() };
    const c1 = calls(rt);
    const ccv = since(c0.ccv, c1.ccv);
    const snelstart = since(c0.snelstart, c1.snelstart);
    if (s.failed) log(`  warning: ${s.failed} failed in the import, e.g. ${s.errors.slice(0, 3).map((e) => `${e.ordernumber} ${e.code}`).join(", ")}`);
    const imp: ImportRun = {
      orders,
      due: s.total,
      booked: s.booked,
      failed: s.failed,
      seconds,
      perSecond: s.booked / seconds,
      peakRssMb: peakRssMb(rt.pid),
      nodeRedCpuS: cpu0.nodeRed === null || cpu1.nodeRed === null ? null : cpu1.nodeRed - cpu0.nodeRed,
      simsCpuS: cpu1.own - cpu0.own,
      ccvCalls: sum(ccv),
      snelstartCalls: sum(snelstart),
      ccvByResource: ccv,
      snelstartApiCalls: sum(snelstart, isApi),
    };
    log(`  import of ${orders}: ${s.booked} booked in ${seconds.toFixed(1)} s (${imp.perSecond.toFixed(1)}/s), peak RSS ${imp.peakRssMb?.toFixed(0) ?? "?"} MB`);

    for (let i = 0; i < o.newOrders; i++) await addOrder(rt, rng, i);
    const c2 = calls(rt);
    const t1 = performance.now();
    const r = await rt.run(runTimeout(orders));
    const routineSeconds = (performance.now() - t1) / 1000;
    const c3 = calls(rt);
    const routineCcv = since(c2.ccv, c3.ccv);
    const routine: RoutineRun = { orders, history: s.booked, booked: r.booked, ccvCalls: sum(routineCcv), snelstartCalls: sum(since(c2.snelstart, c3.snelstart)), seconds: routineSeconds, ccvByResource: routineCcv };
    if (r.booked !== o.newOrders) log(`  warning: the routine run booked ${r.booked} of ${o.newOrders} new orders`);
    const byResource = Object.entries(routineCcv).map(([k, n]) => `${n} ${k.replace("/api/rest/v1", "")}`).join(", ");
    log(`  routine run over ${routine.history} booked: ${routine.ccvCalls} CCV calls (${byResource}), ${routineSeconds.toFixed(2)} s`);

    await registerWebhooks(rt);
    const watch = new BookingWatch(rt);
    const idle: number[] = [];
    for (let i = 0; i < o.webhookOrders; i++) idle.push(await webhookLatency(rt, watch, rng, 1000 + i));
    log(`  webhook → booking, idle: p50 ${percentile(idle, 50).toFixed(0)} ms`);
    return { import: imp, routine, idleLatencyMs: idle };
  } finally {
    await rt.stop();
  }
}

/**
 * Adds `count` orders at even intervals over `expectedSeconds` (one every 1/(count + 2) of it) while
 * `running()` (as webhooks come, not waiting for each other); resolves to the latencies of those
 * added before the run ended.
 */
async function webhooksDuring(rt: KoppelingRuntime, watch: BookingWatch, rng: () => number, count: number, expectedSeconds: number, running: () => boolean, firstNumber: number): Promise<number[]> {
  const gapMs = webhookGapMs(count, expectedSeconds);
  const added: Array<Promise<number>> = [];
  for (let i = 0; i < count; i++) {
    await sleep(gapMs);
    if (!running()) break;
    const latency = webhookLatency(rt, watch, rng, firstNumber + i);
    latency.catch(() => undefined); // seen by Promise.all below; not an unhandled rejection meanwhile
    added.push(latency);
  }
  return Promise.all(added);
}

/** The time between two orders added during an import expected to take `expectedSeconds`. */
const webhookGapMs = (count: number, expectedSeconds: number) => Math.max(20, (expectedSeconds * 1000) / (count + 2));

const quantiles = (samples: readonly number[]) => (samples.length ? `p50 ${percentile(samples, 50).toFixed(0)} ms, p95 ${percentile(samples, 95).toFixed(0)} ms` : "no samples");

/**
 * Webhook latency while an import of `orders` runs: the webhooks are registered first, then the
 * run is started and orders are added at even intervals over the import's expected time; those
 * added before the import ended count.
 */
async function duringImportRun(orders: number, o: NodeRedBenchOptions, round: number, expectedSeconds: number, log: (s: string) => void): Promise<number[]> {
  const rng = seededRandom(o.seed * 104729 + round);
  const rt = await start(orders, o, "off");
  try {
    await registerWebhooks(rt);
    const watch = new BookingWatch(rt);
    let finished = false;
    const run = rt.run(runTimeout(orders)).finally(() => (finished = true));
    const samples = await webhooksDuring(rt, watch, rng, o.webhookOrders, expectedSeconds, () => !finished, 2000);
    const s = await run;
    log(`  webhook → booking during an import of ${orders} (${s.booked} booked): ${samples.length} samples, ${quantiles(samples)}`);
    return samples;
  } finally {
    await rt.stop();
  }
}

export interface QuotaRun {
  orders: number;
  booked: number;
  seconds: number;
  perSecond: number;
  /** Webhook → booking of the orders added during the import, ms. */
  latencyMs: number[];
  /** The time between two of those orders, s. */
  webhookGapS: number;
  /** Per CCV `METHOD template`: calls, the busiest 60 s and what a minute allows. */
  ccv: Array<{ resource: string; calls: number; busiestMinute: number; allowed: number }>;
  snelstart: { calls: number; busiestMinute: number; allowed: number; busiestHour: number; allowedHour: number };
}

/** The most timestamps (ms, ascending) in any window of `windowMs`. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * Webhook orders during the import at real limits: one about every 10 s (6 a minute), within what
 * the clients keep for webhooks (CCV: 10 of each resource's GETs a minute; SnelStart: 30 calls a
 * minute, 3 or 4 an order). Beyond that a webhook's order waits for the window like the import.
 */
function realLimitWebhooks(expectedSeconds: number): number {
  return Math.max(3, Math.round(expectedSeconds / 10) - 2);
}

/**
 * An import with the real limits, every request's time recorded by the simulators' counters; the
 * webhooks registered first and orders added at even intervals over its `expectedSeconds`, as in
 * `duringImportRun` (their calls count with the import's).
 */
async function quotaRun(orders: number, o: NodeRedBenchOptions, round: number, expectedSeconds: number, log: (s: string) => void): Promise<QuotaRun> {
  const rng = seededRandom(o.seed * 15485863 + round);
  const rt = await start(orders, o, "real");
  try {
    await registerWebhooks(rt);
    const watch = new BookingWatch(rt);
    const times = new Map<string, number[]>();
    for (const [name, counter] of [["ccv", rt.ccv.state.requests], ["snelstart", rt.snelstart.state.requests]] as const) {
      const add = counter.add.bind(counter);
      counter.add = (method: string, template: string) => {
        const key = `${name} ${method} ${template}`;
        const list = times.get(key) ?? [];
        if (list.length === 0) times.set(key, list);
        list.push(performance.now());
        add(method, template);
      };
    }
    const t0 = performance.now();
    let finished = false;
    const run = rt.run(runTimeout(orders * 100)).finally(() => (finished = true));
    const webhooks = realLimitWebhooks(expectedSeconds);
    const latencyMs = await webhooksDuring(rt, watch, rng, webhooks, expectedSeconds, () => !finished, 3000);
    const s = await run;
    const seconds = (performance.now() - t0) / 1000;
    const during = (key: string) => (times.get(key) ?? []).filter((t) => t >= t0);
    const ccv = [...times.keys()]
      .filter((k) => k.startsWith("ccv "))
      .map((k) => {
        const resource = k.slice(4);
        const list = during(k);
        return { resource, calls: list.length, busiestMinute: busiestWindow(list, RATE_LIMIT_WINDOW_MS), allowed: budgetOf(resource) };
      })
      .filter((r) => r.calls > 0)
      .sort((a, b) => b.calls - a.calls);
    const api = [...times.keys()].filter((k) => k.startsWith("snelstart ") && isApi(k.slice(10))).flatMap(during).sort((a, b) => a - b);
    const snelstart = {
      calls: api.length,
      busiestMinute: busiestWindow(api, 60_000),
      allowed: THROTTLE_TIERS.production.perMinute,
      busiestHour: busiestWindow(api, 3_600_000),
      allowedHour: THROTTLE_TIERS.production.perHour,
    };
    const quota: QuotaRun = { orders, booked: s.booked, seconds, perSecond: s.booked / seconds, latencyMs, webhookGapS: webhookGapMs(webhooks, expectedSeconds) / 1000, ccv, snelstart };
    log(`  import of ${orders} with real limits: ${s.booked} booked in ${seconds.toFixed(0)} s (${quota.perSecond.toFixed(2)}/s); webhook → booking during it: ${latencyMs.length} samples, ${quantiles(latencyMs)}`);
    return quota;
  } finally {
    await rt.stop();
  }
}

// ---- the projection ----

/**
 * Minutes `n` calls take at least under sliding windows of `perMinute` calls a minute and
 * `perHour` an hour (windows `minuteMs` and `hourMs` long): a window's calls go at once, the next
 * ones when it has passed; full hours first, the rest at the minute's pace.
 */
export function windowedMinutes(n: number, perMinute: number, perHour = Infinity, minuteMs = 60_000, hourMs = 3_600_000): number {
  if (n <= 0) return 0;
  const hours = Number.isFinite(perHour) ? Math.ceil(n / perHour) - 1 : 0;
  const rest = hours > 0 ? n - hours * perHour : n;
  return (hours * hourMs + (Math.ceil(rest / perMinute) - 1) * minuteMs) / 60_000;
}

export interface Projection {
  orders: number;
  /** The import size whose calls were scaled. */
  from: number;
  ccvMinutes: number;
  ccvBound: string;
  snelstartMinutes: number;
  minutes: number;
}

/**
 * The time an import of a shop of `orders` takes on the real services, from the calls the
 * measured import of `imp.orders` made, scaled by `orders / imp.orders`, and the client-side
 * budgets (`windowedMinutes`): for CCV Shop each resource's calls at what the CCV client lets an
 * import use of its budget (150 GETs, 100 writes a minute, less the reserve for webhooks:
 * 140 and 94), the slowest resource bounding; for
 * SnelStart all API calls at what the throttle leaves an import of the production tier (450 a
 * minute and 4,500 an hour, in windows 2 % longer, less the live reserve: 420 and 4,200). The koppeling reads from CCV Shop while it posts to
 * SnelStart, so the slower of the two is the import's time: a lower bound, as it leaves out the
 * time of the calls themselves.
 */
export function projectImport(imp: Pick<ImportRun, "orders" | "ccvByResource" | "snelstartApiCalls">, orders: number): Projection {
  const f = orders / imp.orders;
  let ccvMinutes = 0;
  let ccvBound = "";
  for (const [resource, n] of Object.entries(imp.ccvByResource)) {
    const budget = budgetOf(resource);
    const m = windowedMinutes(Math.round(n * f), budget - liveReserve(budget), Infinity, RATE_LIMIT_WINDOW_MS);
    if (m > ccvMinutes) [ccvMinutes, ccvBound] = [m, resource];
  }
  const keep = new Throttle({ tier: "production" }).limits;
  const snelstartMinutes = windowedMinutes(Math.round(imp.snelstartApiCalls * f), keep.perMinute - liveReserve(keep.perMinute), keep.perHour - liveReserve(keep.perHour), keep.minuteMs, keep.hourMs);
  return { orders, from: imp.orders, ccvMinutes, ccvBound, snelstartMinutes, minutes: Math.max(ccvMinutes, snelstartMinutes) };
}

// ---- medians and the report ----

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const median = (values: ReadonlyArray<number | null>) => {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? percentile(v, 50) : null;
};

/** The median of each numeric field over the runs (the first run's value for the others). */
export function medianOf<T extends object>(runs: T[]): T {
  const out = { ...runs[0] } as Record<string, unknown>;
  for (const k of Object.keys(out)) if (typeof out[k] === "number" || out[k] === null) out[k] = median(runs.map((r) => (r as Record<string, number | null>)[k]));
  return out as T;
}

export interface NodeRedFigures {
  options: NodeRedBenchOptions;
  machine: string;
  date: string;
  minutes: number;
  imports: ImportRun[];
  routines: RoutineRun[];
  latency: {
    idle: { p50: number; p95: number; samples: number };
    /** `gapS`: the time between two orders added. */
    during: { p50: number; p95: number; samples: number; size: number; gapS: number };
    /** During the import with real limits (`quota`). */
    duringReal: { p50: number; p95: number; samples: number; size: number; gapS: number };
  };
  quota: QuotaRun;
  projection: Projection;
  quotaProjection: Projection;
}

function machine(): string {
  const nodeRed = (JSON.parse(fs.readFileSync(require.resolve("node-red/package.json"), "utf8")) as { version: string }).version;
  const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
  return `${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}, Node.js ${process.version}, Node-RED ${nodeRed}; load average at the start ${load}`;
}

export async function nodeRedFigures(o: NodeRedBenchOptions, log: (s: string) => void = () => undefined): Promise<NodeRedFigures> {
  const started = Date.now();
  const info = machine();
  const bySize = new Map<number, SizeRun[]>(o.sizes.map((n) => [n, []]));
  const during: number[][] = [];
  const duringGapS: number[] = [];
  const quotas: QuotaRun[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    for (const size of o.sizes) {
      log(`round ${round}/${o.rounds}, ${size} orders`);
      bySize.get(size)?.push(await sizeRun(size, o, round, log));
    }
    const known = bySize.get(o.duringSize)?.map((r) => r.import.seconds);
    const expectedDuring = (known?.length ? median(known) : null) ?? 5;
    duringGapS.push(webhookGapMs(o.webhookOrders, expectedDuring) / 1000);
    during.push(await duringImportRun(o.duringSize, o, round, expectedDuring, log));
    // Its expected time: the earlier rounds' real-limits imports, else the projection from this round's smallest import.
    const expected = quotas.length ? (median(quotas.map((q) => q.seconds)) as number) : projectImport((bySize.get(o.sizes[0]) ?? [])[round - 1].import, o.quotaOrders).minutes * 60;
    quotas.push(await quotaRun(o.quotaOrders, o, round, Math.max(5, expected), log));
  }
  // Per resource, the median of each resource's calls.
  const byResource = (runs: Array<{ ccvByResource: Counts }>) => {
    const resources = [...new Set(runs.flatMap((r) => Object.keys(r.ccvByResource)))];
    return Object.fromEntries(resources.map((k) => [k, median(runs.map((r) => r.ccvByResource[k] ?? 0)) ?? 0]));
  };
  const imports = o.sizes.map((n) => {
    const runs = (bySize.get(n) ?? []).map((r) => r.import);
    return { ...medianOf(runs), ccvByResource: byResource(runs) };
  });
  const routines = o.sizes.map((n) => {
    const runs = (bySize.get(n) ?? []).map((r) => r.routine);
    return { ...medianOf(runs), ccvByResource: byResource(runs) };
  });
  const perRun = (lists: number[][]) => ({ p50: median(lists.map((l) => percentile(l, 50))) ?? NaN, p95: median(lists.map((l) => percentile(l, 95))) ?? NaN, samples: lists.reduce((n, l) => n + l.length, 0) });
  const idle = perRun(o.sizes.flatMap((n) => (bySize.get(n) ?? []).map((r) => r.idleLatencyMs)));
  const resources = [...new Set(quotas.flatMap((q) => q.ccv.map((r) => r.resource)))];
  const quota = {
    ...medianOf(quotas),
    ccv: resources
      .map((resource) => {
        const per = quotas.map((q) => q.ccv.find((r) => r.resource === resource) ?? { resource, calls: 0, busiestMinute: 0, allowed: budgetOf(resource) });
        return { ...medianOf(per), resource };
      })
      .sort((a, b) => b.calls - a.calls),
    snelstart: medianOf(quotas.map((q) => q.snelstart)),
  };
  // From the measured import closest to 10,000 orders.
  const nearest = [...imports].sort((a, b) => Math.abs(Math.log(a.orders / 10_000)) - Math.abs(Math.log(b.orders / 10_000)))[0];
  return {
    options: o,
    machine: info,
    date: new Date().toISOString().slice(0, 10),
    minutes: (Date.now() - started) / 60_000,
    imports,
    routines,
    latency: {
      idle,
      during: { ...perRun(during), size: o.duringSize, gapS: median(duringGapS) ?? NaN },
      duringReal: { ...perRun(quotas.map((q) => q.latencyMs)), size: o.quotaOrders, gapS: median(quotas.map((q) => q.webhookGapS)) ?? NaN },
    },
    quota,
    projection: projectImport(nearest, 10_000),
    // The real-limits import from its own calls: how close the projection comes to what it took.
    quotaProjection: projectImport({ orders: quota.orders, ccvByResource: Object.fromEntries(quota.ccv.map((r) => [r.resource, r.calls])), snelstartApiCalls: quota.snelstart.calls }, quota.orders),
  };
}

const fmt = (n: number | null, digits = 0) => (n === null || !Number.isFinite(n) ? "–" : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
function duration(minutes: number): string {
  const m = Math.round(minutes);
  return m >= 90 ? `${Math.floor(m / 60)} h ${m % 60} min` : minutes >= 2 ? `${m} min` : `${Math.round(minutes * 60)} s`;
}

/** The flags that make `o` differ from a full run's options (defaults left out). */
export function benchFlags(o: NodeRedBenchOptions): string {
  const d = parseNodeRedFlags(["--sizes", o.sizes.join(",")]);
  const out: string[] = [];
  if (o.sizes.join(",") !== NODE_RED_BENCH_DEFAULTS.sizes.join(",")) out.push(`--sizes ${o.sizes.join(",")}`);
  if (o.rounds !== d.rounds) out.push(`--rounds ${o.rounds}`);
  if (o.newOrders !== d.newOrders) out.push(`--new-orders ${o.newOrders}`);
  if (o.webhookOrders !== d.webhookOrders) out.push(`--webhook-orders ${o.webhookOrders}`);
  if (o.duringSize !== d.duringSize) out.push(`--during-size ${o.duringSize}`);
  if (o.quotaOrders !== d.quotaOrders) out.push(`--quota-orders ${o.quotaOrders}`);
  if (o.ordersPerDay !== d.ordersPerDay) out.push(`--orders-per-day ${o.ordersPerDay}`);
  if (o.historyEnd !== d.historyEnd) out.push(`--history-end ${o.historyEnd}`);
  if (o.seed !== d.seed) out.push(`--seed ${o.seed}`);
  return out.join(" ");
}

/** A history of `days` in words: "90 days", "2.5 years". */
export function spanText(days: number): string {
  return days < 2 * 365 ? `${fmt(days)} days` : `${fmt(days / 365.25, 1)} years`;
}

const RESOURCE_NAMES: Readonly<Record<string, [string, string]>> = {
  "GET /api/rest/v1/orders/": ["order page", "order pages"],
  "GET /api/rest/v1/orders/:id/": ["order read", "order reads"],
  "GET /api/rest/v1/orders/:id/orderrows/": ["order's rows", "orders' rows"],
  "GET /api/rest/v1/invoices/": ["invoice page", "invoice pages"],
  "GET /api/rest/v1/invoices/:id/": ["invoice read", "invoice reads"],
  "GET /api/rest/v1/invoices/:id/invoicerows/": ["invoice's rows", "invoices' rows"],
};

/** CCV calls per resource in words, the most first: "41 invoice reads, 10 order pages, 5 orders' rows". */
export function callsText(byResource: Readonly<Record<string, number>>): string {
  return Object.entries(byResource)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => {
      const names = RESOURCE_NAMES[k];
      return `${fmt(n)} ${names ? names[n === 1 ? 0 : 1] : `\`${k.replace("/api/rest/v1", "")}\``}`;
    })
    .join(", ");
}

/** The figures as the Markdown of the generated section (without the markers). */
export function nodeRedMarkdown(f: NodeRedFigures, chartFile: string | null): string {
  const o = f.options;
  const flags = benchFlags(o);
  const small = o.sizes.join(", ") !== NODE_RED_BENCH_DEFAULTS.sizes.join(", ") || o.rounds !== NODE_RED_BENCH_DEFAULTS.rounds;
  const perDay = fmt(o.ordersPerDay, 1);
  const ends =
    o.historyEnd === "now"
      ? "ending when the bench starts the shop's simulator, as a shop's history ends today: the routine run's 90-day horizon holds the shop's last 90 days (its unpaid orders and its credit invoices still waiting for an order, re-checked every run)"
      : `ending at the seed's reference date (${referenceDate(o.seed).toISOString().slice(0, 10)}; \`--history-end reference\`): the routine run's 90-day horizon, counted from the bench's clock, holds none of it unless the bench runs within 90 days of that date`;
  const l = f.latency;
  const q = f.quota;
  const p = f.projection;
  const keep = new Throttle({ tier: "production" }).limits;
  const lines = [
    `### Node-RED: the example flow in a real Node-RED (${f.date}, sizes ${o.sizes.map((n) => fmt(n)).join(" / ")}, ${o.rounds === 1 ? "1 round" : `median of ${o.rounds} rounds`})`,
    "",
    ...(small ? [`**A reduced run** (\`${flags}\`), not the full figures: rerun without flags for those.`, ""] : []),
    `Machine: ${f.machine}. The bench took ${duration(f.minutes)}. Command: \`node dist/scripts/bench.js node-red${flags ? ` ${flags}` : ""}\`.`,
    "",
    `**The shops** (seed ${o.seed}) all sell **${perDay} orders a day**: a shop of N orders has N ÷ ${perDay} days of history (${o.sizes.map((n) => `${fmt(n)}: ${spanText(n / o.ordersPerDay)}`).join("; ")}), ${ends}. ` +
      "The import and the routine run measure the same shops. The example flow imports the whole history (no start date, historical import on), and an import lists everything whatever its dates, so its figures do not depend on the span; a routine run costs what is new and what is still pending, which follow the daily volume, so only shops that sell the same a day show whether it grows with the history.",
    "",
    "**First run (import)**, rate limits off in the simulators and the clients; orders/s = booked ÷ seconds from the button to the run's summary; RSS = the Node-RED process's peak (VmHWM); CPU = Node-RED's / the simulators' (this process) during the import:",
    "",
    "| shop orders | due | booked | seconds | booked /s | peak RSS MB | CPU s Node-RED / sims | CCV calls / booked | SnelStart calls / booked |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...f.imports.map((i) => `| ${fmt(i.orders)} | ${fmt(i.due)} | ${fmt(i.booked)} | ${fmt(i.seconds, 1)} | ${fmt(i.perSecond, 1)} | ${fmt(i.peakRssMb)} | ${fmt(i.nodeRedCpuS, 1)} / ${fmt(i.simsCpuS, 1)} | ${fmt(i.ccvCalls / i.booked, 2)} | ${fmt(i.snelstartCalls / i.booked, 2)} |`),
    "",
    `**Routine run**: ${o.newOrders} new paid orders added through the CCV simulator's control API after the import, then one run:`,
    "",
    `| shop orders (${perDay} a day) | history | booked documents | booked | CCV calls | of which | SnelStart calls | seconds |`,
    "|---:|---:|---:|---:|---:|---|---:|---:|",
    ...f.routines.map((r) => `| ${fmt(r.orders)} | ${spanText(r.orders / o.ordersPerDay)} | ${fmt(r.history)} | ${fmt(r.booked)} | ${fmt(r.ccvCalls)} | ${callsText(r.ccvByResource)} | ${fmt(r.snelstartCalls)} | ${fmt(r.seconds, 2)} |`),
    "",
    `**Webhook → booking** (from adding an order through the control API, which fires \`orders.created\`, to its sales booking landing in the SnelStart simulator; idle one order at a time, during an import one every 1/${o.webhookOrders + 2} of its expected time, not waiting for each other; p50/p95 per run, median over the runs):`,
    "",
    "| when | p50 ms | p95 ms | samples |",
    "|---|---:|---:|---:|",
    `| idle (after the import and the routine run, every size) | ${fmt(l.idle.p50)} | ${fmt(l.idle.p95)} | ${l.idle.samples} |`,
    `| during an import of ${fmt(l.during.size)} orders, rate limits off (an order every ${fmt(l.during.gapS, 1)} s) | ${fmt(l.during.p50)} | ${fmt(l.during.p95)} | ${l.during.samples} |`,
    `| during the import of ${fmt(l.duringReal.size)} orders with real rate limits, below (an order every ${fmt(l.duringReal.gapS, 1)} s) | ${fmt(l.duringReal.p50)} | ${fmt(l.duringReal.p95)} | ${l.duringReal.samples} |`,
    "",
    `**Real rate limits** (the documented limits in the simulators and the clients): an import of ${fmt(q.orders)} orders booked ${fmt(q.booked)} in ${fmt(q.seconds)} s, ${fmt(q.perSecond, 2)} orders/s, with the webhooks registered and ${q.latencyMs.length} orders added during it, one every ${fmt(q.webhookGapS, 1)} s: within what the clients keep for webhooks (10 orders a minute; beyond that a webhook's order waits for the window like the import; their latency is above, their calls count here too). The share of the quota used = the most calls in any window (a minute; for SnelStart also an hour) ÷ the calls the window allows:`,
    "",
    "| service, resource, window | calls | busiest window | allowed in it | share |",
    "|---|---:|---:|---:|---:|",
    ...q.ccv.filter((r) => r.calls >= 2).map((r) => `| CCV \`${r.resource}\`, a minute | ${fmt(r.calls)} | ${fmt(r.busiestMinute)} | ${r.allowed} | ${fmt((100 * r.busiestMinute) / r.allowed)} % |`),
    `| SnelStart, all API calls, a minute | ${fmt(q.snelstart.calls)} | ${fmt(q.snelstart.busiestMinute)} | ${q.snelstart.allowed} | ${fmt((100 * q.snelstart.busiestMinute) / q.snelstart.allowed)} % |`,
    `| SnelStart, all API calls, an hour | ${fmt(q.snelstart.calls)} | ${fmt(q.snelstart.busiestHour)} | ${fmt(q.snelstart.allowedHour)} | ${fmt((100 * q.snelstart.busiestHour) / q.snelstart.allowedHour)} % |`,
    "",
    `**A 10,000-order import on the real services, projected: ${duration(p.minutes)}** (CCV Shop ${duration(p.ccvMinutes)}, bound by \`${p.ccvBound}\`; SnelStart ${duration(p.snelstartMinutes)}). ` +
      `Computed from the calls of the ${fmt(p.from)}-order import above, scaled to 10,000 orders, at the clients' budgets, each window's calls at once and the next ones a window later: each CCV resource's calls at what the client lets an import use of its budget (${GET_BUDGET - liveReserve(GET_BUDGET)} of the 150 GETs, ${WRITE_BUDGET - liveReserve(WRITE_BUDGET)} of the 100 writes a minute: the rest is kept for webhooks), the slowest resource; SnelStart's API calls at what the client's throttle lets an import use of the production tier (${keep.perMinute - liveReserve(keep.perMinute)} of its ${keep.perMinute} a minute, ${fmt(keep.perHour - liveReserve(keep.perHour))} of its ${fmt(keep.perHour)} an hour: the rest is kept for webhooks); the slower of the two, as the koppeling reads and posts at the same time (a lower bound: the calls' own time is left out). ` +
      `The same computation from the real-limits import's own calls gives ${duration(f.quotaProjection.minutes)}; it took ${duration(q.seconds / 60)}.`,
  ];
  if (chartFile) lines.push("", `![Import throughput and peak RSS by shop size; routine-run CCV calls and time by history](${chartFile})`);
  return lines.join("\n");
}

export const DOCS_START = "<!-- node-red bench: generated by scripts/bench-nodered.ts; everything up to the end marker is rewritten -->";
export const DOCS_END = "<!-- end of the generated node-red bench -->";

/** `doc` with the text between the markers replaced by `section` (appended with markers when absent). */
export function replaceGenerated(doc: string, section: string, start = DOCS_START, end = DOCS_END): string {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  const block = `${start}\n${section}\n${end}`;
  if (a < 0 || b < a) return `${doc.replace(/\s*$/, "")}\n\n${block}\n`;
  return doc.slice(0, a) + block + doc.slice(b + end.length);
}

const CHART = "bench-node-red.svg";

export function nodeRedChart(f: NodeRedFigures): string {
  const imp = f.imports;
  return svgChart(
    [
      {
        title: "First run (import), rate limits off",
        xLabel: "shop orders",
        leftLabel: "booked orders / s",
        rightLabel: "peak RSS of Node-RED, MB",
        series: [
          { name: "booked / s", axis: "left", color: "#1f77b4", points: imp.map((i) => [i.orders, i.perSecond]) },
          { name: "peak RSS MB", axis: "right", color: "#d62728", points: imp.filter((i) => i.peakRssMb !== null).map((i) => [i.orders, i.peakRssMb as number]) },
        ],
      },
      {
        title: `Routine run (${f.options.newOrders} new orders; ${fmt(f.options.ordersPerDay, 1)} orders a day)`,
        xLabel: "history: booked orders",
        leftLabel: "CCV calls",
        rightLabel: "seconds",
        series: [
          { name: "CCV calls", axis: "left", color: "#2ca02c", points: f.routines.map((r) => [r.history, r.ccvCalls]) },
          { name: "seconds", axis: "right", color: "#9467bd", points: f.routines.map((r) => [r.history, r.seconds]) },
        ],
      },
    ],
    `npm run bench -- node-red, ${f.date}; sizes ${f.options.sizes.join(", ")}; ${f.options.rounds === 1 ? "1 round" : `median of ${f.options.rounds} rounds`}; ${f.machine.split(";")[0]}`,
  );
}

/** Writes the generated section into docs/benchmarks.md and the chart next to it. */
export function writeDocs(f: NodeRedFigures): string {
  const docs = path.join(ROOT, "docs");
  fs.writeFileSync(path.join(docs, CHART), nodeRedChart(f));
  const file = path.join(docs, "benchmarks.md");
  fs.writeFileSync(file, replaceGenerated(fs.readFileSync(file, "utf8"), nodeRedMarkdown(f, CHART)));
  return file;
}
