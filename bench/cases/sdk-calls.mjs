/**
 * One SDK's calls through an in-memory fetch (bench/lib/sdks.mjs): a plain chat and a streamed
 * one of STREAM_CHUNKS events, bare client vs traced client in the same process, alternating.
 *   node bench/cases/sdk-calls.mjs <openai|anthropic|cohere|mistral> <traced|disabled>
 * "traced": the SDK's wrapX with a counting, do-nothing exporter (wrapX installs the same
 * wrapper implicit patching puts on the prototype). "disabled": run with
 * TRACEWIRE_DISABLED=true and implicit patching on, as an application would.
 */
import * as tracewire from '../../dist/index.js';
import { report, tempDir } from '../lib/child.mjs';
import { jsonFetch, sseFetch } from '../lib/fake-wire.mjs';
import { abRounds, clock, STREAM_ROUNDS, streamWarmupRounds, WARMUP_ROUNDS, yieldToTimers } from '../lib/measure.mjs';
import { SDKS } from '../lib/sdks.mjs';

const [sdkName, variant] = process.argv.slice(2);
const sdk = SDKS[sdkName];
if (!sdk || !['traced', 'disabled'].includes(variant)) throw new Error(`usage: sdk-calls.mjs <${Object.keys(SDKS).join('|')}> <traced|disabled>`);

const STREAM_CHUNKS = 200;
const PLAIN_CALLS = Number(process.env.BENCH_PLAIN_CALLS ?? sdk.plainCalls);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 31);

let recorded = 0;
let lastBatch = [];
const countingExporter = {
  name: 'null',
  export(calls) {
    recorded += calls.length;
    lastBatch = calls;
  },
};
const client = tracewire.init({
  exporters: [countingExporter],
  dir: tempDir(sdkName),
  implicitlyPatchIntegrations: variant === 'disabled',
});
if (variant === 'disabled' && !client.settings.disabled) throw new Error('expected TRACEWIRE_DISABLED=true');

const wrap = tracewire[sdk.wrap];
const makeClient = await sdk.clientFactory();
const basic = sdk.plain();
const stream = sdk.stream(STREAM_CHUNKS);
const plain = { bare: makeClient(jsonFetch(basic)), traced: wrap(makeClient(jsonFetch(basic))) };
const streaming = { bare: makeClient(sseFetch(stream)), traced: wrap(makeClient(sseFetch(stream))) };

let sink = 0;
function plainRound(sdkClient) {
  return () => measured(async () => {
    for (let i = 0; i < PLAIN_CALLS; i++) sink += await sdk.callPlain(sdkClient, basic.request);
  });
}

function streamRound(sdkClient) {
  return () => measured(async () => {
    for (let i = 0; i < STREAMS; i++) {
      let chunks = 0;
      for await (const chunk of await sdk.streamOf(sdkClient, stream.request)) {
        chunks++;
        sink += chunk ? 1 : 0;
      }
      if (chunks !== STREAM_CHUNKS) throw new Error(`${sdkName} stream gave ${chunks} chunks, expected ${STREAM_CHUNKS}`);
    }
  });
}

/** The calls and the flush of what they recorded, so export work is counted too. */
const measured = (calls) => clock(async () => {
  await calls();
  await tracewire.flush();
});

/** Whether the last record's output holds the whole streamed text (the stream was rebuilt). */
function outputRebuilt() {
  const output = lastBatch.at(-1)?.output;
  return output !== undefined && JSON.stringify(output).includes(JSON.stringify(stream.expectedText).slice(1, -1));
}

const common = { rounds: ROUNDS, warmup: WARMUP_ROUNDS, settle: yieldToTimers };
const before = recorded;
const plainResult = await abRounds({ ...common, units: PLAIN_CALLS, variants: { bare: plainRound(plain.bare), traced: plainRound(plain.traced) } });
const plainRecorded = recorded - before;
const streamResult = await abRounds({ ...common, rounds: STREAM_ROUNDS, warmup: streamWarmupRounds(STREAMS), units: STREAMS, variants: { bare: streamRound(streaming.bare), traced: streamRound(streaming.traced) } });
const streamRecorded = recorded - before - plainRecorded;

report({
  sdk: sdkName,
  variant,
  rounds: ROUNDS,
  plain: { calls: PLAIN_CALLS, recorded: plainRecorded, ...plainResult },
  stream: {
    streams: STREAMS,
    chunks: STREAM_CHUNKS,
    rounds: STREAM_ROUNDS,
    warmupStreams: streamWarmupRounds(STREAMS) * STREAMS,
    recorded: streamRecorded,
    outputRebuilt: variant === 'disabled' || outputRebuilt(),
    ...streamResult,
  },
  expectedRecords: variant === 'disabled' ? 0 : (ROUNDS + WARMUP_ROUNDS) * PLAIN_CALLS + (STREAM_ROUNDS + streamWarmupRounds(STREAMS)) * STREAMS,
  stats: client.stats(),
  sink: sink > 0,
});
process.exit(0);
