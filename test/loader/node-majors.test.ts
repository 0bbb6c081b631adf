/**
 * The three ways in (SPEC §1) on the other Node majors tracewire supports, 22 and 24, run with
 * `npx -y node@<major>`; where npx cannot fetch that Node (offline), they show as skipped.
 * The local store's native module in node_modules is built for the Node running the tests, so
 * the register runs here export to the console exporter and the records are read from stderr.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../../src/types.js';
import { assertBuilt, makeApp, npxNodeWorks, removeApps, resultOf, ROOT, runApp, tracewireWarnings, type RunResult } from '../helpers/node-app.js';
import { APPS, SDK_PACKAGES, STATIC_OPS, SUPPORT, countByTag } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

const CURRENT_MAJOR = Number.parseInt(process.versions.node, 10);
const MAJORS = [22, 24].filter((major) => major !== CURRENT_MAJOR);
const CONSOLE_RECORD = '[tracewire] {';

/** What the console exporter printed: one JSON record per line. */
function consoleRecords(run: RunResult): Call[] {
  return tracewireWarnings(run).filter((line) => line.startsWith(CONSOLE_RECORD)).map((line) => JSON.parse(line.slice('[tracewire] '.length)));
}

/** tracewire's warnings, without the console exporter's records. */
function warnings(run: RunResult): string[] {
  return tracewireWarnings(run).filter((line) => !line.startsWith(CONSOLE_RECORD));
}

describe.each(MAJORS)('Node %i', (major) => {
  const available = npxNodeWorks(major);

  async function run(file: string, options: { env?: Record<string, string>; nodeArgs?: string[]; also?: string[]; packages?: Record<string, string> } = {}) {
    const dir = makeApp([file, ...(options.also ?? [])].map((name) => APPS + name), { packages: options.packages });
    const result = await runApp(dir, file, {
      node: ['npx', '-y', `node@${major}`],
      nodeArgs: options.nodeArgs,
      timeoutMs: 90_000,
      env: { TW_SUPPORT: SUPPORT, ...options.env },
    });
    const payload = resultOf(result);
    expect(payload.node.startsWith(`${major}.`)).toBe(true);
    expect(warnings(result)).toEqual([]);
    return { run: result, payload };
  }

  it.skipIf(!available)('init() in a CommonJS app, openai required before and after it: every call traced once', async () => {
    for (const order of ['require-first', 'init-first']) {
      const { payload } = await run('cjs-order.cjs', { env: { ORDER: order } });
      expect(payload.patched).toBe(true);
      expect(payload.text).toBe('Hello world!');
      const expected = order === 'init-first' ? { after: 1, 'after-stream': 1 } : { before: 1, 'before-stream': 1, after: 1, 'after-stream': 1 };
      expect(countByTag(payload.calls)).toEqual(expected);
    }
  }, 180_000);

  it.skipIf(!available)('init() in an ESM app with `import OpenAI` at the top and no loader flag: traced', async () => {
    const { payload } = await run('esm-static.mjs');
    expect(payload.patched).toBe(true);
    expect(countByTag(payload.calls)).toEqual({ before: 1, after: 1, 'after-stream': 1 });
  }, 120_000);

  it.skipIf(!available)('init() in a tracing module imported before the four SDKs (static imports, no flag): each call traced once', async () => {
    const { payload } = await run('static-after-init.mjs', { also: ['tracing-module.mjs'], packages: SDK_PACKAGES, env: { TW_HELPERS: join(ROOT, 'test/helpers') } });
    expect(payload.calls.map((c: Call) => c.opName).sort()).toEqual(STATIC_OPS);
  }, 120_000);

  it.skipIf(!available)('an ESM app that loads both openai builds, before init(): each call traced once', async () => {
    const { payload } = await run('esm-both.mjs', { env: { ORDER: 'sdk-first' } });
    expect(payload.distinct).toBe(true);
    expect(payload.patched).toEqual([true, true]);
    expect(countByTag(payload.calls)).toEqual({ cjs: 1, esm: 1, 'esm-stream': 1 });
  }, 120_000);

  it.skipIf(!available).each([
    { file: 'plain.mjs', flag: '--import', tag: 'plain-esm' },
    { file: 'plain.cjs', flag: '--require', tag: 'plain-cjs' },
  ])('node $flag tracewire/register $file: traced with no tracewire code, configured from TRACEWIRE_*', async ({ file, flag, tag }) => {
    const project = `register-${major}`;
    const { run: result, payload } = await run(file, {
      nodeArgs: [flag, 'tracewire/register'],
      env: { TRACEWIRE_PROJECT: project, TRACEWIRE_EXPORTER: 'console' },
    });
    expect(payload.patched).toBe(true);
    expect(payload.text).toBe('Hello world!');
    const calls = consoleRecords(result);
    expect(countByTag(calls)).toEqual({ [tag]: 1, [`${tag}-stream`]: 1 });
    for (const call of calls) expect(call).toMatchObject({ project, opName: 'openai.chat.completions.create', status: 'success' });
    expect(calls.find((call) => countByTag([call])[tag])!.output).toEqual(payload.reply);
  }, 120_000);
});
