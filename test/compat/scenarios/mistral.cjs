'use strict';
/**
 * @mistralai/mistralai scenarios for the SDK version matrix (1.x CommonJS, 2.x ESM only: a
 * CommonJS app reaches 2.x through require(esm)). Each takes the SDK module as the app loaded
 * it, talks to the in-memory service of test/helpers/fake-mistral.cjs, and returns what the
 * application received, in JSON form, for the parent to compare with the untraced baseline.
 */
const fake = require('../../helpers/fake-mistral.cjs');

const request = { model: 'mistral-tiny', messages: [{ role: 'user', content: 'Tell me a joke about OpenTelemetry' }] };

async function readAll(stream) {
  const reader = stream.getReader();
  const items = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return items;
    items.push(value);
  }
}

const scenarios = {
  complete: (sdk) => fake.fakeClient(sdk).chat.complete(request),

  async streamIterate(sdk) {
    const items = [];
    for await (const item of await fake.fakeClient(sdk).chat.stream(request)) items.push(item);
    return items;
  },

  streamReader: async (sdk) => readAll(await fake.fakeClient(sdk).chat.stream(request)),

  async streamTee(sdk) {
    const [a, b] = (await fake.fakeClient(sdk).chat.stream(request)).tee();
    const [left, right] = await Promise.all([readAll(a), readAll(b)]);
    return { left, same: JSON.stringify(left) === JSON.stringify(right) };
  },

  async streamBreak(sdk) {
    const items = [];
    for await (const item of await fake.fakeClient(sdk).chat.stream(request)) {
      items.push(item);
      if (items.length === 3) break;
    }
    return items;
  },

  embeddings: (sdk) => fake.fakeClient(sdk).embeddings.create({ model: 'mistral-embed', inputs: 'Tell me a joke about OpenTelemetry' }),

  fimComplete: (sdk) => fake.fakeClient(sdk).fim.complete({ model: 'codestral-latest', prompt: 'def add(a, b):' }),

  agentsComplete: (sdk) => fake.fakeClient(sdk).agents.complete({ agentId: 'ag_compat', messages: request.messages }),

  async validationError(sdk) {
    try {
      await fake.fakeClient(sdk).chat.complete({ ...request, model: 'invalid' });
      return { resolved: true };
    } catch (error) {
      return { name: error.constructor.name, statusCode: error.statusCode };
    }
  },
};

module.exports = { packageName: '@mistralai/mistralai', scenarios };
