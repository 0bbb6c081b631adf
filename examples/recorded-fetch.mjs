/**
 * A `fetch` that answers from recorded provider exchanges (test/fixtures/wire), so the
 * examples run offline with no API key. Each request takes the first unused recorded exchange
 * with the same method and API path (version prefix and Azure deployment ignored); a streamed
 * (SSE) body is served one event at a time, a few milliseconds apart, as a live stream would be.
 * Fixture paths are relative to this file. The SDKs accept it as `fetch` (OpenAI, Anthropic,
 * Cohere) or through `new HTTPClient({ fetcher })` (Mistral).
 */
import { readFileSync } from 'node:fs';

const EVENT_GAP_MS = 3;

function apiPath(url) {
  return new URL(url).pathname.replace(/^\/openai\/deployments\/[^/]+/, '').replace(/^\/v\d+(?=\/)/, '');
}

export function recordedFetch(fixtureFiles) {
  const queue = fixtureFiles.flatMap((file) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')).exchanges);
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const signal = init?.signal ?? request?.signal;
    const at = queue.findIndex((x) => (x.request.method ?? 'POST').toUpperCase() === method && apiPath(url) === apiPath(x.request.url));
    if (at < 0) throw new Error(`recordedFetch: no recorded exchange left for ${method} ${url.pathname}`);
    const [{ response }] = queue.splice(at, 1);
    if (signal?.aborted) throw signal.reason;
    const text = response.bodyText ?? JSON.stringify(response.body);
    const sse = /text\/event-stream/i.test(response.headers?.['content-type'] ?? '');
    return new Response(sse ? trickle(text, signal) : text, { status: response.status, headers: response.headers });
  };
}

/** The SSE text as a byte stream that yields one event (up to its blank line) at a time. */
function trickle(text, signal) {
  const events = text.split(/(?<=\n\n)/);
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream({
    async pull(controller) {
      if (next > 0) await new Promise((resolve) => setTimeout(resolve, EVENT_GAP_MS));
      if (signal?.aborted) return controller.error(signal.reason);
      if (next >= events.length) return controller.close();
      controller.enqueue(encoder.encode(events[next++]));
    },
  });
}
