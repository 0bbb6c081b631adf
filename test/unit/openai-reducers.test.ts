import { describe, expect, it } from 'vitest';
import { chatCompletionsReducer, completionsReducer, responsesReducer } from '../../integrations/openai/reducers.js';
import { chatUsage, responsesUsage } from '../../integrations/openai/usage.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { sseJson } from '../helpers/sse.js';
import { loadFixture } from '../helpers/wire.js';

type Json = Record<string, any>;

/** Frozen, so a reducer that writes into a chunk (which the app also holds) throws. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Json)[key]);
    Object.freeze(value);
  }
  return value;
}

function chunksOf(name: string, exchange = 0): Json[] {
  const text = loadFixture(`openai/${name}`).exchanges[exchange]!.response.bodyText!;
  return deepFreeze(sseJson(text) as Json[]);
}

function reduce(reducer: StreamReducer<any>, chunks: unknown[]): Json {
  const state = reducer.init();
  for (const chunk of chunks) reducer.add(state, chunk);
  return reducer.finish(state) as Json;
}

function firstTokenIndex(reducer: StreamReducer<any>, chunks: unknown[]): number {
  return chunks.findIndex((chunk) => reducer.isFirstToken!(chunk));
}

const joinedContent = (chunks: Json[]) => chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');

describe('chat.completions stream reducer', () => {
  it('joins the content and keeps the response metadata (js-chat-stream)', () => {
    const chunks = chunksOf('js-chat-stream.json');
    const out = reduce(chatCompletionsReducer(), chunks);
    expect(out).toMatchObject({
      id: 'chatcmpl-C4TUacC25IN2vuTdOzverPXrXhZa2',
      object: 'chat.completion',
      created: 1755182716,
      model: 'gpt-3.5-turbo-0125',
      service_tier: 'default',
      system_fingerprint: null,
    });
    expect(out.choices).toHaveLength(1);
    expect(out.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Why did the OpenTelemetry developer go broke? Because they were always collecting traces but never making any transactions!',
        refusal: null,
      },
      logprobs: null,
      finish_reason: 'stop',
    });
    expect(out.choices[0].message.content).toBe(joinedContent(chunks));
    expect(out).not.toHaveProperty('obfuscation');
    expect(out).not.toHaveProperty('usage');
    expect(chatUsage(out, { model: 'gpt-3.5-turbo' })).toEqual([{ model: 'gpt-3.5-turbo-0125', usage: { requests: 1 } }]);
  });

  it('marks the first chunk with generated text, not the empty role chunk', () => {
    const chunks = chunksOf('js-chat-stream.json');
    expect(firstTokenIndex(chatCompletionsReducer(), chunks)).toBe(1);
  });

  it('joins tool-call arguments and takes usage from the usage chunk (include_usage + tools)', () => {
    const chunks = chunksOf('js-chat-stream-include-usage-tools.json');
    const out = reduce(chatCompletionsReducer(), chunks);
    const choice = out.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls[0];
    expect(call).toMatchObject({ id: 'call_yYw3O05GCuxVOwgU8T9xj1kt', type: 'function', function: { name: 'calculator' } });
    expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    const usageChunk = chunks[chunks.length - 1]!;
    expect(out.usage).toEqual(usageChunk.usage);
    expect(chatUsage(out, {})).toEqual([{
      model: 'gpt-3.5-turbo-0125',
      usage: { requests: 1, inputTokens: 91, outputTokens: 21, totalTokens: 112, cacheReadTokens: 0, reasoningTokens: 0 },
    }]);
    expect(firstTokenIndex(chatCompletionsReducer(), chunks)).toBe(0);
  });

  it('rebuilds a streamed tool call whose arguments arrive in pieces (py-chat-tools-stream)', () => {
    const out = reduce(chatCompletionsReducer(), chunksOf('py-chat-tools-stream.json'));
    const call = out.choices[0].message.tool_calls[0];
    expect(call).toEqual({
      id: 'call_P9Ayqu3UQNYuTBVAg2sLimh9',
      type: 'function',
      function: { name: 'get_current_weather', arguments: '{"location":"San Francisco"}' },
    });
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'San Francisco' });
  });

  it('concatenates logprobs.content in order (js-chat-stream-logprobs)', () => {
    const chunks = chunksOf('js-chat-stream-logprobs.json');
    const out = reduce(chatCompletionsReducer(), chunks);
    const { content, refusal } = out.choices[0].logprobs;
    const expected = chunks.flatMap((c) => c.choices?.[0]?.logprobs?.content ?? []);
    expect(content).toEqual(expected);
    expect(refusal).toBeNull();
    expect(content.map((t: Json) => t.token).join('')).toBe(out.choices[0].message.content);
  });

  it('skips Azure placeholders and keeps prompt and content filter results (py-azure-chat-stream)', () => {
    const chunks = chunksOf('py-azure-chat-stream.json');
    expect(chunks[0]!.choices).toEqual([]);
    const out = reduce(chatCompletionsReducer(), chunks);
    expect(out.id).toBe('chatcmpl-DPTBaSsimU1JbOyrWiQNkSSfOPQE7');
    expect(out.model).toBe('gpt-4.1-mini-2025-04-14');
    expect(out.created).toBe(1774962762);
    expect(out.system_fingerprint).toBe('fp_b6f445fc1c');
    expect(out.prompt_filter_results).toEqual(chunks[0]!.prompt_filter_results);
    expect(out.choices).toHaveLength(1);
    expect(out.choices[0].message.content).toBe(joinedContent(chunks));
    expect(out.choices[0].finish_reason).toBe('stop');
    expect(out.choices[0].content_filter_results).toHaveProperty('hate');
  });

  it('keeps every choice by index and the legacy function_call', () => {
    const chunks = deepFreeze([
      { id: 'c', model: 'm', choices: [{ index: 1, delta: { role: 'assistant', content: 'B' } }, { index: 0, delta: { role: 'assistant', content: 'A' } }] },
      { id: 'c', model: 'm', choices: [{ index: 0, delta: { content: '1' } }, { index: 1, delta: { function_call: { name: 'f', arguments: '{"x"' } } }] },
      { id: 'c', model: 'm', choices: [{ index: 1, delta: { function_call: { arguments: ':1}' } }, finish_reason: 'function_call' }] },
      { id: 'c', model: 'm', choices: [{ index: 0, delta: { refusal: 'no' }, finish_reason: 'stop' }] },
    ]);
    const out = reduce(chatCompletionsReducer(), chunks);
    expect(out.choices.map((c: Json) => c.index)).toEqual([0, 1]);
    expect(out.choices[0].message).toEqual({ role: 'assistant', content: 'A1', refusal: 'no' });
    expect(out.choices[1].message).toEqual({ role: 'assistant', content: 'B', function_call: { name: 'f', arguments: '{"x":1}' } });
    expect(out.choices[1].finish_reason).toBe('function_call');
  });

  it('joins provider delta fields, keeps growing top-level extras and takes usage from x_groq', () => {
    const chunks = deepFreeze([
      { id: 'd', model: 'deepseek-reasoner', citations: [], choices: [{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: 'Think' } }] },
      { id: 'd', model: 'deepseek-reasoner', citations: ['a'], choices: [{ index: 0, delta: { content: null, reasoning_content: 'ing.' } }] },
      { id: 'd', model: 'deepseek-reasoner', citations: ['a', 'b'], choices: [{ index: 0, delta: { content: 'Yes' } }] },
      { id: 'd', model: 'deepseek-reasoner', usage: null, x_groq: { usage: { prompt_tokens: 3, completion_tokens: 2 } }, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ]);
    const out = reduce(chatCompletionsReducer(), chunks);
    expect(out.choices[0].message).toEqual({ role: 'assistant', content: 'Yes', reasoning_content: 'Thinking.' });
    // The list grew along the stream: the last one seen is kept; a null usage gives way to x_groq's.
    expect(out.citations).toEqual(['a', 'b']);
    expect(out.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2 });
    expect(Object.keys(out).slice(0, 5)).toEqual(['id', 'object', 'model', 'choices', 'usage']);
  });

  it('returns a well-formed partial response for a stream cut short', () => {
    const chunks = chunksOf('js-chat-stream.json').slice(0, 5);
    const out = reduce(chatCompletionsReducer(), chunks);
    expect(out.choices[0].message.content).toBe(joinedContent(chunks));
    expect(out.choices[0].finish_reason).toBeNull();
    expect(reduce(chatCompletionsReducer(), [])).toEqual({ object: 'chat.completion', choices: [] });
  });
});

describe('legacy completions stream reducer', () => {
  it('joins text per choice (js-completions-stream)', () => {
    const chunks = chunksOf('js-completions-stream.json');
    const out = reduce(completionsReducer(), chunks);
    expect(out).toMatchObject({ id: 'cmpl-C4TUr3FdDk0l4IQ2QNd7DUUJpaYX2', object: 'text_completion', model: 'gpt-3.5-turbo-instruct:20230824-v2' });
    expect(out.choices).toEqual([{
      text: chunks.map((c) => c.choices[0].text).join(''),
      index: 0,
      logprobs: null,
      finish_reason: 'length',
    }]);
    expect(out.choices[0].text.startsWith('\n\nWhy was the OpenTelemetry developer')).toBe(true);
    expect(firstTokenIndex(completionsReducer(), chunks)).toBe(0);
  });

  it('concatenates legacy logprobs arrays', () => {
    const chunks = deepFreeze([
      { id: 'x', choices: [{ index: 0, text: 'a', logprobs: { tokens: ['a'], token_logprobs: [-1], top_logprobs: null, text_offset: [0] }, finish_reason: null }] },
      { id: 'x', choices: [{ index: 0, text: 'b', logprobs: { tokens: ['b'], token_logprobs: [-2], top_logprobs: null, text_offset: [1] }, finish_reason: 'stop' }] },
    ]);
    const out = reduce(completionsReducer(), chunks);
    expect(out.choices[0]).toEqual({
      text: 'ab',
      index: 0,
      logprobs: { tokens: ['a', 'b'], token_logprobs: [-1, -2], top_logprobs: null, text_offset: [0, 1] },
      finish_reason: 'stop',
    });
  });
});

describe('responses stream reducer', () => {
  const events = () => chunksOf('py-responses-stream-2025.json');
  const deltas = (list: Json[]) => list.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');

  it('takes the response of response.completed, with output_text', () => {
    const list = events();
    const out = reduce(responsesReducer(), list);
    const completed = list.find((e) => e.type === 'response.completed')!.response;
    expect(out).toEqual({ ...completed, output_text: deltas(list) });
    expect(out.status).toBe('completed');
    expect(responsesUsage(out, {})).toEqual([{
      model: 'gpt-4.1-nano-2025-04-14',
      usage: { requests: 1, inputTokens: 18, outputTokens: 79, totalTokens: 97, cacheReadTokens: 0, reasoningTokens: 0 },
    }]);
  });

  it('rebuilds the output items from the events when the stream ends early', () => {
    const list = events();
    const cut = list.slice(0, list.findIndex((e) => e.type === 'response.output_text.done'));
    const out = reduce(responsesReducer(), cut);
    expect(out.id).toBe(list[0]!.response.id);
    expect(out.model).toBe('gpt-4.1-nano-2025-04-14');
    expect(out.status).toBe('in_progress');
    expect(out.output).toHaveLength(1);
    expect(out.output[0]).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: deltas(cut) }] });
    expect(out.output_text).toBe(deltas(cut));
  });

  it('joins function-call arguments', () => {
    const out = reduce(responsesReducer(), deepFreeze([
      { type: 'response.created', response: { id: 'r', model: 'm', status: 'in_progress', output: [] } },
      { type: 'response.output_item.added', output_index: 0, item: { type: 'function_call', id: 'fc', call_id: 'call', name: 'add', arguments: '' } },
      { type: 'response.function_call_arguments.delta', output_index: 0, item_id: 'fc', delta: '{"a":' },
      { type: 'response.function_call_arguments.delta', output_index: 0, item_id: 'fc', delta: '1}' },
    ]));
    expect(out.output).toEqual([{ type: 'function_call', id: 'fc', call_id: 'call', name: 'add', arguments: '{"a":1}' }]);
    expect(JSON.parse(out.output[0].arguments)).toEqual({ a: 1 });
  });

  it('detects the first delta and in-band error events', () => {
    const reducer = responsesReducer();
    const list = events();
    expect(list[firstTokenIndex(reducer, list)]!.type).toBe('response.output_text.delta');
    expect(reducer.errorOf!({ type: 'error', code: 'server_error', message: 'boom' })).toEqual({ type: 'server_error', message: 'boom' });
    expect(reducer.errorOf!({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'failed' } } }))
      .toEqual({ type: 'server_error', message: 'failed' });
    expect(reducer.errorOf!(list[0])).toBeUndefined();
    expect(reducer.errorOf!({ type: 'response.incomplete', response: { status: 'incomplete' } })).toBeUndefined();
  });

  it('accepts { event, data } envelopes', () => {
    const list = events().map((data) => ({ event: data.type, data }));
    expect(reduce(responsesReducer(), list).status).toBe('completed');
  });
});
