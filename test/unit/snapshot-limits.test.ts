/**
 * snapshot()'s limits: long strings, deep nesting, long arrays, many keys, the total byte
 * budget and shared-reference blow-ups are cut with markers saying what was dropped, quickly.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SNAPSHOT_LIMITS, snapshot } from '../../src/serialize/snapshot.js';

describe('snapshot: limits', () => {
  it('cuts a 50 MB string quickly, with a suffix saying how much was dropped', () => {
    const huge = 'x'.repeat(50_000_000);
    const started = performance.now();
    const { value, bytes } = snapshot({ prompt: huge });
    const elapsed = performance.now() - started;
    const prompt = (value as { prompt: string }).prompt;
    expect(prompt).toBe('x'.repeat(100_000) + '…[truncated 49,900,000 chars]');
    expect(bytes).toBeLessThan(101_000);
    expect(elapsed).toBeLessThan(500);
  });

  it('does not split a surrogate pair when cutting', () => {
    const { value } = snapshot('ab😀cd', { maxStringLength: 3 });
    expect(value).toBe('ab…[truncated 4 chars]');
  });

  it('truncates a 10,000-deep object at maxDepth, quickly', () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 10_000; i++) {
      const next: Record<string, unknown> = {};
      node.next = next;
      node = next;
    }
    const started = performance.now();
    let copy = snapshot(root).value as Record<string, unknown>;
    expect(performance.now() - started).toBeLessThan(100);
    let levels = 0;
    while (typeof copy.next === 'object') {
      copy = copy.next as Record<string, unknown>;
      levels++;
    }
    expect(levels).toBe(DEFAULT_SNAPSHOT_LIMITS.maxDepth - 1);
    expect(copy.next).toBe('[Truncated: depth]');
  });

  it('keeps recursion bounded even when a caller asks for a huge maxDepth', () => {
    const root: unknown[] = [];
    let node = root;
    for (let i = 0; i < 100_000; i++) {
      const next: unknown[] = [];
      node.push(next);
      node = next;
    }
    expect(JSON.stringify(snapshot(root, { maxDepth: 1e9 }).value)).toContain('[Truncated: depth]');
  });

  it('drops array items and object keys beyond the caps with a count', () => {
    const { value } = snapshot(
      { list: [1, 2, 3, 4, 5], obj: { a: 1, b: 2, c: 3, d: 4 }, sparse: new Array(1_000_000) },
      { maxArrayLength: 2, maxObjectKeys: 3 },
    );
    expect(value).toEqual({
      list: [1, 2, '[Truncated: 3 more items]'],
      obj: { a: 1, b: 2, c: 3, '[Truncated]': '[Truncated: 1 more keys]' },
      sparse: [null, null, '[Truncated: 999,998 more items]'],
    });
  });

  it('stops at the total byte budget with size markers', () => {
    const chunk = 'y'.repeat(400_000);
    const started = performance.now();
    const { value, bytes } = snapshot({ a: chunk, b: chunk, c: chunk, d: chunk, e: [chunk, chunk] });
    expect(performance.now() - started).toBeLessThan(200);
    const copy = value as Record<string, string>;
    expect(copy.a).toBe(chunk.slice(0, 100_000) + '…[truncated 300,000 chars]');
    expect(JSON.stringify(value).length).toBeLessThan(DEFAULT_SNAPSHOT_LIMITS.maxBytes + 1_000);
    expect(bytes).toBeLessThan(DEFAULT_SNAPSHOT_LIMITS.maxBytes + 1_000);

    const small = snapshot({ a: 'z'.repeat(50), b: 'z'.repeat(50), c: { d: 1 }, e: [1, 2] }, { maxBytes: 70 });
    expect(small.value).toEqual({ a: 'z'.repeat(50), b: 'z'.repeat(11) + '…[truncated 39 chars]', '[Truncated]': '[Truncated: size]' });
  });

  it('stays bounded on a shared-reference blow-up (each level doubles the tree)', () => {
    let node: unknown = { leaf: 'v'.repeat(100) };
    for (let i = 0; i < 40; i++) node = [node, node];
    const started = performance.now();
    const { value } = snapshot(node);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(JSON.stringify(value).length).toBeLessThan(DEFAULT_SNAPSHOT_LIMITS.maxBytes * 1.5);
    expect(JSON.stringify(value)).toContain('[Truncated: size]');
  });
});
