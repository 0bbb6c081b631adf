/**
 * tracewire's benchmark (SPEC §9): what tracing adds to op() calls and to the SDK calls of
 * openai, @anthropic-ai/sdk, cohere-ai and @mistralai/mistralai served by an in-memory fetch,
 * the local store's sustained rate, memory under an exporter that never finishes, and, for
 * reference, what observing the response alone and a minimal recording tracer cost the same openai
 * call and stream (bench/cases/floor.mjs).
 * Prints tables and writes bench/results.json. Always exits 0: the bench reports, the tests
 * decide.
 *   npm run bench        (builds first; or `npx tsup && node bench/run.mjs`)
 *
 * Method: every case runs in its own child process (settings come from the environment at
 * init). Inside a child, bare and traced rounds alternate after a warm-up, and medians of
 * the per-round paired differences are reported with their quartiles. What tracing costs
 * untraced code in the same process is measured across alternating pairs of processes.
 * SDK verdicts use CPU time (process.cpuUsage), which a busy machine skews less than wall.
 * To see where the time goes: bench/profile.mjs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { runCase } from './lib/child.mjs';
import { summarizeOpenAI } from './lib/summary-openai.mjs';
import { summarizeSdks } from './lib/summary-sdks.mjs';
import { summarizeFloor, summarizeMemory, summarizeOps, summarizeStore } from './lib/summaries.mjs';

const RESULTS = new URL('./results.json', import.meta.url);
const DISABLED = { env: { TRACEWIRE_DISABLED: 'true' } };
const TAX_PAIRS = 5;
const SDK_NAMES = ['openai', 'anthropic', 'cohere', 'mistral'];
const SDK_PACKAGES = { openai: 'openai', anthropic: '@anthropic-ai/sdk', cohere: 'cohere-ai', mistral: '@mistralai/mistralai' };
const sdkKey = (sdk, variant) => `${sdk}${variant[0].toUpperCase()}${variant.slice(1)}`;

/** Per SDK, bare vs wrapX client in one process, traced and with TRACEWIRE_DISABLED=true. */
const SDK_CASES = SDK_NAMES.flatMap((sdk) => [
  { key: sdkKey(sdk, 'traced'), title: `${sdk} calls, traced`, run: () => runCase('sdk-calls', [sdk, 'traced']) },
  { key: sdkKey(sdk, 'disabled'), title: `${sdk} calls, TRACEWIRE_DISABLED=true`, run: () => runCase('sdk-calls', [sdk, 'disabled'], DISABLED) },
]);

const CASES = [
  { key: 'opNull', title: 'op() overhead, no-op exporter', run: () => runCase('op-overhead', ['null']) },
  { key: 'opLocal', title: 'op() overhead, local exporter', run: () => runCase('op-overhead', ['local']) },
  { key: 'opDisabled', title: 'op() overhead, TRACEWIRE_DISABLED=true', run: () => runCase('op-overhead', ['disabled'], DISABLED) },
  ...SDK_CASES,
  { key: 'floor', title: 'reference: an observing-only and a minimal recording tracer, openai calls and streams', run: () => runCase('floor') },
  { key: 'processTax', title: 'untraced openai calls, clean vs tracing-on vs op()-context process (alternating)', run: runProcessTax },
  { key: 'store', title: 'local store throughput', run: () => runCase('store-throughput') },
  { key: 'memory', title: 'memory with a hanging exporter', run: () => runCase('memory') },
];

/** Alternates the two kinds of process, so that drift in the machine's load hits both. */
async function runProcessTax() {
  const pairs = [];
  for (let i = 0; i < TAX_PAIRS; i++) {
    const clean = await runCase('process-tax', ['clean']);
    const tracingOn = await runCase('process-tax', ['tracing-on']);
    const opContext = await runCase('process-tax', ['op-context']);
    pairs.push({ clean, tracingOn, opContext });
  }
  return { pairs, logs: pairs.flatMap((pair) => [...pair.clean.logs, ...pair.tracingOn.logs, ...pair.opContext.logs]) };
}

function versionOf(packageJsonUrl) {
  try {
    return JSON.parse(readFileSync(packageJsonUrl, 'utf8')).version;
  } catch {
    return undefined;
  }
}

const started = Date.now();
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  tracewire: versionOf(new URL('../package.json', import.meta.url)),
  sdks: Object.fromEntries(SDK_NAMES.map((sdk) => [SDK_PACKAGES[sdk], versionOf(new URL(`../node_modules/${SDK_PACKAGES[sdk]}/package.json`, import.meta.url))])),
  loadAverageAtStart: loadavg()[0],
};
console.log(`tracewire bench: node ${meta.node}, ${meta.cpus} CPUs, load average ${meta.loadAverageAtStart.toFixed(2)}`);
if (meta.loadAverageAtStart > meta.cpus * 0.5) {
  console.log('note: the machine is busy; figures will be noisier than usual.');
}

const raw = {};
const errors = {};
for (const { key, title, run } of CASES) {
  const caseStart = Date.now();
  process.stdout.write(`  ${title} ... `);
  try {
    raw[key] = await run();
    console.log(`${((Date.now() - caseStart) / 1000).toFixed(1)} s`);
    for (const log of raw[key].logs) console.log(`    | ${log}`);
  } catch (error) {
    errors[key] = error instanceof Error ? error.message : String(error);
    console.log(`FAILED\n${errors[key]}`);
  }
}

const sections = {};
const targets = [];
const summarize = (name, fn, ...inputs) => {
  if (inputs.some((input) => input === undefined)) return;
  try {
    const { data, targets: found } = fn(...inputs);
    sections[name] = data;
    targets.push(...found);
  } catch (error) {
    errors[name] = `summary failed: ${error instanceof Error ? error.stack : error}`;
    console.log(errors[name]);
  }
};
summarize('opOverhead', summarizeOps, raw.opNull, raw.opLocal, raw.opDisabled);
summarize('openai', summarizeOpenAI, raw.openaiTraced, raw.openaiDisabled, raw.processTax ?? { pairs: [] });
summarize('sdks', summarizeSdks, Object.fromEntries(SDK_NAMES.map((sdk) => [sdk, { traced: raw[sdkKey(sdk, 'traced')], disabled: raw[sdkKey(sdk, 'disabled')] }])));
summarize('store', summarizeStore, raw.store);
summarize('memory', summarizeMemory, raw.memory);
if (raw.floor) summarize('floor', (run) => summarizeFloor(run, sections.openai), raw.floor);

console.log('\nSPEC §9 targets');
for (const t of targets) {
  console.log(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.description}: ${t.measured} (target ${t.target})`);
}

meta.loadAverageAtEnd = loadavg()[0];
meta.durationSeconds = (Date.now() - started) / 1000;
const withoutLogs = (value) => JSON.parse(JSON.stringify(value, (key, v) => (key === 'logs' ? undefined : v)));
writeFileSync(RESULTS, `${JSON.stringify({ meta, targets, ...sections, errors, raw: withoutLogs(raw) }, null, 2)}\n`);
console.log(`\n${meta.durationSeconds.toFixed(0)} s; results in bench/results.json`);
process.exit(0);
