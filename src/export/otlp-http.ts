/**
 * OTLP/HTTP for the exporter (otlp.ts): where requests go, one attempt with `fetch`, what a
 * collector's answer says; and the resource from the environment.
 */
import { describeError, warnOnce } from '../log.js';
import { parseOtelList } from '../otel-env-list.js';
import { gzipped, type Encoded } from './otlp-encoding.js';
import { partialSuccessOf, statusMessageOf } from './otlp-protobuf-answers.js';
import { str, type KeyValue } from './otlp-span.js';
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

interface Prepared { body: Encoded; headers: Record<string, string> }

/** Requests to `url` with `headers` (the content type among them), gzipped when asked. */
export function httpTransport(url: string, headers: Record<string, string>, gzip: boolean): OtlpTransport {
  return {
    url,
    async prepare(body): Promise<Prepared> {
      const compressed = gzip ? await gzipped(body) : undefined;
      return compressed ? { body: compressed, headers: { ...headers, 'content-encoding': 'gzip' } } : { body, headers };
    },
    async attempt(prepared, timeoutMs): Promise<AttemptOutcome> {
      const { body, headers } = prepared as Prepared;
      try {
        const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        // Reading the body to its end releases the connection for the next request.
        const answer = await response.arrayBuffer().then((b) => new Uint8Array(b), () => new Uint8Array(0));
        const type = response.headers.get('content-type');
        if (response.ok) return { delivered: true, rejected: rejectedSpansOf(type, answer) };
        const text = failureTextOf(type, answer);
        const retryable = RETRYABLE.has(response.status);
        return {
          delivered: false,
          failure: `HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`,
          retryable,
          retryAfterMs: retryable ? parseRetryAfter(response.headers.get('retry-after')) : undefined,
        };
      } catch (error) {
        return { delivered: false, failure: describeNetworkError(error), retryable: true };
      }
    },
  };
}

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
