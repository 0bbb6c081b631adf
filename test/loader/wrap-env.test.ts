/** The environment wins over code before init() has run too (SPEC §4): a wrapped client is handed back untouched. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, resultOf, runApp } from '../helpers/node-app.js';
import { APPS, SUPPORT } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

it.each([
  [{ TRACEWIRE_DISABLED: 'true' }, true],
  [{ TRACEWIRE_DISABLED_INTEGRATIONS: 'openai' }, true],
  [{ TRACEWIRE_DISABLED_INTEGRATIONS: 'cohere' }, false],
])('wrapOpenAI before init() with %o: untouched %s', async (env, untouched) => {
  const dir = makeApp([`${APPS}wrap-before-init.mjs`]);
  const run = await runApp(dir, 'wrap-before-init.mjs', { env: { TW_SUPPORT: SUPPORT, ...env } });
  expect(resultOf(run).untouched).toBe(untouched);
});
