import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flush, getCurrentCall, init, op } from '../../src/index.js';
import { setLogSink } from '../../src/log.js';
import type { LiveCall } from '../../src/trace/call.js';
import { clearTracewireEnv } from '../helpers/collect.js';

afterEach(() => setLogSink(undefined));

const llm = op(async function fineTuned(tokens: { input: number; output: number }) {
  (getCurrentCall() as LiveCall).addUsage('ft:my-model', { requests: 1, inputTokens: tokens.input, outputTokens: tokens.output });
}, { kind: 'llm' });

describe('tracewire.addCost', () => {
  it('prices calls of the project and is saved for later processes', async () => {
    clearTracewireEnv();
    setLogSink(() => {});
    const dir = join(mkdtempSync(join(tmpdir(), 'tw-cost-')), 'store');
    const tw = init({ dir, project: 'priced', implicitlyPatchIntegrations: false });
    expect(existsSync(dir)).toBe(false);
    tw.addCost({ model: 'ft:my-model', inputTokenCost: 0.000002, outputTokenCost: 0.000008, effectiveDate: '2020-01-01' });
    await llm({ input: 1000, output: 500 });
    const [first] = await tw.getCalls();
    // 1000 * 2e-6 + 500 * 8e-6 = 0.002 + 0.004
    expect(first!.summary.costs!['ft:my-model']!.totalCost).toBeCloseTo(0.006, 12);

    // A new configuration loads the saved price from the store, as a later process would.
    const again = init({ dir, project: 'priced', implicitlyPatchIntegrations: false });
    await llm({ input: 10, output: 10 });
    await flush();
    const calls = await again.getCalls({ sortBy: [{ field: 'startedAt', direction: 'desc' }], limit: 1 });
    expect(calls[0]!.summary.totalCost).toBeCloseTo(10 * 0.000002 + 10 * 0.000008, 12);

    // Another project does not see it.
    const other = init({ dir, project: 'other', implicitlyPatchIntegrations: false });
    await llm({ input: 10, output: 10 });
    const [unpriced] = await other.getCalls();
    expect(unpriced!.summary.costs).toBeUndefined();
  });

  it('rejects bad input naming the field', () => {
    clearTracewireEnv();
    const tw = init({ exporters: ['memory'], implicitlyPatchIntegrations: false });
    expect(() => tw.addCost({ model: '', inputTokenCost: 1, outputTokenCost: 1 })).toThrow(/model/);
    expect(() => tw.addCost({ model: 'm', inputTokenCost: -1, outputTokenCost: 1 })).toThrow(/inputTokenCost/);
    expect(() => tw.addCost({ model: 'm', inputTokenCost: 1, outputTokenCost: 1, effectiveDate: 'yesterday' })).toThrow(/effectiveDate/);
  });
});
