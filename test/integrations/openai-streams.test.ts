import { http, HttpResponse } from 'msw';
import type OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import { beforeEach, describe, expect, it } from 'vitest';
import { traced, type Traced } from '../helpers/collect.js';
import { failOnUnhandledRejection, receivedBodies, useMswServer } from '../helpers/msw.js';
import { azureClient, drain, joinedText, onlyExchange, openaiClient, recordedChunks } from '../helpers/openai.js';
import { CHAT, chatRequest, type ChatBody, expectStreamTiming, outputOf, serveChatStream } from '../helpers/openai-stream.js';
import { sseText } from '../helpers/sse.js';
import { fixtureHandlers, loadFixture, requestBody, type WireFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

let t: Traced;
beforeEach(() => {
  t = traced({ implicitlyPatchIntegrations: true });
});

describe('streamed chat: the app gets the SDK stream, the record gets the non-streaming shape', () => {
  it('js-chat-stream: same Stream object and chunks; joined content, finish reason, timing, no usage', async () => {
    const { chunks, body } = serveChatStream(server, { chunkSize: 50 });
    const stream = await openaiClient().chat.completions.create(body);
    expect(stream).toBeInstanceOf(Stream);
    expect(stream.controller).toBeInstanceOf(AbortController);
    const received = await drain(stream);
    expect(received).toEqual(chunks);

    const call = await t.one(CHAT);
    expect(call.status).toBe('success');
    expect(call.inputs).toEqual(body);
    expect(outputOf(call)).toMatchObject({ id: chunks[0]!.id, model: chunks[0]!.model, object: 'chat.completion' });
    expect(outputOf(call).choices).toEqual([
      { index: 0, message: { role: 'assistant', content: joinedText(received), refusal: null }, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(outputOf(call).usage).toBeUndefined();
    expect(call.summary.usage).toEqual({ [chunks[0]!.model as string]: { requests: 1 } });
    expectStreamTiming(call);
  });

  it('js-chat-stream-include-usage-tools: the tool call arguments are joined into parseable JSON, usage recorded', async () => {
    const fixture = loadFixture('openai/js-chat-stream-include-usage-tools.json');
    server.use(...fixtureHandlers(onlyExchange(fixture, 0)));
    const stream = await openaiClient().chat.completions.create(chatRequest(fixture));
    const received = await drain(stream);
    expect(received).toEqual(recordedChunks(fixture));

    const call = await t.one(CHAT);
    const [choice] = outputOf(call).choices;
    expect(choice!.finish_reason).toBe('tool_calls');
    expect(choice!.message.tool_calls).toEqual([
      { id: 'call_yYw3O05GCuxVOwgU8T9xj1kt', type: 'function', function: { name: 'calculator', arguments: expect.any(String) } },
    ]);
    expect(JSON.parse(choice!.message.tool_calls[0].function.arguments)).toEqual({ input: '5 * (10 + 2)' });
    const usage = received.at(-1)!.usage!;
    expect(call.summary.usage).toEqual({
      'gpt-3.5-turbo-0125': expect.objectContaining({ inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens }),
    });
  });

  it('several choices and several tool calls in one stream: every choice and every call is rebuilt', async () => {
    // No recording streams parallel tool calls over n=2 choices, so this body is written here.
    const base = { id: 'chatcmpl-multi', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18' };
    const tool = (index: number, id: string | undefined, name: string | undefined, args: string) => ({
      index, ...(id ? { id, type: 'function' } : {}), function: { ...(name ? { name } : {}), arguments: args },
    });
    const payloads = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [tool(0, 'call_a', 'weather', '{"ci')] } }] },
      { ...base, choices: [{ index: 1, delta: { role: 'assistant', content: 'Let me ' } }] },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [tool(1, 'call_b', 'population', '{"city"')] } }] },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [tool(0, undefined, undefined, 'ty":"Paris"}')] } }] },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [tool(1, undefined, undefined, ':"Rome"}')] } }] },
      { ...base, choices: [{ index: 1, delta: { content: 'check.' }, finish_reason: 'stop' }] },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ];
    server.use(http.post(/\/chat\/completions$/, () => new HttpResponse(sseText(payloads), { headers: { 'content-type': 'text/event-stream' } })));
    const received = await drain(await openaiClient().chat.completions.create({ model: 'gpt-4o-mini', messages: [], n: 2, stream: true }));
    expect(received).toEqual(payloads);

    const [first, second] = outputOf(await t.one(CHAT)).choices;
    expect(first!.finish_reason).toBe('tool_calls');
    expect(first!.message.tool_calls.map((c: { id: string; function: { name: string; arguments: string } }) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['call_a', 'weather', { city: 'Paris' }],
      ['call_b', 'population', { city: 'Rome' }],
    ]);
    expect(second).toMatchObject({ index: 1, message: { role: 'assistant', content: 'Let me check.' }, finish_reason: 'stop' });
  });

  it('js-chat-stream-logprobs: the logprobs of every chunk are concatenated in order', async () => {
    const fixture = loadFixture('openai/js-chat-stream-logprobs.json');
    server.use(...fixtureHandlers(fixture));
    const received = await drain(await openaiClient().chat.completions.create(chatRequest(fixture)));
    expect(received).toEqual(recordedChunks(fixture));

    const expectedTokens = received.flatMap((chunk) => chunk.choices[0]?.logprobs?.content ?? []);
    expect(expectedTokens.length).toBeGreaterThan(5);
    const [choice] = outputOf(await t.one(CHAT)).choices;
    expect(choice!.logprobs.content).toEqual(expectedTokens);
    expect(choice!.message.content).toBe(joinedText(received));
  });

  it('py-azure-chat-stream through AzureOpenAI: placeholder chunk skipped, filter results kept, provider azure', async () => {
    const fixture = loadFixture('openai/py-azure-chat-stream.json');
    server.use(...fixtureHandlers(fixture));
    const stream = await azureClient().chat.completions.create(chatRequest(fixture));
    expect(stream).toBeInstanceOf(Stream);
    const received = await drain(stream);
    const chunks = recordedChunks(fixture);
    expect(received).toEqual(chunks);

    const call = await t.one(CHAT);
    expect(call.attributes).toMatchObject({ provider: 'azure' });
    expect(outputOf(call)).toMatchObject({ id: chunks[1]!.id, model: 'gpt-4.1-mini-2025-04-14', prompt_filter_results: chunks[0]!.prompt_filter_results });
    expect(outputOf(call).choices).toHaveLength(1);
    expect(outputOf(call).choices[0]).toMatchObject({ message: { content: joinedText(received) }, finish_reason: 'stop' });
    expectStreamTiming(call);
  });
});

describe('stream_options.include_usage opt-in (integrations.openai.streamUsage)', () => {
  const fixture = () => loadFixture('openai/js-chat-stream-include-usage-tools.json');
  /** The app's own request: the recorded one without the usage option it asked for. */
  const withoutUsageOption = (f: WireFixture): ChatBody => {
    const { stream_options: _ignored, ...body } = chatRequest(f, 1);
    return body;
  };

  it('is added on the wire, hidden from the app (no usage-only chunk, no usage: null), and recorded', async () => {
    t = traced({ implicitlyPatchIntegrations: true, integrations: { openai: { streamUsage: true } } });
    const f = fixture();
    server.use(...fixtureHandlers(onlyExchange(f, 1)));
    const bodies = receivedBodies(server);
    const appBody = withoutUsageOption(f);
    const received = await drain(await openaiClient().chat.completions.create(appBody));

    expect(await bodies()).toEqual([{ ...appBody, stream_options: { include_usage: true } }]);
    expect(appBody).not.toHaveProperty('stream_options');
    const recorded = recordedChunks(f, 1);
    const usageChunk = recorded.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(received).toEqual(recorded.slice(0, -1).map(({ usage: _usage, ...rest }) => rest));
    expect(received.some((chunk) => 'usage' in chunk)).toBe(false);

    const call = await t.one(CHAT);
    expect(call.inputs).toEqual(appBody);
    expect(call.status).toBe('success');
    const usage = usageChunk.usage as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    expect(call.summary.usage).toEqual({
      'gpt-3.5-turbo-0125': expect.objectContaining({ requests: 1, inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, totalTokens: usage.total_tokens }),
    });
  });

  it.each([
    ['a non-OpenAI base URL', { streamUsage: true }, 'https://api.groq.com/openai/v1'],
    ['the setting off', { streamUsage: false }, undefined],
  ])('is never added with %s', async (_label, settings, baseURL) => {
    t = traced({ implicitlyPatchIntegrations: true, integrations: { openai: settings } });
    const f = loadFixture('openai/js-chat-stream.json');
    server.use(...fixtureHandlers(f));
    const bodies = receivedBodies(server);
    const received = await drain(await openaiClient(baseURL).chat.completions.create(chatRequest(f)));
    expect(await bodies()).toEqual([chatRequest(f)]);
    expect(received).toEqual(recordedChunks(f));
    const call = await t.one(CHAT);
    expect(call.status).toBe('success');
    expect(Object.values(call.summary.usage ?? {})).toEqual([{ requests: 1 }]);
  });

  it('when the app asked for include_usage itself, it sees the usage chunk as usual', async () => {
    t = traced({ implicitlyPatchIntegrations: true, integrations: { openai: { streamUsage: true } } });
    const f = fixture();
    server.use(...fixtureHandlers(onlyExchange(f, 1)));
    const bodies = receivedBodies(server);
    const received = await drain(await openaiClient().chat.completions.create(chatRequest(f, 1)));
    expect(await bodies()).toEqual([chatRequest(f, 1)]);
    expect(received).toEqual(recordedChunks(f, 1));
    expect(received.at(-1)!.usage).toEqual(expect.objectContaining({ prompt_tokens: expect.any(Number) }));
    expect((await t.one(CHAT)).summary.usage!['gpt-3.5-turbo-0125']).toMatchObject({ inputTokens: expect.any(Number) });
  });
});

describe('legacy completions and Responses streams', () => {
  it.each(['js-completions-stream', 'py-completions-stream'])('%s: text joined per choice, finish reason kept', async (name) => {
    const fixture = loadFixture(`openai/${name}.json`);
    server.use(...fixtureHandlers(fixture));
    const stream = await openaiClient().completions.create(requestBody<OpenAI.CompletionCreateParamsStreaming>(fixture));
    expect(stream).toBeInstanceOf(Stream);
    const received = await drain(stream);
    const chunks = recordedChunks(fixture);
    expect(received).toEqual(chunks);

    const call = await t.one('openai.completions.create');
    expect(call.status).toBe('success');
    expect(outputOf(call)).toMatchObject({ id: chunks[0]!.id, model: chunks[0]!.model, object: 'text_completion' });
    const finish = chunks.flatMap((c) => (c.choices as Array<{ finish_reason: unknown }>).map((choice) => choice.finish_reason)).filter(Boolean);
    expect(outputOf(call).choices).toEqual([expect.objectContaining({ index: 0, text: joinedText(received), finish_reason: finish.at(-1) })]);
    expectStreamTiming(call);
  });

  type ResponseEvent = { type: string; delta?: string; response?: Record<string, unknown> };

  it('py-responses-stream-2025: every event reaches the app; the record is the completed response', async () => {
    const fixture = loadFixture('openai/py-responses-stream-2025.json');
    server.use(...fixtureHandlers(fixture));
    const received = (await drain(await openaiClient().responses.create(requestBody<OpenAI.Responses.ResponseCreateParamsStreaming>(fixture)))) as ResponseEvent[];
    expect(received).toEqual(recordedChunks(fixture));

    const completed = received.find((e) => e.type === 'response.completed')!.response!;
    const text = received.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    const call = await t.one('openai.responses.create');
    expect(call.status).toBe('success');
    expect(call.output).toEqual({ ...completed, output_text: text });
    const usage = completed.usage as { input_tokens: number; output_tokens: number };
    expect(call.summary.usage).toEqual({ [completed.model as string]: expect.objectContaining({ inputTokens: usage.input_tokens, outputTokens: usage.output_tokens }) });
    expectStreamTiming(call);
  });
});
