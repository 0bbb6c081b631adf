/**
 * cohere-ai, not streamed (SPEC §5, issue 5): one record per call of CohereClient (chat,
 * generate, embed, rerank) and CohereClientV2 (chat, embed, rerank) with the op name, kind,
 * request body as inputs, the response the app got as output, usage from meta.billedUnits /
 * usage, integration facts, and no key. The app gets what the untraced SDK gives it,
 * `withRawResponse()` included, and a CohereClientV2 created before init() is traced.
 */
import { CohereClientV2 } from 'cohere-ai';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { op, withTracingDisabled } from '../../src/index.js';
import type { Usage } from '../../src/types.js';
import { COHERE_TEST_KEY, cohereRequestOf, cohereV1, cohereV2 } from '../helpers/cohere.js';
import { traced, type Traced } from '../helpers/collect.js';
import { failOnUnhandledRejection, receivedBodies, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture, responseBody, type WireFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

// Created before any init(): CohereClientV2 binds its methods per instance in its constructor.
const earlyV2 = new CohereClientV2({ token: COHERE_TEST_KEY, maxRetries: 0 });

let t: Traced;
beforeEach(() => {
  t = traced({ implicitlyPatchIntegrations: true });
});

/** Serves the fixture twice: once for the traced call, once for the untraced one. */
function serveTwice(fixture: WireFixture): void {
  server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
}

function expectFacts(call: { attributes: Record<string, unknown> }, baseUrl = 'https://api.cohere.com'): void {
  expect(call.attributes).toMatchObject({
    integration: { name: 'cohere', version: expect.stringMatching(/^8\.\d+\.\d+/) },
    provider: 'cohere',
    baseUrl,
  });
}

type Case = [name: string, opName: string, kind: string, fixture: string, call: (request: any) => Promise<unknown>, usage: Record<string, Usage>];

// Usage hand-checked from each fixture's meta.billed_units / usage.billed_units.
const cases: Case[] = [
  ['v1 chat', 'cohere.chat', 'llm', 'js-chat-v1', (r) => cohereV1().chat(r), { unknown: { requests: 1, inputTokens: 23, outputTokens: 60, totalTokens: 83 } }],
  ['v1 generate', 'cohere.generate', 'llm', 'js-generate', (r) => cohereV1().generate(r), { 'command-light': { requests: 1, inputTokens: 5, outputTokens: 57, totalTokens: 62 } }],
  ['v1 rerank', 'cohere.rerank', 'rerank', 'py-rerank-v1', (r) => cohereV1().rerank(r), { 'rerank-multilingual-v2.0': { requests: 1, searchUnits: 1 } }],
  ['v2 chat', 'cohere.v2.chat', 'llm', 'py-chat-v2', (r) => cohereV2().chat(r), { command: { requests: 1, inputTokens: 7, outputTokens: 88, totalTokens: 95 } }],
  ['v2 embed', 'cohere.v2.embed', 'embedding', 'py-embed-v2', (r) => cohereV2().embed(r), { 'embed-english-light-v3.0': { requests: 1, inputTokens: 208 } }],
  ['v2 rerank', 'cohere.v2.rerank', 'rerank', 'py-rerank-v2', (r) => cohereV2().rerank(r), { 'rerank-english-v3.0': { requests: 1, searchUnits: 1 } }],
];

describe('one record per call, the app gets what the untraced SDK gives', () => {
  it.each(cases)('%s (%s)', async (_label, opName, kind, name, call, usage) => {
    const fixture = loadFixture(`cohere/${name}.json`);
    serveTwice(fixture);
    const request = cohereRequestOf(fixture);
    const received = await call(request);
    const plain = await withTracingDisabled(() => call(request));
    expect(received).toEqual(plain);

    const record = await t.one(opName);
    expect(record).toMatchObject({ kind, status: 'success', exception: null, parentId: null });
    expect(record.inputs).toEqual(request);
    expect(record.output).toEqual(received);
    expect(record.summary.usage).toEqual(usage);
    expect(record.summary.latencyMs).toEqual(expect.any(Number));
    expectFacts(record);
    expect(JSON.stringify(record)).not.toContain(COHERE_TEST_KEY);
    expect(await t.calls()).toHaveLength(1);
  });

  it('v1 embed: meta.billedUnits input tokens, kind embedding', async () => {
    const body = { id: 'e1', response_type: 'embeddings_floats', texts: ['hello'], embeddings: [[0.1, 0.2]], meta: { api_version: { version: '1' }, billed_units: { input_tokens: 2 } } };
    server.use(http.post(/\/v1\/embed$/, () => HttpResponse.json(body)));
    const request = { texts: ['hello'], model: 'embed-english-v3.0', inputType: 'search_document' as const };
    const received = await cohereV1().embed(request);
    expect(received).toEqual(await withTracingDisabled(() => cohereV1().embed(request)));
    const record = await t.one('cohere.embed');
    expect(record).toMatchObject({ kind: 'embedding', status: 'success', inputs: request });
    expect(record.output).toEqual(received);
    expect(record.summary.usage).toEqual({ 'embed-english-v3.0': { requests: 1, inputTokens: 2 } });
  });

  it('v2 chat with tool calls, then the tool results (two records, nested under an op, usage rolled up)', async () => {
    const fixture = loadFixture('cohere/py-chat-v2-tool-calls-history.json');
    server.use(...fixtureHandlers(fixture));
    const client = cohereV2();
    const agent = op(async function weatherAgent() {
      const first = await client.chat(cohereRequestOf(fixture, 0));
      const second = await client.chat(cohereRequestOf(fixture, 1));
      return [first.finishReason, second.finishReason];
    });
    expect(await agent()).toEqual(['TOOL_CALL', 'COMPLETE']);
    const calls = await t.calls();
    const chats = calls.filter((c) => c.opName === 'cohere.v2.chat').sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    const parent = calls.find((c) => c.opName === 'weatherAgent')!;
    expect(chats.map((c) => c.parentId)).toEqual([parent.id, parent.id]);
    expect((chats[0]!.output as any).message.toolCalls.map((c: any) => c.function.name)).toEqual(['get_time', 'get_weather']);
    expect(chats[1]!.inputs.messages).toEqual(cohereRequestOf(fixture, 1).messages);
    const tokens = chats.map((c) => c.summary.usage!['command-r']!);
    expect(parent.summary.usage!['command-r']!.inputTokens).toBe(tokens[0]!.inputTokens! + tokens[1]!.inputTokens!);
    expect(parent.summary.usage!['command-r']!.requests).toBe(2);
  });
});

it('v2 chat with cached prompt tokens: usage.cachedTokens becomes cacheReadTokens', async () => {
  const body = structuredClone(responseBody(loadFixture('cohere/py-chat-v2.json')));
  body.usage.cached_tokens = 5;
  server.use(http.post(/\/v2\/chat$/, () => HttpResponse.json(body)));
  const response = await cohereV2().chat(cohereRequestOf(loadFixture('cohere/py-chat-v2.json')));
  expect(response.usage?.cachedTokens).toBe(5);
  const record = await t.one('cohere.v2.chat');
  expect(record.summary.usage).toEqual({ command: { requests: 1, inputTokens: 7, outputTokens: 88, totalTokens: 95, cacheReadTokens: 5 } });
});

describe('CohereClientV2 and the v2 resource', () => {
  it('a CohereClientV2 created before init() is traced (its bound chat calls the patched __chat)', async () => {
    const fixture = loadFixture('cohere/py-chat-v2.json');
    serveTwice(fixture);
    const request = cohereRequestOf(fixture);
    const received = await earlyV2.chat(request);
    expect(received).toEqual(await withTracingDisabled(() => earlyV2.chat(request)));
    const record = await t.one('cohere.v2.chat');
    expect(record.output).toEqual(received);
    expect(record.summary.usage).toEqual({ command: { requests: 1, inputTokens: 7, outputTokens: 88, totalTokens: 95 } });
  });

  it('a v1 client\'s `v2` resource records v2 op names', async () => {
    server.use(...fixtureHandlers(loadFixture('cohere/py-rerank-v2.json')));
    await cohereV1().v2.rerank(cohereRequestOf(loadFixture('cohere/py-rerank-v2.json')));
    expect((await t.calls()).map((c) => c.opName)).toEqual(['cohere.v2.rerank']);
  });

  it('a CohereClientV2 call is never recorded as a v1 op', async () => {
    server.use(...fixtureHandlers(loadFixture('cohere/py-chat-v2.json')));
    await cohereV2().chat(cohereRequestOf(loadFixture('cohere/py-chat-v2.json')));
    expect((await t.calls()).map((c) => c.opName)).toEqual(['cohere.v2.chat']);
  });
});

describe('withRawResponse() keeps working and the call is recorded once', () => {
  it.each([
    ['v1 chat', 'cohere.chat', 'js-chat-v1', (r: any) => cohereV1().chat(r)],
    ['v2 chat', 'cohere.v2.chat', 'py-chat-v2', (r: any) => cohereV2().chat(r)],
  ] as const)('%s', async (_label, opName, name, call) => {
    const fixture = loadFixture(`cohere/${name}.json`);
    serveTwice(fixture);
    const request = cohereRequestOf(fixture);
    const { data, rawResponse } = await call(request).withRawResponse();
    const plain = await withTracingDisabled(() => call(request).withRawResponse());
    expect(data).toEqual(plain.data);
    expect(rawResponse.status).toBe(200);
    expect(rawResponse.headers.get('content-type')).toBe(plain.rawResponse.headers.get('content-type'));
    const record = await t.one(opName);
    expect(record.status).toBe('success');
    expect(record.output).toEqual(data);
    // the record keeps the response, not the envelope around it
    expect(record.output).not.toHaveProperty('rawResponse');
  });
});

describe('destination: base URL from baseUrl or environment, as a value; a function is never called', () => {
  it.each([
    ['environment (value)', { environment: 'https://proxy.example.com/cohere' }, 'proxy.example.com', 'https://proxy.example.com/cohere'],
    ['baseUrl wins over environment', { baseUrl: 'https://api.cohere.com', environment: 'https://other.example.com' }, 'cohere', 'https://api.cohere.com'],
    ['a key in the query string is dropped', { environment: 'https://gateway.example.com/v?key=SECRET' }, 'gateway.example.com', 'https://gateway.example.com/v'],
  ])('%s', async (_label, options, provider, baseUrl) => {
    server.use(...fixtureHandlers(loadFixture('cohere/py-chat-v2.json')));
    await cohereV2(options as never).chat(cohereRequestOf(loadFixture('cohere/py-chat-v2.json')));
    const record = await t.one('cohere.v2.chat');
    expect(record.attributes).toMatchObject({ provider, baseUrl });
    expect(JSON.stringify(record)).not.toContain('SECRET');
  });

  it('baseUrl as a function: called by the SDK alone, as untraced (it may rotate endpoints); provider cohere, no base URL', async () => {
    const fixture = loadFixture('cohere/py-chat-v2.json');
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const hosts = ['http://localhost:8080', 'http://localhost:8081'];
    let calls = 0;
    const rotating = () => hosts[calls++ % 2]!;
    const client = cohereV2({ baseUrl: rotating } as never);
    await client.chat(cohereRequestOf(fixture));
    await client.chat(cohereRequestOf(fixture));
    expect(calls).toBe(2);
    const records = await t.calls();
    expect(records.map((r) => [r.attributes.provider, r.attributes.baseUrl])).toEqual([['cohere', undefined], ['cohere', undefined]]);
  });

  it('baseUrl as a promise: provider cohere, no base URL guessed', async () => {
    server.use(...fixtureHandlers(loadFixture('cohere/py-chat-v2.json')));
    await cohereV2({ baseUrl: Promise.resolve('https://api.cohere.com') } as never).chat(cohereRequestOf(loadFixture('cohere/py-chat-v2.json')));
    const record = await t.one('cohere.v2.chat');
    expect(record.attributes.provider).toBe('cohere');
    expect(record.attributes).not.toHaveProperty('baseUrl');
  });
});

it('the body that went on the wire is the one the untraced SDK sends', async () => {
  const fixture = loadFixture('cohere/js-generate.json');
  serveTwice(fixture);
  const bodies = receivedBodies(server);
  const request = cohereRequestOf(fixture);
  await cohereV1().generate(request);
  await withTracingDisabled(() => cohereV1().generate(request));
  const [traced, plain] = await bodies();
  expect(traced).toEqual(plain);
  expect(responseBody(fixture).generations).toHaveLength(1);
});
