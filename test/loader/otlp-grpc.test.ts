/**
 * OTLP/gRPC in a plain `node` process configured by the environment: the exit's flush delivers
 * what was recorded, and neither a live HTTP/2 session nor a collector that is down keeps the
 * process alive after that. Delivery itself: test/unit/otlp-grpc.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGrpcCollector } from '../helpers/grpc-collector.js';
import { assertBuilt, makeApp, removeApps, runApp } from '../helpers/node-app.js';
import { APPS } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);
const collector = useGrpcCollector();

describe('an app exporting over OTLP/gRPC', () => {
  const run = (endpoint: string) =>
    runApp(makeApp([`${APPS}otlp-grpc.mjs`]), 'otlp-grpc.mjs', {
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '500' },
      timeoutMs: 30_000,
    });

  it('ends by itself once its span is delivered at exit', async () => {
    const result = await run(collector.endpoint);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('done');
    const spans = collector.received.flatMap((r) => r.body.resourceSpans[0].scopeSpans[0].spans);
    expect(spans.map((s: { name: string }) => s.name)).toEqual(['answer']);
  });

  it('ends after its attempts when the collector is down, saying the span was dropped', async () => {
    const result = await run('http://127.0.0.1:1');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/could not deliver spans to http:\/\/127\.0\.0\.1:1\/.*ECONNREFUSED/);
  }, 40_000);
});
