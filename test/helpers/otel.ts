/** OpenTelemetry fixtures for tests about the SDKs' own spans and tracewire's OTLP export. */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { decodeTraceBody } from './otlp-decode.js';

/** A real global tracer provider and context manager for the file; its spans land in the returned exporter. */
export function useGlobalTracerProvider(): InMemorySpanExporter {
  const spans = new InMemorySpanExporter();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });
  return spans;
}

/** An OTLP/HTTP collector served by msw; `names` lists the span names received in the current test. */
export function useOtlpCollector(server: SetupServer, endpoint: string): { readonly names: string[] } {
  const received = { names: [] as string[] };
  beforeEach(() => {
    received.names = [];
    server.use(
      http.post(`${endpoint}/v1/traces`, async ({ request }) => {
        const raw = new Uint8Array(await request.arrayBuffer());
        const body = decodeTraceBody(request.headers.get('content-type') ?? undefined, raw) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> };
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) received.names.push(s.name);
        return HttpResponse.json({});
      }),
    );
  });
  return received;
}
