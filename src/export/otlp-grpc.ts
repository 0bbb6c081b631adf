/**
 * OTLP/gRPC for the exporter (otlp.ts): the unary call TraceService/Export over Node's own
 * HTTP/2, so that no gRPC library is added. One HTTP/2 session per exporter, opened on the first
 * request, reopened after the collector closes it or goes away. It never keeps the process alive
 * by itself: it holds the event loop only while a request is on the wire.
 */
import type { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2';
import { describeError, warnOnce } from '../log.js';
import { gzipped, type Encoded } from './otlp-encoding.js';
import { describeNetworkError } from './otlp-http.js';
import type { TlsFiles } from './otlp-tls.js';
import { partialSuccessOf, retryDelayOf } from './otlp-protobuf-answers.js';
import type { AttemptOutcome, OtlpTransport } from './otlp-transport.js';

/** Loaded on the first gRPC request: node:http2 takes milliseconds to load, and most apps never need it. */
const http2 = () => process.getBuiltinModule('node:http2');

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const CODE_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];
/** The codes OTLP/gRPC retries; RESOURCE_EXHAUSTED (8) only when the server says when (RetryInfo). */
const RETRYABLE_CODES = new Set([1, 4, 10, 11, 14, 15]);
const RESOURCE_EXHAUSTED = 8;
/** HTTP statuses a proxy answers with that gRPC maps to UNAVAILABLE. */
const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);

/** The collector's origin: `endpoint`'s scheme, host and port (a path is not used by gRPC); undefined, reported, when it is no URL. */
export function grpcOrigin(endpoint: string | undefined): string | undefined {
  const raw = endpoint || 'http://localhost:4317';
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http or https');
    return url.origin;
  } catch {
    warnOnce(`otlp-url:${raw}`, `the OTLP/gRPC endpoint ${JSON.stringify(raw)} is not an http:// or https:// URL; nothing is sent over OTLP.`);
    return undefined;
  }
}

interface Prepared { frame: Buffer; compressed: boolean }

export class GrpcTransport implements OtlpTransport {
  readonly url: string;
  private readonly metadata: Record<string, string>;
  private session: ClientHttp2Session | undefined;
  private active = 0;

  constructor(private readonly origin: string, headers: Record<string, string>, private readonly gzip: boolean, private readonly tls: TlsFiles = {}) {
    this.url = `${origin}${EXPORT_PATH}`;
    // gRPC metadata keys are lower case; the transport's own headers are not the user's to set.
    const own = /^(content-type|content-encoding|te|grpc-.*|:.*)$/;
    this.metadata = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]).filter(([k]) => !own.test(k!)));
  }

  /** The length-prefixed message of the gRPC wire format, its flag set when it is gzipped. */
  async prepare(body: Encoded): Promise<Prepared> {
    const compressed = this.gzip ? await gzipped(body) : undefined;
    const payload = compressed ?? (body as Uint8Array);
    const frame = Buffer.allocUnsafe(5 + payload.length);
    frame[0] = compressed ? 1 : 0;
    frame.writeUInt32BE(payload.length, 1);
    frame.set(payload, 5);
    return { frame, compressed: compressed !== undefined };
  }

  attempt(prepared: unknown, timeoutMs: number): Promise<AttemptOutcome> {
    const { frame, compressed } = prepared as Prepared;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (--this.active === 0) this.session?.unref();
        resolve(outcome);
      };
      this.active++;
      let stream: ReturnType<ClientHttp2Session['request']> | undefined;
      const timer = setTimeout(() => {
        stream?.close(http2().constants.NGHTTP2_CANCEL);
        settle({ delivered: false, retryable: true, failure: `no answer within ${timeoutMs} ms` });
      }, timeoutMs);
      try {
        const session = this.sessionNow();
        session.ref();
        stream = session.request({
          ':method': 'POST',
          ':path': EXPORT_PATH,
          'content-type': 'application/grpc',
          te: 'trailers',
          'grpc-timeout': grpcTimeout(timeoutMs),
          'grpc-accept-encoding': 'identity',
          ...(compressed ? { 'grpc-encoding': 'gzip' } : {}),
          ...this.metadata,
        });
      } catch (error) {
        return settle({ delivered: false, retryable: true, failure: describeNetworkError(error) });
      }
      let headers: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (received) => (headers = received));
      stream.on('trailers', (trailers) => (headers = { ...headers, ...trailers }));
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => settle({ delivered: false, retryable: true, failure: describeNetworkError(error) }));
      stream.on('close', () => settle(outcomeOf(headers, Buffer.concat(chunks), stream!.rstCode)));
      stream.end(frame);
    });
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  private sessionNow(): ClientHttp2Session {
    const open = this.session;
    if (open !== undefined && !open.closed && !open.destroyed) return open;
    const session = http2().connect(this.origin, this.tls);
    // A session's failure reaches each of its streams, which report it; unheard, it would crash the app.
    session.on('error', () => {});
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on('close', forget);
    session.on('goaway', forget);
    this.session = session;
    return session;
  }
}

/** gRPC allows at most 8 digits: milliseconds up to about 27 hours, seconds past that. */
function grpcTimeout(ms: number): string {
  const whole = Math.max(1, Math.ceil(ms));
  return whole < 1e8 ? `${whole}m` : `${Math.min(99_999_999, Math.ceil(whole / 1000))}S`;
}

function outcomeOf(headers: IncomingHttpHeaders, body: Buffer, rstCode: number | undefined): AttemptOutcome {
  const httpStatus = Number(headers[':status']);
  const grpcStatus = headers['grpc-status'];
  if (grpcStatus === undefined) {
    if (!httpStatus) return { delivered: false, retryable: true, failure: `the stream was closed without an answer (HTTP/2 code ${rstCode ?? 'none'})` };
    return { delivered: false, retryable: RETRYABLE_HTTP.has(httpStatus), failure: `HTTP ${httpStatus} without a gRPC status` };
  }
  const code = Number(grpcStatus);
  if (code === 0) return { delivered: true, rejected: rejectedOf(body) };
  const name = CODE_NAMES[code] ?? 'code';
  const message = textOf(headers['grpc-message']);
  const failure = `gRPC ${name} (${code})${message ? `: ${message.slice(0, 300)}` : ''}`;
  const retryAfterMs = retryDelayOf(binaryHeader(headers['grpc-status-details-bin']));
  const retryable = RETRYABLE_CODES.has(code) || (code === RESOURCE_EXHAUSTED && retryAfterMs !== undefined);
  return { delivered: false, retryable, failure, retryAfterMs: retryable ? retryAfterMs : undefined };
}

/** The partial success in the answer's message (uncompressed: only identity was accepted). */
function rejectedOf(body: Buffer): AttemptOutcome['rejected'] {
  if (body.length < 5 || body[0] !== 0) return undefined;
  const partial = partialSuccessOf(body.subarray(5, 5 + body.readUInt32BE(1)));
  return partial && { count: partial.rejectedSpans, reason: partial.errorMessage };
}

/** grpc-message is percent-encoded. */
function textOf(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(',') : value;
  if (text === undefined) return undefined;
  try {
    return decodeURIComponent(text);
  } catch (error) {
    return `${text} (${describeError(error)})`;
  }
}

/** A `-bin` header's bytes (base64, padded or not). */
function binaryHeader(value: string | string[] | undefined): Uint8Array | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined ? undefined : Buffer.from(text, 'base64');
}
