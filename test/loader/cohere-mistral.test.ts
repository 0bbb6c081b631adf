/**
 * cohere-ai (CommonJS) and Mistral 2.x (ESM only) in child processes (SPEC §1, issue 5):
 * `node --import tracewire/register` and `node --require tracewire/register` trace an app with
 * no tracewire code (configured from TRACEWIRE_*; the parent reads the store back), init()
 * with no flag traces clients built before it, and init() in a tracing module the app imports
 * before its SDKs traces all four.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Call } from '../../src/types.js';
import { assertBuilt, makeApp, removeApps, resultOf, ROOT, runApp, tempDir, tracewireWarnings } from '../helpers/node-app.js';
import { APPS, SDK_PACKAGES as packages, STATIC_OPS, SUPPORT, readStore } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);


async function run(file: string, flag: string, project: string) {
  const store = tempDir();
  const dir = makeApp([APPS + file], { packages });
  const result = await runApp(dir, file, {
    nodeArgs: [flag, 'tracewire/register'],
    env: { TW_SUPPORT: SUPPORT, TW_HELPERS: join(ROOT, 'test/helpers'), TRACEWIRE_PROJECT: project, TRACEWIRE_DIR: store, TRACEWIRE_EXPORTER: 'local' },
  });
  return { result, calls: await readStore(store, project) };
}

it('--import: Mistral 2.x (ESM only) and cohere-ai (CommonJS, imported) are traced, streams included', async () => {
  const { result, calls } = await run('register-sdks.mjs', '--import', 'register-sdks');
  expect(tracewireWarnings(result)).toEqual([]);
  const received = resultOf(result);
  expect(received).toMatchObject({ cohere: 'COMPLETE', mistral: 'stop', chunks: 81 });
  // A Mistral stream finds its record without the context (readable.ts): AsyncLocalStorage stays
  // off. Node 22.7+ and 24 run it on context frames, without the flag read by the app.
  if (Number(process.versions.node.split('.')[0]) === 20) expect(received.contextOn).toBe(false);
  const byOp = Object.fromEntries(calls.map((c) => [c.opName, c]));
  expect(Object.keys(byOp).sort()).toEqual(['cohere.v2.chat', 'cohere.v2.chatStream', 'mistral.chat.complete', 'mistral.chat.stream']);
  expect(calls.every((c) => c.status === 'success')).toBe(true);
  expect(byOp['mistral.chat.stream']!.summary.usage).toEqual({ 'mistral-tiny': { requests: 1, inputTokens: 11, outputTokens: 80, totalTokens: 91 } });
  expect(byOp['cohere.v2.chatStream']!.summary.usage).toEqual({ 'command-r': { requests: 1, inputTokens: 7, outputTokens: 109, totalTokens: 116 } });
  expect(byOp['mistral.chat.complete']!.attributes).toMatchObject({ integration: { name: 'mistral', version: expect.stringMatching(/^2\./) } });
});

it('--require: cohere-ai v1 and v2 clients are traced', async () => {
  const { result, calls } = await run('register-cohere.cjs', '--require', 'register-cjs');
  expect(tracewireWarnings(result)).toEqual([]);
  expect(resultOf(result).v2).toBe('COMPLETE');
  expect(calls.map((c) => c.opName).sort()).toEqual(['cohere.chat', 'cohere.v2.chat']);
  for (const call of calls) expect(call.attributes).toMatchObject({ integration: { name: 'cohere', version: expect.stringMatching(/^8\./) }, provider: 'cohere' });
});

it('init() with no flag, in an ESM app that built its clients first: both traced, a teed stream once', async () => {
  const file = 'init-late.mjs';
  const dir = makeApp([APPS + file], { packages });
  const result = await runApp(dir, file, { env: { TW_SUPPORT: SUPPORT, TW_HELPERS: join(ROOT, 'test/helpers') } });
  expect(tracewireWarnings(result)).toEqual([]);
  const calls: Call[] = resultOf(result).calls;
  expect(calls.map((c) => [c.opName, c.status]).sort()).toEqual([['cohere.v2.chat', 'success'], ['mistral.chat.stream', 'success']]);
  const stream = calls.find((c) => c.opName === 'mistral.chat.stream')!;
  expect(stream.summary.usage).toEqual({ 'mistral-tiny': { requests: 1, inputTokens: 11, outputTokens: 80, totalTokens: 91 } });
});

it('init() in a tracing module imported before the four SDKs (static imports, no flag): each call traced once', async () => {
  const dir = makeApp([APPS + 'static-after-init.mjs', APPS + 'tracing-module.mjs'], { packages });
  const result = await runApp(dir, 'static-after-init.mjs', { env: { TW_SUPPORT: SUPPORT, TW_HELPERS: join(ROOT, 'test/helpers') } });
  expect(tracewireWarnings(result)).toEqual([]);
  const calls: Call[] = resultOf(result).calls;
  expect(calls.map((c) => c.opName).sort()).toEqual(STATIC_OPS);
  expect(calls.every((c) => c.status === 'success')).toBe(true);
});

it('init() in a tracing module does not load an installed SDK the app does not import', async () => {
  const dir = makeApp([APPS + 'static-openai-only.mjs', APPS + 'tracing-module.mjs'], { packages });
  const result = await runApp(dir, 'static-openai-only.mjs', { env: { TW_SUPPORT: SUPPORT } });
  expect(tracewireWarnings(result)).toEqual([]);
  expect(resultOf(result)).toMatchObject({ cohereLoaded: false, calls: [{ opName: 'openai.chat.completions.create' }] });
});
