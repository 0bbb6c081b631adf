'use strict';
/**
 * openai scenarios for the SDK version matrix. Each takes the SDK module as the app loaded it
 * (CommonJS exports or ESM namespace), talks to the in-memory service, and returns what the
 * application received, in JSON form, for the parent to compare with what the service sent.
 */
const fake = require('../../helpers/fake-openai.cjs');

const messages = [{ role: 'user', content: 'Say hello' }];

function chat(sdk, extra = {}) {
  return fake.fakeClient(sdk).chat.completions.create({ model: 'gpt-4o-mini', messages, ...extra });
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const scenarios = {
  chat: (sdk) => chat(sdk),

  async streamBreak(sdk) {
    const chunks = [];
    for await (const chunk of await chat(sdk, { stream: true })) {
      chunks.push(chunk);
      if (chunks.length === 2) break;
    }
    return chunks;
  },

  async rateLimit(sdk) {
    try {
      await chat(sdk, { model: 'rate-limited' });
      return { resolved: true };
    } catch (error) {
      const OpenAI = fake.openaiClass(sdk);
      return {
        name: error.constructor.name,
        status: error.status,
        error: error.error,
        isRateLimitError: error instanceof OpenAI.RateLimitError,
      };
    }
  },

  responses: (sdk) => fake.fakeClient(sdk).responses.create({ model: 'gpt-4o-mini', input: 'Say hi' }),

  embeddings: (sdk) => fake.fakeClient(sdk).embeddings.create({ model: 'text-embedding-3-small', input: 'hello' }),

  async withResponse(sdk) {
    const { data, response } = await chat(sdk).withResponse();
    return { data, status: response.status, requestId: response.headers.get('x-request-id') !== null };
  },

  async tee(sdk) {
    const [left, right] = (await chat(sdk, { stream: true })).tee();
    const first = await readAll(left);
    const second = await readAll(right);
    return { first, second };
  },
};

module.exports = { packageName: 'openai', scenarios };
