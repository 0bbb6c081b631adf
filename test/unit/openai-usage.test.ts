import { describe, expect, it } from 'vitest';
import {
  chatUsage, completionsUsage, embeddingsUsage, imagesUsage, requestOnlyUsage, responsesUsage, transcriptionUsage,
} from '../../integrations/openai/usage.js';
import { loadFixture } from '../helpers/wire.js';

function exchange(name: string, index = 0) {
  const e = loadFixture(`openai/${name}`).exchanges[index]!;
  return { inputs: e.request.body as Record<string, unknown>, output: e.response.body };
}

describe('OpenAI usage mapping', () => {
  it('maps chat usage with cached prompt tokens, keyed by the reported model', () => {
    const first = exchange('py-chat-prompt-caching.json', 0);
    const second = exchange('py-chat-prompt-caching.json', 1);
    expect(chatUsage(first.output, first.inputs)).toEqual([{
      model: 'gpt-4o-mini-2024-07-18',
      usage: { requests: 1, inputTokens: 1149, outputTokens: 315, totalTokens: 1464, cacheReadTokens: 0, reasoningTokens: 0 },
    }]);
    expect(chatUsage(second.output, second.inputs)[0]!.usage.cacheReadTokens).toBe(1024);
  });

  it('maps reasoning tokens', () => {
    const { inputs, output } = exchange('py-chat-reasoning-effort.json');
    expect(chatUsage(output, inputs)).toEqual([{
      model: 'gpt-5-nano-2025-08-07',
      usage: { requests: 1, inputTokens: 11, outputTokens: 228, totalTokens: 239, cacheReadTokens: 0, reasoningTokens: 192 },
    }]);
  });

  it('keys Azure usage by the model in the response, not the deployment name', () => {
    const { inputs, output } = exchange('py-azure-chat.json');
    expect(inputs.model).toBe('openllmetry-testing');
    expect(chatUsage(output, inputs)[0]!.model).toBe('gpt-4.1-mini-2025-04-14');
  });

  it('maps legacy completions usage', () => {
    const { inputs, output } = exchange('js-completions.json');
    expect(completionsUsage(output, inputs)).toEqual([{
      model: 'gpt-3.5-turbo-instruct:20230824-v2',
      usage: { requests: 1, inputTokens: 8, outputTokens: 16, totalTokens: 24 },
    }]);
  });

  it('maps Responses API usage', () => {
    const { inputs, output } = exchange('js-responses-basic.json');
    expect(responsesUsage(output, inputs)).toEqual([{
      model: 'gpt-4o-mini-2024-07-18',
      usage: { requests: 1, inputTokens: 14, outputTokens: 26, totalTokens: 40, cacheReadTokens: 0, reasoningTokens: 0 },
    }]);
  });

  it('maps embeddings usage without output tokens', () => {
    const { inputs, output } = exchange('py-embeddings.json');
    const [entry] = embeddingsUsage(output, inputs);
    expect(entry).toEqual({ model: 'text-embedding-ada-002-v2', usage: { requests: 1, inputTokens: 8, totalTokens: 8 } });
    expect(entry!.usage).not.toHaveProperty('outputTokens');
  });

  it('reports DALL·E image calls as one request of the requested model, no tokens', () => {
    for (const [name, index] of [['js-images-generate.json', 0], ['js-images-quality-levels.json', 1]] as const) {
      const { inputs, output } = exchange(name, index);
      expect(imagesUsage(output, inputs)).toEqual([{ model: inputs.model, usage: { requests: 1 } }]);
    }
  });

  it('maps gpt-image token usage', () => {
    const output = {
      created: 1, data: [],
      usage: { input_tokens: 50, output_tokens: 4160, total_tokens: 4210, input_tokens_details: { text_tokens: 50, image_tokens: 0 } },
    };
    expect(imagesUsage(output, { model: 'gpt-image-1' })).toEqual([{
      model: 'gpt-image-1', usage: { requests: 1, inputTokens: 50, outputTokens: 4160, totalTokens: 4210 },
    }]);
  });

  it('maps transcription usage in tokens or in seconds', () => {
    const tokens = { text: 'hi', usage: { type: 'tokens', input_tokens: 14, output_tokens: 45, total_tokens: 59, input_token_details: { text_tokens: 0, audio_tokens: 14 } } };
    expect(transcriptionUsage(tokens, { model: 'gpt-4o-transcribe' })).toEqual([{
      model: 'gpt-4o-transcribe', usage: { requests: 1, inputTokens: 14, outputTokens: 45, totalTokens: 59 },
    }]);
    const duration = { text: 'hi', usage: { type: 'duration', seconds: 9 } };
    expect(transcriptionUsage(duration, { model: 'whisper-1' })).toEqual([{ model: 'whisper-1', usage: { requests: 1, audioSeconds: 9 } }]);
    expect(transcriptionUsage('plain text', { model: 'whisper-1' })).toEqual([{ model: 'whisper-1', usage: { requests: 1 } }]);
  });

  it('never invents zeros and drops calls with no model at all', () => {
    expect(chatUsage({ model: 'm', usage: { prompt_tokens: 3 } }, {})).toEqual([{ model: 'm', usage: { requests: 1, inputTokens: 3 } }]);
    expect(chatUsage({ usage: { prompt_tokens: 3 } }, {})).toEqual([]);
    expect(chatUsage(undefined, { model: 'm' })).toEqual([{ model: 'm', usage: { requests: 1 } }]);
    expect(responsesUsage({ model: 'm', usage: null }, {})).toEqual([{ model: 'm', usage: { requests: 1 } }]);
  });

  it('reads Groq x_groq usage and DeepSeek cache hits', () => {
    const groq = { model: 'llama', x_groq: { usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } } };
    expect(chatUsage(groq, {})[0]!.usage).toEqual({ requests: 1, inputTokens: 5, outputTokens: 2, totalTokens: 7 });
    const deepseek = { model: 'deepseek-chat', usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, prompt_cache_hit_tokens: 6 } };
    expect(chatUsage(deepseek, {})[0]!.usage.cacheReadTokens).toBe(6);
  });

  it('counts a moderation as one request of the reported model', () => {
    expect(requestOnlyUsage({ model: 'omni-moderation-2024-09-26', results: [] }, { model: 'omni-moderation-latest' }))
      .toEqual([{ model: 'omni-moderation-2024-09-26', usage: { requests: 1 } }]);
  });
});
