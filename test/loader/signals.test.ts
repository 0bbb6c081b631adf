/**
 * SIGINT/SIGTERM (SPEC §7): an application's own handler is always respected, however it was
 * registered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
