/**
 * OTLP/HTTP around the exporter (otlp.ts): where requests go, the resource from the
 * environment, and what a collector's answer says.
 */
import { describeError, warnOnce } from '../log.js';
import { parseOtelList } from '../otel-env-list.js';
import { str, type KeyValue } from './otlp-span.js';

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

export function reportPartialSuccess(text: string): void {
  if (!text.includes('partialSuccess')) return;
  try {
    const partial = (JSON.parse(text) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } }).partialSuccess;
    if (partial && Number(partial.rejectedSpans) > 0) {
      warnOnce('otlp-partial', `the OTLP endpoint rejected ${partial.rejectedSpans} span(s): ${partial.errorMessage ?? 'no reason given'}`);
    }
  } catch {
    // a body that is not JSON says nothing about rejected spans
  }
}

export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error ? `${describeError(error)} (${describeError(cause)})` : describeError(error);
}
