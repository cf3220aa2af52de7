/**
 * `npm run demo`: the whole koppeling on this machine, no accounts needed. Starts the CCV Shop
 * and SnelStart simulators (seeded), a Node-RED 4.1 runtime with a fresh user directory and a
 * persistent context store, this package installed into it, and the example flow deployed with
 * credentials that point at the simulators. The flow's first run starts at deploy; when it is
 * done the demo registers the webhooks (as the user would, once) and prints what was booked,
 * skipped and failed, the editor URL, and `Demo ready`.
 *
 * Flags: --port (Node-RED, 1880), --ccv-port (8081), --snelstart-port (8082), --orders (50), --seed (1),
 * --rate-limits real|off|scaled:K (real: the services' documented limits, in the simulators and in
 * the koppeling's clients alike, through settings.js `ccvSnelstart.rateLimits`; off: none;
 * scaled:K: windows K times shorter).
 * Ctrl-C (SIGINT) or SIGTERM stops everything it started.
 */
import { SIM_CREDENTIALS, SIM_DEFAULTS, integerFlag, readFlags } from "../sim/cli";
import { parseRateLimitMode } from "../sim/http";
import { formatRateLimitSetting } from "../src/nodes/rate-limits";
import { EXAMPLE_IDS, type KoppelingRuntime, startKoppeling } from "./node-red-runtime";

function parseDemoFlags(argv: readonly string[]) {
  const f = readFlags(argv, ["port", "ccv-port", "snelstart-port", "orders", "seed", "rate-limits"]);
  return {
    port: integerFlag(f, "port", 1880, 1),
    ccvPort: integerFlag(f, "ccv-port", SIM_DEFAULTS.ccvPort),
    snelstartPort: integerFlag(f, "snelstart-port", SIM_DEFAULTS.snelstartPort),
    orders: integerFlag(f, "orders", SIM_DEFAULTS.orders),
    seed: integerFlag(f, "seed", SIM_DEFAULTS.seed),
    rateLimits: parseRateLimitMode(f.get("rate-limits") ?? "real"),
  };
}

const euro = (n: number) => `€ ${n.toFixed(2).padStart(9)}`;

function report(rt: KoppelingRuntime): void {
  const s = rt.summaries[0];
  const orders = rt.ccv.state.orders;
  const bookings = [...rt.snelstart.state.verkoopboekingen.values()];
  console.log("");
  console.log(`First run: ${s.total} documents due of ${orders.length} orders in the shop`);
  console.log(`  booked   ${String(s.booked).padStart(4)}   (in SnelStart now: ${bookings.length} sales bookings, ${rt.snelstart.state.relaties.size} relaties)`);
  if (s.alreadyBooked) console.log(`  checked  ${String(s.alreadyBooked).padStart(4)}   (paid orders cancelled before the ledger began: nothing to credit)`);
  console.log(`  skipped  ${String(orders.length - s.total).padStart(4)}   (not due: unpaid, cancelled or unfinished checkouts)`);
  console.log(`  failed   ${String(s.failed).padStart(4)}${s.failed ? "   (see the Debug sidebar and the report node)" : ""}`);
  for (const e of s.errors.slice(0, 5)) console.log(`    order ${e.ordernumber}: ${e.code} ${e.message}`);
  console.log("");
  console.log("  factuurnummer   bedrag       regels  btw");
  for (const b of bookings.slice(0, 8)) {
    console.log(`  ${b.factuurnummer.padEnd(14)}  ${euro(b.factuurbedrag)}  ${String(b.boekingsregels.length).padStart(6)}  ${b.btw.map((v) => `${v.btwSoort} ${v.btwBedrag.toFixed(2)}`).join(", ") || "-"}`);
  }
  if (bookings.length > 8) console.log(`  … and ${bookings.length - 8} more`);
}

async function main(): Promise<void> {
  let flags: ReturnType<typeof parseDemoFlags>;
  try {
    flags = parseDemoFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`npm run demo: ${(err as Error).message}`);
    process.exit(2);
  }
  console.log(`Starting the simulators, Node-RED on port ${flags.port} and the example flow (${flags.orders} orders, seed ${flags.seed}, rate limits ${formatRateLimitSetting(flags.rateLimits)}) …`);
  let rt: KoppelingRuntime | null = null;
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    void (rt?.stop() ?? Promise.resolve()).then(() => process.exit(code));
  };
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  try {
    // The shop's history ends now, as a live shop's does: last month's reconciliation has orders.
    rt = await startKoppeling({ ...flags, historyEnd: Date.now() });
    await rt.waitForSummary(1, 600_000);
    // As a user clicks "register webhooks" once: the simulator then announces new orders to the flow.
    await rt.inject(EXAMPLE_IDS.registerWebhooks);
  } catch (err) {
    console.error(`npm run demo failed: ${(err as Error).message}`);
    stop(1);
    return;
  }
  report(rt);
  console.log("");
  console.log(`Node-RED editor        ${rt.url}/   (the flow "CCV Shop → SnelStart"; runs every 2 hours, or click the inject node)`);
  console.log(`Koppeling sidebar      in the editor's sidebar: the runs, what failed and why, find an order, Controle (reconcile a month)`);
  console.log(`CCV Shop simulator     ${rt.ccv.url}   key ${SIM_CREDENTIALS.ccvPublicKey} / ${SIM_CREDENTIALS.ccvSecret}; add orders: POST ${rt.ccv.url}/__sim/orders`);
  console.log(`SnelStart simulator    ${rt.snelstart.url}   bookings: GET ${rt.snelstart.url}/__sim/verkoopboekingen`);
  console.log(`Webhook endpoint       ${rt.webhookUrl}`);
  console.log("Demo ready (Ctrl-C stops everything)");
}

void main();
