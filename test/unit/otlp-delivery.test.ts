/**
 * OTLP export, the delivery: retries, Retry-After, giving up, the endpoint counted as
 * down, the bound on buffered spans, flush() and shutdown(), the OTEL_* settings, and
 * init({ exporters: ['otlp'] }) end to end. What the spans hold: otlp-spans.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { flush, init, op } from '../../src/index.js';
import { OtlpExporter, parseRetryAfter } from '../../src/export/otlp.js';
import { allSpans, attrs, base, exporter, makeCall, received, useScriptedCollector } from '../helpers/otlp.js';
import { warningsPerTest } from '../helpers/warnings.js';

const script = useScriptedCollector(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS']);
const warnings = warningsPerTest();

describe('delivery', () => {
  it('retries a 503 with Retry-After: 0, then succeeds: exactly 2 requests', async () => {
    script.replies = [{ status: 503, headers: { 'retry-after': '0' } }];
    const e = exporter({ initialBackoffMs: 10_000 });
    await e.export([makeCall()]);
    expect(received).toHaveLength(2);
    expect(e.sentSpans).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('gives up after maxAttempts without throwing, reports once, counts the drop', async () => {
    script.replies = Array.from({ length: 10 }, () => ({ status: 503 }));
    // maxBackoffMs 1: the endpoint counts as down for 1 ms only, so the second export is tried too.
    const e = exporter({ maxAttempts: 3, maxBackoffMs: 1 });
    await expect(e.export([makeCall(), makeCall()])).resolves.toBeUndefined();
    await e.export([makeCall()]);
    expect(received).toHaveLength(6);
    expect(e.droppedSpans).toBe(3);
    expect(warnings.filter((w) => w.includes('after 3 attempt(s): HTTP 503'))).toHaveLength(1);
  });

  it('once a request is given up on, the endpoint counts as down for maxBackoffMs: spans meanwhile are dropped unsent', async () => {
    script.replies = [{ status: 503 }, { status: 503 }];
    const e = exporter({ maxAttempts: 2, maxBackoffMs: 300 });
    await e.export([makeCall()]);
    expect(received).toHaveLength(2);
    await e.export([makeCall(), makeCall()]);
    expect(received).toHaveLength(2);
    expect(e.droppedSpans).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await e.export([makeCall()]);
    expect(received).toHaveLength(3);
    expect(e.sentSpans).toBe(1);
  });

  it('network errors are retried and given up quietly', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = new OtlpExporter({ endpoint: `http://127.0.0.1:${port}`, env: {}, maxAttempts: 2, initialBackoffMs: 1 });
    await expect(e.export([makeCall()])).resolves.toBeUndefined();
    expect(e.droppedSpans).toBe(1);
    expect(warnings.some((w) => w.includes('after 2 attempt(s)'))).toBe(true);
  });

  it('a 400 is not retried; a Retry-After beyond the deadline gives up at once', async () => {
    script.replies = [{ status: 400 }, { status: 429, headers: { 'retry-after': '60' } }];
    const e = exporter({ deadlineMs: 1_000 });
    await e.export([makeCall()]);
    await e.export([makeCall()]);
    expect(received).toHaveLength(2);
    expect(e.droppedSpans).toBe(2);
  });

  it('Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('flush() resolves once in-flight requests are done; shutdown() stops sending', async () => {
    script.replies = [{ status: 200, delayMs: 150 }];
    const e = exporter();
    void e.export([makeCall()]);
    await e.flush();
    expect(e.sentSpans).toBe(1);
    await e.shutdown();
    await e.export([makeCall()]);
    expect(received).toHaveLength(1);
  });

  it('an answer cut off mid-body is a failed attempt, retried, not a request that never ends', async () => {
    let requests = 0;
    const cutOff = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(200, { 'content-length': '100' });
      res.write('0123456789', () => res.socket?.destroy());
    });
    await new Promise<void>((resolve) => cutOff.listen(0, '127.0.0.1', resolve));
    const e = new OtlpExporter({ endpoint: `http://127.0.0.1:${(cutOff.address() as AddressInfo).port}`, env: {}, maxAttempts: 2, initialBackoffMs: 1, timeoutMs: 60_000 });
    await e.export([makeCall()]);
    expect(requests).toBe(2);
    expect(e.droppedSpans).toBe(1);
    expect(warnings[0]).toMatch(/after 2 attempt\(s\)/);
    await new Promise((resolve) => cutOff.close(resolve));
  });

  it('spans waiting or in flight stay within maxBufferedChars, however slow the collector; the rest are dropped and counted', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const e = new OtlpExporter({ endpoint, env: {}, maxAttempts: 1, timeoutMs: 300, maxBufferedChars: 200_000 });
    const exports: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      exports.push(e.export([makeCall({ output: 'x'.repeat(20_000) })]));
      expect(e.bufferedChars).toBeLessThanOrEqual(200_000);
      await new Promise((resolve) => setTimeout(resolve, i % 10 === 0 ? 25 : 0));
    }
    expect(e.droppedSpans).toBeGreaterThan(20);
    expect(warnings.some((w) => w.includes('maxBufferedChars'))).toBe(true);
    await Promise.all(exports);
    expect(e.bufferedChars).toBe(0);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as-is, OTEL_SERVICE_NAME names the service', async () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${base}/custom/path`, OTEL_SERVICE_NAME: 'svc' };
    const e = new OtlpExporter({ endpoint: 'http://127.0.0.1:1', serviceName: 'proj', env });
    await e.export([makeCall()]);
    expect(received[0]!.url).toBe('/custom/path');
    expect(attrs(received[0]!.body.resourceSpans[0].resource.attributes)['service.name']).toBe('svc');
  });
});

describe('init({ exporters: ["otlp"] })', () => {
  it('sends op() calls with the OTEL_EXPORTER_OTLP_* settings after flush()', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `${base}/`;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-team=blue,authorization=Bearer%20abc';
    init({ project: 'otlp-app', exporters: ['otlp'], implicitlyPatchIntegrations: false });
    const inner = op(function inner(n: number) { return n * 2; });
    const outer = op(async function outer() { return inner(2) + inner(3); });
    await outer();
    await flush();
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]!.url).toBe('/v1/traces');
    expect(received[0]!.headers['x-team']).toBe('blue');
    expect(received[0]!.headers.authorization).toBe('Bearer abc');
    expect(attrs(received[0]!.body.resourceSpans[0].resource.attributes)['service.name']).toBe('otlp-app');
    const spans = allSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['inner', 'inner', 'outer']);
    const root = spans.find((s) => s.name === 'outer');
    for (const s of spans.filter((s) => s.name === 'inner')) {
      expect(s.parentSpanId).toBe(root.spanId);
      expect(s.traceId).toBe(root.traceId);
      expect(s.kind).toBe(1);
    }
    init({ disabled: true, exporters: ['none'] });
  });

  it('a burst of 20,000 calls reaches a fast collector in full, and flush() waits for all of it', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
    const client = init({ project: 'burst', exporters: ['otlp'], implicitlyPatchIntegrations: false });
    const tiny = op(function tiny(i: number) { return i; });
    for (let i = 0; i < 20_000; i++) tiny(i);
    await flush();
    expect(allSpans()).toHaveLength(20_000);
    expect(client.stats().dropped).toBe(0);
    init({ disabled: true, exporters: ['none'] });
  });
});
