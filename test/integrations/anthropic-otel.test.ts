/**
 * The SDK's own OpenTelemetry tracing (all of 1.x, on by default) next to tracewire's record.
 *
 * SPEC §5: "Anthropic's own OpenTelemetry tracing ... must not produce a second span for a
 * request tracewire records when both export to the same OpenTelemetry pipeline."
 *
 * The span-count checks need a real tracer provider: `@opentelemetry/api` is installed, but
 * `@opentelemetry/sdk-trace-base` (BasicTracerProvider, InMemorySpanExporter,
 * SimpleSpanProcessor) is not, so they are `it.todo` until it is added as a devDependency.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { anthropicClient, drain, recordedEvents, requestOf, responseOf } from '../helpers/anthropic.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const CREATE = 'anthropic.messages.create';

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

describe('the SDK tracing on (its default) or off changes nothing for the app or the record', () => {
  it.each([
    ['on (default)', {}],
    ['off (openTelemetry: false)', { openTelemetry: false as const }],
  ])('tracing %s: non-streamed and streamed create recorded the same way', async (_label, options) => {
    const client = anthropicClient(options);
    expect((client as unknown as { _tracer?: unknown })._tracer !== undefined).toBe(!('openTelemetry' in options));

    const plainFixture = loadFixture('anthropic/oi-messages.json');
    const streamFixture = loadFixture('anthropic/oi-messages-stream-helper.json');
    server.use(...fixtureHandlers(plainFixture), ...fixtureHandlers(streamFixture));
    const message = await client.messages.create(requestOf<Anthropic.MessageCreateParamsNonStreaming>(plainFixture));
    expect(message).toEqual(responseOf(plainFixture));
    const events = await drain(await client.messages.create(requestOf<Anthropic.MessageCreateParamsStreaming>(streamFixture)));
    expect(events).toEqual(recordedEvents(streamFixture));

    const calls = (await t.calls()).filter((c) => c.opName === CREATE).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(calls.map((c) => c.status)).toEqual(['success', 'success']);
    expect(calls[0]!.output).toEqual(message);
    expect((calls[1]!.output as Anthropic.Message).content).toEqual([{ type: 'text', text: 'The capital of France is **Paris**.' }]);
    expect(t.warnings).toEqual([]);
  });
});

describe('with a real tracer provider registered (needs @opentelemetry/sdk-trace-base)', () => {
  // Register BasicTracerProvider + InMemorySpanExporter globally (trace.setGlobalTracerProvider),
  // then, for each case, count finished spans named `anthropic.messages.create`.
  it.todo('tracewire off (withTracingDisabled): the SDK still exports exactly one span per create, as untraced');
  it.todo('a traced create: the app response and the record are unchanged with the SDK span active');
  it.todo('a traced messages.stream(): the helper span (started before create) ends once, the record once');
  it.todo('countTokens: the SDK span anthropic.messages.count_tokens next to tracewire\'s record');
  // SPEC §5 duplicate-span rule, to assert once tracewire exports OTLP and suppresses the SDK span
  // for requests it records (docs/internals/anthropic-sdk.md §6, "Proposed rule"):
  it.todo('tracewire exporting OTLP + SDK tracing on: one span per request in the shared pipeline, not two');
});
