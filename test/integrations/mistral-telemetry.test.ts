/**
 * Mistral 2.x's own OpenTelemetry tracing next to tracewire (SPEC §5: no second span for a
 * request tracewire records when both export to the same OpenTelemetry pipeline). The SDK's
 * tracing hook is skipped exactly while tracewire records the request and exports over OTLP,
 * and the SDK's span would go to the application's pipeline; otherwise (`dedicated` telemetry,
 * exporting to Mistral's backend, included) the SDK traces as it always did. The SDK's spans go to a real tracer provider
 * registered with `registerTracerProvider` (in-memory exporter); tracewire's go to msw.
 */
import { Mistral } from '@mistralai/mistralai';
import { configureTelemetry, configureTelemetryForHook, registerTracerProvider } from '@mistralai/mistralai/extra/observability';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flush, init, withTracingDisabled } from '../../src/index.js';
import { OtlpExporter } from '../../src/export/otlp.js';
import type { Exporter } from '../../src/types.js';
import { clearTracewireEnv, CollectingExporter } from '../helpers/collect.js';
import { drain, MISTRAL_TEST_KEY } from '../helpers/mistral.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';
import { useOtlpCollector } from '../helpers/otel.js';

const server = useMswServer();
failOnUnhandledRejection();

const sdkSpans = new InMemorySpanExporter();
beforeAll(() => registerTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sdkSpans)] })));
afterAll(() => registerTracerProvider(undefined as never));

const OTLP = 'http://collector.test:4318';
let collector: CollectingExporter;

const otlp = useOtlpCollector(server, OTLP);
beforeEach(() => sdkSpans.reset());

function start(withOtlp: boolean): void {
  clearTracewireEnv();
  collector = new CollectingExporter();
  const exporters: Exporter[] = withOtlp ? [collector, new OtlpExporter({ endpoint: OTLP, env: {}, maxAttempts: 1 })] : [collector];
  init({ exporters, implicitlyPatchIntegrations: true });
}

const request = { model: 'mistral-tiny', messages: [{ role: 'user' as const, content: 'Tell me a joke about OpenTelemetry' }] };
const client = () => new Mistral({ apiKey: MISTRAL_TEST_KEY });

async function settled(): Promise<void> {
  await flush();
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('tracewire exporting over OTLP: one span per request in the pipeline, tracewire\'s', () => {
  it('chat.complete: no SDK span; the record and its OTLP span exist; the app response is unchanged', async () => {
    start(true);
    server.use(...fixtureHandlers(loadFixture('mistral/py-chat-2.json')), ...fixtureHandlers(loadFixture('mistral/py-chat-2.json')));
    const response = await client().chat.complete(request);
    await settled();
    expect(sdkSpans.getFinishedSpans()).toEqual([]);
    expect(collector.calls.map((c) => c.opName)).toEqual(['mistral.chat.complete']);
    expect(otlp.names).toEqual(['chat mistral-tiny']);
    // withTracingDisabled: tracewire records nothing, so the SDK's span is the request's only one
    const plain = await withTracingDisabled(() => client().chat.complete(request));
    await settled();
    expect(plain).toEqual(response);
    expect(sdkSpans.getFinishedSpans()).toHaveLength(1);
  });

  it('chat.stream: no SDK span; the stream record ends success', async () => {
    start(true);
    server.use(...fixtureHandlers(loadFixture('mistral/py-chat-stream.json')));
    const items = await drain(await client().chat.stream(request));
    await settled();
    expect(items).toHaveLength(81);
    expect(sdkSpans.getFinishedSpans()).toEqual([]);
    expect(collector.calls.map((c) => [c.opName, c.status])).toEqual([['mistral.chat.stream', 'success']]);
  });
});

/** The client's tracing hook, found as the SDK's own configureTelemetry finds it. */
function tracingHookOf(client: Mistral): object {
  const hooks = (client as unknown as { _options: { hooks: { beforeRequestHooks: object[] } } })._options.hooks.beforeRequestHooks;
  return hooks.find((hook) => (hook as { _mistralTracingHook?: unknown })._mistralTracingHook === true)!;
}

describe('the SDK\'s spans going to another pipeline than the application\'s', () => {
  it('"dedicated" telemetry (the SDK\'s own provider, exporting to Mistral): the SDK span stays beside tracewire\'s', async () => {
    start(true);
    server.use(...fixtureHandlers(loadFixture('mistral/py-chat-2.json')));
    const mistralBackend = new InMemorySpanExporter();
    const c = client();
    // What MISTRAL_SDK_TELEMETRY=dedicated sets up, with an in-memory exporter for Mistral's backend.
    const dedicated = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(mistralBackend)] });
    const context = { baseURL: c._baseURL, options: c._options };
    await configureTelemetryForHook(tracingHookOf(c) as never, context as never, { telemetry: 'dedicated', replaceExisting: true, createTelemetryTracerProvider: async () => dedicated });
    await c.chat.complete(request);
    await settled();
    expect(mistralBackend.getFinishedSpans().map((span) => span.name)).toEqual(['chat mistral-tiny']);
    expect(sdkSpans.getFinishedSpans()).toEqual([]);
    expect(otlp.names).toEqual(['chat mistral-tiny']);
    expect(collector.calls.map((call) => call.opName)).toEqual(['mistral.chat.complete']);
  });

  it('a provider the application gives the client is its own pipeline: no SDK span', async () => {
    start(true);
    server.use(...fixtureHandlers(loadFixture('mistral/py-chat-2.json')));
    const appSpans = new InMemorySpanExporter();
    const c = client();
    await configureTelemetry(c, new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appSpans)] }));
    await c.chat.complete(request);
    await settled();
    expect(appSpans.getFinishedSpans()).toEqual([]);
    expect(otlp.names).toEqual(['chat mistral-tiny']);
  });
});

it('tracewire not exporting to OpenTelemetry: the SDK traces as it always did', async () => {
  start(false);
  server.use(...fixtureHandlers(loadFixture('mistral/py-chat-2.json')));
  await client().chat.complete(request);
  await settled();
  expect(sdkSpans.getFinishedSpans()).toHaveLength(1);
  expect(sdkSpans.getFinishedSpans()[0]!.name).toContain('mistral-tiny');
  expect(collector.calls.map((c) => c.opName)).toEqual(['mistral.chat.complete']);
  expect(otlp.names).toEqual([]);
});
