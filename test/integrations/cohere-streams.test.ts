/**
 * cohere-ai streams (issue 5): v1 chatStream / generateStream (newline-delimited JSON) and v2
 * chatStream (server-sent events) are observed in place. The app iterates the same events as
 * untraced; the record's output is the response the non-streaming method returns, with usage
 * from stream-end's meta (v1) or message-end's usage (v2). Every way a stream ends ends the
 * record: completion, early break, abort, in-band error events.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import { COHERE_TEST_KEY, cohereRequestOf, cohereV1, cohereV2, drain } from '../helpers/cohere.js';
import { traced, type Traced } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureFetch, fixtureHandlers, loadFixture, type ServeOptions, type WireFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

let t: Traced;
beforeEach(() => {
  t = traced({ implicitlyPatchIntegrations: true });
});

/** The fixture with another streamed body (same request, same headers). */
function withBody(fixture: WireFixture, bodyText: string): WireFixture {
  const [exchange] = fixture.exchanges;
  return { ...fixture, exchanges: [{ ...exchange!, response: { ...exchange!.response, bodyText } }] };
}

function serveTwice(fixture: WireFixture): void {
  server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
}

describe('read to the end: same events as untraced, output in the non-streaming shape', () => {
  it.each(['js-chat-v1-stream', 'py-chat-v1-stream'])('v1 chatStream (%s): output is stream-end\'s response, usage from its meta', async (name) => {
    const fixture = loadFixture(`cohere/${name}.json`);
    serveTwice(fixture);
    const request = cohereRequestOf(fixture);
    const events = await drain(await cohereV1().chatStream(request));
    const plain = await withTracingDisabled(async () => drain(await cohereV1().chatStream(request)));
    expect(events).toEqual(plain);

    const call = await t.one('cohere.chatStream');
    expect(call).toMatchObject({ kind: 'llm', status: 'success', exception: null });
    // the request as the app passed it: the SDK adds `stream: true` on the wire only
    expect(call.inputs).toEqual(request);
    const end = events.at(-1) as any;
    expect(end.eventType).toBe('stream-end');
    expect(call.output).toEqual(end.response);
    const text = events.filter((e: any) => e.eventType === 'text-generation').map((e: any) => e.text).join('');
    expect((call.output as any).text).toBe(text);
    const billed = end.response.meta.billedUnits;
    expect(call.summary.usage).toEqual({
      [request.model ?? 'unknown']: { requests: 1, inputTokens: billed.inputTokens, outputTokens: billed.outputTokens, totalTokens: billed.inputTokens + billed.outputTokens },
    });
    expect(call.summary.timeToFirstTokenMs).toEqual(expect.any(Number));
    expect(JSON.stringify(call)).not.toContain(COHERE_TEST_KEY);
  });

  it('v1 generateStream: output in generate()\'s shape (finish_reason, camelCase meta), usage 5 + 55', async () => {
    const fixture = loadFixture('cohere/js-generate-stream.json');
    serveTwice(fixture);
    const request = cohereRequestOf(fixture);
    const events = await drain(await cohereV1().generateStream(request));
    expect(events).toEqual(await withTracingDisabled(async () => drain(await cohereV1().generateStream(request))));
    const call = await t.one('cohere.generateStream');
    const text = events.filter((e: any) => e.eventType === 'text-generation').map((e: any) => e.text).join('');
    expect(call.output).toMatchObject({
      id: '1ce1192a-de25-4997-b880-9ff96d6ba2b4',
      prompt: 'What happened to Pluto?',
      generations: [{ text, finish_reason: 'COMPLETE' }],
      meta: { apiVersion: { version: '1' }, billedUnits: { inputTokens: 5, outputTokens: 55 } },
    });
    expect(call.summary.usage).toEqual({ 'command-light': { requests: 1, inputTokens: 5, outputTokens: 55, totalTokens: 60 } });
  });

  it('v2 chatStream (SSE): output is a V2ChatResponse, usage from message-end (7 billed + 109)', async () => {
    const fixture = loadFixture('cohere/py-chat-v2-stream.json');
    serveTwice(fixture);
    const request = cohereRequestOf(fixture);
    const events = await drain(await cohereV2().chatStream(request));
    expect(events).toEqual(await withTracingDisabled(async () => drain(await cohereV2().chatStream(request))));
    const call = await t.one('cohere.v2.chatStream');
    const text = events.filter((e: any) => e.type === 'content-delta').map((e: any) => e.delta.message.content.text).join('');
    expect(call.output).toEqual({
      id: '6cd6ce61-bb3b-46f6-907e-fcfab45e51b6',
      finishReason: 'COMPLETE',
      message: { role: 'assistant', content: [{ type: 'text', text }] },
      usage: { billedUnits: { inputTokens: 7, outputTokens: 109 }, tokens: { inputTokens: 69, outputTokens: 110 } },
    });
    expect(call.summary.usage).toEqual({ command: { requests: 1, inputTokens: 7, outputTokens: 109, totalTokens: 116 } });
    expect(call.summary.timeToFirstTokenMs).toEqual(expect.any(Number));
  });

  it('withRawResponse() on a stream: the data is the same stream, observed once', async () => {
    const fixture = loadFixture('cohere/py-chat-v2-stream.json');
    server.use(...fixtureHandlers(fixture));
    const { data, rawResponse } = await cohereV2().chatStream(cohereRequestOf(fixture)).withRawResponse();
    expect(rawResponse.headers.get('content-type')).toBe('text/event-stream');
    const events = await drain(data);
    const call = await t.one('cohere.v2.chatStream');
    expect(call.status).toBe('success');
    expect((call.output as any).message.content[0].text).toBe(events.filter((e: any) => e.type === 'content-delta').map((e: any) => e.delta.message.content.text).join(''));
  });
});

describe('a stream left early ends its record cancelled, with what was seen', () => {
  it('break after 4 events (v2): cancelled, partial text, one request and no token counts yet', async () => {
    const fixture = loadFixture('cohere/py-chat-v2-stream.json');
    const client = cohereV2({ fetch: fixtureFetch(fixture, { chunkSize: 200 }) });
    const seen: any[] = [];
    for await (const event of await client.chatStream(cohereRequestOf(fixture))) {
      seen.push(event);
      if (seen.length === 4) break;
    }
    const call = await t.one('cohere.v2.chatStream');
    expect(call.status).toBe('cancelled');
    expect(call.exception).toBeNull();
    expect(call.output).toEqual({ id: seen[0].id, message: { role: 'assistant', content: [{ type: 'text', text: 'Arrr' }] } });
    // the request was made; message-end (the token counts) never came
    expect(call.summary.usage).toEqual({ command: { requests: 1 } });
    expect(call.endedAt).not.toBeNull();
  });

  it('break (v1 chat NDJSON): cancelled', async () => {
    const fixture = loadFixture('cohere/py-chat-v1-stream.json');
    const client = cohereV1({ fetch: fixtureFetch(fixture) });
    for await (const event of await client.chatStream(cohereRequestOf(fixture))) if ((event as any).eventType === 'text-generation') break;
    const call = await t.one('cohere.chatStream');
    expect(call.status).toBe('cancelled');
  });

  const abortCases: Array<[string, ServeOptions]> = [['mid-stream', { chunkSize: 100, delayMs: 2 }]];
  it.each(abortCases)('abortSignal %s: the app sees the same error as untraced; the record ends cancelled', async (_label, serve) => {
    const fixture = loadFixture('cohere/py-chat-v2-stream.json');
    const run = async () => {
      const controller = new AbortController();
      const client = cohereV2({ fetch: fixtureFetch(fixture, serve) });
      const seen: unknown[] = [];
      const error = await (async () => {
        for await (const event of await client.chatStream(cohereRequestOf(fixture), { abortSignal: controller.signal })) {
          seen.push(event);
          if (seen.length === 3) controller.abort();
        }
      })().then(() => undefined, (e: unknown) => e);
      return { seen, error };
    };
    const plain = await withTracingDisabled(run);
    const traced = await run();
    expect(traced.seen.length).toBe(plain.seen.length);
    expect(String(traced.error)).toBe(String(plain.error));
    const call = await t.one('cohere.v2.chatStream');
    expect(call.status).toBe('cancelled');
    expect(call.exception).toBeNull();
    expect((call.output as any).id).toBe('6cd6ce61-bb3b-46f6-907e-fcfab45e51b6');
  });

  it('aborted before the response: the SDK\'s CohereError reaches the app; the record ends cancelled', async () => {
    const fixture = loadFixture('cohere/py-chat-v2.json');
    const run = async () => {
      const controller = new AbortController();
      const slowFetch: typeof fetch = (input, init) =>
        new Promise((resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
          setTimeout(() => resolve(fixtureFetch(fixture)(input, init)), 1000);
        });
      const pending = cohereV2({ fetch: slowFetch }).chat(cohereRequestOf(fixture), { abortSignal: controller.signal });
      setTimeout(() => controller.abort(), 5);
      return pending.then(() => undefined, (e: unknown) => e as Error);
    };
    const plain = await withTracingDisabled(run);
    const error = await run();
    expect(error!.constructor).toBe(plain!.constructor);
    expect(error!.message).toBe(plain!.message);
    expect(error!.message).toMatch(/^The user aborted a request/);
    const call = await t.one('cohere.v2.chat');
    expect(call.status).toBe('cancelled');
    expect(call.exception).toBeNull();
  });
});

describe('in-band errors end the record as error, usage recorded first', () => {
  it('v2 message-end with delta.error: error record with the partial message and its usage', async () => {
    const fixture = loadFixture('cohere/py-chat-v2-stream.json');
    const body = fixture.exchanges[0]!.response.bodyText!.replace(
      '"delta":{"finish_reason":"COMPLETE",',
      '"delta":{"finish_reason":"ERROR","error":"generation failed",',
    );
    const failing = withBody(fixture, body);
    server.use(...fixtureHandlers(failing), ...fixtureHandlers(failing));
    const events = await drain(await cohereV2().chatStream(cohereRequestOf(fixture)));
    expect(events).toEqual(await withTracingDisabled(async () => drain(await cohereV2().chatStream(cohereRequestOf(fixture)))));
    const call = await t.one('cohere.v2.chatStream');
    expect(call.status).toBe('error');
    expect(call.exception).toMatchObject({ type: 'CohereStreamError', message: 'generation failed' });
    expect(call.output).toMatchObject({ finishReason: 'ERROR', message: { role: 'assistant' } });
    expect(call.summary.usage).toEqual({ command: { requests: 1, inputTokens: 7, outputTokens: 109, totalTokens: 116 } });
  });

  it('v1 generate stream-error: error record', async () => {
    const fixture = loadFixture('cohere/js-generate-stream.json');
    const lines = fixture.exchanges[0]!.response.bodyText!.split('\n').filter((l) => l.includes('text-generation')).slice(0, 3);
    lines.push('{"is_finished":true,"event_type":"stream-error","finish_reason":"ERROR","err":"model overloaded"}');
    server.use(...fixtureHandlers(withBody(fixture, lines.join('\n') + '\n')));
    const events = await drain(await cohereV1().generateStream(cohereRequestOf(fixture)));
    expect(events.map((e: any) => e.eventType)).toEqual(['text-generation', 'text-generation', 'text-generation', 'stream-error']);
    const call = await t.one('cohere.generateStream');
    expect(call.status).toBe('error');
    expect(call.exception).toMatchObject({ type: 'CohereStreamError', message: 'model overloaded' });
    expect((call.output as any).generations[0].text).toBe(' Pluto was re');
  });
});
