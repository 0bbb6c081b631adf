/**
 * SPEC §9: memory is bounded by the queue size however slow the exporter. With otlp and a
 * collector that never answers, what tracewire holds for export stays a small multiple of
 * maxQueueBytes (recorder.ts documents the bound); calls past it are dropped and counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, resultOf, runApp } from '../helpers/node-app.js';
import { APPS } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

describe('memory behind a collector that never answers', () => {
  it('otlp with maxQueueBytes 8 MiB: the heap grows by tens of MB at most, drops are counted', async () => {
    const dir = makeApp([`${APPS}otlp-memory.mjs`]);
    const run = await runApp(dir, 'otlp-memory.mjs', { nodeArgs: ['--expose-gc'], timeoutMs: 60_000 });
    const { growthMB, stats } = resultOf(run);
    // 8,000 calls of 120 kB were made: nearly 1 GB, had they all been kept.
    expect(growthMB).toBeLessThan(48);
    expect(stats.dropped).toBeGreaterThan(5000);
  });
});
