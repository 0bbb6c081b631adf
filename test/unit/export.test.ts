import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flush, init, op, withAttributes } from '../../src/index.js';
import { setLogSink } from '../../src/log.js';
import { state } from '../../src/state.js';
import type { Call, Exporter } from '../../src/types.js';
import { clearTracewireEnv, CollectingExporter, traced } from '../helpers/collect.js';

afterEach(() => {
  clearTracewireEnv();
  setLogSink(undefined);
});

const work = op(function work(n: number) {
  return n + 1;
});

/** An exporter whose exports finish only when the test resolves them (`finish`), counting the calls it got. */
function stuckExporter(): Exporter & { received: number; finish: Array<() => void> } {
  const stuck = {
    name: 'stuck',
    received: 0,
    finish: [] as Array<() => void>,
    export(calls: Call[]): Promise<void> {
      stuck.received += calls.length;
      return new Promise<void>((resolve) => stuck.finish.push(resolve));
    },
  };
  return stuck;
}

describe('the hot path only queues', () => {
  it('no exporter runs during the call; a batch arrives later, all calls in few batches', async () => {
    const t = traced();
    for (let i = 0; i < 100; i++) work(i);
    expect(t.exporter.batches).toBe(0);
    const calls = await t.calls();
    expect(calls).toHaveLength(100);
    expect(t.exporter.batches).toBeLessThanOrEqual(2);
  });

  it('batches are delivered by a timer without any flush()', async () => {
    const t = traced();
    work(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.exporter.calls).toHaveLength(1);
  });
});

describe('records of calls with the same attributes', () => {
  it('each have their own attributes object, the same keys (a "__proto__" one too), nested values frozen', async () => {
    const t = traced();
    withAttributes({ team: 'search', ['__proto__']: 'kept as a key', tags: ['a'] }, () => [work(1), work(2)]);
    const [first, second] = await t.calls();
    expect(first!.attributes).toEqual(second!.attributes);
    expect(first!.attributes).not.toBe(second!.attributes);
    expect(Object.hasOwn(first!.attributes, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(first!.attributes)).toBe(Object.prototype);
    first!.attributes.team = 'changed by an exporter';
    expect(second!.attributes.team).toBe('search');
    expect(Object.isFrozen(first!.attributes.tags)).toBe(true);
  });
});

describe('a steady stream of calls', () => {
  it('is exported while it runs: a full batch is not postponed by the calls that follow it', async () => {
    const t = traced({ maxQueueBytes: 2_000_000 });
    let exportedDuringLoop = 0;
    for (let i = 0; i < 3000; i++) {
      work(i);
      // Yield the way an app handling requests does: timers and I/O may run in between.
      await new Promise((resolve) => setImmediate(resolve));
      if (i === 2999) exportedDuringLoop = t.exporter.calls.length;
    }
    expect(exportedDuringLoop).toBeGreaterThanOrEqual(2048);
    expect(state.recorder!.stats().dropped).toBe(0);
    expect(await t.calls()).toHaveLength(3000);
  });
});

describe('broken exporters never affect the application', () => {
  it('an exporter that throws: the app gets its result, others still receive, one warning', async () => {
    const good = new CollectingExporter();
    const bad: Exporter = { name: 'bad', export: () => { throw new Error('disk on fire'); } };
    const t = traced({ exporters: [bad, good] });
    for (let i = 0; i < 3; i++) expect(work(i)).toBe(i + 1);
    await flush();
    work(9);
    await flush();
    expect(good.calls).toHaveLength(4);
    expect(t.warnings.filter((w) => w.includes('disk on fire'))).toHaveLength(1);
  });

  it('an exporter that rejects is reported once', async () => {
    const bad: Exporter = { name: 'rejecting', export: async () => { throw new Error('nope'); } };
    const t = traced({ exporters: [bad] });
    work(1);
    await flush();
    work(2);
    await flush();
    expect(t.warnings.filter((w) => w.includes('"rejecting" failed: Error: nope'))).toHaveLength(1);
  });

  it('an exporter that hangs: calls return at once and flush gives up after its timeout', async () => {
    const hanging: Exporter = { name: 'hanging', export: () => new Promise<void>(() => {}) };
    const t = traced({ exporters: [hanging] });
    expect(work(1)).toBe(2);
    const started = Date.now();
    await state.recorder!.flush(50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(t.warnings.some((w) => w.includes('gave up waiting'))).toBe(true);
  });

  it('an exporter with 8,192 calls in unfinished exports gets the rest as they finish: held, not dropped', async () => {
    const stuck = stuckExporter();
    const { finish } = stuck;
    traced({ exporters: [stuck], maxQueueBytes: 50_000_000 });
    for (let i = 0; i < 9000; i++) work(i);
    await state.recorder!.flush(1);
    // Batches of 64: 128 of them fill the 8,192, the other 808 calls wait.
    expect(stuck.received).toBe(8192);
    for (const resolve of finish.splice(0, 2)) resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stuck.received).toBe(8192 + 128);
    for (const resolve of finish.splice(0)) resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stuck.received).toBe(9000);
    expect(state.recorder!.stats().dropped).toBe(0);
  });

  it('a burst of 20,000 calls to an async exporter is delivered in full; flush() waits for all of it', async () => {
    let delivered = 0;
    const remote: Exporter = {
      name: 'remote',
      export: (calls: Call[]) => new Promise<void>((resolve) => setTimeout(() => {
        delivered += calls.length;
        resolve();
      }, 2)),
    };
    traced({ exporters: [remote] });
    for (let i = 0; i < 20_000; i++) work(i);
    await flush();
    expect(delivered).toBe(20_000);
    expect(state.recorder!.stats().dropped).toBe(0);
  });

  it('a hung exporter holds up nobody: the others get every call, it gets maxQueueBytes at most, its drops are counted', async () => {
    let received = 0;
    const hung: Exporter = {
      name: 'hung',
      export: (calls: Call[]) => {
        received += calls.length;
        return new Promise<void>(() => {});
      },
    };
    const good = new CollectingExporter();
    const t = traced({ exporters: [hung, good], maxQueueBytes: 200_000 });
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 250; i++) work(i);
      await state.recorder!.flush(5);
    }
    expect(good.calls).toHaveLength(2500);
    // Each call is estimated at 600 bytes or more: at most 333 of them fit in 200,000.
    expect(received).toBeLessThanOrEqual(333);
    expect(state.recorder!.stats().dropped).toBeGreaterThanOrEqual(2500 - 2 * 333);
    expect(t.warnings.some((w) => w.includes('"hung" is not keeping up'))).toBe(true);
  });

  it('what waits for an exporter is bounded by bytes, not calls: big calls stop at maxQueueBytes', async () => {
    let receivedChars = 0;
    const hung: Exporter = {
      name: 'hung',
      export: (calls: Call[]) => {
        for (const call of calls) receivedChars += (call.inputs as { text: string }).text.length;
        return new Promise<void>(() => {});
      },
    };
    traced({ exporters: [hung], maxQueueBytes: 1_000_000 });
    const big = op(function big(text: string) {
      return text.length;
    });
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 50; i++) big('x'.repeat(10_000));
      await state.recorder!.flush(1);
    }
    expect(receivedChars).toBeLessThanOrEqual(1_000_000);
    expect(state.recorder!.stats().dropped).toBeGreaterThan(1500);
  });
});

describe('process exit', () => {
  it('when the flush at exit gives up, what is held for a slow exporter is dropped and counted: no export starts after it', async () => {
    const stuck = stuckExporter();
    const { finish } = stuck;
    traced({ exporters: [stuck], maxQueueBytes: 50_000_000 });
    for (let i = 0; i < 9000; i++) work(i);
    expect(await state.recorder!.flush(1)).toBe(false);
    state.recorder!.dropHeld();
    expect(state.recorder!.stats().dropped).toBe(9000 - 8192);
    for (const resolve of finish.splice(0)) resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stuck.received).toBe(8192);
    expect(state.recorder!.hasPendingWork()).toBe(false);
  });

  it('every exporter that writes synchronously is called once, with what is queued or with nothing', async () => {
    const received: Call[][] = [];
    const syncOne: Exporter = { name: 'sync', export: () => {}, exportSync: (calls) => void received.push(calls) };
    traced({ exporters: [syncOne] });
    work(1);
    work(2);
    state.recorder!.drainSync();
    expect(received.map((calls) => calls.length)).toEqual([2]);
    state.recorder!.drainSync();
    expect(received.map((calls) => calls.length)).toEqual([2, 0]);
  });
});

describe('the queue is bounded by bytes', () => {
  it('when full, calls are dropped and counted, never blocking', async () => {
    const t = traced({ maxQueueBytes: 20_000 });
    const big = op(function big(text: string) {
      return text.length;
    });
    for (let i = 0; i < 50; i++) expect(big('x'.repeat(1000))).toBe(1000);
    const { dropped, queuedBytes } = state.recorder!.stats();
    expect(dropped).toBeGreaterThan(0);
    expect(queuedBytes).toBeLessThanOrEqual(20_000);
    await flush();
    const kept = t.exporter.calls.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept + dropped).toBe(50);
    expect(t.warnings.some((w) => w.includes('export queue is full'))).toBe(true);
  });
});

describe('stats()', () => {
  it('counts, beside the queue\'s drops, the calls an exporter fell behind on or could not deliver, per exporter', async () => {
    setLogSink(() => {});
    const lossy = { name: 'lossy', dropped: 0, export(calls: Call[]) { lossy.dropped += calls.length; } };
    const stuck = stuckExporter();
    const client = init({ exporters: [lossy, stuck, 'memory'], maxQueueBytes: 8_000, implicitlyPatchIntegrations: false });
    for (let i = 0; i < 4; i++) work(i);
    await state.recorder!.flush(50);
    // The stuck exporter's first export never ends: once its share is taken, it gets nothing more.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 6; i++) work(i);
      await state.recorder!.flush(30);
    }
    const stats = client.stats();
    expect(stats.droppedByExporter.lossy).toBe(34);
    expect(stats.droppedByExporter.memory).toBe(0);
    expect(stats.droppedByExporter.stuck).toBeGreaterThan(0);
    expect(stats.dropped).toBe(34 + stats.droppedByExporter.stuck!);
    for (const finish of stuck.finish) finish();
  });
});

describe('stats() per exporter name', () => {
  it('counts exporters named like Object.prototype keys as their own entries, two of one name together', () => {
    const named = (name: string, dropped: number) => ({ name, dropped, export() {} });
    const client = init({
      exporters: [named('constructor', 2), named('__proto__', 3), named('toString', 1), named('toString', 4)],
      implicitlyPatchIntegrations: false,
    });
    const { droppedByExporter } = client.stats();
    expect(Object.getPrototypeOf(droppedByExporter)).toBe(Object.prototype);
    expect(Object.entries(droppedByExporter)).toEqual([['constructor', 2], ['__proto__', 3], ['toString', 5]]);
    expect(client.stats().dropped).toBe(10);
  });
});

describe('TRACEWIRE_DISABLED=true', () => {
  it('nothing is recorded or written, no file appears, op passes straight through', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tw-disabled-')), 'store');
    clearTracewireEnv();
    process.env.TRACEWIRE_DISABLED = 'true';
    process.env.TRACEWIRE_DIR = dir;
    const client = init();
    const seen: Call[] = [];
    const f = op(function passthrough(x: number) {
      return x * 3;
    });
    expect(f(2)).toBe(6);
    const [value, handle] = f.invoke(3);
    expect(value).toBe(9);
    expect(handle).toBeUndefined();
    await flush();
    expect(existsSync(dir)).toBe(false);
    expect(await client.getCalls()).toEqual(seen);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
});
