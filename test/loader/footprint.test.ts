/**
 * What tracing leaves behind in an app's process, read in child processes where nothing else
 * interferes: an app that only calls SDKs leaves AsyncLocalStorage off (patching/engine.ts; on
 * Node 20 it runs on promise hooks, which once on slow every promise in the process), and a
 * call waiting for export holds its snapshot, not the application's arguments, nor its record
 * once an exporter holds it serialized.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, makeApp, removeApps, resultOf, runApp } from '../helpers/node-app.js';
import { APPS, SUPPORT } from './records.js';

beforeAll(assertBuilt);
afterAll(removeApps);

// Node 22.7+ and 24 run AsyncLocalStorage on context frames, without the flag read here.
const flagged = Number(process.versions.node.split('.')[0]) === 20;

describe.skipIf(!flagged)('AsyncLocalStorage stays off for SDK calls (Node 20)', () => {
  it('is off after traced plain and streamed calls, which are all recorded', async () => {
    const dir = makeApp([`${APPS}context-off.mjs`]);
    const result = resultOf(await runApp(dir, 'context-off.mjs', { env: { TW_SUPPORT: SUPPORT } }));
    expect(result.recorded).toEqual(['openai.chat.completions.create', 'openai.chat.completions.create']);
    expect(result.enabled).toBe(false);
  });

  it('is on once the app uses op(): the flag read here does tell', async () => {
    const dir = makeApp([`${APPS}context-off.mjs`]);
    const result = resultOf(await runApp(dir, 'context-off.mjs', { env: { TW_SUPPORT: SUPPORT, CONTEXT: 'op' } }));
    expect(result.enabled).toBe(true);
  });
});

describe('a queued call', () => {
  it('keeps its snapshot of the arguments, not the arguments: they can be collected before export', async () => {
    const dir = makeApp([`${APPS}arguments-released.mjs`]);
    const result = resultOf(await runApp(dir, 'arguments-released.mjs', { nodeArgs: ['--expose-gc'] }));
    expect(result.queuedBeforeGc).toBe(true);
    expect(result.collected).toBe(true);
    expect(result.recorded).toEqual(['How long is this?']);
  });
});

describe('an exported call', () => {
  it('waiting in an otlp request is held as its span: the record can be collected', async () => {
    const dir = makeApp([`${APPS}record-released.mjs`]);
    const result = resultOf(await runApp(dir, 'record-released.mjs', { nodeArgs: ['--expose-gc'] }));
    expect(result).toEqual({ handedOver: 1, requestWaiting: true, collected: true });
  });
});

describe("Node's built-in modules", () => {
  it('node:http(s), node:http2 and node:zlib are loaded only when an otlp exporter sends: over HTTP, over gRPC, gzipped', async () => {
    const dir = makeApp([`${APPS}builtins-loaded.mjs`]);
    const local = resultOf(await runApp(dir, 'builtins-loaded.mjs', { env: { TRACEWIRE_DIR: dir } }));
    expect(local).toEqual({ before: [], after: [] });
    const grpc = { TRACEWIRE_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_EXPORTER_OTLP_TIMEOUT: '50' };
    const otlp = resultOf(await runApp(dir, 'builtins-loaded.mjs', { env: grpc }));
    expect(otlp).toEqual({ before: [], after: ['http', 'http2', 'zlib'] }); // node:http2 loads node:http itself
    const overHttps = { TRACEWIRE_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://127.0.0.1:1', OTEL_EXPORTER_OTLP_TIMEOUT: '50' };
    expect(resultOf(await runApp(dir, 'builtins-loaded.mjs', { env: overHttps }))).toEqual({ before: [], after: ['https'] });
  }, 30_000);
});

describe('copies in a process that forbids code generation from strings', () => {
  it('are all made, key by key, equal to what the values were', async () => {
    const dir = makeApp([`${APPS}copies-without-codegen.mjs`]);
    const result = resultOf(await runApp(dir, 'copies-without-codegen.mjs', { nodeArgs: ['--disallow-code-generation-from-strings'] }));
    expect(result.codegen).toBe(false);
    expect(result.recorded).toHaveLength(6);
    result.recorded.forEach((call: { inputs: unknown; output: unknown }, i: number) => {
      const request = { model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: `question ${i}` }] };
      expect(call.inputs).toEqual({ request });
      expect(call.output).toEqual({ answer: `QUESTION ${i}`, usage: { tokens: 2 } });
    });
  });
});
