/**
 * op() on functions: sync stays sync, async stays async, the caller sees the same values and
 * exceptions, inputs are recorded by parameter name; and whatever is thrown, however hostile
 * or huge, is recorded without changing what the caller sees. Generators: op-generators.test.ts.
 */
import { types } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { getCurrentCall, op } from '../../src/index.js';
import { traced, type Traced } from '../helpers/collect.js';

let t: Traced;
beforeEach(() => {
  t = traced();
});

describe('op() keeps the function shape', () => {
  it('sync stays sync: no promise appears, the record holds inputs by name and the output', async () => {
    const add = op(function add(a: number, b: number) {
      return a + b;
    });
    const result = add(2, 3);
    expect(result).toBe(5);
    expect(types.isPromise(result)).toBe(false);
    const call = await t.one('add');
    expect(call.inputs).toEqual({ a: 2, b: 3 });
    expect(call.output).toBe(5);
    expect(call.status).toBe('success');
    expect(call.kind).toBe('function');
    expect(call.parentId).toBeNull();
    expect(call.traceId).toBe(call.id);
    expect(call.endedAt).not.toBeNull();
    expect(typeof call.summary.latencyMs).toBe('number');
  });

  it('async stays async: a plain promise comes back as one that settles the same way, a promise subclass as the very same object', async () => {
    const original = Promise.resolve('x');
    const fn = op(function same() {
      return original;
    });
    const relayed = fn();
    expect(Object.getPrototypeOf(relayed)).toBe(Promise.prototype);
    await expect(relayed).resolves.toBe('x');
    class Special<T> extends Promise<T> {}
    const special = Special.resolve('y');
    expect(op(() => special)()).toBe(special);
    const slow = op(async function slow(ms: number) {
      await new Promise((r) => setTimeout(r, ms));
      return ms * 2;
    });
    await expect(slow(5)).resolves.toBe(10);
    const call = await t.one('slow');
    expect(call.output).toBe(10);
    expect(call.summary.latencyMs).toBeGreaterThanOrEqual(4);
    // The end is the start plus the measured latency, rounded to the millisecond.
    const span = Date.parse(call.endedAt!) - Date.parse(call.startedAt);
    expect(Math.abs(span - call.summary.latencyMs!)).toBeLessThanOrEqual(0.501);
  });

  it('the caller sees the very same exception object, sync and async', async () => {
    const boom = new RangeError('nope');
    const syncFail = op(function syncFail() {
      throw boom;
    });
    const asyncFail = op(async function asyncFail() {
      throw boom;
    });
    let caught: unknown;
    try {
      syncFail();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(boom);
    await expect(asyncFail()).rejects.toBe(boom);
    for (const name of ['syncFail', 'asyncFail']) {
      const call = await t.one(name);
      expect(call.status).toBe('error');
      expect(call.exception).toMatchObject({ type: 'RangeError', message: 'nope' });
      expect(call.exception?.stack).toContain('nope');
    }
  });

  it('preserves this for methods and exposes name, kind and display name', async () => {
    class Greeter {
      prefix = 'hi';
      greet = op(function greet(this: Greeter, who: string) {
        return `${this.prefix} ${who}`;
      }, { name: 'greeter.greet', kind: 'tool', callDisplayName: (inputs) => `greet ${inputs.who}` });
    }
    expect(new Greeter().greet('ann')).toBe('hi ann');
    const call = await t.one('greeter.greet');
    expect(call.kind).toBe('tool');
    expect(call.displayName).toBe('greet ann');
    expect(call.inputs).toEqual({ who: 'ann' });
  });

  it('records inputs by parameter name, with rest, defaults and destructuring', async () => {
    const f = op(function f(first: string, { deep }: { deep: number }, third = 3, ...more: number[]) {
      return [first, deep, third, more.length];
    });
    f('a', { deep: 1 }, 7, 8, 9);
    const arrow = op(async (query: string, limit: number) => `${query}:${limit}`, { name: 'arrow' });
    await arrow('q', 2);
    const calls = await t.calls();
    expect(calls.find((c) => c.opName === 'f')!.inputs).toEqual({ first: 'a', arg1: { deep: 1 }, third: 7, more: [8, 9] });
    expect(calls.find((c) => c.opName === 'arrow')!.inputs).toEqual({ query: 'q', limit: 2 });
  });

  it('postprocess hooks shape inputs and output', async () => {
    const f = op(function secretive(user: string, password: string) {
      return { token: 'abc', greeting: `hello ${user}` };
    }, {
      postprocessInputs: (inputs) => ({ ...inputs, user: 'someone' }),
      postprocessOutput: (output) => ({ ...(output as object), extra: true }),
    });
    f('ann', 'hunter2');
    const call = await t.one('secretive');
    expect(call.inputs).toEqual({ user: 'someone', password: '[REDACTED]' });
    expect(call.output).toEqual({ token: '[REDACTED]', greeting: 'hello ann', extra: true });
  });

  it('invoke() returns the result beside the call handle, sync and async', async () => {
    const sync = op(function twice(n: number) {
      return n * 2;
    });
    const [value, handle] = sync.invoke(4);
    expect(value).toBe(8);
    const later = op(async function later() {
      getCurrentCall()!.summary.custom = 42;
      return 'done';
    });
    const [result, call] = await later.invoke();
    expect(result).toBe('done');
    const calls = await t.calls();
    expect(calls.find((c) => c.id === handle!.id)!.output).toBe(8);
    expect(calls.find((c) => c.id === call!.id)!.summary.custom).toBe(42);
  });

  it('rejects bad options with a clear error', () => {
    expect(() => op(42 as never)).toThrow(/fn must be a function/);
    expect(() => op(() => 1, { kind: 'banana' as never })).toThrow(/kind.*one of llm/);
    expect(() => op(() => 1, { name: '' })).toThrow(/name.*non-empty string/);
    expect(() => op(() => 1, { name: '' })).toThrow(/^tracewire: option "op options\.name"/);
    // A misspelt option would otherwise be ignored without a word.
    expect(() => op(() => 1, { displayName: 'x' } as never)).toThrow(/unknown key "displayName" in op options; allowed keys: name, kind, callDisplayName, postprocessInputs, postprocessOutput/);
  });
});

describe('whatever is thrown', () => {
  it('an error whose getters throw reaches the caller unchanged and is still recorded, sync and async', async () => {
    const hostile = Object.create(Error.prototype, {
      message: { get() { throw new Error('message getter'); } },
      stack: { get() { throw new Error('stack getter'); } },
      name: { get() { throw new Error('name getter'); } },
      status: { get() { throw new Error('status getter'); } },
    });
    const sync = op(function failsSync() {
      throw hostile;
    });
    const asyncOp = op(async function failsAsync() {
      throw hostile;
    });
    let caught: unknown;
    try {
      sync();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(hostile);
    await expect(asyncOp()).rejects.toBe(hostile);
    const calls = await t.calls();
    expect(calls.map((c) => [c.opName, c.status]).sort()).toEqual([['failsAsync', 'error'], ['failsSync', 'error']]);
    for (const call of calls) {
      expect(call.exception?.type).toBe('Error');
      expect(typeof call.exception?.message).toBe('string');
    }
  });

  it('a huge message and stack are cut with a marker and counted against the queue bound', async () => {
    t = traced({ maxQueueBytes: 100_000 });
    const huge = op(function huge(i: number) {
      throw new Error(`${i}:${'x'.repeat(5_000_000)}`);
    });
    for (let i = 0; i < 10; i++) expect(() => huge(i)).toThrow();
    const calls = await t.calls();
    for (const call of calls) {
      expect(call.exception!.message.length).toBeLessThan(20_000);
      expect(call.exception!.message).toMatch(/truncated/);
      expect(call.exception!.stack!.length).toBeLessThan(20_000);
    }
    // Each record holds over 32 KB of exception text: a 100 KB queue takes two or three of the
    // ten calls made in one go, and drops the rest, counted, rather than holding 100 MB.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(3);
    expect(t.warnings.join('\n')).toMatch(/export queue is full/);
  });

  it('a trace 10,000 calls deep is recorded whole', async () => {
    // Each level awaits before it recurses, so the app's own stack stays shallow.
    // Named apart from the op: inside a function named `deep`, `deep` is the untraced function.
    const deep = op(async function level(n: number): Promise<number> {
      await null;
      return n === 0 ? 0 : 1 + (await deep(n - 1));
    });
    expect(await deep(10_000)).toBe(10_000);
    const calls = await t.calls();
    expect(calls).toHaveLength(10_001);
    const traceIds = new Set(calls.map((c) => c.traceId));
    expect(traceIds.size).toBe(1);
    expect(t.warnings).toEqual([]);
  });
});
