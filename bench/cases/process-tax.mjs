/**
 * What tracing costs calls it does not trace: untraced openai calls in a process that never
 * loaded tracewire ("clean") vs one where tracewire traces SDK calls ("tracing-on": init()
 * and a traced call through a wrapped client) vs one that also uses op() ("op-context": its
 * async context is in use, and on Node versions where AsyncLocalStorage runs on async_hooks,
 * every promise in the process pays once it is). The runner alternates the kinds of process;
 * each reports its own medians.
 */
import OpenAI from 'openai';
import { report } from '../lib/child.mjs';
import { chatBasic, chatStream, jsonFetch, sseFetch } from '../lib/fake-openai.mjs';
import { clock, median } from '../lib/measure.mjs';

const variant = process.argv[2];
const PLAIN_CALLS = 500;
const STREAMS = 10;
const STREAM_CHUNKS = 200;
const ROUNDS = 10;
const WARMUP = 6;

const basic = chatBasic();
if (variant === 'tracing-on' || variant === 'op-context') {
  const { flush, init, op, wrapOpenAI } = await import('../../dist/index.js');
  init({ exporters: [{ name: 'null', export() {} }], implicitlyPatchIntegrations: false });
  const traced = wrapOpenAI(new OpenAI({ apiKey: 'sk-bench', fetch: jsonFetch(basic), maxRetries: 0 }));
  await traced.chat.completions.create(basic.request);
  if (variant === 'op-context') op(function activate() {})();
  await flush();
} else if (variant !== 'clean') {
  throw new Error('usage: process-tax.mjs <clean|tracing-on|op-context>');
}

const stream = chatStream(STREAM_CHUNKS);
const plainClient = new OpenAI({ apiKey: 'sk-bench', fetch: jsonFetch(basic), maxRetries: 0 });
const streamClient = new OpenAI({ apiKey: 'sk-bench', fetch: sseFetch(stream), maxRetries: 0 });

const plainRound = () => clock(async () => {
  for (let i = 0; i < PLAIN_CALLS; i++) await plainClient.chat.completions.create(basic.request);
});
const streamRound = () => clock(async () => {
  for (let i = 0; i < STREAMS; i++) {
    for await (const chunk of await streamClient.chat.completions.create(stream.request)) void chunk;
  }
});

const plain = [];
const streamed = [];
for (let round = -WARMUP; round < ROUNDS; round++) {
  const p = await plainRound();
  const s = await streamRound();
  if (round < 0) continue;
  plain.push(p);
  streamed.push(s);
}

report({
  variant,
  plainCpuNsPerCall: median(plain.map((s) => s.cpuNs / PLAIN_CALLS)),
  plainWallNsPerCall: median(plain.map((s) => s.wallNs / PLAIN_CALLS)),
  streamCpuNsPerChunk: median(streamed.map((s) => s.cpuNs / STREAMS / STREAM_CHUNKS)),
  streamWallNsPerChunk: median(streamed.map((s) => s.wallNs / STREAMS / STREAM_CHUNKS)),
});
process.exit(0);
