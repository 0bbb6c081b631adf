/**
 * Realistic op() arguments and results of about 1 KB each: a question, a short chat history
 * and retrieval settings in; an answer with sources and token counts out. A pool of distinct
 * payloads is built once, so the bench measures tracing, not string building.
 */
const WORDS = ['latency', 'tokens', 'vector', 'prompt', 'cache', 'stream', 'model', 'answer', 'context', 'budget', 'trace', 'store'];

function sentence(seed, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[(seed * 7 + i * 3) % WORDS.length]);
  return out.join(' ');
}

function makePayload(seed) {
  const question = `Q${seed}: ${sentence(seed, 25)}?`;
  const history = [
    { role: 'system', content: sentence(seed + 1, 30) },
    { role: 'user', content: sentence(seed + 2, 30) },
    { role: 'assistant', content: sentence(seed + 3, 30) },
  ];
  const options = { topK: 5 + (seed % 3), temperature: 0.2, filters: { lang: 'en', tenant: `t-${seed % 17}` } };
  const result = {
    text: sentence(seed + 4, 120),
    sources: [`doc-${seed}`, `doc-${seed + 1}`, `doc-${seed + 2}`],
    usage: { promptTokens: 180 + (seed % 50), completionTokens: 120 },
  };
  return { args: [question, history, options], result };
}

export function payloadPool(size = 64) {
  return Array.from({ length: size }, (_, seed) => makePayload(seed));
}

/** JSON size of one payload's arguments and result, for the report. */
export function payloadBytes(payload) {
  return { inputBytes: JSON.stringify(payload.args).length, outputBytes: JSON.stringify(payload.result).length };
}
