import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setPricer, type Pricer } from '../../src/cost/index.js';
import { flush, getCurrentCall, init, op } from '../../src/index.js';
import { beginCall } from '../../src/trace/api.js';
import type { LiveCall } from '../../src/trace/call.js';
import type { UsageReader } from '../../src/trace/call-spec.js';
import { currentFrame } from '../../src/trace/context.js';
import type { Usage } from '../../src/types.js';
import { CollectingExporter, traced, type Traced } from '../helpers/collect.js';

let t: Traced;
/** $1 per input token and $2 per output token, for numbers that are easy to check by hand. */
const byHand: Pricer = ({ usage }) => {
  const inputCost = usage.inputTokens ?? 0;
  const outputCost = 2 * (usage.outputTokens ?? 0);
  return { inputCost, outputCost, totalCost: inputCost + outputCost };
};
beforeEach(() => {
  t = traced();
  setPricer(byHand);
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

  it('keeps usage per model whatever the name: names of Object.prototype keys, and more names than are remembered', async () => {
    const odd = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '0', 'modèle ✓'];
    const many = Array.from({ length: 1100 }, (_, i) => `model-${i}`);
    const agent = op(async function agent() {
      for (const model of [...odd, ...many, ...odd]) await llm(model, { requests: 1, inputTokens: 1 });
    });
    await agent();
    const usage = (await t.one('agent')).summary.usage!;
    expect(Object.getPrototypeOf(usage)).toBe(Object.prototype);
    expect(Object.keys(usage)).toHaveLength(odd.length + many.length);
    for (const model of odd) expect(usage[model]).toEqual({ requests: 2, inputTokens: 2 });
    expect(usage['model-1099']).toEqual({ requests: 1, inputTokens: 1 });
    const proto = (await t.calls()).find((c) => c.opName === 'llm' && Object.hasOwn(c.summary.usage ?? {}, '__proto__'));
    expect(proto?.summary.costs?.['__proto__']).toEqual({ inputCost: 1, outputCost: 0, totalCost: 1 });
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

  it('a child that ends after its parent still rolls up: the parent is exported again to the stores', async () => {
    // A store keeps the latest record per id; the exporter of traced() is one that cannot (otlp-like).
    const store = Object.assign(new CollectingExporter(), { acceptsRunning: true });
    const finalOnly = new CollectingExporter();
    init({ exporters: [store, finalOnly], implicitlyPatchIntegrations: false });
    setPricer(byHand);
    const one = async (exporter: CollectingExporter) => {
      await flush();
      return exporter.calls.find((c) => c.opName === 'parent')!;
    };
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
    const before = await one(store);
    expect(before.summary.usage).toBeUndefined();
    release();
    await pending;
    const after = await one(store);
    expect(after.summary.usage).toEqual({ late: { requests: 1, inputTokens: 7, outputTokens: 1 } });
    expect(after.summary.totalCost).toBe(9);
    // The first record keeps the summary it was exported with.
    expect(before.summary.usage).toBeUndefined();
    expect(before.summary.totalCost).toBeUndefined();
    // An exporter that cannot replace a record got the parent once, when it ended.
    expect(await one(finalOnly)).toBe(before);
    expect(finalOnly.calls.map((c) => c.opName).sort()).toEqual(['llm', 'parent']);
  });

  it('only a call that became a context can get children; the others are leaves', async () => {
    let inside: LiveCall | undefined;
    const outer = op(async function outer() {
      inside = getCurrentCall() as LiveCall;
    });
    await outer();
    expect(inside?.mayHaveChildren).toBe(true);
    const leaf = beginCall({ opName: 'sdk', kind: 'llm' }, {}, currentFrame())!;
    expect(leaf.mayHaveChildren).toBe(false);
  });
});

describe('usage read from an SDK output (succeedWithUsage)', () => {
  /** Reads `n` input tokens from the output and the model from the inputs, and remembers what it was given. */
  function reader() {
    const given: unknown[] = [];
    const read: UsageReader = (output, inputs) => {
      given.push(output);
      return [{ model: String(inputs.model), usage: { requests: 1, inputTokens: (output as { n: number }).n } }];
    };
    return { given, read };
  }
  const sdkCall = (inputs: Record<string, unknown>) => beginCall({ opName: 'sdk', kind: 'llm' }, inputs, currentFrame())!;

  it('is read from the copies, in the export batch, when they are exact: the app may change the output meanwhile', async () => {
    const { given, read } = reader();
    const output = { n: 3 };
    sdkCall({ model: 'm' }).succeedWithUsage(output, read, { model: 'm' });
    expect(given).toEqual([]);
    output.n = 99;
    const call = await t.one('sdk');
    expect(call.summary.usage).toEqual({ m: { requests: 1, inputTokens: 3 } });
    expect(call.summary.totalCost).toBe(3);
    expect(given).toHaveLength(1);
    expect(given[0]).not.toBe(output);
  });

  it('is read at once, from the originals, when a copy left something out', async () => {
    const { given, read } = reader();
    const output = { n: 4, api_key: 'sk-secret' };
    sdkCall({ model: 'm' }).succeedWithUsage(output, read, { model: 'm' });
    expect(given).toEqual([output]);
    const inputs = { model: 'm', password: 'p' };
    sdkCall(inputs).succeedWithUsage({ n: 5 }, read, inputs);
    expect(given).toHaveLength(2);
    const calls = (await t.calls()).filter((c) => c.opName === 'sdk');
    expect(calls.map((c) => c.summary.usage)).toEqual([{ m: { requests: 1, inputTokens: 4 } }, { m: { requests: 1, inputTokens: 5 } }]);
    expect(calls[0]!.output).toEqual({ n: 4, api_key: '[REDACTED]' });
  });

  it('is in the summary user code reads before the batch runs, its own and its parent\'s', async () => {
    const { read } = reader();
    let seen: unknown;
    const [, parent] = await op(async function agent() {
      const child = sdkCall({ model: 'm' });
      child.succeedWithUsage({ n: 6 }, read, { model: 'm' });
      expect(child.summary.usage).toEqual({ m: { requests: 1, inputTokens: 6 } });
      seen = structuredClone(getCurrentCall()!.summary);
    }).invoke();
    expect(seen).toMatchObject({ usage: { m: { requests: 1, inputTokens: 6 } }, totalCost: 6 });
    expect(parent!.summary.usage).toEqual({ m: { requests: 1, inputTokens: 6 } });
    expect((await t.one('agent')).summary.totalCost).toBe(6);
  });

  it('keeps each call\'s usage its own: siblings rolling up into the parent leave the first call\'s record as it was', async () => {
    const { read } = reader();
    await op(async function agent() {
      for (const n of [1, 10, 100]) sdkCall({ model: 'm' }).succeedWithUsage({ n }, read, { model: 'm' });
      await flush();
      sdkCall({ model: 'm' }).succeedWithUsage({ n: 1000 }, read, { model: 'm' });
    })();
    const calls = await t.calls();
    expect(calls.filter((c) => c.opName === 'sdk').map((c) => c.summary.usage)).toEqual([1, 10, 100, 1000].map((n) => ({ m: { requests: 1, inputTokens: n } })));
    const agent = calls.filter((c) => c.opName === 'agent');
    expect(agent.at(-1)!.summary.usage).toEqual({ m: { requests: 4, inputTokens: 1111 } });
    expect(new Set(calls.map((c) => c.summary.usage!.m)).size).toBe(calls.length);
  });

  it('reaches the parent when the call itself was dropped by a full queue', async () => {
    t = traced({ maxQueueBytes: 2_000 });
    const { read } = reader();
    const big = 'x'.repeat(5_000);
    await op(async function agent() {
      sdkCall({ model: 'm', prompt: big }).succeedWithUsage({ n: 2 }, read, { model: 'm' });
    })();
    const calls = await t.calls();
    expect(calls.map((c) => c.opName)).toEqual(['agent']);
    expect(calls[0]!.summary.usage).toEqual({ m: { requests: 1, inputTokens: 2 } });
  });
});

describe('what user code adds to a summary', () => {
  it('is copied safely: a BigInt becomes a string and the rest of the summary stays', async () => {
    await op(async function counts() {
      const summary = getCurrentCall()!.summary;
      summary.rowsScanned = 12345678901234567890n;
      summary.label = 'nightly';
      await llm('m', { requests: 1, inputTokens: 2, outputTokens: 3 });
    })();
    const call = await t.one('counts');
    expect(call.summary.rowsScanned).toBe('12345678901234567890n');
    expect(call.summary.label).toBe('nightly');
    expect(call.summary.usage).toEqual({ m: { requests: 1, inputTokens: 2, outputTokens: 3 } });
    expect(call.summary.totalCost).toBe(8);
    expect(typeof call.summary.latencyMs).toBe('number');
  });

  it('goes through key redaction like inputs, at any depth and at its top level', async () => {
    t = traced({ redactKeys: ['customerRef'] });
    await op(async function debugged() {
      const summary = getCurrentCall()!.summary;
      summary.debug = { apiKey: 'SUM-SECRET', customerRef: 'C-1', ok: true };
      summary.token = 'TOP-SECRET';
    })();
    const call = await t.one('debugged');
    expect(call.summary.debug).toEqual({ apiKey: '[REDACTED]', customerRef: '[REDACTED]', ok: true });
    expect(call.summary.token).toBe('[REDACTED]');
    expect(JSON.stringify(call)).not.toMatch(/SECRET|C-1/);
  });
});

