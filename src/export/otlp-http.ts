/**
 * OTLP/HTTP for the exporter (otlp.ts): where requests go, one attempt, what a collector's answer
 * says; and the resource from the environment. Node's own http/https rather than `fetch`, for
 * the TLS files an operator may configure (a private CA, a client certificate); one keep-alive
 * agent per exporter, whose idle connections never hold the process.
 */
import type { Agent, IncomingHttpHeaders } from 'node:http';
import { describeError, warnOnce } from '../log.js';
import { parseOtelList } from '../otel-env-list.js';
import { gzipped, type Encoded } from './otlp-encoding.js';
import { partialSuccessOf, statusMessageOf } from './otlp-protobuf-answers.js';
import { str, type KeyValue } from './otlp-span.js';
import type { TlsFiles } from './otlp-tls.js';
import type { AttemptOutcome, OtlpTransport } from './otlp-transport.js';

/** Statuses a collector uses for "later" (OTLP/HTTP spec): anything else is not retried. */
export const RETRYABLE = new Set([429, 502, 503, 504]);

export function tracesUrl(tracesEndpoint: string | undefined, endpoint: string | undefined): string | undefined {
  const url = tracesEndpoint || `${(endpoint || 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`;
  try {
    return new URL(url).href;
  } catch {
    warnOnce(`otlp-url:${url}`, `the OTLP endpoint ${JSON.stringify(url)} is not a valid URL; nothing is sent over OTLP.`);
    return undefined;
  }
}

interface Prepared { body: Buffer; headers: Record<string, string> }
interface Answer { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** Requests to `url` with `headers` (the content type among them), gzipped when asked, over TLS with `tls` for https. */
export function httpTransport(url: string, headers: Record<string, string>, gzip: boolean, tls: TlsFiles = {}): OtlpTransport {
  const target = new URL(url);
  // Loaded on the first request: node:https takes milliseconds to load, and most apps never export over OTLP.
  const http = () => process.getBuiltinModule(target.protocol === 'https:' ? 'node:https' : 'node:http');
  let agent: Agent | undefined;

  function post({ body, headers }: Prepared, timeoutMs: number): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const module = http();
      agent ??= new module.Agent({ keepAlive: true, ...(target.protocol === 'https:' ? tls : {}) });
      const request = module.request(target, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
        // A connection lost mid-answer may end it without 'end' or 'error'.
        response.on('close', () => reject(new Error('the connection closed before the answer was complete')));
      });
      // The whole exchange, not one silence: a collector that trickles its answer is cut off too.
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      request.on('close', () => clearTimeout(timer));
      request.on('error', reject);
      request.end(body);
    });
  }

  return {
    url,
    async prepare(body): Promise<Prepared> {
      const compressed = gzip ? await gzipped(body) : undefined;
      const bytes = compressed ?? body;
      return { body: typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), headers: compressed ? { ...headers, 'content-encoding': 'gzip' } : headers };
    },
    async attempt(prepared, timeoutMs): Promise<AttemptOutcome> {
      let answer: Answer;
      try {
        answer = await post(prepared as Prepared, timeoutMs);
      } catch (error) {
        return { delivered: false, failure: describeNetworkError(error), retryable: true };
      }
      const type = headerText(answer.headers['content-type']);
      if (answer.status >= 200 && answer.status < 300) return { delivered: true, rejected: rejectedSpansOf(type, answer.body) };
      const text = failureTextOf(type, answer.body);
      const retryable = RETRYABLE.has(answer.status);
      return {
        delivered: false,
        failure: `HTTP ${answer.status}${text ? `: ${text.slice(0, 300)}` : ''}`,
        retryable,
        retryAfterMs: retryable ? parseRetryAfter(headerText(answer.headers['retry-after'])) : undefined,
      };
    },
    close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}

const headerText = (value: string | string[] | undefined): string | null => (Array.isArray(value) ? value.join(', ') : value ?? null);

/** `OTEL_RESOURCE_ATTRIBUTES`: `key=value` pairs, comma-separated, percent-encoded. */
export function resourceAttributesFrom(raw: string | undefined): KeyValue[] {
  return parseOtelList('OTEL_RESOURCE_ATTRIBUTES', raw).map(([key, value]) => str(key, value));
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const isProtobuf = (contentType: string | null) => contentType?.toLowerCase().includes('protobuf') === true;
const utf8 = (body: Uint8Array) => Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');

/**
 * Spans a successful answer says the collector rejected. The answer is read in its own type
 * (OTLP answers in the request's encoding, but a proxy or an odd collector may not).
 */
export function rejectedSpansOf(contentType: string | null, body: Uint8Array): { count: number | string; reason: string | undefined } | undefined {
  if (isProtobuf(contentType)) {
    const partial = partialSuccessOf(body);
    return partial && { count: partial.rejectedSpans, reason: partial.errorMessage };
  }
  const text = utf8(body);
  if (!text.includes('partialSuccess')) return undefined;
  try {
    const partial = (JSON.parse(text) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } }).partialSuccess;
    return partial && Number(partial.rejectedSpans) > 0 ? { count: partial.rejectedSpans!, reason: partial.errorMessage } : undefined;
  } catch {
    return undefined; // a body that is not JSON says nothing about rejected spans
  }
}

/** A failed request's answer as text for a warning: a protobuf google.rpc.Status's message, else the body. */
export function failureTextOf(contentType: string | null, body: Uint8Array): string {
  if (!isProtobuf(contentType)) return utf8(body);
  return statusMessageOf(body) ?? `${body.length} bytes of protobuf that are no google.rpc.Status`;
}

export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error ? `${describeError(error)} (${describeError(cause)})` : describeError(error);
}
