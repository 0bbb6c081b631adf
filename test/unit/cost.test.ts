/**
 * Costs: custom prices (addCost), the pricer's fallbacks and warnings, and the roll-up through
 * op(). Expected costs are computed by hand from the per-million-token prices in the bundled
 * data (@pydantic/genai-prices 0.1.8). The bundled prices alone: cost-bundled.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addCost, CustomPrices, loadStoredCosts, normalizeCost, type CostStore } from '../../src/cost/custom.js';
import { setPricer } from '../../src/cost/index.js';
import { createPricer } from '../../src/cost/pricer.js';
import { getCurrentCall, op } from '../../src/index.js';
import { LocalStore } from '../../src/store/local-store.js';
import { beginCall } from '../../src/trace/api.js';
import type { LiveCall } from '../../src/trace/call.js';
import type { Usage } from '../../src/types.js';
import { traced, type Traced } from '../helpers/collect.js';
import { at, expectCost, query } from '../helpers/cost.js';

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
