/**
 * Tracing never changes what the application sees (SPEC §5), unhandled rejections included:
 * a failed request the app never awaited is still reported to it as unhandled.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, resultOf, runApp } from '../helpers/node-app.js';
import { APPS, SDK_PACKAGES as packages, SUPPORT } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

it('openai and anthropic: the same unhandled rejections traced as untraced, and none for requests the app handled', async () => {
  const dir = makeApp([`${APPS}unhandled.mjs`], { packages });
  const seen = async (trace: string) => resultOf(await runApp(dir, 'unhandled.mjs', { env: { TW_SUPPORT: SUPPORT, TRACE: trace } })).seen;
  const bare = await seen('0');
  expect(bare).toEqual(['APIConnectionError', 'APIConnectionError']);
  expect(await seen('1')).toEqual(bare);
});
