/**
 * The SQLite file behind the `local` exporter and the CLI/viewer. Several processes may
 * write the same file at once, and a writer may be killed at any moment: WAL mode plus one
 * transaction per batch means a batch is either fully there or absent.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage } from '../log.js';
import type { Call, CallQuery, CallReader } from '../types.js';
import { insertCost, listCosts } from './costs.js';
import type { CustomCost } from './costs.js';
import { conditionsOf, orderAndPageSql, orderTrace, validateQuery } from './query.js';
import { fromRow, toRow, type CallRow } from './rows.js';
import { LATEST_SCHEMA_VERSION, migrate, readSchemaVersion } from './schema.js';
import { containsFolded, FOLDED_CONTAINS, SORT_KEY, sortKey } from './text-search.js';

export { fromRow, toRow, type CallRow } from './rows.js';

export const STORE_FILE_NAME = 'tracewire.db';

/** The store cannot be used: unreadable, corrupt, too new, or locked for too long. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(message: string, readonly path: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * How long SQLite itself waits for a lock before handing SQLITE_BUSY back to us, in the
 * calls that may block the thread: opening, reads, and writes given a wait (see writeRows).
 */
const BUSY_TIMEOUT_MS = 5_000;
/**
 * Store bench (npm run bench, section 5), paired runs: 8 KB pages (a record with its JSON is
 * 2 KB or more, so 4 KB pages hold one or two) took the store from 21k-27k to 35k-46k records/s.
 */
const NEW_FILE_PAGE_SIZE = 8192;
const WAL_CHECKPOINT_BYTES = 32 * 1024 * 1024;
/** Total time our retry loop keeps trying before giving up with a StoreError. */
const MAX_LOCK_WAIT_MS = 60_000;
const MAX_BACKOFF_MS = 500;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  // Only for callers that chose to block (exit, the CLI, reads): the exporter passes 0.
  Atomics.wait(sleeper, 0, 0, ms);
}

function sqliteCode(error: unknown): string {
  return error instanceof Database.SqliteError ? error.code : '';
}

function isLockError(error: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(error));
}

/**
 * Runs `work` until it gets past lock contention. The busy timeout covers most waits, but
 * SQLite returns BUSY without waiting in some cases (e.g. while another connection recovers
 * the WAL), so we retry with jittered exponential backoff until `maxWaitMs`. `work` gets the
 * time left, so that one attempt's busy timeout need not overshoot it.
 */
function withLockRetry<T>(path: string, work: (remainingMs: number) => T, maxWaitMs = MAX_LOCK_WAIT_MS): T {
  const deadline = Date.now() + maxWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return work(Math.max(0, deadline - Date.now()));
    } catch (error) {
      if (!isLockError(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new StoreError(
          `${path} stayed locked by another process for ${maxWaitMs / 1000}s; nothing was written`,
          path, { cause: error });
      }
      const backoff = Math.min(MAX_BACKOFF_MS, 2 ** attempt);
      sleepSync(Math.min(left, backoff / 2 + Math.random() * backoff));
    }
  }
}

function describeOpenFailure(path: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = sqliteCode(error);
  const reason = errorMessage(error);
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      `${path} is not a usable tracewire store: it is corrupt or not an SQLite database (${reason}). ` +
      'Move it aside to start a new store.', path, { cause: error });
  }
  return new StoreError(`cannot open the tracewire store ${path}: ${reason}`, path, { cause: error });
}

const COLUMNS = [
  'id', 'project', 'trace_id', 'parent_id', 'op_name', 'display_name', 'kind', 'status',
  'started_at', 'started_at_ms', 'ended_at', 'inputs', 'output', 'exception', 'attributes', 'summary', 'written_seq',
] as const;

const UPSERT_SQL = `
  INSERT INTO calls (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})
  ON CONFLICT(id) DO UPDATE SET
  ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`;

export class LocalStore implements CallReader {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly writeBatch: (rows: CallRow[]) => void;
  private busyTimeoutMs = BUSY_TIMEOUT_MS;

  private constructor(private readonly db: Database.Database, readonly path: string) {
    db.function(FOLDED_CONTAINS, { deterministic: true }, containsFolded);
    db.function(SORT_KEY, { deterministic: true }, sortKey);
    const upsert = this.statement(UPSERT_SQL);
    const nextWrite = this.statement('UPDATE write_seq SET value = value + 1 RETURNING value');
    this.writeBatch = db.transaction((rows: CallRow[]) => {
      const { value } = nextWrite.get() as { value: number };
      for (const row of rows) {
        row.written_seq = value;
        upsert.run(row);
      }
    }).immediate;
  }

  /** Opens (creating if needed) `<dir>/tracewire.db`; throws StoreError when it cannot be used. */
  static open(dir: string): LocalStore {
    const path = join(dir, STORE_FILE_NAME);
    let db: Database.Database | undefined;
    try {
      mkdirSync(dir, { recursive: true });
      db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
      const opened = db;
      withLockRetry(path, () => {
        // Takes effect only in a file not yet written: older stores keep their page size.
        opened.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
        opened.pragma('journal_mode = WAL');
        // NORMAL in WAL mode can lose the last commits on power loss, never on a process
        // crash, and never corrupts: the trade the spec allows for a ~10x faster commit.
        opened.pragma('synchronous = NORMAL');
      });
      // A checkpoint every ~32 MB of WAL instead of SQLite's 1000 pages writes each busy index
      // page back once per interval, not many times, and an 8 MB page cache (not 2 MB) keeps
      // the four indexes' upper levels in memory. After a checkpoint the WAL file is cut back
      // to at most 64 MB, should a long read have let it grow past that. (Measured on 4 KB
      // pages: a tenth to a fifth more records per second.)
      opened.pragma('cache_size = -8192');
      const pageSize = opened.pragma('page_size', { simple: true }) as number;
      opened.pragma(`wal_autocheckpoint = ${Math.ceil(WAL_CHECKPOINT_BYTES / pageSize)}`);
      opened.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      const foundVersion = withLockRetry(path, () => {
        const version = readSchemaVersion(opened);
        return version > LATEST_SCHEMA_VERSION ? version : migrate(opened);
      });
      if (foundVersion > LATEST_SCHEMA_VERSION) {
        throw new StoreError(
          `${path} was written by a newer tracewire (schema version ${foundVersion}; this version ` +
          `reads up to ${LATEST_SCHEMA_VERSION}). Upgrade tracewire or use another directory.`, path);
      }
      return new LocalStore(db, path);
    } catch (error) {
      db?.close();
      throw describeOpenFailure(path, error);
    }
  }

  /** Stores a batch atomically; a call already present (same id) is replaced. */
  write(calls: readonly Call[]): void {
    if (!this.writeRows(calls.map(toRow))) {
      throw new StoreError(
        `${this.path} stayed locked by another process for ${MAX_LOCK_WAIT_MS / 1000}s; nothing was written`, this.path);
    }
  }

  /**
   * Same as `write`, for calls already made into rows (`toRow`), waiting at most
   * `maxLockWaitMs` for another connection's write lock: false if it stayed held that long,
   * and then nothing was written. With 0 it never waits, as the event loop needs (the local
   * exporter holds the rows and tries again on a timer).
   */
  writeRows(rows: CallRow[], maxLockWaitMs = MAX_LOCK_WAIT_MS): boolean {
    if (rows.length === 0) return true;
    try {
      withLockRetry(this.path, (remainingMs) => {
        this.setBusyTimeout(Math.min(remainingMs, BUSY_TIMEOUT_MS));
        this.writeBatch(rows);
      }, maxLockWaitMs);
      return true;
    } catch (error) {
      if (error instanceof StoreError && isLockError(error.cause)) return false;
      throw error;
    } finally {
      this.setBusyTimeout(BUSY_TIMEOUT_MS);
    }
  }

  getCalls(query: CallQuery | undefined, project: string): Call[] {
    const normalized = validateQuery(query);
    const conditions = conditionsOf(normalized);
    const tail = orderAndPageSql(normalized);
    const where = ['project = ?', ...conditions.map((c) => c.sql)].join(' AND ');
    const params = [project, ...conditions.flatMap((c) => c.params), ...tail.params];
    return this.readRows(`SELECT * FROM calls WHERE ${where} ${tail.sql}`, params);
  }

  getCall(id: string, project: string): Call | null {
    return this.readRows('SELECT * FROM calls WHERE id = ? AND project = ?', [id, project])[0] ?? null;
  }

  getTrace(traceId: string, project: string): Call[] {
    return orderTrace(this.readRows('SELECT * FROM calls WHERE project = ? AND trace_id = ?', [project, traceId]));
  }

  /**
   * The trace's calls written after write `since` (0: all of them, unordered), and the number
   * of the last write in the store: what a live view passes as `since` next time.
   */
  getTraceChanges(traceId: string, project: string, since: number): { calls: Call[]; lastWrite: number } {
    return this.readConsistently(() => ({
      calls: this.readRows('SELECT * FROM calls WHERE project = ? AND trace_id = ? AND written_seq > ?', [project, traceId, since]),
      lastWrite: this.lastWrite(),
    }));
  }

  /** The number of the last write in the store (read it in the same snapshot as what it stands for: readConsistently). */
  lastWrite(): number {
    return this.select<{ value: number }>('SELECT value FROM write_seq', [])[0]?.value ?? 0;
  }

  /** Rows of any read-only statement (the viewer's queries, built in trace-table.ts). */
  select<T>(sql: string, params: readonly (string | number)[]): T[] {
    const statement = this.statement(sql);
    return withLockRetry(this.path, () => statement.all(...params) as T[]);
  }

  /** Runs the synchronous reads of `read` on one snapshot of the file. */
  readConsistently<T>(read: () => T): T {
    return withLockRetry(this.path, () => this.db.transaction(read).deferred());
  }

  /**
   * Runs `read`, which may wait between its reads, on one snapshot of the file: calls that
   * other processes write meanwhile neither repeat nor shift rows across the pages of a paged
   * read. Only for a handle that nothing else writes through while `read` runs (the CLI's).
   */
  async readSnapshot<T>(read: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN');
    try {
      return await read();
    } finally {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    }
  }

  insertCost(cost: CustomCost): void {
    withLockRetry(this.path, () => insertCost(this.db, cost));
  }

  listCosts(project: string): CustomCost[] {
    return withLockRetry(this.path, () => listCosts(this.db, project));
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  private readRows(sql: string, params: readonly (string | number)[]): Call[] {
    return this.select<CallRow>(sql, params).map(fromRow);
  }

  /** Applies to the next statements; reads and opening keep the long default. */
  private setBusyTimeout(ms: number): void {
    if (ms === this.busyTimeoutMs) return;
    this.db.pragma(`busy_timeout = ${ms}`);
    this.busyTimeoutMs = ms;
  }

  /** The set of distinct statement texts is small (one per filter combination), so no eviction. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
