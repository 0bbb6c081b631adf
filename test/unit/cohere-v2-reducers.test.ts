/**
 * The Cohere v2 chatStream reducer (SSE) against a recorded stream and streams hand-built from
 * recorded responses, read through the real SDK so the reducer sees the SDK's camelCase events.
 * The reference for each stream is what the same SDK returns for the non-streaming call. The
 * v1 reducers: cohere-v1-reducers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cohereV2ChatReducer } from '../../integrations/cohere/reducers.js';
import { cohereUsage } from '../../integrations/cohere/usage.js';
import { describeCohereStreams, recorded } from '../helpers/cohere.js';
import { pieces, reduce, shape, type Json } from '../helpers/reducers.js';
import { cohereResult, deepFreeze, type CohereCall } from '../helpers/sdk-replay.js';
import { parseSse } from '../helpers/sse.js';
import type { WireResponse } from '../helpers/wire.js';

/** A v2 stream as the API sends it: `event:` + `data:` lines, then `data: [DONE]`. */
function sseBody(events: Json[]): WireResponse {
  const text = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, bodyText: text };
}

const V2_MESSAGES = [{ role: 'user', content: 'Tell me a joke, pirate style' }];
const V2_CHAT: CohereCall = { v2: true, method: 'chat', request: { model: 'command', messages: V2_MESSAGES } };
const V2_CHAT_STREAM: CohereCall = { v2: true, method: 'chatStream', request: { model: 'command', messages: V2_MESSAGES } };

describeCohereStreams((copy, events) => {
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
