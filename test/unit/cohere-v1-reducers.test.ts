/**
 * Cohere v1 stream reducers (chatStream and generateStream, NDJSON) against recorded (and, for
 * events no recording has, hand-built) streams, read through the real SDK so the reducers see
 * the SDK's camelCase events. The reference for each stream is what the same SDK returns for
 * the non-streaming call. The v2 chatStream reducer: cohere-v2-reducers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cohereChatReducer, cohereGenerateReducer } from '../../integrations/cohere/reducers.js';
import { cohereUsage } from '../../integrations/cohere/usage.js';
import { describeCohereStreams, recorded } from '../helpers/cohere.js';
import { parseNdjson } from '../helpers/ndjson.js';
import { pieces, reduce, shape, type Json } from '../helpers/reducers.js';
import { cohereResult, type CohereCall } from '../helpers/sdk-replay.js';
import type { WireResponse } from '../helpers/wire.js';

/** A v1 stream as the API sends it: one JSON object per line. */
function ndjsonBody(events: Json[]): WireResponse {
  return { status: 200, headers: { 'content-type': 'application/stream+json' }, bodyText: events.map((e) => JSON.stringify(e)).join('\n') + '\n' };
}

function jsonBody(body: Json): WireResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

const V1_CHAT: CohereCall = { method: 'chat', request: { message: 'What year was he born?' } };
const V1_CHAT_STREAM: CohereCall = { method: 'chatStream', request: { message: 'What year was he born?' } };
const GENERATE: CohereCall = { method: 'generate', request: { prompt: 'What happened to Pluto?', model: 'command-light' } };
const GENERATE_STREAM: CohereCall = { method: 'generateStream', request: { prompt: 'What happened to Pluto?', model: 'command-light' } };

describeCohereStreams((copy, events) => {
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
});
