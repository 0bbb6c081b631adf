/**
 * In-memory `fetch` for the openai SDK, so no network hides tracewire's cost. Bodies come
 * from the recorded wire fixtures in test/fixtures/wire/openai.
 */
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../test/fixtures/wire/openai/', import.meta.url);

function fixture(name) {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')).exchanges[0];
}

/** The request body and the JSON response body of a plain chat completion. */
export function chatBasic() {
  const exchange = fixture('js-chat-basic.json');
  return {
    request: exchange.request.body,
    responseText: JSON.stringify(exchange.response.body),
    headers: exchange.response.headers,
  };
}

/**
 * An SSE body of exactly `chunkCount` chat chunks (then `[DONE]`), built from the recorded
 * stream: its first (role) chunk, content chunks cycling through the recorded deltas, and
 * its final (finish_reason) chunk. Each event is its own network chunk, as from a socket.
 */
export function chatStream(chunkCount) {
  const exchange = fixture('js-chat-stream.json');
  const events = exchange.response.bodyText
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => block.startsWith('data: ') && block !== 'data: [DONE]')
    .map((block) => JSON.parse(block.slice('data: '.length)));
  const first = events[0];
  const last = events[events.length - 1];
  const middle = events.slice(1, -1);
  const chunks = [first];
  for (let i = 0; chunks.length < chunkCount - 1; i++) chunks.push(middle[i % middle.length]);
  chunks.push(last);
  const encoder = new TextEncoder();
  const pieces = chunks.map((chunk) => encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
  pieces.push(encoder.encode('data: [DONE]\n\n'));
  return {
    request: { ...exchange.request.body, stream: true },
    pieces,
    headers: exchange.response.headers,
    expectedText: chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''),
  };
}

/**
 * A real request always gives the event loop a turn; without one, a loop of in-memory calls
 * runs as one endless chain of microtasks and timers (tracewire's export batching among
 * them) never fire. One setImmediate per request costs bare and traced calls the same.
 */
const eventLoopTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A fetch that answers every request with the same JSON body. */
export function jsonFetch({ responseText, headers }) {
  return async () => {
    await eventLoopTurn();
    return new Response(responseText, { status: 200, headers });
  };
}

/** A fetch that answers every request with the same event stream, one piece per pull. */
export function sseFetch({ pieces, headers }) {
  return async () => {
    await eventLoopTurn();
    let next = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (next < pieces.length) controller.enqueue(pieces[next++]);
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers });
  };
}
