/**
 * A shop's sync ledger on disk, crash-durable at O(1) per change: a snapshot and an append-only
 * journal of changes (one JSON line per ledger update, naming only the keys it set or deleted,
 * and `runs` when it changed), each line fsynced before the update counts as done. The state is
 * the snapshot with the journal replayed over it; replaying a line twice changes nothing (it holds
 * values, not steps), so a crash at any moment of a compaction loses nothing.
 *
 * The snapshot has the journal's format too: lines of at most CHUNK entries, so that neither
 * loading nor compacting holds the event loop for long at 100,000 orders: each line is parsed or
 * written on its own, with a turn of the event loop between.
 *
 * Files, in `<userDir>/ccv-snelstart/`: `<name>.snapshot.jsonl` and `<name>.journal.jsonl`.
 * Compaction (when the journal passes COMPACT_BYTES): write the whole state to a temporary file,
 * fsync it, rename it over the snapshot, fsync the directory, then empty the journal.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import type { FoldedState, LedgerState, RunsEntry } from "../koppeling/sync-ledger";

/** The keys one update set (to a value) or deleted (null), per part of the ledger. */
export interface JournalRecord {
  b?: Record<string, unknown>;
  f?: Record<string, unknown>;
  i?: Record<string, unknown>;
  p?: Record<string, unknown>;
  r?: RunsEntry;
  /** The folded bookings, whole (snapshot only). */
  x?: FoldedState;
}

/** A journal this size is folded into the snapshot. */
const COMPACT_BYTES = 2 * 1024 * 1024;
/** Entries per snapshot line. */
const CHUNK = 500;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Applies one journal record to a state (in place). */
export function applyRecord(state: LedgerState, rec: JournalRecord): void {
  const parts: Array<[Record<string, unknown> | undefined, Record<string, unknown>]> = [
    [rec.b, state.booked as Record<string, unknown>],
    [rec.f, state.failed as Record<string, unknown>],
    [rec.i, state.intents as Record<string, unknown>],
    [rec.p, state.pending as Record<string, unknown>],
  ];
  for (const [changes, target] of parts) {
    if (!changes) continue;
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete target[k];
      else target[k] = v;
    }
  }
  // Merged: a line written before a field of `runs` existed keeps that field as it was.
  if (rec.r) state.runs = { ...state.runs, ...rec.r };
  if (rec.x) state.folded = rec.x;
}

/**
 * The lines of a journal, parsed. A last line cut short by a crash is left out; a broken line
 * before the last is an error (the file was changed by something else).
 */
export function parseJournal(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  const lines = text.split("\n");
  lines.forEach((line, n) => {
    const rec = parseLine(line, n + 1, lines.slice(n + 1).every((l) => l.trim() === ""));
    if (rec) out.push(rec);
  });
  return out;
}

function parseLine(line: string, n: number, last: boolean): JournalRecord | null {
  if (line.trim() === "") return null;
  try {
    return JSON.parse(line) as JournalRecord;
  } catch (err) {
    if (last) return null;
    throw new Error(`line ${n} of the journal is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** Applies every record of `file` to `state`, a line at a time with a turn of the event loop between; returns the file's size. */
async function replay(file: string, state: LedgerState): Promise<number> {
  const stream = fs.createReadStream(file, { encoding: "utf8" });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let pending: { line: string; n: number } | null = null;
  let n = 0;
  for await (const line of lines) {
    // A line is applied once the next one is seen, so that only the very last may be cut short.
    if (pending) {
      const rec = parseLine(pending.line, pending.n, false);
      if (rec) applyRecord(state, rec);
      await turn();
    }
    pending = { line, n: ++n };
  }
  if (pending) {
    const rec = parseLine(pending.line, pending.n, true);
    if (rec) applyRecord(state, rec);
  }
  return stream.bytesRead;
}

/** The state as snapshot lines: `booked`, `failed`, `intents` and `pending` in chunks of CHUNK entries, then `runs` and the folded bookings. */
function* snapshotLines(state: LedgerState): Generator<string> {
  const parts: Array<["b" | "f" | "i" | "p", Record<string, unknown>]> = [
    ["b", state.booked],
    ["f", state.failed],
    ["i", state.intents],
    ["p", state.pending],
  ];
  for (const [part, map] of parts) {
    const keys = Object.keys(map);
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk: Record<string, unknown> = {};
      for (const k of keys.slice(i, i + CHUNK)) chunk[k] = map[k];
      yield JSON.stringify({ [part]: chunk });
    }
  }
  yield JSON.stringify({ r: state.runs });
  yield JSON.stringify({ x: state.folded });
}

async function syncDir(dir: string): Promise<void> {
  const h = await fs.promises.open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.promises.access(file).then(
    () => true,
    () => false,
  );
}

export class LedgerJournal {
  private readonly snapshotFile: string;
  private readonly journalFile: string;
  private handle: fs.promises.FileHandle | null = null;
  private bytes = 0;

  constructor(
    private readonly dir: string,
    name: string,
    /** Runs on the state right before each compaction writes it (the store folds old bookings there). */
    private readonly prepare?: (state: LedgerState) => Promise<void>,
  ) {
    this.snapshotFile = path.join(dir, `${name}.snapshot.jsonl`);
    this.journalFile = path.join(dir, `${name}.journal.jsonl`);
  }

  /**
   * The stored state (snapshot + journal), or null when there is none yet (then `initial` is the
   * first snapshot: an older ledger from the context store, or an empty one).
   */
  async load(revive: (value: unknown) => LedgerState, initial: () => Promise<unknown>): Promise<LedgerState> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    let state: LedgerState;
    if (await exists(this.snapshotFile)) {
      state = revive(undefined);
      await replay(this.snapshotFile, state);
    } else {
      state = revive(await initial());
      await this.writeSnapshot(state);
    }
    if (await exists(this.journalFile)) this.bytes = await replay(this.journalFile, state);
    return state;
  }

  /** Appends one record and fsyncs it; compacts when the journal has grown past its size. */
  async append(rec: JournalRecord, state: LedgerState): Promise<void> {
    this.handle ??= await fs.promises.open(this.journalFile, "a");
    const line = `${JSON.stringify(rec)}\n`;
    await this.handle.appendFile(line, "utf8");
    await this.handle.datasync();
    this.bytes += Buffer.byteLength(line);
    if (this.bytes > COMPACT_BYTES) await this.compact(state);
  }

  /** Folds the journal into the snapshot. */
  async compact(state: LedgerState): Promise<void> {
    await this.prepare?.(state);
    await this.writeSnapshot(state);
    await this.handle?.close();
    this.handle = null;
    await fs.promises.truncate(this.journalFile, 0).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
    this.bytes = 0;
  }

  private async writeSnapshot(state: LedgerState): Promise<void> {
    const tmp = `${this.snapshotFile}.tmp`;
    const h = await fs.promises.open(tmp, "w");
    try {
      for (const line of snapshotLines(state)) await h.write(`${line}\n`);
      await h.sync();
    } finally {
      await h.close();
    }
    await fs.promises.rename(tmp, this.snapshotFile);
    await syncDir(this.dir);
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}
