import Anthropic from '@anthropic-ai/sdk';
import { Stream } from '@anthropic-ai/sdk/core/streaming';
import type { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import {
  anthropicClient,
  deltaJson,
  deltaText,
  drain,
  recordedEvents,
  requestOf,
  type AnthropicEvent,
  withoutParsedOutput,
  type MessageJson,
} from '../helpers/anthropic.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture, type WireFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const CREATE = 'anthropic.messages.create';

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

function expectStreamTiming(call: Call) {
  expect(call.summary.timeToFirstTokenMs).toEqual(expect.any(Number));
  expect(call.summary.timeToFirstTokenMs!).toBeLessThanOrEqual(call.summary.latencyMs!);
}

/** What the SDK's own accumulator makes of the same recorded stream, untraced. */
async function sdkFinalMessage(fixture: WireFixture): Promise<MessageJson> {
  server.use(...fixtureHandlers(fixture));
  const { stream: _stream, ...body } = requestOf(fixture);
  const message = await withTracingDisabled(() => anthropicClient().messages.stream(body).finalMessage());
  return withoutParsedOutput(message);
}


async function streamFixture(name: string) {
  const fixture = loadFixture(`anthropic/${name}.json`);
  server.use(...fixtureHandlers(fixture, { chunkSize: 50 }));
  const stream = await anthropicClient().messages.create(requestOf<Anthropic.MessageCreateParamsStreaming>(fixture));
  expect(stream).toBeInstanceOf(Stream);
  expect(stream.controller).toBeInstanceOf(AbortController);
  const received = (await drain(stream)) as AnthropicEvent[];
  expect(received).toEqual(recordedEvents(fixture));
  const call = await t.one(CREATE);
  expect(call.status).toBe('success');
  expect(call.inputs).toEqual(requestOf(fixture));
  expectStreamTiming(call);
  return { fixture, received, call, output: call.output as MessageJson };
}

describe('messages.create({ stream: true }) iterated: same events, record = the Message', () => {
  it('js-messages-stream: text joined, stop_reason, usage from message_start + message_delta', async () => {
    const { fixture, received, call, output } = await streamFixture('js-messages-stream');
    expect(output).toMatchObject({ id: 'msg_0178nRhNdfNKxFcZRFqApVgL', type: 'message', role: 'assistant', model: 'claude-3-opus-20240229', stop_reason: 'end_turn', stop_sequence: null });
    expect(output.content).toEqual([{ type: 'text', text: deltaText(received, 0) }]);
    expect(deltaText(received).startsWith("Sure, here's a joke about OpenTelemetry:")).toBe(true);
    // message_start: 17 in, 0/0 cache, 1 out; message_delta: 158 out (cumulative, replaces).
    expect(output.usage).toEqual({ input_tokens: 17, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 158, service_tier: 'standard' });
    expect(call.summary.usage).toEqual({ 'claude-3-opus-20240229': { requests: 1, inputTokens: 17, outputTokens: 158, totalTokens: 175, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(output).toEqual(await sdkFinalMessage(fixture));
  });

  it('oi-multi-tool-use-stream: text block + two tool_use blocks with their input_json joined and parsed', async () => {
    const { fixture, received, call, output } = await streamFixture('oi-multi-tool-use-stream');
    expect(output.stop_reason).toBe('tool_use');
    expect(output.content).toHaveLength(3);
    expect(output.content[0]).toEqual({ type: 'text', text: deltaText(received, 0) });
    for (const index of [1, 2]) {
      const start = received.find((e) => e.type === 'content_block_start' && e.index === index)!.content_block;
      expect(output.content[index]).toEqual({ ...start, input: deltaJson(received, index) });
    }
    expect(output.content.map((b: MessageJson) => b.name)).toEqual([undefined, 'get_weather', 'get_time']);
    expect(output.content[2].input).toEqual({ timezone: 'America/New_York' });
    expect(call.summary.usage).toEqual({ 'claude-sonnet-4-6': { requests: 1, inputTokens: 721, outputTokens: 113, totalTokens: 834, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(output).toEqual(await sdkFinalMessage(fixture));
  });

  it('py-thinking-stream: thinking text joined with its signature, then the text block', async () => {
    const { fixture, received, call, output } = await streamFixture('py-thinking-stream');
    const thinking = received.filter((e) => e.delta?.type === 'thinking_delta').map((e) => e.delta.thinking).join('');
    const signature = received.find((e) => e.delta?.type === 'signature_delta')!.delta.signature;
    expect(thinking.startsWith('Let me count the occurrences')).toBe(true);
    expect(output.content).toEqual([
      { type: 'thinking', thinking, signature },
      { type: 'text', text: 'The letter \'r\' appears 3 times in the word "strawberry".' },
    ]);
    expect(call.summary.usage).toEqual({ 'claude-3-7-sonnet-20250219': { requests: 1, inputTokens: 52, outputTokens: 216, totalTokens: 268, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(output).toEqual(await sdkFinalMessage(fixture));
  });

  it('oi-js-redacted-thinking-stream: the redacted_thinking block kept whole, then the text', async () => {
    const { fixture, call, output } = await streamFixture('oi-js-redacted-thinking-stream');
    expect(output.content).toEqual([
      { type: 'redacted_thinking', data: 'SYNTHETIC_REDACTED_ENCRYPTED_DATA' },
      { type: 'text', text: '42' },
    ]);
    expect(output.stop_reason).toBe('end_turn');
    expect(call.summary.usage).toEqual({ 'claude-sonnet-4-6': { requests: 1, inputTokens: 49, outputTokens: 5, totalTokens: 54, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(output).toEqual(await sdkFinalMessage(fixture));
  });
});

describe('messages.stream() MessageStream helper: one record per request, whichever way it is read', () => {
  const fixture = () => loadFixture('anthropic/js-messages-stream.json');
  const bodyOf = (f: WireFixture) => {
    const { stream: _stream, ...body } = requestOf<Anthropic.MessageCreateParamsStreaming>(f);
    return body;
  };

  /** Runs `read` on a MessageStream of js-messages-stream and returns the single record it made. */
  async function helperRecord(read: (s: MessageStream) => Promise<unknown>) {
    const f = fixture();
    server.use(...fixtureHandlers(f, { chunkSize: 80 }));
    const stream = anthropicClient().messages.stream(bodyOf(f));
    const result = await read(stream);
    const calls = await t.calls();
    expect(calls.map((c) => c.opName)).toEqual([CREATE]);
    const call = calls[0]!;
    expect(call.status).toBe('success');
    expect(call.inputs).toEqual({ ...bodyOf(f), stream: true });
    const events = recordedEvents(f);
    expect((call.output as MessageJson).content).toEqual([{ type: 'text', text: deltaText(events) }]);
    expect(call.summary.usage!['claude-3-opus-20240229']).toMatchObject({ inputTokens: 17, outputTokens: 158 });
    expectStreamTiming(call);
    return { result, call, events };
  }

  it("on('text') gets every delta, on('message') the Message the record holds", async () => {
    const texts: string[] = [];
    const messages: unknown[] = [];
    const { call, events } = await helperRecord(async (s) => {
      s.on('text', (delta) => texts.push(delta));
      s.on('message', (m) => messages.push(m));
      await s.done();
    });
    expect(texts).toEqual(events.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta.text));
    expect(messages).toHaveLength(1);
    expect(withoutParsedOutput(messages[0])).toEqual(call.output);
  });

  it('finalMessage() resolves to the same Message as the record', async () => {
    const { result, call } = await helperRecord((s) => s.finalMessage());
    expect(withoutParsedOutput(result)).toEqual(call.output);
  });

  it('finalText() resolves to the joined text', async () => {
    const { result, events } = await helperRecord((s) => s.finalText());
    expect(result).toBe(deltaText(events));
  });

  it('async iteration of the MessageStream yields every event, as it does untraced', async () => {
    const { result, events } = await helperRecord((s) => drain(s));
    const received = result as AnthropicEvent[];
    expect(received.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(deltaText(received)).toBe(deltaText(events));
    // The SDK grows the message_start event's message in place into its snapshot; the same happens untraced.
    const f = fixture();
    server.use(...fixtureHandlers(f));
    const plain = await withTracingDisabled(() => drain(anthropicClient().messages.stream(bodyOf(f))));
    expect(JSON.parse(JSON.stringify(received))).toEqual(JSON.parse(JSON.stringify(plain)));
  });

  it('withResponse() gives the Response and the stream itself', async () => {
    const { result } = await helperRecord(async (s) => {
      const { data, response } = await s.withResponse();
      expect(data).toBe(s);
      expect(response.status).toBe(200);
      return data.finalText();
    });
    expect(result).toBe(deltaText(recordedEvents(fixture())));
  });

  it('toReadableStream() read to the end: the same events as JSON lines', async () => {
    const { result, events } = await helperRecord(async (s) => {
      const text = await new Response(s.toReadableStream()).text();
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
    });
    expect(result).toEqual(events);
  });
});
