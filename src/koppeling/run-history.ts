/**
 * The run history of a shop, as the editor's Koppeling sidebar shows it (pure: the caller passes
 * the time). Per run: when it started, what started it (schedule, webhook, deploy, manual), how
 * many documents were due and how many of them were booked, skipped (already booked) or failed,
 * and how long it took. Counts, times and error codes only: no order's content, no customer, no
 * error message (which can name one).
 *
 * A run is done once its listing ended and every document it sent is accounted for. Kept: the
 * last MAX_RUNS runs of the last MAX_AGE_DAYS days. A webhook's run is shown (and stored) only
 * once it found its order or failed; one that found nothing due (CCV Shop sends several per
 * order) is dropped, and leaves what is stored as it was (`revision`). Where it is stored and how
 * it is published: src/nodes/run-log.ts.
 */

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

/** A run as the sidebar shows it (the admin route's and the comms messages' shape): the record without its bookkeeping, with its duration and state. */
export interface RunView extends Omit<RunRecord, "lastAt" | "incomplete"> {
  /** Milliseconds from the start to the end (or to now, while running). */
  durationMs: number;
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

/** Whether the sidebar shows (and a store keeps) the run: a webhook's run only once it found its order (or failed). */
export function shown(r: RunRecord): boolean {
  return r.trigger !== "webhook" || r.due > 0 || r.error !== null;
}

/**
 * The bounded list of a shop's runs (pure: the caller passes the time). Events of a run it does
 * not hold (dropped, or from before a restart) are ignored.
 */
export class RunHistory {
  /** Oldest first. */
  private list: RunRecord[] = [];
  private readonly byId = new Map<string, RunRecord>();
  private changes = 0;

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
  static revive(value: unknown, now: Date): RunHistory {
    const records = (Array.isArray(value) ? value : isObject(value) && Array.isArray(value.runs) ? value.runs : []).map(reviveRecord).filter((r): r is RunRecord => r !== null);
    for (const r of records) {
      if (!r.endedAt) Object.assign(r, { endedAt: r.lastAt, incomplete: true });
    }
    const log = new RunHistory(records.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt)));
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
    for (const r of this.list) {
      if (kept.has(r)) continue;
      this.byId.delete(r.id);
      this.changed(r);
    }
    this.list = keep;
  }

  /** Counts a change of `r` when it is one of the stored runs (see `records`). */
  private changed(r: RunRecord): void {
    if (shown(r)) this.changes += 1;
  }

  /**
   * Counts up with every change to what `records` returns (a store writes only when it moved);
   * a webhook's run that starts and is dropped with nothing due leaves it as it was.
   */
  get revision(): number {
    return this.changes;
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
    this.changed(r);
    this.prune(now);
    return r;
  }

  /** The run took up one more document that is due (sent it into the flow, or it failed in ccv-orders-in). */
  found(id: string, now: Date): RunRecord | null {
    const r = this.byId.get(id);
    if (!r) return null;
    r.due += 1;
    r.lastAt = now.toISOString();
    this.changed(r);
    return r;
  }

  /** One of the run's documents is booked, skipped or failed. */
  settle(id: string, outcome: RunOutcome, now: Date): RunRecord | null {
    const r = this.byId.get(id);
    if (!r) return null;
    r[outcome] += 1;
    r.lastAt = now.toISOString();
    this.endIfComplete(r, now);
    this.changed(r);
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
      this.changed(r);
      this.byId.delete(id);
      this.list = this.list.filter((x) => x !== r);
      return null;
    }
    r.listed = true;
    r.lastAt = now.toISOString();
    this.endIfComplete(r, now);
    this.changed(r);
    return r;
  }

  /** The run could not go on (CCV Shop unreachable, refused): ended with that code. */
  fail(id: string, code: string, now: Date): RunRecord | null {
    const r = this.byId.get(id);
    if (!r) return null;
    r.error = code;
    r.lastAt = now.toISOString();
    r.endedAt ??= r.lastAt;
    this.changed(r);
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

  /** What is stored: the runs the sidebar shows (a webhook's run that has not found its order yet is not). */
  records(): RunRecord[] {
    return this.list.filter(shown).map((r) => ({ ...r }));
  }
}

/** ccv-orders-in's `msg.topic` that runs a full sweep: everything since the start date, as the first run. */
export const FULL_SYNC = "full-sync";
/** ccv-orders-in's `msg.topic` that retries one order (`msg.payload.id`) afresh, forgetting its failures. */
export const RETRY = "retry";

/**
 * What started a run of ccv-orders-in: `msg.trigger` when it names one (the sidebar's buttons send
 * "manual"; a flow may set it), a retry ("manual"), a webhook's order id ("webhook"), the node's
 * first run soon after it started (the example's inject at deploy: "deploy"), else "schedule".
 */
export function triggerOf(msg: { topic?: unknown; trigger?: unknown }, opts: { webhook: boolean; firstRun: boolean; sinceStartMs: number }): RunTrigger {
  if (RUN_TRIGGERS.includes(msg.trigger as RunTrigger)) return msg.trigger as RunTrigger;
  if (msg.topic === RETRY) return "manual";
  if (opts.webhook) return "webhook";
  if (opts.firstRun && opts.sinceStartMs <= DEPLOY_WINDOW_MS) return "deploy";
  return "schedule";
}
