/**
 * @mistralai/mistralai, not streamed (SPEC §5, issue 5): chat.complete, chat.parse,
 * embeddings.create, fim.complete and agents.complete are one record each, with the request
 * as inputs, the response the app got as output, usage from `usage` (cached prompt tokens as
 * cacheReadTokens), integration facts and no key. The app gets what the untraced SDK gives,
 * and a client created before init() is traced.
 */
import { createRequire } from 'node:module';
import { Mistral } from '@mistralai/mistralai';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import type { Usage } from '../../src/types.js';
import { traced, type Traced } from '../helpers/collect.js';
import { MISTRAL_TEST_KEY, mistralClient, mistralRequestOf } from '../helpers/mistral.js';
import { failOnUnhandledRejection, receivedBodies, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture, responseBody, type WireFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

// Created before any init(): its resources are created lazily from the (then patched) classes.
const early = new Mistral({ apiKey: MISTRAL_TEST_KEY });

let t: Traced;
beforeEach(() => {
  t = traced({ implicitlyPatchIntegrations: true });
});

function serveTwice(fixture: WireFixture): void {
  server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
}

function expectFacts(call: { attributes: Record<string, unknown> }): void {
  expect(call.attributes).toMatchObject({
    integration: { name: 'mistral', version: expect.stringMatching(/^2\.\d+\.\d+/) },
    provider: 'mistral',
    baseUrl: 'https://api.mistral.ai',
  });
}

const chatRequest = { model: 'mistral-tiny', messages: [{ role: 'user' as const, content: 'Tell me a joke about OpenTelemetry' }] };

describe('chat.complete', () => {
  const cases: Array<[string, Usage]> = [
    ['py-chat-2', { requests: 1, inputTokens: 11, outputTokens: 53, totalTokens: 64 }],
    // 20 prompt tokens, 10 of them read from the cache
    ['py-chat-cached-tokens', { requests: 1, inputTokens: 20, outputTokens: 18, totalTokens: 38, cacheReadTokens: 10 }],
  ];
  it.each(cases)('%s: record = request in, response out, usage', async (name, usage) => {
    const fixture = loadFixture(`mistral/${name}.json`);
    serveTwice(fixture);
    const response = await mistralClient().chat.complete(chatRequest);
    expect(response).toEqual(await withTracingDisabled(() => mistralClient().chat.complete(chatRequest)));
    const call = await t.one('mistral.chat.complete');
    expect(call).toMatchObject({ kind: 'llm', status: 'success', exception: null, parentId: null });
    expect(call.inputs).toEqual(chatRequest);
    expect(call.output).toEqual(response);
    expect(call.summary.usage).toEqual({ 'mistral-tiny': usage });
    expectFacts(call);
    expect(JSON.stringify(call)).not.toContain(MISTRAL_TEST_KEY);
  });

  it('a tool-call round trip: two records, tool calls in the first output', async () => {
    const fixture = loadFixture('mistral/pai-chat-tool-call-roundtrip.json');
    server.use(...fixtureHandlers(fixture));
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Get the current weather for a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const client = mistralClient();
    const first = await client.chat.complete({ model: 'mistral-large-latest', messages: [{ role: 'user', content: "What's the weather in Paris?" }], tools, toolChoice: 'auto' });
    const toolCall = first.choices![0]!.message!.toolCalls![0]!;
    await client.chat.complete({
      model: 'mistral-large-latest',
      tools,
      messages: [
        { role: 'user', content: "What's the weather in Paris?" },
        { role: 'assistant', content: '', toolCalls: [toolCall] },
        { role: 'tool', content: 'Sunny, 22C in Paris', toolCallId: toolCall.id },
      ],
    });
    const calls = (await t.calls()).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(calls.map((c) => c.opName)).toEqual(['mistral.chat.complete', 'mistral.chat.complete']);
    expect((calls[0]!.output as any).choices[0].message.toolCalls[0].function).toEqual({ name: 'get_weather', arguments: '{"city": "Paris"}' });
    expect((calls[0]!.output as any).choices[0].finishReason).toBe('tool_calls');
    expect((calls[1]!.inputs as any).messages[2]).toEqual({ role: 'tool', content: 'Sunny, 22C in Paris', toolCallId: toolCall.id });
    expect((calls[1]!.output as any).choices[0].message.content).toContain('Paris');
  });

  it('a client created before init() is traced', async () => {
    serveTwice(loadFixture('mistral/py-chat-2.json'));
    const response = await early.chat.complete(chatRequest);
    expect(response).toEqual(await withTracingDisabled(() => early.chat.complete(chatRequest)));
    expect((await t.one('mistral.chat.complete')).output).toEqual(response);
  });

  it('serverURL: the record names the host; the body on the wire is the untraced one', async () => {
    serveTwice(loadFixture('mistral/py-chat-2.json'));
    const bodies = receivedBodies(server);
    await mistralClient({ serverURL: 'http://localhost:11434/' }).chat.complete(chatRequest);
    await withTracingDisabled(() => mistralClient({ serverURL: 'http://localhost:11434/' }).chat.complete(chatRequest));
    const [traced, plain] = await bodies();
    expect(traced).toEqual(plain);
    const call = await t.one('mistral.chat.complete');
    expect(call.attributes).toMatchObject({ provider: 'ollama', baseUrl: 'http://localhost:11434' });
  });
});

describe('chat.parse (its request bypasses chat.complete): one record', () => {
  it('the parsed response is the output; usage as for complete', async () => {
    const zod = createRequire(import.meta.resolve('@mistralai/mistralai'))('zod/v4');
    const Joke = zod.object({ setup: zod.string(), punchline: zod.string() });
    const body = responseBody(loadFixture('mistral/py-chat-2.json'));
    body.choices[0].message.content = '{"setup":"Why did the span cross the road?","punchline":"To reach the collector."}';
    server.use(http.post(/\/v1\/chat\/completions$/, () => HttpResponse.json(body)));
    const parsed = await mistralClient().chat.parse({ ...chatRequest, responseFormat: Joke });
    expect(parsed.choices![0]!.message!.parsed).toEqual({ setup: 'Why did the span cross the road?', punchline: 'To reach the collector.' });
    const calls = await t.calls();
    expect(calls.map((c) => c.opName)).toEqual(['mistral.chat.parse']);
    expect(calls[0]!.inputs).toMatchObject(chatRequest);
    // The schema as its JSON Schema, not the Zod object's internals.
    expect(calls[0]!.inputs.responseFormat).toEqual({
      _type: 'ZodObject',
      vendor: 'zod',
      jsonSchema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { setup: { type: 'string' }, punchline: { type: 'string' } },
        required: ['setup', 'punchline'],
      },
    });
    expect((calls[0]!.output as any).choices[0].message.parsed).toEqual(parsed.choices![0]!.message!.parsed);
    expect(calls[0]!.summary.usage).toEqual({ 'mistral-tiny': { requests: 1, inputTokens: 11, outputTokens: 53, totalTokens: 64 } });
  });
});

describe('embeddings.create', () => {
  it.each([
    ['py-embeddings', 'Tell me a joke about OpenTelemetry', 10],
    ['py-embeddings-batch', ['Tell me a joke about OpenTelemetry', 'Tell me a joke about Traceloop'], 21],
  ] as const)('%s: kind embedding, input tokens only', async (name, inputs, tokens) => {
    const fixture = loadFixture(`mistral/${name}.json`);
    serveTwice(fixture);
    const request = { model: 'mistral-embed', inputs: inputs as string | string[] };
    const response = await mistralClient().embeddings.create(request);
    expect(response).toEqual(await withTracingDisabled(() => mistralClient().embeddings.create(request)));
    const call = await t.one('mistral.embeddings.create');
    expect(call).toMatchObject({ kind: 'embedding', status: 'success', inputs: request });
    expect(call.output).toEqual(response);
    expect(call.summary.usage).toEqual({ 'mistral-embed': { requests: 1, inputTokens: tokens, totalTokens: tokens } });
  });
});

describe('fim.complete and agents.complete', () => {
  const body = () => responseBody(loadFixture('mistral/py-chat-2.json'));
  it('fim.complete: kind llm, usage from the response', async () => {
    server.use(http.post(/\/v1\/fim\/completions$/, () => HttpResponse.json({ ...body(), model: 'codestral-latest' })));
    const request = { model: 'codestral-latest', prompt: 'def add(a, b):', suffix: '\n' };
    const response = await mistralClient().fim.complete(request);
    const call = await t.one('mistral.fim.complete');
    expect(call).toMatchObject({ kind: 'llm', status: 'success', inputs: request });
    expect(call.output).toEqual(response);
    expect(call.summary.usage).toEqual({ 'codestral-latest': { requests: 1, inputTokens: 11, outputTokens: 53, totalTokens: 64 } });
  });

  it('agents.complete: keyed by the model the response names', async () => {
    server.use(http.post(/\/v1\/agents\/completions$/, () => HttpResponse.json(body())));
    const request = { agentId: 'ag_123', messages: [{ role: 'user' as const, content: 'hi' }] };
    const response = await mistralClient().agents.complete(request);
    const call = await t.one('mistral.agents.complete');
    expect(call).toMatchObject({ kind: 'llm', status: 'success', inputs: request });
    expect(call.output).toEqual(response);
    expect(call.summary.usage).toEqual({ 'mistral-tiny': { requests: 1, inputTokens: 11, outputTokens: 53, totalTokens: 64 } });
  });
});

it('chat.complete inside withTracingDisabled: nothing recorded', async () => {
  server.use(...fixtureHandlers(loadFixture('mistral/py-chat-2.json')));
  await withTracingDisabled(() => mistralClient().chat.complete(chatRequest));
  expect(mistralRequestOf(loadFixture('mistral/py-chat-2.json'))).toEqual(chatRequest);
  expect(await t.calls()).toEqual([]);
});
