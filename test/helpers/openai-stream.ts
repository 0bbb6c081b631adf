/** Shared by the OpenAI stream tests: typed requests, the two ways of serving a stream, record readers. */
import type OpenAI from 'openai';
import type { SetupServer } from 'msw/node';
import { expect } from 'vitest';
import type { Call } from '../../src/types.js';
import { openaiClient, recordedChunks } from './openai.js';
import { fixtureFetch, fixtureHandlers, loadFixture, requestBody, type WireFixture } from './wire.js';

export { CHAT } from './openai.js';

export type ChatBody = OpenAI.Chat.ChatCompletionCreateParamsStreaming;

/** Typed as a streamed chat request, so the SDK's streaming overload (and its Stream type) applies. */
export const chatRequest = (fixture: WireFixture, exchange = 0) => requestBody<ChatBody>(fixture, exchange);

/** The recorded js-chat-stream exchange, served through msw. */
export function serveChatStream(server: SetupServer, options: { chunkSize?: number } = {}) {
  const fixture = loadFixture('openai/js-chat-stream.json');
  server.use(...fixtureHandlers(fixture, options));
  return { fixture, chunks: recordedChunks(fixture), body: chatRequest(fixture) };
}

/**
 * A recorded stream for tests that leave it early: served by a fetch that behaves like Node's
 * on cancel and abort (see fixtureFetch), slowly enough to stop between chunks.
 */
export function earlyExitClient(name = 'js-chat-stream') {
  const fixture = loadFixture(`openai/${name}.json`);
  const client = openaiClient(undefined, { fetch: fixtureFetch(fixture, { chunkSize: 40, delayMs: 2 }) });
  return { client, fixture, chunks: recordedChunks(fixture), body: chatRequest(fixture) };
}

export type ChatOutput = { id?: string; model?: string; object?: string; usage?: unknown; choices: Array<Record<string, any>> };

export const outputOf = (call: Call) => call.output as ChatOutput;

/** The joined text of the first choice of a recorded chat output. */
export const recordedText = (call: Call) => outputOf(call).choices[0]?.message.content as string | null | undefined;

export function expectStreamTiming(call: Call): void {
  expect(call.summary.timeToFirstTokenMs).toEqual(expect.any(Number));
  expect(call.summary.timeToFirstTokenMs!).toBeLessThanOrEqual(call.summary.latencyMs!);
}
