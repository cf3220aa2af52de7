/**
 * A SnelStart client on a SnelStart simulator, without rate limits of its own and with short
 * retries, for the unit suites that test against the simulator.
 */
import type { SnelStartSim } from "../../../sim/snelstart/server";
import { SnelStartClient, type SnelStartClientOptions } from "../../../src/snelstart/client";
import { Throttle } from "../../../src/snelstart/throttle";

export function simClient(ss: SnelStartSim, koppelsleutel: string, over: Partial<SnelStartClientOptions> = {}): SnelStartClient {
  return new SnelStartClient({
    subscriptionKey: "demo-subscription",
    koppelsleutel,
    apiUrl: ss.apiBase,
    tokenUrl: ss.tokenUrl,
    retryBaseMs: 5,
    throttle: new Throttle({ perMinute: 1_000_000, perHour: 10_000_000, concurrent: 1_000, margin: 0 }),
    ...over,
  });
}
