'use strict';
/**
 * @anthropic-ai/sdk scenarios for the SDK version matrix. Each takes the SDK module as the app
 * loaded it (CommonJS exports or ESM namespace), talks to the in-memory service of
 * test/helpers/fake-anthropic.cjs, and returns what the application received, in JSON form,
 * for the parent to compare with the untraced baseline and with what the service sent.
 */
const fake = require('../../helpers/fake-anthropic.cjs');

const messages = (sdk) => fake.fakeClient(sdk).messages;

const scenarios = {
  create: (sdk) => messages(sdk).create(fake.request),

  async streamBreak(sdk) {
    const events = [];
    for await (const event of await messages(sdk).create({ ...fake.request, stream: true })) {
      events.push(event);
      if (events.length === 2) break;
    }
    return events;
  },

  async streamHelper(sdk) {
    const stream = messages(sdk).stream(fake.request);
    const final = await stream.finalMessage();
    return { final, text: await stream.finalText() };
  },

  // 1.x runs a streamed toolRunner over a message thread, which builds its own Stream from the
  // raw response of the traced create; 0.x streams each turn through create itself.
  async toolRunnerStream(sdk) {
    const tool = { type: 'custom', name: 'unused', description: 'Never called', input_schema: { type: 'object', properties: {} }, run: () => 'unused', parse: (input) => input };
    const runner = fake.fakeClient(sdk).beta.messages.toolRunner({ ...fake.request, tools: [tool], stream: true });
    const finals = [];
    for await (const turn of runner) {
      const { parsed_output: _parsed, ...final } = await turn.finalMessage();
      finals.push(final);
    }
    return finals;
  },

  countTokens: (sdk) => messages(sdk).countTokens({ model: fake.request.model, messages: fake.request.messages }),

  beta: (sdk) => fake.fakeClient(sdk).beta.messages.create(fake.request),

  async overloaded(sdk) {
    try {
      await messages(sdk).create({ ...fake.request, model: 'overloaded' });
      return { resolved: true };
    } catch (error) {
      const Anthropic = fake.anthropicClass(sdk);
      return {
        name: error.constructor.name,
        status: error.status,
        error: error.error,
        isAPIError: error instanceof Anthropic.APIError,
        isInternalServerError: error instanceof Anthropic.InternalServerError,
        // 1.x only: the class of a 529
        isOverloadedError: typeof Anthropic.OverloadedError === 'function' && error instanceof Anthropic.OverloadedError,
      };
    }
  },

  async withResponse(sdk) {
    const { data, response, request_id } = await messages(sdk).create(fake.request).withResponse();
    return { data, status: response.status, requestId: request_id };
  },
};

module.exports = { packageName: '@anthropic-ai/sdk', scenarios };
