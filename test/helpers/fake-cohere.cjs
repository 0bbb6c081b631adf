'use strict';
/**
 * An in-memory Cohere HTTP service for child-process tests: a `fetch` handed to the SDK client
 * (its `fetch` option), so apps run offline with no msw. Bodies come from the recorded wire
 * fixtures (test/fixtures/wire/cohere): API v1 chat (also streamed, newline-delimited JSON),
 * generate and rerank; API v2 chat (also streamed, server-sent events), embed and rerank.
 * CommonJS, so that CJS apps, ESM apps and the vitest parent can all load it; it never loads
 * the SDK or tracewire itself.
 *
 * Requests with `model: 'overloaded'` get an HTTP 429.
 */
const { join } = require('node:path');
const { streamedResponse } = require('./fake-body.cjs');

const WIRE = join(__dirname, '../fixtures/wire/cohere');
const fixture = (name) => require(join(WIRE, `${name}.json`)).exchanges[0].response;

/** A key shaped like a real one, so a leak into any record is found by a plain search. */
const API_KEY = 'co-COMPAT-0123456789abcdef-SECRET-zz';

const bodies = {
  v1Chat: fixture('js-chat-v1').body,
  v1Generate: fixture('js-generate').body,
  v1Rerank: fixture('py-rerank-v1').body,
  v2Chat: fixture('py-chat-v2').body,
  v2Embed: fixture('py-embed-v2').body,
  v2Rerank: fixture('py-rerank-v2').body,
};

/** One NDJSON line or one SSE event per read, as the recorded streams were cut. */
const v1StreamParts = fixture('py-chat-v1-stream').bodyText.split('\n').filter((line) => line.trim() !== '').map((line) => `${line}\n`);
const v2StreamParts = fixture('py-chat-v2-stream').bodyText.split('\n\n').filter((block) => block.trim() !== '').map((block) => `${block}\n\n`);

const tooManyRequestsBody = { message: "You are using a Trial key, which is limited to 10 API calls / minute." };

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function streamed(parts, contentType, signal) {
  return streamedResponse(parts, { 'content-type': contentType }, signal);
}

const routes = {
  '/v1/chat': (body, signal) => (body.stream ? streamed(v1StreamParts, 'application/stream+json', signal) : json(200, bodies.v1Chat)),
  '/v1/generate': () => json(200, bodies.v1Generate),
  '/v1/rerank': () => json(200, bodies.v1Rerank),
  '/v2/chat': (body, signal) => (body.stream ? streamed(v2StreamParts, 'text/event-stream', signal) : json(200, bodies.v2Chat)),
  '/v2/embed': () => json(200, bodies.v2Embed),
  '/v2/rerank': () => json(200, bodies.v2Rerank),
};

async function fakeFetch(url, init = {}) {
  const path = new URL(typeof url === 'string' ? url : url.url ?? String(url)).pathname;
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : {};
  if (body.model === 'overloaded') return json(429, tooManyRequestsBody);
  const route = routes[path];
  return route ? route(body, init.signal) : json(404, { message: `no fake for ${path}` });
}

/** The SDK's exports, from CommonJS exports or an ESM namespace. */
function exportsOf(sdk) {
  return sdk.CohereClient ? sdk : sdk.default;
}

/** A client (`v2`: CohereClientV2) of the given SDK module wired to the fake service. */
function fakeClient(sdk, { v2 = false } = {}) {
  const { CohereClient, CohereClientV2 } = exportsOf(sdk);
  const Client = v2 ? CohereClientV2 : CohereClient;
  return new Client({ token: API_KEY, fetch: fakeFetch, maxRetries: 0 });
}

module.exports = { API_KEY, bodies, tooManyRequestsBody, fakeFetch, fakeClient, exportsOf };
