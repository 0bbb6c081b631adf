/** Real openai clients pointed at msw, and small readers of what a stream handed the app. */
import { http, HttpResponse, type HttpHandler } from 'msw';
import OpenAI, { AzureOpenAI, type ClientOptions } from 'openai';
import { sseJson } from './sse.js';
import type { WireFixture } from './wire.js';

export const TEST_KEY = 'sk-test-0123456789abcdefSECRET';

/** The op name most tests read back. */
export const CHAT = 'openai.chat.completions.create';

/** A real OpenAI client pointed at msw (or at `options.fetch`); retries off so error tests see one request. */
export function openaiClient(baseURL = 'https://api.openai.com/v1', options: ClientOptions = {}): OpenAI {
  return new OpenAI({ apiKey: TEST_KEY, baseURL, maxRetries: 0, ...options });
}

/** An Azure client; the fixtures' URL patterns accept any resource host and deployment. */
export function azureClient(): AzureOpenAI {
  return new AzureOpenAI({ apiKey: TEST_KEY, endpoint: 'https://example-resource.openai.azure.com', apiVersion: '2024-02-01', maxRetries: 0 });
}

/** A few bytes standing for an audio upload: msw answers whatever the file holds. */
export const audioFile = () => new File([new Uint8Array([0x49, 0x44, 0x33, 0x04])], 'hello.mp3', { type: 'audio/mpeg' });

/** Answers POSTs to `path` with the SSE body `text`, as an OpenAI endpoint streams it. */
export function sseAnswer(path: RegExp, text: string): HttpHandler {
  return http.post(path, () => new HttpResponse(text, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } }));
}

/** Everything an async iterable yields, or only the first `limit` items (then `break`, as an app would). */
export async function drain<T>(iterable: AsyncIterable<T>, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
  const items: T[] = [];
  if (limit <= 0) return items;
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= limit) break;
  }
  return items;
}

/** The payloads the SDK yields for a recorded streamed exchange. */
export function recordedChunks(fixture: WireFixture, exchange = 0): Record<string, unknown>[] {
  return sseJson(fixture.exchanges[exchange]!.response.bodyText!) as Record<string, unknown>[];
}

/** The same fixture reduced to one of its exchanges, to serve just that response. */
export function onlyExchange(fixture: WireFixture, exchange: number): WireFixture {
  return { ...fixture, exchanges: [fixture.exchanges[exchange]!] };
}

type Chunk = { choices?: Array<{ index?: number; text?: string; delta?: { content?: string | null } }> };

/**
 * The text of one choice across chat chunks (`delta.content`) or completion chunks (`text`):
 * what the app would print, to compare with the record's joined output.
 */
export function joinedText(chunks: readonly unknown[], choice = 0): string {
  let text = '';
  for (const chunk of chunks as Chunk[]) {
    for (const c of chunk.choices ?? []) {
      if ((c.index ?? 0) !== choice) continue;
      text += c.delta?.content ?? c.text ?? '';
    }
  }
  return text;
}
