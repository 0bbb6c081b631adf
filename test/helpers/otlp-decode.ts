/**
 * Reads an OTLP/HTTP trace export body, protobuf or JSON, into the OTLP/JSON shape, so that tests
 * check both encodings with the same expectations. Protobuf is decoded by the code OpenTelemetry
 * generated from opentelemetry-proto (`@opentelemetry/otlp-transformer` 0.57, protobufjs), not by
 * anything of tracewire's.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { opentelemetry } = require('@opentelemetry/otlp-transformer/build/src/generated/root');
const collector = opentelemetry.proto.collector.trace.v1;

export const PROTOBUF = 'application/x-protobuf';

/** The body as OTLP/JSON would have it: ids in hex, 64-bit integers as decimal strings, enums as numbers. */
export function decodeTraceBody(contentType: string | undefined, body: Uint8Array): any {
  if (contentType !== PROTOBUF) return JSON.parse(Buffer.from(body).toString('utf8'));
  const message = collector.ExportTraceServiceRequest.decode(body);
  const plain = collector.ExportTraceServiceRequest.toObject(message, { longs: String, enums: Number, bytes: Array, arrays: true });
  for (const resourceSpans of plain.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        for (const key of ['traceId', 'spanId', 'parentSpanId']) {
          if (span[key] !== undefined) span[key] = Buffer.from(span[key]).toString('hex');
        }
        // JSON leaves out what is empty; protobufjs lists every repeated field.
        if (span.links.length === 0) delete span.links;
      }
    }
  }
  return plain;
}

/** A protobuf `ExportTraceServiceResponse` with a partial success, as a collector answers. */
export function encodePartialSuccess(rejectedSpans: number, errorMessage: string): Uint8Array {
  return collector.ExportTraceServiceResponse.encode({ partialSuccess: { rejectedSpans, errorMessage } }).finish();
}
