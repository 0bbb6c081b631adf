/** An HTTP server on 127.0.0.1 for the duration of a describe block (a collector, a silent endpoint). */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/** `endpoint` is set once the server listens (in beforeAll); connections still open are cut in afterAll. */
export function localServer(handler: RequestListener): { readonly endpoint: string } {
  let server: Server | undefined;
  const state = { endpoint: '' };
  beforeAll(async () => {
    const listening = createServer(handler);
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    state.endpoint = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  });
  return state;
}
