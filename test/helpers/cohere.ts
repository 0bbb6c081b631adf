/** Real cohere-ai clients (v1 and v2) pointed at msw or at a recorded-fixture fetch, and request bodies from the wire fixtures. */
import { CohereClient, CohereClientV2 } from 'cohere-ai';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { camelizeKeys } from '../../integrations/cohere/json.js';
import type { WireFixture } from './wire.js';

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

export async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** A JSON error answer for a Cohere endpoint (`/v1/chat`, `/v2/chat`, ...). */
export function cohereError(path: RegExp, status: number, body: Record<string, unknown> = { message: `status ${status}` }): HttpHandler {
  return http.post(path, () => HttpResponse.json(body, { status }), { once: true });
}
