import { http, HttpResponse } from 'msw';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { Call, CallKind } from '../../src/types.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { audioFile, CHAT, openaiClient, recordedChunks } from '../helpers/openai.js';
import { fixtureHandlers, loadFixture, requestBody, responseBody, type WireFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const RESPONSES = 'openai.responses.create';

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

/** Serves every exchange of the fixture once and counts the HTTP requests msw actually answered. */
function serve(...fixtures: WireFixture[]): () => number {
  let requests = 0;
  server.events.on('request:start', () => requests++);
  // One use() call: msw puts each use() in front of the previous ones, which would reverse the turns.
  server.use(...fixtures.flatMap((fixture) => fixtureHandlers(fixture)));
  return () => requests;
}

/** Every recorded call is one of `opName`, one per HTTP request, all successful. */
async function expectOnePerRequest(opName: string, requests: number): Promise<Call[]> {
  const calls = await t.calls();
  expect(requests).toBeGreaterThan(0);
  expect(calls).toHaveLength(requests);
  for (const call of calls) expect([call.opName, call.status]).toEqual([opName, 'success']);
  return calls;
}

describe('chat helpers go through create: one record per HTTP request', () => {
  it('chat.completions.parse: the app gets the parsed content; one create record with the raw response', async () => {
    const fixture = loadFixture('openai/py-chat-parse-json-schema.json');
    const requests = serve(fixture);
    const completion = await openaiClient().chat.completions.parse(requestBody<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming>(fixture));
    const content = responseBody(fixture).choices[0].message.content as string;
    expect(completion.choices[0]!.message.parsed).toEqual(JSON.parse(content));

    const [call] = await expectOnePerRequest(CHAT, requests());
    expect(call!.inputs).toEqual(requestBody(fixture));
    expect(call!.output).toMatchObject({ id: completion.id, choices: [{ message: { content } }] });
    expect(call!.summary.usage).toEqual({ 'gpt-4o-2024-08-06': expect.objectContaining({ inputTokens: 68, outputTokens: 35 }) });
  });

  it('chat.completions.stream(): content events fire, finalChatCompletion() resolves; the stream is recorded once', async () => {
    const fixture = loadFixture('openai/js-chat-stream.json');
    const requests = serve(fixture);
    const body = requestBody<OpenAI.Chat.ChatCompletionCreateParams>(fixture);
    const stream = openaiClient().chat.completions.stream({ ...body, stream: undefined });
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    const text = final.choices[0]!.message.content!;
    expect(deltas.join('')).toBe(text);
    expect(deltas.length).toBeGreaterThan(3);

    const [call] = await expectOnePerRequest(CHAT, requests());
    expect(call!.inputs).toMatchObject({ stream: true, model: body.model });
    expect(call!.output).toMatchObject({ id: recordedChunks(fixture)[0]!.id, choices: [{ message: { content: text }, finish_reason: 'stop' }] });
  });

  it('chat.completions.runTools: tool call, then answer → two records, each a create', async () => {
    const toolTurn = loadFixture('openai/py-chat-tools.json');
    const answerTurn = loadFixture('openai/py-chat-tool-result-input.json');
    const requests = serve(toolTurn, answerTurn);
    const toolArgs: unknown[] = [];
    const runner = openaiClient().chat.completions.runTools({
      model: 'gpt-3.5-turbo',
      messages: [{ role: 'user', content: "What's the weather like in San Francisco?" }],
      tools: [{
        type: 'function',
        function: {
          name: 'get_current_weather',
          description: 'Get the current weather',
          parameters: { type: 'object', properties: { location: { type: 'string' } } },
          parse: JSON.parse,
          function: (args: unknown) => {
            toolArgs.push(args);
            return 'The weather in San Francisco is 70 degrees and sunny.';
          },
        },
      }],
    });
    const answer = responseBody(answerTurn).choices[0].message.content as string;
    expect(await runner.finalContent()).toBe(answer);
    expect(toolArgs).toEqual([{ location: 'San Francisco' }]);

    const calls = await expectOnePerRequest(CHAT, requests());
    expect(calls).toHaveLength(2);
    const [first, second] = calls.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
    expect(first!.output).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }] });
    expect(second!.inputs.messages).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'tool' })]));
    expect(second!.output).toMatchObject({ choices: [{ message: { content: answer } }] });
  });
});

describe('Responses: create, parse and stream each record the one request through create', () => {
  it.each(['js-responses-basic', 'py-responses-basic', 'py-responses-basic-2025'])('%s: responses.create, not streamed', async (name) => {
    const fixture = loadFixture(`openai/${name}.json`);
    const requests = serve(fixture);
    const response = await openaiClient().responses.create(requestBody(fixture));
    expect(response.id).toBe(responseBody(fixture).id);

    const [call] = await expectOnePerRequest(RESPONSES, requests());
    expect(call!.kind).toBe('llm');
    expect(call!.inputs).toEqual(requestBody(fixture));
    expect(call!.output).toEqual(JSON.parse(JSON.stringify(response)));
    expect(call!.output).toMatchObject({ output_text: response.output_text });
    const usage = responseBody(fixture).usage;
    expect(call!.summary.usage).toEqual({
      [responseBody(fixture).model]: expect.objectContaining({ requests: 1, inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, totalTokens: usage.total_tokens }),
    });
  });

  it('responses.parse: the app gets output_parsed; one create record', async () => {
    const fixture = loadFixture('openai/py-responses-parse.json');
    const requests = serve(fixture);
    const parsed = await openaiClient().responses.parse(requestBody<OpenAI.Responses.ResponseCreateParamsNonStreaming>(fixture));
    expect(parsed.output_parsed).toEqual({ name: 'Alice', age: 30 });

    const [call] = await expectOnePerRequest(RESPONSES, requests());
    expect(call!.output).toMatchObject({ id: parsed.id, output_text: '{"name":"Alice","age":30}' });
  });

  it('responses.stream(): events fire, finalResponse() resolves; one create record with the completed response', async () => {
    const fixture = loadFixture('openai/py-responses-stream-2025.json');
    const requests = serve(fixture);
    const { stream: _stream, ...body } = requestBody<OpenAI.Responses.ResponseCreateParamsStreaming>(fixture);
    const stream = openaiClient().responses.stream(body);
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe(final.output_text);

    const [call] = await expectOnePerRequest(RESPONSES, requests());
    expect(call!.inputs).toMatchObject({ stream: true });
    expect(call!.output).toMatchObject({ id: final.id, status: 'completed', output_text: final.output_text });
  });
});

interface MethodCase {
  opName: string;
  kind: CallKind;
  /** Installs the response and returns the request to send with what should come back. */
  respond: () => { request: any; response: unknown };
  invoke: (client: OpenAI, request: any) => Promise<unknown>;
  /** `summary.usage` expected, keyed by the model the response (else the request) names. */
  usage: Record<string, Record<string, number>>;
}

function fromFixture(name: string) {
  const fixture = loadFixture(`openai/${name}.json`);
  serve(fixture);
  return { request: requestBody(fixture), response: responseBody(fixture) };
}

function ownResponse(path: RegExp, response: Record<string, unknown>, request: Record<string, unknown>) {
  server.use(http.post(path, () => HttpResponse.json(response)));
  return { request, response };
}

const METHODS: MethodCase[] = [
  {
    opName: 'openai.completions.create', kind: 'llm', respond: () => fromFixture('js-completions'),
    invoke: (c, r) => c.completions.create(r), usage: { 'gpt-3.5-turbo-instruct:20230824-v2': { requests: 1, inputTokens: 8, outputTokens: 16, totalTokens: 24 } },
  },
  {
    opName: 'openai.embeddings.create', kind: 'embedding', respond: () => fromFixture('py-embeddings'),
    invoke: (c, r) => c.embeddings.create(r), usage: { 'text-embedding-ada-002-v2': { requests: 1, inputTokens: 8, totalTokens: 8 } },
  },
  {
    opName: 'openai.images.generate', kind: 'image', respond: () => fromFixture('js-images-generate'),
    invoke: (c, r) => c.images.generate(r), usage: { 'dall-e-2': { requests: 1 } },
  },
  {
    opName: 'openai.moderations.create', kind: 'moderation',
    respond: () => ownResponse(/\/moderations$/, {
      id: 'modr-1', model: 'omni-moderation-2024-09-26',
      results: [{ flagged: false, categories: { violence: false }, category_scores: { violence: 0.0001 } }],
    }, { model: 'omni-moderation-latest', input: 'hello' }),
    invoke: (c, r) => c.moderations.create(r), usage: { 'omni-moderation-2024-09-26': { requests: 1 } },
  },
  {
    opName: 'openai.audio.transcriptions.create', kind: 'audio',
    respond: () => ownResponse(/\/audio\/transcriptions$/, { text: 'hello world', usage: { type: 'duration', seconds: 3 } }, { model: 'whisper-1', file: audioFile(), language: 'en' }),
    invoke: (c, r) => c.audio.transcriptions.create(r), usage: { 'whisper-1': { requests: 1, audioSeconds: 3 } },
  },
  {
    opName: 'openai.audio.translations.create', kind: 'audio',
    respond: () => ownResponse(/\/audio\/translations$/, { text: 'hello world' }, { model: 'whisper-1', file: audioFile() }),
    invoke: (c, r) => c.audio.translations.create(r), usage: { 'whisper-1': { requests: 1 } },
  },
];

describe('other methods: op name, kind, output and usage', () => {
  it.each(METHODS)('$opName', async ({ opName, kind, respond, invoke, usage }) => {
    const { request, response } = respond();
    const result = await invoke(openaiClient(), request);
    expect(result).toEqual(response);

    const call = await t.one(opName);
    expect(call.kind).toBe(kind);
    expect(call.status).toBe('success');
    expect(call.output).toEqual(result);
    expect(call.summary.usage).toEqual(usage);
    // Uploads are recorded by their request fields; the file is whatever the snapshot makes of it.
    const { file: _file, ...fields } = request as Record<string, unknown>;
    expect(call.inputs).toMatchObject(fields);
  });
});

describe('usage details', () => {
  it('py-chat-prompt-caching: cached_tokens → cacheReadTokens, as reported (0, then 1024)', async () => {
    const fixture = loadFixture('openai/py-chat-prompt-caching.json');
    serve(fixture);
    const client = openaiClient();
    for (const exchange of [0, 1]) await client.chat.completions.create(requestBody(fixture, exchange));
    const calls = await t.calls();
    const cached = calls.map((c) => c.summary.usage!['gpt-4o-mini-2024-07-18']!.cacheReadTokens).sort((a, b) => a! - b!);
    expect(cached).toEqual([0, 1024]);
  });

  it('py-chat-reasoning-effort: reasoning_tokens → reasoningTokens', async () => {
    const fixture = loadFixture('openai/py-chat-reasoning-effort.json');
    serve(fixture);
    await openaiClient().chat.completions.create(requestBody(fixture));
    const call = await t.one(CHAT);
    expect(call.summary.usage).toEqual({
      'gpt-5-nano-2025-08-07': expect.objectContaining({ inputTokens: 11, outputTokens: 228, totalTokens: 239, reasoningTokens: 192 }),
    });
  });
});
