/** Cohere usage from the SDK's non-streaming results of recorded responses; numbers checked by hand against the fixtures. */
import { describe, expect, it } from 'vitest';
import { cohereModelOf, cohereUsage, usageFromCohere } from '../../integrations/cohere/usage.js';
import { cohereCopies, cohereResult, type CohereCall } from '../helpers/sdk-replay.js';
import { loadFixture, type WireResponse } from '../helpers/wire.js';

function recorded(name: string, exchange = 0): WireResponse {
  return loadFixture(`cohere/${name}`).exchanges[exchange]!.response;
}

describe.each(cohereCopies)('Cohere usage through $label', (copy) => {
  it('v1 chat: billed units, keyed "unknown" when the request names no model (js-chat-v1)', async () => {
    const call: CohereCall = { method: 'chat', request: { message: 'What year was he born?' } };
    const out = await cohereResult(copy, call, recorded('js-chat-v1.json'));
    // meta.billed_units { input_tokens: 23, output_tokens: 60 }; token_count is the legacy field, ignored.
    expect(cohereUsage(out, call.request)).toEqual([{ model: 'unknown', usage: { requests: 1, inputTokens: 23, outputTokens: 60, totalTokens: 83 } }]);
  });

  it('v1 generate (js-generate)', async () => {
    const call: CohereCall = { method: 'generate', request: { prompt: 'What happened to Pluto?', model: 'command-light' } };
    const out = await cohereResult(copy, call, recorded('js-generate.json'));
    expect(cohereUsage(out, call.request)).toEqual([{ model: 'command-light', usage: { requests: 1, inputTokens: 5, outputTokens: 57, totalTokens: 62 } }]);
  });

  it('v1 rerank: one search unit, no tokens (js-rerank-v1, py-rerank-v1)', async () => {
    const js: CohereCall = { method: 'rerank', request: { query: 'capital?', documents: ['a'], returnDocuments: true } };
    expect(cohereUsage(await cohereResult(copy, js, recorded('js-rerank-v1.json')), js.request)).toEqual([
      { model: 'unknown', usage: { requests: 1, searchUnits: 1 } },
    ]);
    const py: CohereCall = { method: 'rerank', request: { query: 'capital?', documents: ['a'], model: 'rerank-multilingual-v2.0' } };
    expect(cohereUsage(await cohereResult(copy, py, recorded('py-rerank-v1.json')), py.request)).toEqual([
      { model: 'rerank-multilingual-v2.0', usage: { requests: 1, searchUnits: 1 } },
    ]);
  });

  it('v2 chat: usage.billedUnits (py-chat-v2: 7 billed of 69 processed input tokens)', async () => {
    const call: CohereCall = { v2: true, method: 'chat', request: { model: 'command', messages: [{ role: 'user', content: 'hi' }] } };
    const out = await cohereResult(copy, call, recorded('py-chat-v2.json'));
    expect(out.usage.tokens).toEqual({ inputTokens: 69, outputTokens: 89 });
    expect(cohereUsage(out, call.request)).toEqual([{ model: 'command', usage: { requests: 1, inputTokens: 7, outputTokens: 88, totalTokens: 95 } }]);
  });

  it('v2 rerank and embed report under meta (py-rerank-v2, py-embed-v2)', async () => {
    const rerank: CohereCall = { v2: true, method: 'rerank', request: { model: 'rerank-english-v3.0', query: 'q', documents: ['a'] } };
    expect(cohereUsage(await cohereResult(copy, rerank, recorded('py-rerank-v2.json')), rerank.request)).toEqual([
      { model: 'rerank-english-v3.0', usage: { requests: 1, searchUnits: 1 } },
    ]);
    const embed: CohereCall = {
      v2: true,
      method: 'embed',
      request: { model: 'embed-english-light-v3.0', texts: ['a'], inputType: 'search_document', embeddingTypes: ['float'] },
    };
    expect(cohereUsage(await cohereResult(copy, embed, recorded('py-embed-v2.json')), embed.request)).toEqual([
      { model: 'embed-english-light-v3.0', usage: { requests: 1, inputTokens: 208 } },
    ]);
  });
});

describe('Cohere usage readers', () => {
  it('maps cachedTokens to cacheReadTokens and keeps other billed units', () => {
    expect(
      usageFromCohere({ billedUnits: { inputTokens: 100, outputTokens: 20, classifications: 2, images: 1 }, tokens: { inputTokens: 180, outputTokens: 21 }, cachedTokens: 64 }),
    ).toEqual({ requests: 1, inputTokens: 100, outputTokens: 20, totalTokens: 120, cacheReadTokens: 64, classifications: 2, images: 1 });
  });

  it('reads the snake_case the SDK passes through, and falls back to processed tokens when nothing is billed', () => {
    expect(usageFromCohere({ billed_units: { input_tokens: 5, output_tokens: 55 }, cached_tokens: 0 })).toEqual({
      requests: 1,
      inputTokens: 5,
      outputTokens: 55,
      totalTokens: 60,
      cacheReadTokens: 0,
    });
    expect(usageFromCohere({ tokens: { inputTokens: 12 } })).toEqual({ requests: 1, inputTokens: 12 });
  });

  it('reports what is there and nothing more', () => {
    expect(cohereUsage({ id: 'x' }, { model: 'command-r' })).toEqual([{ model: 'command-r', usage: { requests: 1 } }]);
    expect(cohereUsage(undefined, {})).toEqual([{ model: 'unknown', usage: { requests: 1 } }]);
    expect(cohereModelOf({ model: 'from-response' }, {})).toBe('from-response');
    expect(cohereModelOf({ model: 'from-response' }, { model: 'requested' })).toBe('requested');
  });
});
