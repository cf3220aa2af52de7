/**
 * `npm run sim`: starts the CCV Shop and SnelStart simulators and prints where they listen and
 * the credentials to use. Flags: --ccv-port (8081), --snelstart-port (8082), --orders N (50),
 * --seed S (1), --rate-limits real|off|scaled:K (real), --shapes strict|real|mixed (mixed: the
 * shapes CCV's documents are served in, sim/ccv/shapes.ts). Stops on Ctrl-C / SIGTERM.
 */
import { parseRateLimitMode, type RateLimitMode } from "./http";
import { startCcvSim } from "./ccv/server";
import { parseShapeMode, type ShapeMode } from "./ccv/shapes";
import { startSnelStartSim } from "./snelstart/server";

export interface SimFlags {
  ccvPort: number;
  snelstartPort: number;
  orders: number;
  seed: number;
  rateLimits: RateLimitMode;
  shapes: ShapeMode;
}

export const SIM_DEFAULTS = { ccvPort: 8081, snelstartPort: 8082, orders: 50, seed: 1 };
export const SIM_CREDENTIALS = {
  ccvPublicKey: "demo-public",
  ccvSecret: "demo-secret",
  subscriptionKey: "demo-subscription",
  koppelsleutel: "demo-koppelsleutel",
};

/** Reads `--name value` / `--name=value` flags; unknown flags are an error. */
export function readFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !known.includes(m[1])) throw new Error(`unknown argument "${argv[i]}"; known: ${known.map((k) => `--${k}`).join(", ")}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    out.set(m[1], value);
  }
  return out;
}

export function integerFlag(flags: Map<string, string>, name: string, fallback: number, min = 0): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, not "${raw}"`);
  return n;
}

export function parseSimFlags(argv: readonly string[]): SimFlags {
  const f = readFlags(argv, ["ccv-port", "snelstart-port", "orders", "seed", "rate-limits", "shapes"]);
  return {
    ccvPort: integerFlag(f, "ccv-port", SIM_DEFAULTS.ccvPort),
    snelstartPort: integerFlag(f, "snelstart-port", SIM_DEFAULTS.snelstartPort),
    orders: integerFlag(f, "orders", SIM_DEFAULTS.orders),
    seed: integerFlag(f, "seed", SIM_DEFAULTS.seed),
    rateLimits: parseRateLimitMode(f.get("rate-limits") ?? "real"),
    shapes: parseShapeMode(f.get("shapes") ?? "mixed"),
  };
}

async function main(): Promise<void> {
  let flags: SimFlags;
  try {
    flags = parseSimFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`npm run sim: ${(err as Error).message}`);
    process.exit(2);
  }
  const ccv = await startCcvSim({ port: flags.ccvPort, orders: flags.orders, seed: flags.seed, rateLimits: flags.rateLimits, shapes: flags.shapes });
  const snelstart = await startSnelStartSim({ port: flags.snelstartPort, seed: flags.seed, rateLimits: flags.rateLimits });
  console.log(`CCV Shop simulator    ${ccv.url}   (API ${ccv.apiBase}, control ${ccv.url}/__sim/)`);
  console.log(`  shop URL ${ccv.url}   public key ${SIM_CREDENTIALS.ccvPublicKey}   secret ${SIM_CREDENTIALS.ccvSecret}   (${flags.orders} orders, seed ${flags.seed}, ${flags.shapes} shapes)`);
  console.log(`SnelStart simulator   ${snelstart.url}   (API ${snelstart.apiBase}, token ${snelstart.tokenUrl}, control ${snelstart.url}/__sim/)`);
  console.log(`  subscription key ${SIM_CREDENTIALS.subscriptionKey}   koppelsleutel ${SIM_CREDENTIALS.koppelsleutel}`);
  console.log("Ctrl-C stops both.");
  const stop = () => {
    void Promise.all([ccv.close(), snelstart.close()]).then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) void main();
