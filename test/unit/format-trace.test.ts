import { describe, expect, it } from 'vitest';
import { formatTrace } from '../../src/index.js';
import type { Call } from '../../src/types.js';

function call(id: string, parentId: string | null, name: string): Call {
  return {
    id, traceId: 't', parentId, project: 'p', opName: name, displayName: name, kind: 'function',
    startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:00.001Z', status: 'success',
    inputs: {}, output: null, exception: null, attributes: {}, summary: { latencyMs: 1 },
  };
}

describe('formatTrace', () => {
  it('draws siblings and nesting with tree guides, in order', () => {
    const text = formatTrace([call('a', null, 'root'), call('b', 'a', 'first'), call('c', 'b', 'inner'), call('d', 'a', 'second')]);
    expect(text.split('\n').slice(0, 4)).toEqual([
      '✓ root  [function]  1ms',
      '├─ ✓ first  [function]  1ms',
      '│  └─ ✓ inner  [function]  1ms',
      '└─ ✓ second  [function]  1ms',
    ]);
  });

  it('prints a trace 20,000 calls deep, its guides kept to the innermost 40 levels', () => {
    const calls = [call('0', null, 'level')];
    for (let i = 1; i < 20_000; i++) calls.push(call(String(i), String(i - 1), 'level'));
    const lines = formatTrace(calls).split('\n');
    expect(lines).toHaveLength(20_000 + 2);
    expect(lines[1]).toBe('└─ ✓ level  [function]  1ms');
    expect(lines[19_999]).toBe(`…  ${' '.repeat(117)}└─ ✓ level  [function]  1ms`);
    expect(lines.at(-1)).toMatch(/^trace t: 20000 calls/);
  });
});
