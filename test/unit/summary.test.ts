import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setPricer } from '../../src/cost/index.js';
import { getCurrentCall, op } from '../../src/index.js';
import type { LiveCall } from '../../src/trace/call.js';
import type { Usage } from '../../src/types.js';
import { traced, type Traced } from '../helpers/collect.js';

let t: Traced;
beforeEach(() => {
  t = traced();
  // $1 per input token and $2 per output token, for numbers that are easy to check by hand.
  setPricer(({ usage }) => {
    const inputCost = usage.inputTokens ?? 0;
    const outputCost = 2 * (usage.outputTokens ?? 0);
    return { inputCost, outputCost, totalCost: inputCost + outputCost };
  });
});
afterEach(() => setPricer(undefined));

/** A fake LLM call that reports usage the way an integration does. */
const llm = op(async function llm(model: string, usage: Usage) {
  (getCurrentCall() as LiveCall).addUsage(model, usage);
  return 'ok';
}, { kind: 'llm' });

describe('summary roll-up', () => {
  it('a parent includes all descendants, numbers added per model key', async () => {
    const step = op(async function step() {
      await llm('m-a', { requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadTokens: 4 });
      await llm('m-b', { requests: 1, inputTokens: 1, outputTokens: 1 });
    });
    const agent = op(async function agent() {
      await step();
      await llm('m-a', { requests: 1, inputTokens: 20, outputTokens: 10, totalTokens: 30 });
    }, { kind: 'agent' });
    await agent();
    const calls = await t.calls();
    const root = calls.find((c) => c.opName === 'agent')!;
    const mid = calls.find((c) => c.opName === 'step')!;
    expect(root.summary.usage).toEqual({
      'm-a': { requests: 2, inputTokens: 30, outputTokens: 15, totalTokens: 45, cacheReadTokens: 4 },
      'm-b': { requests: 1, inputTokens: 1, outputTokens: 1 },
    });
    expect(mid.summary.usage).toEqual({
      'm-a': { requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadTokens: 4 },
      'm-b': { requests: 1, inputTokens: 1, outputTokens: 1 },
    });
    expect(root.summary.costs).toEqual({
      'm-a': { inputCost: 30, outputCost: 30, totalCost: 60 },
      'm-b': { inputCost: 1, outputCost: 2, totalCost: 3 },
    });
    expect(root.summary.totalCost).toBe(63);
    expect(mid.summary.totalCost).toBe(23);
    for (const call of calls) expect(typeof call.summary.latencyMs).toBe('number');
  });

  it('usage never reported stays absent, never zero', async () => {
    await llm('m', { requests: 1, outputTokens: 3 });
    const call = await t.one('llm');
    expect(call.summary.usage).toEqual({ m: { requests: 1, outputTokens: 3 } });
    const plain = op(function plain() {
      return 1;
    });
    plain();
    const p = await t.one('plain');
    expect(p.summary.usage).toBeUndefined();
    expect(p.summary.totalCost).toBeUndefined();
  });

  it('a child that ends after its parent still rolls up: the parent is exported again', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let pending!: Promise<string>;
    const parent = op(function parent() {
      pending = (async () => {
        await gate;
        return llm('late', { requests: 1, inputTokens: 7, outputTokens: 1 });
      })();
      return 'returned early';
    });
    parent();
    const before = await t.one('parent');
    expect(before.summary.usage).toBeUndefined();
    release();
    await pending;
    const after = await t.one('parent');
    expect(after.summary.usage).toEqual({ late: { requests: 1, inputTokens: 7, outputTokens: 1 } });
    expect(after.summary.totalCost).toBe(9);
  });
});
