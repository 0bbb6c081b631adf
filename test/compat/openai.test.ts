/**
 * openai 4 to 7 (SPEC §5): every scenario of scenarios/openai.cjs, in CommonJS and ESM child
 * apps linked to each installed version, is recorded as one call with the expected op name,
 * status, output and usage, and the app receives exactly what the untraced SDK returns.
 */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Call } from '../../src/types.js';
import { defineCompatSuite, type ScenarioCheck } from './suite.js';

const fake = createRequire(import.meta.url)('../helpers/fake-openai.cjs');

const chatUsage = { [fake.MODEL]: { requests: 1, inputTokens: 11, outputTokens: 3, totalTokens: 14 } };

function expectStreamOutput(call: Call, content: string, finishReason: string | null): void {
  expect(call.output).toMatchObject({ model: fake.MODEL, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finishReason }] });
  // no stream_options.include_usage in the request: usage was not sent, so none is recorded
  expect(call.summary.usage).toEqual({ [fake.MODEL]: { requests: 1 } });
}

/** What each scenario must have received and recorded, beyond equality with the baseline. */
const checks: Record<string, ScenarioCheck> = {
  chat(received, call) {
    expect(received).toEqual(fake.chatBody);
    expect(call).toMatchObject({ opName: 'openai.chat.completions.create', kind: 'llm', status: 'success', exception: null });
    expect(call.output).toEqual(fake.chatBody);
    expect(call.summary.usage).toEqual(chatUsage);
  },
  streamBreak(received, call) {
    expect(received).toEqual(fake.streamChunks.slice(0, 2));
    expect(call).toMatchObject({ opName: 'openai.chat.completions.create', status: 'cancelled' });
    expect(call.inputs).toMatchObject({ stream: true });
    expectStreamOutput(call, 'Hello', null);
  },
  rateLimit(received, call) {
    expect(received).toEqual({ name: 'RateLimitError', status: 429, error: fake.rateLimitBody.error, isRateLimitError: true });
    expect(call).toMatchObject({ opName: 'openai.chat.completions.create', status: 'error', output: null });
    expect(call.exception).toMatchObject({ type: 'RateLimitError', status: 429 });
    expect(call.endedAt).not.toBeNull();
  },
  responses(received, call) {
    expect(received).toMatchObject(fake.responsesBody);
    expect(call).toMatchObject({ opName: 'openai.responses.create', kind: 'llm', status: 'success' });
    expect(call.output).toMatchObject(fake.responsesBody);
    expect(call.summary.usage?.[fake.MODEL]).toMatchObject({ requests: 1, inputTokens: 8, outputTokens: 4, totalTokens: 12 });
  },
  embeddings(received, call) {
    expect(received.data[0].embedding).toEqual(fake.EMBEDDING);
    expect(received.usage).toEqual(fake.embeddingsUsage);
    expect(call).toMatchObject({ opName: 'openai.embeddings.create', kind: 'embedding', status: 'success' });
    // the request as the app wrote it, not what the SDK added (encoding_format)
    expect(call.inputs).toEqual({ model: 'text-embedding-3-small', input: 'hello' });
    expect(call.summary.usage).toEqual({ 'text-embedding-3-small': { requests: 1, inputTokens: 5, totalTokens: 5 } });
  },
  withResponse(received, call) {
    expect(received).toEqual({ data: fake.chatBody, status: 200, requestId: true });
    expect(call).toMatchObject({ opName: 'openai.chat.completions.create', status: 'success' });
    expect(call.output).toEqual(fake.chatBody);
    expect(call.summary.usage).toEqual(chatUsage);
  },
  tee(received, call) {
    expect(received).toEqual({ first: fake.streamChunks, second: fake.streamChunks });
    expect(call).toMatchObject({ opName: 'openai.chat.completions.create', status: 'success' });
    expectStreamOutput(call, fake.streamText, 'stop');
  },
};

defineCompatSuite({
  packageName: 'openai',
  checks,
  everyCall(call, run) {
    expect(call.attributes).toMatchObject({ integration: { name: 'openai', version: run.fixture.version }, provider: 'openai' });
    expect(call).toMatchObject({ project: 'compat', parentId: null });
    expect(JSON.stringify(call)).not.toContain('sk-fake-key');
  },
});
