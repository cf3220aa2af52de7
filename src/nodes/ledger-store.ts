/**
 * Keeps a shop's sync ledger in Node-RED global context, in the context store the user chose
 * (a persistent `localfilesystem` store survives restarts). One instance per ccv-config node:
 * it loads the ledger once, applies changes one at a time and writes the whole ledger back
 * after each change, so concurrent messages never lose each other's updates.
 */
import type { Node } from "node-red";
import { KoppelingError } from "../errors";
import { type LedgerState, reviveLedger } from "../koppeling/sync-ledger";

export class LedgerStore {
  private state: LedgerState | null = null;
  private loading: Promise<LedgerState> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly node: Node,
    /** Global context key, e.g. `ccv_snelstart_ledger_myshop_ccvshop_nl`. */
    readonly key: string,
    /** Context store name; empty = the default store. */
    readonly store: string,
  ) {}

  private context() {
    return this.node.context().global;
  }

  private load(): Promise<LedgerState> {
    if (this.state) return Promise.resolve(this.state);
    this.loading ??= new Promise<LedgerState>((resolve, reject) => {
      const cb = (err: Error | undefined, value: unknown) => {
        if (err) {
          this.loading = null;
          reject(new KoppelingError("LEDGER_STORE", `Cannot read the sync ledger from context store "${this.store || "default"}": ${err.message}`));
          return;
        }
        this.state = reviveLedger(value);
        resolve(this.state);
      };
      const g = this.context() as unknown as { get(key: string, store: string | undefined, cb: (err: Error | undefined, value: unknown) => void): void };
      g.get(this.key, this.store || undefined, cb);
    });
    return this.loading;
  }

  private save(state: LedgerState): Promise<void> {
    return new Promise((resolve, reject) => {
      const g = this.context() as unknown as { set(key: string, value: unknown, store: string | undefined, cb: (err?: Error) => void): void };
      g.set(this.key, state, this.store || undefined, (err?: Error) =>
        err ? reject(new KoppelingError("LEDGER_STORE", `Cannot write the sync ledger to context store "${this.store || "default"}": ${err.message}`)) : resolve(),
      );
    });
  }

  /** Reads the ledger (no change). */
  read<T>(fn: (ledger: LedgerState) => T): Promise<T> {
    return this.enqueue(async () => fn(await this.load()));
  }

  /** Applies a change and writes the ledger back before the next change runs. */
  update<T>(fn: (ledger: LedgerState) => T): Promise<T> {
    return this.enqueue(async () => {
      const state = await this.load();
      const result = fn(state);
      await this.save(state);
      return result;
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The global context key of a shop's ledger: dots would be read as nested properties, so only [a-z0-9_]. */
export function ledgerContextKey(shopId: string): string {
  return `ccv_snelstart_ledger_${shopId.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;
}
