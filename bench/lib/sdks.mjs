/**
 * The SDKs the call bench measures, each as: its package, tracewire's explicit wrapper for it,
 * the recorded bodies of one plain and one streamed chat (a stream of any length, built by
 * cycling the recorded deltas), a client factory taking an in-memory fetch, and how one plain
 * call and one stream are made, and how many plain calls make a round (the slower SDKs get
 * fewer, to keep the bench short). Every client has retries off.
 */
import { cycleEvents, encodeSse, jsonBody, sseEvents, wireExchange } from './fake-wire.mjs';
import { chatBasic, chatStream } from './fake-openai.mjs';

/** A recorded streamed exchange cut to `count` events; `text` picks an event's text delta. */
function recordedStream(exchange, count, { head, tail, skip, done, text, request }) {
  const events = cycleEvents(sseEvents(exchange.response.bodyText, { skip }), count, { head, tail });
  return {
    request,
    pieces: encodeSse(events, { done }),
    headers: exchange.response.headers,
    expectedText: events.map((e) => text(e) ?? '').join(''),
  };
}

/** A recorded request body without its `stream` flag (the stream methods of Cohere and Mistral set it). */
const withoutStream = ({ stream, ...body }) => body;

export const SDKS = {
  openai: {
    package: 'openai',
    wrap: 'wrapOpenAI',
    plainCalls: 500,
    plain: chatBasic,
    stream: chatStream,
    async clientFactory() {
      const { default: OpenAI } = await import('openai');
      return (fetch) => new OpenAI({ apiKey: 'sk-bench', fetch, maxRetries: 0 });
    },
    callPlain: async (client, request) => (await client.chat.completions.create(request)).choices[0].message.content.length,
    streamOf: (client, request) => client.chat.completions.create(request),
  },

  anthropic: {
    package: '@anthropic-ai/sdk',
    wrap: 'wrapAnthropic',
    plainCalls: 500,
    plain() {
      const exchange = wireExchange('anthropic', 'js-messages-basic.json');
      return { request: exchange.request.body, ...jsonBody(exchange) };
    },
    /** message_start, content_block_start, text deltas, content_block_stop, message_delta, message_stop (pings left out). */
    stream(count) {
      const exchange = wireExchange('anthropic', 'js-messages-stream.json');
      return recordedStream(exchange, count, {
        head: 2,
        tail: 3,
        skip: ['ping'],
        text: ({ data }) => (data.type === 'content_block_delta' ? data.delta.text : undefined),
        request: { ...exchange.request.body, stream: true },
      });
    },
    async clientFactory() {
      const { default: Anthropic } = await import('@anthropic-ai/sdk');
      return (fetch) => new Anthropic({ apiKey: 'sk-ant-bench', fetch, maxRetries: 0 });
    },
    callPlain: async (client, request) => (await client.messages.create(request)).content[0].text.length,
    streamOf: (client, request) => client.messages.create(request),
  },

  cohere: {
    package: 'cohere-ai',
    wrap: 'wrapCohere',
    plainCalls: 400,
    plain() {
      const exchange = wireExchange('cohere', 'py-chat-v2.json');
      return { request: withoutStream(exchange.request.body), ...jsonBody(exchange) };
    },
    /** message-start, content-start, content deltas, content-end, message-end, then [DONE]. */
    stream(count) {
      const exchange = wireExchange('cohere', 'py-chat-v2-stream.json');
      return recordedStream(exchange, count, {
        head: 2,
        tail: 2,
        done: '[DONE]',
        text: ({ data }) => (data.type === 'content-delta' ? data.delta.message.content.text : undefined),
        request: withoutStream(exchange.request.body),
      });
    },
    async clientFactory() {
      const { CohereClientV2 } = await import('cohere-ai');
      return (fetch) => new CohereClientV2({ token: 'co-bench', fetch, maxRetries: 0 });
    },
    callPlain: async (client, request) => (await client.chat(request)).message.content[0].text.length,
    streamOf: (client, request) => client.chatStream(request),
  },

  mistral: {
    package: '@mistralai/mistralai',
    wrap: 'wrapMistral',
    plainCalls: 400,
    plain() {
      const exchange = wireExchange('mistral', 'py-chat-2.json');
      return { request: withoutStream(exchange.request.body), ...jsonBody(exchange) };
    },
    /** The role chunk, content chunks, the finish_reason + usage chunk, then [DONE]. */
    stream(count) {
      const exchange = wireExchange('mistral', 'py-chat-stream.json');
      return recordedStream(exchange, count, {
        head: 1,
        tail: 1,
        done: '[DONE]',
        text: ({ data }) => data.choices[0]?.delta?.content,
        request: withoutStream(exchange.request.body),
      });
    },
    async clientFactory() {
      const { HTTPClient, Mistral } = await import('@mistralai/mistralai');
      return (fetcher) => new Mistral({ apiKey: 'mk-bench', httpClient: new HTTPClient({ fetcher }), retryConfig: { strategy: 'none' } });
    },
    callPlain: async (client, request) => (await client.chat.complete(request)).choices[0].message.content.length,
    streamOf: (client, request) => client.chat.stream(request),
  },
};
