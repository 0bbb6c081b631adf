/** A second init() reconfigures: what the first configuration set up and the second keeps goes on working. */
import { afterEach, describe, expect, it } from 'vitest';
import { flush, getCurrentCall, init, op } from '../../src/index.js';
import { setLogSink } from '../../src/log.js';
import type { LiveCall } from '../../src/trace/call.js';
import type { Call, Exporter } from '../../src/types.js';
import { clearTracewireEnv } from '../helpers/collect.js';

afterEach(() => setLogSink(undefined));

const step = op(function step(i: number) {
  return i;
});

const fineTuned = op(async function fineTuned() {
  (getCurrentCall() as LiveCall).addUsage('ft:reinit-model', { requests: 1, inputTokens: 1000, outputTokens: 500 });
}, { kind: 'llm' });

/** An exporter that, like an OTLP one, stops for good once shut down. */
class ClosingExporter implements Exporter {
  readonly name = 'closing';
  readonly received: Call[] = [];
  closed = false;
  export(calls: Call[]): void {
    if (!this.closed) this.received.push(...calls);
  }
  async shutdown(): Promise<void> {
    this.closed = true;
  }
}

describe('init() again', () => {
  it('an exporter object passed to both configurations is not shut down by the second', async () => {
    clearTracewireEnv();
    const exporter = new ClosingExporter();
    const dropped = new ClosingExporter();
    init({ exporters: [exporter, dropped], implicitlyPatchIntegrations: false });
    step(1);
    init({ project: 'b', exporters: [exporter], implicitlyPatchIntegrations: false });
    step(2);
    await flush();
    step(3);
    await flush();
    expect(exporter.closed).toBe(false);
    expect(exporter.received.map((c) => c.inputs)).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    // The one the new configuration left out got what was recorded before, then was shut down.
    expect(dropped.closed).toBe(true);
    expect(dropped.received.map((c) => c.inputs)).toEqual([{ i: 1 }]);
  });

  it('custom prices added in this process stay when the project stays, with no local store to keep them', async () => {
    clearTracewireEnv();
    setLogSink(() => {});
    const tw = init({ project: 'p', exporters: ['memory'], implicitlyPatchIntegrations: false });
    tw.addCost({ model: 'ft:reinit-model', inputTokenCost: 0.000002, outputTokenCost: 0.000008, effectiveDate: '2020-01-01' });
    await fineTuned();
    expect((await tw.getCalls())[0]!.summary.totalCost).toBeCloseTo(0.006, 12);

    const again = init({ project: 'p', exporters: ['memory'], implicitlyPatchIntegrations: false });
    await fineTuned();
    expect((await again.getCalls())[0]!.summary.totalCost).toBeCloseTo(0.006, 12);

    // Prices belong to their project.
    const other = init({ project: 'q', exporters: ['memory'], implicitlyPatchIntegrations: false });
    await fineTuned();
    expect((await other.getCalls())[0]!.summary.costs).toBeUndefined();
  });
});
