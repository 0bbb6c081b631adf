/**
 * op() overhead on a trivial sync and a trivial async function: bare vs op(fn), alternating.
 * Variant (argv[2]): "null" (custom exporter that does nothing), "local" (SQLite in a temp
 * dir) or "disabled" (run with TRACEWIRE_DISABLED=true by the runner).
 * "hot" is the call loop alone; "total" adds the flush, i.e. the export work the calls caused.
 */
import { flush, init, op } from '../../dist/index.js';
import { report, tempDir } from '../lib/child.mjs';
import { abRounds, clock, yieldToTimers } from '../lib/measure.mjs';

const variant = process.argv[2];
const CALLS = Number(process.env.BENCH_OP_CALLS ?? 10_000);
const ROUNDS = 9;
const WARMUP = 2;

const nullExporter = { name: 'null', export() {} };
const exporters = variant === 'local' ? ['local'] : [nullExporter];
const client = init({ exporters, dir: tempDir('op'), implicitlyPatchIntegrations: false });
if (variant === 'disabled' && !client.settings.disabled) throw new Error('expected TRACEWIRE_DISABLED=true');

let sink = 0;
function add(a, b) {
  return a + b;
}
async function addAsync(a, b) {
  return a + b;
}
const tracedAdd = op(add);
const tracedAddAsync = op(addAsync);

function round(loop) {
  return async () => {
    const hot = await clock(loop);
    const exported = await clock(flush);
    return { hotNs: hot.wallNs, hotCpuNs: hot.cpuNs, totalNs: hot.wallNs + exported.wallNs, totalCpuNs: hot.cpuNs + exported.cpuNs };
  };
}

const syncLoop = (fn) => round(() => {
  for (let i = 0; i < CALLS; i++) sink += fn(i, 1);
});
const asyncLoop = (fn) => round(async () => {
  for (let i = 0; i < CALLS; i++) sink += await fn(i, 1);
});

const common = { rounds: ROUNDS, warmup: WARMUP, units: CALLS, settle: yieldToTimers };
const sync = await abRounds({ ...common, variants: { bare: syncLoop(add), traced: syncLoop(tracedAdd) } });
const async_ = await abRounds({ ...common, variants: { bare: asyncLoop(addAsync), traced: asyncLoop(tracedAddAsync) } });
const stats = client.stats();
report({ variant, calls: CALLS, rounds: ROUNDS, sync, async: async_, stats, sink: sink > 0 });
process.exit(0);
