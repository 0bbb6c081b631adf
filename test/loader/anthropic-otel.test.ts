/**
 * The Anthropic SDK's own OpenTelemetry tracing next to tracewire in a CommonJS app (the
 * vitest files run the ESM build), with a client built before tracewire was loaded: while
 * tracewire exports to OpenTelemetry, the requests it records have no SDK span; the SDK keeps
 * its other spans (tool runner) and those of requests tracewire does not record. The streamed
 * toolRunner's turn (1.x message thread, a Stream built from the raw response) is recorded with
 * its output and usage in this build too.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, resultOf, ROOT, runApp, tracewireWarnings } from '../helpers/node-app.js';
import { APPS, SUPPORT } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

const packages = Object.fromEntries(
  ['@anthropic-ai/sdk', '@opentelemetry/api', '@opentelemetry/sdk-trace-base'].map((name) => [name, join(ROOT, 'node_modules', name)]),
);

async function run(otlp: boolean) {
  const file = 'anthropic-otel.cjs';
  const dir = makeApp([APPS + file], { packages });
  const result = await runApp(dir, file, { env: { TW_SUPPORT: SUPPORT, TW_HELPERS: join(ROOT, 'test/helpers'), OTLP: otlp ? '1' : '0' } });
  expect(tracewireWarnings(result)).toEqual([]);
  return resultOf(result);
}

const RECORDED = [
  'anthropic.messages.create', // early client, messages.stream()
  'anthropic.messages.create', // early client, create
  'anthropic.messages.create', // create, streamed
  'anthropic.messages.countTokens',
  'anthropic.beta.messages.create', // the streamed toolRunner's one turn
];

function expectRecords(calls: { op: string; status: string; text?: string; usage: boolean }[]): void {
  expect(calls.map((c) => c.op)).toEqual(RECORDED);
  expect(calls.every((c) => c.status === 'success')).toBe(true);
  const turn = calls.at(-1)!;
  expect(turn.text).toEqual(expect.stringMatching(/\S/));
  expect(turn.usage).toBe(true);
}

it('exporting over OTLP: one span per recorded request (tracewire\'s); the SDK keeps the rest', async () => {
  const { spans, calls } = await run(true);
  expectRecords(calls);
  // the tool runner's own span, and the create tracewire did not record (withTracingDisabled)
  expect(spans).toEqual(['anthropic.messages.create', 'anthropic.messages.tool_runner']);
});

it('not exporting to OpenTelemetry: the SDK traces every request as it always did', async () => {
  const { spans, calls } = await run(false);
  expectRecords(calls);
  expect(spans).toEqual(['anthropic.messages.count_tokens', ...Array(5).fill('anthropic.messages.create'), 'anthropic.messages.tool_runner']);
});
