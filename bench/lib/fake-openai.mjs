/**
 * Recorded openai bodies (test/fixtures/wire/openai) for the in-memory fetches of
 * fake-wire.mjs, which this module re-exports for the openai-only cases and the profiler.
 */
import { cycleEvents, encodeSse, jsonBody, sseEvents, wireExchange } from './fake-wire.mjs';

export { jsonFetch, sseFetch } from './fake-wire.mjs';

/** The request body and the JSON response body of a plain chat completion. */
export function chatBasic() {
  const exchange = wireExchange('openai', 'js-chat-basic.json');
  return { request: exchange.request.body, ...jsonBody(exchange) };
}

/**
 * An SSE body of exactly `chunkCount` chat chunks (then `[DONE]`), built from the recorded
 * stream: its first (role) chunk, content chunks cycling through the recorded deltas, and
 * its final (finish_reason) chunk.
 */
export function chatStream(chunkCount) {
  const exchange = wireExchange('openai', 'js-chat-stream.json');
  const events = cycleEvents(sseEvents(exchange.response.bodyText), chunkCount);
  return {
    request: { ...exchange.request.body, stream: true },
    pieces: encodeSse(events, { done: '[DONE]' }),
    headers: exchange.response.headers,
    expectedText: events.map(({ data }) => data.choices[0]?.delta?.content ?? '').join(''),
  };
}
