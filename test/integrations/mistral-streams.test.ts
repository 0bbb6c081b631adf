/**
 * Mistral streams (issue 5): `stream()` resolves to an EventStream, a ReadableStream of
 * `{ data: chunk }`. However the app consumes it (for await, getReader(), tee(), pipeThrough,
 * cancel), it gets the same items as untraced, and the record ends exactly once: success with
 * the response rebuilt in chat.complete's shape and the usage of the last chunk, cancelled
 * when left early, error when the body fails.
 */
import { HTTPClient } from '@mistralai/mistralai';
import { beforeEach, describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import { traced, type Traced } from '../helpers/collect.js';
import { drain, fixtureMistral, MISTRAL_TEST_KEY, mistralClient, mistralRequestOf, readAll, streamedText } from '../helpers/mistral.js';
import { failingBody, failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { loadFixture, type ServeOptions } from '../helpers/wire.js';

useMswServer();
failOnUnhandledRejection();

let t: Traced;
beforeEach(() => {
  t = traced({ implicitlyPatchIntegrations: true });
});

const fixture = loadFixture('mistral/py-chat-stream.json');
const request = mistralRequestOf(fixture);
const CHUNKS = 81;
const USAGE = { 'mistral-tiny': { requests: 1, inputTokens: 11, outputTokens: 80, totalTokens: 91 } };

type Stream = Awaited<ReturnType<ReturnType<typeof fixtureMistral>['chat']['stream']>>;
type Consumer = (stream: Stream) => Promise<unknown[]>;

/** Runs the consumer on a traced stream and on an untraced one: both must see the same items. */
async function consume(consumer: Consumer, serve: ServeOptions = {}): Promise<{ items: unknown[]; call: Call }> {
  const items = await consumer(await fixtureMistral(fixture, serve).chat.stream(request));
  const plain = await withTracingDisabled(async () => consumer(await fixtureMistral(fixture, serve).chat.stream(request)));
  expect(items).toEqual(plain);
  return { items, call: await t.one('mistral.chat.stream') };
}

function expectComplete(call: Call, items: unknown[]): void {
  expect(call).toMatchObject({ kind: 'llm', status: 'success', exception: null });
  expect(call.inputs).toEqual(request);
  const output = call.output as any;
  expect(output).toMatchObject({ id: '6dc321029f5d4aa5899c1b38c9657a61', model: 'mistral-tiny', object: 'chat.completion' });
  // shaped as chat.complete returns it (a message with no tool calls has `toolCalls: null` there)
  expect(output.choices).toEqual([{ index: 0, message: { role: 'assistant', content: streamedText(items as any), toolCalls: null }, finishReason: 'stop' }]);
  expect(call.summary.usage).toEqual(USAGE);
  expect(call.summary.timeToFirstTokenMs).toEqual(expect.any(Number));
  expect(JSON.stringify(call)).not.toContain(MISTRAL_TEST_KEY);
}

describe('read to the end, any way: success, rebuilt output, usage from the last chunk', () => {
  it('for await', async () => {
    const { items, call } = await consume(drain);
    expect(items).toHaveLength(CHUNKS);
    expectComplete(call, items);
  });

  it('getReader()', async () => {
    const { items, call } = await consume((stream) => readAll(stream));
    expect(items).toHaveLength(CHUNKS);
    expectComplete(call, items);
  });

  it('tee(), both branches to the end: one record, each chunk counted once', async () => {
    const { items, call } = await consume(async (stream) => {
      const [a, b] = stream.tee();
      const [left, right] = await Promise.all([drain(a), readAll(b)]);
      expect(left).toEqual(right);
      return left;
    });
    expect(items).toHaveLength(CHUNKS);
    expectComplete(call, items);
  });

  it('tee(), one branch to the end, the other cancelled: success', async () => {
    const { items, call } = await consume(async (stream) => {
      const [a, b] = stream.tee();
      // A branch's cancel() settles only once the other branch is done too (Streams spec).
      const cancelled = b.cancel();
      const items = await drain(a);
      await cancelled;
      return items;
    });
    expect(items).toHaveLength(CHUNKS);
    expectComplete(call, items);
  });

  it('pipeThrough(TransformStream)', async () => {
    const { items, call } = await consume((stream) => readAll(stream.pipeThrough(new TransformStream())));
    expectComplete(call, items);
  });

  it('the stream is an EventStream and a ReadableStream, as untraced', async () => {
    const stream = await fixtureMistral(fixture).chat.stream(request);
    const plain = await withTracingDisabled(() => fixtureMistral(fixture).chat.stream(request));
    expect(Object.getPrototypeOf(stream)).toBe(Object.getPrototypeOf(plain));
    expect(stream).toBeInstanceOf(ReadableStream);
    expect(stream.constructor.name).toBe('EventStream');
    await Promise.all([stream.cancel(), plain.cancel()]);
  });
});

describe('several streams at once: each record is its own stream\'s', () => {
  const other = loadFixture('mistral/py-chat-stream-2.json');
  const slow: ServeOptions = { chunkSize: 200, delayMs: 1 };

  it('two traced streams started together and read interleaved, plus an untraced one built meanwhile', async () => {
    const first = fixtureMistral(fixture, slow).chat.stream(request);
    const second = fixtureMistral(other, slow).chat.stream(mistralRequestOf(other));
    // Built while both traced calls wait for their streams: it must stay out of their records.
    const untraced = withTracingDisabled(() => fixtureMistral(other, slow).chat.stream(mistralRequestOf(other)));
    const [a, b, c] = await Promise.all([first, second, untraced]);
    const readerA = a.getReader();
    const itemsA: unknown[] = [];
    const itemsB: unknown[] = [];
    const iteratorB = b[Symbol.asyncIterator]();
    for (let done = 0; done < 2;) {
      done = 0;
      const stepA = await readerA.read();
      if (stepA.done) done++;
      else itemsA.push(stepA.value);
      const stepB = await iteratorB.next();
      if (stepB.done) done++;
      else itemsB.push(stepB.value);
    }
    const itemsC = await readAll(c);
    const calls = (await t.calls()).filter((call) => call.opName === 'mistral.chat.stream');
    expect(calls).toHaveLength(2);
    const byText = new Map(calls.map((call) => [(call.output as any).choices[0].message.content, call]));
    expect(itemsA).toHaveLength(CHUNKS);
    expectComplete(byText.get(streamedText(itemsA as any))!, itemsA);
    const callB = byText.get(streamedText(itemsB as any))!;
    expect(callB).toMatchObject({ status: 'success', inputs: mistralRequestOf(other) });
    expect(streamedText(itemsC as any)).toBe(streamedText(itemsB as any));
    expect(streamedText(itemsA as any)).not.toBe(streamedText(itemsB as any));
  });
});

describe('left early: cancelled, with what was read', () => {
  const slow: ServeOptions = { chunkSize: 300, delayMs: 1 };

  function expectCancelled(call: Call, items: unknown[]): void {
    expect(call.status).toBe('cancelled');
    expect(call.exception).toBeNull();
    expect(call.endedAt).not.toBeNull();
    const output = call.output as any;
    // the stream buffers ahead of the app: the record has at least what the app read
    expect(output.choices[0].message.content.startsWith(streamedText(items as any))).toBe(true);
    expect(call.summary.usage).toEqual({ 'mistral-tiny': { requests: 1 } });
  }

  it('break after 5 chunks', async () => {
    const { items, call } = await consume(async (stream) => {
      const seen: unknown[] = [];
      for await (const item of stream) {
        seen.push(item);
        if (seen.length === 5) break;
      }
      return seen;
    }, slow);
    expect(items).toHaveLength(5);
    expectCancelled(call, items);
  });

  it('getReader(), 2 reads, reader.cancel()', async () => {
    const { items, call } = await consume(async (stream) => {
      const reader = stream.getReader();
      const seen = [(await reader.read()).value, (await reader.read()).value];
      await reader.cancel();
      return seen;
    }, slow);
    expectCancelled(call, items);
  });

  it('tee(), both branches cancelled after one read', async () => {
    const { call } = await consume(async (stream) => {
      const [a, b] = stream.tee();
      const reader = a.getReader();
      const first = (await reader.read()).value;
      await Promise.all([reader.cancel(), b.cancel()]);
      return [first];
    }, slow);
    expect(call.status).toBe('cancelled');
  });

  it('stream.cancel() before reading anything', async () => {
    const { items, call } = await consume(async (stream) => {
      await stream.cancel();
      return [];
    }, slow);
    expect(items).toEqual([]);
    expect(call.status).toBe('cancelled');
  });

  it('a stream never read ends cancelled at process exit', async () => {
    const stream = await fixtureMistral(fixture, slow).chat.stream(request);
    const { runExitTasks } = await import('../../src/export/exit-tasks.js');
    runExitTasks();
    const call = await t.one('mistral.chat.stream');
    expect(call.status).toBe('cancelled');
    expect(call.endedAt).not.toBeNull();
    await stream.cancel();
  });

  it('the request signal aborted mid-stream: same error for the app; cancelled', async () => {
    const run = async () => {
      const controller = new AbortController();
      const stream = await fixtureMistral(fixture, slow).chat.stream(request, { fetchOptions: { signal: controller.signal } });
      const seen: unknown[] = [];
      const error = await (async () => {
        for await (const item of stream) {
          seen.push(item);
          if (seen.length === 3) controller.abort();
        }
      })().then(() => undefined, (e: unknown) => e as Error);
      return { seen, error };
    };
    const plain = await withTracingDisabled(run);
    const got = await run();
    expect(got.error?.name).toBe(plain.error?.name);
    expect(got.error?.name).toBe('AbortError');
    const call = await t.one('mistral.chat.stream');
    expect(call.status).toBe('cancelled');
    expect((call.output as any).id).toBe('6dc321029f5d4aa5899c1b38c9657a61');
  });
});

it('the body fails mid-stream: the app gets the same error; error record with the partial output', async () => {
  // The recorded body cut short, then the connection drops.
  const head = fixture.exchanges[0]!.response.bodyText!.slice(0, 1500);
  const client = () =>
    mistralClient({ httpClient: new HTTPClient({ fetcher: async () => new Response(failingBody(head), { headers: { 'content-type': 'text/event-stream' } }) }) });
  const read = async () => {
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const item of await client().chat.stream(request)) seen.push(item);
    })().then(() => undefined, (e: unknown) => e as Error);
    return { seen, error: error! };
  };
  const plain = await withTracingDisabled(read);
  const got = await read();
  expect(got.seen).toEqual(plain.seen);
  expect(got.seen.length).toBeGreaterThan(2);
  expect(got.error.message).toBe(plain.error.message);
  const call = await t.one('mistral.chat.stream');
  expect(call.status).toBe('error');
  expect(call.exception).toMatchObject({ type: got.error.constructor.name, message: 'connection reset' });
  expect((call.output as any).choices[0].message.content).toBe(streamedText(got.seen as any));
});

describe('fim.stream and agents.stream: the same stream shape, their own op names', () => {
  const body = fixture.exchanges[0]!.response;
  const served = (path: string) => ({ ...fixture, exchanges: [{ request: { ...fixture.exchanges[0]!.request, url: `https://api.mistral.ai${path}` }, response: body }] });

  it.each([
    ['fim', 'mistral.fim.stream', '/v1/fim/completions', { model: 'codestral-latest', prompt: 'def add(a, b):' }],
    ['agents', 'mistral.agents.stream', '/v1/agents/completions', { agentId: 'ag_123', messages: [{ role: 'user', content: 'hi' }] }],
  ] as const)('%s.stream, read with getReader()', async (resource, opName, path, input) => {
    const client = fixtureMistral(served(path));
    const stream = await (client[resource] as any).stream(input);
    const items = await readAll(stream);
    expect(items).toHaveLength(CHUNKS);
    const call = await t.one(opName);
    expect(call).toMatchObject({ kind: 'llm', status: 'success', inputs: input });
    expect((call.output as any).choices[0].message.content).toBe(streamedText(items as any));
    expect(call.summary.usage).toEqual(USAGE);
  });
});
