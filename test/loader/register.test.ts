/**
 * `node --import tracewire/register` and `node --require tracewire/register` (SPEC §1 way 2,
 * §4): zero-code instrumentation configured from TRACEWIRE_*; the parent reads the store back.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, resultOf, runApp, tempDir, tracewireWarnings } from '../helpers/node-app.js';
import { APPS, SUPPORT, countByTag, readStore, tagOf } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

const cases = [
  { file: 'plain.mjs', flag: '--import', tag: 'plain-esm' },
  { file: 'plain.cjs', flag: '--require', tag: 'plain-cjs' },
] as const;

async function runRegistered(file: string, flag: string, env: Record<string, string>) {
  const dir = makeApp([APPS + file]);
  return runApp(dir, file, { nodeArgs: [flag, 'tracewire/register'], env: { TW_SUPPORT: SUPPORT, ...env } });
}

describe.each(cases)('node $flag tracewire/register $file', ({ file, flag, tag }) => {
  it('traces an app with no tracewire code, configured from TRACEWIRE_* (project, dir, exporter=local)', async () => {
    const store = tempDir();
    const project = `register-${tag}`;
    const run = await runRegistered(file, flag, { TRACEWIRE_PROJECT: project, TRACEWIRE_DIR: store, TRACEWIRE_EXPORTER: 'local' });
    const result = resultOf(run);
    expect(tracewireWarnings(run)).toEqual([]);
    expect(result.patched).toBe(true);
    expect(result.text).toBe('Hello world!');
    expect(result.reply.choices[0].message.content).toBe('Hello world!');

    const calls = await readStore(store, project);
    expect(countByTag(calls)).toEqual({ [tag]: 1, [`${tag}-stream`]: 1 });
    for (const call of calls) {
      expect(call).toMatchObject({ project, opName: 'openai.chat.completions.create', status: 'success', parentId: null });
      expect(call.summary.usage?.['gpt-4o-mini-2024-07-18']).toBeDefined();
    }
    const plain = calls.find((c) => tagOf(c) === tag)!;
    expect(plain.output).toEqual(result.reply);
  });

  it('TRACEWIRE_DISABLED=true: nothing patched or traced, and no file in TRACEWIRE_DIR even after flush()', async () => {
    const store = tempDir();
    const run = await runRegistered(file, flag, {
      TRACEWIRE_DISABLED: 'true',
      TRACEWIRE_DIR: store,
      TRACEWIRE_EXPORTER: 'local',
      APP_FLUSH: '1',
    });
    const result = resultOf(run);
    expect(result.patched).toBe(false);
    expect(result.text).toBe('Hello world!');
    expect(readdirSync(store)).toEqual([]);
  });
});

// Node also runs `--require` preloads inside its module-hooks thread: register must set up once.
it('--require tracewire/register sets tracewire up once: one warning per bad value, no second ESM hook', async () => {
  const run = await runRegistered('plain.cjs', '--require', { TRACEWIRE_EXPORTER: 'none', TRACEWIRE_CAPTURE_CONTENT: 'maybe' });
  expect(resultOf(run).patched).toBe(true);
  expect(tracewireWarnings(run).filter((line) => line.includes('TRACEWIRE_CAPTURE_CONTENT'))).toHaveLength(1);
  expect(run.stderr).not.toContain('import-in-the-middle');
});

it('--import tracewire/register and the app\'s own init(): one record per request, each bad value reported once', async () => {
  const run = await runRegistered('register-and-init.mjs', '--import', { TRACEWIRE_EXPORTER: 'memory', TRACEWIRE_CAPTURE_CONTENT: 'maybe' });
  expect(resultOf(run)).toMatchObject({ patched: true, recorded: 1 });
  expect(tracewireWarnings(run).filter((line) => line.includes('TRACEWIRE_CAPTURE_CONTENT'))).toHaveLength(1);
});
