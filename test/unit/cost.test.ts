/**
 * Costs: bundled genai-prices data at the call's start time, custom prices (addCost), the
 * pricer's fallbacks and warnings, and the roll-up through op(). Expected costs are computed
 * by hand from the per-million-token prices in the bundled data (@pydantic/genai-prices 0.1.8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addCost, CustomPrices, loadStoredCosts, normalizeCost, type CostStore } from '../../src/cost/custom.js';
import { setPricer, type PriceQuery } from '../../src/cost/index.js';
import { createPricer } from '../../src/cost/pricer.js';
import { bundledPrice, providerIdFor, toPricesUsage } from '../../src/cost/prices.js';
import { getCurrentCall, op } from '../../src/index.js';
import { LocalStore } from '../../src/store/local-store.js';
import { beginCall } from '../../src/trace/api.js';
import type { LiveCall } from '../../src/trace/call.js';
import type { Cost, Usage } from '../../src/types.js';
import { traced, type Traced } from '../helpers/collect.js';

const at = (iso: string) => Date.parse(iso);

function expectCost(actual: Cost | undefined, inputCost: number, outputCost: number, totalCost = inputCost + outputCost): void {
  expect(actual).toBeDefined();
  expect(actual!.inputCost).toBeCloseTo(inputCost, 12);
  expect(actual!.outputCost).toBeCloseTo(outputCost, 12);
  expect(actual!.totalCost).toBeCloseTo(totalCost, 12);
}

function query(provider: string | undefined, model: string, usage: Omit<Usage, 'requests'>, when = '2025-08-01T00:00:00Z'): PriceQuery {
  return { provider, model, usage: { requests: 1, ...usage }, at: at(when) };
}

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

describe('custom prices', () => {
  it('prices uncached input, cache reads and writes (falling back to the input rate) and output', () => {
    const prices = new CustomPrices();
    prices.add({ model: 'my-ft', inputTokenCost: 1e-6, outputTokenCost: 2e-6, cacheReadTokenCost: 0.1e-6, effectiveDate: '2025-01-01' });
    // uncached = 1000 - 300 - 200 = 500
    // input = 500 * 1e-6 + 300 * 0.1e-6 + 200 * 1e-6 (no cache write rate) = 0.0005 + 0.00003 + 0.0002 = 0.00073
    // output = 400 * 2e-6 = 0.0008
    const usage = { inputTokens: 1_000, cacheReadTokens: 300, cacheWriteTokens: 200, outputTokens: 400 };
    expectCost(prices.priceFor(query('openai', 'my-ft', usage)), 0.00073, 0.0008);
    // The model matches exactly.
    expect(prices.priceFor(query('openai', 'my-ft-2', usage))).toBeUndefined();
    expect(prices.priceFor(query('openai', 'MY-FT', usage))).toBeUndefined();
  });

  it('two effective dates: a call started between them uses the older one', () => {
    const prices = new CustomPrices();
    prices.add({ model: 'm', inputTokenCost: 1e-6, outputTokenCost: 1e-6, effectiveDate: '2025-01-01T00:00:00Z' });
    prices.add({ model: 'm', inputTokenCost: 3e-6, outputTokenCost: 5e-6, effectiveDate: new Date('2025-06-01T00:00:00Z') });
    const usage = { inputTokens: 1_000, outputTokens: 100 };
    // 1000 * 1e-6 = 0.001; 100 * 1e-6 = 0.0001
    expectCost(prices.priceFor(query(undefined, 'm', usage, '2025-03-01T00:00:00Z')), 0.001, 0.0001);
    // 1000 * 3e-6 = 0.003; 100 * 5e-6 = 0.0005 (from the effective instant on)
    expectCost(prices.priceFor(query(undefined, 'm', usage, '2025-06-01T00:00:00Z')), 0.003, 0.0005);
    expect(prices.priceFor(query(undefined, 'm', usage, '2024-12-31T23:59:59Z'))).toBeUndefined();
  });

  it('provider: unset matches any provider; a provider-specific price wins only at the same date', () => {
    const prices = new CustomPrices();
    prices.add({ model: 'm', inputTokenCost: 1e-6, outputTokenCost: 0, effectiveDate: '2025-01-01' });
    prices.add({ model: 'm', provider: 'groq', inputTokenCost: 2e-6, outputTokenCost: 0, effectiveDate: '2025-01-01' });
    prices.add({ model: 'm', provider: 'together', inputTokenCost: 3e-6, outputTokenCost: 0, effectiveDate: '2024-01-01' });
    const usage = { inputTokens: 1_000 };
    expectCost(prices.priceFor(query('groq', 'm', usage)), 0.002, 0);
    expectCost(prices.priceFor(query('openai', 'm', usage)), 0.001, 0);
    // together's own price is older than the provider-less one: the newest date wins.
    expectCost(prices.priceFor(query('together', 'm', usage)), 0.001, 0);
    expectCost(prices.priceFor(query('together', 'm', usage, '2024-06-01')), 0.003, 0);
  });

  it('validates every field with a TypeError naming it', () => {
    const ok = { model: 'm', inputTokenCost: 1e-6, outputTokenCost: 2e-6 };
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...ok, model: '' }, /model must be a non-empty string/],
      [{ ...ok, model: 42 }, /model must be/],
      [{ ...ok, provider: '' }, /provider must be/],
      [{ ...ok, inputTokenCost: -1 }, /inputTokenCost must be a finite number >= 0/],
      [{ ...ok, inputTokenCost: undefined }, /inputTokenCost must be/],
      [{ ...ok, outputTokenCost: Number.NaN }, /outputTokenCost must be/],
      [{ ...ok, outputTokenCost: '0.1' }, /outputTokenCost must be/],
      [{ ...ok, cacheReadTokenCost: Infinity }, /cacheReadTokenCost must be/],
      [{ ...ok, cacheWriteTokenCost: -0.5 }, /cacheWriteTokenCost must be/],
      [{ ...ok, effectiveDate: 'yesterday' }, /effectiveDate must be an ISO-8601/],
      [{ ...ok, effectiveDate: '2025-02-30' }, /effectiveDate must be an ISO-8601/],
      [{ ...ok, effectiveDate: new Date('nope') }, /effectiveDate must be a valid Date/],
      [{ ...ok, effectiveDate: 1735689600000 }, /effectiveDate must be a Date or an ISO-8601 string/],
      [{ ...ok, inputCost: 1 }, /unknown field inputCost/],
    ];
    for (const [input, message] of bad) {
      expect(() => new CustomPrices().add(input as never), JSON.stringify(input)).toThrow(TypeError);
      expect(() => normalizeCost(input), JSON.stringify(input)).toThrow(message);
    }
    expect(() => normalizeCost(null)).toThrow(TypeError);
    const now = at('2025-05-05T05:05:05Z');
    expect(normalizeCost(ok, now)).toEqual({
      model: 'm', provider: null, inputTokenCost: 1e-6, outputTokenCost: 2e-6,
      cacheReadTokenCost: null, cacheWriteTokenCost: null, effectiveDateMs: now, createdAtMs: now,
    });
    expect(normalizeCost({ ...ok, effectiveDate: '2025-06-01' }).effectiveDateMs).toBe(at('2025-06-01T00:00:00Z'));
    expect(normalizeCost({ ...ok, effectiveDate: '2025-06-01T02:00:00+02:00' }).effectiveDateMs).toBe(at('2025-06-01T00:00:00Z'));
  });

  it('persist in the local store per project: a later process (a new store handle) uses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracewire-cost-'));
    try {
      const first = LocalStore.open(dir);
      addCost(new CustomPrices(), { model: 'm', inputTokenCost: 1e-6, outputTokenCost: 2e-6, effectiveDate: '2025-01-01' }, { store: first, project: 'p1' });
      addCost(new CustomPrices(), { model: 'm', provider: 'openai', inputTokenCost: 5e-6, outputTokenCost: 5e-6, cacheReadTokenCost: 1e-6, effectiveDate: '2025-06-01' }, { store: first, project: 'p1' });
      addCost(new CustomPrices(), { model: 'm', inputTokenCost: 9e-6, outputTokenCost: 9e-6, effectiveDate: '2020-01-01' }, { store: first, project: 'other' });
      first.close();

      const second = LocalStore.open(dir);
      const prices = new CustomPrices();
      loadStoredCosts(prices, second, 'p1');
      second.close();
      expect(prices.size).toBe(2);
      const usage = { inputTokens: 1_000, cacheReadTokens: 400, outputTokens: 10 };
      // 1000 * 1e-6 = 0.001 (cache read at the input rate); 10 * 2e-6 = 0.00002
      expectCost(prices.priceFor(query('openai', 'm', usage, '2025-03-01')), 0.001, 0.00002);
      // 600 * 5e-6 + 400 * 1e-6 = 0.003 + 0.0004 = 0.0034; 10 * 5e-6 = 0.00005
      expectCost(prices.priceFor(query('openai', 'm', usage, '2025-07-01')), 0.0034, 0.00005);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a store that fails: the price still applies in this process, with a warning', () => {
    const { warnings } = traced();
    const broken: CostStore = {
      insertCost: () => { throw new Error('disk full'); },
      listCosts: () => { throw new Error('locked'); },
    };
    const prices = new CustomPrices();
    addCost(prices, { model: 'm', inputTokenCost: 1e-6, outputTokenCost: 0, effectiveDate: '2025-01-01' }, { store: broken, project: 'p' });
    loadStoredCosts(prices, broken, 'p');
    expect(prices.size).toBe(1);
    expect(warnings.join('\n')).toMatch(/could not be saved.*disk full/);
    expect(warnings.join('\n')).toMatch(/could not read the custom prices of project p.*locked/);
  });
});

describe('pricer', () => {
  let t: Traced;
  let custom: CustomPrices;
  beforeEach(() => {
    t = traced();
    custom = new CustomPrices();
    setPricer(createPricer(custom));
  });
  afterEach(() => {
    setPricer(undefined);
    vi.useRealTimers();
  });

  /** A fake LLM call that reports usage the way an integration does (no provider: matched by model). */
  const llm = op(async function llm(model: string, usage: Usage) {
    (getCurrentCall() as LiveCall).addUsage(model, usage);
    return 'ok';
  }, { kind: 'llm' });

  /** An integration's call: it knows the provider it went to. */
  function providerCall(provider: string, model: string, usage: Usage): void {
    const call = beginCall({ opName: `${provider}.call`, kind: 'llm', provider }, { model })!;
    call.addUsage(model, usage);
    call.succeed('ok');
  }

  it('custom prices override the bundled ones', () => {
    custom.add({ model: 'gpt-4o-mini-2024-07-18', inputTokenCost: 0.1e-6, outputTokenCost: 0.5e-6, effectiveDate: '2024-01-01' });
    const pricer = createPricer(custom);
    // 1000 * 0.1e-6 = 0.0001; 100 * 0.5e-6 = 0.00005 (bundled would be 0.00015 + 0.00006)
    expectCost(pricer(query('openai', 'gpt-4o-mini-2024-07-18', { inputTokens: 1_000, outputTokens: 100 })), 0.0001, 0.00005);
    // Before its effective date the bundled price applies: 1000 * 0.15e-6 = 0.00015; 100 * 0.6e-6 = 0.00006
    expectCost(pricer(query('openai', 'gpt-4o-mini-2024-07-18', { inputTokens: 1_000, outputTokens: 100 }, '2023-12-31')), 0.00015, 0.00006);
    // Self-hosted: only a custom price can apply.
    custom.add({ model: 'llama3.2', provider: 'ollama', inputTokenCost: 0, outputTokenCost: 0, effectiveDate: '2024-01-01' });
    expectCost(pricer(query('ollama', 'llama3.2', { inputTokens: 1_000, outputTokens: 100 })), 0, 0);
    expect(t.warnings).toEqual([]);
  });

  it('roll-up through op(): costs at each call start, an unknown model has no cost entry and one warning', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-05-01T12:00:00Z'));
    custom.add({ model: 'my-ft', inputTokenCost: 1e-6, outputTokenCost: 2e-6, effectiveDate: '2025-01-01' });
    custom.add({ model: 'my-ft', inputTokenCost: 4e-6, outputTokenCost: 8e-6, effectiveDate: '2025-06-01' });
    const step = op(async function step() {
      providerCall('openai', 'o3-2025-04-16', { requests: 1, inputTokens: 10_000, cacheReadTokens: 4_000, outputTokens: 2_000, reasoningTokens: 1_500 });
      await llm('my-ft', { requests: 1, inputTokens: 1_000, outputTokens: 100 });
      await llm('mystery-model', { requests: 1, inputTokens: 5, outputTokens: 5 });
    });
    const agent = op(async function agent() {
      await step();
      vi.setSystemTime(new Date('2025-07-01T00:00:00Z'));
      providerCall('anthropic', 'claude-sonnet-4-20250514', { requests: 1, inputTokens: 10_000, cacheReadTokens: 3_000, cacheWriteTokens: 2_000, outputTokens: 500 });
      providerCall('openai', 'o3-2025-04-16', { requests: 1, inputTokens: 10_000, cacheReadTokens: 4_000, outputTokens: 2_000, reasoningTokens: 1_500 });
      await llm('my-ft', { requests: 1, inputTokens: 1_000, outputTokens: 100 });
      await llm('mystery-model', { requests: 1, inputTokens: 5, outputTokens: 5 });
    }, { kind: 'agent' });
    await agent();

    const calls = await t.calls();
    const root = calls.find((c) => c.opName === 'agent')!;
    const mid = calls.find((c) => c.opName === 'step')!;
    // step (2025-05-01): o3 old prices 0.062 + 0.08; my-ft first price 1000 * 1e-6 = 0.001, 100 * 2e-6 = 0.0002
    expectCost(mid.summary.costs!['o3-2025-04-16'], 0.062, 0.08);
    expectCost(mid.summary.costs!['my-ft'], 0.001, 0.0002);
    expect(mid.summary.totalCost).toBeCloseTo(0.142 + 0.0012, 12);
    // agent adds (2025-07-01): o3 new prices 0.014 + 0.016; claude 0.0234 + 0.0075;
    // my-ft second price 1000 * 4e-6 = 0.004, 100 * 8e-6 = 0.0008
    expectCost(root.summary.costs!['o3-2025-04-16'], 0.062 + 0.014, 0.08 + 0.016);
    expectCost(root.summary.costs!['claude-sonnet-4-20250514'], 0.0234, 0.0075);
    expectCost(root.summary.costs!['my-ft'], 0.001 + 0.004, 0.0002 + 0.0008);
    expect(root.summary.totalCost).toBeCloseTo(0.142 + 0.03 + 0.0309 + 0.0012 + 0.0048, 12);
    // The unknown model is in the usage, never in the costs (not even as 0).
    expect(root.summary.usage!['mystery-model']).toEqual({ requests: 2, inputTokens: 10, outputTokens: 10 });
    expect(Object.keys(root.summary.costs!)).not.toContain('mystery-model');
    for (const call of calls.filter((c) => c.opName === 'llm' && c.summary.usage?.['mystery-model'])) {
      expect(call.summary.costs).toBeUndefined();
      expect(call.summary.totalCost).toBeUndefined();
    }
    const about = t.warnings.filter((w) => w.includes('mystery-model'));
    expect(about).toHaveLength(1);
    expect(about[0]).toMatch(/no price known for model mystery-model .*tracewire\.addCost\(\{ model: "mystery-model"/);
    expect(t.warnings).toHaveLength(1);
  });

  it('usage with nothing billable: no cost and no warning; inconsistent usage: one warning', () => {
    const pricer = createPricer(custom);
    expect(pricer(query('openai', 'gpt-4o', {}))).toBeUndefined();
    expect(t.warnings).toEqual([]);
    expect(pricer(query('openai', 'gpt-4o', { inputTokens: 10, cacheReadTokens: 30 }))).toBeUndefined();
    expect(pricer(query('openai', 'gpt-4o', { inputTokens: 10, cacheReadTokens: 30 }))).toBeUndefined();
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/could not price gpt-4o \(provider openai\): its usage is inconsistent/);
  });
});
