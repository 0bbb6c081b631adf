/**
 * init() patches the SDK however the app loads it (SPEC §1, way 1): CommonJS or ESM, before
 * or after init(), both builds at once, with no loader flag. Each app runs in its own `node`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../../src/types.js';
import { assertBuilt, makeApp, removeApps, resultOf, runApp } from '../helpers/node-app.js';
import { APPS, SUPPORT, countByTag, tagOf } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

async function run(file: string, env: Record<string, string> = {}): Promise<any> {
  const dir = makeApp([APPS + file]);
  return resultOf(await runApp(dir, file, { env: { TW_SUPPORT: SUPPORT, ...env } }));
}

function sdkCalls(calls: Call[]): Call[] {
  return calls.filter((c) => c.opName === 'openai.chat.completions.create');
}

function expectStreamRecorded(calls: Call[], tag: string): void {
  const call = calls.find((c) => tagOf(c) === tag)!;
  expect(call.status).toBe('success');
  expect(call.output).toMatchObject({ choices: [{ message: { content: 'Hello world!' }, finish_reason: 'stop' }] });
}

describe('CommonJS app', () => {
  it('init() then require("openai"): every call traced once', async () => {
    const result = await run('cjs-order.cjs', { ORDER: 'init-first' });
    expect(result.patched).toBe(true);
    expect(result.text).toBe('Hello world!');
    expect(countByTag(result.calls)).toEqual({ after: 1, 'after-stream': 1 });
    expectStreamRecorded(result.calls, 'after-stream');
  });

  it('require("openai") then init(), clients built before and after init(): every call traced once', async () => {
    const result = await run('cjs-order.cjs', { ORDER: 'require-first' });
    expect(result.patched).toBe(true);
    expect(countByTag(result.calls)).toEqual({ before: 1, 'before-stream': 1, after: 1, 'after-stream': 1 });
    expect(sdkCalls(result.calls).every((c: Call) => c.status === 'success')).toBe(true);
    expectStreamRecorded(result.calls, 'before-stream');
  });

  it('`await import("openai")` then init(): the ESM build loaded before init() is traced', async () => {
    const result = await run('cjs-order.cjs', { ORDER: 'import-first' });
    expect(result.patched).toBe(true);
    expect(countByTag(result.calls)).toEqual({ before: 1, 'before-stream': 1, after: 1, 'after-stream': 1 });
  });
});

describe('ESM app, no loader flag', () => {
  it('`import OpenAI from "openai"` at the top, init() in the body: clients from before and after are traced', async () => {
    const result = await run('esm-static.mjs');
    expect(result.patched).toBe(true);
    expect(result.text).toBe('Hello world!');
    expect(countByTag(result.calls)).toEqual({ before: 1, after: 1, 'after-stream': 1 });
    expectStreamRecorded(result.calls, 'after-stream');
  });

  it('init() then `await import("openai")`: traced', async () => {
    const result = await run('esm-dynamic.mjs');
    expect(result.patched).toBe(true);
    expect(countByTag(result.calls)).toEqual({ after: 1, 'after-stream': 1 });
    expectStreamRecorded(result.calls, 'after-stream');
  });

  it.each(['init-first', 'sdk-first'])('both SDK builds (require via createRequire and import), %s: each call traced once', async (order) => {
    const result = await run('esm-both.mjs', { ORDER: order });
    expect(result.distinct).toBe(true);
    expect(result.patched).toEqual([true, true]);
    expect(result.text).toBe('Hello world!');
    expect(countByTag(result.calls)).toEqual({ cjs: 1, esm: 1, 'esm-stream': 1 });
    expectStreamRecorded(result.calls, 'esm-stream');
  });
});

describe('both tracewire builds in one process', () => {
  it('one configuration: ops of the ESM and CJS builds and the SDK call nest into one trace', async () => {
    const result = await run('dual-build.mjs');
    expect(result.distinctBuilds).toBe(true);
    expect(result.sameCurrent).toBe(true);
    expect(result.sameClient).toBe(true);
    const calls: Call[] = result.calls;
    const byName = Object.fromEntries(calls.map((c) => [c.opName, c]));
    expect(Object.keys(byName).sort()).toEqual(['inner', 'openai.chat.completions.create', 'outer']);
    expect(calls).toHaveLength(3);
    const { outer, inner } = byName;
    const sdk = byName['openai.chat.completions.create']!;
    expect(new Set(calls.map((c) => c.traceId))).toEqual(new Set([outer!.id]));
    expect(outer!.parentId).toBeNull();
    expect(inner!.parentId).toBe(outer!.id);
    expect(sdk.parentId).toBe(inner!.id);
    expect(calls.every((c) => c.project === 'dual' && c.status === 'success')).toBe(true);
    // a parent's usage includes its descendants'
    expect(Object.keys(outer!.summary.usage ?? {})).toEqual(['gpt-4o-mini-2024-07-18']);
  });
});
