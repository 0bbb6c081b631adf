/**
 * Recorded HTTP exchanges (test/fixtures/wire, format in its README) served through msw, so a
 * real SDK can be called against real provider responses.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { http, HttpResponse, type HttpHandler } from 'msw';

export interface WireRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body: unknown;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  bodyText?: string;
}

export interface WireExchange {
  request: WireRequest;
  response: WireResponse;
  recordedAt?: string;
}

export interface WireFixture {
  provider: string;
  api: string;
  stream: boolean;
  scenario: string;
  error?: boolean;
  source: Record<string, unknown>;
  meta: Record<string, unknown>;
  exchanges: WireExchange[];
}

export interface ServeOptions {
  /** Characters per enqueued piece of a streamed body (default 64). */
  chunkSize?: number;
  /** Pause between pieces in ms, to let tests break or abort mid-stream (default 0: next turn of the event loop). */
  delayMs?: number;
  /** The request's signal: aborting it errors the body with its reason, as Node's fetch does. */
  signal?: AbortSignal;
}

const WIRE_DIR = fileURLToPath(new URL('../fixtures/wire/', import.meta.url));

export function loadFixture(relPath: string): WireFixture {
  return JSON.parse(readFileSync(WIRE_DIR + relPath, 'utf8')) as WireFixture;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Any host, any path prefix (a custom baseURL such as `http://localhost:4010/openai/v1`) and
 * any Azure deployment name; the query string is ignored by msw before matching.
 */
export function urlPattern(recordedUrl: string): RegExp {
  const { pathname } = new URL(recordedUrl);
  const path = escapeRegExp(pathname.replace(/\/$/, '')).replace(/\/deployments\/[^/]+/, '/deployments/[^/]+');
  return new RegExp(`^https?://[^/]+(?:/.*)?${path}/?$`);
}

/** The recorded text in small pieces, so the SDK sees a stream arrive in several reads. */
export function streamBody(text: string, options: ServeOptions = {}): ReadableStream<Uint8Array> {
  const size = options.chunkSize ?? 64;
  const delay = options.delayMs ?? 0;
  const encoder = new TextEncoder();
  const signal = options.signal;
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener('abort', () => {
        try {
          controller.error(signal.reason);
        } catch {
          // the body was already closed or cancelled: nothing left to abort
        }
      }, { once: true });
    },
    async pull(controller) {
      if (signal?.aborted) return;
      if (offset >= text.length) {
        controller.close();
        return;
      }
      await new Promise((resolve) => (delay > 0 ? setTimeout(resolve, delay) : setImmediate(resolve)));
      if (signal?.aborted) return;
      controller.enqueue(encoder.encode(text.slice(offset, offset + size)));
      offset += size;
    },
  });
}

export function toResponse(response: WireResponse, options: ServeOptions = {}): Response {
  const body = response.bodyText !== undefined ? streamBody(response.bodyText, options) : JSON.stringify(response.body);
  return new HttpResponse(body, { status: response.status, headers: response.headers });
}

const METHODS = { GET: http.get, POST: http.post, PUT: http.put, PATCH: http.patch, DELETE: http.delete } as const;

/**
 * One single-use handler per exchange, in recorded order: msw tries handlers in order and
 * skips used ones, so repeated requests to the same endpoint get the exchanges one by one.
 */
export function fixtureHandlers(fixture: WireFixture, options: ServeOptions = {}): HttpHandler[] {
  return fixture.exchanges.map((exchange) => {
    const method = exchange.request.method.toUpperCase() as keyof typeof METHODS;
    const handler = METHODS[method] ?? http.post;
    return handler(urlPattern(exchange.request.url), () => toResponse(exchange.response, options), { once: true });
  });
}

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/**
 * A `fetch` serving the recorded exchanges (in order, by URL) without msw, for tests that leave
 * a stream early. msw keeps an unread clone of every mocked body, so cancelling the app's copy
 * (what `break` does) never settles, and its bodies ignore the request's abort; this one
 * behaves like Node's fetch on both counts.
 */
export function fixtureFetch(fixture: WireFixture, options: ServeOptions = {}): typeof fetch {
  const pending = [...fixture.exchanges];
  return async (input, init) => {
    const url = urlOf(input).split('?')[0]!;
    const at = pending.findIndex((exchange) => urlPattern(exchange.request.url).test(url));
    if (at < 0) throw new TypeError(`fixtureFetch: no recorded exchange left for ${url}`);
    const [exchange] = pending.splice(at, 1);
    init?.signal?.throwIfAborted();
    return toResponse(exchange!.response, { ...options, signal: init?.signal ?? undefined });
  };
}

/** The recorded request body of one exchange, typed as the SDK parameter the test passes it as. */
export function requestBody<T>(fixture: WireFixture, exchange = 0): T {
  return fixture.exchanges[exchange]!.request.body as T;
}

/** The recorded (non-streamed) response body of one exchange. */
export function responseBody<T = Record<string, any>>(fixture: WireFixture, exchange = 0): T {
  return fixture.exchanges[exchange]!.response.body as T;
}
