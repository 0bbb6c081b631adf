/**
 * What changed in a trace since a reader's last read (LocalStore.getTraceChanges), which the
 * viewer's live trace view reads instead of the whole trace: write numbers, rewrites, other
 * traces and processes, the index that keeps such a read to the changed rows, and a store made
 * before write numbers existed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/local-store.js';
import { LATEST_SCHEMA_VERSION } from '../../src/store/schema.js';
import type { Call } from '../../src/types.js';

let dir: string;
const opened: LocalStore[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracewire-changes-'));
});
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});
const open = () => {
  const store = LocalStore.open(dir);
  opened.push(store);
  return store;
};

function call(id: string, traceId: string, status: Call['status'] = 'success'): Call {
  return {
    id, traceId, parentId: id === traceId ? null : traceId, project: 'proj', opName: 'step', displayName: 'step', kind: 'function',
    startedAt: '2026-01-01T00:00:00.000Z', endedAt: status === 'running' ? null : '2026-01-01T00:00:01.000Z', status,
    inputs: { id }, output: status === 'running' ? null : `done ${id}`, exception: null, attributes: {}, summary: {},
  };
}
const ids = (calls: Call[]) => calls.map((c) => c.id).sort();

describe('a trace\'s changes since a write', () => {
  it('each write is numbered; a read since a number gets what was written after it, rewrites included', () => {
    const store = open();
    expect(store.lastWrite()).toBe(0);
    store.write([call('t', 't', 'running'), call('a', 't', 'running')]);
    const first = store.getTraceChanges('t', 'proj', 0);
    expect(ids(first.calls)).toEqual(['a', 't']);
    expect(first.lastWrite).toBe(1);
    store.write([call('a', 't'), call('b', 't')]);
    store.write([call('x', 'x')]); // another trace: a write to skip, not to show
    const second = store.getTraceChanges('t', 'proj', first.lastWrite);
    expect(second.lastWrite).toBe(3);
    expect(ids(second.calls)).toEqual(['a', 'b']);
    expect(second.calls.find((c) => c.id === 'a')!.status).toBe('success');
    expect(store.getTraceChanges('t', 'proj', second.lastWrite)).toEqual({ calls: [], lastWrite: 3 });
    expect(store.getTraceChanges('t', 'elsewhere', 0).calls).toEqual([]);
  });

  it('writes of another process on the same file take the next numbers', () => {
    const one = open();
    const other = open();
    one.write([call('t', 't', 'running')]);
    other.write([call('t', 't')]);
    one.write([call('c', 't')]);
    expect(one.lastWrite()).toBe(3);
    expect(ids(other.getTraceChanges('t', 'proj', 1).calls)).toEqual(['c', 't']);
  });

  it('reads only the changed rows, through the trace index', () => {
    const store = open();
    const plan = (store as unknown as { db: Database.Database }).db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM calls WHERE project = ? AND trace_id = ? AND written_seq > ?')
      .all('proj', 't', 5) as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/SEARCH calls USING INDEX calls_by_trace \(project=\? AND trace_id=\? AND written_seq>\?\)/);
  });

  it('a store made before write numbers is brought up to date: its calls count as write 0', () => {
    const file = join(dir, 'tracewire.db');
    const raw = new Database(file);
    raw.exec(`CREATE TABLE calls (id TEXT PRIMARY KEY, project TEXT NOT NULL, trace_id TEXT NOT NULL, parent_id TEXT, op_name TEXT NOT NULL,
      display_name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, started_at_ms INTEGER NOT NULL,
      ended_at TEXT, inputs TEXT NOT NULL, output TEXT NOT NULL, exception TEXT, attributes TEXT NOT NULL, summary TEXT NOT NULL);
      CREATE INDEX calls_by_trace ON calls (project, trace_id);
      CREATE TABLE costs (id INTEGER PRIMARY KEY, project TEXT NOT NULL, model TEXT NOT NULL, provider TEXT, input_token_cost REAL NOT NULL,
      output_token_cost REAL NOT NULL, cache_read_token_cost REAL, cache_write_token_cost REAL, effective_date INTEGER NOT NULL, created_at INTEGER NOT NULL);`);
    raw.prepare(`INSERT INTO calls VALUES ('old', 'proj', 'old', NULL, 'step', 'step', 'function', 'success', '2025-01-01T00:00:00.000Z', 0,
      '2025-01-01T00:00:01.000Z', '{}', '"kept"', NULL, '{}', '{}')`).run();
    raw.pragma('user_version = 1');
    raw.close();
    const store = open();
    expect(store.getTrace('old', 'proj').map((c) => c.output)).toEqual(['kept']);
    expect(store.getTraceChanges('old', 'proj', 0)).toEqual({ calls: [], lastWrite: 0 });
    store.write([call('new', 'old')]);
    expect(ids(store.getTraceChanges('old', 'proj', 0).calls)).toEqual(['new']);
    const reopened = new Database(file, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    reopened.close();
  });
});
