/**
 * The affine fast path of resolvedPrice (src/cost/linear.ts) against genai-prices' own
 * calcPrice, on the real bundled data: same prices for flat-priced models over many usages,
 * the same errors for usage the library rejects, and tiered and time-dependent models still
 * priced by tier and date on every call.
 */
import { calcPrice, findProvider, type PriceCalculation, type Usage } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { agrees, linearFor } from '../../src/cost/linear.js';
import { bundledPrice } from '../../src/cost/prices.js';
import { resolvedPrice } from '../../src/cost/resolve.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Valid usages as tracewire passes them: parts within wholes, keys sometimes absent, edges included. */
function usages(count: number, seed: number, maxInput = 300_000): Usage[] {
  const next = random(seed);
  const int = (max: number) => Math.floor(next() * (max + 1));
  const out: Usage[] = [
    { input_tokens: 0, output_tokens: 0 },
    { input_tokens: 1 },
    { output_tokens: 1 },
    { input_tokens: 1000, cache_read_tokens: 1000 },
    { input_tokens: 1000, cache_read_tokens: 400, cache_write_tokens: 600, output_tokens: 10, output_reasoning_tokens: 10 },
    { input_tokens: 0.75, cache_read_tokens: 0.25, cache_write_tokens: 0.5, output_tokens: 0.5 },
  ];
  while (out.length < count) {
    const input = next() < 0.1 ? int(20) : int(maxInput);
    const cacheRead = next() < 0.5 ? int(input) : 0;
    const cacheWrite = next() < 0.4 ? int(input - cacheRead) : 0;
    const output = int(20_000);
    const reasoning = next() < 0.4 ? int(output) : 0;
    const usage: Usage = { input_tokens: input };
    if (cacheRead > 0 || next() < 0.2) usage.cache_read_tokens = cacheRead;
    if (cacheWrite > 0 || next() < 0.2) usage.cache_write_tokens = cacheWrite;
    if (next() < 0.95) usage.output_tokens = output;
    if (reasoning > 0 && usage.output_tokens !== undefined) usage.output_reasoning_tokens = reasoning;
    out.push(usage);
  }
  return out;
}

function direct(usage: Usage, model: string, providerId: string | undefined, timestamp: Date): PriceCalculation | null {
  return calcPrice(usage, model, providerId !== undefined ? { providerId, timestamp } : { timestamp });
}

function expectSame(actual: PriceCalculation | null, expected: PriceCalculation | null): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(actual!.model.id).toBe(expected.model.id);
  expect(Math.abs(actual!.input_price - expected.input_price)).toBeLessThanOrEqual(1e-12);
  expect(Math.abs(actual!.output_price - expected.output_price)).toBeLessThanOrEqual(1e-12);
  expect(Math.abs(actual!.total_price - expected.total_price)).toBeLessThanOrEqual(1e-12);
  expect(actual!.model_price.requests_kcount).toBe(expected.model_price.requests_kcount);
}

/** What a call does: its result, or the error it throws. */
function outcome(price: () => PriceCalculation | null): { error: string } | { result: PriceCalculation | null } {
  try {
    return { result: price() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Whether repeated calls are answered by the affine form: it hands out the model it measured,
 * while calcPrice copies the model on every call. The first call in its domain only checks it.
 */
function isFast(model: string, providerId: string | undefined): boolean {
  const at = Date.parse('2025-08-01T00:00:00Z');
  resolvedPrice({ input_tokens: 5, output_tokens: 1 }, model, providerId, at);
  const a = resolvedPrice({ input_tokens: 10, output_tokens: 1 }, model, providerId, at);
  const b = resolvedPrice({ input_tokens: 20, output_tokens: 2 }, model, providerId, at);
  return a !== null && a.model === b!.model;
}

const AT = new Date('2025-08-01T00:00:00Z');
/** resolvedPrice takes the call's start time in ms, as the pricer has it. */
const AT_MS = AT.getTime();

describe('affine pricing of flat-priced models', () => {
  const flat: [string | undefined, string][] = [
    ['openai', 'gpt-4o'],
    ['openai', 'gpt-4o-mini'],
    ['openai', 'gpt-4o-mini-2024-07-18'],
    // reasoning tokens are part of the output, at the output rate
    ['openai', 'o3-mini'],
    // cache reads and cache writes, each at its own rate
    ['anthropic', 'claude-3-5-sonnet-20241022'],
    ['anthropic', 'claude-sonnet-4-20250514'],
    // a per-request fee, in the total only
    ['perplexity', 'sonar'],
    // reasoning at a rate of its own
    ['perplexity', 'sonar-deep-research'],
    // Azure falling back to OpenAI's model; a model matched with no provider
    ['azure', 'gpt-4o-2024-08-06'],
    [undefined, 'gpt-4o'],
  ];

  it.each(flat)('%s %s: the same as calcPrice over many usages, every call', (providerId, model) => {
    for (const usage of usages(400, model.length * 7919 + (providerId?.length ?? 0))) {
      expectSame(resolvedPrice(usage, model, providerId, AT_MS), direct(usage, model, providerId, AT));
    }
    expect(isFast(model, providerId)).toBe(true);
  });

  it('the per-request fee reaches bundledPrice through model_price', () => {
    const query = { provider: 'perplexity', model: 'sonar', usage: { requests: 2, inputTokens: 1_000, outputTokens: 100 }, at: AT.getTime() };
    for (let i = 0; i < 3; i++) {
      // input 0.001, output 0.0001, two requests at $12 per 1000
      const cost = bundledPrice(query)!;
      expect(cost.inputCost).toBeCloseTo(0.001, 15);
      expect(cost.outputCost).toBeCloseTo(0.0001, 15);
      expect(cost.totalCost).toBeCloseTo(0.0251, 15);
    }
  });

  it('is measured only for one flat price, never for groq', () => {
    const one = (providerId: string, model: string) => {
      const result = calcPrice({ input_tokens: 1 }, model, { providerId })!;
      return { ...result.provider, models: [result.model] };
    };
    expect(linearFor(one('openai', 'gpt-4o'), 'gpt-4o', AT)).toBeDefined();
    expect(linearFor(one('google', 'gemini-2.5-pro'), 'gemini-2.5-pro', AT)).toBeUndefined();
    expect(linearFor(one('openai', 'o3'), 'o3', AT)).toBeUndefined();
    // A tier no probe reaches: only the price's form, not the probes, can tell it is not flat.
    const gpt = one('openai', 'gpt-4o');
    const far = { ...gpt, models: [{ ...gpt.models[0]!, prices: { input_mtok: { base: 1, tiers: [{ start: 2 ** 40, price: 2 }] }, output_mtok: 4 } }] };
    expect(calcPrice({ input_tokens: 2 ** 41 }, 'gpt-4o', { provider: far })!.input_price).toBe(2 * 2 ** 41 / 1e6);
    expect(linearFor(far, 'gpt-4o', AT)).toBeUndefined();
    const groq = findProvider({ providerId: 'groq' })!;
    expect(linearFor({ ...groq, models: [groq.models[0]!] }, groq.models[0]!.id, AT)).toBeUndefined();
  });
});

describe('agreement with calcPrice', () => {
  const calc = (input: number, output: number, total: number, id = 'm') =>
    ({ model: { id }, input_price: input, output_price: output, total_price: total }) as PriceCalculation;

  it('allows rounding only: relative 1e-9, absolute 1e-15 near 0, the same model', () => {
    expect(agrees(calc(1 + 0.9e-9, 2, 3), calc(1, 2, 3))).toBe(true);
    expect(agrees(calc(1 + 2e-9, 2, 3), calc(1, 2, 3))).toBe(false);
    expect(agrees(calc(1, 2, 3 - 4e-9), calc(1, 2, 3))).toBe(false);
    expect(agrees(calc(0.9e-15, 0, 0), calc(0, 0, 0))).toBe(true);
    expect(agrees(calc(2e-15, 0, 0), calc(0, 0, 0))).toBe(false);
    expect(agrees(calc(1, 2, 3, 'a'), calc(1, 2, 3, 'b'))).toBe(false);
  });
});

describe('usage outside the affine domain goes to calcPrice', () => {
  const invalid: [string, Usage][] = [
    ['cache reads beyond the input', { input_tokens: 100, cache_read_tokens: 101 }],
    ['cache reads and writes beyond the input', { input_tokens: 100, cache_read_tokens: 60, cache_write_tokens: 41, output_tokens: 5 }],
    ['reasoning beyond the output', { input_tokens: 100, output_tokens: 10, output_reasoning_tokens: 11 }],
    ['cache reads without the input', { cache_read_tokens: 5, output_tokens: 1 }],
    ['a negative count', { input_tokens: -1, output_tokens: 1 }],
    ['a count that is not a number', { input_tokens: Number.NaN }],
    ['an infinite count', { input_tokens: Number.POSITIVE_INFINITY }],
    ['a residue smaller than rounding', { input_tokens: 0.3, cache_read_tokens: 0.1, cache_write_tokens: 0.2 }],
    ['other billed units', { input_tokens: 100, output_tokens: 10, rerank_searches: 2 }],
    ['audio seconds', { audio_seconds: 30, input_audio_seconds: 30, input_tokens: 10 }],
  ];

  it.each(invalid.map((entry, index) => [...entry, index] as const))(
    '%s: throws or prices exactly as calcPrice does, on the first call of a pair and once the fast path is on',
    (_, usage, index) => {
      // Models that price cache writes and reasoning apart: only there are parts beyond their whole an error.
      const models = [['anthropic', 'claude-sonnet-4-20250514'], ['openai', 'gpt-4o-mini'], ['perplexity', 'sonar'], ['perplexity', 'sonar-deep-research']] as const;
      for (const [providerId, model] of models) {
        // calcPrice trims the name: a pair of its own, first priced here, matching the same model.
        const name = model + ' '.repeat(index + 1);
        const expected = outcome(() => direct(usage, model, providerId, AT));
        const first = outcome(() => resolvedPrice(usage, name, providerId, AT_MS));
        expect(isFast(name, providerId)).toBe(true);
        const later = outcome(() => resolvedPrice(usage, name, providerId, AT_MS));
        for (const actual of [first, later]) {
          if ('error' in expected) expect(actual).toEqual(expected);
          else {
            expect('result' in actual).toBe(true);
            expectSame((actual as { result: PriceCalculation | null }).result, expected.result);
          }
        }
      }
    });

  it('a pair whose first call is outside the domain still gets the fast path once a call inside agrees', () => {
    const usage = { input_tokens: 100, output_tokens: 10, web_searches: 1 };
    expectSame(resolvedPrice(usage, 'gpt-4o-2024-11-20', 'openai', AT_MS), direct(usage, 'gpt-4o-2024-11-20', 'openai', AT));
    expect(isFast('gpt-4o-2024-11-20', 'openai')).toBe(true);
  });
});

describe('prices that depend on the usage or the time stay exact on repeated calls', () => {
  it('tiered: below and above the tier boundary, alternately', () => {
    for (const [model, boundary] of [['gemini-2.5-pro', 200_000], ['gemini-1.5-pro', 128_000]] as const) {
      const below = { input_tokens: boundary, cache_read_tokens: boundary / 4, output_tokens: 1_000 };
      const above = { input_tokens: boundary + 1, cache_read_tokens: boundary / 4, output_tokens: 1_000 };
      // A first call above the boundary agrees with rates measured above it: that must not make them stick.
      for (const usage of [above, below, above, below]) {
        expectSame(resolvedPrice(usage, model, 'google', AT_MS), direct(usage, model, 'google', AT));
      }
      for (let i = 0; i < 5; i++) {
        for (const usage of [below, above]) expectSame(resolvedPrice(usage, model, 'google', AT_MS), direct(usage, model, 'google', AT));
      }
      // Above the boundary every input token costs the higher rate: more than proportionally more.
      const low = resolvedPrice(below, model, 'google', AT_MS)!, high = resolvedPrice(above, model, 'google', AT_MS)!;
      expect(high.input_price).toBeGreaterThan(low.input_price * 1.5);
      for (const usage of usages(200, 11, 400_000)) expectSame(resolvedPrice(usage, model, 'google', AT_MS), direct(usage, model, 'google', AT));
      expect(isFast(model, 'google')).toBe(false);
    }
  });

  it('time-dependent: either side of a price change, alternately', () => {
    const cases = [
      ['openai', 'o3', '2025-06-09T23:59:59Z', '2025-06-10T00:00:00Z'],
      ['mistral', 'ministral-8b-latest', '2025-11-01T00:00:00Z', '2026-01-15T00:00:00Z'],
    ] as const;
    for (const [providerId, model, beforeIso, afterIso] of cases) {
      const before = new Date(beforeIso), after = new Date(afterIso);
      const usage = { input_tokens: 10_000, cache_read_tokens: 4_000, output_tokens: 2_000, output_reasoning_tokens: 1_500 };
      for (let i = 0; i < 5; i++) {
        for (const when of [before, after]) expectSame(resolvedPrice(usage, model, providerId, when.getTime()), direct(usage, model, providerId, when));
      }
      expect(resolvedPrice(usage, model, providerId, before.getTime())!.total_price)
        .not.toBeCloseTo(resolvedPrice(usage, model, providerId, after.getTime())!.total_price, 6);
      expect(isFast(model, providerId)).toBe(false);
    }
  });
});
