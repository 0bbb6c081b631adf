/**
 * @anthropic-ai/sdk 0.x and 1.x (SPEC §5): every scenario of scenarios/anthropic.cjs, in
 * CommonJS and ESM child apps linked to the latest installed version of each major, is recorded
 * as one call with the expected op name, status, output and usage, and the app receives
 * exactly what the untraced SDK returns. The service is test/helpers/fake-anthropic.cjs
 * (bodies from the recorded wire fixtures).
 */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Call } from '../../src/types.js';
import { defineCompatSuite, type ScenarioCheck } from './suite.js';

const fake = createRequire(import.meta.url)('../helpers/fake-anthropic.cjs');

/** Anthropic's three disjoint input counts, summed: 17 uncached + 0 read + 0 written. */
function usageOf(usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number }) {
  const input = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return {
    [fake.MODEL]: {
      requests: 1,
      inputTokens: input,
      outputTokens: usage.output_tokens,
      totalTokens: input + usage.output_tokens,
      cacheReadTokens: usage.cache_read_input_tokens,
      cacheWriteTokens: usage.cache_creation_input_tokens,
    },
  };
}

const messageUsage = usageOf(fake.message.usage);

function expectMessageCall(call: Call, opName = 'anthropic.messages.create'): void {
  expect(call).toMatchObject({ opName, kind: 'llm', status: 'success', exception: null });
  expect(call.inputs).toMatchObject({ model: fake.MODEL, max_tokens: fake.request.max_tokens });
  expect(call.output).toEqual(fake.message);
  expect(call.summary.usage).toEqual(messageUsage);
}

/** What each scenario must have received and recorded, beyond equality with the baseline. */
const checks: Record<string, ScenarioCheck> = {
  create(received, call) {
    expect(received).toEqual(fake.message);
    expectMessageCall(call);
  },
  streamBreak(received, call) {
    expect(received).toEqual(fake.streamEvents.slice(0, 2));
    expect(call).toMatchObject({ opName: 'anthropic.messages.create', status: 'cancelled' });
    expect(call.inputs).toMatchObject({ stream: true });
    // the message so far: message_start's message with the started (empty) text block
    const started = fake.streamEvents[0].message;
    expect(call.output).toMatchObject({ id: started.id, model: fake.MODEL, role: 'assistant', content: [{ type: 'text', text: '' }] });
    // message_start's usage (output_tokens 1 so far)
    expect(call.summary.usage).toEqual(usageOf(started.usage));
  },
  streamHelper(received, call) {
    expect(received.text).toBe(fake.streamedText);
    expect(call).toMatchObject({ opName: 'anthropic.messages.create', kind: 'llm', status: 'success', exception: null });
    expect(call.inputs).toMatchObject({ model: fake.MODEL, stream: true });
    // the reducer rebuilds what finalMessage() rebuilt, less the helper's own `parsed_output`
    // (null with no output format: not part of the message the API sent)
    const { parsed_output: parsed, ...final } = received.final;
    expect(parsed ?? null).toBeNull();
    expect(call.output).toEqual(final);
    expect((call.output as any).content.map((block: any) => block.text).join('')).toBe(received.text);
    expect(call.summary.usage).toEqual(usageOf(received.final.usage));
    expect(call.summary.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  },
  toolRunnerStream(received, call) {
    // one turn (the answer uses no tool): one record, with the streamed message and its usage
    expect(received).toHaveLength(1);
    expect(call).toMatchObject({ opName: 'anthropic.beta.messages.create', kind: 'llm', status: 'success', exception: null });
    expect(call.inputs).toMatchObject({ model: fake.MODEL, stream: true });
    expect(call.output).toEqual(received[0]);
    expect(call.summary.usage).toEqual(usageOf(received[0].usage));
    expect(call.summary.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  },
  countTokens(received, call) {
    expect(received).toEqual(fake.countTokensBody);
    expect(call).toMatchObject({ opName: 'anthropic.messages.countTokens', kind: 'llm', status: 'success', exception: null });
    expect(call.inputs).toMatchObject({ model: fake.MODEL });
    expect(call.output).toEqual(fake.countTokensBody);
    // free, generates nothing: no usage at all, not even a request
    expect(call.summary.usage ?? {}).toEqual({});
  },
  beta(received, call) {
    expect(received).toEqual(fake.message);
    expectMessageCall(call, 'anthropic.beta.messages.create');
  },
  overloaded(received, call, run) {
    // 0.x: a 529 is an InternalServerError; 1.x: an OverloadedError (extends InternalServerError)
    const type = run.fixture.version.startsWith('0.') ? 'InternalServerError' : 'OverloadedError';
    expect(received).toEqual({
      name: type,
      status: 529,
      error: fake.overloadedBody,
      isAPIError: true,
      isInternalServerError: true,
      isOverloadedError: type === 'OverloadedError',
    });
    expect(call).toMatchObject({ opName: 'anthropic.messages.create', status: 'error', output: null });
    expect(call.exception).toMatchObject({ type, status: 529 });
    expect(call.endedAt).not.toBeNull();
  },
  withResponse(received, call) {
    expect(received).toEqual({ data: fake.message, status: 200, requestId: expect.stringMatching(/^req_fake_\d+$/) });
    expectMessageCall(call);
  },
};

defineCompatSuite({
  packageName: '@anthropic-ai/sdk',
  scenarioFile: 'anthropic.cjs',
  checks,
  everyCall(call, run) {
    expect(call.attributes).toMatchObject({ integration: { name: 'anthropic', version: run.fixture.version }, provider: 'anthropic' });
    expect(call).toMatchObject({ project: 'compat', parentId: null });
    expect(JSON.stringify(call)).not.toContain(fake.API_KEY);
    expect(JSON.stringify(call)).not.toContain('SECRET');
  },
});
