/**
 * resolvedPrice asks genai-prices for a provider by id at most once a second (the lookup scans
 * the provider list on every call): a price table the host application replaces still shows.
 */
import { describe, expect, it, vi } from 'vitest';

const lookups = vi.hoisted(() => ({ count: 0 }));
vi.mock('@pydantic/genai-prices', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@pydantic/genai-prices')>();
  return {
    ...actual,
    findProvider: (...args: Parameters<typeof actual.findProvider>) => {
      // Counts the lookups by provider id, the ones resolvedPrice remembers.
      if (args[0]?.providerId !== undefined) lookups.count++;
      return actual.findProvider(...args);
    },
  };
});

const { resolvedPrice } = await import('../../src/cost/resolve.js');

describe('provider lookups by id', () => {
  const usage = { input_tokens: 1000, output_tokens: 100 };
  const start = Date.parse('2025-08-01T00:00:00Z');

  it('are remembered for a second of call time, then asked again; a clock that went back asks again', () => {
    const first = resolvedPrice(usage, 'gpt-4o-2024-11-20', 'openai', start);
    const afterFirst = lookups.count;
    expect(first?.total_price).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) expect(resolvedPrice(usage, 'gpt-4o-2024-11-20', 'openai', start + i * 90)?.total_price).toBe(first?.total_price);
    expect(lookups.count).toBe(afterFirst);
    resolvedPrice(usage, 'gpt-4o-2024-11-20', 'openai', start + 1000);
    expect(lookups.count).toBe(afterFirst + 1);
    resolvedPrice(usage, 'gpt-4o-2024-11-20', 'openai', start);
    expect(lookups.count).toBe(afterFirst + 2);
  });

  it('an id the library does not know is remembered as unknown, and the model is priced by name as before', () => {
    const before = lookups.count;
    const a = resolvedPrice(usage, 'gpt-4o-2024-11-20', 'no-such-provider', start);
    const b = resolvedPrice(usage, 'gpt-4o-2024-11-20', 'no-such-provider', start + 10);
    expect(a?.total_price).toBeGreaterThan(0);
    expect(b?.total_price).toBe(a?.total_price);
    expect(lookups.count - before).toBe(1);
  });
});
