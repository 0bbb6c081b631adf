import { setupServer } from 'msw/node';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletionsReducer, responsesReducer } from '../../integrations/openai/reducers.js';
import { parseSse, sseJson } from '../helpers/sse.js';
import { fixtureHandlers, loadFixture, urlPattern } from '../helpers/wire.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(baseURL = 'http://wire.test:4010/v1') {
  return new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 });
}

describe('parseSse', () => {
  it('handles CRLF, comments, named events and multi-line data', () => {
    const events = parseSse(': keep-alive\r\nevent: a\r\ndata: {"x":\r\ndata: 1}\r\n\r\ndata: [DONE]\n\n');
    expect(events).toEqual([{ event: 'a', id: undefined, data: '{"x":\n1}' }, { event: undefined, id: undefined, data: '[DONE]' }]);
    expect(sseJson('data: {"a":1}\n\ndata: [DONE]\n\n')).toEqual([{ a: 1 }]);
  });
});

describe('fixtureHandlers', () => {
  it('matches any host, path prefix and Azure deployment', () => {
    const pattern = urlPattern('https://api.openai.com/v1/chat/completions');
    expect(pattern.test('http://localhost:1234/openai/v1/chat/completions')).toBe(true);
    expect(pattern.test('https://api.openai.com/v1/completions')).toBe(false);
    const azure = urlPattern('https://x.openai.azure.com/openai/deployments/dep/chat/completions?api-version=1');
    expect(azure.test('https://y.openai.azure.com/openai/deployments/other/chat/completions')).toBe(true);
  });

  it('streams a recorded chat stream to the real SDK, chunk for chunk', async () => {
    const fixture = loadFixture('openai/js-chat-stream.json');
    server.use(...fixtureHandlers(fixture, { chunkSize: 50 }));
    const stream = await client().chat.completions.create({ model: 'gpt-3.5-turbo', messages: [], stream: true });
    const received: unknown[] = [];
    for await (const chunk of stream) received.push(chunk);
    expect(received).toEqual(sseJson(fixture.exchanges[0]!.response.bodyText!));
    const reducer = chatCompletionsReducer();
    const state = reducer.init();
    for (const chunk of received) reducer.add(state, chunk);
    expect((reducer.finish(state) as any).choices[0].message.content).toMatch(/^Why did the OpenTelemetry developer go broke\?/);
  });

  it('serves the Responses event stream to the SDK', async () => {
    server.use(...fixtureHandlers(loadFixture('openai/py-responses-stream-2025.json')));
    const stream = await client().responses.create({ model: 'gpt-4.1-nano', input: 'x', stream: true });
    const reducer = responsesReducer();
    const state = reducer.init();
    for await (const event of stream) reducer.add(state, event);
    expect((reducer.finish(state) as any).output_text).toMatch(/^Once upon a time/);
  });

  it('serves multi-exchange fixtures in order, with status and headers', async () => {
    server.use(...fixtureHandlers(loadFixture('openai/py-chat-prompt-caching.json')));
    const c = client('https://other.example/v1');
    const first = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).withResponse();
    const second = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [] });
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('content-type')).toContain('application/json');
    expect(first.data.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(1024);
  });

  it('serves an Azure recording to an AzureOpenAI client with another deployment', async () => {
    server.use(...fixtureHandlers(loadFixture('openai/py-azure-chat.json')));
    const azure = new AzureOpenAI({ apiKey: 'k', endpoint: 'https://mine.openai.azure.com', apiVersion: '2024-10-21', deployment: 'mine', maxRetries: 0 });
    const result = await azure.chat.completions.create({ model: 'mine', messages: [] });
    expect(result.model).toBe('gpt-4.1-mini-2025-04-14');
  });
});
