'use strict';
/**
 * An in-memory Mistral HTTP service for child-process tests: the fetcher of an `HTTPClient`
 * handed to the SDK client, so apps run offline with no msw. Bodies come from the recorded wire
 * fixtures (test/fixtures/wire/mistral): py-chat-2.json for every completion (chat, FIM,
 * agents), py-chat-stream.json for every stream, py-embeddings.json for embeddings. CommonJS,
 * so that CJS apps, ESM apps and the vitest parent can all load it; it never loads the SDK or
 * tracewire itself.
 *
 * Requests with `model: 'invalid'` get an HTTP 422 validation error.
 */
const { join } = require('node:path');
const { streamedResponse } = require('./fake-body.cjs');

const WIRE = join(__dirname, '../fixtures/wire/mistral');
const fixture = (name) => require(join(WIRE, `${name}.json`)).exchanges[0].response;

/** A key shaped like a real one, so a leak into any record is found by a plain search. */
const API_KEY = 'mk-COMPAT-0123456789abcdef-SECRET-zz';

const completion = fixture('py-chat-2').body;
const embeddings = fixture('py-embeddings').body;
/** One SSE event per read, as sent. */
const sseEvents = fixture('py-chat-stream').bodyText.split('\n\n').filter((block) => block.trim() !== '').map((block) => `${block}\n\n`);
const validationBody = { detail: [{ loc: ['body', 'model'], msg: 'unknown model', type: 'value_error' }] };

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function sse(signal) {
  return streamedResponse(sseEvents, { 'content-type': 'text/event-stream' }, signal);
}

const COMPLETIONS = ['/v1/chat/completions', '/v1/fim/completions', '/v1/agents/completions'];

/** The SDK hands its fetcher a Request. */
async function fakeFetch(request) {
  const path = new URL(request.url).pathname;
  const body = request.method === 'POST' ? await request.json() : {};
  if (body.model === 'invalid') return json(422, validationBody);
  if (path === '/v1/embeddings') return json(200, embeddings);
  if (COMPLETIONS.includes(path)) return body.stream ? sse(request.signal) : json(200, { ...completion, model: body.model ?? completion.model });
  return json(404, { message: `no fake for ${path}` });
}

/** The SDK's exports, from CommonJS exports or an ESM namespace. */
function exportsOf(sdk) {
  return sdk.Mistral ? sdk : sdk.default;
}

/** A client of the given SDK module wired to the fake service, retries off. */
function fakeClient(sdk) {
  const { Mistral, HTTPClient } = exportsOf(sdk);
  return new Mistral({ apiKey: API_KEY, httpClient: new HTTPClient({ fetcher: fakeFetch }), retryConfig: { strategy: 'none' } });
}

module.exports = { API_KEY, completion, embeddings, sseEvents, validationBody, fakeFetch, fakeClient, exportsOf };
