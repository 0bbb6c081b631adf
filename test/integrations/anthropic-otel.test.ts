/**
 * The SDK's own OpenTelemetry tracing (0.134+, all of 1.x, on by default) next to tracewire's record.
 *
 * SPEC §5: "Anthropic's own OpenTelemetry tracing ... must not produce a second span for a
 * request tracewire records when both export to the same OpenTelemetry pipeline." The rule
 * (docs/internals/anthropic-sdk.md §6): while tracewire records a request and exports over OTLP,
 * the SDK's call span for it (`anthropic.messages.create`, also the one the stream helpers start
 * before `create`, and `anthropic.messages.count_tokens`) is skipped; every other span of the
 * SDK, and every span of a request tracewire does not record, stays. Without an `otlp` exporter
 * the SDK traces as it always did.
 *
 * The SDK's spans go to a real global tracer provider (in-memory exporter, async-hooks context
 * manager); tracewire's go to a CollectingExporter and, when configured, to the real OTLP
 * exporter served by msw.
 */
import Anthropic from '@anthropic-ai/sdk';
import { context } from '@opentelemetry/api';
import { http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { flush, init, withTracingDisabled } from '../../src/index.js';
import { OtlpExporter } from '../../src/export/otlp.js';
import type { Exporter } from '../../src/types.js';
import { anthropicClient, COUNT_TOKENS_URL, drain, jsonAnswer, recordedEvents, requestOf, responseOf } from '../helpers/anthropic.js';
import { clearTracewireEnv, CollectingExporter, tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';
import { useGlobalTracerProvider, useOtlpCollector } from '../helpers/otel.js';

const server = useMswServer();
failOnUnhandledRejection();

const CREATE = 'anthropic.messages.create';
const COUNT = 'anthropic.messages.count_tokens';

/** Clients made when this file loads, before the first init() of its process (fetching through msw, installed later). */
const lateFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);
const earlyClients = { helperFirst: anthropicClient({ fetch: lateFetch }), createFirst: anthropicClient({ fetch: lateFetch }) };
const filtered = (client: Anthropic) => Symbol.for('tracewire.filtered-tracer.v1') in ((client as unknown as { _tracer: object })._tracer ?? {});

const sdkSpans = useGlobalTracerProvider();

const plainFixture = loadFixture('anthropic/oi-messages.json');
const streamFixture = loadFixture('anthropic/oi-messages-stream-helper.json');
const plainBody = requestOf<Anthropic.MessageCreateParamsNonStreaming>(plainFixture);
const streamBody = requestOf<Anthropic.MessageCreateParamsStreaming>(streamFixture);
const countBody = { model: 'claude-sonnet-4-6', messages: [{ role: 'user' as const, content: 'Hello, world' }] };

/** Each way of reaching the API, with the answer it needs. */
const requests: Record<string, (client: Anthropic) => Promise<unknown>> = {
  create: async (client) => {
    server.use(...fixtureHandlers(plainFixture));
    expect(await client.messages.create(plainBody)).toEqual(responseOf(plainFixture));
  },
  'create stream': async (client) => {
    server.use(...fixtureHandlers(streamFixture));
    expect(await drain(await client.messages.create(streamBody))).toEqual(recordedEvents(streamFixture));
  },
  'messages.stream()': async (client) => {
    server.use(...fixtureHandlers(streamFixture));
    const { stream: _stream, ...body } = streamBody;
    const final = await client.messages.stream(body).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'The capital of France is **Paris**.' }]);
  },
  countTokens: async (client) => {
    server.use(jsonAnswer({ input_tokens: 12 }, 200, COUNT_TOKENS_URL));
    expect(await client.messages.countTokens(countBody)).toEqual({ input_tokens: 12 });
  },
};
const SPAN_OF: Record<string, string> = { create: CREATE, 'create stream': CREATE, 'messages.stream()': CREATE, countTokens: COUNT };
/** tracewire's span for each, named after the GenAI conventions: `{operation} {request model}`. */
const OTLP_NAME_OF: Record<string, string> = {
  create: `chat ${plainBody.model}`,
  'create stream': `chat ${streamBody.model}`,
  'messages.stream()': `chat ${streamBody.model}`,
  countTokens: `count_tokens ${countBody.model}`,
};

describe('the SDK tracing on (its default) or off changes nothing for the app or the record', () => {
  const t = tracedPerTest({ implicitlyPatchIntegrations: true });

  it.each([
    ['on (default)', {}],
    ['off (openTelemetry: false)', { openTelemetry: false as const }],
  ])('tracing %s: non-streamed and streamed create recorded the same way', async (_label, options) => {
    const client = anthropicClient(options);
    expect((client as unknown as { _tracer?: unknown })._tracer !== undefined).toBe(!('openTelemetry' in options));

    server.use(...fixtureHandlers(plainFixture), ...fixtureHandlers(streamFixture));
    const message = await client.messages.create(plainBody);
    expect(message).toEqual(responseOf(plainFixture));
    const events = await drain(await client.messages.create(streamBody));
    expect(events).toEqual(recordedEvents(streamFixture));

    const calls = (await t.calls()).filter((c) => c.opName === CREATE).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(calls.map((c) => c.status)).toEqual(['success', 'success']);
    expect(calls[0]!.output).toEqual(message);
    expect((calls[1]!.output as Anthropic.Message).content).toEqual([{ type: 'text', text: 'The capital of France is **Paris**.' }]);
    expect(t.warnings).toEqual([]);
  });
});

describe('with a real tracer provider registered', () => {
  const OTLP = 'http://collector.test:4318';
  let collector: CollectingExporter;

  const otlp = useOtlpCollector(server, OTLP);
  beforeEach(() => sdkSpans.reset());

  function start(withOtlp: boolean, options: { implicitlyPatchIntegrations?: boolean } = {}): void {
    clearTracewireEnv();
    collector = new CollectingExporter();
    const exporters: Exporter[] = withOtlp ? [collector, new OtlpExporter({ endpoint: OTLP, env: {}, maxAttempts: 1 })] : [collector];
    init({ exporters, implicitlyPatchIntegrations: options.implicitlyPatchIntegrations ?? true });
  }

  /** The SDK's spans exported while `fn` ran (each ends with its call, the stream read included). */
  async function sdkSpansOf(fn: () => Promise<unknown>): Promise<string[]> {
    sdkSpans.reset();
    await fn();
    await flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    return sdkSpans.getFinishedSpans().map((s) => s.name);
  }

  describe('tracewire exporting over OTLP: one span per request in the pipeline, tracewire\'s', () => {
    it.each(Object.keys(requests))('%s: no SDK span; the record and its OTLP span exist', async (name) => {
      start(true);
      expect(await sdkSpansOf(() => requests[name]!(anthropicClient()))).toEqual([]);
      const op = name === 'countTokens' ? 'anthropic.messages.countTokens' : CREATE;
      expect(collector.calls.map((c) => [c.opName, c.status])).toEqual([[op, 'success']]);
      expect(otlp.names).toEqual([OTLP_NAME_OF[name]]);
    });

    it.each(Object.keys(requests))('%s under withTracingDisabled: not recorded, so the SDK span is its only one', async (name) => {
      start(true);
      expect(await sdkSpansOf(() => withTracingDisabled(() => requests[name]!(anthropicClient())))).toEqual([SPAN_OF[name]]);
      expect(collector.calls).toEqual([]);
    });

    it('an endpoint tracewire does not record (beta.messages.countTokens) keeps its SDK span', async () => {
      start(true);
      server.use(jsonAnswer({ input_tokens: 12 }, 200, COUNT_TOKENS_URL));
      expect(await sdkSpansOf(() => anthropicClient().beta.messages.countTokens(countBody))).toEqual([COUNT]);
      expect(collector.calls).toEqual([]);
    });

    it.each([
      ['messages.stream()', earlyClients.helperFirst],
      ['create', earlyClients.createFirst],
    ] as const)('clients built before init(), first used through %s: adopted then, no SDK span from the first call on', async (first, client) => {
      start(true);
      // Built before any init() in this process: they hold the SDK's own tracer.
      expect(filtered(client)).toBe(false);
      expect(await sdkSpansOf(() => requests[first]!(client))).toEqual([]);
      expect(filtered(client)).toBe(true);
      expect(await sdkSpansOf(() => requests.countTokens!(client))).toEqual([]);
      expect(collector.calls).toHaveLength(2);
    });
  });

  it.each(Object.keys(requests))('tracewire not exporting to OpenTelemetry, %s: the SDK traces as it always did', async (name) => {
    start(false);
    expect(await sdkSpansOf(() => requests[name]!(anthropicClient()))).toEqual([SPAN_OF[name]]);
    expect(collector.calls).toHaveLength(1);
    expect(otlp.names).toEqual([]);
  });
});
