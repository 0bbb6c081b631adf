'use strict';
/**
 * An in-memory OpenAI HTTP service for child-process tests: a `fetch` handed to the SDK
 * client, so apps run offline with no msw and no network. CommonJS, so that CJS apps, ESM
 * apps and the vitest parent can all load it; it never loads the SDK or tracewire itself.
 *
 * Requests with `model: 'rate-limited'` get an HTTP 429.
 */

const MODEL = 'gpt-4o-mini-2024-07-18';
const CREATED = 1_732_000_000;

const chatBody = {
  id: 'chatcmpl-fake-1',
  object: 'chat.completion',
  created: CREATED,
  model: MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
  system_fingerprint: 'fp_fake',
};

const STREAM_PIECES = ['Hel', 'lo', ' wor', 'ld', '!'];

function streamChunk(delta, finishReason) {
  return {
    id: 'chatcmpl-fake-2',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The chunks of a streamed chat completion, as the SDK yields them. */
const streamChunks = [
  ...STREAM_PIECES.map((content, i) => streamChunk(i === 0 ? { role: 'assistant', content } : { content }, null)),
  streamChunk({}, 'stop'),
];
const streamUsageChunk = {
  ...streamChunk({}, null),
  choices: [],
  usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 },
};

const responsesBody = {
  id: 'resp_fake_1',
  object: 'response',
  created_at: CREATED,
  status: 'completed',
  model: 'gpt-4o-mini-2024-07-18',
  output: [
    {
      id: 'msg_fake_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Hi from responses.', annotations: [] }],
    },
  ],
  usage: {
    input_tokens: 8,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 4,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 12,
  },
};

const EMBEDDING = [0.5, -0.25, 0.125, 1];
const embeddingsUsage = { prompt_tokens: 5, total_tokens: 5 };

function embeddingsBody(encodingFormat) {
  const embedding = encodingFormat === 'base64' ? Buffer.from(new Float32Array(EMBEDDING).buffer).toString('base64') : EMBEDDING;
  return { object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding }], usage: embeddingsUsage };
}

const rateLimitBody = { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } };

let requestCount = 0;

function json(status, body) {
  requestCount++;
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': `req_fake_${requestCount}` },
  });
}

/** One SSE event per read, each on a later turn of the event loop, ending with [DONE]. */
function sse(payloads) {
  requestCount++;
  const encoder = new TextEncoder();
  const events = [...payloads.map((p) => `data: ${JSON.stringify(p)}\n\n`), 'data: [DONE]\n\n'];
  let next = 0;
  const body = new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (next < events.length) controller.enqueue(encoder.encode(events[next++]));
      else controller.close();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'x-request-id': `req_fake_${requestCount}` },
  });
}

async function fakeFetch(url, init = {}) {
  const path = new URL(typeof url === 'string' ? url : url.url ?? String(url)).pathname;
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : {};
  if (body.model === 'rate-limited') return json(429, rateLimitBody);
  if (path.endsWith('/chat/completions')) {
    if (!body.stream) return json(200, chatBody);
    const withUsage = body.stream_options && body.stream_options.include_usage;
    return sse(withUsage ? [...streamChunks, streamUsageChunk] : streamChunks);
  }
  if (path.endsWith('/responses')) return json(200, responsesBody);
  if (path.endsWith('/embeddings')) return json(200, embeddingsBody(body.encoding_format));
  return json(404, { error: { message: `no fake for ${path}`, type: 'invalid_request_error' } });
}

/** A client of the given SDK module (CJS exports or ESM namespace) wired to the fake service. */
function fakeClient(sdk, options = {}) {
  const OpenAI = openaiClass(sdk);
  return new OpenAI({ apiKey: 'sk-fake-key-0123456789', baseURL: 'https://api.openai.com/v1', maxRetries: 0, fetch: fakeFetch, ...options });
}

/** The SDK's OpenAI class, from CommonJS exports or an ESM namespace. */
function openaiClass(sdk) {
  return sdk.OpenAI || (sdk.default && (sdk.default.OpenAI || sdk.default)) || sdk;
}

module.exports = {
  MODEL,
  EMBEDDING,
  chatBody,
  streamChunks,
  streamText: STREAM_PIECES.join(''),
  responsesBody,
  embeddingsUsage,
  rateLimitBody,
  fakeFetch,
  fakeClient,
  openaiClass,
};
