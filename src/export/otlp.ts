/**
 * The `otlp` exporter (SPEC §7): each call becomes one span sent over OTLP/HTTP with the JSON
 * encoding, attributes after the OpenTelemetry GenAI semantic conventions. Global `fetch` only:
 * no OpenTelemetry SDK is needed, and no dependency is added.
 * How a call maps to a span (ids, attributes, an OpenTelemetry parent): otlp-span.ts.
 *
 * A call exported again (a parent whose usage grew when a late child ended) is sent again as
 * a span with the same ids: OTLP has no update, so backends keep both copies or the last one;
 * the later copy has the complete summary.
 *
 * Delivery: 429/502/503/504 and network errors are retried with exponential backoff and jitter,
 * or after the server's `Retry-After`, within `maxAttempts` and a per-batch deadline; anything
 * else is dropped and reported once. Nothing here throws or rejects into the application.
 */
import { describeError, warnOnce } from '../log.js';
import type { Call, Exporter } from '../types.js';
import { str, toOtlpSpan, type KeyValue } from './otlp-span.js';

export interface OtlpExporterOptions {
  /** Base URL; `/v1/traces` is appended (default `http://localhost:4318`). */
  endpoint?: string;
  /** Full traces URL, used as-is (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` wins over it). */
  tracesEndpoint?: string;
  headers?: Record<string, string>;
  /** `service.name` of the resource; `OTEL_SERVICE_NAME` wins over it. Default: the calls' project. */
  serviceName?: string;
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number;
  /** Per batch: no attempt starts and no wait extends past this (default 15 s). */
  deadlineMs?: number;
  /** Per request (default `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10 s). */
  timeoutMs?: number;
  /** First retry delay; doubles each attempt up to `maxBackoffMs` (defaults 500 ms, 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Where OTEL_* variables are read (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Spans of one batch are split over requests of about this size (collectors limit bodies). */
const MAX_BODY_CHARS = 4 * 1024 * 1024;
const RETRYABLE = new Set([429, 502, 503, 504]);

export class OtlpExporter implements Exporter {
  readonly name = 'otlp';
  readonly url: string | undefined;
  sentSpans = 0;
  droppedSpans = 0;
  private readonly headers: Record<string, string>;
  private readonly serviceName: string | undefined;
  private readonly resourceAttributes: KeyValue[];
  private readonly maxAttempts: number;
  private readonly deadlineMs: number;
  private readonly timeoutMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(options: OtlpExporterOptions = {}) {
    const env = options.env ?? process.env;
    this.url = tracesUrl(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || options.tracesEndpoint, options.endpoint);
    // The body is JSON whatever the configured headers say; any other header is sent as given.
    const configured = Object.entries(options.headers ?? {}).filter(([key]) => key.toLowerCase() !== 'content-type');
    this.headers = { ...Object.fromEntries(configured), 'content-type': 'application/json' };
    this.serviceName = env.OTEL_SERVICE_NAME?.trim() || options.serviceName;
    this.resourceAttributes = resourceAttributesFrom(env.OTEL_RESOURCE_ATTRIBUTES);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.deadlineMs = options.deadlineMs ?? 15_000;
    const envTimeout = Number(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT || env.OTEL_EXPORTER_OTLP_TIMEOUT);
    this.timeoutMs = options.timeoutMs ?? (envTimeout > 0 ? envTimeout : 10_000);
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
  }

  /** Never rejects: a batch that cannot be delivered is counted in `droppedSpans` and reported once. */
  export(calls: Call[]): Promise<void> {
    if (this.closed || this.url === undefined || calls.length === 0) return Promise.resolve();
    const task: Promise<void> = this.send(calls)
      .catch((error) => warnOnce('otlp-export', `the otlp exporter failed: ${describeError(error)}`))
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
    return task;
  }

  /** Resolves when every request started so far has succeeded or been given up. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async send(calls: Call[]): Promise<void> {
    const deadline = Date.now() + this.deadlineMs;
    const service = this.serviceName ?? calls[0]!.project;
    const attributes = this.resourceAttributes.filter((a) => a.key !== 'service.name');
    attributes.push(str('service.name', service), str('telemetry.sdk.name', 'tracewire'), str('telemetry.sdk.language', 'nodejs'));
    const resource = JSON.stringify({ attributes });
    // Spans are serialized one by one so a large batch can be cut into bodies of bounded size.
    let spans: string[] = [];
    let size = 0;
    for (const call of calls) {
      const span = JSON.stringify(toOtlpSpan(call));
      if (spans.length > 0 && size + span.length > MAX_BODY_CHARS) {
        await this.post(resource, spans, deadline);
        spans = [];
        size = 0;
      }
      spans.push(span);
      size += span.length + 1;
    }
    await this.post(resource, spans, deadline);
  }

  /** Sends one body; `deadline` is the batch's, shared by all its bodies. */
  private async post(resource: string, spans: string[], deadline: number): Promise<void> {
    const body = `{"resourceSpans":[{"resource":${resource},"scopeSpans":[{"scope":{"name":"tracewire"},"spans":[${spans.join(',')}]}]}]}`;
    for (let attempt = 1; ; attempt++) {
      if (Date.now() >= deadline) return this.drop(spans.length, `the batch deadline (${this.deadlineMs} ms) passed before spans could be sent to ${this.url}`);
      let failure: string;
      let retryAfterMs: number | undefined;
      try {
        const timeout = Math.max(1, Math.min(this.timeoutMs, deadline - Date.now()));
        const response = await fetch(this.url!, { method: 'POST', headers: this.headers, body, signal: AbortSignal.timeout(timeout) });
        // Reading the body to its end releases the connection for the next request.
        const text = await response.text().catch(() => '');
        if (response.ok) {
          this.sentSpans += spans.length;
          reportPartialSuccess(text);
          return;
        }
        failure = `HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`;
        if (!RETRYABLE.has(response.status)) return this.drop(spans.length, `the OTLP endpoint ${this.url} rejected spans (${failure})`);
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      } catch (error) {
        failure = describeNetworkError(error);
      }
      const wait = retryAfterMs ?? this.backoff(attempt);
      if (attempt >= this.maxAttempts || Date.now() + wait >= deadline) {
        return this.drop(spans.length, `could not deliver spans to ${this.url} after ${attempt} attempt(s): ${failure}`);
      }
      // A referenced timer on purpose: at exit, flush() must be able to wait for a retry.
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1));
    // ±20% jitter, so many processes that failed together do not retry together.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private drop(count: number, reason: string): void {
    this.droppedSpans += count;
    warnOnce(`otlp-drop:${this.url}`, `${reason}; ${count} span(s) dropped. Later failures are counted, not reported.`);
  }
}

function tracesUrl(tracesEndpoint: string | undefined, endpoint: string | undefined): string | undefined {
  const url = tracesEndpoint || `${(endpoint || 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`;
  try {
    return new URL(url).href;
  } catch {
    warnOnce(`otlp-url:${url}`, `the OTLP endpoint ${JSON.stringify(url)} is not a valid URL; nothing is sent over OTLP.`);
    return undefined;
  }
}

/** `OTEL_RESOURCE_ATTRIBUTES`: `key=value` pairs, comma-separated, values percent-encoded. */
function resourceAttributesFrom(raw: string | undefined): KeyValue[] {
  const out: KeyValue[] = [];
  for (const pair of raw?.split(',') ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      out.push(str(decodeURIComponent(pair.slice(0, eq).trim()), decodeURIComponent(pair.slice(eq + 1).trim())));
    } catch {
      // a malformed escape: that attribute is skipped, the others still apply
    }
  }
  return out;
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function reportPartialSuccess(text: string): void {
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

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error ? `${describeError(error)} (${describeError(cause)})` : describeError(error);
}

