/**
 * Costs from the bundled genai-prices data at the call's start time: per provider, tiered and
 * per-request prices, provider names, and how usage keys map onto the data's. Expected costs
 * are computed by hand from the per-million-token prices in the bundled data
 * (@pydantic/genai-prices 0.1.8). Custom prices and the pricer: cost.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { bundledPrice, providerIdFor, toPricesUsage } from '../../src/cost/prices.js';
import { at, expectCost, query } from '../helpers/cost.js';

describe('bundled prices', () => {
  it('OpenAI o3 with cached and reasoning tokens, at the price in force at the call start', () => {
    // inputTokens includes the 4000 cached tokens; outputTokens includes the 1500 reasoning tokens.
    const usage = { inputTokens: 10_000, cacheReadTokens: 4_000, outputTokens: 2_000, reasoningTokens: 1_500 };
    // Before 2025-06-10: input $10/M, cache read $0.50/M, output $40/M.
    // input = 6000 * 10e-6 + 4000 * 0.5e-6 = 0.06 + 0.002 = 0.062; output = 2000 * 40e-6 = 0.08
    expectCost(bundledPrice(query('openai', 'o3-2025-04-16', usage, '2025-05-01T12:00:00Z')), 0.062, 0.08);
    // From 2025-06-10: input $2/M, cache read $0.50/M, output $8/M.
    // input = 6000 * 2e-6 + 4000 * 0.5e-6 = 0.012 + 0.002 = 0.014; output = 2000 * 8e-6 = 0.016
    expectCost(bundledPrice(query('openai', 'o3-2025-04-16', usage, '2025-07-01T00:00:00Z')), 0.014, 0.016);
  });

  it('OpenAI gpt-4o-mini (dated snapshot), and Azure falling back to OpenAI list prices', () => {
    // gpt-4o-mini: input $0.15/M, cache read $0.075/M, output $0.60/M.
    // input = 1500 * 0.15e-6 + 500 * 0.075e-6 = 0.000225 + 0.0000375 = 0.0002625; output = 300 * 0.6e-6 = 0.00018
    const usage = { inputTokens: 2_000, cacheReadTokens: 500, outputTokens: 300 };
    expectCost(bundledPrice(query('openai', 'gpt-4o-mini-2024-07-18', usage)), 0.0002625, 0.00018);
    // gpt-4o on Azure: input $2.50/M, cache read $1.25/M, output $10/M.
    // input = 1500 * 2.5e-6 + 500 * 1.25e-6 = 0.00375 + 0.000625 = 0.004375; output = 300 * 10e-6 = 0.003
    expectCost(bundledPrice(query('azure', 'gpt-4o-2024-08-06', usage)), 0.004375, 0.003);
  });

  it('Anthropic with cache reads and cache writes', () => {
    // claude-sonnet-4: input $3/M, cache write $3.75/M, cache read $0.30/M, output $15/M.
    // inputTokens 10000 = 5000 uncached + 3000 read + 2000 written.
    // input = 5000 * 3e-6 + 3000 * 0.3e-6 + 2000 * 3.75e-6 = 0.015 + 0.0009 + 0.0075 = 0.0234
    // output = 500 * 15e-6 = 0.0075
    const usage = { inputTokens: 10_000, cacheReadTokens: 3_000, cacheWriteTokens: 2_000, outputTokens: 500 };
    expectCost(bundledPrice(query('anthropic', 'claude-sonnet-4-20250514', usage)), 0.0234, 0.0075);
  });

  it('Anthropic tiered prices: above 200k input tokens every token costs the higher tier', () => {
    // claude-sonnet-4-5 above 200000 input tokens: input $6/M, cache write $7.50/M, cache read $0.60/M, output $22.50/M.
    // input = 245000 * 6e-6 + 3000 * 0.6e-6 + 2000 * 7.5e-6 = 1.47 + 0.0018 + 0.015 = 1.4868
    // output = 500 * 22.5e-6 = 0.01125
    const usage = { inputTokens: 250_000, cacheReadTokens: 3_000, cacheWriteTokens: 2_000, outputTokens: 500 };
    expectCost(bundledPrice(query('anthropic', 'claude-sonnet-4-5-20250929', usage)), 1.4868, 0.01125);
  });

  it('Cohere', () => {
    // command-r-plus-08-2024: input $2.50/M, output $10/M.
    // input = 1200 * 2.5e-6 = 0.003; output = 300 * 10e-6 = 0.003
    expectCost(bundledPrice(query('cohere', 'command-r-plus-08-2024', { inputTokens: 1_200, outputTokens: 300 })), 0.003, 0.003);
  });

  it('Mistral, before and after a price change; cached input at the input rate when no cache rate exists', () => {
    expectCost(bundledPrice(query('mistral', 'mistral-large-2411', { inputTokens: 1_000, outputTokens: 500 })),
      // mistral-large-2411: input $2/M, output $6/M: 1000 * 2e-6 = 0.002; 500 * 6e-6 = 0.003
      0.002, 0.003);
    const usage = { inputTokens: 2_000, cacheReadTokens: 1_000, outputTokens: 400 };
    // ministral-8b-latest before 2025-12-02: input $0.10/M, no cache rate, output $0.10/M.
    // input = 2000 * 0.1e-6 = 0.0002; output = 400 * 0.1e-6 = 0.00004
    expectCost(bundledPrice(query('mistral', 'ministral-8b-latest', usage, '2025-11-01T00:00:00Z')), 0.0002, 0.00004);
    // From 2025-12-02: input $0.15/M, cache read $0.015/M, output $0.15/M.
    // input = 1000 * 0.15e-6 + 1000 * 0.015e-6 = 0.00015 + 0.000015 = 0.000165; output = 400 * 0.15e-6 = 0.00006
    expectCost(bundledPrice(query('mistral', 'ministral-8b-latest', usage, '2026-01-15T00:00:00Z')), 0.000165, 0.00006);
  });

  it('fees that are neither input nor output count in the total only', () => {
    // perplexity sonar: input $1/M, output $1/M, $12 per 1000 requests; two requests.
    // input = 1000 * 1e-6 = 0.001; output = 100 * 1e-6 = 0.0001; total = 0.0011 + 2 * 0.012 = 0.0251
    const cost = bundledPrice({ provider: 'perplexity', model: 'sonar', usage: { requests: 2, inputTokens: 1_000, outputTokens: 100 }, at: at('2025-08-01') });
    expectCost(cost, 0.001, 0.0001, 0.0251);
    // whisper-1: $0.36 per hour of input audio: 60 s = 0.36 / 60 = 0.006
    expectCost(bundledPrice(query('openai', 'whisper-1', { audioSeconds: 60 })), 0.006, 0);
  });

  it('provider names: mapped, self-hosted never priced, unknown ones matched by model alone', () => {
    expect(providerIdFor('openai')).toBe('openai');
    expect(providerIdFor('azure')).toBe('azure');
    expect(providerIdFor('xai')).toBe('x-ai');
    expect(providerIdFor('gemini')).toBe('google');
    expect(providerIdFor('ollama')).toBeNull();
    expect(providerIdFor('local')).toBeNull();
    expect(providerIdFor('llm.internal.example.com')).toBeUndefined();
    const usage = { inputTokens: 1_000, outputTokens: 100 };
    expect(bundledPrice(query('ollama', 'gpt-oss-20b', usage))).toBeUndefined();
    // gpt-4o matched by model alone: 1000 * 2.5e-6 = 0.0025; 100 * 10e-6 = 0.001
    expectCost(bundledPrice(query('llm.internal.example.com', 'gpt-4o', usage)), 0.0025, 0.001);
    expectCost(bundledPrice(query(undefined, 'gpt-4o', usage)), 0.0025, 0.001);
    // Groq is a known provider: its own prices only, no guess from another provider's.
    expect(bundledPrice(query('groq', 'gpt-4o', usage))).toBeUndefined();
  });

  it('unknown models and usage with nothing billable have no price', () => {
    expect(bundledPrice(query('openai', 'gpt-unknown-9', { inputTokens: 10, outputTokens: 1 }))).toBeUndefined();
    expect(bundledPrice(query('openai', 'gpt-4o', {}))).toBeUndefined();
  });

  it('usage keys are mapped without double counting cached tokens', () => {
    expect(toPricesUsage({ requests: 1, inputTokens: 100, cacheReadTokens: 30, cacheWriteTokens: 20, outputTokens: 50, reasoningTokens: 40, searchUnits: 2, other: 5 }))
      .toEqual({ input_tokens: 100, cache_read_tokens: 30, cache_write_tokens: 20, output_tokens: 50, output_reasoning_tokens: 40, rerank_searches: 2 });
    // Reasoning reported apart from output cannot be a part of it: left out rather than guessed.
    expect(toPricesUsage({ requests: 1, outputTokens: 10, reasoningTokens: 40 })).toEqual({ output_tokens: 10 });
  });
});
