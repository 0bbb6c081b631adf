import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { getCurrentCall, op, withAttributes, withTracingDisabled } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import { traced, type Traced } from '../helpers/collect.js';

let t: Traced;
beforeEach(() => {
  t = traced({ attributes: { env: 'test' } });
});

const byName = (calls: Call[], name: string) => calls.filter((c) => c.opName === name);

describe('parent/child links', () => {
  it('survive await, timers, Promise.all and event emitters', async () => {
    const leaf = op(async function leaf(tag: string) {
      await sleep(1);
      return tag;
    });
    const emitter = new EventEmitter();
    const fromEvent: Array<Promise<string>> = [];
    emitter.on('go', (tag: string) => fromEvent.push(leaf(tag)));
    const root = op(async function root() {
      await leaf('after-await');
      await new Promise<void>((resolve) => setTimeout(() => void leaf('in-timer').then(() => resolve()), 1));
      await Promise.all([leaf('all-1'), leaf('all-2')]);
      emitter.emit('go', 'from-emitter');
      await Promise.all(fromEvent);
    });
    await root();
    const calls = await t.calls();
    const [rootCall] = byName(calls, 'root');
    const leaves = byName(calls, 'leaf');
    expect(leaves.map((c) => c.output).sort()).toEqual(['after-await', 'all-1', 'all-2', 'from-emitter', 'in-timer']);
    for (const call of leaves) {
      expect(call.parentId).toBe(rootCall!.id);
      expect(call.traceId).toBe(rootCall!.id);
    }
  });

  it('1,000 concurrent traced trees never cross-link', async () => {
    const grandchild = op(async function grandchild(tree: number) {
      await sleep(Math.random() * 3);
      return tree;
    });
    const child = op(async function child(tree: number) {
      await sleep(Math.random() * 3);
      return grandchild(tree);
    });
    const tree = op(async function tree(n: number) {
      await Promise.all([child(n), child(n)]);
      return n;
    });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => tree(i)));
    const calls = await t.calls();
    const byId = new Map(calls.map((c) => [c.id, c]));
    const roots = byName(calls, 'tree');
    expect(roots).toHaveLength(1000);
    expect(byName(calls, 'child')).toHaveLength(2000);
    expect(byName(calls, 'grandchild')).toHaveLength(2000);
    const rootOfTree = new Map(roots.map((r) => [r.inputs.n as number, r]));
    for (const call of calls) {
      if (call.opName === 'tree') continue;
      const tree = call.inputs.tree as number;
      const root = rootOfTree.get(tree)!;
      expect(call.traceId).toBe(root.id);
      const parent = byId.get(call.parentId!)!;
      expect(parent.opName).toBe(call.opName === 'child' ? 'tree' : 'child');
      if (call.opName === 'grandchild') expect(parent.inputs.tree).toBe(tree);
    }
  });
});

describe('withAttributes, withTracingDisabled, getCurrentCall', () => {
  it('attributes merge global < outer < inner for every call started inside', async () => {
    const work = op(async function work() {
      await sleep(1);
    });
    await withAttributes({ user: 'ann', tier: 'free' }, async () => {
      await work();
      await withAttributes({ tier: 'pro' }, () => work());
    });
    await work();
    const calls = byName(await t.calls(), 'work').sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(calls.map((c) => c.attributes)).toEqual([
      { env: 'test', user: 'ann', tier: 'free' },
      { env: 'test', user: 'ann', tier: 'pro' },
      { env: 'test' },
    ]);
  });

  it('calls sharing attributes get records that do not share them: a change to one leaves the others as recorded', async () => {
    const work = op(function work() {
      return 1;
    });
    await withAttributes({ user: { name: 'ann' } }, () => {
      work();
      work();
    });
    const [first, second] = byName(await t.calls(), 'work');
    first!.attributes.extra = true;
    delete first!.attributes.env;
    // Nested values are shared between records, and frozen so that no record can change them.
    expect(() => {
      (first!.attributes.user as Record<string, unknown>).name = 'bob';
    }).toThrow(TypeError);
    expect(second!.attributes).toEqual({ env: 'test', user: { name: 'ann' } });
  });

  it('nothing inside withTracingDisabled is recorded, and results pass through', async () => {
    const inner = op(function inner() {
      return 'x';
    });
    const outer = op(async function outer() {
      return withTracingDisabled(async () => {
        await sleep(1);
        return inner();
      });
    });
    expect(await outer()).toBe('x');
    const calls = await t.calls();
    expect(byName(calls, 'outer')).toHaveLength(1);
    expect(byName(calls, 'inner')).toHaveLength(0);
  });

  it('getCurrentCall sees the running call, and user code may add to its summary', async () => {
    expect(getCurrentCall()).toBeUndefined();
    let seen: string | undefined;
    const f = op(async function annotated() {
      const call = getCurrentCall()!;
      seen = call.id;
      call.summary.retrievedDocs = 3;
    });
    await f();
    const call = await t.one('annotated');
    expect(call.id).toBe(seen);
    expect(call.summary.retrievedDocs).toBe(3);
  });

  it('bad arguments get clear errors', () => {
    expect(() => withAttributes(null as never, () => 1)).toThrow(/attributes must be a plain object/);
    expect(() => withTracingDisabled(1 as never)).toThrow(/fn must be a function/);
  });
});
