/** Mistral usage from the SDK's results of recorded responses; numbers checked by hand against the fixtures. */
import { describe, expect, it } from 'vitest';
import { cachedTokensOf, mistralChatUsage, mistralEmbeddingsUsage, mistralModelOf } from '../../integrations/mistral/usage.js';
import { mistralCopies, mistralResult } from '../helpers/sdk-replay.js';
import { loadFixture, type WireResponse } from '../helpers/wire.js';

function recorded(name: string, exchange = 0): WireResponse {
  return loadFixture(`mistral/${name}`).exchanges[exchange]!.response;
}

const CHAT = { model: 'mistral-tiny', messages: [{ role: 'user', content: 'Tell me a joke about OpenTelemetry' }] };

describe.each(mistralCopies)('Mistral usage through $label', (copy) => {
  it('chat.complete (py-chat-2)', async () => {
    const out = await mistralResult(copy, 'chat.complete', CHAT, recorded('py-chat-2.json'));
    expect(mistralChatUsage(out, CHAT)).toEqual([{ model: 'mistral-tiny', usage: { requests: 1, inputTokens: 11, outputTokens: 53, totalTokens: 64 } }]);
  });

  it('cached tokens from prompt_tokens_details.cached_tokens (py-chat-cached-tokens: 10 of 20 prompt tokens)', async () => {
    const out = await mistralResult(copy, 'chat.complete', CHAT, recorded('py-chat-cached-tokens.json'));
    expect(mistralChatUsage(out, CHAT)).toEqual([
      { model: 'mistral-tiny', usage: { requests: 1, inputTokens: 20, outputTokens: 18, totalTokens: 38, cacheReadTokens: 10 } },
    ]);
  });

  it('cached tokens from num_cached_tokens (pai-chat-tool-call-roundtrip: 76 of 77, then 99 of 100)', async () => {
    const first = await mistralResult(copy, 'chat.complete', CHAT, recorded('pai-chat-tool-call-roundtrip.json', 0));
    const second = await mistralResult(copy, 'chat.complete', CHAT, recorded('pai-chat-tool-call-roundtrip.json', 1));
    expect(mistralChatUsage(first, CHAT)).toEqual([
      { model: 'mistral-large-latest', usage: { requests: 1, inputTokens: 77, outputTokens: 12, totalTokens: 89, cacheReadTokens: 76 } },
    ]);
    expect(mistralChatUsage(second, CHAT)[0]!.usage).toEqual({ requests: 1, inputTokens: 100, outputTokens: 29, totalTokens: 129, cacheReadTokens: 99 });
  });

  it('no cached count when the API sends none (pai-chat-tool-call-pixtral)', async () => {
    const out = await mistralResult(copy, 'chat.complete', CHAT, recorded('pai-chat-tool-call-pixtral.json'));
    expect(mistralChatUsage(out, CHAT)).toEqual([{ model: 'pixtral-12b-latest', usage: { requests: 1, inputTokens: 65, outputTokens: 16, totalTokens: 81 } }]);
  });

  it('embeddings.create: input only (py-embeddings, py-embeddings-batch)', async () => {
    const request = { model: 'mistral-embed', inputs: ['a'] };
    const one = await mistralResult(copy, 'embeddings.create', request, recorded('py-embeddings.json'));
    const batch = await mistralResult(copy, 'embeddings.create', request, recorded('py-embeddings-batch.json'));
    expect(mistralEmbeddingsUsage(one, request)).toEqual([{ model: 'mistral-embed', usage: { requests: 1, inputTokens: 10, totalTokens: 10 } }]);
    expect(mistralEmbeddingsUsage(batch, request)).toEqual([{ model: 'mistral-embed', usage: { requests: 1, inputTokens: 21, totalTokens: 21 } }]);
  });
});

describe('Mistral usage readers', () => {
  it('finds cached tokens in 2.x passthrough, 1.x additionalProperties and camelCase', () => {
    expect(cachedTokensOf({ promptTokens: 5, prompt_tokens_details: { cached_tokens: 3 } })).toBe(3);
    expect(cachedTokensOf({ promptTokens: 5, additionalProperties: { num_cached_tokens: 4 } })).toBe(4);
    expect(cachedTokensOf({ promptTokens: 5, additionalProperties: { prompt_tokens_details: { cached_tokens: 2 } } })).toBe(2);
    expect(cachedTokensOf({ promptTokens: 5, promptTokensDetails: { cachedTokens: 1 } })).toBe(1);
    expect(cachedTokensOf({ promptTokens: 5, prompt_token_details: null })).toBeUndefined();
  });

  it('keys by the model the response names, else the request', () => {
    expect(mistralModelOf({ model: 'mistral-small-2409' }, { model: 'mistral-small-latest' })).toBe('mistral-small-2409');
    expect(mistralModelOf({}, { model: 'mistral-small-latest' })).toBe('mistral-small-latest');
    expect(mistralChatUsage({}, {})).toEqual([]);
    expect(mistralChatUsage({ model: 'm' }, {})).toEqual([{ model: 'm', usage: { requests: 1 } }]);
  });
});
