import { http, HttpResponse } from 'msw';
import type OpenAI from 'openai';
import { APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failingBody, failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { drain, joinedText, openaiClient, recordedChunks, sseAnswer } from '../helpers/openai.js';
import { CHAT, earlyExitClient, recordedText, serveChatStream } from '../helpers/openai-stream.js';
import { typedSseText } from '../helpers/sse.js';
import { loadFixture, requestBody } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

/** Reads a chat stream and aborts the request's own AbortSignal after `n` chunks. */
async function readAndAbortSignal(n: number) {
  const { client, body } = earlyExitClient();
  const abort = new AbortController();
  const stream = await client.chat.completions.create(body, { signal: abort.signal });
  const received: unknown[] = [];
  try {
    for await (const chunk of stream) {
      received.push(chunk);
      if (received.length === n) abort.abort();
    }
    return { received, outcome: 'ended' as unknown };
  } catch (error) {
    return { received, outcome: error };
  }
}

describe('streams that end early', () => {
  it('break after 2 chunks → cancelled, with the text of those 2 chunks', async () => {
    const { client, chunks, body } = earlyExitClient();
    const stream = await client.chat.completions.create(body);
    const received = await drain(stream, 2);
    expect(received).toEqual(chunks.slice(0, 2));
    expect(stream.controller.signal.aborted).toBe(true);
    const call = await t.one(CHAT);
    expect(call.status).toBe('cancelled');
    expect(recordedText(call)).toBe(joinedText(received));
  });

  it('stream.controller.abort() mid-stream → cancelled; the loop simply ends, as without tracing', async () => {
    const { client, chunks, body } = earlyExitClient();
    const stream = await client.chat.completions.create(body);
    const received: unknown[] = [];
    for await (const chunk of stream) {
      received.push(chunk);
      if (received.length === 3) stream.controller.abort();
    }
    expect(received.length).toBeGreaterThanOrEqual(3);
    expect(received.length).toBeLessThan(chunks.length);
    const call = await t.one(CHAT);
    expect(call.status).toBe('cancelled');
    expect(recordedText(call)).toBe(joinedText(received));
  });

  it('an AbortSignal aborted mid-stream → cancelled; the app sees exactly what it sees untraced', async () => {
    const tracedRun = await readAndAbortSignal(2);
    const bareRun = await withTracingDisabled(() => readAndAbortSignal(2));
    // The SDK swallows a user's abort of a stream in progress: the loop just ends.
    expect(tracedRun.outcome).toBe('ended');
    expect(tracedRun).toEqual(bareRun);
    const call = await t.one(CHAT);
    expect(call.status).toBe('cancelled');
    expect(call.exception).toBeNull();
    expect(recordedText(call)).toBe(joinedText(tracedRun.received));
  });

  it('stream.controller.abort() before the app reads anything → cancelled; reading it then yields nothing', async () => {
    const { client, body } = earlyExitClient();
    const stream = await client.chat.completions.create(body);
    stream.controller.abort();
    expect((await t.one(CHAT)).status).toBe('cancelled');
    expect(await drain(stream)).toEqual([]);
    expect((await t.one(CHAT)).status).toBe('cancelled');
  });

  it('the request option\'s AbortSignal aborted after the stream came back, before any read → cancelled', async () => {
    const { client, body } = earlyExitClient();
    const abort = new AbortController();
    const stream = await client.chat.completions.create(body, { signal: abort.signal });
    abort.abort();
    expect(stream.controller.signal.aborted).toBe(true);
    expect((await t.one(CHAT)).status).toBe('cancelled');
    expect(await drain(stream)).toEqual([]);
  });

  it('an AbortSignal aborted before the response → cancelled; the app gets APIUserAbortError', async () => {
    let requested!: () => void;
    const arrived = new Promise<void>((resolve) => (requested = resolve));
    server.use(http.post(/\/chat\/completions$/, async () => {
      requested();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return HttpResponse.text('data: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } });
    }));
    const abort = new AbortController();
    const pending = openaiClient().chat.completions.create({ model: 'gpt-4o-mini', messages: [], stream: true }, { signal: abort.signal });
    await arrived;
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    const call = await t.one(CHAT);
    expect(call.status).toBe('cancelled');
    expect(call.output).toBeNull();
  });

  it('a connection failing mid-stream → error with the partial output; the app sees the same error', async () => {
    const { fixture, chunks } = earlyExitClient();
    const firstThree = fixture.exchanges[0]!.response.bodyText!.split('\n\n').slice(0, 3).join('\n\n') + '\n\n';
    const failure = new Error('connection reset');
    server.use(http.post(/\/chat\/completions$/, () => new HttpResponse(failingBody(firstThree, failure), { headers: { 'content-type': 'text/event-stream' } })));
    const stream = await openaiClient().chat.completions.create(requestBody<OpenAI.Chat.ChatCompletionCreateParamsStreaming>(fixture));
    const received: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().then(() => undefined, (e: unknown) => e);
    expect(received).toEqual(chunks.slice(0, 3));
    expect(error).toBeInstanceOf(Error);
    const call = await t.one(CHAT);
    expect(call.status).toBe('error');
    expect(call.exception).toMatchObject({ type: (error as Error).constructor.name, message: (error as Error).message });
    expect(recordedText(call)).toBe(joinedText(received));
  });
});

describe('other consumers of the same stream', () => {
  it('tee() read on both halves → ONE record, success; each half gets every chunk', async () => {
    const { chunks, body } = serveChatStream(server, { chunkSize: 40 });
    const [left, right] = (await openaiClient().chat.completions.create(body)).tee();
    const [a, b] = await Promise.all([drain(left), drain(right)]);
    expect(a).toEqual(chunks);
    expect(b).toEqual(chunks);
    const calls = await t.calls();
    expect(calls.map((c) => [c.opName, c.status])).toEqual([[CHAT, 'success']]);
    expect(recordedText(calls[0]!)).toBe(joinedText(chunks));
  });

  it('tee() with both halves left early → cancelled', async () => {
    const { client, chunks, body } = earlyExitClient();
    const [left, right] = (await client.chat.completions.create(body)).tee();
    expect(await drain(left, 2)).toEqual(chunks.slice(0, 2));
    expect(await drain(right, 3)).toEqual(chunks.slice(0, 3));
    const call = await t.one(CHAT);
    expect(call.status).toBe('cancelled');
    expect(recordedText(call)).toBe(joinedText(chunks.slice(0, 3)));
  });

  it('toReadableStream() read to the end → success with the output', async () => {
    const { chunks, body } = serveChatStream(server, { chunkSize: 40 });
    const readable = (await openaiClient().chat.completions.create(body)).toReadableStream();
    const text = await new Response(readable).text();
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual(chunks);
    const call = await t.one(CHAT);
    expect(call.status).toBe('success');
    expect(recordedText(call)).toBe(joinedText(chunks));
  });
});

describe('a Responses stream left before completion', () => {
  type ResponseEvent = { type: string; delta?: string; response?: { id: string } };

  it('the output items are rebuilt from the events seen; cancelled', async () => {
    const { client, fixture } = earlyExitClient('py-responses-stream-2025');
    const stream = await client.responses.create(requestBody<OpenAI.Responses.ResponseCreateParamsStreaming>(fixture));
    const received = (await drain(stream, 20)) as ResponseEvent[];
    const text = received.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    expect(text.length).toBeGreaterThan(0);

    const call = await t.one('openai.responses.create');
    expect(call.status).toBe('cancelled');
    const output = call.output as { id: string; output: Array<Record<string, unknown>>; output_text: string };
    expect(output.id).toBe(received[0]!.response!.id);
    expect(output.output).toHaveLength(1);
    expect(output.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text }] });
    expect(output.output_text).toBe(text);
  });
});

describe('a Responses stream whose last event is not response.completed', () => {
  type Event = { type: string; delta?: string; response?: Record<string, unknown> };
  const RESPONSES = 'openai.responses.create';
  const fixture = () => loadFixture('openai/py-responses-stream-2025.json');
  const request = () => requestBody<OpenAI.Responses.ResponseCreateParamsStreaming>(fixture());
  /** The recorded events up to the `n`th, then `last`; what the app must get, untouched. */
  function serveEndingWith(n: number, last: (recorded: Event[]) => Event): Event[] {
    const recorded = recordedChunks(fixture()) as Event[];
    const events = [...recorded.slice(0, n), last(recorded)];
    server.use(sseAnswer(/\/responses$/, typedSseText(events)));
    return events;
  }
  const textOf = (events: Event[]) => events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
  const usage = { input_tokens: 18, input_tokens_details: { cached_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 38 };
  const error = { code: 'server_error', message: 'The model failed to generate a response.' };

  it('response.failed → error with the response\'s error; the output items streamed so far and the usage are kept', async () => {
    // The failed response lists no output: the items come from the events the app got.
    const events = serveEndingWith(30, (r) => ({ type: 'response.failed', response: { ...r[0]!.response, status: 'failed', error, usage } }));
    expect(await drain(await openaiClient().responses.create(request()))).toEqual(events);

    const call = await t.one(RESPONSES);
    expect(call.status).toBe('error');
    expect(call.exception).toMatchObject({ type: 'server_error', message: error.message });
    const output = call.output as { status: string; error: unknown; output: unknown[]; output_text: string };
    expect(output).toMatchObject({ status: 'failed', error, output_text: textOf(events) });
    expect(output.output).toEqual([expect.objectContaining({ type: 'message', content: [expect.objectContaining({ type: 'output_text', text: textOf(events) })] })]);
    expect(call.summary.usage).toEqual({ 'gpt-4.1-nano-2025-04-14': { requests: 1, inputTokens: 18, outputTokens: 20, totalTokens: 38, cacheReadTokens: 0, reasoningTokens: 0 } });
  });

  it('an error event → error with its code and message, the partial output kept', async () => {
    const events = serveEndingWith(20, () => ({ type: 'error', ...error, param: null, sequence_number: 20 }));
    expect(await drain(await openaiClient().responses.create(request()))).toEqual(events);

    const call = await t.one(RESPONSES);
    expect(call.status).toBe('error');
    expect(call.exception).toMatchObject({ type: 'server_error', message: error.message });
    expect((call.output as { output_text: string }).output_text).toBe(textOf(events));
  });

  it('response.incomplete is a normal end: success, the output says incomplete and why', async () => {
    const incomplete = { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
    const events = serveEndingWith(85, (r) => ({ type: 'response.incomplete', response: { ...r[85]!.response, ...incomplete } }));
    await drain(await openaiClient().responses.create(request()));

    const call = await t.one(RESPONSES);
    expect(call.status).toBe('success');
    expect(call.exception).toBeNull();
    expect(call.output).toMatchObject({ ...incomplete, output_text: textOf(events) });
    expect(call.summary.usage!['gpt-4.1-nano-2025-04-14']).toMatchObject({ inputTokens: 18, outputTokens: 79 });
  });
});
