/**
 * openai SDK calls through an in-memory fetch: a plain chat completion and a streamed one
 * of STREAM_CHUNKS chunks, bare client vs traced client in the same process, alternating.
 * Variant (argv[2]): "traced" (wrapOpenAI with a do-nothing exporter; wrapOpenAI installs
 * the same wrapper implicit patching puts on the prototype) or "disabled" (run with
 * TRACEWIRE_DISABLED=true and implicit patching on, as an application would).
 */
import OpenAI from 'openai';
import { flush, init, wrapOpenAI } from '../../dist/index.js';
import { report, tempDir } from '../lib/child.mjs';
import { chatBasic, chatStream, jsonFetch, sseFetch } from '../lib/fake-openai.mjs';
import { abRounds, clock, yieldToTimers } from '../lib/measure.mjs';

const variant = process.argv[2];
const STREAM_CHUNKS = 200;
const PLAIN_CALLS = Number(process.env.BENCH_PLAIN_CALLS ?? 500);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 20);
const ROUNDS = 15;
const WARMUP = 4;

let recorded = 0;
let lastBatch = [];
const countingExporter = {
  name: 'null',
  export(calls) {
    recorded += calls.length;
    lastBatch = calls;
  },
};
const client = init({
  exporters: [countingExporter],
  dir: tempDir('openai'),
  implicitlyPatchIntegrations: variant === 'disabled',
});
if (variant === 'disabled' && !client.settings.disabled) throw new Error('expected TRACEWIRE_DISABLED=true');

const basic = chatBasic();
const stream = chatStream(STREAM_CHUNKS);
const makeClient = (fetch) => new OpenAI({ apiKey: 'sk-bench', fetch, maxRetries: 0 });
const plain = { bare: makeClient(jsonFetch(basic)), traced: wrapOpenAI(makeClient(jsonFetch(basic))) };
const streaming = { bare: makeClient(sseFetch(stream)), traced: wrapOpenAI(makeClient(sseFetch(stream))) };

let sink = 0;
function plainRound(openai) {
  return () => measured(async () => {
    for (let i = 0; i < PLAIN_CALLS; i++) {
      const completion = await openai.chat.completions.create(basic.request);
      sink += completion.choices[0].message.content.length;
    }
  });
}

function streamRound(openai) {
  return () => measured(async () => {
    for (let i = 0; i < STREAMS; i++) {
      let chunks = 0;
      for await (const chunk of await openai.chat.completions.create(stream.request)) {
        chunks++;
        sink += chunk.choices.length;
      }
      if (chunks !== STREAM_CHUNKS) throw new Error(`stream gave ${chunks} chunks, expected ${STREAM_CHUNKS}`);
    }
  });
}

/** The calls and the flush of what they recorded, so export work is counted too. */
const measured = (calls) => clock(async () => {
  await calls();
  await flush();
});

const common = { rounds: ROUNDS, warmup: WARMUP, settle: yieldToTimers };
const before = recorded;
const plainResult = await abRounds({ ...common, units: PLAIN_CALLS, variants: { bare: plainRound(plain.bare), traced: plainRound(plain.traced) } });
const plainRecorded = recorded - before;
const streamResult = await abRounds({ ...common, units: STREAMS, variants: { bare: streamRound(streaming.bare), traced: streamRound(streaming.traced) } });
const streamRecorded = recorded - before - plainRecorded;
const lastOutput = lastBatch.at(-1)?.output;

report({
  variant,
  rounds: ROUNDS,
  plain: { calls: PLAIN_CALLS, recorded: plainRecorded, ...plainResult },
  stream: {
    streams: STREAMS,
    chunks: STREAM_CHUNKS,
    recorded: streamRecorded,
    outputRebuilt: variant === 'disabled' || lastOutput?.choices?.[0]?.message?.content === stream.expectedText,
    ...streamResult,
  },
  expectedRecords: variant === 'disabled' ? 0 : (ROUNDS + WARMUP) * (PLAIN_CALLS + STREAMS),
  stats: client.stats(),
  sink: sink > 0,
});
process.exit(0);
