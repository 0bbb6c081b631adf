/** Real cohere-ai clients (v1 and v2) pointed at msw or at a recorded-fixture fetch, and request bodies from the wire fixtures. */
import { CohereClient, CohereClientV2 } from 'cohere-ai';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { describe } from 'vitest';
import { camelizeKeys } from '../../integrations/cohere/json.js';
import { cohereCopies, cohereEvents, deepFreeze, type CohereCall, type SdkCopy } from './sdk-replay.js';
import { loadFixture, type WireFixture, type WireResponse } from './wire.js';

/** A key shaped like a real one, so a leak anywhere in a record is found by a plain search. */
export const COHERE_TEST_KEY = 'co-TESTKEY-0123456789abcdef-SECRET-zz';

type V1Options = ConstructorParameters<typeof CohereClient>[0];
type V2Options = ConstructorParameters<typeof CohereClientV2>[0];

/** Retries off, so error tests see one request. */
export function cohereV1(options: V1Options = {}): CohereClient {
  return new CohereClient({ token: COHERE_TEST_KEY, maxRetries: 0, ...options });
}

export function cohereV2(options: V2Options = {}): CohereClientV2 {
  return new CohereClientV2({ token: COHERE_TEST_KEY, maxRetries: 0, ...options });
}

/**
 * The SDK request a recorded wire body came from: the SDK sends camelCase as snake_case, and
 * adds `stream` itself (its stream methods take no such flag).
 */
export function cohereRequestOf<T = any>(fixture: WireFixture, exchange = 0): T {
  const { stream: _stream, ...body } = camelizeKeys(fixture.exchanges[exchange]!.request.body) as Record<string, unknown>;
  return body as T;
}

/** The response of one exchange of a recorded Cohere fixture (`name` is the file name under cohere/). */
export function recorded(name: string, exchange = 0): WireResponse {
  return loadFixture(`cohere/${name}`).exchanges[exchange]!.response;
}

/** What `copy`'s SDK yields for `call` on a recorded `response`, deep-frozen so that a reducer changing an event throws. */
export type CohereEventsOf = (call: CohereCall, response: WireResponse) => Promise<Record<string, any>[]>;

/** Declares the stream-reducer tests of `body` once per cohere-ai copy, handing it the copy and its frozen events. */
export function describeCohereStreams(body: (copy: SdkCopy, events: CohereEventsOf) => void): void {
  describe.each(cohereCopies)('Cohere stream reducers through $label', (copy) => {
    body(copy, async (call, response) => deepFreeze(await cohereEvents(copy, call, response)));
  });
}

export async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** A JSON error answer for a Cohere endpoint (`/v1/chat`, `/v2/chat`, ...). */
export function cohereError(path: RegExp, status: number, body: Record<string, unknown> = { message: `status ${status}` }): HttpHandler {
  return http.post(path, () => HttpResponse.json(body, { status }), { once: true });
}
