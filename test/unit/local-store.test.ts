import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalExporter } from '../../src/export/local.js';
import { LocalStore, StoreError } from '../../src/store/local-store.js';
import { LATEST_SCHEMA_VERSION } from '../../src/store/schema.js';
import type { Call } from '../../src/types.js';

let dir: string;
const opened: LocalStore[] = [];

function openStore(): LocalStore {
  const store = LocalStore.open(dir);
  opened.push(store);
  return store;
}

/** What another process reading `file` would see. */
function readOnDisk<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Rows committed to the file, as another process would see them. */
function rowsOnDisk(): number {
  return readOnDisk(join(dir, 'tracewire.db'), (db) => (db.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n);
}

function makeCall(id: string, fields: Partial<Call> = {}): Call {
  return {
    id,
    traceId: 'trace-1',
    parentId: null,
    project: 'proj',
    opName: 'openai.chat.completions.create',
    displayName: 'chat',
    kind: 'llm',
    startedAt: '2024-05-01T10:00:00.000Z',
    endedAt: '2024-05-01T10:00:01.250Z',
    status: 'success',
    inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: false },
    output: { choices: [{ index: 0, message: { role: 'assistant', content: 'hello' } }] },
    exception: null,
    attributes: { integration: { name: 'openai', version: '6.0.0' }, provider: 'openai' },
    summary: { usage: { 'gpt-4o-mini': { requests: 1, inputTokens: 5, outputTokens: 2 } }, latencyMs: 1250 },
    ...fields,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracewire-store-'));
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('LocalStore', () => {
  it('round-trips every field', () => {
    const store = openStore();
    const root = makeCall('root', { output: [1, 'two', { three: [null, true] }] });
    const failed = makeCall('child', {
      parentId: 'root',
      status: 'error',
      endedAt: null,
      output: null,
      exception: { type: 'RateLimitError', message: 'slow down', stack: 'at x', status: 429 },
      summary: { usage: {}, custom: { nested: { deep: ['x'] } } },
    });
    store.write([root, failed]);
    expect(store.getCall('root', 'proj')).toEqual(root);
    expect(store.getCall('child', 'proj')).toEqual(failed);
    expect(store.getCall('root', 'proj')?.parentId).toBeNull();
  });

  it('makes new files with 8 KB pages; a file made with 4 KB pages keeps them and still works', () => {
    const pageSize = (file: string) => readOnDisk(file, (db) => db.pragma('page_size', { simple: true }));
    const store = openStore();
    store.write([makeCall('a')]);
    expect(pageSize(join(dir, 'tracewire.db'))).toBe(8192);

    // As an older tracewire (SQLite's default page size) left it: WAL, no tables yet.
    const olderDir = mkdtempSync(join(tmpdir(), 'tracewire-store-4k-'));
    let reopened: LocalStore | undefined;
    try {
      const older = new Database(join(olderDir, 'tracewire.db'));
      older.pragma('page_size = 4096');
      older.pragma('journal_mode = WAL');
      older.close();
      reopened = LocalStore.open(olderDir);
      const call = makeCall('b', { output: { text: 'x'.repeat(20_000) } });
      reopened.write([call]);
      expect(reopened.getCall('b', 'proj')).toEqual(call);
      expect(pageSize(join(olderDir, 'tracewire.db'))).toBe(4096);
    } finally {
      reopened?.close();
      rmSync(olderDir, { recursive: true, force: true });
    }
  });

  it('replaces a call exported again with the same id', () => {
    const store = openStore();
    store.write([makeCall('a', { status: 'running', endedAt: null, summary: {} })]);
    const finished = makeCall('a', { summary: { totalCost: 0.25 } });
    store.write([finished]);
    expect(store.getCalls(undefined, 'proj')).toEqual([finished]);
  });

  it('returns a trace in tree order even when children were written first', () => {
    const store = openStore();
    const t = (s: number) => `2024-05-01T10:00:0${s}.000Z`;
    // root -> (b1 -> (c1, c2), b2); written deepest first, in separate batches.
    store.write([makeCall('c2', { parentId: 'b1', startedAt: t(4) }), makeCall('c1', { parentId: 'b1', startedAt: t(3) })]);
    store.write([makeCall('b2', { parentId: 'root', startedAt: t(5) })]);
    store.write([makeCall('b1', { parentId: 'root', startedAt: t(2) })]);
    store.write([makeCall('root', { startedAt: t(1) })]);
    store.write([makeCall('elsewhere', { traceId: 'trace-2' })]);
    expect(store.getTrace('trace-1', 'proj').map((c) => c.id)).toEqual(['root', 'b1', 'c1', 'c2', 'b2']);
  });

  it('scopes reads to the project', () => {
    const store = openStore();
    store.write([makeCall('mine'), makeCall('theirs', { project: 'other' })]);
    expect(store.getCalls(undefined, 'proj').map((c) => c.id)).toEqual(['mine']);
    expect(store.getCall('theirs', 'proj')).toBeNull();
    expect(store.getTrace('trace-1', 'other').map((c) => c.id)).toEqual(['theirs']);
  });

  it('a paged read inside readSnapshot sees one snapshot: rows another handle writes meanwhile neither repeat nor shift', async () => {
    const reader = openStore();
    const writer = openStore();
    const at = (second: number) => `2024-05-01T10:00:${String(second).padStart(2, '0')}.000Z`;
    writer.write([10, 20, 30, 40].map((s) => makeCall(`c${s}`, { startedAt: at(s) })));
    const page = (offset: number) => reader.getCalls({ sortBy: [{ field: 'startedAt', direction: 'asc' }], limit: 2, offset }, 'proj').map((c) => c.id);
    const pages = await reader.readSnapshot(async () => {
      const first = page(0);
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Started before everything read so far: outside a snapshot, c20 would come again on page 2.
      writer.write([makeCall('c05', { startedAt: at(5) })]);
      return [first, page(2)];
    });
    expect(pages).toEqual([['c10', 'c20'], ['c30', 'c40']]);
    expect(page(0)).toEqual(['c05', 'c10']);
  });

  it('stores and lists custom costs per project', () => {
    const store = openStore();
    const base = {
      project: 'proj', model: 'm', provider: null, inputTokenCost: 1e-6, outputTokenCost: 2e-6,
      cacheReadTokenCost: null, cacheWriteTokenCost: 5e-7, effectiveDateMs: 1000, createdAtMs: 1,
    };
    store.insertCost(base);
    store.insertCost({ ...base, provider: 'azure', effectiveDateMs: 2000 });
    store.insertCost({ ...base, project: 'other' });
    expect(store.listCosts('proj')).toEqual([{ ...base, provider: 'azure', effectiveDateMs: 2000 }, base]);
  });

  it('rejects a corrupt file with a StoreError naming it', () => {
    const file = join(dir, 'tracewire.db');
    writeFileSync(file, randomBytes(8192));
    expect(() => LocalStore.open(dir)).toThrow(StoreError);
    expect(() => LocalStore.open(dir)).toThrow(file);
    expect(() => LocalStore.open(dir)).toThrow(/corrupt or not an SQLite database/);
  });

  it('rejects a file from a newer schema with both versions in the message', () => {
    openStore().close();
    const file = join(dir, 'tracewire.db');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    let error: unknown;
    try {
      LocalStore.open(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(file);
    expect((error as StoreError).message).toMatch(new RegExp(`schema version 99; this version reads up to ${LATEST_SCHEMA_VERSION}\\b`));
  });

  it('creates missing parent directories', () => {
    const nested = join(dir, 'a', 'b');
    const store = LocalStore.open(nested);
    opened.push(store);
    expect(existsSync(join(nested, 'tracewire.db'))).toBe(true);
  });
});

describe('LocalExporter', () => {
  it('creates no file until the first call is exported', () => {
    const exporter = new LocalExporter({ dir: join(dir, 'store'), warn: vi.fn() });
    exporter.flush();
    exporter.export([]);
    expect(exporter.getCalls(undefined, 'proj')).toEqual([]);
    expect(exporter.getTrace('trace-1', 'proj')).toEqual([]);
    expect(exporter.getCall('a', 'proj')).toBeNull();
    expect(existsSync(join(dir, 'store'))).toBe(false);

    exporter.export([makeCall('a')]);
    expect(readdirSync(join(dir, 'store'))).toContain('tracewire.db');
    expect(exporter.getCall('a', 'proj')?.id).toBe('a');
    exporter.shutdown();
  });

  it('writes synchronously through export and exportSync, and reopens after shutdown', () => {
    const exporter = new LocalExporter({ dir, warn: vi.fn() });
    exporter.export([makeCall('a')]);
    exporter.exportSync([makeCall('b', { startedAt: '2024-05-01T11:00:00.000Z' })]);
    exporter.shutdown();
    expect(exporter.getCalls(undefined, 'proj').map((c) => c.id)).toEqual(['a', 'b']);
    exporter.shutdown();
  });

  it('rows of small batches are written together: 20 ms after the first, at once from 512, and at flush()', async () => {
    const exporter = new LocalExporter({ dir, warn: vi.fn() });
    const writes = vi.spyOn(LocalStore.prototype, 'writeRows');
    try {
      for (let b = 0; b < 5; b++) exporter.export(Array.from({ length: 10 }, (_, i) => makeCall(`a${b}-${i}`)));
      expect(rowsOnDisk()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(rowsOnDisk()).toBe(50);
      expect(writes).toHaveBeenCalledTimes(1);
      exporter.export(Array.from({ length: 600 }, (_, i) => makeCall(`b${i}`)));
      expect(rowsOnDisk()).toBe(650);
      exporter.export([makeCall('c')]);
      expect(rowsOnDisk()).toBe(650);
      exporter.flush();
      expect(rowsOnDisk()).toBe(651);
      expect(writes).toHaveBeenCalledTimes(3);
    } finally {
      writes.mockRestore();
      exporter.shutdown();
    }
  });

  it('this process reads what it exported before it is written; exportSync([]) writes what waits', () => {
    const exporter = new LocalExporter({ dir, warn: vi.fn() });
    exporter.export([makeCall('a')]);
    expect(rowsOnDisk()).toBe(0);
    expect(exporter.getCall('a', 'proj')?.id).toBe('a');
    exporter.export([makeCall('b')]);
    expect(rowsOnDisk()).toBe(1);
    exporter.exportSync([]);
    expect(rowsOnDisk()).toBe(2);
    exporter.shutdown();
  });

  it('warns once and drops calls when the store is corrupt; reads throw the StoreError', () => {
    writeFileSync(join(dir, 'tracewire.db'), randomBytes(4096));
    const warn = vi.fn();
    const exporter = new LocalExporter({ dir, warn });
    expect(() => exporter.export([makeCall('a')])).not.toThrow();
    expect(() => exporter.exportSync([makeCall('b')])).not.toThrow();
    expect(() => exporter.export([makeCall('c')])).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain(join(dir, 'tracewire.db'));
    expect(() => exporter.getCalls(undefined, 'proj')).toThrow(StoreError);
    exporter.shutdown();
  });
});
