/**
 * The default exporter: writes to the SQLite store in the user's directory. The store is
 * opened on first use so that merely configuring tracewire never creates a file.
 *
 * Calls arrive in small batches (the export queue hands them over soon, see recorder.ts) and
 * are made into rows at once; rows are written in one transaction per 512 (or about 4 MB),
 * 20 ms after the first one, at flush(), at process exit, or before this process reads the
 * store. One transaction per small batch measured about 19k records/s end to end on the
 * bench machine, against 21k-24k with rows gathered this way.
 *
 * Another process may hold the store's write lock for seconds (a second app mid-write, a
 * sqlite3 shell, a backup). Waiting for it here would freeze the application's event loop,
 * so a write never waits: a batch that finds the store locked is held, in order, and tried
 * again on a timer with backoff. Only the exit hooks, after which no timer runs, wait for the
 * lock, and for at most EXIT_LOCK_WAIT_MS.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Call, CallQuery, CallReader, Exporter } from '../types.js';
import { LocalStore, STORE_FILE_NAME, StoreError, toRow, type CallRow } from '../store/local-store.js';
import { validateQuery } from '../store/query.js';
import { errorMessage } from '../log.js';
import { exitStartedAt, onProcessExit } from './exit-tasks.js';

const MAX_ROWS_PER_WRITE = 512;
const MAX_CHARS_PER_WRITE = 4 * 1024 * 1024;
const WRITE_DELAY_MS = 20;
/** Rows kept while the store stays locked, in JSON characters (1 or 2 bytes each); beyond, calls are dropped. */
const MAX_HELD_CHARS = 32 * 1024 * 1024;
/** A row's fields and objects beyond its JSON texts, so that many tiny rows are bounded too. */
const ROW_OVERHEAD_CHARS = 256;
const FIRST_RETRY_MS = 4;
const MAX_RETRY_MS = 250;
/** As the export queue's flush() (recorder.ts): a held lock keeps the process alive no longer. */
const FLUSH_WAIT_MS = 30_000;
/** At exit nothing else runs, yet a SIGTERM is followed by a SIGKILL within about 10 s. */
const EXIT_LOCK_WAIT_MS = 5_000;

export interface LocalExporterOptions {
  dir: string;
  /** Reports a problem to the user; called at most once per kind of problem. */
  warn: (message: string) => void;
  /** Tests only: MAX_HELD_CHARS and EXIT_LOCK_WAIT_MS. */
  maxHeldChars?: number;
  exitLockWaitMs?: number;
}

interface Batch {
  rows: CallRow[];
  chars: number;
}

/**
 * Exporters holding rows. An exporter that init() replaced is no longer the recorder's, so
 * exportSync will not reach it at exit: one exit task writes for all of them.
 */
const holding = new Set<LocalExporter>();
let exitTaskAdded = false;

function addExitTask(): void {
  if (exitTaskAdded) return;
  exitTaskAdded = true;
  onProcessExit(() => {
    // Also run at beforeExit, where timers still work and nothing may block.
    if (exitStartedAt() !== undefined) for (const exporter of [...holding]) exporter.writeAtExit();
  });
}

export class LocalExporter implements Exporter, CallReader {
  readonly name = 'local';
  readonly acceptsRunning = true;
  /** Calls dropped: too many waited for a locked store, it stayed locked at exit, or a write failed. */
  dropped = 0;
  private store: LocalStore | null = null;
  /** Set once opening failed: from then on writes are dropped and reads rethrow it. */
  private openFailure: StoreError | null = null;
  private readonly warned = new Set<string>();
  /** Rows gathering for the next transaction. */
  private rows: CallRow[] = [];
  private rowChars = 0;
  /** Transactions not yet committed, oldest first: the lock was held, or their turn is next. */
  private readonly held: Batch[] = [];
  private heldChars = 0;
  /** Batches sealed and batches done (committed or given up) so far: flush() waits on these. */
  private sealed = 0;
  private done = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = 0;
  private closeWhenWritten = false;

  constructor(private readonly options: LocalExporterOptions) {}

  export(calls: Call[]): void {
    if (calls.length === 0 || !this.storeForWriting()) return;
    this.closeWhenWritten = false;
    const limit = this.options.maxHeldChars ?? MAX_HELD_CHARS;
    for (const call of calls) {
      const row = toRow(call);
      const chars = ROW_OVERHEAD_CHARS + row.inputs.length + row.output.length + row.summary.length + row.attributes.length;
      if (this.heldChars + this.rowChars + chars > limit) {
        this.drop(1, 'full', `tracewire: the calls waiting for the local store ${this.store!.path}, which another ` +
          `process keeps locked, fill ${limit} characters: further calls are dropped until they are written.`);
        continue;
      }
      this.rows.push(row);
      this.rowChars += chars;
    }
    if (this.rows.length >= MAX_ROWS_PER_WRITE || this.rowChars >= MAX_CHARS_PER_WRITE) this.writeNow(1);
    else if (this.timer === undefined && this.rows.length > 0) {
      this.timer = setTimeout(() => this.writeNow(1), WRITE_DELAY_MS);
      this.timer.unref();
    }
  }

  /** At process exit: writes these calls and every row still waiting, before returning. */
  exportSync(calls: Call[]): void {
    this.export(calls);
    // init() replacing this exporter calls it too: then the event loop goes on, and must not wait.
    if (exitStartedAt() === undefined) this.writeNow(Infinity);
    else this.writeAtExit();
  }

  /** Resolves once every call handed to `export` so far is committed (or given up on), or after FLUSH_WAIT_MS. */
  flush(): void | Promise<void> {
    this.writeNow(Infinity);
    if (this.done >= this.sealed) return;
    return new Promise((resolve) => {
      const waiter = { upTo: this.sealed, resolve: () => { clearTimeout(timer); resolve(); } };
      // Not unref'd: the retry timers are, and a process whose last act is `await flush()`
      // would otherwise end (code 13 at top level) while the lock is held.
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        resolve();
      }, FLUSH_WAIT_MS);
      this.waiters.push(waiter);
    });
  }

  /** Closes the store, or, when it is locked, once what waits is written. */
  shutdown(): void {
    this.writeNow(Infinity);
    if (this.held.length > 0) this.closeWhenWritten = true;
    else this.close();
  }

  /** Reads do not wait for the lock either: calls still held for it are missing from them. */
  getCalls(query: CallQuery | undefined, project: string): Call[] {
    this.writeNow(Infinity);
    const store = this.storeForReading();
    if (store) return store.getCalls(query, project);
    validateQuery(query); // a bad query is an error even before anything was recorded
    return [];
  }

  getCall(id: string, project: string): Call | null {
    this.writeNow(Infinity);
    return this.storeForReading()?.getCall(id, project) ?? null;
  }

  getTrace(traceId: string, project: string): Call[] {
    this.writeNow(Infinity);
    return this.storeForReading()?.getTrace(traceId, project) ?? [];
  }

  /** For custom prices: the store to save into (`create`), or to read from if it exists. */
  costStore(create: boolean): LocalStore | null {
    if (create) return this.storeForWriting();
    try {
      return this.storeForReading();
    } catch {
      return null; // the writer reports an unusable store once; prices then come from this process only
    }
  }

  /** Seals the rows gathered so far and commits up to `batches` held ones, without waiting. */
  private writeNow(batches: number): void {
    this.seal();
    if (this.retryTimer !== undefined) {
      // Waiting for the lock already: trying at every export would only spin. Reads and flush try once more.
      if (batches !== Infinity) return;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.pump(batches);
  }

  private seal(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.rows.length === 0) return;
    this.held.push({ rows: this.rows, chars: this.rowChars });
    this.heldChars += this.rowChars;
    this.sealed++;
    this.rows = [];
    this.rowChars = 0;
  }

  private pump(batches: number): void {
    const unlocked = this.writeHeld(batches, 0);
    if (this.held.length === 0) return;
    holding.add(this);
    addExitTask();
    let delayMs = 0; // one batch a turn: catching up after a long lock must not stall the event loop either
    if (!unlocked) {
      this.retryMs = Math.min(MAX_RETRY_MS, Math.max(FIRST_RETRY_MS, this.retryMs * 2));
      delayMs = this.retryMs / 2 + Math.random() * (this.retryMs / 2); // processes retrying in step would collide again
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump(1);
    }, delayMs);
    this.retryTimer.unref();
  }

  /** Commits up to `batches` held batches, oldest first; false when the lock stopped it. */
  private writeHeld(batches: number, deadline: number): boolean {
    for (let n = 0; n < batches && this.held.length > 0; n++) {
      const batch = this.held[0]!;
      try {
        if (!this.store!.writeRows(batch.rows, Math.max(0, deadline - Date.now()))) return false;
      } catch (error) {
        // Tracing must never take the application down; say so once and keep going.
        this.drop(batch.rows.length, 'write', `tracewire: could not write calls to the local store ${this.store!.path}: ${errorMessage(error)}`);
      }
      this.retryMs = 0;
      this.settle();
    }
    return true;
  }

  /** The exit hooks' last try, the only one that blocks: all exporters share one bounded wait. */
  writeAtExit(): void {
    this.seal();
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const deadline = (exitStartedAt() ?? Date.now()) + (this.options.exitLockWaitMs ?? EXIT_LOCK_WAIT_MS);
    if (this.writeHeld(Infinity, deadline)) return;
    while (this.held.length > 0) {
      this.drop(this.held[0]!.rows.length, 'exit',
        `tracewire: the local store ${this.store!.path} stayed locked by another process at exit; the calls waiting for it were dropped.`);
      this.settle();
    }
  }

  /** The oldest held batch is committed or given up on. */
  private settle(): void {
    this.heldChars -= this.held.shift()!.chars;
    this.done++;
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (waiter.upTo <= this.done) waiter.resolve();
      else this.waiters.push(waiter);
    }
    if (this.held.length > 0) return;
    holding.delete(this);
    if (this.closeWhenWritten && this.rows.length === 0) this.close();
  }

  private drop(calls: number, kind: string, warning: string): void {
    this.dropped += calls;
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.options.warn(warning);
  }

  private close(): void {
    this.closeWhenWritten = false;
    this.store?.close();
    this.store = null;
  }

  private storeForWriting(): LocalStore | null {
    if (this.store) return this.store;
    if (this.openFailure) return null;
    try {
      this.store = LocalStore.open(this.options.dir);
      return this.store;
    } catch (error) {
      this.openFailure = error instanceof StoreError
        ? error
        : new StoreError(errorMessage(error), join(this.options.dir, STORE_FILE_NAME), { cause: error });
      this.options.warn(
        `tracewire: ${this.openFailure.message.replace(/\.$/, '')}. Calls will not be saved to the local store in this process.`);
      return null;
    }
  }

  /** Null when nothing was ever recorded here: reading must not create an empty store. */
  private storeForReading(): LocalStore | null {
    if (this.store) return this.store;
    if (this.openFailure) throw this.openFailure;
    if (!existsSync(join(this.options.dir, STORE_FILE_NAME))) return null;
    // A failure here is for the caller to see; writes will discover it on their own.
    this.store = LocalStore.open(this.options.dir);
    return this.store;
  }
}
