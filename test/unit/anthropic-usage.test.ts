import { describe, expect, it } from 'vitest';
import { messagesReducer } from '../../integrations/anthropic/reducer.js';
import {
  completionsUsage,
  countTokensUsage,
  messageUsage,
  modelOf,
  usageFromAnthropic,
} from '../../integrations/anthropic/usage.js';
import { sseJson } from '../helpers/sse.js';
import { loadFixture } from '../helpers/wire.js';

type Json = Record<string, any>;

function exchange(name: string, i = 0): { request: Json; response: Json } {
  const ex = loadFixture(`anthropic/${name}.json`).exchanges[i]!;
  return { request: ex.request.body as Json, response: ex.response.body as Json };
}

function streamed(name: string, i = 0): { request: Json; output: Json } {
  const ex = loadFixture(`anthropic/${name}.json`).exchanges[i]!;
  const reducer = messagesReducer();
  const state = reducer.init();
  for (const event of sseJson(ex.response.bodyText!)) reducer.add(state, event);
  return { request: ex.request.body as Json, output: reducer.finish(state) as Json };
}

describe('messageUsage on recorded responses (numbers checked by hand)', () => {
  it('prompt caching, first call writes the cache (py-prompt-caching #0)', () => {
    // usage: input 4, cache_creation 1163, cache_read 0, output 187
    const { request, response } = exchange('py-prompt-caching', 0);
    expect(messageUsage(response, request)).toEqual([
      {
        model: 'claude-3-5-sonnet-20240620',
        usage: {
          requests: 1,
          inputTokens: 1167, // 4 + 0 + 1163
          outputTokens: 187,
          totalTokens: 1354, // 1167 + 187
          cacheReadTokens: 0,
          cacheWriteTokens: 1163,
        },
      },
    ]);
  });

  it('prompt caching, second call reads it (py-prompt-caching #1)', () => {
    // usage: input 4, cache_creation 0, cache_read 1163, output 202
    const { request, response } = exchange('py-prompt-caching', 1);
    expect(messageUsage(response, request)).toEqual([
      {
        model: 'claude-3-5-sonnet-20240620',
        usage: { requests: 1, inputTokens: 1167, outputTokens: 202, totalTokens: 1369, cacheReadTokens: 1163, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('cache write reported beside uncached input (aisdk-messages-cache-tokens)', () => {
    // usage: input 1231, cache_creation 1200, cache_read 0, output 5 (cache_creation breakdown ignored)
    const { request, response } = exchange('aisdk-messages-cache-tokens');
    expect(messageUsage(response, request)).toEqual([
      {
        model: 'claude-3-haiku-20240307',
        usage: { requests: 1, inputTokens: 2431, outputTokens: 5, totalTokens: 2436, cacheReadTokens: 0, cacheWriteTokens: 1200 },
      },
    ]);
  });

  it('system blocks with cache_control, write then read (oi-system-cache-control #0, #1)', () => {
    // #0: input 21, cache_creation 1733, cache_read 0, output 561
    const first = exchange('oi-system-cache-control', 0);
    expect(messageUsage(first.response, first.request)[0]).toEqual({
      model: 'claude-3-7-sonnet-20250219',
      usage: { requests: 1, inputTokens: 1754, outputTokens: 561, totalTokens: 2315, cacheReadTokens: 0, cacheWriteTokens: 1733 },
    });
    // #1: input 21, cache_creation 0, cache_read 1733, output 568
    const second = exchange('oi-system-cache-control', 1);
    expect(messageUsage(second.response, second.request)[0]).toEqual({
      model: 'claude-3-7-sonnet-20250219',
      usage: { requests: 1, inputTokens: 1754, outputTokens: 568, totalTokens: 2322, cacheReadTokens: 1733, cacheWriteTokens: 0 },
    });
  });

  it('a plain response (oi-messages): zero cache counts are reported, so they are kept', () => {
    const { request, response } = exchange('oi-messages');
    expect(messageUsage(response, request)[0]!.usage).toEqual({
      requests: 1,
      inputTokens: 14,
      outputTokens: 11,
      totalTokens: 25,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });
});

describe('messageUsage on rebuilt streams', () => {
  it('input from message_start, output from message_delta (js-messages-stream)', () => {
    const { request, output } = streamed('js-messages-stream');
    expect(messageUsage(output, request)).toEqual([
      {
        model: 'claude-3-opus-20240229',
        usage: { requests: 1, inputTokens: 17, outputTokens: 158, totalTokens: 175, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('thinking tokens reported by the API become reasoningTokens (dd-agent-sdk-thinking-tool-loop-stream)', () => {
    // message_delta usage: input 3, cache_creation 1143, cache_read 0, output 101, thinking 22
    const first = streamed('dd-agent-sdk-thinking-tool-loop-stream', 0);
    expect(messageUsage(first.output, first.request)).toEqual([
      {
        model: 'claude-sonnet-4-6',
        usage: {
          requests: 1,
          inputTokens: 1146,
          outputTokens: 101,
          totalTokens: 1247,
          cacheReadTokens: 0,
          cacheWriteTokens: 1143,
          reasoningTokens: 22,
        },
      },
    ]);
    // second turn: input 1, cache_creation 126, cache_read 1143, output 22, thinking 0 (reported)
    const second = streamed('dd-agent-sdk-thinking-tool-loop-stream', 1);
    expect(messageUsage(second.output, second.request)[0]!.usage).toEqual({
      requests: 1,
      inputTokens: 1270,
      outputTokens: 22,
      totalTokens: 1292,
      cacheReadTokens: 1143,
      cacheWriteTokens: 126,
      reasoningTokens: 0,
    });
  });

  it('thinking without the token-count feature reports no reasoning tokens (py-thinking-stream)', () => {
    const { request, output } = streamed('py-thinking-stream');
    const usage = messageUsage(output, request)[0]!.usage;
    expect(usage).toEqual({ requests: 1, inputTokens: 52, outputTokens: 216, totalTokens: 268, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect('reasoningTokens' in usage).toBe(false);
  });

  it('a stream cut before message_delta keeps the message_start counts', () => {
    const ex = loadFixture('anthropic/py-tool-use-stream.json').exchanges[0]!;
    const events = sseJson(ex.response.bodyText!) as Json[];
    const reducer = messagesReducer();
    const state = reducer.init();
    for (const event of events.slice(0, 5)) reducer.add(state, event);
    const startUsage = events[0]!.message.usage;
    expect(messageUsage(reducer.finish(state), ex.request.body as Json)[0]!.usage).toEqual({
      requests: 1,
      inputTokens: startUsage.input_tokens,
      outputTokens: startUsage.output_tokens,
      totalTokens: startUsage.input_tokens + startUsage.output_tokens,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });
});

describe('usageFromAnthropic: only what is reported', () => {
  it('absent or null fields stay absent; no total without both sides', () => {
    expect(usageFromAnthropic({ output_tokens: 7 })).toEqual({ requests: 1, outputTokens: 7 });
    expect(usageFromAnthropic({ input_tokens: 3, cache_read_input_tokens: null, cache_creation_input_tokens: null })).toEqual({
      requests: 1,
      inputTokens: 3,
    });
    expect(usageFromAnthropic({})).toEqual({ requests: 1 });
    expect(usageFromAnthropic({ input_tokens: 'x', output_tokens: -1 })).toEqual({ requests: 1 });
  });

  it('input is the sum of the parts that are present', () => {
    expect(usageFromAnthropic({ cache_read_input_tokens: 100, output_tokens: 2 })).toEqual({
      requests: 1,
      inputTokens: 100,
      outputTokens: 2,
      totalTokens: 102,
      cacheReadTokens: 100,
    });
  });

  it('server tool uses are kept as extra billed units', () => {
    expect(
      usageFromAnthropic({ input_tokens: 10, output_tokens: 5, server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 } }),
    ).toEqual({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15, webSearchRequests: 2, webFetchRequests: 0 });
    expect('webSearchRequests' in usageFromAnthropic({ input_tokens: 1, server_tool_use: null })).toBe(false);
  });
});

describe('model key and other endpoints', () => {
  it('keyed by the model the response names, else the requested one, else nothing', () => {
    expect(modelOf({ model: 'claude-3-5-sonnet-20240620' }, { model: 'claude-3-5-sonnet-latest' })).toBe('claude-3-5-sonnet-20240620');
    expect(messageUsage({ usage: { input_tokens: 1, output_tokens: 1 } }, { model: 'claude-req' })[0]!.model).toBe('claude-req');
    expect(messageUsage({ usage: { input_tokens: 1 } }, {})).toEqual([]);
    expect(messageUsage(undefined, { model: 'claude-req' })).toEqual([{ model: 'claude-req', usage: { requests: 1 } }]);
  });

  it('countTokens records no usage: nothing is priced or counted as a generation request', () => {
    expect(countTokensUsage({ input_tokens: 14 }, { model: 'claude-sonnet-4-6', messages: [] })).toEqual([]);
  });

  it('legacy completions report no tokens: one request of the model', () => {
    const { request, response } = exchange('py-legacy-complete');
    expect(completionsUsage(response, request)).toEqual([{ model: 'claude-instant-1.2', usage: { requests: 1 } }]);
  });
});
