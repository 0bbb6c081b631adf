'use strict';
/**
 * cohere-ai scenarios for the SDK version matrix. Each takes the SDK module as the app loaded it
 * (CommonJS exports or the ESM namespace of the CommonJS package), talks to the in-memory
 * service of test/helpers/fake-cohere.cjs, and returns what the application received, in JSON
 * form, for the parent to compare with the untraced baseline and with what the service sent.
 * Models are ones with bundled prices (a run must print no tracewire warning), which is why
 * rerank (priced per search unit, which the price data lacks) is left to test/integrations.
 */
const fake = require('../../helpers/fake-cohere.cjs');

const v1 = (sdk) => fake.fakeClient(sdk);
const v2 = (sdk) => fake.fakeClient(sdk, { v2: true });

const v2ChatRequest = { model: 'command-r', messages: [{ role: 'user', content: 'Tell me a joke, pirate style' }] };

async function collect(stream, limit = Infinity) {
  const events = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length === limit) break;
  }
  return events;
}

const scenarios = {
  v1Chat: (sdk) => v1(sdk).chat({ message: 'What year was he born?', model: 'command-r' }),

  v1ChatStream: async (sdk) => collect(await v1(sdk).chatStream({ message: 'Tell me a joke, pirate style', model: 'command-r' })),

  v1Generate: (sdk) => v1(sdk).generate({ prompt: 'What happened to Pluto?', model: 'command-light' }),

  v2Chat: (sdk) => v2(sdk).chat(v2ChatRequest),

  v2ChatStream: async (sdk) => collect(await v2(sdk).chatStream(v2ChatRequest)),

  v2ChatStreamBreak: async (sdk) => collect(await v2(sdk).chatStream(v2ChatRequest), 4),

  v2Embed: (sdk) => v2(sdk).embed({ model: 'embed-v4.0', texts: ['Carson City'], inputType: 'search_document', embeddingTypes: ['float'] }),

  async v2WithRawResponse(sdk) {
    const { data, rawResponse } = await v2(sdk).chat(v2ChatRequest).withRawResponse();
    return { data, status: rawResponse.status };
  },

  async tooManyRequests(sdk) {
    try {
      await v2(sdk).chat({ ...v2ChatRequest, model: 'overloaded' });
      return { resolved: true };
    } catch (error) {
      return { name: error.constructor.name, statusCode: error.statusCode, body: error.body, isCohereError: error instanceof fake.exportsOf(sdk).CohereError };
    }
  },
};

module.exports = { packageName: 'cohere-ai', scenarios };
