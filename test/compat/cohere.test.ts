/**
 * cohere-ai 7.x and 8.x (SPEC §5, issue 5): every scenario of scenarios/cohere.cjs, in CommonJS
 * and ESM child apps linked to the latest installed version of each major, is recorded as one
 * call with the expected op name, status, output and usage, and the app receives exactly what
 * the untraced SDK returns. The service is test/helpers/fake-cohere.cjs (recorded bodies).
 */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Call, Usage } from '../../src/types.js';
import { defineCompatSuite, type ScenarioCheck } from './suite.js';

const fake = createRequire(import.meta.url)('../helpers/fake-cohere.cjs');

function expectCall(call: Call, opName: string, kind: string, usage: Record<string, Usage>, status = 'success'): void {
  expect(call).toMatchObject({ opName, kind, status });
  expect(call.summary.usage).toEqual(usage);
}

function tokens(input: number, output: number): Usage {
  return { requests: 1, inputTokens: input, outputTokens: output, totalTokens: input + output };
}

const textOf = (events: any[]) => events.filter((e) => e.type === 'content-delta').map((e) => e.delta.message.content.text).join('');

const checks: Record<string, ScenarioCheck> = {
  v1Chat(received, call) {
    expect(received.text).toBe(fake.bodies.v1Chat.text);
    expectCall(call, 'cohere.chat', 'llm', { 'command-r': tokens(23, 60) });
    expect(call.output).toEqual(received);
  },
  v1ChatStream(received, call) {
    const end = received.at(-1);
    expect(end.eventType).toBe('stream-end');
    const billed = end.response.meta.billedUnits;
    expectCall(call, 'cohere.chatStream', 'llm', { 'command-r': tokens(billed.inputTokens, billed.outputTokens) });
    expect(call.output).toEqual(end.response);
    expect(call.summary.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  },
  v1Generate(received, call) {
    expectCall(call, 'cohere.generate', 'llm', { 'command-light': tokens(5, 57) });
    expect(call.output).toEqual(received);
  },
  v2Chat(received, call) {
    expectCall(call, 'cohere.v2.chat', 'llm', { 'command-r': tokens(7, 88) });
    expect(call.output).toEqual(received);
  },
  v2ChatStream(received, call) {
    expectCall(call, 'cohere.v2.chatStream', 'llm', { 'command-r': tokens(7, 109) });
    expect(call.output).toMatchObject({ finishReason: 'COMPLETE', message: { role: 'assistant', content: [{ type: 'text', text: textOf(received) }] } });
  },
  v2ChatStreamBreak(received, call) {
    expect(received).toHaveLength(4);
    expectCall(call, 'cohere.v2.chatStream', 'llm', { 'command-r': { requests: 1 } }, 'cancelled');
    expect(call.output).toMatchObject({ message: { content: [{ type: 'text', text: textOf(received) }] } });
  },
  v2Embed(received, call) {
    expectCall(call, 'cohere.v2.embed', 'embedding', { 'embed-v4.0': { requests: 1, inputTokens: 208 } });
    expect(call.output).toEqual(received);
  },
  v2WithRawResponse(received, call) {
    expect(received.status).toBe(200);
    expectCall(call, 'cohere.v2.chat', 'llm', { 'command-r': tokens(7, 88) });
    expect(call.output).toEqual(received.data);
  },
  tooManyRequests(received, call) {
    expect(received).toEqual({ name: 'TooManyRequestsError', statusCode: 429, body: fake.tooManyRequestsBody, isCohereError: true });
    expect(call).toMatchObject({ opName: 'cohere.v2.chat', status: 'error', output: null });
    expect(call.exception).toMatchObject({ type: 'TooManyRequestsError', status: 429 });
  },
};

defineCompatSuite({
  packageName: 'cohere-ai',
  scenarioFile: 'cohere.cjs',
  checks,
  everyCall(call, run) {
    expect(call.attributes).toMatchObject({
      integration: { name: 'cohere', version: run.fixture.version },
      provider: 'cohere',
      baseUrl: 'https://api.cohere.com',
    });
    expect(call).toMatchObject({ project: 'compat', parentId: null });
    expect(JSON.stringify(call)).not.toContain(fake.API_KEY);
    expect(JSON.stringify(call)).not.toContain('SECRET');
  },
});
