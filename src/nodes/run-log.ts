/**
 * The run log: a shop's last runs, for the editor's Koppeling sidebar. Per run: when it started,
 * what started it (schedule, webhook, deploy, manual), how many documents were due and how many of
 * them were booked, skipped (already booked) or failed, and how long it took. Counts, times and
 * error codes only: no order's content, no customer, no error message (which can name one).
 *
 * A run is recorded by the node that runs it (ccv-orders-in: `trackRuns`) and by the flow nodes
 * after it (shared.ts: `noteOutcome`, when snelstart-invoice booked or skipped a document, or any
 * node failed one). It is done once its listing ended and every document it sent is accounted for.
 * Kept: the last MAX_RUNS runs of the last MAX_AGE_DAYS days. A webhook that found nothing due
 * (CCV Shop sends several per order) is not kept.
 *
 * Where: next to the sync ledger (ledger-store.ts). With a Node-RED user directory, the file
 * `ccv-snelstart/<ledger key>.runs.json` there, written whole (to a temporary file, then renamed)
 * a second after a change and when the shop's node closes; without one, the global context key
 * `<ledger key>_runs` in the shop's context store. It is a history, not a guard: a crash may lose
 * its last second, never a booking (the ledger keeps those).
 *
 * While a run goes, its state is published on Node-RED's comms (`ccv-snelstart/koppeling/<ccv-config
 * id>`, at most a few times a second) for the sidebar's live view and progress bar.
 */
import fs from "node:fs";
import path from "node:path";
import type { Node, NodeAPI } from "node-red";
import type { CcvConfigNode } from "./ccv-config";
import type { KoppelingMessage } from "./shared";

export type RunTrigger = "schedule" | "webhook" | "deploy" | "manual";
export const RUN_TRIGGERS: readonly RunTrigger[] = ["schedule", "webhook", "deploy", "manual"];

/** What became of one document of a run: booked, skipped (SnelStart already had it), or failed. */
export type RunOutcome = "booked" | "skipped" | "failed";

/** Runs kept at most. */
export const MAX_RUNS = 500;
/** Days a run is kept. */
export const MAX_AGE_DAYS = 30;
/** A run with documents unaccounted for and nothing heard of it for this long is incomplete (as the report node's quiet time). */
export const QUIET_MS = 10 * 60 * 1000;
/** The first run of a ccv-orders-in node within this time of its start is counted as started by the deploy (or restart). */
export const DEPLOY_WINDOW_MS = 30 * 1000;

/** One run, as stored. */
export interface RunRecord {
  /** ccv-orders-in's run id (`msg.run.id`). */
  id: string;
  trigger: RunTrigger;
  /** A full sweep (everything since the start date). */
  full: boolean;
  /** The run of one order (a webhook's or a retry's), which runs beside a scheduled run. */
  single: boolean;
  startedAt: string;
  /** The last thing heard of the run. */
  lastAt: string;
  /** When the run was done: its listing ended and all its documents are accounted for (or it failed). */
  endedAt: string | null;
  /** Documents the run found due and took up so far; final once `listed`. */
  due: number;
  /** The listing ended: `due` is final. */
  listed: boolean;
  booked: number;
  skipped: number;
  failed: number;
  /** The code of the error that ended the run (CCV unreachable, refused), else null. */
  error: string | null;
  /** Ended without all its documents accounted for (Node-RED stopped during the run). */
  incomplete: boolean;
}

export type RunState = "running" | "done" | "failed" | "incomplete";

/** A run as the sidebar shows it (the admin route's and the comms messages' shape). */
export interface RunView {
  id: string;
  trigger: RunTrigger;
  full: boolean;
  single: boolean;
  startedAt: string;
  endedAt: string | null;
  /** Milliseconds from the start to the end (or to now, while running). */
  durationMs: number;
  due: number;
  /** `due` is final (the listing ended); while false, more documents may be found. */
  listed: boolean;
  booked: number;
  skipped: number;
  failed: number;
  error: string | null;
  state: RunState;
}

/** Whether a scheduled (not a one-order) run of the shop is going: the shop's "Run now" waits for it. */
export function scheduledRunGoing(runs: readonly RunView[]): boolean {
  return runs.some((r) => r.state === "running" && !r.single);
}

export function stateOf(r: RunRecord, now: Date): RunState {
  if (r.error) return "failed";
  if (r.endedAt) return r.incomplete ? "incomplete" : "done";
  return now.getTime() - Date.parse(r.lastAt) > QUIET_MS ? "incomplete" : "running";
}

export function viewOf(r: RunRecord, now: Date): RunView {
  const state = stateOf(r, now);
  const end = r.endedAt ? Date.parse(r.endedAt) : state === "running" ? now.getTime() : Date.parse(r.lastAt);
  return {
    id: r.id,
    trigger: r.trigger,
    full: r.full,
    single: r.single,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: Math.max(0, end - Date.parse(r.startedAt)),
    due: r.due,
    listed: r.listed,
    booked: r.booked,
    skipped: r.skipped,
    failed: r.failed,
    error: r.error,
    state,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const count = (v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : 0);
const time = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? v : null);

/** A stored record, checked field by field; null when it is not one. */
function reviveRecord(v: unknown): RunRecord | null {
  if (!isObject(v) || typeof v.id !== "string" || !RUN_TRIGGERS.includes(v.trigger as RunTrigger)) return null;
  const startedAt = time(v.startedAt);
  if (!startedAt) return null;
  return {
    id: v.id,
    trigger: v.trigger as RunTrigger,
    full: v.full === true,
    // Stored before `single` was: a webhook's run was the only run of one order.
    single: v.single === true || v.trigger === "webhook",
    startedAt,
    lastAt: time(v.lastAt) ?? startedAt,
    endedAt: time(v.endedAt),
    due: count(v.due),
    listed: v.listed === true,
    booked: count(v.booked),
    skipped: count(v.skipped),
    failed: count(v.failed),
    error: typeof v.error === "string" ? v.error : null,
    incomplete: v.incomplete === true,
  };
}

/** Whether the sidebar shows the run: a webhook's run only once it found its order (or failed). */
function shown(r: RunRecord): boolean {
  return r.trigger !== "webhook" || r.due > 0 || r.error !== null;
}

/**
 * The bounded list of a shop's runs (pure: the caller passes the time). Events of a run it does
 * not hold (dropped, or from before a restart) are ignored.
 */
export class RunLog {
  /** Oldest first. */
  private list: RunRecord[] = [];
  private readonly byId = new Map<string, RunRecord>();

  constructor(
    records: readonly RunRecord[] = [],
    private readonly limits = { maxRuns: MAX_RUNS, maxAgeMs: MAX_AGE_DAYS * 24 * 60 * 60 * 1000 },
  ) {
    for (const r of records) this.add(r);
  }

  /**
   * The stored log (the file's or the context's value), checked; runs that were going when it was
   * stored ended then, incomplete (Node-RED stopped).
   */
  static revive(value: unknown, now: Date): RunLog {
    const records = (Array.isArray(value) ? value : isObject(value) && Array.isArray(value.runs) ? value.runs : []).map(reviveRecord).filter((r): r is RunRecord => r !== null);
    for (const r of records) {
      if (!r.endedAt) Object.assign(r, { endedAt: r.lastAt, incomplete: true });
    }
    const log = new RunLog(records.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt)));
    log.prune(now);
    return log;
  }

  private add(r: RunRecord): void {
    if (this.byId.has(r.id)) return;
    this.list.push(r);
    this.byId.set(r.id, r);
  }

  private prune(now: Date): void {
    const cutoff = now.getTime() - this.limits.maxAgeMs;
    const keep = this.list.filter((r) => Date.parse(r.startedAt) >= cutoff).slice(-this.limits.maxRuns);
    if (keep.length === this.list.length) return;
    const kept = new Set(keep);
    for (const r of this.list) if (!kept.has(r)) this.byId.delete(r.id);
    this.list = keep;
  }

  get size(): number {
    return this.list.length;
  }

  get(id: string): RunRecord | null {
    return this.byId.get(id) ?? null;
  }

  /** A run started. */
  start(id: string, trigger: RunTrigger, now: Date, opts: { full?: boolean; single?: boolean } = {}): RunRecord {
    const at = now.toISOString();
    const r: RunRecord = { id, trigger, full: opts.full === true, single: opts.single === true, startedAt: at, lastAt: at, endedAt: null, due: 0, listed: false, booked: 0, skipped: 0, failed: 0, error: null, incomplete: false };
    this.add(r);
    this.prune(now);
    return r;
  }

  /** The run took up one more document that is due (sent it into the flow, or it failed in ccv-orders-in). */
  found(id: string, now: Date): RunRecord | null {
    const r = this.byId.get(id);
    if (!r) return null;
    r.due += 1;
    r.lastAt = now.toISOString();
    return r;
  }

  /** One of the run's documents is booked, skipped or failed. */
  settle(id: string, outcome: RunOutcome, now: Date): RunRecord | null {
    const r = this.byId.get(id);
    if (!r) return null;
    r[outcome] += 1;
    r.lastAt = now.toISOString();
    this.endIfComplete(r, now);
    return r;
  }

  /**
   * The run's listing ended: no more documents will be found. A webhook's run that found nothing
   * due is dropped (returns null).
   */
  listed(id: string, now: Date): RunRecord | null {
    const r = this.byId.get(id);
    if (!r) return null;
    if (r.trigger === "webhook" && r.due === 0) {
      this.byId.delete(id);
      this.list = this.list.filter((x) => x !== r);
      return null;
    }
    r.listed = true;
    r.lastAt = now.toISOString();
    this.endIfComplete(r, now);
    return r;
  }

  /** The run could not go on (CCV Shop unreachable, refused): ended with that code. */
  fail(id: string, code: string, now: Date): RunRecord | null {
    const r = this.byId.get(id);
    if (!r) return null;
    r.error = code;
    r.lastAt = now.toISOString();
    r.endedAt ??= r.lastAt;
    return r;
  }

  private endIfComplete(r: RunRecord, now: Date): void {
    if (r.endedAt && !r.incomplete) return;
    if (r.listed && r.booked + r.skipped + r.failed >= r.due) {
      r.endedAt = now.toISOString();
      r.incomplete = false;
    }
  }

  /** The runs, newest first (at most `limit`); a webhook's run only once it found its order. */
  views(now: Date, limit = MAX_RUNS): RunView[] {
    const out: RunView[] = [];
    for (let i = this.list.length - 1; i >= 0 && out.length < limit; i--) if (shown(this.list[i])) out.push(viewOf(this.list[i], now));
    return out;
  }

  /** What is stored. */
  records(): RunRecord[] {
    return this.list.map((r) => ({ ...r }));
  }
}

/**
 * What started a run of ccv-orders-in: `msg.trigger` when it names one (the sidebar's buttons send
 * "manual"; a flow may set it), a retry ("manual"), a webhook's order id ("webhook"), the node's
 * first run soon after it started (the example's inject at deploy: "deploy"), else "schedule".
 */
export function triggerOf(msg: { topic?: unknown; trigger?: unknown }, opts: { webhook: boolean; firstRun: boolean; sinceStartMs: number }): RunTrigger {
  if (RUN_TRIGGERS.includes(msg.trigger as RunTrigger)) return msg.trigger as RunTrigger;
  if (msg.topic === "retry") return "manual";
  if (opts.webhook) return "webhook";
  if (opts.firstRun && opts.sinceStartMs <= DEPLOY_WINDOW_MS) return "deploy";
  return "schedule";
}

// ---------------------------------------------------------------------------------------------
// the log of a deployed shop: stored, published

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

/** One shop's run log: loaded on first use, stored after changes, published while runs go. */
export class RunLogStore {
  private loading: Promise<RunLog> | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private readonly file: string | null;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly lastPublished = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly RED: NodeAPI,
    private readonly shop: CcvConfigNode,
    userDir: string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = userDir ? path.join(userDir, "ccv-snelstart", `${shop.ledger.key}.runs.json`) : null;
  }

  private get contextKey(): string {
    return `${this.shop.ledger.key}_runs`;
  }

  private context(): GlobalContext {
    return (this.shop as unknown as Node).context().global as unknown as GlobalContext;
  }

  /** The log, loaded once (a file or context value that cannot be read starts an empty log, with a warning). */
  log(): Promise<RunLog> {
    this.loading ??= this.read().then(
      (value) => RunLog.revive(value, this.now()),
      (err: unknown) => {
        this.shop.warn(`The Koppeling sidebar's run log could not be read (${(err as Error).message}); it starts empty`);
        return new RunLog();
      },
    );
    return this.loading;
  }

  private async read(): Promise<unknown> {
    if (this.file) {
      try {
        return JSON.parse(await fs.promises.readFile(this.file, "utf8")) as unknown;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
    }
    return new Promise((resolve, reject) => this.context().get(this.contextKey, this.shop.ledger.store || undefined, (err, value) => (err ? reject(err) : resolve(value))));
  }

  /** Applies a change to the log (in order, after loading); stores and publishes the run it returns. */
  change(fn: (log: RunLog, now: Date) => RunRecord | null, opts: { publishNow?: boolean } = {}): Promise<RunView | null> {
    return this.log().then((log) => {
      const now = this.now();
      const r = fn(log, now);
      this.scheduleSave();
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

  /** Stores the log now (one write at a time). */
  save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      if (!this.loading) return;
      const records = (await this.loading).records();
      if (this.file) {
        await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.tmp`;
        await fs.promises.writeFile(tmp, JSON.stringify({ version: 1, runs: records }));
        await fs.promises.rename(tmp, this.file);
        return;
      }
      await new Promise<void>((resolve, reject) => this.context().set(this.contextKey, { version: 1, runs: records }, this.shop.ledger.store || undefined, (err) => (err ? reject(err) : resolve())));
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
    const created = new RunLogStore(RED, shop, typeof userDir === "string" && userDir ? userDir : undefined);
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
