/**
 * Sustained recording into the local SQLite store: N op() calls with ~1 KB inputs and
 * outputs, the application yielding to the event loop every YIELD_EVERY calls as a server
 * would, then flush(). Records/second is end to end: first call to flush() resolved.
 * The local exporter's export() is timed on the instance (client.exporters) for the raw
 * store write rate; the rest is the call path and the pipeline (privacy, serialization).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { flush, init, op } from '../../dist/index.js';
import { report, tempDir } from '../lib/child.mjs';
import { clock } from '../lib/measure.mjs';
import { payloadBytes, payloadPool } from '../lib/payloads.mjs';

const CALLS = Number(process.env.BENCH_STORE_CALLS ?? 50_000);
const YIELD_EVERY = 1_000;
const dir = tempDir('store');
const client = init({ exporters: ['local'], dir, implicitlyPatchIntegrations: false });

const pool = payloadPool();
const answer = op(function answer(question, history, options) {
  return pool[(question.length + options.topK) % pool.length].result;
});

// Time spent inside the local exporter, i.e. SQLite writes of ready records.
const local = client.exporters.find((exporter) => exporter.name === 'local');
const exportOriginal = local.export;
let storeWriteNs = 0;
let storeWritten = 0;
local.export = function timedExport(calls) {
  const start = process.hrtime.bigint();
  const result = exportOriginal.call(this, calls);
  storeWriteNs += Number(process.hrtime.bigint() - start);
  storeWritten += calls.length;
  return result;
};

// Open the store (schema, WAL) before the clock starts: that is start-up, not throughput.
answer(...pool[0].args);
await flush();
storeWriteNs = 0;
storeWritten = 0;

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));
let callPathNs = 0;
const endToEnd = await clock(async () => {
  for (let done = 0; done < CALLS; done += YIELD_EVERY) {
    const batch = await clock(() => {
      for (let i = done; i < Math.min(done + YIELD_EVERY, CALLS); i++) answer(...pool[i % pool.length].args);
    });
    callPathNs += batch.wallNs;
    await yieldToLoop();
  }
  await flush();
});

const stats = client.stats();
const db = new Database(join(dir, 'tracewire.db'), { readonly: true });
const stored = db.prepare('SELECT count(*) AS n FROM calls').get().n - 1;
db.close();

report({
  calls: CALLS,
  stored,
  dropped: stats.dropped,
  payload: payloadBytes(pool[1]),
  endToEndMs: endToEnd.wallNs / 1e6,
  endToEndCpuMs: endToEnd.cpuNs / 1e6,
  recordsPerSecond: stored / (endToEnd.wallNs / 1e9),
  callPathNsPerCall: callPathNs / CALLS,
  storeWriteNsPerRecord: storeWriteNs / storeWritten,
  storeWritesPerSecond: storeWritten / (storeWriteNs / 1e9),
  pipelineNsPerRecord: (endToEnd.wallNs - callPathNs - storeWriteNs) / CALLS,
});
process.exit(0);
