/**
 * OTLP export, the spans, in both encodings (protobuf and JSON, read back into one shape): how a
 * call becomes a span (ids, times, resource, GenAI attributes, errors, capped inputs and output,
 * an OpenTelemetry parent) and how the exporter gathers spans into requests. Retries and the
 * rest of delivery: otlp-delivery.test.ts; the protocol's choice: otlp-protobuf.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ATTRIBUTE_BYTES } from '../../src/export/otlp-span.js';
import type { OtlpExporterOptions } from '../../src/export/otlp.js';
import { allSpans, attrs, exporter as anyExporter, hex, makeCall, received, spansOf, useLocalCollector, type Received } from '../helpers/otlp.js';
import { warningsPerTest } from '../helpers/warnings.js';

useLocalCollector();
const warnings = warningsPerTest();

const CONTENT_TYPES = { 'http/protobuf': 'application/x-protobuf', 'http/json': 'application/json' } as const;

describe.each(Object.keys(CONTENT_TYPES) as Array<keyof typeof CONTENT_TYPES>)('%s', (protocol) => {
  const exporter = (options: OtlpExporterOptions = {}) => anyExporter({ protocol, ...options });

  describe('spans', () => {
    it('an llm call with usage: ids, times, resource and GenAI attributes', async () => {
      const root = makeCall({ opName: 'agent', displayName: 'my agent', kind: 'agent', attributes: { user: 'u1' }, inputs: { q: 'x' }, output: 'done' });
      const llm = makeCall({ traceId: root.id, parentId: root.id });
      await exporter({ serviceName: 'proj' }).export([llm, root]);
      expect(received).toHaveLength(1);
      expect(received[0]!.url).toBe('/v1/traces');
      expect(received[0]!.headers['content-type']).toBe(CONTENT_TYPES[protocol]);
      const resource = attrs(received[0]!.body.resourceSpans[0].resource.attributes);
      expect(resource).toMatchObject({ 'service.name': 'proj', 'telemetry.sdk.name': 'tracewire' });
      const [span, rootSpan] = spansOf(received[0]!);
      expect(span.traceId).toBe(hex(root.id)); // 32 lower-case hex digits
      expect(span.spanId).toBe(hex(llm.id).slice(16));
      expect(span.parentSpanId).toBe(rootSpan.spanId);
      expect(rootSpan.parentSpanId).toBeUndefined();
      expect(span.name).toBe('chat gpt-4o-mini'); // GenAI conventions: {operation} {request model}
      expect(rootSpan.name).toBe('my agent');
      expect(span.startTimeUnixNano).toBe(`${Date.parse(llm.startedAt)}000000`);
      expect(span.endTimeUnixNano).toBe(`${Date.parse(llm.endedAt!)}000000`);
      expect(span.kind).toBe(3);
      expect(span.status).toBeUndefined();
      const a = attrs(span.attributes);
      expect(a).toMatchObject({
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.response.id': 'chatcmpl-1',
        'gen_ai.usage.input_tokens': '12', 'gen_ai.usage.output_tokens': '7', 'gen_ai.request.temperature': 0.5,
        'gen_ai.request.max_tokens': '50', 'server.address': 'api.openai.com', 'tracewire.op_name': 'openai.chat.completions.create',
        'tracewire.kind': 'llm', 'tracewire.project': 'proj', 'tracewire.total_cost': 0.0000123,
      });
      expect(JSON.parse(a['tracewire.inputs'] as string)).toEqual(llm.inputs);
      expect(JSON.parse(a['tracewire.output'] as string)).toEqual(llm.output);
      expect(a['gen_ai.usage.cache_read.input_tokens']).toBeUndefined();
      const r = attrs(rootSpan.attributes);
      expect(r).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'my agent', 'tracewire.attributes': '{"user":"u1"}' });
      // An op's usage is its descendants': it is not repeated as GenAI usage.
      expect(r['gen_ai.usage.input_tokens']).toBeUndefined();
    });

    it('usage is summed over models; unreported fields stay absent', async () => {
      const call = makeCall({
        kind: 'embedding', opName: 'mistral.embeddings.create', attributes: { provider: 'mistral' },
        summary: { usage: { a: { requests: 1, inputTokens: 3 }, b: { requests: 1, inputTokens: 4 } } },
      });
      await exporter().export([call]);
      const a = attrs(allSpans()[0].attributes);
      expect(a).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'mistral_ai', 'gen_ai.usage.input_tokens': '7' });
      expect(a['gen_ai.usage.output_tokens']).toBeUndefined();
    });

    it('an error: status code 2 with the message and an exception event', async () => {
      const exception = { type: 'RateLimitError', message: 'slow down', stack: 'RateLimitError: slow down\n    at x', status: 429 };
      await exporter().export([makeCall({ status: 'error', output: null, exception })]);
      const span = allSpans()[0];
      expect(span.status).toEqual({ code: 2, message: 'slow down' });
      expect(span.events).toHaveLength(1);
      expect(span.events[0].name).toBe('exception');
      expect(span.events[0].timeUnixNano).toBe(span.endTimeUnixNano);
      const stacktrace = 'RateLimitError: slow down\n    at x';
      expect(attrs(span.events[0].attributes)).toEqual({ 'exception.type': 'RateLimitError', 'exception.message': 'slow down', 'exception.stacktrace': stacktrace });
      expect(attrs(span.attributes)).toMatchObject({ 'error.type': 'RateLimitError', 'http.response.status_code': '429', 'tracewire.status': 'error' });
    });

    it('an integer past what a double writes without an exponent is sent as int64 digits, clamped to the int64 range', async () => {
      const inputs = (maxTokens: number) => ({ model: 'gpt-4o-mini', messages: [], max_tokens: maxTokens });
      await exporter().export([makeCall({ inputs: inputs(1e30) }), makeCall({ inputs: inputs(2 ** 60 + 0.5) }), makeCall({ inputs: inputs(-1e300) })]);
      expect(allSpans().map((span) => attrs(span.attributes)['gen_ai.request.max_tokens'])).toEqual(['9223372036854775807', '1152921504606846976', '-9223372036854775808']);
    });

    it('cancelled leaves the status unset and says so in tracewire.status', async () => {
      await exporter().export([makeCall({ status: 'cancelled' })]);
      const span = allSpans()[0];
      expect(span.status).toBeUndefined();
      expect(span.events).toEqual([]);
      expect(attrs(span.attributes)['tracewire.status']).toBe('cancelled');
    });

    it('inputs and output are capped at 64 KB each', async () => {
      await exporter().export([makeCall({ inputs: { prompt: 'é'.repeat(200_000) }, output: 'x'.repeat(100_000) })]);
      const a = attrs(allSpans()[0].attributes);
      for (const key of ['tracewire.inputs', 'tracewire.output']) {
        expect(Buffer.byteLength(a[key] as string)).toBeLessThanOrEqual(MAX_ATTRIBUTE_BYTES);
        expect(a[key]).toMatch(/truncated by tracewire/);
      }
    });

    it('a trace started inside an OpenTelemetry span joins its trace, the root as its child', async () => {
      const otelParent = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) };
      const root = makeCall({ attributes: { otelParent, tag: 1 } });
      const child = makeCall({ traceId: root.id, parentId: root.id, attributes: { otelTraceId: otelParent.traceId } });
      await exporter().export([child, root]);
      const [c, r] = allSpans();
      expect(r.traceId).toBe(otelParent.traceId);
      expect(r.parentSpanId).toBe(otelParent.spanId);
      expect(c.traceId).toBe(otelParent.traceId);
      expect(c.parentSpanId).toBe(r.spanId);
      expect(attrs(r.attributes)['tracewire.trace_id']).toBe(root.id);
      expect(attrs(r.attributes)['tracewire.attributes']).toBe('{"tag":1}');
    });
  });

  describe('gathering spans into requests', () => {
    const serviceOf = (r: Received) => attrs(r.body.resourceSpans[0].resource.attributes)['service.name'];

    it('small batches exported close together share one request; each export resolves once it is delivered', async () => {
      const e = exporter();
      const batches = [1, 2, 3].map(() => [makeCall(), makeCall()]);
      const exports = batches.map((batch) => e.export(batch));
      expect(received).toHaveLength(0);
      await Promise.all(exports);
      expect(received).toHaveLength(1);
      expect(spansOf(received[0]!).map((s) => s.spanId)).toEqual(batches.flat().map((c) => hex(c.id).slice(16)));
      expect(e.sentSpans).toBe(6);
    });

    it('a request carries at most 512 spans; flush() sends the rest without waiting', async () => {
      const e = exporter();
      void e.export(Array.from({ length: 600 }, () => makeCall()));
      await e.flush();
      expect(received.map((r) => spansOf(r).length).sort((a, b) => a - b)).toEqual([88, 512]);
    });

    it('bodies stay under 4 MiB (gRPC servers\' default limit): big spans are spread over several requests', async () => {
      const e = exporter();
      const big = () => makeCall({ output: 'x'.repeat(60_000) });
      await e.export(Array.from({ length: 100 }, big));
      expect(received.length).toBeGreaterThanOrEqual(2);
      expect(received.reduce((n, r) => n + spansOf(r).length, 0)).toBe(100);
      for (const r of received) expect(r.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    });

    it('calls of different projects go out under their own service.name', async () => {
      const e = exporter();
      await e.export([makeCall({ project: 'a' }), makeCall({ project: 'b' }), makeCall({ project: 'b' })]);
      expect(received.map((r) => [serviceOf(r), spansOf(r).length])).toEqual([['a', 1], ['b', 2]]);
    });

    it('a call that cannot become a span is dropped and reported; the others are sent', async () => {
      const e = exporter();
      const broken = Object.defineProperty(makeCall(), 'summary', { get() { throw new Error('no summary here'); } });
      await e.export([makeCall(), broken, makeCall()]);
      expect(allSpans()).toHaveLength(2);
      expect(e.droppedSpans).toBe(1);
      expect(warnings.some((w) => w.includes('no summary here'))).toBe(true);
    });

    it('shutdown() sends what is waiting before it stops', async () => {
      const e = exporter();
      void e.export([makeCall()]);
      await e.shutdown();
      expect(allSpans()).toHaveLength(1);
      await e.export([makeCall()]);
      expect(received).toHaveLength(1);
    });
  });
});
