/**
 * Keeps a shop's sync ledger. One instance per ccv-config node: it loads the ledger once and
 * applies changes one at a time, each stored before the next runs, so concurrent messages never
 * lose each other's updates and a crash never loses a recorded step.
 *
 * Where: with a Node-RED user directory (any normal install), in a crash-durable journal there
 * (ledger-journal.ts; each update costs one fsynced line naming the keys it changed). Without one
 * (an embedded runtime without userDir, the test helper unless a test sets it), in Node-RED global
 * context, in the store the user chose, written whole after each change (not crash-durable: the
 * `localfilesystem` store flushes every 30 s). A ledger found in that context store is where the
 * journal starts (an upgrade from 0.1).
 */
import type { Node } from "node-red";
import { KoppelingError } from "../errors";
import { FOLD_AFTER_DAYS, type LedgerState, type NumberIndex, addToIndex, foldBooked, numbersOf, reviveLedger, shareNumbers } from "../koppeling/sync-ledger";
import { type JournalRecord, LedgerJournal } from "./ledger-journal";

/** A record of a map whose writes and deletes are noted in `log` (null = deleted). */
function tracked<T>(target: Record<string, T>, log: Record<string, unknown>): Record<string, T> {
  return new Proxy(target, {
    set(t, k, v) {
      if (typeof k !== "string") return Reflect.set(t, k, v);
      t[k] = v as T;
      log[k] = v;
      return true;
    },
    deleteProperty(t, k) {
      if (typeof k !== "string") return Reflect.deleteProperty(t, k);
      delete t[k];
      log[k] = null;
      return true;
    },
  });
}

export class LedgerStore {
  private state: LedgerState | null = null;
  private loading: Promise<LedgerState> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly journal: LedgerJournal | null;
  /** Closed (redeploy, shutdown): a change still arriving (a booking finishing its step) is written, and the file closed again. */
  private closed = false;

  constructor(
    private readonly node: Node,
    /** Global context key, e.g. `ccv_snelstart_ledger_myshop_ccvshop_nl`; also the journal's file name. */
    readonly key: string,
    /** Context store name; empty = the default store. */
    readonly store: string,
    /** Node-RED's user directory: the journal goes into its `ccv-snelstart/` folder. */
    userDir?: string,
  ) {
    this.journal = userDir ? new LedgerJournal(`${userDir}/ccv-snelstart`, key, (state) => foldOld(state, new Date())) : null;
  }

  private context() {
    return this.node.context().global;
  }

  private fail(what: string, err: unknown): KoppelingError {
    const where = this.journal ? "the sync ledger journal" : `context store "${this.store || "default"}"`;
    return new KoppelingError("LEDGER_STORE", `Cannot ${what} the sync ledger (${where}): ${(err as Error).message}`);
  }

  private contextValue(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const g = this.context() as unknown as { get(key: string, store: string | undefined, cb: (err: Error | undefined, value: unknown) => void): void };
      g.get(this.key, this.store || undefined, (err, value) => (err ? reject(err) : resolve(value)));
    });
  }

  private load(): Promise<LedgerState> {
    if (this.state) return Promise.resolve(this.state);
    this.loading ??= (this.journal ? this.journal.load(reviveLedger, () => this.contextValue().catch(() => undefined)) : this.contextValue().then(reviveLedger)).then(
      async (state) => {
        await indexNumbers(state);
        return (this.state = state);
      },
      (err: unknown) => {
        this.loading = null;
        throw this.fail("read", err);
      },
    );
    return this.loading;
  }

  private saveToContext(state: LedgerState): Promise<void> {
    return new Promise((resolve, reject) => {
      const g = this.context() as unknown as { set(key: string, value: unknown, store: string | undefined, cb: (err?: Error) => void): void };
      g.set(this.key, state, this.store || undefined, (err?: Error) => (err ? reject(this.fail("write", err)) : resolve()));
    });
  }

  /** Reads the ledger (no change). */
  read<T>(fn: (ledger: LedgerState) => T): Promise<T> {
    return this.enqueue(async () => fn(await this.load()));
  }

  /** Applies a change and stores it before the next change runs. */
  update<T>(fn: (ledger: LedgerState) => T): Promise<T> {
    return this.enqueue(async () => {
      const state = await this.load();
      const rec: Required<Pick<JournalRecord, "b" | "f" | "i" | "p">> = { b: {}, f: {}, i: {}, p: {} };
      const runsBefore = JSON.stringify(state.runs);
      const view: LedgerState = {
        ...state,
        booked: tracked(state.booked, rec.b),
        failed: tracked(state.failed, rec.f),
        intents: tracked(state.intents, rec.i),
        pending: tracked(state.pending, rec.p),
      };
      // The view writes through to the state's maps, so it keeps the state's index of order numbers too.
      shareNumbers(view, numbersOf(state));
      const result = fn(view);
      state.runs = view.runs;
      const runsChanged = JSON.stringify(state.runs) !== runsBefore;
      const parts = (["b", "f", "i", "p"] as const).filter((k) => Object.keys(rec[k]).length > 0);
      if (!runsChanged && parts.length === 0) return result;
      if (!this.journal) {
        await this.saveToContext(state);
        return result;
      }
      const out: JournalRecord = {};
      for (const k of parts) out[k] = rec[k];
      if (runsChanged) out.r = state.runs;
      await this.journal.append(out, state).catch((err: unknown) => {
        throw this.fail("write", err);
      });
      if (this.closed) await this.journal.close();
      return result;
    });
  }

  /** Folds the journal into its snapshot now (it also happens by itself as the journal grows). */
  compact(): Promise<void> {
    return this.enqueue(async () => {
      if (this.journal) await this.journal.compact(await this.load());
    });
  }

  /**
   * Closes the journal's file (on redeploy or shutdown), after the changes already queued. The
   * flow nodes stop at the same time and may still record the outcome of a step they finish: such
   * a change is written as any other, and the file closed again after it.
   */
  close(): Promise<void> {
    return this.enqueue(async () => {
      this.closed = true;
      await this.journal?.close();
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Builds the ledger's index of order numbers in slices, with a turn of the event loop between (100,000 entries must not block it). */
async function indexNumbers(state: LedgerState): Promise<void> {
  const index: NumberIndex = new Map();
  const keys = Object.keys(state.booked);
  for (let i = 0; i < keys.length; i += INDEX_SLICE) {
    for (const key of keys.slice(i, i + INDEX_SLICE)) addToIndex(index, key, state.booked[key]);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  shareNumbers(state, index);
}

const INDEX_SLICE = 1000;

/**
 * Folds the bookings older than FOLD_AFTER_DAYS (sync-ledger.ts foldBooked), in slices with a turn
 * of the event loop between. Runs inside a compaction, so no update runs meanwhile; a crash before
 * the snapshot is renamed leaves the old snapshot and the journal, which hold them unfolded.
 */
async function foldOld(state: LedgerState, now: Date): Promise<void> {
  const before = new Date(now.getTime() - FOLD_AFTER_DAYS * 24 * 60 * 60 * 1000);
  const keys = Object.keys(state.booked);
  for (let i = 0; i < keys.length; i += INDEX_SLICE) {
    foldBooked(state, before, keys.slice(i, i + INDEX_SLICE));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The global context key of a shop's ledger: dots would be read as nested properties, so only [a-z0-9_]. */
export function ledgerContextKey(shopId: string): string {
  return `ccv_snelstart_ledger_${shopId.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;
}
