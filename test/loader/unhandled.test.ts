/**
 * Tracing never changes what the application sees (SPEC §5), unhandled rejections included:
 * a failed request the app never awaited is still reported to it as unhandled, whether the SDK
 * returns a promise of its own class (openai, anthropic) or a plain one (cohere, mistral, an async op).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, resultOf, runApp } from '../helpers/node-app.js';
import { APPS, SDK_PACKAGES as packages, SUPPORT } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

it('every SDK and op(): the same unhandled rejections traced as untraced, none for requests the app handled, and every request recorded as an error', async () => {
  const dir = makeApp([`${APPS}unhandled.mjs`], { packages });
  const run = async (trace: string) => resultOf(await runApp(dir, 'unhandled.mjs', { env: { TW_SUPPORT: SUPPORT, TRACE: trace } }));
  const bare = await run('0');
  expect(bare.seen).toEqual(['APIConnectionError', 'APIConnectionError', 'CohereError', 'ConnectionError', 'ConnectionError', 'RangeError']);
  expect(bare.records).toEqual([]);
  const traced = await run('1');
  expect(traced.seen).toEqual(bare.seen);
  expect(traced.records).toEqual([
    'anthropic.messages.create error',
    'anthropic.messages.create error',
    'cohere.v2.chat error',
    'cohere.v2.chat error',
    'cohere.v2.chat error',
    'failing error',
    'failing error',
    'mistral.chat.complete error',
    'mistral.chat.complete error',
    'mistral.chat.stream error',
    'mistral.chat.stream error',
    ...Array(4).fill('openai.chat.completions.create error'),
  ]);
});
