/** Custom prices are saved in the local store per project: a later process prices with them (issue 6). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, runApp, tempDir } from '../helpers/node-app.js';
import { APPS, readStore } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

it('a price added by one process prices the calls of a later one, in the same project only', async () => {
  const dir = makeApp([`${APPS}custom-price.mjs`]);
  const store = tempDir();
  const env = (mode: string, project: string) => ({ env: { MODE: mode, TRACEWIRE_DIR: store, TRACEWIRE_PROJECT: project } });
  for (const [mode, project] of [['save', 'acme'], ['use', 'acme'], ['use', 'other']] as const) {
    const run = await runApp(dir, 'custom-price.mjs', env(mode, project));
    expect(run.code, run.stderr).toBe(0);
  }
  const [priced] = await readStore(store, 'acme');
  // 1000 * 0.000003 + 100 * 0.000012 = 0.003 + 0.0012
  expect(priced!.summary.costs!['ft:acme-support']!.totalCost).toBeCloseTo(0.0042, 12);
  const [other] = await readStore(store, 'other');
  expect(other!.summary.usage).toEqual({ 'ft:acme-support': { requests: 1, inputTokens: 1000, outputTokens: 100 } });
  expect(other!.summary.costs).toBeUndefined();
});
