'use strict';
// A CommonJS app with the Anthropic SDK's own OpenTelemetry tracing on (its default) and a
// global tracer provider. One client is built before tracewire is even loaded. OTLP=1: the
// exporter given to init() is named `otlp` (tracewire then exports to OpenTelemetry).
const support = require(process.env.TW_SUPPORT);
const fake = require(`${process.env.TW_HELPERS}/fake-anthropic.cjs`);
const Anthropic = require('@anthropic-ai/sdk');
const { trace } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const sdkSpans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sdkSpans)] }));
const early = fake.fakeClient(Anthropic);

async function main() {
  const tracewire = require('tracewire');
  const calls = [];
  const exporter = { name: process.env.OTLP === '1' ? 'otlp' : 'collect', export: (batch) => void calls.push(...batch) };
  tracewire.init({ exporters: [exporter] });
  const late = fake.fakeClient(Anthropic);

  await early.messages.stream(fake.request).finalMessage();
  await early.messages.create(fake.request);
  for await (const _event of await late.messages.create({ ...fake.request, stream: true }));
  await late.messages.countTokens({ model: fake.request.model, messages: fake.request.messages });
  const tool = { type: 'custom', name: 'unused', description: 'Never called', input_schema: { type: 'object', properties: {} }, run: () => 'unused', parse: (input) => input };
  for await (const turn of late.beta.messages.toolRunner({ ...fake.request, tools: [tool], stream: true })) await turn.finalMessage();
  await tracewire.withTracingDisabled(() => late.messages.create(fake.request));
  await tracewire.flush();

  support.report({
    spans: sdkSpans.getFinishedSpans().map((span) => span.name).sort(),
    calls: calls.map((c) => ({ op: c.opName, status: c.status, text: c.output && c.output.content && c.output.content.map((b) => b.text).join(''), usage: Boolean(c.summary.usage) })),
  });
}

main().catch(support.fail);
