/** A local OTLP/HTTP collector (protobuf or JSON) for the OtlpExporter tests, the model call they export, and readers of what the collector received. */
import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { OtlpExporter, type OtlpExporterOptions } from '../../src/export/otlp.js';
import { uuidv7 } from '../../src/trace/ids.js';
import type { Call } from '../../src/types.js';
import { localServer } from './local-server.js';
import { decodeTraceBody } from './otlp-decode.js';

/** `bytes`: the body's size on the wire (compressed, if it was). */
export interface Received { url: string; headers: IncomingHttpHeaders; body: any; bytes: number }
/** How the collector answers one request. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string | Uint8Array; delayMs?: number };

/** The collector's address (set before each test). */
export let base = '';
/** The requests the collector received in the running test, in order. */
export const received: Received[] = [];

/**
 * Starts the collector for the test file. Each request is answered with `nextReply()`, or with
 * 200 once it returns undefined. A test fails if it leaves an unhandled rejection behind.
 */
export function useLocalCollector(nextReply: () => Reply | undefined = () => undefined): void {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const server = localServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      received.push({ url: req.url ?? '', headers: req.headers, body: decodeTraceBody(req.headers['content-type'], body), bytes: raw.length });
      const reply = nextReply() ?? { status: 200 };
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body ?? '{}');
      }, reply.delayMs ?? 0);
    });
  });
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  beforeEach(() => {
    base = server.endpoint;
    received.length = 0;
  });
  afterEach(() => {
    expect(unhandled).toEqual([]);
  });
}

/**
 * The collector, answering each test's `replies` in order (then 200); `envKeys` are removed
 * from process.env after each test.
 */
export function useScriptedCollector(envKeys: string[]): { replies: Reply[] } {
  const script = { replies: [] as Reply[] };
  useLocalCollector(() => script.replies.shift());
  beforeEach(() => {
    script.replies = [];
  });
  afterEach(() => {
    for (const key of envKeys) delete process.env[key];
  });
  return script;
}

export function makeCall(overrides: Partial<Call> = {}): Call {
  const id = uuidv7();
  return {
    id, traceId: id, parentId: null, project: 'proj', opName: 'openai.chat.completions.create',
    displayName: 'openai.chat.completions.create', kind: 'llm',
    startedAt: '2025-01-02T03:04:05.678Z', endedAt: '2025-01-02T03:04:06.789Z', status: 'success',
    inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0.5, max_tokens: 50 },
    output: { id: 'chatcmpl-1', model: 'gpt-4o-mini-2024-07-18', choices: [] }, exception: null,
    attributes: { provider: 'openai', baseUrl: 'https://api.openai.com/v1', integration: { name: 'openai', version: '6.0.0' } },
    summary: { usage: { 'gpt-4o-mini-2024-07-18': { requests: 1, inputTokens: 12, outputTokens: 7, totalTokens: 19 } }, totalCost: 0.0000123 },
    ...overrides,
  };
}

/** An exporter to the collector that retries without waiting. */
export const exporter = (options: OtlpExporterOptions = {}) => new OtlpExporter({ endpoint: base, env: {}, initialBackoffMs: 1, ...options });
export const spansOf = (r: Received) => r.body.resourceSpans[0].scopeSpans[0].spans as any[];
export const allSpans = () => received.flatMap(spansOf);
export function attrs(list: Array<{ key: string; value: Record<string, unknown> }>): Record<string, unknown> {
  return Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));
}
export const hex = (uuid: string) => uuid.replaceAll('-', '');
