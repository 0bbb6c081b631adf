import { http, HttpResponse } from 'msw';
import OpenAI, { APIPromise } from 'openai';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { wrapOpenAI } from '../../src/index.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { openaiClient, TEST_KEY } from '../helpers/openai.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

describe('openai chat.completions.create, not streamed', () => {
  it('records the request body, the response, usage keyed by the reported model, and integration facts', async () => {
    const fixture = loadFixture('openai/js-chat-basic.json');
    server.use(...fixtureHandlers(fixture));
    const request = fixture.exchanges[0]!.request.body as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    const response = await openaiClient().chat.completions.create(request);
    expect(response).toEqual(fixture.exchanges[0]!.response.body);
    const call = await t.one('openai.chat.completions.create');
    expect(call.kind).toBe('llm');
    expect(call.status).toBe('success');
    expect(call.inputs).toEqual(request);
    expect(call.output).toEqual(response);
    expect(call.attributes).toMatchObject({
      integration: { name: 'openai', version: expect.stringMatching(/^\d+\.\d+\.\d+/) },
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
    });
    const usage = (fixture.exchanges[0]!.response.body as { usage: Record<string, number>; model: string });
    expect(call.summary.usage).toEqual({
      [usage.model]: expect.objectContaining({
        requests: 1,
        inputTokens: usage.usage.prompt_tokens,
        outputTokens: usage.usage.completion_tokens,
        totalTokens: usage.usage.total_tokens,
      }),
    });
    expect(JSON.stringify(call)).not.toContain(TEST_KEY);
  });

  it('hands back the SDK APIPromise itself: withResponse() and asResponse() keep working', async () => {
    const fixture = loadFixture('openai/js-chat-basic.json');
    const body = fixture.exchanges[0]!.request.body as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const client = openaiClient();
    const promise = client.chat.completions.create(body);
    expect(promise).toBeInstanceOf(APIPromise);
    const { data, response } = await promise.withResponse();
    expect(response.status).toBe(200);
    expect(data.id).toBe((fixture.exchanges[0]!.response.body as { id: string }).id);

    const raw = await client.chat.completions.create(body).asResponse();
    const text = await raw.text();
    expect(JSON.parse(text).id).toBe(data.id);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const calls = (await t.calls()).filter((c) => c.opName === 'openai.chat.completions.create');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.status)).toEqual(['success', 'success']);
    expect(calls[0]!.output).toMatchObject({ id: data.id });
  });

  it('a response nobody reads still ends its record (at exit or when the promise is collected)', async () => {
    const fixture = loadFixture('openai/js-chat-basic.json');
    server.use(...fixtureHandlers(fixture));
    let seen = false;
    server.events.on('response:mocked', () => (seen = true));
    void openaiClient().chat.completions.create(fixture.exchanges[0]!.request.body as never);
    await expect.poll(() => seen).toBe(true);
    const { runExitTasks } = await import('../../src/export/exit-tasks.js');
    runExitTasks();
    const call = await t.one('openai.chat.completions.create');
    expect(call.status).toBe('success');
    expect(call.output).toBeNull();
  });
});

describe('wrapOpenAI', () => {
  it('returns the same client with its type, and a client both wrapped and patched records once', async () => {
    const fixture = loadFixture('openai/js-chat-basic.json');
    server.use(...fixtureHandlers(fixture));
    const client = openaiClient();
    const wrapped = wrapOpenAI(client);
    expect(wrapped).toBe(client);
    expectTypeOf(wrapped).toEqualTypeOf<OpenAI>();
    await wrapped.chat.completions.create(fixture.exchanges[0]!.request.body as never);
    expect((await t.calls()).filter((c) => c.opName === 'openai.chat.completions.create')).toHaveLength(1);
  });
});
