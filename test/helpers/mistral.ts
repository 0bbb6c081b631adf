/** Real @mistralai/mistralai clients pointed at msw or at a recorded-fixture fetcher, and readers of what a stream handed the app. */
import { HTTPClient, Mistral } from '@mistralai/mistralai';
import { fixtureFetch, type ServeOptions, type WireFixture } from './wire.js';

/** A key shaped like a real one, so a leak anywhere in a record is found by a plain search. */
export const MISTRAL_TEST_KEY = 'mk-TESTKEY-0123456789abcdef-SECRET-zz';

type Options = ConstructorParameters<typeof Mistral>[0];

/** Retries off, so error tests see one request; through msw unless a fetcher is given. */
export function mistralClient(options: Options = {}): Mistral {
  return new Mistral({ apiKey: MISTRAL_TEST_KEY, retryConfig: { strategy: 'none' }, ...options });
}

/**
 * A client served by the fixture's recorded exchanges without msw (which never settles a
 * cancelled body): the SDK's fetcher gets a Request, whose signal aborts the body.
 */
export function fixtureMistral(fixture: WireFixture, serve: ServeOptions = {}, options: Options = {}): Mistral {
  const fetchRecorded = fixtureFetch(fixture, serve);
  const httpClient = new HTTPClient({ fetcher: (input) => fetchRecorded(input, { signal: input instanceof Request ? input.signal : undefined }) });
  return mistralClient({ httpClient, ...options });
}

/** The SDK request a recorded wire body came from (the SDK takes camelCase and sets `stream` itself). */
export function mistralRequestOf<T = any>(fixture: WireFixture, exchange = 0): T {
  const { stream: _stream, ...body } = fixture.exchanges[exchange]!.request.body as Record<string, unknown>;
  return body as T;
}

export async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Reads a ReadableStream to the end through a reader, as an app not using `for await` does. */
export async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const reader = stream.getReader();
  const items: T[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return items;
    items.push(value);
  }
}

/** The text a chat stream spells out (choice 0). */
export function streamedText(events: Array<{ data: any }>): string {
  return events.map((e) => e.data.choices[0]?.delta?.content ?? '').join('');
}
