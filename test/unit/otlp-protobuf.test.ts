/**
 * OTLP's protobuf encoding (http/protobuf): the bytes tracewire writes, read back by the decoder
 * OpenTelemetry generated from opentelemetry-proto; which protocol the exporter speaks (option,
 * OTEL_* variables, bad values); and the collector's protobuf answers (partial success, a
 * failure's google.rpc.Status). How calls map to spans, in both encodings: otlp-spans.test.ts.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { flush, init, op } from '../../src/index.js';
import { encodeResource, encodeSpan, encodeTraceRequest } from '../../src/export/otlp-protobuf.js';
import type { OtlpExporterOptions } from '../../src/export/otlp.js';
import type { OtlpSpan } from '../../src/export/otlp-span.js';
import { allSpans, attrs, exporter, makeCall, received, useScriptedCollector } from '../helpers/otlp.js';
import { decodeTraceBody, encodePartialSuccess, PROTOBUF } from '../helpers/otlp-decode.js';
import { warningsPerTest } from '../helpers/warnings.js';

const script = useScriptedCollector(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL']);
const warnings = warningsPerTest();

describe('the protobuf encoding, read by OpenTelemetry\'s generated decoder', () => {
  const long = `${'ü'.repeat(40_000)}🦜`; // 80,004 bytes: a three-byte length, in a message whose length needs three too
  const span: OtlpSpan = {
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: 'fedcba9876543210',
    parentSpanId: '00000000000000ff',
    name: 'chat gpt-4o ✓',
    kind: 3,
    startTimeUnixNano: '1735787045678000000',
    endTimeUnixNano: '18446744073709551615', // the largest fixed64
    attributes: [
      { key: 'a.string', value: { stringValue: long } },
      { key: 'an.empty.string', value: { stringValue: '' } },
      { key: 'a.negative.int', value: { intValue: '-42' } },
      { key: 'a.big.int', value: { intValue: '9007199254740993' } }, // 2^53 + 1: beyond a double
      { key: 'a.zero', value: { intValue: '0' } },
      { key: 'a.double', value: { doubleValue: -0.0000123 } },
      { key: 'true', value: { boolValue: true } },
      { key: 'false', value: { boolValue: false } },
    ],
    events: [{ timeUnixNano: '1', name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'slow down' } }] }],
    status: { code: 2, message: 'slow down' },
  };

  it('a span with every kind of value, lengths of one to three bytes, and an event and a status', () => {
    const body = encodeTraceRequest(encodeResource([{ key: 'service.name', value: { stringValue: 'svc' } }]), 'tracewire', [encodeSpan(span), encodeSpan(span)]);
    const decoded = decodeTraceBody(PROTOBUF, body);
    expect(decoded.resourceSpans).toHaveLength(1);
    const [resourceSpans] = decoded.resourceSpans;
    expect(resourceSpans.resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'svc' } }]);
    expect(resourceSpans.scopeSpans).toHaveLength(1);
    expect(resourceSpans.scopeSpans[0].scope.name).toBe('tracewire');
    expect(resourceSpans.scopeSpans[0].spans).toEqual([span, span]);
  });

  it('a span without parent, status or events leaves those fields out', () => {
    const { parentSpanId: _p, status: _s, ...root } = span;
    const decoded = decodeTraceBody(PROTOBUF, encodeTraceRequest(encodeResource([]), 'tracewire', [encodeSpan({ ...root, events: [], attributes: [] })]));
    const [only] = decoded.resourceSpans[0].scopeSpans[0].spans;
    expect(only).toEqual({ ...root, events: [], attributes: [] });
    expect(only).not.toHaveProperty('parentSpanId');
    expect(only).not.toHaveProperty('status');
  });

  it('each encoding is whole and its own: the writer\'s buffer, reused and shrunk after a big body, leaves no trace in the next', () => {
    const first = encodeSpan(span);
    const big = encodeTraceRequest(encodeResource([]), 'tracewire', Array.from({ length: 8 }, () => first));
    expect(big.length).toBeGreaterThan(8 * first.length);
    const again = encodeSpan(span);
    expect(again).toEqual(first);
    expect(again.buffer).not.toBe(first.buffer);
    expect(decodeTraceBody(PROTOBUF, big).resourceSpans[0].scopeSpans[0].spans).toHaveLength(8);
  });

  it('an id that is not hex is refused, not written broken, and the next span is whole', () => {
    expect(() => encodeSpan({ ...span, traceId: 'trace-agent' })).toThrow(/"trace-agent" is no id in hex/);
    expect(() => encodeSpan({ ...span, spanId: 'abc' })).toThrow(/no id in hex/);
    expect(decodeTraceBody(PROTOBUF, encodeTraceRequest(encodeResource([]), 'tracewire', [encodeSpan(span)])).resourceSpans[0].scopeSpans[0].spans).toEqual([span]);
  });

  it('the OpenTelemetry encoder and tracewire\'s write the same bytes for the same span', () => {
    // Field order and presence follow opentelemetry-proto: an identical encoding, not only an equivalent one.
    const require = createRequire(import.meta.url);
    const { opentelemetry } = require('@opentelemetry/otlp-transformer/build/src/generated/root');
    const Span = opentelemetry.proto.trace.v1.Span;
    const { events: _e, ...plain } = span;
    const simple = { ...plain, attributes: plain.attributes.filter((a) => !('boolValue' in a.value && !a.value.boolValue) && a.key !== 'an.empty.string' && a.key !== 'a.zero') };
    const theirs = Span.encode(Span.fromObject({
      ...simple,
      traceId: Buffer.from(simple.traceId, 'hex'),
      spanId: Buffer.from(simple.spanId, 'hex'),
      parentSpanId: Buffer.from(simple.parentSpanId!, 'hex'),
    })).finish();
    expect(Buffer.from(encodeSpan({ ...simple, events: [] })).toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
  });
});

describe('which protocol the exporter speaks', () => {
  const contentType = () => received[0]!.headers['content-type'];

  it('http/protobuf by default, as in OpenTelemetry; http/json when asked', async () => {
    const protobuf = exporter();
    expect(protobuf.protocol).toBe('http/protobuf');
    await protobuf.export([makeCall()]);
    expect(contentType()).toBe(PROTOBUF);
    received.length = 0;
    await exporter({ protocol: 'http/json' }).export([makeCall()]);
    expect(contentType()).toBe('application/json');
    expect(allSpans()).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('the environment wins over code, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL over OTEL_EXPORTER_OTLP_PROTOCOL; case and spaces do not matter', () => {
    expect(exporter({ protocol: 'http/protobuf', env: { OTEL_EXPORTER_OTLP_PROTOCOL: ' HTTP/JSON ' } }).protocol).toBe('http/json');
    const both = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' };
    expect(exporter({ protocol: 'http/json', env: both }).protocol).toBe('http/protobuf');
    expect(warnings).toEqual([]);
  });

  it('a value not spoken is reported once, naming the variable and what is accepted, and the next setting is used', () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/thrift', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/jsno' };
    expect(exporter({ protocol: 'http/json', env }).protocol).toBe('http/json');
    expect(exporter({ protocol: 'http/json', env }).protocol).toBe('http/json');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/OTEL_EXPORTER_OTLP_TRACES_PROTOCOL is "http\/thrift".*http\/protobuf, http\/json, grpc/);
    expect(warnings[1]).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL is "http\/jsno"/);
    expect(exporter({ protocol: 'thrift' as never, env: {} }).protocol).toBe('http/protobuf');
    expect(warnings[2]).toMatch(/protocol option is "thrift"/);
  });

  it('init({ exporters: ["otlp"] }) follows OTEL_EXPORTER_OTLP_PROTOCOL', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = exporter().url!.replace(/\/v1\/traces$/, '');
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    init({ project: 'json-app', exporters: ['otlp'], implicitlyPatchIntegrations: false });
    op(function answer() { return 42; })();
    await flush();
    expect(contentType()).toBe('application/json');
    expect(attrs(allSpans()[0].attributes)['tracewire.op_name']).toBe('answer');
    init({ disabled: true, exporters: ['none'] });
  });
});

describe('gzip (OTEL_EXPORTER_OTLP_COMPRESSION)', () => {
  it('compresses the body and says so; the collector reads the same spans, in a fraction of the bytes', async () => {
    const calls = Array.from({ length: 20 }, () => makeCall({ output: 'the same words again '.repeat(500) }));
    await exporter().export(calls);
    await exporter({ compression: 'gzip', headers: { 'Content-Encoding': 'br' } }).export(calls);
    const [plain, gzipped] = received;
    expect(plain!.headers['content-encoding']).toBeUndefined();
    expect(gzipped!.headers['content-encoding']).toBe('gzip');
    expect(gzipped!.body).toEqual(plain!.body);
    expect(gzipped!.bytes).toBeLessThan(plain!.bytes / 10);
  });

  it('the environment wins over code, the traces variable over the general one; a bad value is reported and skipped', async () => {
    const encodingSent = async (options: OtlpExporterOptions) => {
      received.length = 0;
      await exporter(options).export([makeCall()]);
      return received[0]!.headers['content-encoding'] ?? 'none';
    };
    expect(await encodingSent({ compression: 'none', env: { OTEL_EXPORTER_OTLP_COMPRESSION: ' GZIP' } })).toBe('gzip');
    expect(await encodingSent({ env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' } })).toBe('none');
    expect(warnings).toEqual([]);
    expect(await encodingSent({ compression: 'gzip', env: { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'zstd' } })).toBe('gzip');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/OTEL_EXPORTER_OTLP_TRACES_COMPRESSION is "zstd".*accepted: gzip, none/);
  });
});

describe('what a collector answers in protobuf', () => {
  it('a partial success is reported with the count and the reason', async () => {
    script.replies = [{ status: 200, headers: { 'content-type': PROTOBUF }, body: encodePartialSuccess(2, 'span name too long') }];
    const e = exporter();
    await e.export([makeCall(), makeCall()]);
    expect(e.sentSpans).toBe(2);
    expect(warnings).toEqual(['the OTLP endpoint rejected 2 span(s): span name too long']);
  });

  it('an empty answer or a partial success of nothing rejected says nothing', async () => {
    const protobuf = { 'content-type': PROTOBUF };
    script.replies = [{ status: 200, headers: protobuf, body: new Uint8Array(0) }, { status: 200, headers: protobuf, body: encodePartialSuccess(0, '') }];
    const e = exporter();
    await e.export([makeCall()]);
    await e.export([makeCall()]);
    expect(e.sentSpans).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('a rejected request reports the message of the google.rpc.Status it was answered with', async () => {
    // google.rpc.Status { code: 3 (INVALID_ARGUMENT), message }: field 1 varint, field 2 string.
    const message = Buffer.from('unknown field 99 in Span');
    const status = Uint8Array.from([0x08, 3, 0x12, message.length, ...message]);
    script.replies = [{ status: 400, headers: { 'content-type': PROTOBUF }, body: status }];
    const e = exporter();
    await e.export([makeCall()]);
    expect(e.droppedSpans).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('HTTP 400: unknown field 99 in Span');
  });

  it('an answer is read in its own type: plain text from a proxy is quoted, JSON is parsed', async () => {
    script.replies = [
      { status: 413, headers: { 'content-type': 'text/plain' }, body: 'request entity too large' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"partialSuccess":{"rejectedSpans":"1","errorMessage":"too old"}}' },
    ];
    await exporter().export([makeCall()]);
    await exporter().export([makeCall()]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('HTTP 413: request entity too large');
    expect(warnings[1]).toBe('the OTLP endpoint rejected 1 span(s): too old');
  });

  it('an answer typed protobuf that is no google.rpc.Status is described, not quoted as text', async () => {
    script.replies = [{ status: 400, headers: { 'content-type': PROTOBUF }, body: Uint8Array.from([0x0a, 0x7f, 0x01]) }];
    await exporter().export([makeCall()]);
    expect(warnings[0]).toContain('HTTP 400: 3 bytes of protobuf that are no google.rpc.Status');
  });
});
