/**
 * Nothing recorded is lost when the process ends without a flush() (SPEC §7): at beforeExit,
 * at process.exit(), and on SIGTERM when the app has no handler of its own (then the process
 * still dies by the signal); an app with its own SIGTERM handler keeps control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/local-store.js';
import { holdStoreLock } from '../helpers/lock-holder.js';
import { assertBuilt, makeApp, removeApps, runApp, tempDir, tracewireWarnings, type RunResult } from '../helpers/node-app.js';
import { APPS, SUPPORT, countByTag, readStore, tagOf } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

const EVERY_CALL = { one: 1, two: 1, three: 1 };

async function runExitApp(mode: string, store = tempDir(), onKilled?: () => void): Promise<{ run: RunResult; store: string; project: string }> {
  const dir = makeApp([`${APPS}exit.cjs`]);
  const project = `exit-${mode}`;
  const run = await runApp(dir, 'exit.cjs', {
    env: { TW_SUPPORT: SUPPORT, MODE: mode, TRACEWIRE_DIR: store, TRACEWIRE_PROJECT: project },
    // the idle apps are told to stop as soon as they report that their calls are done
    onLine: (line, child) => {
      if (line !== 'ready') return;
      child.kill('SIGTERM');
      onKilled?.();
    },
  });
  return { run, store, project };
}

async function expectEveryCallStored(store: string, project: string): Promise<void> {
  const calls = await readStore(store, project);
  expect(countByTag(calls)).toEqual(EVERY_CALL);
  expect(calls.map((c) => c.status)).toEqual(['success', 'success', 'success']);
}

describe('flush when the process ends', () => {
  it('an app that simply ends: every call is in the store', async () => {
    const { run, store, project } = await runExitApp('end');
    expect(run.code, run.stderr).toBe(0);
    expect(tracewireWarnings(run)).toEqual([]);
    await expectEveryCallStored(store, project);
  });

  it('process.exit(0) right after a call: every call is in the store', async () => {
    const { run, store, project } = await runExitApp('exit');
    expect(run.code, run.stderr).toBe(0);
    await expectEveryCallStored(store, project);
  });

  it('SIGTERM while idle, no handler of its own: calls are stored and the process dies by SIGTERM', async () => {
    const { run, store, project } = await runExitApp('sigterm');
    expect(run.stdout).toContain('ready');
    expect(run.signal).toBe('SIGTERM');
    expect(run.code).toBeNull();
    await expectEveryCallStored(store, project);
  });

  it('SIGTERM while another process holds the store\'s lock: the exit hooks wait for it, and every call is stored', async () => {
    const store = tempDir();
    LocalStore.open(store).close(); // made by an earlier run
    const lock = await holdStoreLock(store, 20_000);
    let killedAt = 0;
    const { run, project } = await runExitApp('sigterm', store, () => {
      killedAt = Date.now();
      setTimeout(lock.release, 400);
    });
    const endedAt = Date.now();
    await lock.released;
    expect(run.signal).toBe('SIGTERM');
    expect(endedAt - killedAt).toBeGreaterThanOrEqual(350);
    expect(tracewireWarnings(run)).toEqual([]);
    await expectEveryCallStored(store, project);
  });

  it('SIGTERM while an op still runs: it is stored as cancelled, not left running, with its finished calls under it', async () => {
    const { run, store, project } = await runExitApp('sigterm-in-op');
    expect(run.signal).toBe('SIGTERM');
    const calls = await readStore(store, project);
    expect(countByTag(calls)).toEqual(EVERY_CALL);
    const agent = calls.find((c) => c.opName === 'agent')!;
    expect([agent.status, agent.endedAt === null]).toEqual(['cancelled', false]);
    expect(calls.filter((c) => c.parentId === agent.id)).toHaveLength(3);
    // Its usage rolled up from the three calls, though it never ended by itself.
    expect(Object.keys(agent.summary.usage ?? {})).not.toEqual([]);
  });

  it.each(['exit-in-flight', 'sigterm-in-flight'])('%s: a call still waiting for its response, and a stream read partway, are stored as cancelled, not lost', async (mode) => {
    const { run, store, project } = await runExitApp(mode);
    expect(run.stderr).not.toContain('app failed');
    const calls = await readStore(store, project);
    expect(countByTag(calls)).toEqual({ ...EVERY_CALL, four: 1, five: 1 });
    const four = calls.find((c) => tagOf(c) === 'four')!;
    expect([four.status, four.endedAt === null, four.output]).toEqual(['cancelled', false, null]);
    const five = calls.find((c) => tagOf(c) === 'five')!;
    expect([five.status, (five.output as any)?.choices?.[0]?.message?.content]).toEqual(['cancelled', 'Hello']);
    expect(calls.filter((c) => c.status === 'success')).toHaveLength(3);
  });

  it('SIGTERM with the app\'s own handler: its handler runs and the process is not killed by tracewire', async () => {
    const { run, store, project } = await runExitApp('sigterm-handler');
    expect(run.stdout).toContain('app handler ran');
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    await expectEveryCallStored(store, project);
  });
});
