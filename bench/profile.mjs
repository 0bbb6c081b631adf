/**
 * Where tracewire's time goes: runs one workload for a few seconds under --cpu-prof and
 * prints the functions with the most self time, and the inclusive time of tracewire's own
 * functions, as a share of all samples and in µs per iteration (one call or one stream).
 *   node bench/profile.mjs <plain|stream|op|local> [--bare] [--own] [top]   (after `npx tsup`)
 * PROF_INTERVAL=<µs> sets the sampling interval (default 1000): a stream takes milliseconds, so
 * its once-per-stream functions need a finer one (100) to be told apart.
 * --bare runs the same workload untraced, for comparison; --own also lists tracewire's own
 * functions by self time. PROF_SDK=<openai|anthropic|cohere|mistral> picks the SDK of the plain and
 * stream workloads (default openai), PROF_CHUNKS the events per stream (default 200). Not part
 * of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './lib/child.mjs';

const ROOT = new URL('../', import.meta.url).href;
const TRACEWIRE = new URL('../dist/index.js', import.meta.url).href;
const SECONDS = 4;

if (process.argv[2] === '--child') await runWorkload(process.argv[3], process.argv[4] === 'bare', process.argv[5]);
else profile(process.argv[2] ?? 'plain', process.argv.includes('--bare'), Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 25));

function profile(workload, bare, top) {
  const dir = tempDir('prof');
  const script = fileURLToPath(import.meta.url);
  const args = ['--cpu-prof', '--cpu-prof-interval', process.env.PROF_INTERVAL ?? '1000', '--cpu-prof-dir', dir, script, '--child', workload, bare ? 'bare' : 'traced', dir];
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  const { iterations } = JSON.parse(readFileSync(join(dir, 'iterations.json'), 'utf8'));
  const profileData = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  console.log(`workload ${workload} (${bare ? 'bare' : 'traced'}): ${iterations} iterations`);
  summarize(profileData, iterations, top);
}

function labelOf({ functionName, url, lineNumber }) {
  return `${functionName || '(anonymous)'}  ${url.replace(ROOT, '') || '(native)'}:${lineNumber + 1}`;
}

function summarize({ nodes, samples, timeDeltas }, iterations, top) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const selfTimes = new Map();
  const ownSelfTimes = new Map();
  let total = 0;
  let inTracewire = 0;
  samples.forEach((id, i) => {
    const us = timeDeltas[i] ?? 0;
    const frame = byId.get(id).callFrame;
    const key = labelOf(frame);
    selfTimes.set(key, (selfTimes.get(key) ?? 0) + us);
    total += us;
    if (frame.url === TRACEWIRE) {
      inTracewire += us;
      ownSelfTimes.set(key, (ownSelfTimes.get(key) ?? 0) + us);
    }
  });
  const line = (key, us) => `${((us / total) * 100).toFixed(1).padStart(5)}% ${(us / iterations).toFixed(2).padStart(9)} µs/it  ${key}`;
  console.log(`${(total / 1000).toFixed(0)} ms sampled, ${(total / iterations).toFixed(1)} µs per iteration; ` +
    `${((inTracewire / total) * 100).toFixed(1)}% self time in dist/index.js`);
  console.log('\nself time:');
  for (const [key, us] of sortedTop(selfTimes, top)) console.log(line(key, us));
  if (process.argv.includes('--own')) {
    console.log('\nself time of tracewire functions:');
    for (const [key, us] of sortedTop(ownSelfTimes, top)) console.log(line(key, us));
  }
  console.log('\ninclusive time of tracewire functions (a traced SDK method includes the SDK call it makes):');
  for (const [key, us] of sortedTop(inclusiveTimes(nodes, samples, timeDeltas), top)) console.log(line(key, us));
}

function sortedTop(times, top) {
  return [...times].sort((a, b) => b[1] - a[1]).slice(0, top);
}

/** Per tracewire function, the time of every sample with that function anywhere on its stack. */
function inclusiveTimes(nodes, samples, timeDeltas) {
  const parentOf = new Map();
  for (const node of nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const times = new Map();
  samples.forEach((id, i) => {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at).callFrame;
      if (frame.url !== TRACEWIRE) continue;
      const key = labelOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      times.set(key, (times.get(key) ?? 0) + (timeDeltas[i] ?? 0));
    }
  });
  return times;
}

async function runWorkload(kind, bare, dir) {
  const tracewire = await import('../dist/index.js');
  const { flush, init, op } = tracewire;
  const { jsonFetch, sseFetch } = await import('./lib/fake-wire.mjs');
  const { payloadPool } = await import('./lib/payloads.mjs');
  const { SDKS } = await import('./lib/sdks.mjs');
  const sdk = SDKS[process.env.PROF_SDK ?? 'openai'];
  if (!sdk) throw new Error(`PROF_SDK must be one of ${Object.keys(SDKS).join(', ')}`);
  const exporters = kind === 'local' ? ['local'] : [{ name: 'null', export() {} }];
  init({ exporters, dir: tempDir('prof-store'), implicitlyPatchIntegrations: false });
  const traced = (fn) => (bare ? fn : op(fn));
  const wrap = (client) => (bare ? client : tracewire[sdk.wrap](client));
  const makeClient = await sdk.clientFactory();
  const deadline = Date.now() + SECONDS * 1000;
  let iterations = 0;
  if (kind === 'plain') {
    const basic = sdk.plain();
    const client = wrap(makeClient(jsonFetch(basic)));
    for (; Date.now() < deadline; iterations++) await sdk.callPlain(client, basic.request);
  } else if (kind === 'stream') {
    const stream = sdk.stream(Number(process.env.PROF_CHUNKS ?? 200));
    const client = wrap(makeClient(sseFetch(stream)));
    for (; Date.now() < deadline; iterations++) {
      for await (const chunk of await sdk.streamOf(client, stream.request)) void chunk;
    }
  } else {
    const pool = payloadPool();
    const answer = traced(function answer(question, history, options) {
      return pool[(question.length + options.topK) % pool.length].result;
    });
    while (Date.now() < deadline) {
      for (let i = 0; i < 1000; i++, iterations++) answer(...pool[i % pool.length].args);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await flush();
  writeFileSync(join(dir, 'iterations.json'), JSON.stringify({ iterations }));
  process.exit(0);
}
