/**
 * Streams the app lets go of without finishing (SPEC §5: every record ends): never read and
 * never aborted, or read partly and dropped without `return()`. Their record ends `cancelled`,
 * with the output so far, when the stream is garbage-collected or at process exit, whichever
 * comes first (src/patching/abandoned.ts). The same engine path serves OpenAI's `Stream`.
 *
 * Collection is forced with V8's `gc`, exposed at run time (no Node flag needed); the exit path
 * runs the exit tasks as the process-exit handler does.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { runExitTasks } from '../../src/export/exit-tasks.js';
import type { Call } from '../../src/types.js';
import { ANTHROPIC_TEST_KEY, deltaText, recordedEvents, requestOf, type MessageJson } from '../helpers/anthropic.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection } from '../helpers/msw.js';
import { fixtureFetch, loadFixture } from '../helpers/wire.js';

failOnUnhandledRejection();

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CREATE = 'anthropic.messages.create';
const t = tracedPerTest({ implicitlyPatchIntegrations: true });

const fixture = loadFixture('anthropic/js-messages-stream.json');
const body = requestOf<Anthropic.MessageCreateParamsStreaming>(fixture);
const events = recordedEvents(fixture);
/** No msw: it keeps a clone of every mocked body, and with it what reads them. */
const client = () => new Anthropic({ apiKey: ANTHROPIC_TEST_KEY, maxRetries: 0, fetch: fixtureFetch(fixture) });

/** The record of the one call, once it has ended (only ended calls are exported; polled while collecting garbage). */
async function endedCall(opName: string, collect: boolean): Promise<Call> {
  let call: Call | undefined;
  await expect
    .poll(
      async () => {
        if (collect) gc();
        call = (await t.calls()).find((c) => c.opName === opName);
        return call?.status;
      },
      { timeout: 10_000, interval: 20 },
    )
    .toBeDefined();
  return call!;
}

describe('a stream nobody reads or aborts', () => {
  it('collected: cancelled, with what was seen (nothing)', async () => {
    await (async () => {
      await client().messages.create(body);
    })();
    const call = await endedCall(CREATE, true);
    expect(call.status).toBe('cancelled');
    expect(call.output).toEqual({ type: 'message', role: 'assistant', content: [] });
  });

  it('still held at process exit: cancelled by the exit task', async () => {
    const stream = await client().messages.create(body);
    expect(await t.calls()).toEqual([]);
    runExitTasks();
    const call = await endedCall(CREATE, false);
    expect(call.status).toBe('cancelled');
    // the app may still read it: what it gets is unchanged
    const received: unknown[] = [];
    for await (const event of stream) received.push(event);
    expect(received).toEqual(events);
    expect((await t.calls()).map((c) => c.status)).toEqual(['cancelled']);
  });
});

describe('a stream read partly, then dropped without return()', () => {
  it('stream and iterator collected: cancelled with the message so far', async () => {
    await (async () => {
      const iterator = (await client().messages.create(body))[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toEqual(events[0]);
      expect((await iterator.next()).value).toEqual(events[1]);
    })();
    const call = await endedCall(CREATE, true);
    expect(call.status).toBe('cancelled');
    const { content: _content, ...started } = events[0]!.message;
    expect(call.output).toEqual({ ...started, content: [{ type: 'text', text: '' }] });
    expect(call.summary.usage?.['claude-3-opus-20240229']).toMatchObject({ inputTokens: 17, outputTokens: 1 });
  });

  it('the stream object collected while the app still reads through its iterator: the record stays open, then succeeds', async () => {
    const iterator = await (async () => (await client().messages.create(body))[Symbol.asyncIterator]())();
    await iterator.next();
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await t.calls()).toEqual([]);
    const received: unknown[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) received.push(next.value);
    expect(received).toEqual(events.slice(1));
    const call = await endedCall(CREATE, false);
    expect(call.status).toBe('success');
    expect(((call.output as MessageJson).content as MessageJson[])[0]!.text).toBe(deltaText(events));
  });

  it('at process exit: cancelled with the message so far', async () => {
    const stream = await client().messages.create(body);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    runExitTasks();
    const call = await endedCall(CREATE, false);
    expect(call.status).toBe('cancelled');
    expect(call.output).toMatchObject({ id: events[0]!.message.id, content: [] });
  });
});

it('OpenAI\'s Stream (the same engine path): a dropped unread stream ends cancelled', async () => {
  const chat = loadFixture('openai/js-chat-stream.json');
  const openai = new OpenAI({ apiKey: 'sk-test', maxRetries: 0, fetch: fixtureFetch(chat) });
  await (async () => {
    await openai.chat.completions.create(chat.exchanges[0]!.request.body as OpenAI.Chat.ChatCompletionCreateParamsStreaming);
  })();
  const call = await endedCall('openai.chat.completions.create', true);
  expect(call.status).toBe('cancelled');
});
