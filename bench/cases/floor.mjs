/**
 * A reference, not a verdict: what the least a recording tracer can do costs an openai call in
 * this harness, so tracewire's figure can be read against a floor. The minimal tracer wraps
 * chat.completions.create on one client and, per call: takes start/end times, deep-copies the
 * request body and the response (a record must not change when the app later mutates them,
 * e.g. pushes the reply onto its `messages`), reads the usage and prices it at a fixed rate,
 * and queues one record, made into an object with an id and ISO times in batches of 64. No
 * redaction, size bounds, context, nesting, settings, ids to spec, or error and stream paths.
 * Beside it, a tracer that only observes each response (no copy, no record): the cost of
 * seeing the result at all.
 * The same two for a 200-chunk stream: one that only sees each chunk, on a promise reaction
 * registered before the app's (as any tracer must, to see a chunk before the app can change
 * it), and a minimal stream recorder that also folds each chunk's text into the rebuilt reply
 * and records the stream once it ends.
 *   node bench/cases/floor.mjs
 */
import { report } from '../lib/child.mjs';
import { jsonFetch, sseFetch } from '../lib/fake-wire.mjs';
import { abRounds, clock, STREAM_ROUNDS, streamWarmupRounds, WARMUP_ROUNDS, yieldToTimers } from '../lib/measure.mjs';
import { SDKS } from '../lib/sdks.mjs';

const sdk = SDKS.openai;
const CALLS = sdk.plainCalls;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 31);
const BATCH = 64;
const STREAMS = 20;
const STREAM_CHUNKS = 200;

function copy(value) {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copy);
  const out = {};
  for (const key of Object.keys(value)) out[key] = copy(value[key]);
  return out;
}

let exported = 0;
/** The last record made, kept so that making records is not optimized away. */
let lastRecord;
const queue = [];
let timer;
function drain() {
  timer = undefined;
  for (const call of queue.splice(0)) {
    lastRecord = {
      id: `${call.wall.toString(16)}-${(exported++).toString(16)}`,
      startedAt: new Date(call.wall).toISOString(),
      endedAt: new Date(call.wall + (call.end - call.start)).toISOString(),
      inputs: call.inputs,
      output: call.output,
      summary: { usage: call.usage, latencyMs: call.end - call.start },
    };
  }
}
function enqueue(call) {
  queue.push(call);
  if (queue.length >= BATCH) {
    clearTimeout(timer);
    drain();
  } else if (timer === undefined) (timer = setTimeout(drain, 20)).unref();
}

/**
 * Wraps chat.completions.create on one client: `begin(body)` makes a call's state, `end(call,
 * value)` gets the parsed response. The SDK's APIPromise is returned as it is; its parse step
 * is watched where the SDK itself reaches the parsed value.
 */
function watchCreate(client, begin, end, { watchErrors }) {
  const completions = client.chat.completions;
  const create = completions.create;
  completions.create = function (body, options) {
    const call = begin(body);
    const promise = create.call(this, body, options);
    const parse = promise.parseResponse;
    promise.parseResponse = function (...args) {
      const parsed = parse.apply(this, args);
      parsed.then((value) => end(call, value), () => {});
      return parsed;
    };
    if (watchErrors) promise.responsePromise.then(undefined, () => {});
    return promise;
  };
  return client;
}

/** The minimal recording tracer described at the top. */
const minimalTracer = (client) => watchCreate(client,
  (body) => ({ start: performance.now(), wall: Date.now(), end: 0, inputs: copy(body), output: null, usage: null }),
  (call, value) => {
    call.end = performance.now();
    call.output = copy(value);
    const u = value.usage;
    call.usage = { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens, cost: u.prompt_tokens * 5e-7 + u.completion_tokens * 1.5e-6 };
    enqueue(call);
  },
  { watchErrors: true });

/**
 * Less than any recorder: it only sees each response and keeps a reference to it (until the
 * next one comes), with no copy, no record and no error path. What observing the result of
 * an APIPromise costs by itself in this harness.
 */
let lastSeen;
const observingTracer = (client) => watchCreate(client, () => ({ output: undefined }), (call, value) => {
  call.output = value;
  lastSeen = call;
}, { watchErrors: false });

/**
 * Wraps a stream's `iterator` (what every way of reading an openai Stream calls) so that
 * `onStep` sees each step of the SDK's own iterator on a reaction registered before the app's.
 */
function watchChunks(stream, onStep) {
  const iterator = stream.iterator;
  const ignore = () => {};
  stream.iterator = function () {
    const source = iterator.call(this);
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next() {
        const step = source.next();
        step.then(onStep, ignore);
        return step;
      },
      return(value) {
        return source.return(value);
      },
    };
  };
}

/** Sees every chunk and keeps a reference to the last; no copy, no record. */
const observingStreamTracer = (client) => watchCreate(client, () => ({}), (call, stream) => {
  watchChunks(stream, (step) => {
    if (!step.done) lastSeen = step.value;
  });
}, { watchErrors: false });

/** Folds each chunk's text into the reply and records the stream once it ends. */
const minimalStreamTracer = (client) => watchCreate(client,
  (body) => ({ start: performance.now(), wall: Date.now(), end: 0, inputs: copy(body), output: null, usage: null }),
  (call, stream) => {
    const pieces = [];
    let head;
    let finishReason = null;
    watchChunks(stream, (step) => {
      if (step.done) {
        call.end = performance.now();
        call.output = { id: head?.id, model: head?.model, created: head?.created, choices: [{ index: 0, message: { role: 'assistant', content: pieces.join('') }, finish_reason: finishReason }] };
        enqueue(call);
        return;
      }
      const chunk = step.value;
      head ??= chunk;
      const choice = chunk.choices?.[0];
      if (typeof choice?.delta?.content === 'string') pieces.push(choice.delta.content);
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    });
  },
  { watchErrors: true });

const makeClient = await sdk.clientFactory();
const basic = sdk.plain();
const bare = makeClient(jsonFetch(basic));
const observing = observingTracer(makeClient(jsonFetch(basic)));
const minimal = minimalTracer(makeClient(jsonFetch(basic)));
let sink = 0;
const round = (client) => () => clock(async () => {
  for (let i = 0; i < CALLS; i++) sink += await sdk.callPlain(client, basic.request);
  drain();
});
const common = { rounds: ROUNDS, warmup: WARMUP_ROUNDS, settle: yieldToTimers };
const before = exported;
const plain = await abRounds({ ...common, units: CALLS, variants: { bare: round(bare), observing: round(observing), minimal: round(minimal) } });
const plainRecorded = exported - before;

const stream = sdk.stream(STREAM_CHUNKS);
const streamClients = {
  bare: makeClient(sseFetch(stream)),
  observing: observingStreamTracer(makeClient(sseFetch(stream))),
  minimal: minimalStreamTracer(makeClient(sseFetch(stream))),
};
let lastText = '';
const streamRound = (client) => () => clock(async () => {
  for (let i = 0; i < STREAMS; i++) {
    for await (const chunk of await sdk.streamOf(client, stream.request)) sink += chunk ? 1 : 0;
  }
  drain();
  lastText = lastRecord?.output?.choices?.[0]?.message?.content ?? '';
});
const streamBefore = exported;
const streamed = await abRounds({ ...common, rounds: STREAM_ROUNDS, warmup: streamWarmupRounds(STREAMS), units: STREAMS, variants: Object.fromEntries(Object.entries(streamClients).map(([name, client]) => [name, streamRound(client)])) });
report({
  calls: CALLS,
  rounds: ROUNDS,
  recorded: plainRecorded,
  ...plain,
  stream: { streams: STREAMS, chunks: STREAM_CHUNKS, recorded: exported - streamBefore, rebuilt: lastText === stream.expectedText, ...streamed },
  sink: sink > 0 && lastRecord !== undefined && lastSeen !== undefined,
});
process.exit(0);
