import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flush, init, op } from '../../src/index.js';
import { resetWarnings, setLogSink } from '../../src/log.js';
import { OtlpExporter, parseRetryAfter } from '../../src/export/otlp.js';
import { MAX_ATTRIBUTE_BYTES } from '../../src/export/otlp-span.js';
import { uuidv7 } from '../../src/trace/ids.js';
import type { Call } from '../../src/types.js';

interface Received { url: string; headers: IncomingHttpHeaders; body: any }
type Reply = { status: number; headers?: Record<string, string>; delayMs?: number };
let server: Server;
let base = '';
let received: Received[] = [];
let replies: Reply[] = [];
let warnings: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = createServer((req, res) => {
    let raw = '';
    // Decoded as a stream so a multi-byte character split across chunks stays whole.
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
      // Replies are consumed in order; once they run out every request succeeds.
      const reply = replies.shift() ?? { status: 200 };
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end('{}');
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  replies = [];
  warnings = [];
  resetWarnings();
  setLogSink((_level, message) => warnings.push(message));
});
afterEach(() => {
  setLogSink(undefined);
  for (const key of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS']) delete process.env[key];
  expect(unhandled).toEqual([]);
});

function makeCall(overrides: Partial<Call> = {}): Call {
  const id = uuidv7();
  return {
    id, traceId: id, parentId: null, project: 'proj', opName: 'openai.chat.completions.create',
    displayName: 'openai.chat.completions.create', kind: 'llm',
    startedAt: '2025-01-02T03:04:05.678Z', endedAt: '2025-01-02T03:04:06.789Z', status: 'success',
    inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0.5, max_tokens: 50 },
    output: { id: 'chatcmpl-1', model: 'gpt-4o-mini-2024-07-18', choices: [] }, exception: null,
    attributes: { provider: 'openai', baseUrl: 'https://api.openai.com/v1', integration: { name: 'openai', version: '6.0.0' } },
    summary: { usage: { 'gpt-4o-mini-2024-07-18': { requests: 1, inputTokens: 12, outputTokens: 7, totalTokens: 19 } }, totalCost: 0.0000123 },
    ...overrides,
  };
}

const exporter = (options = {}) => new OtlpExporter({ endpoint: base, env: {}, initialBackoffMs: 1, ...options });
const spansOf = (r: Received) => r.body.resourceSpans[0].scopeSpans[0].spans as any[];
const allSpans = () => received.flatMap(spansOf);
function attrs(list: Array<{ key: string; value: Record<string, unknown> }>): Record<string, unknown> {
  return Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));
}
const hex = (uuid: string) => uuid.replaceAll('-', '');
describe('OTLP/JSON spans', () => {
  it('an llm call with usage: ids, times, resource and GenAI attributes', async () => {
    const root = makeCall({ opName: 'agent', displayName: 'my agent', kind: 'agent', attributes: { user: 'u1' }, inputs: { q: 'x' }, output: 'done' });
    const llm = makeCall({ traceId: root.id, parentId: root.id });
    await exporter({ serviceName: 'proj' }).export([llm, root]);
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/v1/traces');
    expect(received[0]!.headers['content-type']).toBe('application/json');
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

  it('bodies stay near 4 MB: big spans are spread over several requests', async () => {
    const e = exporter();
    const big = () => makeCall({ output: 'x'.repeat(60_000) });
    await e.export(Array.from({ length: 100 }, big));
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.reduce((n, r) => n + spansOf(r).length, 0)).toBe(100);
    for (const r of received) expect(JSON.stringify(r.body).length).toBeLessThan(4.2 * 1024 * 1024);
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

describe('delivery', () => {
  it('retries a 503 with Retry-After: 0, then succeeds: exactly 2 requests', async () => {
    replies = [{ status: 503, headers: { 'retry-after': '0' } }];
    const e = exporter({ initialBackoffMs: 10_000 });
    await e.export([makeCall()]);
    expect(received).toHaveLength(2);
    expect(e.sentSpans).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('gives up after maxAttempts without throwing, reports once, counts the drop', async () => {
    replies = Array.from({ length: 10 }, () => ({ status: 503 }));
    // maxBackoffMs 1: the endpoint counts as down for 1 ms only, so the second export is tried too.
    const e = exporter({ maxAttempts: 3, maxBackoffMs: 1 });
    await expect(e.export([makeCall(), makeCall()])).resolves.toBeUndefined();
    await e.export([makeCall()]);
    expect(received).toHaveLength(6);
    expect(e.droppedSpans).toBe(3);
    expect(warnings.filter((w) => w.includes('after 3 attempt(s): HTTP 503'))).toHaveLength(1);
  });

  it('once a request is given up on, the endpoint counts as down for maxBackoffMs: spans meanwhile are dropped unsent', async () => {
    replies = [{ status: 503 }, { status: 503 }];
    const e = exporter({ maxAttempts: 2, maxBackoffMs: 300 });
    await e.export([makeCall()]);
    expect(received).toHaveLength(2);
    await e.export([makeCall(), makeCall()]);
    expect(received).toHaveLength(2);
    expect(e.droppedSpans).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await e.export([makeCall()]);
    expect(received).toHaveLength(3);
    expect(e.sentSpans).toBe(1);
  });

  it('network errors are retried and given up quietly', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = new OtlpExporter({ endpoint: `http://127.0.0.1:${port}`, env: {}, maxAttempts: 2, initialBackoffMs: 1 });
    await expect(e.export([makeCall()])).resolves.toBeUndefined();
    expect(e.droppedSpans).toBe(1);
    expect(warnings.some((w) => w.includes('after 2 attempt(s)'))).toBe(true);
  });

  it('a 400 is not retried; a Retry-After beyond the deadline gives up at once', async () => {
    replies = [{ status: 400 }, { status: 429, headers: { 'retry-after': '60' } }];
    const e = exporter({ deadlineMs: 1_000 });
    await e.export([makeCall()]);
    await e.export([makeCall()]);
    expect(received).toHaveLength(2);
    expect(e.droppedSpans).toBe(2);
  });

  it('Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('flush() resolves once in-flight requests are done; shutdown() stops sending', async () => {
    replies = [{ status: 200, delayMs: 150 }];
    const e = exporter();
    void e.export([makeCall()]);
    await e.flush();
    expect(e.sentSpans).toBe(1);
    await e.shutdown();
    await e.export([makeCall()]);
    expect(received).toHaveLength(1);
  });

  it('spans waiting or in flight stay within maxBufferedChars, however slow the collector; the rest are dropped and counted', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const e = new OtlpExporter({ endpoint, env: {}, maxAttempts: 1, timeoutMs: 300, maxBufferedChars: 200_000 });
    const exports: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      exports.push(e.export([makeCall({ output: 'x'.repeat(20_000) })]));
      expect(e.bufferedChars).toBeLessThanOrEqual(200_000);
      await new Promise((resolve) => setTimeout(resolve, i % 10 === 0 ? 25 : 0));
    }
    expect(e.droppedSpans).toBeGreaterThan(20);
    expect(warnings.some((w) => w.includes('maxBufferedChars'))).toBe(true);
    await Promise.all(exports);
    expect(e.bufferedChars).toBe(0);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as-is, OTEL_SERVICE_NAME names the service', async () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${base}/custom/path`, OTEL_SERVICE_NAME: 'svc' };
    const e = new OtlpExporter({ endpoint: 'http://127.0.0.1:1', serviceName: 'proj', env });
    await e.export([makeCall()]);
    expect(received[0]!.url).toBe('/custom/path');
    expect(attrs(received[0]!.body.resourceSpans[0].resource.attributes)['service.name']).toBe('svc');
  });
});

describe('init({ exporters: ["otlp"] })', () => {
  it('sends op() calls with the OTEL_EXPORTER_OTLP_* settings after flush()', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `${base}/`;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-team=blue,authorization=Bearer%20abc';
    init({ project: 'otlp-app', exporters: ['otlp'], implicitlyPatchIntegrations: false });
    const inner = op(function inner(n: number) { return n * 2; });
    const outer = op(async function outer() { return inner(2) + inner(3); });
    await outer();
    await flush();
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]!.url).toBe('/v1/traces');
    expect(received[0]!.headers['x-team']).toBe('blue');
    expect(received[0]!.headers.authorization).toBe('Bearer abc');
    expect(attrs(received[0]!.body.resourceSpans[0].resource.attributes)['service.name']).toBe('otlp-app');
    const spans = allSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['inner', 'inner', 'outer']);
    const root = spans.find((s) => s.name === 'outer');
    for (const s of spans.filter((s) => s.name === 'inner')) {
      expect(s.parentSpanId).toBe(root.spanId);
      expect(s.traceId).toBe(root.traceId);
      expect(s.kind).toBe(1);
    }
    init({ disabled: true, exporters: ['none'] });
  });

  it('a burst of 20,000 calls reaches a fast collector in full, and flush() waits for all of it', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
    const client = init({ project: 'burst', exporters: ['otlp'], implicitlyPatchIntegrations: false });
    const tiny = op(function tiny(i: number) { return i; });
    for (let i = 0; i < 20_000; i++) tiny(i);
    await flush();
    expect(allSpans()).toHaveLength(20_000);
    expect(client.stats().dropped).toBe(0);
    init({ disabled: true, exporters: ['none'] });
  });
});
