/**
 * Mistral 2.x's `dedicated` telemetry next to tracewire exporting to OpenTelemetry (SPEC §5's
 * rule is about one pipeline): the SDK's spans go to Mistral's own backend, so they are not
 * skipped, the first request included (the SDK sets that mode up inside it). A child process,
 * because the SDK builds its provider from `MISTRAL_SDK_TELEMETRY` and loads an OTLP exporter
 * the app stands in for with a module hook.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, resultOf, ROOT, runApp, tracewireWarnings } from '../helpers/node-app.js';
import { APPS, SUPPORT } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

it('MISTRAL_SDK_TELEMETRY=dedicated: Mistral\'s backend gets the request tracewire records too', async () => {
  const file = 'mistral-dedicated.mjs';
  const dir = makeApp([APPS + file], { packages: { '@mistralai/mistralai': join(ROOT, 'node_modules/@mistralai/mistralai') } });
  const result = await runApp(dir, file, { env: { TW_SUPPORT: SUPPORT, TW_HELPERS: join(ROOT, 'test/helpers') } });
  expect(tracewireWarnings(result)).toEqual([]);
  expect(resultOf(result)).toMatchObject({ mistralBackend: ['chat mistral-tiny'], recorded: ['mistral.chat.complete'] });
});
