/**
 * Exporters run as nobody's work (export-work.ts): outside the application's OpenTelemetry tracing,
 * with no span of the app's active and tracing suppressed (@opentelemetry/core's
 * isTracingSuppressed, which every instrumentation reads), as OpenTelemetry's own exporters do;
 * otherwise an app with HTTP instrumentation would find tracewire's OTLP requests among the spans
 * of whatever request it was serving. And outside tracewire's own context: nothing an exporter
 * does is recorded.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isTracingSuppressed } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flush, init, op } from '../../src/index.js';
import { base, useLocalCollector } from '../helpers/otlp.js';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
  init({ disabled: true, exporters: ['none'] });
});
useLocalCollector();

/** What an instrumentation would see now. */
const seenNow = () => ({ suppressed: isTracingSuppressed(context.active()), span: trace.getActiveSpan() });

/** An app request, served in a span of the app's, that records a call and flushes. */
async function serveRequest(): Promise<void> {
  const tracer = new BasicTracerProvider().getTracer('app');
  await tracer.startActiveSpan('GET /answer', async (span) => {
    expect(seenNow()).toEqual({ suppressed: false, span });
    await op(async function answer() { return 42; })();
    await flush();
    span.end();
  });
}

describe('exporters and the application\'s OpenTelemetry context', () => {
  it('export(), flush() and shutdown() of any exporter run with no app span active and tracing suppressed', async () => {
    const seen: Array<{ at: string; suppressed: boolean; span: unknown }> = [];
    const probe = {
      name: 'probe',
      export: async () => void seen.push({ at: 'export', ...seenNow() }),
      flush: async () => void seen.push({ at: 'flush', ...seenNow() }),
      shutdown: async () => void seen.push({ at: 'shutdown', ...seenNow() }),
    };
    init({ exporters: [probe], implicitlyPatchIntegrations: false });
    await serveRequest();
    init({ exporters: ['none'], implicitlyPatchIntegrations: false });
    await new Promise((resolve) => setTimeout(resolve, 10)); // the previous configuration shuts down in the background
    expect(seen.map((s) => s.at)).toEqual(expect.arrayContaining(['export', 'flush', 'shutdown']));
    for (const s of seen) expect(s, s.at).toMatchObject({ suppressed: true, span: undefined });
  });

  it("an exporter's own traced work is not recorded, nor made part of the call whose end sent the batch", async () => {
    const recorded: string[] = [];
    const helper = op(function exporterHelper() { return 1; });
    const probe = { name: 'probe', export: (calls: Array<{ opName: string; status: string }>) => {
      helper();
      recorded.push(...calls.filter((c) => c.status !== 'running').map((c) => c.opName));
    } };
    init({ exporters: [probe], implicitlyPatchIntegrations: false });
    await op(async function outer() { await op(async function inner() { return 2; })(); })();
    await flush();
    await flush();
    expect(recorded.sort()).toEqual(['inner', 'outer']);
  });

  it("otlp's requests start where the http instrumentation would see tracing suppressed", async () => {
    // A channel Node publishes as each client request starts, in the context it starts in: the
    // one @opentelemetry/instrumentation-http reads when it wraps http.request.
    const atRequest: Array<{ path: string; suppressed: boolean }> = [];
    const onRequest = (message: unknown) => {
      const { request } = message as { request: { path: string } };
      atRequest.push({ path: request.path, suppressed: isTracingSuppressed(context.active()) });
    };
    subscribe('http.client.request.start', onRequest);
    try {
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
      init({ exporters: ['otlp'], implicitlyPatchIntegrations: false });
      await serveRequest();
    } finally {
      unsubscribe('http.client.request.start', onRequest);
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
    const tracewire = atRequest.filter((r) => r.path === '/v1/traces');
    expect(tracewire).toHaveLength(1);
    expect(tracewire[0]!.suppressed).toBe(true);
  });
});
