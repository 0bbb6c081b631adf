/**
 * OTLP/gRPC (`protocol: 'grpc'`, OTEL_EXPORTER_OTLP_PROTOCOL=grpc) against a grpc-js server:
 * delivery and metadata, gzip, the status codes OTLP retries (RESOURCE_EXHAUSTED only with a
 * RetryInfo, after its delay), those it does not, partial success, and a collector that is down.
 * The process not being held by the connection: test/loader/otlp-grpc.test.ts.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GrpcTransport } from '../../src/export/otlp-grpc.js';
import { OtlpExporter, type OtlpExporterOptions } from '../../src/export/otlp.js';
import { useGrpcCollector, type GrpcReply } from '../helpers/grpc-collector.js';
import { attrs, hex, makeCall } from '../helpers/otlp.js';
import { encodePartialSuccess } from '../helpers/otlp-decode.js';
import { warningsPerTest } from '../helpers/warnings.js';

let replies: GrpcReply[] = [];
const collector = useGrpcCollector(() => replies.shift());
const warnings = warningsPerTest();

const exporter = (options: OtlpExporterOptions = {}) =>
  new OtlpExporter({ protocol: 'grpc', endpoint: collector.endpoint, env: {}, initialBackoffMs: 1, ...options });
const spans = () => collector.received.flatMap((r) => r.body.resourceSpans[0].scopeSpans[0].spans);

/** Protobuf by hand, for the google.rpc messages no test dependency generates. */
const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n % 0x80) | 0x80, ...varint(Math.floor(n / 0x80))]);
const field = (number: number, value: Uint8Array | string | number): number[] => {
  if (typeof value === 'number') return [...varint(number * 8), ...varint(value)];
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return [...varint(number * 8 + 2), ...varint(bytes.length), ...bytes];
};
/** A google.rpc.Status whose details hold a RetryInfo of `delayMs`. */
function statusWithRetryInfo(code: number, delayMs: number): Buffer {
  const duration = Uint8Array.from([...field(1, Math.floor(delayMs / 1000)), ...field(2, (delayMs % 1000) * 1e6)]);
  const retryInfo = Uint8Array.from(field(1, duration));
  const any = Uint8Array.from([...field(1, 'type.googleapis.com/google.rpc.RetryInfo'), ...field(2, retryInfo)]);
  return Buffer.from([...field(1, code), ...field(2, 'slow down'), ...field(3, any)]);
}

describe('OTLP/gRPC', () => {
  it('delivers the spans, with the configured headers as metadata, to TraceService/Export', async () => {
    const call = makeCall();
    const e = exporter({ headers: { 'X-Team': 'blue', 'Content-Type': 'text/plain' } });
    expect(e.url).toBe(`${collector.endpoint}/opentelemetry.proto.collector.trace.v1.TraceService/Export`);
    await e.export([call, makeCall()]);
    expect(e.sentSpans).toBe(2);
    expect(collector.received).toHaveLength(1);
    expect(collector.received[0]!.metadata['x-team']).toBe('blue');
    expect(attrs(collector.received[0]!.body.resourceSpans[0].resource.attributes)['service.name']).toBe('proj');
    expect(spans()[0].spanId).toBe(hex(call.id).slice(16));
    expect(attrs(spans()[0].attributes)['gen_ai.request.model']).toBe('gpt-4o-mini');
    expect(warnings).toEqual([]);
    await e.shutdown();
  });

  it('gzip: the message is framed compressed (flag 1), and the server inflates it and reads the same spans', async () => {
    const message = new Uint8Array(Buffer.from('spans '.repeat(1000)));
    const { frame } = (await new GrpcTransport(collector.endpoint, {}, true).prepare(message)) as { frame: Buffer };
    expect(frame[0]).toBe(1);
    expect(frame.readUInt32BE(1)).toBe(frame.length - 5);
    expect(frame.length).toBeLessThan(message.length / 10);
    expect(new Uint8Array(gunzipSync(frame.subarray(5)))).toEqual(message);
    const e = exporter({ compression: 'gzip' });
    const call = makeCall({ output: 'again and again '.repeat(2000) });
    await e.export([call]);
    expect(e.sentSpans).toBe(1);
    expect(attrs(spans()[0].attributes)['tracewire.output']).toBe(JSON.stringify(call.output));
    await e.shutdown();
  });

  it('a burst of big spans reaches a grpc-js server (4 MiB message limit) in full, over several requests', async () => {
    const e = exporter();
    await e.export(Array.from({ length: 100 }, () => makeCall({ output: 'x'.repeat(60_000) })));
    expect(e.sentSpans).toBe(100);
    expect(collector.received.length).toBeGreaterThanOrEqual(2);
    expect(spans()).toHaveLength(100);
    expect(warnings).toEqual([]);
    await e.shutdown();
  });

  it('UNAVAILABLE is retried; INVALID_ARGUMENT is not, and its message is reported', async () => {
    replies = [{ code: 14, details: 'restarting' }];
    const e = exporter();
    await e.export([makeCall()]);
    expect(collector.received).toHaveLength(2);
    expect(e.sentSpans).toBe(1);
    replies = [{ code: 3, details: 'span name too long ✓' }];
    await e.export([makeCall()]);
    expect(collector.received).toHaveLength(3);
    expect(e.droppedSpans).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('rejected spans (gRPC INVALID_ARGUMENT (3): span name too long ✓)');
    await e.shutdown();
  });

  it('RESOURCE_EXHAUSTED is retried only with a RetryInfo, after the delay it asks for', async () => {
    replies = [{ code: 8, details: 'quota' }];
    const e = exporter({ maxBackoffMs: 1 });
    await e.export([makeCall()]);
    expect(collector.received).toHaveLength(1);
    expect(e.droppedSpans).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the endpoint counted as down for maxBackoffMs
    replies = [{ code: 8, details: 'slow down', trailers: { 'grpc-status-details-bin': statusWithRetryInfo(8, 300) } }];
    const started = Date.now();
    await e.export([makeCall()]);
    expect(collector.received).toHaveLength(3);
    expect(e.sentSpans).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await e.shutdown();
  });

  it('a partial success in the answer is reported', async () => {
    replies = [{ response: encodePartialSuccess(1, 'too old') }];
    const e = exporter();
    await e.export([makeCall()]);
    expect(warnings).toEqual(['the OTLP endpoint rejected 1 span(s): too old']);
    await e.shutdown();
  });

  it('a collector that takes the request and never answers: each attempt ends at the timeout, then the spans are dropped', async () => {
    replies = [{ hang: true }, { hang: true }];
    const e = exporter({ timeoutMs: 100, maxAttempts: 2 });
    await e.export([makeCall()]);
    expect(collector.received).toHaveLength(2);
    expect(e.droppedSpans).toBe(1);
    // grpc-js ends the call at the deadline the request carried (grpc-timeout), or tracewire's timer does.
    expect(warnings[0]).toMatch(/after 2 attempt\(s\): (gRPC DEADLINE_EXCEEDED \(4\)|no answer within 100 ms)/);
    await e.shutdown();
  });

  it('a collector that is down: each attempt fails without an unhandled error, then the spans are dropped and reported once', async () => {
    const e = exporter({ endpoint: 'http://127.0.0.1:1', maxAttempts: 2 });
    await expect(e.export([makeCall(), makeCall()])).resolves.toBeUndefined();
    expect(e.droppedSpans).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not deliver spans to http:\/\/127\.0\.0\.1:1\/opentelemetry.*after 2 attempt\(s\): .*ECONNREFUSED/);
    await e.shutdown();
  });

  it('an endpoint that is no http(s) URL is reported, and nothing is sent', async () => {
    const e = exporter({ endpoint: 'unix:///tmp/collector.sock' });
    expect(e.url).toBeUndefined();
    await e.export([makeCall()]);
    expect(collector.received).toHaveLength(0);
    expect(warnings[0]).toMatch(/OTLP\/gRPC endpoint "unix:\/\/\/tmp\/collector.sock" is not an http:\/\/ or https:\/\/ URL/);
  });
});
