/**
 * The run log of a deployed shop, for the editor's Koppeling sidebar: its run history (pure,
 * ../koppeling/run-history.ts) loaded, stored and published.
 *
 * A run is recorded by the node that runs it (ccv-orders-in: `trackRuns`) and by the flow nodes
 * after it (shared.ts: `noteOutcome`, when snelstart-invoice booked or skipped a document, or any
 * node failed one).
 *
 * Where: next to the sync ledger (ledger-store.ts). With a Node-RED user directory, the file
 * `ccv-snelstart/<ledger key>.runs.json` there, written whole (to a temporary file, then renamed)
 * a second after a change and when the shop's node closes; without one, the global context key
 * `<ledger key>_runs` in the shop's context store. Written only when what is stored changed (a
 * webhook that found nothing due changes nothing). It is a history, not a guard: a crash may lose
 * its last second, never a booking (the ledger keeps those).
 *
 * While a run goes, its state is published on Node-RED's comms (`ccv-snelstart/koppeling/<ccv-config
 * id>`, at most a few times a second) for the sidebar's live view and progress bar.
 */
import fs from "node:fs";
import path from "node:path";
import type { Node, NodeAPI } from "node-red";
import { type RunOutcome, type RunRecord, type RunView, RunHistory, shown, triggerOf, viewOf } from "../koppeling/run-history";
import type { CcvConfigNode } from "./ccv-config";
import type { KoppelingMessage } from "./shared";


/** The comms topic of a shop's runs (the sidebar subscribes to `ccv-snelstart/koppeling/#`). */
export function runsTopic(configId: string): string {
  return `ccv-snelstart/koppeling/${configId}`;
}

/** Published at most this often per shop while a run goes (its start and end at once). */
const PUBLISH_MS = 250;
/** A change is stored this long after it happened (and on close). */
const SAVE_MS = 1000;

type GlobalContext = {
  get(key: string, store: string | undefined, cb: (err: Error | undefined, value: unknown) => void): void;
  set(key: string, value: unknown, store: string | undefined, cb: (err?: Error) => void): void;
};

/** Where a shop's run log is kept: `read` gives undefined when nothing is stored yet. */
export interface RunLogStorage {
  read(): Promise<unknown>;
  write(value: unknown): Promise<void>;
}

/** The file `ccv-snelstart/<ledger key>.runs.json` in `userDir`, else the global context key `<ledger key>_runs` in the shop's context store. */
export function runLogStorage(shop: CcvConfigNode, userDir: string | undefined): RunLogStorage {
  if (userDir) {
    const file = path.join(userDir, "ccv-snelstart", `${shop.ledger.key}.runs.json`);
    return {
      read: async () => {
        try {
          return JSON.parse(await fs.promises.readFile(file, "utf8")) as unknown;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
          throw err;
        }
      },
      write: async (value) => {
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        const tmp = `${file}.tmp`;
        await fs.promises.writeFile(tmp, JSON.stringify(value));
        await fs.promises.rename(tmp, file);
      },
    };
  }
  const key = `${shop.ledger.key}_runs`;
  const store = shop.ledger.store || undefined;
  const global = () => (shop as unknown as Node).context().global as unknown as GlobalContext;
  return {
    read: () => new Promise((resolve, reject) => global().get(key, store, (err, value) => (err ? reject(err) : resolve(value)))),
    write: (value) => new Promise<void>((resolve, reject) => global().set(key, value, store, (err) => (err ? reject(err) : resolve()))),
  };
}

/** One shop's run log: loaded on first use, stored after changes, published while runs go. */
export class RunLogStore {
  private loading: Promise<RunHistory> | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  /** The history's revision last stored (loading leaves it at 0). */
  private storedRevision = 0;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly lastPublished = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly RED: NodeAPI,
    private readonly shop: CcvConfigNode,
    private readonly storage: RunLogStorage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The log, loaded once (a file or context value that cannot be read starts an empty log, with a warning). */
  log(): Promise<RunHistory> {
    this.loading ??= this.storage.read().then(
      (value) => RunHistory.revive(value, this.now()),
      (err: unknown) => {
        this.shop.warn(`The Koppeling sidebar's run log could not be read (${(err as Error).message}); it starts empty`);
        return new RunHistory();
      },
    );
    return this.loading;
  }

  /** Applies a change to the log (in order, after loading); stores and publishes the run it returns. */
  change(fn: (log: RunHistory, now: Date) => RunRecord | null, opts: { publishNow?: boolean } = {}): Promise<RunView | null> {
    return this.log().then((log) => {
      const now = this.now();
      const r = fn(log, now);
      if (log.revision !== this.storedRevision) this.scheduleSave();
      if (!r) return null;
      const view = viewOf(r, now);
      // A webhook's run is shown once it found its order (most webhooks find nothing due and are dropped).
      if (shown(r)) this.publish(view, opts.publishNow === true || view.state !== "running");
      return view;
    });
  }

  /** The runs, newest first. */
  async views(limit?: number): Promise<RunView[]> {
    return (await this.log()).views(this.now(), limit);
  }

  private publish(view: RunView, now: boolean): void {
    const emit = () => {
      this.pending.delete(view.id);
      this.lastPublished.set(view.id, Date.now());
      // The latest state of the run, whenever the throttled message goes out.
      void this.log().then((log) => {
        const r = log.get(view.id);
        this.RED.comms.publish(runsTopic(this.shop.id), { configId: this.shop.id, run: r ? viewOf(r, this.now()) : view }, false);
      });
    };
    if (now) {
      clearTimeout(this.pending.get(view.id));
      emit();
      if (view.state !== "running") this.lastPublished.delete(view.id);
      return;
    }
    if (this.pending.has(view.id)) return;
    const wait = PUBLISH_MS - (Date.now() - (this.lastPublished.get(view.id) ?? 0));
    if (wait <= 0) emit();
    else this.pending.set(view.id, setTimeout(emit, wait).unref());
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save().catch((err: Error) => this.shop.warn(`The Koppeling sidebar's run log could not be stored: ${err.message}`));
    }, SAVE_MS).unref();
  }

  /** Stores the log now, when it changed since it was last stored (one write at a time; a failed write is tried again by the next). */
  save(): Promise<void> {
    this.saving = this.saving.catch(() => undefined).then(async () => {
      if (!this.loading) return;
      const log = await this.loading;
      const revision = log.revision;
      if (revision === this.storedRevision) return;
      await this.storage.write({ version: 1, runs: log.records() });
      this.storedRevision = revision;
    });
    return this.saving;
  }

  /** On close of the shop's node: publishes nothing more, stores what is pending. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    await this.save();
  }
}

const stores = new WeakMap<CcvConfigNode, RunLogStore>();

/** The run log of a deployed shop (its ccv-config node), created on first use and stored when the node closes. */
export function runLogOf(RED: NodeAPI, shop: CcvConfigNode): RunLogStore {
  let store = stores.get(shop);
  if (!store) {
    const userDir = (RED.settings as unknown as { userDir?: unknown }).userDir;
    const created = new RunLogStore(RED, shop, runLogStorage(shop, typeof userDir === "string" && userDir ? userDir : undefined));
    stores.set(shop, created);
    shop.on("close", (_removed: boolean, done: () => void) => {
      created.close().then(done, (err: Error) => {
        shop.warn(`The Koppeling sidebar's run log could not be stored: ${err.message}`);
        done();
      });
    });
    store = created;
  }
  return store;
}

/** A run of ccv-orders-in being recorded (see trackRuns). */
export interface TrackedRun {
  /** The run's `send`: counts each document it sends as due. */
  send(msg: KoppelingMessage): void;
  /** The run's work ended: its listing is complete; with `code`, the run failed with it. */
  end(code?: string): void;
}

/** What ccv-orders-in records of its runs (one per node). */
export interface RunTracker {
  /** A run starts: `msg` is its input (what started it), `webhook` when it is for one order by id. */
  start(runId: string, msg: { topic?: unknown; trigger?: unknown }, send: (msg: KoppelingMessage) => void, opts: { webhook: boolean; full?: boolean }): TrackedRun;
  /** A document of a run failed in ccv-orders-in itself (it was never sent): due, and failed. */
  failedHere(msg: KoppelingMessage): void;
}

/** The run log as ccv-orders-in keeps it: created with the node, one call per run and one per document that fails in the node. */
export function trackRuns(RED: NodeAPI, node: Node, shop: CcvConfigNode): RunTracker {
  const startedAt = Date.now();
  let firstRun = true;
  const warn = (err: Error) => node.warn(`Koppeling sidebar: ${err.message}`);
  const log = runLogOf(RED, shop);
  return {
    start(runId, msg, send, opts) {
      const trigger = triggerOf(msg, { webhook: opts.webhook, firstRun: firstRun && !opts.webhook, sinceStartMs: Date.now() - startedAt });
      if (!opts.webhook) firstRun = false;
      log.change((l, now) => l.start(runId, trigger, now, { full: opts.full, single: opts.webhook }), { publishNow: true }).catch(warn);
      return {
        send(out) {
          if (out.ccv && out.run?.id === runId) log.change((l, now) => l.found(runId, now)).catch(warn);
          send(out);
        },
        end(code) {
          log.change((l, now) => (code ? l.fail(runId, code, now) : l.listed(runId, now)), { publishNow: true }).catch(warn);
        },
      };
    },
    failedHere(msg) {
      const id = msg.run?.id;
      if (!id) return;
      log
        .change((l, now) => {
          l.found(id, now);
          return l.settle(id, "failed", now);
        })
        .catch(warn);
    },
  };
}

/**
 * The outcome of a document, from the flow nodes after ccv-orders-in (shared.ts): booked or
 * skipped by the last node (snelstart-invoice), or failed in any.
 */
export function noteOutcome(RED: NodeAPI, shop: CcvConfigNode | null, msg: KoppelingMessage, outcome: RunOutcome): void {
  const id = msg.run?.id;
  if (!shop || !id || !msg.ccv) return;
  runLogOf(RED, shop)
    .change((l, now) => l.settle(id, outcome, now))
    .catch((err: Error) => shop.warn(`Koppeling sidebar: ${err.message}`));
}
