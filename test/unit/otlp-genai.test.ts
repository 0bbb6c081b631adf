/**
 * Span names and `gen_ai.provider.name` after the OpenTelemetry GenAI semantic conventions
 * (SPEC §7): a model call an integration records is named `{gen_ai.operation.name}
 * {gen_ai.request.model}`; an op keeps its own name; providers take the conventions'
 * well-known values.
 */
import { describe, expect, it } from 'vitest';
import { toOtlpSpan } from '../../src/export/otlp-span.js';
import { uuidv7 } from '../../src/trace/ids.js';
import type { Call } from '../../src/types.js';

function sdkCall(overrides: Partial<Call> = {}, provider = 'openai', integration = 'openai'): Call {
  const id = uuidv7();
  return {
    id, traceId: id, parentId: null, project: 'p', opName: 'openai.chat.completions.create',
    displayName: 'openai.chat.completions.create', kind: 'llm',
    startedAt: '2025-01-02T03:04:05.678Z', endedAt: '2025-01-02T03:04:06.789Z', status: 'success',
    inputs: { model: 'gpt-4o-mini', messages: [] }, output: null, exception: null,
    attributes: { provider, integration: { name: integration, version: '1.0.0' } },
    summary: {},
    ...overrides,
  };
}

function attributesOf(call: Call): Record<string, unknown> {
  return Object.fromEntries(toOtlpSpan(call).attributes.map((a) => [a.key, Object.values(a.value)[0]]));
}

describe('span names', () => {
  it('a model call an integration records: "{operation} {request model}"', () => {
    expect(toOtlpSpan(sdkCall()).name).toBe('chat gpt-4o-mini');
    const embedding = sdkCall({ kind: 'embedding', opName: 'openai.embeddings.create', displayName: 'openai.embeddings.create', inputs: { model: 'text-embedding-3-small', input: 'x' } });
    expect(toOtlpSpan(embedding).name).toBe('embeddings text-embedding-3-small');
    const completion = sdkCall({ opName: 'mistral.fim.complete', displayName: 'mistral.fim.complete', inputs: { model: 'codestral-latest' } }, 'mistral', 'mistral');
    expect(toOtlpSpan(completion).name).toBe('text_completion codestral-latest');
    const count = sdkCall({ opName: 'anthropic.messages.countTokens', displayName: 'anthropic.messages.countTokens', inputs: { model: 'claude-sonnet-4-6' } }, 'anthropic', 'anthropic');
    expect(toOtlpSpan(count).name).toBe('count_tokens claude-sonnet-4-6');
  });

  it('without a request model, the operation alone; the op name stays in tracewire.op_name', () => {
    const call = sdkCall({ inputs: { messages: [] } });
    expect(toOtlpSpan(call).name).toBe('chat');
    expect(attributesOf(call)['tracewire.op_name']).toBe('openai.chat.completions.create');
  });

  it('a display name chosen for an SDK call is kept as tracewire.display_name', () => {
    const call = sdkCall({ displayName: 'answer question' });
    expect(toOtlpSpan(call).name).toBe('chat gpt-4o-mini');
    expect(attributesOf(call)['tracewire.display_name']).toBe('answer question');
    expect(attributesOf(sdkCall())['tracewire.display_name']).toBeUndefined();
  });

  it('ops keep their name, whatever their kind', () => {
    const agent = sdkCall({ kind: 'agent', opName: 'agent', displayName: 'my agent', attributes: {}, inputs: {} });
    expect(toOtlpSpan(agent).name).toBe('my agent');
    const ownModelCall = sdkCall({ kind: 'llm', opName: 'summarize', displayName: 'summarize', attributes: {}, inputs: { model: 'local-model' } });
    expect(toOtlpSpan(ownModelCall).name).toBe('summarize');
  });
});

describe('gen_ai.provider.name', () => {
  it.each([
    ['openai', 'openai', 'openai'],
    ['azure', 'openai', 'azure.ai.openai'],
    ['mistral', 'mistral', 'mistral_ai'],
    ['xai', 'openai', 'x_ai'],
    ['gemini', 'openai', 'gcp.gemini'],
    ['vertex', 'anthropic', 'gcp.vertex_ai'],
    ['bedrock', 'openai', 'aws.bedrock'],
    ['groq', 'openai', 'groq'],
    ['deepseek', 'openai', 'deepseek'],
    ['perplexity', 'openai', 'perplexity'],
    ['cohere', 'cohere', 'cohere'],
    ['anthropic', 'anthropic', 'anthropic'],
    // services the conventions do not name keep tracewire's name for them
    ['together', 'openai', 'together'],
    ['ollama', 'openai', 'ollama'],
    // an unrecognised server: the API the SDK speaks (server.address says which server)
    ['local', 'openai', 'openai'],
    ['llm-gateway.internal.example', 'anthropic', 'anthropic'],
    ['unknown', 'mistral', 'mistral_ai'],
  ])('%s through the %s SDK: %s', (provider, integration, expected) => {
    const a = attributesOf(sdkCall({}, provider, integration));
    expect(a['gen_ai.provider.name']).toBe(expected);
    expect(a['gen_ai.system']).toBe(expected);
  });

  it('an op of a model kind: the provider attribute it was given, if any', () => {
    const own = (attributes: Record<string, unknown>) => attributesOf(sdkCall({ opName: 'summarize', displayName: 'summarize', attributes }));
    expect(own({ provider: 'in-house' })['gen_ai.provider.name']).toBe('in-house');
    expect(own({ provider: 'azure' })['gen_ai.provider.name']).toBe('azure.ai.openai');
    expect(own({})['gen_ai.provider.name']).toBeUndefined();
    expect(own({ provider: 'unknown' })['gen_ai.provider.name']).toBeUndefined();
  });
});
