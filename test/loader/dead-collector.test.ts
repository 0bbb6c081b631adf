/**
 * otlp behind a collector that never answers. SPEC §9: memory stays bounded by the queue size
 * (a small multiple of maxQueueBytes, recorder.ts documents it); calls past it are dropped and
 * counted. And an app that ends with a backlog for it is not kept alive round after round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localServer } from '../helpers/local-server.js';
import { assertBuilt, makeApp, removeApps, resultOf, runApp } from '../helpers/node-app.js';
import { APPS } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

describe('otlp behind a collector that never answers', () => {
  const silent = localServer(() => {}); // takes requests, never answers

  it('maxQueueBytes 8 MiB: the heap grows by tens of MB at most, drops are counted', async () => {
    const dir = makeApp([`${APPS}otlp-memory.mjs`]);
    const run = await runApp(dir, 'otlp-memory.mjs', { nodeArgs: ['--expose-gc'], timeoutMs: 60_000 });
    const { growthMB, stats } = resultOf(run);
    // 8,000 calls of 120 kB were made: nearly 1 GB, had they all been kept.
    expect(growthMB).toBeLessThan(48);
    expect(stats.dropped).toBeGreaterThan(5000);
  });

  it('an app that ends with 40,000 calls for it exits after one round of attempts, not one per 8,192 calls', async () => {
    const dir = makeApp([`${APPS}otlp-backlog.mjs`]);
    let doneAt = 0;
    const run = await runApp(dir, 'otlp-backlog.mjs', {
      // Each attempt times out at once: a round is its backoff, about 8 s.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: silent.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '100' },
      timeoutMs: 90_000,
      onLine: (line) => {
        if (line === 'done') doneAt = Date.now();
      },
    });
    const exitedAfterMs = Date.now() - doneAt;
    expect(run.code, run.stderr).toBe(0);
    expect(exitedAfterMs).toBeLessThan(16_000);
  }, 90_000);
});
