/**
 * tracewire demo: a small research assistant whose ops call all four SDKs.
 *
 *   researchAssistant [agent]
 *   ├─ findSources [retriever]   Mistral embeddings (is the question about our notes?), then Cohere rerank
 *   ├─ answerWithTools [agent]   OpenAI chat, streamed, with a `calculator` tool run locally
 *   └─ summarize [chain]         Anthropic summary, streamed
 *
 * Offline by default, no API key needed: every SDK gets a `fetch` that replays recorded
 * exchanges (test/fixtures/wire). With OPENAI_API_KEY, ANTHROPIC_API_KEY, CO_API_KEY (or
 * COHERE_API_KEY) or MISTRAL_API_KEY set, that SDK talks to the real provider instead.
 * Traces go to the local store (TRACEWIRE_DIR, default ~/.tracewire), project "demo".
 *
 *   npm run build && node examples/research-assistant.mjs
 */
import Anthropic from '@anthropic-ai/sdk';
import { HTTPClient, Mistral } from '@mistralai/mistralai';
import { CohereClientV2 } from 'cohere-ai';
import OpenAI from 'openai';
import { formatTrace, init, op } from 'tracewire';
import { recordedFetch } from './recorded-fetch.mjs';

const tracewire = init({ project: 'demo' });

// Per provider: the API key that switches it to live, the recording replayed without it, and
// the model to ask for (offline: the one in the recording; live: a current one).
const env = process.env;
const PROVIDERS = {
  mistral: { key: env.MISTRAL_API_KEY, recording: 'mistral/py-embeddings-batch.json', model: ['mistral-embed', 'mistral-embed'] },
  cohere: { key: env.CO_API_KEY || env.COHERE_API_KEY, recording: 'cohere/py-rerank-v2.json', model: ['rerank-english-v3.0', 'rerank-v3.5'] },
  openai: { key: env.OPENAI_API_KEY, recording: 'openai/js-chat-stream-include-usage-tools.json', model: ['gpt-3.5-turbo', 'gpt-4o-mini'] },
  anthropic: { key: env.ANTHROPIC_API_KEY, recording: 'anthropic/py-messages-stream.json', model: ['claude-3-haiku-20240307', 'claude-haiku-4-5'] },
};
const live = (name) => Boolean(PROVIDERS[name].key);
const model = (name) => PROVIDERS[name].model[live(name) ? 1 : 0];
const replay = (name) => recordedFetch([`../test/fixtures/wire/${PROVIDERS[name].recording}`]);

const mistral = new Mistral(live('mistral') ? { apiKey: PROVIDERS.mistral.key } : { apiKey: 'offline', httpClient: new HTTPClient({ fetcher: replay('mistral') }) });
const cohere = new CohereClientV2(live('cohere') ? { token: PROVIDERS.cohere.key } : { token: 'offline', fetch: replay('cohere') });
const openai = new OpenAI(live('openai') ? {} : { apiKey: 'offline', fetch: replay('openai') });
const anthropic = new Anthropic(live('anthropic') ? {} : { apiKey: 'offline', fetch: replay('anthropic') });

const QUESTION =
  'A checkout request crosses 5 services. Each service records 10 spans of its own, plus 2 for the HTTP call ' +
  'that reaches it (a client span and a server span). How many spans does one checkout trace hold?';

// The local notes the assistant may cite.
const NOTES = [
  'Metrics are numbers aggregated over time, such as request rates and latency histograms.',
  'Every span carries its trace id, its parent span id, a start and end time, and attributes.',
  'Logs are timestamped records; OpenTelemetry can attach the active trace and span ids to them.',
  'A trace is the tree of spans recorded for one request: every service the request crosses adds its spans to the same trace.',
  'OpenTelemetry HTTP instrumentation records a client span in the caller and a server span in the callee for each HTTP call.',
  'The OpenTelemetry Collector receives telemetry, processes it and exports it to one or more backends.',
];

function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) (dot += a[i] * b[i]), (na += a[i] * a[i]), (nb += b[i] * b[i]);
  return dot / Math.sqrt(na * nb);
}

const findSources = op(async function findSources(question) {
  const { data } = await mistral.embeddings.create({ model: model('mistral'), inputs: [question, NOTES.join('\n')] });
  const similarity = cosine(data[0].embedding, data[1].embedding);
  if (similarity < 0.5) return { similarity, sources: [] }; // our notes don't cover this question
  const { results } = await cohere.rerank({ model: model('cohere'), query: question, documents: NOTES, topN: 3 });
  return { similarity, sources: results.map((r) => ({ score: r.relevanceScore, text: NOTES[r.index] })) };
}, { kind: 'retriever' });

/** Arithmetic only: digits, + - * / ( ) and spaces. */
const calculator = op(function calculator(expression) {
  if (typeof expression !== 'string' || !/^[\d\s.+\-*/()]+$/.test(expression)) throw new Error(`not an arithmetic expression: ${expression}`);
  return String(Function(`"use strict"; return (${expression});`)());
}, { kind: 'tool' });

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'calculator',
      description: 'Evaluates an arithmetic expression such as `3 * (4 + 1)` and returns the result.',
      parameters: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'], additionalProperties: false },
    },
  },
];
// The tools the model may call, by name: each takes the parsed arguments of the tool call.
const TOOL_OPS = { calculator: ({ input }) => calculator(input) };

/** One streamed chat completion, gathered into the assistant message it amounts to. */
async function streamChat(messages) {
  const stream = await openai.chat.completions.create({
    model: model('openai'),
    messages,
    tools: TOOLS,
    stream: true,
    stream_options: { include_usage: true },
  });
  const message = { role: 'assistant', content: '', tool_calls: [] };
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta;
    message.content += delta?.content ?? '';
    for (const part of delta?.tool_calls ?? []) {
      const call = (message.tool_calls[part.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      call.id ||= part.id ?? '';
      call.function.name += part.function?.name ?? '';
      call.function.arguments += part.function?.arguments ?? '';
    }
  }
  return message;
}

async function runTool(call) {
  try {
    const tool = TOOL_OPS[call.function.name];
    if (!tool) throw new Error(`unknown tool ${call.function.name}`);
    return await tool(JSON.parse(call.function.arguments || '{}'));
  } catch (error) {
    return `error: ${error.message}`;
  }
}

const answerWithTools = op(async function answerWithTools(question, sources) {
  const messages = [
    {
      role: 'system',
      content: `You are a research assistant. Use the calculator tool for arithmetic.\nSources:\n${sources.map((s) => `- ${s.text}`).join('\n')}`,
    },
    { role: 'user', content: question },
  ];
  for (let round = 0; round < 4; round++) {
    const reply = await streamChat(messages);
    if (reply.tool_calls.length === 0) return reply.content;
    messages.push(reply);
    for (const call of reply.tool_calls) messages.push({ role: 'tool', tool_call_id: call.id, content: await runTool(call) });
  }
  throw new Error('the model was still asking for tools after 4 rounds');
}, { kind: 'agent' });

const summarize = op(async function summarize(question, answer) {
  const stream = await anthropic.messages.create({
    model: model('anthropic'),
    max_tokens: 400,
    stream: true,
    messages: [
      {
        role: 'user',
        content: `Explain this answer in a few sentences to someone new to OpenTelemetry spans; a light joke is welcome.\n\nQuestion: ${question}\nAnswer: ${answer}`,
      },
    ],
  });
  let text = '';
  for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  return text;
}, { kind: 'chain' });

const researchAssistant = op(async function researchAssistant(question) {
  const { similarity, sources } = await findSources(question);
  const answer = await answerWithTools(question, sources);
  const summary = await summarize(question, answer);
  return { similarity, sources, answer, summary };
}, { kind: 'agent' });

const replayed = Object.keys(PROVIDERS).filter((name) => !live(name));
if (replayed.length > 0) {
  const keys = replayed.map((name) => ({ mistral: 'MISTRAL_API_KEY', cohere: 'CO_API_KEY', openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' })[name]);
  console.log(`Replaying recorded exchanges for ${replayed.join(', ')} (set ${keys.join(', ')} to call the real APIs).\n`);
}
console.log(`Question: ${QUESTION}\n`);

let traceId;
try {
  const [result, call] = await researchAssistant.invoke(QUESTION);
  traceId = call.traceId;
  console.log(`Sources (notes similarity ${result.similarity.toFixed(2)}, reranked):`);
  for (const source of result.sources) console.log(`  [${source.score.toFixed(2)}] ${source.text}`);
  console.log(`\nAnswer: ${result.answer}\n\nSummary:\n${result.summary}\n`);
} catch (error) {
  console.error(`The research assistant failed: ${error.message}\n`);
  process.exitCode = 1;
  const [root] = await tracewire.getCalls({ filter: { traceRootsOnly: true, opNames: ['researchAssistant'] }, sortBy: [{ field: 'startedAt', direction: 'desc' }], limit: 1 });
  traceId = root?.traceId;
}

if (traceId) console.log(formatTrace(await tracewire.getTrace(traceId)));
const storeDir = tracewire.settings.dir;
const dir = env.TRACEWIRE_DIR ? ` --dir ${/\s/.test(storeDir) ? JSON.stringify(storeDir) : storeDir}` : '';
console.log(`
Stored in ${storeDir}. Look at it again with:
  npx tracewire trace latest --project demo${dir}     (or: trace ${traceId ?? '<id>'})
  npx tracewire calls --project demo${dir}            (recent root calls; add --json for JSON)
  npx tracewire ui --project demo${dir}               (the web viewer: table, timeline, architecture)`);
