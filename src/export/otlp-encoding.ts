/**
 * The two OTLP/HTTP encodings the exporter speaks: binary protobuf (`http/protobuf`, the
 * OpenTelemetry default, which every OTLP receiver accepts) and JSON (`http/json`). Each span is
 * encoded once, when it arrives; a request's body joins the encoded spans of one resource.
 */
import { warnOnce } from '../log.js';
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
  const sources: Array<[string, string | undefined]> = [
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', env.OTEL_EXPORTER_OTLP_PROTOCOL],
    ['the otlp exporter\'s protocol option', option],
  ];
  for (const [source, raw] of sources) {
    const value = raw?.trim().toLowerCase();
    if (!value) continue;
    if (value === 'http/protobuf') return protobuf;
    if (value === 'http/json') return json;
    warnOnce(
      `otlp-protocol:${source}:${value}`,
      `${source} is ${JSON.stringify(raw)}, which tracewire does not speak (it accepts ${OTLP_PROTOCOLS.join(', ')}; not grpc); it is ignored.`,
    );
  }
  return protobuf;
}
