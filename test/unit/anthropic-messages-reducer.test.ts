/**
 * Anthropic's messagesReducer: the Message it rebuilds from recorded streams, checked against
 * the SDK's own accumulator (BetaMessageStream) and the non-streaming shape, and from streams
 * cut short or carrying unusual events. First token and in-band errors:
 * anthropic-first-token-errors.test.ts; the legacy completionsReducer:
 * anthropic-completions-reducer.test.ts.
 */
import { BetaMessageStream } from '@anthropic-ai/sdk/lib/BetaMessageStream';
import { describe, expect, it } from 'vitest';
import { messagesReducer } from '../../integrations/anthropic/reducer.js';
import { bodyOf, eventsOf } from '../helpers/anthropic.js';
import { reduce, type Json } from '../helpers/reducers.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Json)[key]);
    Object.freeze(value);
  }
  return value;
}

/** What a message looks like, without its values: key sets, block types, block key sets. */
function shapeOf(message: Json, withUsage = true) {
  return {
    top: Object.keys(message).sort(),
    blocks: (message.content as Json[]).map((block) => [block.type, Object.keys(block).sort()]),
    ...(withUsage ? { usage: Object.keys(message.usage).sort() } : {}),
  };
}

/** The SDK's own accumulation of the same events (BetaMessageStream knows every block type). */
async function sdkFinalMessage(events: Json[]): Promise<Json> {
  const encoder = new TextEncoder();
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      // The SDK's Stream never yields `ping`.
      for (const event of events) if (event.type !== 'ping') controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      controller.close();
    },
  });
  const message = JSON.parse(JSON.stringify(await BetaMessageStream.fromReadableStream(readable).finalMessage())) as Json;
  delete message.parsed_output; // added by the helper (structured outputs), not part of the wire Message
  return message;
}

const STREAMS: Array<[string, number]> = [
  ['js-messages-stream', 1],
  ['py-messages-stream', 1],
  ['oi-messages-stream-helper', 1],
  ['oi-multi-tool-use-stream', 1],
  ['py-tool-use-stream', 1],
  ['py-thinking-stream', 1],
  ['oi-js-thinking-stream', 1],
  ['oi-js-thinking-tool-use-stream', 1],
  ['oi-js-redacted-thinking-stream', 1],
  ['dd-agent-sdk-thinking-tool-loop-stream', 2],
  ['dd-agent-sdk-subagent-tool-use-stream', 3],
];

describe('messagesReducer on recorded streams', () => {
  for (const [name, exchanges] of STREAMS) {
    for (let i = 0; i < exchanges; i++) {
      it(`${name} #${i} rebuilds what the SDK's own accumulator rebuilds`, async () => {
        const events = eventsOf(name, i);
        expect(reduce(messagesReducer(), events)).toEqual(await sdkFinalMessage(events));
      });
    }
  }

  it('text stream: joined text, final stop reason and usage (js-messages-stream)', () => {
    const out = reduce(messagesReducer(), eventsOf('js-messages-stream'));
    expect(out).toMatchObject({
      id: 'msg_0178nRhNdfNKxFcZRFqApVgL',
      type: 'message',
      role: 'assistant',
      model: 'claude-3-opus-20240229',
      stop_reason: 'end_turn',
      stop_sequence: null,
      // input from message_start, output_tokens replaced by message_delta's
      usage: { input_tokens: 17, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 158, service_tier: 'standard' },
    });
    expect(out.content).toHaveLength(1);
    expect(out.content[0].type).toBe('text');
    expect(out.content[0].text.startsWith("Sure, here's a joke about OpenTelemetry:")).toBe(true);
    const pieces = eventsOf('js-messages-stream')
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => e.delta.text)
      .join('');
    expect(out.content[0].text).toBe(pieces);
  });

  it('several tool_use blocks: input_json_delta joined and parsed per block (oi-multi-tool-use-stream)', () => {
    const out = reduce(messagesReducer(), eventsOf('oi-multi-tool-use-stream'));
    expect(out.content.map((b: Json) => b.type)).toEqual(['text', 'tool_use', 'tool_use']);
    expect(out.content[1]).toEqual({
      type: 'tool_use',
      id: 'toolu_01Mo5Ee5Yb7vrzaxSNS5DVuP',
      name: 'get_weather',
      input: { location: 'New York, NY' },
      caller: { type: 'direct' },
    });
    expect(out.content[2].input).toEqual({ timezone: 'America/New_York' });
    expect(out.stop_reason).toBe('tool_use');
    expect(out.usage.output_tokens).toBe(113);
  });

  it('tool use (py-tool-use-stream) has the shape of the non-streaming tool response (py-tool-use)', () => {
    const out = reduce(messagesReducer(), eventsOf('py-tool-use-stream'));
    expect(out.content[1].input).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
    expect(out.content[2].input).toEqual({ timezone: 'America/Los_Angeles' });
    // The non-streaming recording is a year older: its usage has no cache fields yet.
    expect(shapeOf(out, false)).toEqual(shapeOf(bodyOf('py-tool-use'), false));
  });

  it('thinking: thinking_delta joined, signature_delta kept (py-thinking-stream vs py-thinking)', () => {
    const out = reduce(messagesReducer(), eventsOf('py-thinking-stream'));
    expect(out.content.map((b: Json) => b.type)).toEqual(['thinking', 'text']);
    expect(out.content[0].thinking.startsWith("Let me count the occurrences of the letter 'r'")).toBe(true);
    expect(out.content[0].signature.startsWith('ErUBCkYIAR')).toBe(true);
    expect(out.usage).toEqual({ input_tokens: 52, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 216 });
    expect(shapeOf(out)).toEqual(shapeOf(bodyOf('py-thinking')));
  });

  it('redacted_thinking block arrives whole in its start event (oi-js-redacted-thinking-stream)', () => {
    const out = reduce(messagesReducer(), eventsOf('oi-js-redacted-thinking-stream'));
    expect(out.content[0]).toEqual({ type: 'redacted_thinking', data: 'SYNTHETIC_REDACTED_ENCRYPTED_DATA' });
    expect(out.content[1]).toEqual({ type: 'text', text: '42' });
    expect(shapeOf(out)).toEqual(shapeOf(bodyOf('oi-js-redacted-thinking')));
  });

  it('has the non-streaming shape, newer wire fields included (stop_details, output_tokens_details)', () => {
    expect(shapeOf(reduce(messagesReducer(), eventsOf('oi-js-thinking-stream')))).toEqual(shapeOf(bodyOf('oi-js-thinking')));
    expect(shapeOf(reduce(messagesReducer(), eventsOf('oi-messages-stream-helper')))).toEqual(shapeOf(bodyOf('oi-messages')));
    expect(shapeOf(reduce(messagesReducer(), eventsOf('js-messages-stream')))).toEqual(shapeOf(bodyOf('js-messages-basic')));
  });

  it('message_delta: cumulative usage fields and top-level extras replace message_start (dd-agent-sdk)', () => {
    const out = reduce(messagesReducer(), eventsOf('dd-agent-sdk-thinking-tool-loop-stream'));
    expect(out.content[0]).toMatchObject({ type: 'thinking', thinking: '' }); // display omitted: empty thinking
    expect(out.content[1]).toMatchObject({ type: 'tool_use', name: 'mcp__local__fetch_weather', input: { location: 'NY', units: 'fahrenheit' } });
    expect(out.stop_details).toBeNull();
    expect(out.context_management).toEqual({ applied_edits: [] });
    expect(out.usage).toMatchObject({
      input_tokens: 3,
      cache_creation_input_tokens: 1143,
      cache_read_input_tokens: 0,
      output_tokens: 101,
      output_tokens_details: { thinking_tokens: 22 },
      service_tier: 'standard',
    });
    expect(out.usage.iterations).toHaveLength(1);
  });

  it('never changes the events it reads', () => {
    for (const [name] of STREAMS) {
      const events = deepFreeze(eventsOf(name));
      expect(() => reduce(messagesReducer(), events)).not.toThrow();
    }
  });

  it('finish can be called more than once, mid-stream too, with the same result', () => {
    const reducer = messagesReducer();
    const state = reducer.init();
    const events = eventsOf('oi-multi-tool-use-stream');
    events.slice(0, 12).forEach((e) => reducer.add(state, e));
    expect(reducer.finish(state)).toEqual(reducer.finish(state));
    events.slice(12).forEach((e) => reducer.add(state, e));
    expect(reducer.finish(state)).toEqual(reduce(messagesReducer(), events));
  });
});

describe('messagesReducer on partial and unusual streams', () => {
  it('a stream cut mid tool input keeps the text so far and the raw JSON text', () => {
    const events = eventsOf('oi-multi-tool-use-stream');
    const cut = events.findIndex((e) => e.delta?.type === 'input_json_delta' && e.delta.partial_json !== '') + 1;
    const out = reduce(messagesReducer(), events.slice(0, cut));
    expect(out.stop_reason).toBeNull();
    expect(out.content[0].type).toBe('text');
    expect(out.content[1].type).toBe('tool_use');
    expect(typeof out.content[1].input).toBe('string'); // not parseable yet: kept raw
    expect(out.content[1].input.startsWith('{')).toBe(true);
  });

  it('a tool_use with no input deltas keeps the input of its start event', () => {
    const out = reduce(messagesReducer(), [
      { type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', model: 'x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'noop', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_stop', index: 0 },
    ]);
    expect(out.content).toEqual([{ type: 'tool_use', id: 't', name: 'noop', input: {} }]);
  });

  it('events before message_start, unknown events and unknown deltas are tolerated', () => {
    const out = reduce(messagesReducer(), [
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } },
      { type: 'future_event', foo: 1 },
      { type: 'content_block_delta', index: 0, delta: { type: 'future_delta', value: 'ignored' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
      { type: 'content_block_delta', index: 7, delta: { type: 'text_delta', text: 'no such block' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
      'not an object',
      null,
    ]);
    expect(out).toEqual({
      id: 'm',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 2 },
    });
  });

  it('citations_delta, compaction_delta and a fallback block, as the SDK folds them', async () => {
    const events: Json[] = [
      { type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', model: 'claude-a', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: [] } },
      { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: 'a', document_index: 0, start_char_index: 0, end_char_index: 1 } } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'A.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: 'b', document_index: 0, start_char_index: 1, end_char_index: 2 } } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'compaction', content: null } },
      { type: 'content_block_delta', index: 1, delta: { type: 'compaction_delta', content: 'summary', encrypted_content: 'enc' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'fallback', from: { model: 'claude-a' }, to: { model: 'claude-b' } } },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null, container: null }, usage: { output_tokens: 4, cache_read_input_tokens: 3 } },
      { type: 'message_stop' },
    ];
    const out = reduce(messagesReducer(), events);
    expect(out.model).toBe('claude-b'); // relabelled like the non-streaming response
    expect(out.content[0].citations).toHaveLength(2);
    expect(out.content[0].text).toBe('A.');
    expect(out.content[1]).toEqual({ type: 'compaction', content: 'summary', encrypted_content: 'enc' });
    expect(out.usage).toEqual({ input_tokens: 9, output_tokens: 4, cache_read_input_tokens: 3 });
    expect(out).toEqual(await sdkFinalMessage(events));
  });
});
