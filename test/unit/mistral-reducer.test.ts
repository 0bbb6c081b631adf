/**
 * The Mistral stream reducer against recorded (and, for what no recording has, hand-built)
 * streams read through the real SDK, so it sees the SDK's `{ data: CompletionChunk }` events
 * in camelCase. The reference is what the same SDK returns from `complete` for the same answer.
 */
import { describe, expect, it } from 'vitest';
import { completionChunkOf, mistralStreamReducer } from '../../integrations/mistral/reducer.js';
import { mistralChatUsage } from '../../integrations/mistral/usage.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { deepFreeze, mistralCopies, mistralEvents, mistralResult } from '../helpers/sdk-replay.js';
import { sseJson } from '../helpers/sse.js';
import { loadFixture, type WireResponse } from '../helpers/wire.js';

type Json = Record<string, any>;

function reduce(reducer: StreamReducer<any>, chunks: unknown[]): Json {
  const state = reducer.init();
  for (const chunk of chunks) reducer.add(state, chunk);
  return reducer.finish(state) as Json;
}

function recorded(name: string, exchange = 0): WireResponse {
  return loadFixture(`mistral/${name}`).exchanges[exchange]!.response;
}

function sseBody(chunks: Json[]): WireResponse {
  const text = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
  return { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' }, bodyText: text };
}

function jsonBody(body: Json): WireResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

/** `complete()`'s message without `prefix`, which the SDK's schema adds as a default (false). */
function withoutPrefix(response: Json): Json {
  return { ...response, choices: response.choices.map((c: Json) => ({ ...c, message: (({ prefix: _, ...m }) => m)(c.message) })) };
}

function pieces(text: string, size = 4): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const REQUEST = { model: 'mistral-tiny', messages: [{ role: 'user', content: 'Tell me a joke about OpenTelemetry' }] };

describe.each(mistralCopies)('Mistral stream reducer through $label', (copy) => {
  const events = async (response: WireResponse) => deepFreeze(await mistralEvents(copy, 'chat.stream', REQUEST, response));

  it('rebuilds ChatCompletionResponse from a recorded stream (py-chat-stream)', async () => {
    const response = recorded('py-chat-stream.json');
    const evs = await events(response);
    expect(evs).toHaveLength(sseJson(response.bodyText!).length);
    expect(Object.keys(evs[0]!)).toEqual(['data']);
    const out = reduce(mistralStreamReducer(), evs);
    const content = evs.map((e) => e.data.choices[0].delta.content ?? '').join('');
    const last = evs.at(-1)!.data;
    expect(out).toEqual({
      id: '6dc321029f5d4aa5899c1b38c9657a61',
      object: 'chat.completion',
      created: 1757759492,
      model: 'mistral-tiny',
      usage: last.usage,
      choices: [{ index: 0, message: { role: 'assistant', content, toolCalls: null }, finishReason: 'stop' }],
    });
    expect(out).not.toHaveProperty('p'); // the wire's padding field, dropped by the SDK
    // The non-streaming result of the same request (another recording) has the same structure.
    const plain = await mistralResult(copy, 'chat.complete', REQUEST, recorded('py-chat-2.json'));
    expect(Object.keys(out).sort()).toEqual(Object.keys(plain).sort());
    expect(Object.keys(out.choices[0].message).sort()).toEqual(Object.keys(withoutPrefix(plain).choices[0].message).sort());
    expect(mistralChatUsage(out, REQUEST)).toEqual([{ model: 'mistral-tiny', usage: { requests: 1, inputTokens: 11, outputTokens: 80, totalTokens: 91 } }]);
  });

  it('takes the events or their data alike', async () => {
    const evs = await events(recorded('py-chat-stream-2.json'));
    expect(reduce(mistralStreamReducer(), evs.map((e) => e.data))).toEqual(reduce(mistralStreamReducer(), evs));
    expect(completionChunkOf(evs[0])).toBe(evs[0]!.data);
  });

  it('keeps what arrived when the stream stops early (no finish reason, no usage)', async () => {
    const evs = await events(recorded('oi-chat-stream-async.json'));
    expect(reduce(mistralStreamReducer(), evs)).toMatchObject({
      model: 'mistral-small-latest',
      choices: [{ message: { content: 'France won' }, finishReason: 'stop' }],
      usage: { promptTokens: 24, completionTokens: 2, totalTokens: 26 },
    });
    const partial = reduce(mistralStreamReducer(), evs.slice(0, 2));
    expect(partial.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'France', toolCalls: null }, finishReason: null }]);
    expect(partial).not.toHaveProperty('usage');
    expect(mistralChatUsage(partial, { model: 'mistral-small-latest' })).toEqual([{ model: 'mistral-small-latest', usage: { requests: 1 } }]);
  });

  it('marks the first chunk with generated content, not the role chunk', async () => {
    const evs = await events(recorded('py-chat-stream.json'));
    const reducer = mistralStreamReducer();
    expect(evs.findIndex((e) => reducer.isFirstToken!(e))).toBe(1);
    expect(evs.map((e) => e.data).findIndex((c) => reducer.isFirstToken!(c))).toBe(1);
  });

  it('rebuilds a tool call and cached-token usage (hand-built from pai-chat-tool-call-roundtrip turn 1)', async () => {
    const turn = recorded('pai-chat-tool-call-roundtrip.json', 0);
    const body = turn.body as Json;
    const head = { id: body.id, object: 'chat.completion.chunk', created: body.created, model: body.model };
    const message = body.choices[0].message;
    const chunks = [
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { tool_calls: message.tool_calls }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'tool_calls' }], usage: body.usage },
    ];
    const evs = await events(sseBody(chunks));
    const plain = await mistralResult(copy, 'chat.complete', REQUEST, turn);
    const out = reduce(mistralStreamReducer(), evs);
    expect(out).toEqual(withoutPrefix(plain));
    expect(mistralChatUsage(out, REQUEST)).toEqual([
      { model: 'mistral-large-latest', usage: { requests: 1, inputTokens: 77, outputTokens: 12, totalTokens: 89, cacheReadTokens: 76 } },
    ]);
    expect(evs.findIndex((e) => mistralStreamReducer().isFirstToken!(e))).toBe(1);
  });

  it('joins tool-call arguments streamed in pieces and keeps parallel calls apart', async () => {
    const head = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'mistral-large-latest' };
    const calls = [
      { id: 'call_a', function: { name: 'get_weather', arguments: '{"city": "Paris"}' }, index: 0 },
      { id: 'call_b', function: { name: 'get_weather', arguments: '{"city": "Tokyo"}' }, index: 1 },
    ];
    const chunks: Json[] = [{ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
    for (const call of calls) {
      chunks.push({ ...head, choices: [{ index: 0, delta: { tool_calls: [{ id: call.id, function: { name: call.function.name, arguments: '' }, index: call.index }] }, finish_reason: null }] });
      for (const piece of pieces(call.function.arguments)) {
        chunks.push({ ...head, choices: [{ index: 0, delta: { tool_calls: [{ function: { name: '', arguments: piece }, index: call.index }] }, finish_reason: null }] });
      }
    }
    chunks.push({ ...head, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 } });
    const evs = await events(sseBody(chunks));
    const plain = await mistralResult(
      copy,
      'chat.complete',
      REQUEST,
      jsonBody({ ...head, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: '', tool_calls: calls }, finish_reason: 'tool_calls' }], usage: chunks.at(-1)!.usage }),
    );
    expect(reduce(mistralStreamReducer(), evs)).toEqual(withoutPrefix(plain));
  });

  it('rebuilds thinking and text content chunks (magistral-style stream, hand-built)', async () => {
    const head = { id: 't1', object: 'chat.completion.chunk', created: 2, model: 'magistral-small-latest' };
    const thought = 'The user asks for 2+2. That is 4.';
    const chunks: Json[] = [{ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
    for (const piece of pieces(thought)) {
      chunks.push({ ...head, choices: [{ index: 0, delta: { content: [{ type: 'thinking', thinking: [{ type: 'text', text: piece }] }] }, finish_reason: null }] });
    }
    chunks.push({ ...head, choices: [{ index: 0, delta: { content: [{ type: 'text', text: 'The answer' }] }, finish_reason: null }] });
    chunks.push({ ...head, choices: [{ index: 0, delta: { content: ' is 4.' }, finish_reason: null }] });
    chunks.push({ ...head, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 30, total_tokens: 39 } });
    const evs = await events(sseBody(chunks));
    const plain = await mistralResult(
      copy,
      'chat.complete',
      REQUEST,
      jsonBody({
        ...head,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: [{ type: 'thinking', thinking: [{ type: 'text', text: thought }] }, { type: 'text', text: 'The answer is 4.' }], tool_calls: null },
            finish_reason: 'stop',
          },
        ],
        usage: chunks.at(-1)!.usage,
      }),
    );
    expect(reduce(mistralStreamReducer(), evs)).toEqual(withoutPrefix(plain));
    expect(evs.findIndex((e) => mistralStreamReducer().isFirstToken!(e))).toBe(1);
  });

  it('keeps every choice of an n > 1 stream', async () => {
    const head = { id: 'n2', object: 'chat.completion.chunk', created: 3, model: 'mistral-small-latest' };
    const chunks = [
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }, { index: 1, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] },
      { ...head, choices: [{ index: 1, delta: { content: '!' }, finish_reason: 'length' }], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
    ];
    const out = reduce(mistralStreamReducer(), await events(sseBody(chunks)));
    expect(out.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'Hello', toolCalls: null }, finishReason: 'stop' },
      { index: 1, message: { role: 'assistant', content: 'Hi!', toolCalls: null }, finishReason: 'length' },
    ]);
  });
});

describe('Mistral stream reducer, SDK defaults', () => {
  it('follows calls whose pieces carry the defaults the SDK fills in (id "null", index 0)', () => {
    const chunk = (toolCalls: Json[]) => ({ data: { id: 'x', model: 'm', choices: [{ index: 0, delta: { toolCalls }, finishReason: null }] } });
    const piece = (args: string) => ({ id: 'null', type: 'function', function: { name: '', arguments: args }, index: 0 });
    const out = reduce(mistralStreamReducer(), deepFreeze([
      chunk([{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a":' }, index: 0 }]),
      chunk([piece('1}')]),
      chunk([{ id: 'call_b', type: 'function', function: { name: 'g', arguments: '{' }, index: 0 }]),
      chunk([piece('}')]),
    ]));
    expect(out.choices[0].message.toolCalls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a":1}' }, index: 0 },
      { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' }, index: 0 },
    ]);
    expect(out.choices[0].message.content).toBeNull();
  });

  it('takes toolCalls over tool_calls in either order, keeps unknown delta fields and the first non-empty top-level values', () => {
    const call = (id: string) => [{ id, function: { name: 'f', arguments: '{}' }, index: 0 }];
    const chunk = (delta: Json, extra: Json = {}) => ({ id: '', model: 'm', ...extra, choices: [{ index: 0, delta, finishReason: null }] });
    const out = reduce(mistralStreamReducer(), deepFreeze([
      chunk({ role: 'assistant', content: '' }, { id: 'x', created: 5 }),
      chunk({ tool_calls: call('snake'), toolCalls: call('camel'), prefix: true }),
      chunk({ toolCalls: null, tool_calls: call('only-snake'), role: null, content: 'Hi', reasoning: null }, { created: null }),
    ]));
    expect(out).toMatchObject({ id: 'x', model: 'm', created: 5 });
    expect(out.choices[0].message).toEqual({
      role: 'assistant',
      content: 'Hi',
      toolCalls: [
        { id: 'camel', function: { name: 'f', arguments: '{}' }, index: 0 },
        { id: 'only-snake', function: { name: 'f', arguments: '{}' }, index: 0 },
      ],
      prefix: true,
    });
  });

  it('keeps arguments sent as an object', () => {
    const out = reduce(mistralStreamReducer(), [
      { id: 'x', model: 'm', choices: [{ index: 0, delta: { toolCalls: [{ id: 'c', function: { name: 'f', arguments: { a: 1 } }, index: 0 }] }, finishReason: 'tool_calls' }] },
    ]);
    expect(out.choices[0].message.toolCalls).toEqual([{ id: 'c', function: { name: 'f', arguments: { a: 1 } }, index: 0 }]);
  });
});
