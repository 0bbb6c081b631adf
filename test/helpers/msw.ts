/**
 * One msw server per test file. msw replaces globalThis.fetch, and the SDKs capture fetch
 * when a client is built: build clients inside tests, after listen().
 */
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

export function useMswServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    server.events.removeAllListeners();
  });
  afterAll(() => server.close());
  return server;
}

/**
 * The JSON bodies the server received, in order: proof of what went on the wire (read from
 * clones, so handlers still get the original). Non-JSON bodies read as undefined.
 */
export function receivedBodies(server: SetupServer): () => Promise<unknown[]> {
  const bodies: Promise<unknown>[] = [];
  server.events.on('request:start', ({ request }) => {
    bodies.push(request.clone().json().catch(() => undefined));
  });
  return () => Promise.all(bodies);
}

/** Fails the current test file on any unhandled rejection, which tracewire must never introduce. */
export function failOnUnhandledRejection(): void {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', listener);
  });
  afterEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (seen.length > 0) {
      const reasons = seen.splice(0).map(String).join('; ');
      throw new Error(`unhandled rejection(s): ${reasons}`);
    }
  });
  afterAll(() => {
    process.off('unhandledRejection', listener);
  });
}

/** A stream body that sends `text` then fails, as a dropped connection does mid-stream. */
export function failingBody(text: string, error = new Error('connection reset')): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let sent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!sent) {
        sent = true;
        controller.enqueue(encoder.encode(text));
      } else {
        controller.error(error);
      }
    },
  });
}
