// Loads both builds of tracewire in one process: `import` (ESM) and createRequire (CJS).
// Only the ESM build is configured; ops from the two builds and an SDK call nest into one trace.
import * as esm from 'tracewire';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cjs = require('tracewire');
const support = require(process.env.TW_SUPPORT);
const client = support.fakeClient(require('openai'));

const tw = esm.init({ project: 'dual', exporters: ['memory'] });
const inner = cjs.op(async function inner() {
  return support.chat(client, 'dual');
});
const outer = esm.op(async function outer() {
  const sameCurrent = cjs.getCurrentCall()?.id === esm.getCurrentCall()?.id;
  await inner();
  return sameCurrent;
});
const sameCurrent = await outer();
await cjs.flush();
const calls = await tw.getCalls();
support.report({
  distinctBuilds: esm.op !== cjs.op,
  sameCurrent,
  calls,
  sameClient: cjs.init({ project: 'dual', exporters: ['memory'] }) === tw,
});
