/**
 * SIGINT/SIGTERM (SPEC §7): an application's own handler is always respected, however it was
 * registered; with none, the calls recorded just before reach asynchronous exporters too
 * (a bounded wait), and the process still dies by the signal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localServer } from '../helpers/local-server.js';
import { decodeTraceBody } from '../helpers/otlp-decode.js';
import { assertBuilt, makeApp, removeApps, runApp, tempDir, type RunResult } from '../helpers/node-app.js';
import { APPS } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

interface Signalled extends RunResult {
  /** Milliseconds from the first signal to the end of the process. */
  afterSignalMs: number;
}

/** Runs apps/signals.mjs, sends `signal` once it is ready (and again after `againAfterMs`). */
async function runSignalled(env: Record<string, string>, signal: NodeJS.Signals, againAfterMs?: number): Promise<Signalled> {
  const dir = makeApp([`${APPS}signals.mjs`]);
  let signalledAt = 0;
  const run = await runApp(dir, 'signals.mjs', {
    env: { TRACEWIRE_DIR: tempDir(), ...env },
    onLine: (line, child) => {
      if (line !== 'ready') return;
      signalledAt = Date.now();
      child.kill(signal);
      if (againAfterMs !== undefined) setTimeout(() => child.kill(signal), againAfterMs);
    },
  });
  return { ...run, afterSignalMs: Date.now() - signalledAt };
}

describe("the application's own SIGINT/SIGTERM handler keeps control", () => {
  it.each([
    ['process.once before init()', 'once-before', 'SIGTERM'],
    ['process.once before init(), SIGINT', 'once-before', 'SIGINT'],
    ['process.prependOnceListener after init()', 'prepend-once-after', 'SIGTERM'],
    ['process.on after init()', 'on-after', 'SIGINT'],
  ] as const)('%s: its shutdown runs to the end, tracewire does not kill the process', async (_name, mode, signal) => {
    const run = await runSignalled({ MODE: mode, SIGNAL: signal }, signal);
    expect(run.stdout, run.stderr).toContain('app: shut down');
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
  });
});

describe('SIGTERM with no handler of its own and an asynchronous exporter (otlp)', () => {
  let spans = 0;
  /** When set, requests are held and never answered. */
  let silent = false;
  const collector = localServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (silent) return;
      spans += decodeTraceBody(req.headers['content-type'], Buffer.concat(chunks)).resourceSpans[0].scopeSpans[0].spans.length;
      res.end('{}');
    });
  });

  it('the calls recorded just before are sent, then the process dies by SIGTERM', async () => {
    silent = false;
    spans = 0;
    const run = await runSignalled({ EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint }, 'SIGTERM');
    expect(run.signal, run.stderr).toBe('SIGTERM');
    expect(spans).toBe(5);
  });

  it('a collector that never answers: the process still dies by SIGTERM, after about 2 s', async () => {
    silent = true;
    const run = await runSignalled({ EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint }, 'SIGTERM');
    expect(run.signal, run.stderr).toBe('SIGTERM');
    expect(run.afterSignalMs).toBeGreaterThanOrEqual(1900);
    expect(run.afterSignalMs).toBeLessThan(6000);
  });

  it('a second SIGTERM during that wait ends the process at once', async () => {
    silent = true;
    const run = await runSignalled({ EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint }, 'SIGTERM', 200);
    expect(run.signal, run.stderr).toBe('SIGTERM');
    expect(run.afterSignalMs).toBeLessThan(1500);
  });

  it('the local store (written synchronously) adds no wait', async () => {
    const run = await runSignalled({ EXPORTER: 'local' }, 'SIGTERM');
    expect(run.signal, run.stderr).toBe('SIGTERM');
    expect(run.afterSignalMs).toBeLessThan(1500);
  });
});
