/**
 * In-memory HTTP for the SDK cases, so no network hides tracewire's cost: fetches that answer
 * every request with one recorded JSON body or one event stream, and event streams of any
 * length built from the recorded ones in test/fixtures/wire/<provider>/.
 */
import { readFileSync } from 'node:fs';

const WIRE = new URL('../../test/fixtures/wire/', import.meta.url);

/** The first recorded exchange of test/fixtures/wire/<provider>/<name>. */
export function wireExchange(provider, name) {
  return JSON.parse(readFileSync(new URL(`${provider}/${name}`, WIRE), 'utf8')).exchanges[0];
}

/** A recorded JSON exchange as jsonFetch serves it. */
export function jsonBody(exchange) {
  return { responseText: JSON.stringify(exchange.response.body), headers: exchange.response.headers };
}

/**
 * The events of a recorded SSE body as `{ event, data }` (data parsed), in order. Blocks whose
 * data is not JSON (`[DONE]`) and blocks named in `skip` (e.g. `ping`) are left out.
 */
export function sseEvents(bodyText, { skip = [] } = {}) {
  const events = [];
  for (const block of bodyText.split('\n\n')) {
    const lines = block.trim().split('\n');
    const event = lines.find((line) => line.startsWith('event:'))?.slice('event:'.length).trim();
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice('data:'.length).trim()).join('\n');
    if (!data || data === '[DONE]' || skip.includes(event)) continue;
    events.push({ event, data: JSON.parse(data) });
  }
  return events;
}

/**
 * Exactly `count` events: the first `head` and last `tail` recorded ones (start and end of
 * the message, usage), and in between the recorded deltas cycled as often as needed.
 */
export function cycleEvents(events, count, { head = 1, tail = 1 } = {}) {
  const middle = events.slice(head, events.length - tail);
  const out = events.slice(0, head);
  for (let i = 0; out.length < count - tail; i++) out.push(middle[i % middle.length]);
  return [...out, ...events.slice(events.length - tail)];
}

/** One encoded SSE block per event (a network chunk each, as from a socket), then `done` if given. */
export function encodeSse(events, { done } = {}) {
  const encoder = new TextEncoder();
  const block = ({ event, data }) => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  const pieces = events.map((e) => encoder.encode(block(e)));
  if (done) pieces.push(encoder.encode(block({ data: done })));
  return pieces;
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
