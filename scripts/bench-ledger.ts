/**
 * Bench section "ledger": the sync ledger's journal at a large shop (100,000 booked orders by
 * default). Per figure, the median of three runs: loading it (snapshot + journal), one update
 * (one fsynced journal line), a compaction; for each, the time it takes and the longest the event
 * loop was held meanwhile (perf_hooks' event-loop delay, 1 ms resolution); and the bytes on disk
 * per booked order. Twice: bookings of today, and bookings older than the fold age (folded into
 * ranges of order numbers at compaction, sync-ledger.ts foldBooked).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Node } from "node-red";
import { markBooked } from "../src/koppeling/sync-ledger";
import { LedgerStore } from "../src/nodes/ledger-store";

export interface LedgerFigures {
  orders: number;
  /** How old the bookings are, in days. */
  ageDays: number;
  loadMs: number;
  loadMaxBlockMs: number;
  updateMs: number;
  updateMaxBlockMs: number;
  compactMs: number;
  compactMaxBlockMs: number;
  bytesPerOrder: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const node = { context: () => ({ global: { get: (_k: string, _s: unknown, cb: (e: undefined, v: unknown) => void) => cb(undefined, undefined) } }) } as unknown as Node;

/** Runs `work`, returning its duration and the longest event-loop delay seen meanwhile, in ms. */
async function watched(work: () => Promise<unknown>): Promise<{ ms: number; maxBlockMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  h.disable();
  return { ms, maxBlockMs: Number(h.max) / 1e6 };
}

const entry = (n: number) => ({ ordernumber: 100000 + n, factuurnummer: `2026${100000 + n}`, snelstartId: `3f2504e0-4f89-11d3-9a0c-${String(n).padStart(12, "0")}`, type: "verkoopboeking" as const, adopted: false });

async function once(orders: number, ageDays: number): Promise<LedgerFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-bench-ledger-"));
  const now = new Date();
  const at = new Date(now.getTime() - ageDays * DAY_MS);
  try {
    const setup = new LedgerStore(node, "bench", "", dir);
    await setup.update((l) => {
      // Every tenth order number is never booked (unpaid, cancelled): gaps in the folded ranges.
      for (let n = 1; n <= orders; n++) if (n % 10 !== 0) markBooked(l, `order:${n}`, entry(n), at);
    });
    await setup.compact();
    await setup.close();
    const bytes = fs.statSync(path.join(dir, "ccv-snelstart", "bench.snapshot.jsonl")).size;

    const store = new LedgerStore(node, "bench", "", dir);
    const load = await watched(() => store.read((l) => Object.keys(l.booked).length));
    const times: number[] = [];
    const updates = await watched(async () => {
      for (let n = orders + 1; n <= orders + 50; n++) {
        const t0 = performance.now();
        await store.update((l) => markBooked(l, `order:${n}`, entry(n), now));
        times.push(performance.now() - t0);
      }
    });
    const compact = await watched(() => store.compact());
    await store.close();
    times.sort((a, b) => a - b);
    return {
      orders,
      ageDays,
      loadMs: load.ms,
      loadMaxBlockMs: load.maxBlockMs,
      updateMs: times[Math.floor(times.length / 2)],
      updateMaxBlockMs: updates.maxBlockMs,
      compactMs: compact.ms,
      compactMaxBlockMs: compact.maxBlockMs,
      bytesPerOrder: bytes / orders,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of three runs, figure by figure, for bookings `ageDays` old. */
export async function ledgerFigures(orders = 100_000, ageDays = 0): Promise<LedgerFigures> {
  const runs = [await once(orders, ageDays), await once(orders, ageDays), await once(orders, ageDays)];
  const median = (k: keyof LedgerFigures) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
  return {
    orders,
    ageDays,
    loadMs: median("loadMs"),
    loadMaxBlockMs: median("loadMaxBlockMs"),
    updateMs: median("updateMs"),
    updateMaxBlockMs: median("updateMaxBlockMs"),
    compactMs: median("compactMs"),
    compactMaxBlockMs: median("compactMaxBlockMs"),
    bytesPerOrder: median("bytesPerOrder"),
  };
}
