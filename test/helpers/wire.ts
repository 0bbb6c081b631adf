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
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= text.length) {
        controller.close();
        return;
      }
      await new Promise((resolve) => (delay > 0 ? setTimeout(resolve, delay) : setImmediate(resolve)));
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
