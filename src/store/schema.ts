/**
 * Layout of the local store and the steps that bring an older file up to date.
 *
 * The version lives in `PRAGMA user_version`: 0 is a fresh file, N means the first N
 * migrations have run. Migrations are append-only; never edit one that has shipped, since
 * files written by that release already went through it.
 */
import type Database from 'better-sqlite3';

type Migration = (db: Database.Database) => void;

const MIGRATIONS: readonly Migration[] = [
  (db) => {
    // JSON columns hold the call's nested values verbatim; `started_at_ms` duplicates
    // `started_at` as an integer because range filters and sorting on ISO text would
    // depend on every writer formatting timestamps identically.
    db.exec(`
      CREATE TABLE calls (
        id            TEXT PRIMARY KEY,
        project       TEXT NOT NULL,
        trace_id      TEXT NOT NULL,
        parent_id     TEXT,
        op_name       TEXT NOT NULL,
        display_name  TEXT NOT NULL,
        kind          TEXT NOT NULL,
        status        TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        started_at_ms INTEGER NOT NULL,
        ended_at      TEXT,
        inputs        TEXT NOT NULL,
        output        TEXT NOT NULL,
        exception     TEXT,
        attributes    TEXT NOT NULL,
        summary       TEXT NOT NULL
      );
      -- Every read is scoped to one project, so the project leads each index.
      CREATE INDEX calls_by_trace   ON calls (project, trace_id);
      CREATE INDEX calls_by_parent  ON calls (project, parent_id);
      CREATE INDEX calls_by_op      ON calls (project, op_name, started_at_ms);
      -- Matches the default order (start time, then id) so paging needs no sort step.
      CREATE INDEX calls_by_started ON calls (project, started_at_ms, id);

      CREATE TABLE costs (
        id                    INTEGER PRIMARY KEY,
        project               TEXT NOT NULL,
        model                 TEXT NOT NULL,
        provider              TEXT,
        input_token_cost      REAL NOT NULL,
        output_token_cost     REAL NOT NULL,
        cache_read_token_cost  REAL,
        cache_write_token_cost REAL,
        effective_date        INTEGER NOT NULL,
        created_at            INTEGER NOT NULL
      );
      CREATE INDEX costs_by_model ON costs (project, model, effective_date);
    `);
  },
  (db) => {
    // A live view reads what changed in a trace since its last read, not the whole trace again:
    // each write transaction takes the next number of write_seq (writers take turns, so the
    // numbers only grow) and stamps the rows it writes with it. The trace index ends with that
    // stamp, so such a read visits only the rows that changed. Rows written before are 0.
    db.exec(`
      ALTER TABLE calls ADD COLUMN written_seq INTEGER NOT NULL DEFAULT 0;
      DROP INDEX calls_by_trace;
      CREATE INDEX calls_by_trace ON calls (project, trace_id, written_seq);
      CREATE TABLE write_seq (only INTEGER PRIMARY KEY CHECK (only = 0), value INTEGER NOT NULL);
      INSERT INTO write_seq (only, value) VALUES (0, 0);
    `);
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Runs the pending migrations in one write transaction. The version is read again inside
 * the transaction because another process may have migrated the file since we last looked.
 * Returns the version found, so the caller can refuse files newer than this code.
 */
export function migrate(db: Database.Database): number {
  if (readSchemaVersion(db) === LATEST_SCHEMA_VERSION) return LATEST_SCHEMA_VERSION;
  return db.transaction(() => {
    const found = readSchemaVersion(db);
    if (found >= LATEST_SCHEMA_VERSION) return found;
    for (let version = found; version < LATEST_SCHEMA_VERSION; version++) {
      MIGRATIONS[version]!(db);
    }
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION}`);
    return found;
  }).immediate();
}
