/**
 * op() on generators: sync and async generator functions stay generators, their output is the
 * values yielded, a break is a cancellation and a throw an error; and generators reached other
 * ways (a bound method, a plain function that returns one). Plain functions: op.test.ts.
 */
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { op } from '../../src/index.js';
import { tracedPerTest } from '../helpers/collect.js';

const t = tracedPerTest();

describe('generator ops stay generators', () => {
  it('sync generator: output is the yielded values, recorded on exhaustion', async () => {
    const count = op(function* count(n: number) {
      for (let i = 0; i < n; i++) yield i;
      return 'end';
    });
    const gen = count(3);
    expect(types.isGeneratorObject(gen)).toBe(true);
    expect([...gen]).toEqual([0, 1, 2]);
    const call = await t.one('count');
    expect(call.status).toBe('success');
    expect(call.output).toEqual([0, 1, 2]);
  });

  it('sync generator: break is cancelled with the partial output', async () => {
    const naturals = op(function* naturals() {
      for (let i = 0; ; i++) yield i;
    });
    for (const n of naturals()) if (n === 2) break;
    const call = await t.one('naturals');
    expect(call.status).toBe('cancelled');
    expect(call.output).toEqual([0, 1, 2]);
  });

  it('sync generator: a throw is an error and the same object reaches the caller', async () => {
    const boom = new Error('mid');
    const failing = op(function* failing() {
      yield 1;
      throw boom;
    });
    const gen = failing();
    expect(gen.next().value).toBe(1);
    expect(() => gen.next()).toThrow(boom);
    const call = await t.one('failing');
    expect(call.status).toBe('error');
    expect(call.output).toEqual([1]);
  });

  it('sync generator: values sent with next() and throw() reach the user generator', () => {
    const echo = op(function* echo() {
      let got: unknown = yield 'ready';
      try {
        got = yield `got ${got}`;
      } catch (e) {
        yield `caught ${(e as Error).message}`;
      }
    });
    const gen = echo();
    expect(gen.next().value).toBe('ready');
    expect(gen.next('a').value).toBe('got a');
    expect(gen.throw(new Error('x')).value).toBe('caught x');
  });

  it('async generator: exhaustion, break and nesting of calls made inside', async () => {
    const child = op(async function child(i: number) {
      return i;
    });
    const stream = op(async function* stream(n: number) {
      for (let i = 0; i < n; i++) yield await child(i);
    });
    const seen: number[] = [];
    const gen = stream(3);
    expect(Object.prototype.toString.call(gen)).toBe('[object AsyncGenerator]');
    for await (const v of gen) seen.push(v);
    expect(seen).toEqual([0, 1, 2]);
    for await (const v of stream(10)) if (v === 1) break;
    const calls = await t.calls();
    const parents = calls.filter((c) => c.opName === 'stream');
    expect(parents.map((c) => c.status).sort()).toEqual(['cancelled', 'success']);
    const done = parents.find((c) => c.status === 'success')!;
    expect(done.output).toEqual([0, 1, 2]);
    expect(calls.filter((c) => c.opName === 'child' && c.parentId === done.id)).toHaveLength(3);
  });

  it('async generator: a rejection is an error with the partial output', async () => {
    const failing = op(async function* failingAsync() {
      yield 'a';
      throw new TypeError('bad');
    });
    await expect(async () => {
      for await (const _ of failing()) void _;
    }).rejects.toThrow('bad');
    const call = await t.one('failingAsync');
    expect(call.status).toBe('error');
    expect(call.output).toEqual(['a']);
    expect(call.exception?.type).toBe('TypeError');
  });
});

describe('generators reached other ways', () => {
  it('a bound generator method: output is the yielded values, and calls made while iterating nest under it', async () => {
    const child = op(function child(i: number) {
      return i * 10;
    });
    class Repo {
      constructor(private readonly n: number) {}
      *items() {
        for (let i = 0; i < this.n; i++) yield child(i);
      }
    }
    const repo = new Repo(2);
    const items = op(repo.items.bind(repo), { name: 'items' });
    expect([...items()]).toEqual([0, 10]);
    const calls = await t.calls();
    const parent = calls.find((c) => c.opName === 'items')!;
    expect(parent.status).toBe('success');
    expect(parent.output).toEqual([0, 10]);
    expect(calls.filter((c) => c.opName === 'child').map((c) => c.parentId)).toEqual([parent.id, parent.id]);
  });

  it('a plain function that returns an async generator: the call lasts as long as the iteration', async () => {
    async function* letters() {
      yield 'a';
      yield 'b';
    }
    const wrapped = op(function viaFactory() {
      return letters();
    });
    const gen = wrapped();
    expect(Object.prototype.toString.call(gen)).toBe('[object AsyncGenerator]');
    const seen: string[] = [];
    for await (const v of gen) seen.push(v);
    expect(seen).toEqual(['a', 'b']);
    const call = await t.one('viaFactory');
    expect(call.status).toBe('success');
    expect(call.output).toEqual(['a', 'b']);
  });
});
