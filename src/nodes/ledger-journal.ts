/**
 * A shop's sync ledger on disk, crash-durable at O(1) per change: a snapshot file and an
 * append-only journal of changes (one JSON line per ledger update, naming only the keys it set or
 * deleted, and `runs` when it changed), each line fsynced before the update counts as done. The
 * state is the snapshot with the journal replayed over it; replaying a line twice changes nothing
 * (it holds values, not steps), so a crash at any moment of a compaction loses nothing.
 *
 * Files, in `<userDir>/ccv-snelstart/`: `<name>.snapshot.json` and `<name>.journal.jsonl`.
 * Compaction (when the journal passes COMPACT_BYTES): write the whole state to a temporary file,
 * fsync it, rename it over the snapshot, fsync the directory, then empty the journal.
 */
import fs from "node:fs";
import path from "node:path";
import type { LedgerState, RunsEntry } from "../koppeling/sync-ledger";

/** The keys one update set (to a value) or deleted (null), per part of the ledger. */
export interface JournalRecord {
  b?: Record<string, unknown>;
  f?: Record<string, unknown>;
  i?: Record<string, unknown>;
  r?: RunsEntry;
}

/** A journal this size is folded into the snapshot. */
const COMPACT_BYTES = 2 * 1024 * 1024;

/** Applies one journal record to a state (in place). */
export function applyRecord(state: LedgerState, rec: JournalRecord): void {
  const parts: Array<[Record<string, unknown> | undefined, Record<string, unknown>]> = [
    [rec.b, state.booked as Record<string, unknown>],
    [rec.f, state.failed as Record<string, unknown>],
    [rec.i, state.intents as Record<string, unknown>],
  ];
  for (const [changes, target] of parts) {
    if (!changes) continue;
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete target[k];
      else target[k] = v;
    }
  }
  if (rec.r) state.runs = rec.r;
}

/**
 * The lines of a journal, parsed. A last line cut short by a crash is left out; a broken line
 * before the last is an error (the file was changed by something else).
 */
export function parseJournal(text: string): JournalRecord[] {
  const lines = text.split("\n");
  const out: JournalRecord[] = [];
  for (const [n, line] of lines.entries()) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch (err) {
      const last = lines.slice(n + 1).every((l) => l.trim() === "");
      if (!last) throw new Error(`line ${n + 1} of the journal is not JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
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
  ) {
    this.snapshotFile = path.join(dir, `${name}.snapshot.json`);
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
      state = revive(JSON.parse(await fs.promises.readFile(this.snapshotFile, "utf8")));
    } else {
      state = revive(await initial());
      await this.writeSnapshot(state);
    }
    if (await exists(this.journalFile)) {
      const text = await fs.promises.readFile(this.journalFile, "utf8");
      for (const rec of parseJournal(text)) applyRecord(state, rec);
      this.bytes = Buffer.byteLength(text);
    }
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
      await h.writeFile(JSON.stringify(state), "utf8");
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
