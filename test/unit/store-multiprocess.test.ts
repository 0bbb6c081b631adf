import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/local-store.js';
import { holdStoreLock } from '../helpers/lock-holder.js';

const WRITER_SCRIPT = fileURLToPath(new URL('./fixtures/store-writer.mjs', import.meta.url));
const EXPORTER_WRITER_SCRIPT = fileURLToPath(new URL('./fixtures/exporter-writer.mjs', import.meta.url));
const SOURCE = fileURLToPath(new URL('../../src/store/local-store.ts', import.meta.url));
const EXPORTER_SOURCE = fileURLToPath(new URL('../../src/export/local.ts', import.meta.url));

let workDir: string;
let bundlePath: string;
let exporterBundlePath: string;

// Children are plain `node` processes, which cannot load TypeScript: give them a bundle of the
// store and of the local exporter. better-sqlite3 stays external (it is native) and is imported by absolute path,
// because the bundle lives outside the project's node_modules tree.
beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'tracewire-multiprocess-'));
  bundlePath = join(workDir, 'local-store.mjs');
  exporterBundlePath = join(workDir, 'local-exporter.mjs');
  const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  await Promise.all([[SOURCE, bundlePath], [EXPORTER_SOURCE, exporterBundlePath]].map(([entry, outfile]) => build({
    entryPoints: [entry!],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    plugins: [{
      name: 'native-better-sqlite3',
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: betterSqlite, external: true }));
      },
    }],
  })));
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

const BATCH_SIZES = [1, 17, 250, 3, 64, 500, 9, 128, 2, 333];

interface WriterResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  committed: number;
  stderr: string;
}

/** Runs one writer; `killAfterBatches` SIGKILLs it once it has reported that many commits. */
function runWriter(dir: string, name: string, count: number | 'forever', killAfterBatches?: number): Promise<WriterResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER_SCRIPT, bundlePath, dir, name, String(count), BATCH_SIZES.join(',')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let committed = 0;
    let batches = 0;
    let stdoutTail = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (stdoutTail + chunk).split('\n');
      // Only complete lines count: a half-printed number proves nothing about the commit.
      stdoutTail = lines.pop()!;
      for (const line of lines) {
        const match = /^committed (\d+)$/.exec(line);
        if (!match) continue;
        committed = Number(match[1]);
        batches++;
        if (killAfterBatches !== undefined && batches === killAfterBatches) child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, committed, stderr }));
  });
}

/** Runs one writer through the local exporter, which never waits for the lock but retries on a timer. */
function runExporterWriter(
  dir: string, name: string, count: number, onFlushing?: () => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EXPORTER_WRITER_SCRIPT, exporterBundlePath, dir, name, String(count)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (chunk.includes('flushing')) onFlushing?.();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: stdout.replace('flushing\n', ''), stderr }));
  });
}

/** Running totals after each of the first `batches` batches. */
function batchBoundaries(batches: number): number[] {
  const totals = [0];
  for (let i = 0; i < batches; i++) totals.push(totals[i]! + BATCH_SIZES[i % BATCH_SIZES.length]!);
  return totals;
}

function integrityCheck(dir: string): unknown {
  const db = new Database(join(dir, 'tracewire.db'));
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
}

/** The store at `dir` holds `total` calls, among them ids `${name}-0` to `${name}-${count - 1}` of each writer, and is intact. */
function expectEveryWrite(dir: string, total: number, writers: ReadonlyArray<readonly [string, number]>): void {
  const store = LocalStore.open(dir);
  try {
    const ids = new Set(store.getCalls(undefined, 'multi').map((call) => call.id));
    expect(ids.size).toBe(total);
    for (const [name, count] of writers) {
      for (let i = 0; i < count; i++) expect(ids.has(`${name}-${i}`)).toBe(true);
    }
  } finally {
    store.close();
  }
  expect(integrityCheck(dir)).toBe('ok');
}

it('loses nothing when 4 processes write 2,000 calls each at the same time', async () => {
  const dir = join(workDir, 'concurrent');
  const writers = ['w0', 'w1', 'w2', 'w3'];
  const results = await Promise.all(writers.map((name) => runWriter(dir, name, 2_000)));
  for (const result of results) {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.committed).toBe(2_000);
  }

  expectEveryWrite(dir, 8_000, writers.map((name) => [name, 2_000]));
}, 120_000);

it('loses nothing when 2 processes record through the local exporter while 2 others write at once', async () => {
  const dir = join(workDir, 'concurrent-exporters');
  // The store exists first, as it does for apps started after one another.
  expect((await runExporterWriter(dir, 'seed', 1)).code).toBe(0);
  const [e0, e1, w0, w1] = await Promise.all([
    runExporterWriter(dir, 'e0', 3_000),
    runExporterWriter(dir, 'e1', 3_000),
    runWriter(dir, 'w0', 2_000),
    runWriter(dir, 'w1', 2_000),
  ]);
  for (const result of [e0!, e1!]) {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('flushed 3000 dropped 0\n');
  }
  for (const result of [w0!, w1!]) {
    expect(result.stderr).toBe('');
    expect(result.committed).toBe(2_000);
  }

  expectEveryWrite(dir, 1 + 10_000, [['e0', 3_000], ['e1', 3_000], ['w0', 2_000], ['w1', 2_000]]);
}, 120_000);

it('a process whose last act is `await flush()` waits for a held lock instead of ending', async () => {
  const dir = join(workDir, 'flush-at-end');
  LocalStore.open(dir).close();
  const lock = await holdStoreLock(dir, 20_000);
  let flushingAt = 0;
  const result = await runExporterWriter(dir, 'last', 100, () => {
    flushingAt = Date.now();
    setTimeout(lock.release, 300);
  });
  const endedAt = Date.now();
  expect(await lock.released).toBe('parent');
  expect(endedAt - flushingAt).toBeGreaterThanOrEqual(250);
  // Without a timer keeping it alive, Node ends such a process with code 13 (unsettled top-level await).
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('flushed 100 dropped 0\n');
  const store = LocalStore.open(dir);
  try {
    expect(store.getCalls(undefined, 'multi')).toHaveLength(100);
  } finally {
    store.close();
  }
}, 60_000);

it('keeps every committed batch when a writer is killed mid-run', async () => {
  const dir = join(workDir, 'killed');
  const result = await runWriter(dir, 'victim', 'forever', 6);
  expect(result.signal).toBe('SIGKILL');
  expect(result.stderr).toBe('');
  expect(result.committed).toBeGreaterThan(0);

  expect(integrityCheck(dir)).toBe('ok');
  const store = LocalStore.open(dir);
  try {
    const ids = new Set(store.getCalls(undefined, 'multi').map((call) => call.id));
    for (let i = 0; i < result.committed; i++) expect(ids.has(`victim-${i}`)).toBe(true);
    // The batch in flight at the kill (or one more, if its line was not read yet) is either
    // all there or absent: the total stays on a batch boundary, with no gaps.
    expect(batchBoundaries(20)).toContain(ids.size);
    for (let i = 0; i < ids.size; i++) expect(ids.has(`victim-${i}`)).toBe(true);
  } finally {
    store.close();
  }
}, 60_000);
