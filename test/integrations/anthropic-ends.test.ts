import Anthropic, { APIUserAbortError } from '@anthropic-ai/sdk';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import {
  anthropicClient,
  deltaText,
  drain,
  firstEventsText,
  MESSAGES_URL,
  recordedEvents,
  requestOf,
  sseResponse,
  sseStreamHandler,
  type AnthropicEvent,
  type MessageJson,
} from '../helpers/anthropic.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failingBody, failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { loadFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const CREATE = 'anthropic.messages.create';

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

/**
 * js-messages-stream, served in small pieces slowly enough to abort between events (the body
 * errors on abort, as a real connection does), or in one piece for an early `break`.
 */
function serveStream(options: { delayMs?: number; chunkSize?: number; wholeBody?: boolean } = { chunkSize: 60, delayMs: 2 }) {
  const fixture = loadFixture('anthropic/js-messages-stream.json');
  server.use(sseStreamHandler(fixture.exchanges[0]!.response.bodyText!, options));
  return { fixture, events: recordedEvents(fixture), body: requestOf<Anthropic.MessageCreateParamsStreaming>(fixture) };
}

const outputOf = (call: Call) => call.output as MessageJson;
/** What js-messages-stream's message_start reports: billed, so kept however the stream ends. */
const STARTED_USAGE = { 'claude-3-opus-20240229': { requests: 1, inputTokens: 17, outputTokens: 1, totalTokens: 18, cacheReadTokens: 0, cacheWriteTokens: 0 } };
const textOf = (call: Call) => (outputOf(call).content as MessageJson[]).map((b) => b.text ?? '').join('');

describe('streams left early', () => {
  it('break after 2 events → cancelled; the output is the message so far', async () => {
    const { events, body } = serveStream({ wholeBody: true });
    const stream = await anthropicClient().messages.create(body);
    const received = await drain(stream, 2);
    expect(received).toEqual(events.slice(0, 2));
    expect(stream.controller.signal.aborted).toBe(true);

    const call = await t.one(CREATE);
    expect(call.status).toBe('cancelled');
    expect(call.exception).toBeNull();
    const { content: _content, ...started } = events[0]!.message;
    expect(outputOf(call)).toEqual({ ...started, content: [{ type: 'text', text: '' }] });
    expect(call.summary.usage).toEqual(STARTED_USAGE);
  });

  it('stream.controller.abort() mid-stream → cancelled; the loop just ends, as untraced', async () => {
    const { events, body } = serveStream();
    const stream = await anthropicClient().messages.create(body);
    const received: AnthropicEvent[] = [];
    for await (const event of stream) {
      received.push(event as AnthropicEvent);
      if (received.length === 5) stream.controller.abort();
    }
    expect(received.length).toBeGreaterThanOrEqual(5);
    expect(received.length).toBeLessThan(events.length);
    const call = await t.one(CREATE);
    expect(call.status).toBe('cancelled');
    expect(textOf(call)).toBe(deltaText(received));
    expect(textOf(call).length).toBeGreaterThan(0);
    expect(call.summary.usage).toEqual(STARTED_USAGE);
    expect(call.summary.totalCost).toBeGreaterThan(0);
  });

  it('an AbortSignal in the request options, aborted mid-stream → cancelled; the app sees what it sees untraced', async () => {
    const run = async () => {
      const { body } = serveStream();
      const abort = new AbortController();
      const stream = await anthropicClient().messages.create(body, { signal: abort.signal });
      const received: AnthropicEvent[] = [];
      const outcome = await (async () => {
        for await (const event of stream) {
          received.push(event as AnthropicEvent);
          if (received.length === 3) abort.abort();
        }
        return 'ended';
      })().catch((error: unknown) => (error as Error).constructor.name);
      return { outcome, received };
    };
    const plain = await withTracingDisabled(run);
    const tracedRun = await run();
    expect(tracedRun.outcome).toBe(plain.outcome);
    expect(tracedRun.received.slice(0, 3)).toEqual(plain.received.slice(0, 3));
    expect(tracedRun.received.length).toBeLessThan(recordedEvents(loadFixture('anthropic/js-messages-stream.json')).length);

    const call = await t.one(CREATE);
    expect(call.status).toBe('cancelled');
    expect(call.exception).toBeNull();
    expect(textOf(call)).toBe(deltaText(tracedRun.received));
    expect(call.summary.usage).toEqual(STARTED_USAGE);
  });

  it('an AbortSignal aborted before the response → cancelled; the app gets APIUserAbortError', async () => {
    let requested!: () => void;
    const arrived = new Promise<void>((resolve) => (requested = resolve));
    server.use(http.post(MESSAGES_URL, async () => {
      requested();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return sseResponse('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    }));
    const abort = new AbortController();
    const pending = anthropicClient().messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [], stream: true }, { signal: abort.signal });
    await arrived;
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    const call = await t.one(CREATE);
    expect(call.status).toBe('cancelled');
    expect(call.output).toBeNull();
  });

  it('MessageStream.abort() from a text listener → cancelled, the helper emits abort as untraced', async () => {
    const { fixture } = serveStream();
    const { stream: _s, ...body } = requestOf(fixture);
    const helper = anthropicClient().messages.stream(body);
    const texts: string[] = [];
    helper.on('text', (delta) => {
      texts.push(delta);
      if (texts.length === 2) helper.abort();
    });
    await expect(helper.done()).rejects.toBeInstanceOf(APIUserAbortError);
    expect(helper.aborted).toBe(true);
    const call = await t.one(CREATE);
    expect(call.status).toBe('cancelled');
    expect(textOf(call).startsWith(texts.join(''))).toBe(true);
    expect(call.summary.usage).toEqual(STARTED_USAGE);
  });

  it('a connection failing mid-stream → error with the partial output; the app sees the same error', async () => {
    const { fixture, events, body } = serveStream();
    const text = firstEventsText(fixture.exchanges[0]!.response.bodyText!, 4);
    const failure = new Error('connection reset');
    server.resetHandlers();
    server.use(http.post(MESSAGES_URL, () => sseResponse(failingBody(text, failure))));
    const stream = await anthropicClient().messages.create(body);
    const received: AnthropicEvent[] = [];
    const error = await (async () => {
      for await (const event of stream) received.push(event as AnthropicEvent);
    })().then(() => undefined, (e: unknown) => e);
    expect(received).toEqual(events.slice(0, 4));
    expect(error).toBeInstanceOf(Error);

    const call = await t.one(CREATE);
    expect(call.status).toBe('error');
    expect(call.exception).toMatchObject({ type: (error as Error).constructor.name, message: (error as Error).message });
    expect(outputOf(call).id).toBe(events[0]!.message.id);
    expect(textOf(call)).toBe(deltaText(received));
  });
});

describe('other consumers of the same stream', () => {
  it('tee() read on both halves → ONE record, success; each half gets every event', async () => {
    const { events, body } = serveStream({ chunkSize: 80 });
    const [left, right] = (await anthropicClient().messages.create(body)).tee();
    const [a, b] = await Promise.all([drain(left), drain(right)]);
    expect(a).toEqual(events);
    expect(b).toEqual(events);
    const calls = (await t.calls()).filter((c) => c.opName === CREATE);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.status).toBe('success');
    expect(textOf(calls[0]!)).toBe(deltaText(events));
  });

  it('toReadableStream() of the raw Stream read to the end → success', async () => {
    const { events, body } = serveStream({ chunkSize: 80 });
    const readable = (await anthropicClient().messages.create(body)).toReadableStream();
    const lines = (await new Response(readable).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual(events);
    const call = await t.one(CREATE);
    expect(call.status).toBe('success');
    expect(textOf(call)).toBe(deltaText(events));
  });

  it('asResponse() only: the app reads the raw SSE body itself; the record ends as success', async () => {
    const { fixture, body } = serveStream({ chunkSize: 80 });
    const response = await anthropicClient().messages.create(body).asResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(await response.text()).toBe(fixture.exchanges[0]!.response.bodyText);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const call = await t.one(CREATE);
    expect(call.status).toBe('success');
    expect(call.exception).toBeNull();
  });

  it('a stream nobody reads past the headers still ends when its response is a JSON body (no SSE)', async () => {
    server.use(http.post(MESSAGES_URL, () => HttpResponse.json({ ok: true })));
    const raw = await anthropicClient().messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [], stream: true }).asResponse();
    expect(await raw.json()).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await t.one(CREATE)).status).toBe('success');
  });
});
