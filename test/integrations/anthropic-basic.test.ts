import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { APIPromise } from '@anthropic-ai/sdk/core/api-promise';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { flush, init, op, withTracingDisabled, wrapAnthropic } from '../../src/index.js';
import type { Usage } from '../../src/types.js';
import { ANTHROPIC_TEST_KEY, anthropicClient, COUNT_TOKENS_URL, jsonAnswer, requestOf, responseOf } from '../helpers/anthropic.js';
import { traced, type Traced } from '../helpers/collect.js';
import { failOnUnhandledRejection, receivedBodies, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const CREATE = 'anthropic.messages.create';

let t: Traced;
beforeEach(() => {
  t = traced({ implicitlyPatchIntegrations: true });
});

/** The same request untraced, on its own client: what the app gets without tracewire. */
async function untracedCreate(body: Anthropic.MessageCreateParamsNonStreaming) {
  return withTracingDisabled(() => anthropicClient().messages.create(body));
}

describe('messages.create, not streamed', () => {
  it('js-messages-basic: inputs = body, output = the Message, usage arithmetic, integration facts', async () => {
    const fixture = loadFixture('anthropic/js-messages-basic.json');
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const body = requestOf<Anthropic.MessageCreateParamsNonStreaming>(fixture);
    const message = await anthropicClient().messages.create(body);
    const plain = await untracedCreate(body);
    expect(message).toEqual(plain);
    expect(message).toEqual(responseOf(fixture));

    const call = await t.one(CREATE);
    expect(call.kind).toBe('llm');
    expect(call.status).toBe('success');
    expect(call.exception).toBeNull();
    expect(call.inputs).toEqual(body);
    expect(call.output).toEqual(responseOf(fixture));
    expect(call.attributes).toMatchObject({
      integration: { name: 'anthropic', version: expect.stringMatching(/^1\.\d+\.\d+/) },
      provider: 'anthropic',
      baseUrl: 'https://api.anthropic.com',
    });
    // 17 uncached + 0 read + 0 written = 17 in; 137 out.
    expect(call.summary.usage).toEqual({
      'claude-3-opus-20240229': { requests: 1, inputTokens: 17, outputTokens: 137, totalTokens: 154, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
    expect(call.summary.latencyMs).toEqual(expect.any(Number));
    expect(JSON.stringify(call)).not.toContain(ANTHROPIC_TEST_KEY);
    expect(t.warnings).toEqual([]);
  });

  // Hand-checked from each fixture's response usage: input = input_tokens + cache read + cache write.
  const cases: Array<[string, string, Usage]> = [
    ['oi-messages', 'claude-sonnet-4-6', { requests: 1, inputTokens: 14, outputTokens: 11, totalTokens: 25, cacheReadTokens: 0, cacheWriteTokens: 0 }],
    ['oi-tool-result-input', 'claude-sonnet-4-6', { requests: 1, inputTokens: 772, outputTokens: 47, totalTokens: 819, cacheReadTokens: 0, cacheWriteTokens: 0 }],
    ['py-tool-use', 'claude-3-5-sonnet-20240620', { requests: 1, inputTokens: 514, outputTokens: 152, totalTokens: 666 }],
    ['js-messages-system', 'claude-3-opus-20240229', { requests: 1, inputTokens: 14, outputTokens: 10, totalTokens: 24, cacheReadTokens: 0, cacheWriteTokens: 0 }],
    ['py-messages-system', 'claude-3-5-sonnet-20240620', { requests: 1, inputTokens: 33, outputTokens: 95, totalTokens: 128 }],
    ['oi-image-input', 'claude-3-5-sonnet-20240620', { requests: 1, inputTokens: 78, outputTokens: 263, totalTokens: 341, cacheReadTokens: 0, cacheWriteTokens: 0 }],
  ];

  it.each(cases)('%s: system / messages / tools / images recorded as sent, Message as received, usage', async (name, model, usage) => {
    const fixture = loadFixture(`anthropic/${name}.json`);
    server.use(...fixtureHandlers(fixture));
    const body = requestOf<Anthropic.MessageCreateParamsNonStreaming>(fixture);
    const message = await anthropicClient().messages.create(body);
    expect(message).toEqual(responseOf(fixture));

    const call = await t.one(CREATE);
    expect(call.status).toBe('success');
    expect(call.inputs).toEqual(body);
    for (const key of ['system', 'tools', 'messages'] as const) expect(call.inputs[key]).toEqual(body[key]);
    expect(call.output).toEqual(message);
    expect(call.summary.usage).toEqual({ [model]: usage });
  });

  it('py-image-base64: the full image goes on the wire; the record keeps it cut at the documented string limit', async () => {
    const fixture = loadFixture('anthropic/py-image-base64.json');
    server.use(...fixtureHandlers(fixture));
    const bodies = receivedBodies(server);
    const body = requestOf<Anthropic.MessageCreateParamsNonStreaming>(fixture);
    const message = await anthropicClient().messages.create(body);
    expect(message).toEqual(responseOf(fixture));
    expect(await bodies()).toEqual([body]);

    const call = await t.one(CREATE);
    const image = (body.messages[0]!.content as Anthropic.ContentBlockParam[])[1] as Anthropic.ImageBlockParam;
    const data = (image.source as Anthropic.Base64ImageSource).data;
    expect(data.length).toBeGreaterThan(100_000);
    const recorded = (call.inputs as any).messages[0].content[1];
    expect(recorded).toEqual({ ...image, source: { ...image.source, data: `${data.slice(0, 100_000)}…[truncated ${(data.length - 100_000).toLocaleString('en-US')} chars]` } });
    expect(recorded.source.data).toMatch(/…\[truncated [\d,]+ chars\]$/);
    expect(call.output).toEqual(message);
    expect(call.summary.usage).toEqual({ 'claude-3-opus-20240229': { requests: 1, inputTokens: 1381, outputTokens: 68, totalTokens: 1449 } });
  });

  it('py-tool-use: tool_use blocks of the output keep their parsed input objects', async () => {
    const fixture = loadFixture('anthropic/py-tool-use.json');
    server.use(...fixtureHandlers(fixture));
    const message = await anthropicClient().messages.create(requestOf(fixture));
    const call = await t.one(CREATE);
    const tools = (call.output as Anthropic.Message).content.filter((b) => b.type === 'tool_use');
    expect(tools.map((b) => [b.name, b.input])).toEqual([
      ['get_weather', { location: 'New York, NY', unit: 'fahrenheit' }],
      ['get_time', { timezone: 'America/New_York' }],
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect((call.output as Anthropic.Message).stop_reason).toBe('tool_use');
  });
});

describe('prompt caching: cache reads and writes are part of inputTokens and kept apart', () => {
  const expected: Record<string, [string, Usage, Usage]> = {
    // 4 uncached + 1163 written; then 4 uncached + 1163 read.
    'py-prompt-caching': [
      'claude-3-5-sonnet-20240620',
      { requests: 1, inputTokens: 1167, outputTokens: 187, totalTokens: 1354, cacheReadTokens: 0, cacheWriteTokens: 1163 },
      { requests: 1, inputTokens: 1167, outputTokens: 202, totalTokens: 1369, cacheReadTokens: 1163, cacheWriteTokens: 0 },
    ],
    // 21 uncached + 1733 written; then 21 uncached + 1733 read.
    'oi-system-cache-control': [
      'claude-3-7-sonnet-20250219',
      { requests: 1, inputTokens: 1754, outputTokens: 561, totalTokens: 2315, cacheReadTokens: 0, cacheWriteTokens: 1733 },
      { requests: 1, inputTokens: 1754, outputTokens: 568, totalTokens: 2322, cacheReadTokens: 1733, cacheWriteTokens: 0 },
    ],
  };

  it.each(Object.entries(expected))('%s, two exchanges under one op: each call and the parent roll-up', async (name, [model, first, second]) => {
    const fixture = loadFixture(`anthropic/${name}.json`);
    server.use(...fixtureHandlers(fixture));
    const client = anthropicClient();
    const twice = op(async function cachedTwice() {
      const a = await client.messages.create(requestOf(fixture, 0));
      const b = await client.messages.create(requestOf(fixture, 1));
      return [a.id, b.id];
    });
    expect(await twice()).toEqual([responseOf(fixture, 0).id, responseOf(fixture, 1).id]);

    const calls = await t.calls();
    const creates = calls.filter((c) => c.opName === CREATE).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(creates).toHaveLength(2);
    expect(creates[0]!.inputs.system).toEqual(requestOf(fixture, 0).system);
    expect(creates[0]!.summary.usage).toEqual({ [model]: first });
    expect(creates[1]!.summary.usage).toEqual({ [model]: second });
    const parent = calls.find((c) => c.opName === 'cachedTwice')!;
    expect(creates.every((c) => c.parentId === parent.id)).toBe(true);
    expect(parent.summary.usage![model]).toEqual({
      requests: 2,
      inputTokens: first.inputTokens! + second.inputTokens!,
      outputTokens: first.outputTokens! + second.outputTokens!,
      totalTokens: first.totalTokens! + second.totalTokens!,
      cacheReadTokens: second.cacheReadTokens,
      cacheWriteTokens: first.cacheWriteTokens,
    });
  });
});

describe('beta.messages.create and messages.countTokens', () => {
  it('oi-beta-messages: op anthropic.beta.messages.create with the Message and its usage', async () => {
    const fixture = loadFixture('anthropic/oi-beta-messages.json');
    server.use(...fixtureHandlers(fixture));
    const body = requestOf<Anthropic.Beta.MessageCreateParamsNonStreaming>(fixture);
    const message = await anthropicClient().beta.messages.create(body);
    expect(message).toEqual(responseOf(fixture));

    const calls = await t.calls();
    expect(calls.map((c) => c.opName)).toEqual(['anthropic.beta.messages.create']);
    const [call] = calls;
    expect(call!.kind).toBe('llm');
    expect(call!.inputs).toEqual(body);
    expect(call!.output).toEqual(message);
    expect(call!.attributes).toMatchObject({ provider: 'anthropic', integration: { name: 'anthropic' } });
    expect(call!.summary.usage).toEqual({
      'claude-sonnet-4-6': { requests: 1, inputTokens: 28, outputTokens: 36, totalTokens: 64, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });

  it('countTokens: op anthropic.messages.countTokens, output the count, no usage', async () => {
    server.use(jsonAnswer({ input_tokens: 12 }, 200, COUNT_TOKENS_URL));
    const body = { model: 'claude-sonnet-4-6', messages: [{ role: 'user' as const, content: 'Hello, world' }] };
    const counted = await anthropicClient().messages.countTokens(body);
    expect(counted).toEqual({ input_tokens: 12 });

    const call = await t.one('anthropic.messages.countTokens');
    expect(call.kind).toBe('llm');
    expect(call.status).toBe('success');
    expect(call.inputs).toEqual(body);
    expect(call.output).toEqual({ input_tokens: 12 });
    expect(call.summary.usage).toBeUndefined();
    expect(call.summary.totalCost ?? 0).toBe(0);
    expect(call.attributes).toMatchObject({ provider: 'anthropic' });
  });
});

describe('what the app gets back', () => {
  it('the SDK APIPromise itself: withResponse() works, asResponse() alone ends the record as success', async () => {
    const fixture = loadFixture('anthropic/oi-messages.json');
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const client = anthropicClient();
    const promise = client.messages.create(requestOf(fixture));
    expect(promise).toBeInstanceOf(APIPromise);
    const { data, response } = await promise.withResponse();
    expect(response.status).toBe(200);
    expect(data).toEqual(responseOf(fixture));

    const raw = await client.messages.create(requestOf(fixture)).asResponse();
    expect(JSON.parse(await raw.text())).toEqual(responseOf(fixture));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const calls = (await t.calls()).filter((c) => c.opName === CREATE);
    expect(calls.map((c) => c.status)).toEqual(['success', 'success']);
    expect(calls.filter((c) => c.output !== null)).toHaveLength(1);
  });

  it('wrapAnthropic returns the same client and type; wrapped + patched records once', async () => {
    const fixture = loadFixture('anthropic/oi-messages.json');
    server.use(...fixtureHandlers(fixture));
    const client = anthropicClient();
    const wrapped = wrapAnthropic(client);
    expect(wrapped).toBe(client);
    expectTypeOf(wrapped).toEqualTypeOf<Anthropic>();
    await wrapped.messages.create(requestOf(fixture));
    expect((await t.calls()).filter((c) => c.opName === CREATE)).toHaveLength(1);
  });

  it('withTracingDisabled: same response, nothing recorded', async () => {
    const fixture = loadFixture('anthropic/oi-messages.json');
    server.use(...fixtureHandlers(fixture));
    expect(await untracedCreate(requestOf(fixture))).toEqual(responseOf(fixture));
    expect(await t.calls()).toEqual([]);
  });
});

describe('warnings', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a deprecated model: the SDK warns as it does untraced, tracewire adds no warning', async () => {
    const answer = { id: 'msg_dep', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } };
    server.use(http.post(/\/v1\/messages$/, () => HttpResponse.json(answer)));
    const body = { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await withTracingDisabled(() => anthropicClient().messages.create(body));
    const untracedWarnings = warn.mock.calls.map((c) => String(c[0]));
    warn.mockClear();
    expect(await anthropicClient().messages.create(body)).toEqual(answer);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(untracedWarnings);
    expect(untracedWarnings.some((m) => m.includes('deprecated'))).toBe(true);
    expect(t.warnings).toEqual([]);
    expect((await t.one(CREATE)).summary.usage).toEqual({ 'claude-sonnet-4-5-20250929': { requests: 1, inputTokens: 3, outputTokens: 1, totalTokens: 4 } });
  });
});

describe('credentials', () => {
  it('the API key appears in no byte of the local store directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracewire-anthropic-key-'));
    try {
      const tw = init({ exporters: ['local'], dir, implicitlyPatchIntegrations: true });
      const fixture = loadFixture('anthropic/py-tool-use.json');
      server.use(...fixtureHandlers(fixture), jsonAnswer({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }, 401));
      const client = anthropicClient();
      await client.messages.create(requestOf(fixture));
      await expect(client.messages.create(requestOf(fixture))).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
      await flush();
      const stored = await tw.getCalls({});
      expect(stored.map((c) => c.status).sort()).toEqual(['error', 'success']);

      const files = listFiles(dir);
      expect(files.length).toBeGreaterThan(0);
      const key = Buffer.from(ANTHROPIC_TEST_KEY);
      const keyTail = Buffer.from(ANTHROPIC_TEST_KEY.slice(-20));
      for (const file of files) {
        const bytes = readFileSync(file);
        expect(bytes.includes(key), file).toBe(false);
        expect(bytes.includes(keyTail), file).toBe(false);
      }
      // The scan is not vacuous: the store holds the recorded prompt.
      expect(files.some((f) => readFileSync(f).includes(Buffer.from('What is the weather like right now in New York')))).toBe(true);
    } finally {
      t = traced({ implicitlyPatchIntegrations: true }); // closes the local store before the folder goes
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
