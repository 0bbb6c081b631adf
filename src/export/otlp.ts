/**
 * The `otlp` exporter (SPEC §7): each call becomes one span sent over OTLP, over HTTP in binary
 * protobuf or JSON or over gRPC (otlp-encoding.ts, otlp-http.ts, otlp-grpc.ts), attributes after
 * the OpenTelemetry GenAI semantic conventions. Node's own `fetch` and HTTP/2 only: no
 * OpenTelemetry SDK or gRPC library is needed, and no dependency is added.
 * How a call maps to a span (ids, attributes, an OpenTelemetry parent): otlp-span.ts.
 *
 * A call exported again (a parent whose usage grew when a late child ended) is sent again as
 * a span with the same ids: OTLP has no update, so backends keep both copies or the last one;
 * the later copy has the complete summary.
 *
 * Spans from the export queue's small batches are gathered into requests of up to 512 spans
 * (under 4 MiB), sent when full or 20 ms after the first one arrived, and at once by flush().
 * Encoded spans kept here, waiting or in flight (retries included), are capped at
 * `maxBufferedChars` (init() passes maxQueueBytes): the queue's estimate of what an exporter
 * holds is only an estimate, and a collector that never answers must not grow the heap.
 *
 * Delivery: what the transport calls "later" (HTTP 429/502/503/504, gRPC's retryable codes) and
 * network errors are retried with exponential backoff and jitter, or after the delay the server
 * asked for, within `maxAttempts` and a per-request deadline; anything else is dropped and
 * reported once. A request given up on that way marks the endpoint down
 * for `maxBackoffMs` (or its `Retry-After`): requests meanwhile are dropped without being sent.
 * Otherwise a backlog behind a dead collector would be tried request after request, each for a
 * whole deadline, keeping an ended process alive for minutes. Nothing here throws or rejects
 * into the application.
 */
import { describeError, warnOnce } from '../log.js';
import type { Call, Exporter } from '../types.js';
import { encodingOf, otlpCompression, otlpProtocol, type Encoded, type OtlpEncoding, type OtlpProtocol } from './otlp-encoding.js';
import { GrpcTransport, grpcOrigin } from './otlp-grpc.js';
import { httpTransport, resourceAttributesFrom, tracesUrl } from './otlp-http.js';
import { str, toOtlpSpan, type KeyValue } from './otlp-span.js';
import { tlsFiles, type TlsPaths } from './otlp-tls.js';
import type { OtlpTransport } from './otlp-transport.js';

export { parseRetryAfter } from './otlp-http.js';

export interface OtlpExporterOptions extends TlsPaths {
  /**
   * Base URL; `/v1/traces` is appended (default `http://localhost:4318`). With `grpc`, the
   * collector's address (default `http://localhost:4317`; `https:` for TLS), any path ignored.
   */
  endpoint?: string;
  /** Full traces URL, used as-is (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` wins over it); with `grpc`, as `endpoint`. */
  tracesEndpoint?: string;
  headers?: Record<string, string>;
  /**
   * `http/protobuf` (default, as in OpenTelemetry), `http/json` or `grpc`;
   * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` and `OTEL_EXPORTER_OTLP_PROTOCOL` win over it.
   */
  protocol?: OtlpProtocol;
  /** `gzip` or `none` (default); `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION` and `OTEL_EXPORTER_OTLP_COMPRESSION` win over it. */
  compression?: 'gzip' | 'none';
  /** `service.name` of the resource; `OTEL_SERVICE_NAME` wins over it. Default: the calls' project. */
  serviceName?: string;
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number;
  /** Per request: no attempt starts and no wait extends past this (default 15 s). */
  deadlineMs?: number;
  /** Per request (default `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10 s). */
  timeoutMs?: number;
  /** First retry delay; doubles each attempt up to `maxBackoffMs` (defaults 500 ms, 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Where OTEL_* variables are read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /**
   * Encoded spans waiting or in flight: at most this many characters of JSON or bytes of
   * protobuf (or one span, if bigger); more are dropped and counted (default 64 Mi).
   */
  maxBufferedChars?: number;
}

/**
 * A request carries at most this many spans, and its spans at most this many characters or
 * bytes: gRPC servers refuse messages past 4 MiB by default (the collector's too), and the
 * resource and framing around the spans take a little more.
 */
const MAX_SPANS_PER_REQUEST = 512;
const MAX_BODY_CHARS = 4 * 1024 * 1024 - 64 * 1024;
/** How long spans wait for others to share their request. */
const SEND_DELAY_MS = 20;
const DEFAULT_MAX_BUFFERED_CHARS = 64 * 1024 * 1024;

/**
 * Spans waiting to go out in one request. They are encoded on arrival: strings and byte arrays
 * cost the garbage collector next to nothing to hold, the calls they came from can be collected young.
 */
interface PendingRequest {
  service: string;
  spans: Encoded[];
  chars: number;
  /** Resolves once these spans were delivered or given up. */
  done: Promise<void>;
  settle: () => void;
}

export class OtlpExporter implements Exporter {
  readonly name = 'otlp';
  readonly url: string | undefined;
  readonly protocol: OtlpProtocol;
  sentSpans = 0;
  droppedSpans = 0;
  /** Exporter.dropped: a span is one call. */
  get dropped(): number {
    return this.droppedSpans;
  }
  /** Characters (JSON) or bytes (protobuf) of encoded spans waiting for a request or in one not yet settled. */
  bufferedChars = 0;
  private readonly maxBufferedChars: number;
  private readonly encoding: OtlpEncoding;
  private readonly transport: OtlpTransport | undefined;
  private readonly serviceName: string | undefined;
  private readonly resourceAttributes: KeyValue[];
  private readonly resources = new Map<string, Encoded>();
  private readonly maxAttempts: number;
  private readonly deadlineMs: number;
  private readonly timeoutMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private filling: PendingRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Until then the endpoint counts as down (Date.now() scale). */
  private downUntil = 0;

  constructor(options: OtlpExporterOptions = {}) {
    const env = options.env ?? process.env;
    this.protocol = otlpProtocol(options.protocol, env);
    this.encoding = encodingOf(this.protocol);
    this.transport = transportFor(this.protocol, this.encoding, options, env);
    this.url = this.transport?.url;
    this.serviceName = env.OTEL_SERVICE_NAME?.trim() || options.serviceName;
    this.resourceAttributes = resourceAttributesFrom(env.OTEL_RESOURCE_ATTRIBUTES);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.deadlineMs = options.deadlineMs ?? 15_000;
    const envTimeout = Number(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT || env.OTEL_EXPORTER_OTLP_TIMEOUT);
    this.timeoutMs = options.timeoutMs ?? (envTimeout > 0 ? envTimeout : 10_000);
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.maxBufferedChars = options.maxBufferedChars ?? DEFAULT_MAX_BUFFERED_CHARS;
  }

  /**
   * Queues the calls' spans for a shared request, sent when full or after a short delay.
   * The promise resolves once they were delivered or given up; it never rejects.
   */
  export(calls: Call[]): Promise<void> {
    if (this.closed || this.url === undefined || calls.length === 0) return Promise.resolve();
    const joined = new Set<PendingRequest>();
    for (const call of calls) {
      let span: Encoded;
      try {
        span = this.encoding.span(toOtlpSpan(call));
      } catch (error) {
        this.drop(1, `a call could not be made into a span (${describeError(error)})`);
        continue;
      }
      if (this.bufferedChars > 0 && this.bufferedChars + span.length + 1 > this.maxBufferedChars) {
        this.droppedSpans++;
        warnOnce(`otlp-full:${this.url}`, `spans for ${this.url} waiting or in flight reached maxBufferedChars (${this.maxBufferedChars}); new spans are dropped and counted until requests finish.`);
        continue;
      }
      joined.add(this.add(this.serviceName ?? call.project, span));
    }
    if (this.filling && this.timer === undefined) {
      this.timer = setTimeout(() => this.send(), SEND_DELAY_MS);
      this.timer.unref();
    }
    return Promise.all([...joined].map((request) => request.done)).then(() => undefined);
  }

  /** Sends what is queued, then resolves when every request started so far has succeeded or been given up. */
  async flush(): Promise<void> {
    this.send();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async shutdown(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.transport?.close?.();
  }

  private add(service: string, span: Encoded): PendingRequest {
    let request = this.filling;
    if (request && (request.service !== service || request.chars + span.length > MAX_BODY_CHARS)) {
      this.send();
      request = undefined;
    }
    request ??= this.filling = pendingRequest(service);
    request.spans.push(span);
    request.chars += span.length + 1;
    this.bufferedChars += span.length + 1;
    if (request.spans.length >= MAX_SPANS_PER_REQUEST) this.send();
    return request;
  }

  /** Starts the request being filled, if any. */
  private send(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const request = this.filling;
    if (!request) return;
    this.filling = undefined;
    // The body is the only copy kept through the retries: the spans it was joined from can go.
    const count = request.spans.length;
    const body = this.encoding.body(this.resourceOf(request.service), request.spans);
    request.spans = [];
    const task: Promise<void> = this.post(body, count, Date.now() + this.deadlineMs)
      .catch((error) => warnOnce('otlp-export', `the otlp exporter failed: ${describeError(error)}`))
      .finally(() => {
        this.inFlight.delete(task);
        this.bufferedChars -= request.chars;
        request.settle();
      });
    this.inFlight.add(task);
  }

  private resourceOf(service: string): Encoded {
    let resource = this.resources.get(service);
    if (resource === undefined) {
      const attributes = this.resourceAttributes.filter((a) => a.key !== 'service.name');
      attributes.push(str('service.name', service), str('telemetry.sdk.name', 'tracewire'), str('telemetry.sdk.language', 'nodejs'));
      resource = this.encoding.resource(attributes);
      this.resources.set(service, resource);
    }
    return resource;
  }

  /** Sends one body of `count` spans, retrying within `deadline`. */
  private async post(encoded: Encoded, count: number, deadline: number): Promise<void> {
    const transport = this.transport!;
    const prepared = await transport.prepare(encoded);
    for (let attempt = 1; ; attempt++) {
      if (Date.now() < this.downUntil) return this.drop(count, `the OTLP endpoint ${this.url} counts as down: a request to it was just given up on`);
      if (Date.now() >= deadline) {
        this.markDown(0);
        return this.drop(count, `the request's deadline (${this.deadlineMs} ms) passed before spans could be sent to ${this.url}`);
      }
      const outcome = await transport.attempt(prepared, Math.max(1, Math.min(this.timeoutMs, deadline - Date.now())));
      if (outcome.delivered) {
        this.downUntil = 0;
        this.sentSpans += count;
        const rejected = outcome.rejected;
        if (rejected) warnOnce('otlp-partial', `the OTLP endpoint rejected ${rejected.count} span(s): ${rejected.reason || 'no reason given'}`);
        return;
      }
      if (!outcome.retryable) return this.drop(count, `the OTLP endpoint ${this.url} rejected spans (${outcome.failure})`);
      const wait = outcome.retryAfterMs ?? this.backoff(attempt);
      if (attempt >= this.maxAttempts || Date.now() + wait >= deadline) {
        this.markDown(outcome.retryAfterMs ?? 0);
        return this.drop(count, `could not deliver spans to ${this.url} after ${attempt} attempt(s): ${outcome.failure}`);
      }
      // A referenced timer on purpose: at exit, flush() must be able to wait for a retry.
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** For `maxBackoffMs`, or as long as the server asked, up to one request's deadline. */
  private markDown(retryAfterMs: number): void {
    this.downUntil = Date.now() + Math.max(this.maxBackoffMs, Math.min(retryAfterMs, this.deadlineMs));
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

/** Where and how requests go; undefined, reported, when the endpoint is no URL. */
function transportFor(protocol: OtlpProtocol, encoding: OtlpEncoding, options: OtlpExporterOptions, env: Record<string, string | undefined>): OtlpTransport | undefined {
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || options.tracesEndpoint;
  const gzip = otlpCompression(options.compression, env) === 'gzip';
  const tls = tlsFiles(options, env);
  // The body's encoding decides its type whatever the configured headers say; any other header is sent as given.
  const configured = Object.entries(options.headers ?? {}).filter(([key]) => !/^content-(type|encoding)$/i.test(key));
  if (protocol === 'grpc') {
    const origin = grpcOrigin(tracesEndpoint || options.endpoint);
    return origin === undefined ? undefined : new GrpcTransport(origin, Object.fromEntries(configured), gzip, tls);
  }
  const url = tracesUrl(tracesEndpoint, options.endpoint);
  return url === undefined ? undefined : httpTransport(url, { ...Object.fromEntries(configured), 'content-type': encoding.contentType }, gzip, tls);
}

function pendingRequest(service: string): PendingRequest {
  let settle!: () => void;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return { service, spans: [], chars: 0, done, settle };
}
