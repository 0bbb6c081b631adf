/**
 * Memory under an exporter that never finishes: CALLS op() calls with ~1 KB payloads, first
 * "steady" (the app yields every 1,000 calls, so batches reach the stuck exporter), then
 * "burst" (all calls in one synchronous run, so the queue itself fills). Heap is measured
 * after a full collection; a bounded pipeline shows a plateau, not growth with the calls.
 */
import { init, op } from '../../dist/index.js';
import { report } from '../lib/child.mjs';
import { collectGarbage } from '../lib/measure.mjs';
import { payloadPool } from '../lib/payloads.mjs';

const CALLS = Number(process.env.BENCH_MEMORY_CALLS ?? 200_000);
const SAMPLES = 4;
let exportCalls = 0;
const hangingExporter = {
  name: 'hang',
  export() {
    exportCalls++;
    return new Promise(() => {});
  },
};
const client = init({ exporters: [hangingExporter], implicitlyPatchIntegrations: false });
const pool = payloadPool();
const answer = op(function answer(question, history, options) {
  return pool[(question.length + options.topK) % pool.length].result;
});

const MB = 1024 * 1024;
function memory() {
  collectGarbage();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsedMB: heapUsed / MB, rssMB: rss / MB };
}
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Runs the calls in SAMPLES slices, measuring memory after each; `pause` runs every 1,000 calls. */
async function phase(pause) {
  const samples = [];
  const slice = CALLS / SAMPLES;
  const start = Date.now();
  for (let s = 0; s < SAMPLES; s++) {
    for (let i = s * slice; i < (s + 1) * slice; i++) {
      answer(...pool[i % pool.length].args);
      if (pause && i % 1_000 === 999) await pause();
    }
    if (pause) await pause();
    samples.push({ afterCalls: (s + 1) * slice, ...memory(), ...client.stats() });
  }
  return { ms: Date.now() - start, samples };
}

answer(...pool[0].args);
await yieldToLoop();
const baseline = memory();
const steady = await phase(yieldToLoop);
const burst = await phase(undefined);
const last = burst.samples.at(-1);
const all = [...steady.samples, ...burst.samples];

report({
  calls: CALLS,
  maxQueueBytes: client.settings.maxQueueBytes,
  baseline,
  steady,
  burst,
  exportCalls,
  heapGrowthMB: last.heapUsedMB - baseline.heapUsedMB,
  peakHeapGrowthMB: Math.max(...all.map((s) => s.heapUsedMB)) - baseline.heapUsedMB,
  rssGrowthMB: last.rssMB - baseline.rssMB,
  // Growth over the second half of each phase: ~0 when the bound holds.
  plateauGrowthMB: Math.max(
    steady.samples.at(-1).heapUsedMB - steady.samples[SAMPLES / 2 - 1].heapUsedMB,
    burst.samples.at(-1).heapUsedMB - burst.samples[SAMPLES / 2 - 1].heapUsedMB,
  ),
  dropped: last.dropped,
});
process.exit(0);
