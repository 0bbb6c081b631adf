/**
 * The two OTLP/HTTP encodings the exporter speaks: binary protobuf (`http/protobuf`, the
 * OpenTelemetry default, which every OTLP receiver accepts) and JSON (`http/json`). Each span is
 * encoded once, when it arrives; a request's body joins the encoded spans of one resource.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { errorMessage, warnOnce } from '../log.js';
import { otelChoice } from '../otel-env-list.js';
import { encodeResource, encodeSpan, encodeTraceRequest } from './otlp-protobuf.js';
import type { KeyValue, OtlpSpan } from './otlp-span.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json';
/** A span, resource or request body in one encoding. */
export type Encoded = string | Uint8Array<ArrayBuffer>;
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];
const SCOPE_NAME = 'tracewire';

export interface OtlpEncoding {
  readonly protocol: OtlpProtocol;
  readonly contentType: string;
  /** One span as its request will hold it; its `length` is what it adds to a body (characters or bytes). */
  span(span: OtlpSpan): Encoded;
  resource(attributes: KeyValue[]): Encoded;
  body(resource: Encoded, spans: Encoded[]): Encoded;
}

const json: OtlpEncoding = {
  protocol: 'http/json',
  contentType: 'application/json',
  span: (span) => JSON.stringify(span),
  resource: (attributes) => JSON.stringify({ attributes }),
  body: (resource, spans) =>
    `{"resourceSpans":[{"resource":${resource as string},"scopeSpans":[{"scope":{"name":"${SCOPE_NAME}"},"spans":[${spans.join(',')}]}]}]}`,
};

const protobuf: OtlpEncoding = {
  protocol: 'http/protobuf',
  contentType: 'application/x-protobuf',
  span: encodeSpan,
  resource: encodeResource,
  body: (resource, spans) => encodeTraceRequest(resource as Uint8Array, SCOPE_NAME, spans as Uint8Array[]),
};

/**
 * The protocol from `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`
 * (the environment wins over code), else `option`, else `http/protobuf`. A value tracewire
 * does not speak (`grpc` among them) is reported once and the next source is used.
 */
export function otlpEncoding(option: string | undefined, env: Record<string, string | undefined>): OtlpEncoding {
  const protocol = otelChoice([
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', env.OTEL_EXPORTER_OTLP_PROTOCOL],
    ["the otlp exporter's protocol option", option],
  ], OTLP_PROTOCOLS, 'http/protobuf');
  return protocol === 'http/json' ? json : protobuf;
}

/** `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, else `OTEL_EXPORTER_OTLP_COMPRESSION`, else `option`: `gzip` or `none` (default). */
export function otlpCompression(option: string | undefined, env: Record<string, string | undefined>): 'gzip' | 'none' {
  return otelChoice([
    ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION],
    ['OTEL_EXPORTER_OTLP_COMPRESSION', env.OTEL_EXPORTER_OTLP_COMPRESSION],
    ["the otlp exporter's compression option", option],
  ], ['gzip', 'none'] as const, 'none');
}

const gzipAsync = promisify(gzip);

/**
 * A request body gzipped off the event loop (on libuv's thread pool), with the header that says
 * so; the body as it was if compressing fails, so that no span is lost to it.
 */
export async function gzipped(body: Encoded, headers: Record<string, string>): Promise<{ body: Encoded; headers: Record<string, string> }> {
  try {
    const compressed = await gzipAsync(body);
    return { body: new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength) as Uint8Array<ArrayBuffer>, headers: { ...headers, 'content-encoding': 'gzip' } };
  } catch (error) {
    warnOnce('otlp-gzip', `gzip of an OTLP request failed (${errorMessage(error)}); it is sent uncompressed.`);
    return { body, headers };
  }
}
