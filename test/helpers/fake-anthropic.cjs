'use strict';
/**
 * An in-memory Anthropic HTTP service for child-process tests: a `fetch` handed to the SDK
 * client, so apps run offline with no msw and no network. Bodies come from the recorded wire
 * fixtures (test/fixtures/wire/anthropic): js-messages-basic.json for every non-streamed
 * message (beta too), js-messages-stream.json for every stream, and an `overloaded_error`
 * envelope shaped like the recorded error bodies. CommonJS, so that CJS apps, ESM apps and the
 * vitest parent can all load it; it never loads the SDK or tracewire itself.
 *
 * Requests with `model: 'overloaded'` get an HTTP 529.
 */
const { join } = require('node:path');
const { streamedResponse } = require('./fake-body.cjs');

const WIRE = join(__dirname, '../fixtures/wire/anthropic');
const basicFixture = require(join(WIRE, 'js-messages-basic.json'));
const streamFixture = require(join(WIRE, 'js-messages-stream.json'));
const errorFixture = require(join(WIRE, 'ls-error-404-model-stream.json'));

/** A key shaped like a real one, so a leak into any record is found by a plain search. */
const API_KEY = 'sk-ant-api03-COMPAT-0123456789abcdef-SECRET-zz';

const request = basicFixture.exchanges[0].request.body;
const MODEL = request.model;
/** The recorded non-streamed `Message`. */
const message = basicFixture.exchanges[0].response.body;
const streamText = streamFixture.exchanges[0].response.bodyText;

/** The SSE blocks of the recorded stream, one per `event:` (pings included, as sent). */
const sseBlocks = streamText
  .split('\n\n')
  .filter((block) => block.trim() !== '')
  .map((block) => `${block}\n\n`);

function dataOf(block) {
  const line = block.split('\n').find((l) => l.startsWith('data:'));
  return JSON.parse(line.slice('data:'.length));
}

/** The events the SDK's `Stream` yields for the recorded body: every block but `ping`. */
const streamEvents = sseBlocks.filter((block) => !block.startsWith('event: ping\n')).map(dataOf);

/** The text the stream spells out, as `MessageStream.finalText()` joins it. */
const streamedText = streamEvents
  .filter((e) => e.type === 'content_block_delta' && e.delta.type === 'text_delta')
  .map((e) => e.delta.text)
  .join('');

/** `messages.countTokens` of the basic request: its recorded prompt size. */
const countTokensBody = { input_tokens: message.usage.input_tokens };

/** The recorded error envelope (`{ type: 'error', error: { type, message }, request_id }`), as a 529. */
const overloadedBody = {
  ...errorFixture.exchanges[0].response.body,
  error: { type: 'overloaded_error', message: 'Overloaded' },
};

let requestCount = 0;

function headers(contentType) {
  requestCount++;
  return { 'content-type': contentType, 'request-id': `req_fake_${requestCount}` };
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: headers('application/json') });
}

function sse(signal) {
  return streamedResponse(sseBlocks, headers('text/event-stream; charset=utf-8'), signal);
}

async function fakeFetch(url, init = {}) {
  const path = new URL(typeof url === 'string' ? url : url.url ?? String(url)).pathname;
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : {};
  if (body.model === 'overloaded') return json(529, overloadedBody);
  if (path.endsWith('/v1/messages/count_tokens')) return json(200, countTokensBody);
  if (path.endsWith('/v1/messages')) return body.stream ? sse(init.signal) : json(200, message);
  return json(404, { type: 'error', error: { type: 'not_found_error', message: `no fake for ${path}` } });
}

/** The SDK's Anthropic class, from CommonJS exports or an ESM namespace. */
function anthropicClass(sdk) {
  return sdk.Anthropic || (sdk.default && (sdk.default.Anthropic || sdk.default)) || sdk;
}

/** A client of the given SDK module (CJS exports or ESM namespace) wired to the fake service. */
function fakeClient(sdk, options = {}) {
  const Anthropic = anthropicClass(sdk);
  return new Anthropic({ apiKey: API_KEY, baseURL: 'https://api.anthropic.com', maxRetries: 0, fetch: fakeFetch, ...options });
}

module.exports = {
  API_KEY,
  MODEL,
  request,
  message,
  streamEvents,
  streamedText,
  countTokensBody,
  overloadedBody,
  fakeFetch,
  fakeClient,
  anthropicClass,
};
