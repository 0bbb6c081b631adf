/**
 * The protocols the exporter speaks and their encodings: binary protobuf over HTTP
 * (`http/protobuf`, the OpenTelemetry default, which every OTLP/HTTP receiver accepts) or gRPC
 * (`grpc`), and JSON over HTTP (`http/json`). Each span is encoded once, when it arrives; a
 * request's body joins the encoded spans of one resource.
 */
import { promisify } from 'node:util';
import { errorMessage, warnOnce } from '../log.js';
import { otelChoice } from '../otel-env-list.js';
import { encodeResource, encodeSpan, encodeTraceRequest } from './otlp-protobuf.js';
import type { KeyValue, OtlpSpan } from './otlp-span.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
/** A span, resource or request body in one encoding. */
export type Encoded = string | Uint8Array<ArrayBuffer>;
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
const SCOPE_NAME = 'tracewire';

export interface OtlpEncoding {
  /** The type of an OTLP/HTTP body. */
  readonly contentType: string;
  /** One span as its request will hold it; its `length` is what it adds to a body (characters or bytes). */
  span(span: OtlpSpan): Encoded;
  resource(attributes: KeyValue[]): Encoded;
  body(resource: Encoded, spans: Encoded[]): Encoded;
}

const json: OtlpEncoding = {
  contentType: 'application/json',
  span: (span) => JSON.stringify(span),
  resource: (attributes) => JSON.stringify({ attributes }),
  body: (resource, spans) =>
    `{"resourceSpans":[{"resource":${resource as string},"scopeSpans":[{"scope":{"name":"${SCOPE_NAME}"},"spans":[${spans.join(',')}]}]}]}`,
};

const protobuf: OtlpEncoding = {
  contentType: 'application/x-protobuf',
  span: encodeSpan,
  resource: encodeResource,
  body: (resource, spans) => encodeTraceRequest(resource as Uint8Array, SCOPE_NAME, spans as Uint8Array[]),
};

/**
 * The protocol from `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`
 * (the environment wins over code), else `option`, else `http/protobuf`. A value tracewire
 * does not speak is reported once and the next source is used.
 */
export function otlpProtocol(option: string | undefined, env: Record<string, string | undefined>): OtlpProtocol {
  return otelChoice([
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', env.OTEL_EXPORTER_OTLP_PROTOCOL],
    ["the otlp exporter's protocol option", option],
  ], OTLP_PROTOCOLS, 'http/protobuf');
}

export const encodingOf = (protocol: OtlpProtocol): OtlpEncoding => (protocol === 'http/json' ? json : protobuf);

/** `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, else `OTEL_EXPORTER_OTLP_COMPRESSION`, else `option`: `gzip` or `none` (default). */
export function otlpCompression(option: string | undefined, env: Record<string, string | undefined>): 'gzip' | 'none' {
  return otelChoice([
    ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION],
    ['OTEL_EXPORTER_OTLP_COMPRESSION', env.OTEL_EXPORTER_OTLP_COMPRESSION],
    ["the otlp exporter's compression option", option],
  ], ['gzip', 'none'] as const, 'none');
}

// Loaded on the first compressed request: most apps never need node:zlib.
let gzipAsync: ((body: Encoded) => Promise<Buffer>) | undefined;

/**
 * A request body gzipped off the event loop (on libuv's thread pool); undefined, reported once,
 * if compressing fails: the caller then sends it as it was, so that no span is lost to it.
 */
export async function gzipped(body: Encoded): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    gzipAsync ??= promisify(process.getBuiltinModule('node:zlib').gzip);
    const compressed = await gzipAsync(body);
    return new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength) as Uint8Array<ArrayBuffer>;
  } catch (error) {
    warnOnce('otlp-gzip', `gzip of an OTLP request failed (${errorMessage(error)}); it is sent uncompressed.`);
    return undefined;
  }
}
