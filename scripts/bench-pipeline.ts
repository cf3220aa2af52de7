/**
 * Bench section "pipeline": orders booked per second through the real clients against the
 * simulators (HTTP on 127.0.0.1), the way the nodes chain them: fetch the due orders and their
 * rows (CCV), map them, find or create the debtor, post the verkoopboeking (SnelStart).
 *
 * The simulators' rate limits are off and the clients' budgets opened up, so the figure is the
 * koppeling's own cost (signing, JSON, zod, mapping, HTTP round trips), not the services'
 * limits. Under SnelStart's production limits the same work is capped at 450 calls a minute by
 * our throttle, about 150 orders a minute at three calls per order.
 */
import { CcvClient } from "../src/ccv/client";
import type { CcvOrder } from "../src/ccv/schemas";
import { KoppelingError } from "../src/errors";
import { ccvWindowMs, snelstartThrottleOptions } from "../src/nodes/rate-limits";
import { relatieFor } from "../src/koppeling/debtor";
import { createMapping, mapOrder, toVerkoopboeking, type MappingContext } from "../src/koppeling";
import { SnelStartClient } from "../src/snelstart/client";
import { Throttle } from "../src/snelstart/throttle";
import { startCcvSim } from "../sim/ccv/server";
import { SIM_CREDENTIALS } from "../sim/cli";
import { simLedgerId, startSnelStartSim } from "../sim/snelstart/server";
import type { Case } from "./bench";

const ORDERS = 300;
const CONCURRENCY = 8;

const l = (n: number) => ({ id: simLedgerId(n) });
const MAPPING = createMapping({
  revenue: { hoog: l(8000), laag: l(8010), overig: l(8020), geen: l(8030) },
  shipping: l(8200),
  paymentCosts: l(8210),
  extraCosts: l(8210),
  euConsumers: "oss",
  oss: { ledgers: { SR: l(8400), RRH: l(8401), RRL: l(8402), PR: l(8403), SRR: l(8404) }, foreignVat: l(1650) },
  icp: l(8100),
  export: l(8110),
});

/** One round: fresh simulators with ORDERS orders; returns orders booked per second. */
async function bookAll(): Promise<number> {
  const ccvSim = await startCcvSim({ orders: ORDERS, seed: 11, rateLimits: "off" });
  const snelSim = await startSnelStartSim({ seed: 11, rateLimits: "off" });
  try {
    const ccv = new CcvClient({ shopUrl: ccvSim.url, publicKey: SIM_CREDENTIALS.ccvPublicKey, secret: SIM_CREDENTIALS.ccvSecret, rateLimitWindowMs: ccvWindowMs("off") });
    const snel = new SnelStartClient({
      subscriptionKey: SIM_CREDENTIALS.subscriptionKey,
      koppelsleutel: SIM_CREDENTIALS.koppelsleutel,
      apiUrl: snelSim.apiBase,
      tokenUrl: snelSim.tokenUrl,
      throttle: new Throttle(snelstartThrottleOptions("off", "production")),
    });
    const started = process.hrtime.bigint();
    const [landen, nlRates] = await Promise.all([snel.landen(), snel.btwtarieven()]);
    const ossRates: Record<string, Awaited<ReturnType<SnelStartClient["vatrates"]>>["vatRates"]> = {};
    for (const iso2 of ["DE", "BE", "FR", "AT"]) {
      const iso3 = landen.find((x) => x.landcode === iso2)?.landcodeISO;
      if (iso3) ossRates[iso2] = (await snel.vatrates(iso3)).vatRates;
    }
    const context: MappingContext = { nlRates, ossRates, ossEnabled: true };
    const due: CcvOrder[] = [];
    for await (const c of ccv.orders({ is_paid: true, size: 100 })) if (c.ok && c.value.status !== 8 && c.value.ordernumber != null) due.push(c.value);
    // Per e-mail: the relatie id, and whether it carries the VAT number (ICP needs one).
    const relaties = new Map<string, Promise<{ id: string; vat: boolean }>>();
    let booked = 0;
    const worker = async () => {
      for (let o = due.pop(); o; o = due.pop()) {
        const input = { order: o, rows: await ccv.getOrderRows(o.id) };
        let booking = mapOrder(input, MAPPING, context);
        const c = booking.customer;
        const key = `${c.email} ${c.country}`;
        let relatie = relaties.get(key);
        if (!relatie) {
          relatie = (async () => {
            const landId = landen.find((x) => x.landcode === c.country)?.id;
            const hit = (await snel.findRelatiesByEmail(c.email)).find((r) => r.vestigingsAdres?.land?.id === landId);
            if (hit) return { id: hit.id, vat: !!hit.btwNummer };
            try {
              return { id: (await snel.createRelatie(relatieFor(c, landen, true))).id, vat: !!c.vatNumber };
            } catch (err) {
              if (!(err instanceof KoppelingError) || !err.code.startsWith("SNELSTART_REL_")) throw err;
              return { id: (await snel.createRelatie(relatieFor(c, landen, false))).id, vat: false };
            }
          })();
          relaties.set(key, relatie);
        }
        const r = await relatie;
        if (booking.scheme === "icp" && !r.vat) booking = mapOrder(input, MAPPING, { ...context, icpAllowed: false });
        await snel.createVerkoopboeking(toVerkoopboeking(booking, r.id));
        booked++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (snelSim.state.verkoopboekingen.size !== booked || booked < ORDERS / 3) throw new Error(`pipeline booked ${booked}, simulator holds ${snelSim.state.verkoopboekingen.size}`);
    return booked / seconds;
  } finally {
    await Promise.all([ccvSim.close(), snelSim.close()]);
  }
}

export function pipelineCases(): Case[] {
  return [{ name: `fetch, map, debtor, book ${ORDERS}-order shop, ${CONCURRENCY} at a time, limits off`, unit: "orders", round: bookAll, rounds: 5 }];
}
