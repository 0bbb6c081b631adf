import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import { anthropicClient, anthropicSse, jsonAnswer, requestOf, sseStreamHandler, type AnthropicEvent, type MessageJson } from '../helpers/anthropic.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const CREATE = 'anthropic.messages.create';

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

/** Runs `call` untraced then traced (each with a fresh client) and returns both rejections. */
async function bothErrors(call: (client: Anthropic) => Promise<unknown>): Promise<[Error, Error]> {
  const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as Error);
  const plain = await withTracingDisabled(() => fail(call(anthropicClient())));
  const seen = await fail(call(anthropicClient()));
  return [plain, seen];
}

function expectSameError(seen: Error, plain: Error, cls: new (...args: any[]) => Error) {
  expect(seen).toBeInstanceOf(cls);
  expect(seen.constructor).toBe(plain.constructor);
  expect(seen.message).toBe(plain.message);
  expect((seen as { status?: unknown }).status).toBe((plain as { status?: unknown }).status);
}

function expectErrorRecord(call: Call, error: Error, status: number | undefined) {
  expect(call.status).toBe('error');
  expect(call.endedAt).not.toBeNull();
  expect(call.exception).toMatchObject({ type: error.constructor.name, message: error.message });
  if (status === undefined) expect(call.exception).not.toHaveProperty('status');
  else expect(call.exception!.status).toBe(status);
}

describe('HTTP errors: the app gets the SDK error untouched, the record names its class and status', () => {
  it('400 pai-error-400-effort-unsupported (beta.messages.create) → BadRequestError', async () => {
    const fixture = loadFixture('anthropic/pai-error-400-effort-unsupported.json');
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const body = requestOf<Anthropic.Beta.MessageCreateParamsNonStreaming>(fixture);
    const [plain, seen] = await bothErrors((c) => c.beta.messages.create(body));
    expectSameError(seen, plain, Anthropic.BadRequestError);
    expect(seen.message).toContain("This model does not support effort level 'xhigh'");

    const call = await t.one('anthropic.beta.messages.create');
    expectErrorRecord(call, seen, 400);
    expect(call.exception!.type).toBe('BadRequestError');
    expect(call.inputs).toEqual(body);
    expect(call.output).toBeNull();
    expect(call.summary.usage).toBeUndefined();
  });

  it('404 answering a stream request (ls-error-404-model-stream) → NotFoundError, no stream, no output', async () => {
    const fixture = loadFixture('anthropic/ls-error-404-model-stream.json');
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const body = requestOf<Anthropic.MessageCreateParamsStreaming>(fixture);
    const [plain, seen] = await bothErrors((c) => c.messages.create(body));
    expectSameError(seen, plain, Anthropic.NotFoundError);
    expect(seen.message).toContain('model: claude-4-5-haiku');

    const call = await t.one(CREATE);
    expectErrorRecord(call, seen, 404);
    expect(call.exception!.type).toBe('NotFoundError');
    expect(call.output).toBeNull();
    expect(call.summary.timeToFirstTokenMs).toBeUndefined();
  });

  it('404 through messages.stream(): the helper rejects with NotFoundError, one error record', async () => {
    const fixture = loadFixture('anthropic/ls-error-404-model-stream.json');
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const { stream: _stream, ...body } = requestOf(fixture);
    const [plain, seen] = await bothErrors((c) => c.messages.stream(body).finalMessage());
    expectSameError(seen, plain, Anthropic.NotFoundError);
    const calls = await t.calls();
    expect(calls).toHaveLength(1);
    expectErrorRecord(calls[0]!, seen, 404);
  });

  it.each([
    ['529 overloaded_error', 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'OverloadedError'],
    ['500 api_error', 500, { type: 'error', error: { type: 'api_error', message: 'Internal server error' } }, 'InternalServerError'],
  ] as const)('%s → %s status on the record', async (_label, status, body, className) => {
    server.use(jsonAnswer(body, status), jsonAnswer(body, status));
    const request = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    const [plain, seen] = await bothErrors((c) => c.messages.create(request));
    expectSameError(seen, plain, Anthropic.InternalServerError);
    expect(seen.constructor.name).toBe(className);
    expect((seen as { status?: number }).status).toBe(status);

    const call = await t.one(CREATE);
    expectErrorRecord(call, seen, status);
    expect(call.exception!.type).toBe(className);
  });
});

describe('an `error` event in the middle of a stream', () => {
  const events: AnthropicEvent[] = [
    { type: 'message_start', message: { id: 'msg_midfail', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 11, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
  ];
  const errorEvent = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
  // One piece: the SDK's teardown cancels the body, which must not still be feeding (see sseStreamHandler).
  const serve = () => server.use(sseStreamHandler(anthropicSse(events) + errorEvent, { wholeBody: true }));
  const request = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };

  it('create({ stream: true }): the events before it, then the SDK error; record error with the partial output', async () => {
    serve();
    const read = async (client: Anthropic) => {
      const received: AnthropicEvent[] = [];
      const error = await (async () => {
        for await (const event of await client.messages.create({ ...request, stream: true })) received.push(event as AnthropicEvent);
      })().then(() => undefined, (e: unknown) => e as Error);
      return { received, error: error! };
    };
    const plain = await withTracingDisabled(async () => read(anthropicClient()));
    serve();
    const seen = await read(anthropicClient());
    expect(seen.received).toEqual(events);
    expect(plain.received).toEqual(events);
    expectSameError(seen.error, plain.error, Anthropic.APIError);
    expect(seen.error.constructor.name).toBe('APIError');
    // The SDK gives a mid-stream error no HTTP status (the response was a 200); it keeps the body's type.
    expect((seen.error as InstanceType<typeof Anthropic.APIError>).status).toBeUndefined();
    expect((seen.error as { type?: unknown }).type).toBe('overloaded_error');

    const call = await t.one(CREATE);
    // Current behaviour: no status (the exchange had none but 200). See the report about mapping
    // overloaded_error to 529: not done, because SPEC §3 records the HTTP status "when there is one".
    expectErrorRecord(call, seen.error, undefined);
    expect(call.exception!.type).toBe('APIError');
    expect(call.exception!.message).toContain('overloaded_error');
    const output = call.output as MessageJson;
    expect(output).toMatchObject({ id: 'msg_midfail', model: 'claude-sonnet-4-6', stop_reason: null });
    expect(output.content).toEqual([{ type: 'text', text: 'Hello' }]);
    expect(call.summary.usage).toEqual({ 'claude-sonnet-4-6': { requests: 1, inputTokens: 11, outputTokens: 1, totalTokens: 12 } });
    expect(call.summary.timeToFirstTokenMs).toEqual(expect.any(Number));
  });

  it('messages.stream(): on(error) and finalMessage() get the same APIError; one error record', async () => {
    serve();
    const texts: string[] = [];
    const errors: unknown[] = [];
    const stream = anthropicClient().messages.stream(request);
    stream.on('text', (delta) => texts.push(delta));
    stream.on('error', (error) => errors.push(error));
    const rejection = await stream.finalMessage().then(() => undefined, (e: unknown) => e as Error);
    expect(texts).toEqual(['Hello']);
    expect(rejection).toBeInstanceOf(Anthropic.APIError);
    expect(errors).toEqual([rejection]);

    const calls = await t.calls();
    expect(calls.map((c) => c.opName)).toEqual([CREATE]);
    expectErrorRecord(calls[0]!, rejection!, undefined);
    expect((calls[0]!.output as MessageJson).content).toEqual([{ type: 'text', text: 'Hello' }]);
  });
});
