/**
 * Cohere stream reducers against recorded (and, for events no recording has, hand-built)
 * streams, read through the real SDK so the reducers see the SDK's camelCase events. The
 * reference for each stream is what the same SDK returns for the non-streaming call.
 */
import { describe, expect, it } from 'vitest';
import { cohereChatReducer, cohereGenerateReducer, cohereV2ChatReducer } from '../../integrations/cohere/reducers.js';
import { cohereUsage } from '../../integrations/cohere/usage.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { parseNdjson } from '../helpers/ndjson.js';
import { cohereCopies, cohereEvents, cohereResult, deepFreeze, type CohereCall } from '../helpers/sdk-replay.js';
import { parseSse } from '../helpers/sse.js';
import { loadFixture, type WireResponse } from '../helpers/wire.js';

type Json = Record<string, any>;

function reduce(reducer: StreamReducer<any>, chunks: unknown[]): Json {
  const state = reducer.init();
  for (const chunk of chunks) reducer.add(state, chunk);
  return reducer.finish(state) as Json;
}

/** The structure of a value: same keys at every depth, values replaced by their type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    const out: Json = {};
    for (const key of Object.keys(value).sort()) out[key] = shape((value as Json)[key]);
    return out;
  }
  return value === null ? 'null' : typeof value;
}

function recorded(name: string, exchange = 0): WireResponse {
  return loadFixture(`cohere/${name}`).exchanges[exchange]!.response;
}

/** A v2 stream as the API sends it: `event:` + `data:` lines, then `data: [DONE]`. */
function sseBody(events: Json[]): WireResponse {
  const text = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, bodyText: text };
}

/** A v1 stream as the API sends it: one JSON object per line. */
function ndjsonBody(events: Json[]): WireResponse {
  return { status: 200, headers: { 'content-type': 'application/stream+json' }, bodyText: events.map((e) => JSON.stringify(e)).join('\n') + '\n' };
}

function jsonBody(body: Json): WireResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

/** Splits a string into pieces of at most `size` characters, as a model streams tokens. */
function pieces(text: string, size = 5): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const V1_CHAT: CohereCall = { method: 'chat', request: { message: 'What year was he born?' } };
const V1_CHAT_STREAM: CohereCall = { method: 'chatStream', request: { message: 'What year was he born?' } };
const GENERATE: CohereCall = { method: 'generate', request: { prompt: 'What happened to Pluto?', model: 'command-light' } };
const GENERATE_STREAM: CohereCall = { method: 'generateStream', request: { prompt: 'What happened to Pluto?', model: 'command-light' } };
const V2_MESSAGES = [{ role: 'user', content: 'Tell me a joke, pirate style' }];
const V2_CHAT: CohereCall = { v2: true, method: 'chat', request: { model: 'command', messages: V2_MESSAGES } };
const V2_CHAT_STREAM: CohereCall = { v2: true, method: 'chatStream', request: { model: 'command', messages: V2_MESSAGES } };

describe.each(cohereCopies)('Cohere stream reducers through $label', (copy) => {
  const events = async (call: CohereCall, response: WireResponse) => deepFreeze(await cohereEvents(copy, call, response));

  describe('v1 chatStream (NDJSON)', () => {
    it('yields one event per recorded line, camelCased', async () => {
      const response = recorded('js-chat-v1-stream.json');
      const evs = await events(V1_CHAT_STREAM, response);
      expect(evs).toHaveLength(parseNdjson(response.bodyText!).length);
      expect(evs.map((e) => e.eventType)).toContain('citation-generation');
      expect(evs.at(-1)).toMatchObject({ eventType: 'stream-end', finishReason: 'COMPLETE' });
    });

    it('outputs the non-streaming response that stream-end carries (js-chat-v1-stream)', async () => {
      const evs = await events(V1_CHAT_STREAM, recorded('js-chat-v1-stream.json'));
      const out = reduce(cohereChatReducer(), evs);
      expect(out).toBe(evs.at(-1)!.response);
      const texts = evs.filter((e) => e.eventType === 'text-generation').map((e) => e.text).join('');
      expect(out.text).toBe(texts);
      // Same structure as the SDK's non-streaming chat result of the same request (another recording).
      const plain = await cohereResult(copy, V1_CHAT, recorded('js-chat-v1.json'));
      expect(shape(out)).toEqual(shape(plain));
      expect(cohereUsage(out, V1_CHAT.request)).toEqual([
        { model: 'unknown', usage: { requests: 1, inputTokens: 23, outputTokens: 78, totalTokens: 101 } },
      ]);
    });

    it('rebuilds the response from the events when the stream stops before stream-end', async () => {
      const evs = await events(V1_CHAT_STREAM, recorded('js-chat-v1-stream.json'));
      const full = evs.at(-1)!.response as Json;
      const partial = reduce(cohereChatReducer(), evs.slice(0, -1));
      const { documents, ...rest } = partial;
      expect(rest).toEqual({
        text: full.text,
        generationId: evs[0]!.generationId,
        citations: full.citations,
        searchResults: full.searchResults,
        searchQueries: full.searchQueries,
      });
      // The same documents; the recorded stream-end lists them in another order.
      const byId = (a: Json, b: Json) => String(a.id).localeCompare(String(b.id));
      expect([...documents].sort(byId)).toEqual([...full.documents].sort(byId));
    });

    it('keeps billed and processed usage apart (py-chat-v1-stream: 7 billed of 69 input tokens)', async () => {
      const call: CohereCall = { method: 'chatStream', request: { message: 'Tell me a joke, pirate style', model: 'command' } };
      const evs = await events(call, recorded('py-chat-v1-stream.json'));
      const out = reduce(cohereChatReducer(), evs);
      expect(out.meta.tokens).toEqual({ inputTokens: 69, outputTokens: 116 });
      expect(cohereUsage(out, call.request)).toEqual([
        { model: 'command', usage: { requests: 1, inputTokens: 7, outputTokens: 115, totalTokens: 122 } },
      ]);
    });

    it('marks the first generated text as the first token', async () => {
      const evs = await events(V1_CHAT_STREAM, recorded('js-chat-v1-stream.json'));
      const reducer = cohereChatReducer();
      const first = evs.findIndex((e) => reducer.isFirstToken!(e));
      expect(evs[first]).toMatchObject({ eventType: 'text-generation' });
      expect(evs.slice(0, first).map((e) => e.eventType)).toEqual(['stream-start', 'search-queries-generation', 'search-results']);
    });

    it('rebuilds tool calls from tool-calls-chunk / tool-calls-generation (hand-built stream)', async () => {
      const plan = 'I will look up the weather in Paris and Tokyo.';
      const calls = [
        { name: 'get_weather', parameters: { city: 'Paris' } },
        { name: 'get_weather', parameters: { city: 'Tokyo' } },
      ];
      const response = {
        response_id: 'resp-1',
        text: plan,
        generation_id: 'gen-1',
        chat_history: [],
        finish_reason: 'COMPLETE',
        tool_calls: calls,
        meta: { api_version: { version: '1' }, billed_units: { input_tokens: 30, output_tokens: 25 }, tokens: { input_tokens: 900, output_tokens: 40 } },
      };
      const wire: Json[] = [{ is_finished: false, event_type: 'stream-start', generation_id: 'gen-1' }];
      for (const piece of pieces(plan)) wire.push({ is_finished: false, event_type: 'tool-calls-chunk', text: piece });
      calls.forEach((call, index) => {
        wire.push({ is_finished: false, event_type: 'tool-calls-chunk', tool_call_delta: { index, name: call.name } });
        for (const piece of pieces(JSON.stringify(call.parameters), 4)) {
          wire.push({ is_finished: false, event_type: 'tool-calls-chunk', tool_call_delta: { index, parameters: piece } });
        }
      });
      const generation = { is_finished: false, event_type: 'tool-calls-generation', text: plan, tool_calls: calls };
      wire.push(generation, { is_finished: true, event_type: 'stream-end', finish_reason: 'COMPLETE', response });

      const evs = await events(V1_CHAT_STREAM, ndjsonBody(wire));
      const plain = await cohereResult(copy, V1_CHAT, jsonBody(response));
      expect(reduce(cohereChatReducer(), evs)).toEqual(plain);

      const expectedPartial = { text: plan, generationId: 'gen-1', toolCalls: plain.toolCalls };
      // Cut before tool-calls-generation: from the chunks alone; cut after it: its list wins.
      const chunksOnly = evs.filter((e) => e.eventType !== 'tool-calls-generation' && e.eventType !== 'stream-end');
      expect(reduce(cohereChatReducer(), chunksOnly)).toEqual(expectedPartial);
      expect(reduce(cohereChatReducer(), evs.slice(0, -1))).toEqual(expectedPartial);
      const reducer = cohereChatReducer();
      expect(evs.findIndex((e) => reducer.isFirstToken!(e))).toBe(1);
    });

    it('reports a stream-end with finish reason ERROR as an in-band error', () => {
      const reducer = cohereChatReducer();
      expect(reducer.errorOf!({ eventType: 'stream-end', finishReason: 'ERROR', response: { text: '' } })).toMatchObject({ type: 'CohereStreamError' });
      expect(reducer.errorOf!({ eventType: 'stream-end', finishReason: 'COMPLETE', response: { text: '' } })).toBeUndefined();
      expect(reducer.errorOf!({ eventType: 'text-generation', text: 'x' })).toBeUndefined();
    });
  });

  describe('v1 generateStream (NDJSON)', () => {
    it('outputs the Generation shape, with meta camelCased like the non-streaming call', async () => {
      const evs = await events(GENERATE_STREAM, recorded('js-generate-stream.json'));
      // The SDK passes stream-end's meta through as sent.
      expect(evs.at(-1)!.response.meta).toHaveProperty('billed_units');
      const out = reduce(cohereGenerateReducer(), evs);
      expect(out).toEqual({
        id: '1ce1192a-de25-4997-b880-9ff96d6ba2b4',
        // `finish_reason` as the non-streaming call has it (the SDK types it only in the stream).
        generations: [{ id: 'ff39b95c-4900-4513-bbee-25bda13e5a26', text: evs.at(-1)!.response.generations[0].text, finish_reason: 'COMPLETE' }],
        prompt: 'What happened to Pluto?',
        meta: { apiVersion: { version: '1' }, billedUnits: { inputTokens: 5, outputTokens: 55 } },
      });
      const texts = evs.filter((e) => e.eventType === 'text-generation').map((e) => e.text).join('');
      expect(out.generations[0].text).toBe(texts);
      const plain = await cohereResult(copy, GENERATE, recorded('js-generate.json'));
      expect(shape(out)).toEqual(shape(plain));
      expect(out.generations[0].text).toBe(plain.generations[0].text); // the two recordings generated the same text
      expect(cohereUsage(out, GENERATE.request)).toEqual([
        { model: 'command-light', usage: { requests: 1, inputTokens: 5, outputTokens: 55, totalTokens: 60 } },
      ]);
    });

    it('joins the text of a stream cut before stream-end, per generation', async () => {
      const evs = await events(GENERATE_STREAM, recorded('js-generate-stream.json'));
      const texts = evs.filter((e) => e.eventType === 'text-generation').map((e) => e.text).join('');
      expect(reduce(cohereGenerateReducer(), evs.slice(0, -1))).toEqual({ generations: [{ text: texts }] });
      const two = [
        { eventType: 'text-generation', text: 'a', index: 0, isFinished: false },
        { eventType: 'text-generation', text: 'x', index: 1, isFinished: false },
        { eventType: 'text-generation', text: 'b', index: 0, isFinished: false },
      ];
      expect(reduce(cohereGenerateReducer(), two)).toEqual({ generations: [{ text: 'ab', index: 0 }, { text: 'x', index: 1 }] });
    });

    it('reports stream-error in band', () => {
      const reducer = cohereGenerateReducer();
      const error = { eventType: 'stream-error', isFinished: true, finishReason: 'ERROR', err: 'overloaded' };
      expect(reducer.errorOf!(error)).toEqual({ type: 'CohereStreamError', message: 'overloaded' });
      expect(reducer.isFirstToken!({ eventType: 'text-generation', text: ' Pluto' })).toBe(true);
      expect(reducer.isFirstToken!({ eventType: 'text-generation', text: '' })).toBe(false);
    });
  });

  describe('v2 chatStream (SSE)', () => {
    it('rebuilds V2ChatResponse from content deltas (py-chat-v2-stream)', async () => {
      const response = recorded('py-chat-v2-stream.json');
      const evs = await events(V2_CHAT_STREAM, response);
      expect(evs).toHaveLength(parseSse(response.bodyText!).filter((e) => e.data !== '[DONE]').length);
      const out = reduce(cohereV2ChatReducer(), evs);
      const text = evs.filter((e) => e.type === 'content-delta').map((e) => e.delta.message.content.text).join('');
      expect(out).toEqual({
        id: '6cd6ce61-bb3b-46f6-907e-fcfab45e51b6',
        finishReason: 'COMPLETE',
        message: { role: 'assistant', content: [{ type: 'text', text }] },
        usage: { billedUnits: { inputTokens: 7, outputTokens: 109 }, tokens: { inputTokens: 69, outputTokens: 110 } },
      });
      const plain = await cohereResult(copy, V2_CHAT, recorded('py-chat-v2.json'));
      expect(shape(out)).toEqual(shape(plain));
      expect(cohereUsage(out, V2_CHAT.request)).toEqual([
        { model: 'command', usage: { requests: 1, inputTokens: 7, outputTokens: 109, totalTokens: 116 } },
      ]);
      const reducer = cohereV2ChatReducer();
      expect(evs.findIndex((e) => reducer.isFirstToken!(e))).toBe(2); // message-start, content-start (empty), then text
    });

    it('keeps what arrived when the stream stops early', async () => {
      const evs = await events(V2_CHAT_STREAM, recorded('py-chat-v2-stream.json'));
      const out = reduce(cohereV2ChatReducer(), evs.slice(0, 5));
      expect(out).toEqual({
        id: '6cd6ce61-bb3b-46f6-907e-fcfab45e51b6',
        message: { role: 'assistant', content: [{ type: 'text', text: 'Arrrr' }] }, // 'Ar' + 'rr' + 'r'
      });
      expect(cohereUsage(out, V2_CHAT.request)).toEqual([{ model: 'command', usage: { requests: 1 } }]);
    });

    /** The stream the API sends for a v2 response body, following Cohere's documented v2 events. */
    function v2Stream(body: Json): Json[] {
      const message = body.message as Json;
      const out: Json[] = [
        { id: body.id, type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } },
      ];
      if (message.tool_plan) for (const piece of pieces(message.tool_plan)) out.push({ type: 'tool-plan-delta', delta: { message: { tool_plan: piece } } });
      (message.tool_calls ?? []).forEach((call: Json, index: number) => {
        out.push({ type: 'tool-call-start', index, delta: { message: { tool_calls: { id: call.id, type: call.type, function: { name: call.function.name, arguments: '' } } } } });
        for (const piece of pieces(call.function.arguments, 4)) out.push({ type: 'tool-call-delta', index, delta: { message: { tool_calls: { function: { arguments: piece } } } } });
        out.push({ type: 'tool-call-end', index });
      });
      (message.content ?? []).forEach((part: Json, index: number) => {
        out.push({ type: 'content-start', index, delta: { message: { content: { type: part.type, text: '' } } } });
        for (const piece of pieces(part.text)) out.push({ type: 'content-delta', index, delta: { message: { content: { text: piece } } } });
      });
      (message.citations ?? []).forEach((citation: Json, index: number) => {
        out.push({ type: 'citation-start', index, delta: { message: { citations: citation } } });
        out.push({ type: 'citation-end', index });
      });
      (message.content ?? []).forEach((_: Json, index: number) => out.push({ type: 'content-end', index }));
      out.push({ type: 'message-end', delta: { finish_reason: body.finish_reason, usage: body.usage } });
      return out;
    }

    it('rebuilds a tool plan and parallel tool calls (hand-built from py-chat-v2-tool-calls-history turn 1)', async () => {
      const turn = recorded('py-chat-v2-tool-calls-history.json', 0);
      const evs = await events(V2_CHAT_STREAM, sseBody(v2Stream(turn.body as Json)));
      const plain = await cohereResult(copy, V2_CHAT, turn);
      const out = reduce(cohereV2ChatReducer(), evs);
      expect(out).toEqual(plain);
      expect(out.message.toolCalls.map((c: Json) => JSON.parse(c.function.arguments))).toEqual([{ location: 'Tokyo' }, { location: 'Tokyo' }]);
      const reducer = cohereV2ChatReducer();
      expect(evs.findIndex((e) => reducer.isFirstToken!(e))).toBe(1); // the first tool-plan-delta
    });

    it('rebuilds text with citations (hand-built from py-chat-v2-tool-calls-history turn 2)', async () => {
      const turn = recorded('py-chat-v2-tool-calls-history.json', 1);
      const evs = await events(V2_CHAT_STREAM, sseBody(v2Stream(turn.body as Json)));
      const plain = await cohereResult(copy, V2_CHAT, turn);
      const out = reduce(cohereV2ChatReducer(), evs);
      expect(out).toEqual(plain);
      expect(out.message.citations).toHaveLength(2);
      expect(cohereUsage(out, { model: 'command-r' })).toEqual([
        { model: 'command-r', usage: { requests: 1, inputTokens: 94, outputTokens: 27, totalTokens: 121 } },
      ]);
    });

    it('rebuilds thinking and text content blocks and records cached tokens', () => {
      const evs = deepFreeze([
        { type: 'message-start', id: 'm1', delta: { message: { role: 'assistant' } } },
        { type: 'content-start', index: 0, delta: { message: { content: { type: 'thinking', thinking: '' } } } },
        { type: 'content-delta', index: 0, delta: { message: { content: { thinking: 'Let me ' } } } },
        { type: 'content-delta', index: 0, delta: { message: { content: { thinking: 'think.' } } } },
        { type: 'content-end', index: 0 },
        { type: 'content-start', index: 1, delta: { message: { content: { type: 'text', text: '' } } } },
        { type: 'content-delta', index: 1, delta: { message: { content: { text: 'Done' } } } },
        { type: 'content-end', index: 1 },
        { type: 'message-end', delta: { finishReason: 'COMPLETE', usage: { billedUnits: { inputTokens: 10, outputTokens: 3 }, cachedTokens: 4 } } },
      ]);
      const out = reduce(cohereV2ChatReducer(), evs);
      expect(out).toEqual({
        id: 'm1',
        finishReason: 'COMPLETE',
        message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'Let me think.' }, { type: 'text', text: 'Done' }] },
        usage: { billedUnits: { inputTokens: 10, outputTokens: 3 }, cachedTokens: 4 },
      });
      expect(cohereUsage(out, { model: 'command-a-reasoning' })).toEqual([
        { model: 'command-a-reasoning', usage: { requests: 1, inputTokens: 10, outputTokens: 3, totalTokens: 13, cacheReadTokens: 4 } },
      ]);
      expect(cohereV2ChatReducer().isFirstToken!(evs[2])).toBe(true);
    });

    it('reports a message-end carrying an error in band', () => {
      const reducer = cohereV2ChatReducer();
      expect(reducer.errorOf!({ type: 'message-end', delta: { error: 'internal error', finishReason: 'ERROR' } })).toEqual({
        type: 'CohereStreamError',
        message: 'internal error',
      });
      expect(reducer.errorOf!({ type: 'message-end', delta: { finishReason: 'COMPLETE' } })).toBeUndefined();
    });
  });
});
