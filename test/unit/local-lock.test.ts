// The local exporter while another process holds the store's write lock (a second app
// mid-write, a sqlite3 shell, a backup): the application's event loop must keep turning,
// every call must land once the lock is released, and flush() must wait until it has.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { whileExiting } from '../../src/export/exit-tasks.js';
import { LocalExporter } from '../../src/export/local.js';
import type { Call } from '../../src/types.js';
import { holdStoreLock, type LockHolder } from '../helpers/lock-holder.js';

let dir: string;
const holders: LockHolder[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracewire-lock-'));
});

afterEach(() => {
  for (const holder of holders.splice(0)) holder.kill();
  rmSync(dir, { recursive: true, force: true });
});

function makeCall(id: string): Call {
  return {
    id, traceId: `t-${id}`, parentId: null, project: 'proj', opName: 'op', displayName: 'op', kind: 'llm',
    startedAt: '2024-05-01T10:00:00.000Z', endedAt: '2024-05-01T10:00:01.000Z', status: 'success',
    inputs: { prompt: 'x'.repeat(200) }, output: 'ok', exception: null, attributes: {}, summary: {},
  };
}

function calls(prefix: string, count: number): Call[] {
  return Array.from({ length: count }, (_, i) => makeCall(`${prefix}${i}`));
}

function rowsOnDisk(): number {
  const db = new Database(join(dir, 'tracewire.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function hold(selfReleaseMs: number): Promise<LockHolder> {
  const holder = await holdStoreLock(dir, selfReleaseMs);
  holders.push(holder);
  return holder;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The longest the event loop went so far without running a 5 ms interval timer. */
function watchEventLoop(): { maxGap: () => number; stop: () => void } {
  let last = performance.now();
  let maxGap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 5);
  let stopped = false;
  const gapNow = () => (stopped ? maxGap : Math.max(maxGap, performance.now() - last));
  return { maxGap: gapNow, stop: () => { maxGap = gapNow(); stopped = true; clearInterval(tick); } };
}

it('keeps the event loop turning while another process holds the lock; all calls land after, and flush() waits for them', async () => {
  const warn = vi.fn();
  const exporter = new LocalExporter({ dir, warn });
  exporter.export([makeCall('before')]);
  await exporter.flush();
  // Without the fix, the first write below waits in SQLite's busy handler until the holder
  // gives up on its own (3 s), and the 'release' the test sends is only read after that.
  const lock = await hold(3_000);
  const loop = watchEventLoop();

  exporter.export(calls('small', 10)); // written 20 ms later
  await sleep(50);
  exporter.export(calls('big', 600)); // written at once: a full transaction
  exporter.export(calls('tail', 5));
  await sleep(50);
  expect(loop.maxGap()).toBeLessThan(500);
  const flushed = exporter.flush();
  expect(flushed).toBeInstanceOf(Promise);
  let flushedAt = 0;
  void flushed!.then(() => { flushedAt = performance.now(); });
  await sleep(250);
  expect(loop.maxGap()).toBeLessThan(500);
  expect(flushedAt).toBe(0);
  expect(rowsOnDisk()).toBe(1);

  const releasedAt = performance.now();
  lock.release();
  await flushed;
  loop.stop();
  expect(await lock.released).toBe('parent');
  expect(flushedAt).toBeGreaterThan(releasedAt);
  expect(rowsOnDisk()).toBe(1 + 10 + 600 + 5);
  expect(exporter.getCalls({ limit: 1000 }, 'proj')).toHaveLength(616);
  expect(loop.maxGap()).toBeLessThan(500);
  expect(exporter.dropped).toBe(0);
  expect(warn).not.toHaveBeenCalled();
  exporter.shutdown();
}, 20_000);

it('holds a bounded amount while the lock stays held, and drops and counts the rest with one warning', async () => {
  const warn = vi.fn();
  // Room for about 20 of these calls.
  const exporter = new LocalExporter({ dir, warn, maxHeldChars: 20 * 600 });
  exporter.export([makeCall('before')]);
  await exporter.flush();
  const lock = await hold(10_000);

  for (let b = 0; b < 5; b++) {
    exporter.export(calls(`b${b}-`, 10));
    await sleep(30);
  }
  expect(exporter.dropped).toBeGreaterThan(20);
  expect(exporter.dropped).toBeLessThan(40);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toMatch(/locked.*dropped/);

  lock.release();
  await exporter.flush();
  expect(rowsOnDisk()).toBe(1 + 50 - exporter.dropped);
  // Once written, there is room again.
  exporter.export(calls('after', 10));
  await exporter.flush();
  expect(rowsOnDisk()).toBe(1 + 60 - exporter.dropped);
  expect(warn).toHaveBeenCalledTimes(1);
  exporter.shutdown();
}, 20_000);

it('waits for the lock only in the exit hooks, and there for a bounded time', async () => {
  const warn = vi.fn();
  const exporter = new LocalExporter({ dir, warn, exitLockWaitMs: 300 });
  exporter.export([makeCall('before')]);
  await exporter.flush();
  const lock = await hold(10_000);

  // init() replacing the exporter calls exportSync too, with the application still running.
  let started = performance.now();
  exporter.exportSync(calls('reinit', 3));
  expect(performance.now() - started).toBeLessThan(100);

  // At exit it waits, up to exitLockWaitMs, then drops what waits and says so.
  started = performance.now();
  whileExiting(() => exporter.exportSync(calls('exit', 2)));
  const waited = performance.now() - started;
  expect(waited).toBeGreaterThanOrEqual(250);
  expect(waited).toBeLessThan(2_000);
  expect(exporter.dropped).toBe(5);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toMatch(/locked by another process at exit/);
  lock.release();
  await exporter.flush();
  expect(rowsOnDisk()).toBe(1);

  // A lock released within the wait loses nothing.
  await hold(150);
  const patient = new LocalExporter({ dir, warn, exitLockWaitMs: 5_000 });
  patient.export(calls('late', 4));
  whileExiting(() => patient.exportSync([makeCall('last')]));
  expect(rowsOnDisk()).toBe(1 + 5);
  expect(patient.dropped).toBe(0);
  patient.shutdown();
  exporter.shutdown();
}, 20_000);
