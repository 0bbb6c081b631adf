/**
 * @mistralai/mistralai 1.x (CommonJS) and 2.x (ESM only) (SPEC §5, issue 5): every scenario of
 * scenarios/mistral.cjs, in CommonJS and ESM child apps linked to the latest installed version
 * of each major, is recorded as one call with the expected op name, status, output and usage,
 * and the app receives exactly what the untraced SDK returns. The service is
 * test/helpers/fake-mistral.cjs (recorded bodies).
 */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Call, Usage } from '../../src/types.js';
import { defineCompatSuite, type ScenarioCheck } from './suite.js';

const fake = createRequire(import.meta.url)('../helpers/fake-mistral.cjs');

const COMPLETE = { requests: 1, inputTokens: 11, outputTokens: 53, totalTokens: 64 };
const STREAMED = { 'mistral-tiny': { requests: 1, inputTokens: 11, outputTokens: 80, totalTokens: 91 } };
const CHUNKS = fake.sseEvents.length - 1; // the last event is [DONE]

function expectCall(call: Call, opName: string, usage: Record<string, Usage>, status = 'success', kind = 'llm'): void {
  expect(call).toMatchObject({ opName, kind, status });
  expect(call.summary.usage).toEqual(usage);
}

const textOf = (items: any[]) => items.map((item) => item.data.choices[0]?.delta?.content ?? '').join('');

function expectStreamed(items: any[], call: Call): void {
  expect(items).toHaveLength(CHUNKS);
  expectCall(call, 'mistral.chat.stream', STREAMED);
  expect(call.output).toMatchObject({ model: 'mistral-tiny', choices: [{ index: 0, message: { role: 'assistant', content: textOf(items) }, finishReason: 'stop' }] });
  expect(call.summary.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
}

const checks: Record<string, ScenarioCheck> = {
  complete(received, call) {
    expectCall(call, 'mistral.chat.complete', { 'mistral-tiny': COMPLETE });
    expect(call.output).toEqual(received);
  },
  streamIterate: (received, call) => expectStreamed(received, call),
  streamReader: (received, call) => expectStreamed(received, call),
  streamTee(received, call) {
    expect(received.same).toBe(true);
    expectStreamed(received.left, call);
  },
  streamBreak(received, call) {
    expect(received).toHaveLength(3);
    expectCall(call, 'mistral.chat.stream', { 'mistral-tiny': { requests: 1 } }, 'cancelled');
    expect((call.output as any).choices[0].message.content.startsWith(textOf(received))).toBe(true);
  },
  embeddings(received, call) {
    expectCall(call, 'mistral.embeddings.create', { 'mistral-embed': { requests: 1, inputTokens: 10, totalTokens: 10 } }, 'success', 'embedding');
    expect(call.output).toEqual(received);
  },
  fimComplete(received, call) {
    expectCall(call, 'mistral.fim.complete', { 'codestral-latest': COMPLETE });
    expect(call.output).toEqual(received);
  },
  agentsComplete(received, call) {
    expectCall(call, 'mistral.agents.complete', { 'mistral-tiny': COMPLETE });
    expect(call.inputs).toMatchObject({ agentId: 'ag_compat' });
    expect(call.output).toEqual(received);
  },
  validationError(received, call) {
    expect(received).toEqual({ name: 'HTTPValidationError', statusCode: 422 });
    expect(call).toMatchObject({ opName: 'mistral.chat.complete', status: 'error', output: null });
    expect(call.exception).toMatchObject({ type: 'HTTPValidationError', status: 422 });
  },
};

defineCompatSuite({
  packageName: '@mistralai/mistralai',
  scenarioFile: 'mistral.cjs',
  checks,
  everyCall(call, run) {
    expect(call.attributes).toMatchObject({
      integration: { name: 'mistral', version: run.fixture.version },
      provider: 'mistral',
      baseUrl: 'https://api.mistral.ai',
    });
    expect(call).toMatchObject({ project: 'compat', parentId: null });
    expect(JSON.stringify(call)).not.toContain(fake.API_KEY);
    expect(JSON.stringify(call)).not.toContain('SECRET');
  },
});
