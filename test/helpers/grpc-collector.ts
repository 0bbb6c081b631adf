/**
 * An OTLP/gRPC collector for tests, served by grpc-js (the reference gRPC implementation for
 * Node, not tracewire's code): TraceService/Export with the request read by OpenTelemetry's
 * generated decoder. Each request is answered with `nextReply()`, or OK once it returns undefined.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { decodeTraceBody, PROTOBUF } from './otlp-decode.js';

export interface GrpcReceived { metadata: Record<string, unknown>; body: any }
/** OK with an optional response message, a gRPC error status with trailing metadata, or no answer at all. */
export type GrpcReply = { response?: Uint8Array } | { code: number; details: string; trailers?: Record<string, Buffer | string> } | { hang: true };

const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const SERVICE = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes.serialize,
    requestDeserialize: bytes.deserialize,
    responseSerialize: bytes.serialize,
    responseDeserialize: bytes.deserialize,
  },
};

/** `tls`: serve over TLS with this key and certificate, asking clients for a certificate signed by `ca`. */
export function useGrpcCollector(nextReply: () => GrpcReply | undefined = () => undefined, tls?: { ca: Buffer; key: Buffer; cert: Buffer }) {
  const state = { endpoint: '', received: [] as GrpcReceived[] };
  const server = new grpc.Server();
  server.addService(SERVICE, {
    Export(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      state.received.push({ metadata: call.metadata.getMap(), body: decodeTraceBody(PROTOBUF, call.request) });
      const reply = nextReply() ?? {};
      if ('hang' in reply) return;
      if ('code' in reply) {
        const trailers = new grpc.Metadata();
        for (const [key, value] of Object.entries(reply.trailers ?? {})) trailers.set(key, value);
        callback({ code: reply.code, details: reply.details, metadata: trailers });
      } else {
        callback(null, Buffer.from(reply.response ?? new Uint8Array(0)));
      }
    },
  });
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true)
    : grpc.ServerCredentials.createInsecure();
  beforeAll(async () => {
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))));
    state.endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  });
  beforeEach(() => {
    state.received.length = 0;
  });
  // Calls left hanging on purpose would keep a graceful shutdown waiting.
  afterAll(() => server.forceShutdown());
  return state;
}
