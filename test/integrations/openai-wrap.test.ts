import { http, HttpResponse } from 'msw';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { wrapOpenAI } from '../../src/index.js';
import { traced } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { openaiClient } from '../helpers/openai.js';

// Own file: no other test here patches the prototypes, so this proves wrapping alone.
const server = useMswServer();
failOnUnhandledRejection();

describe('wrapOpenAI with implicit patching off', () => {
  it('traces the wrapped client only; the prototypes stay the original functions', async () => {
    const bareCreate = OpenAI.Embeddings.prototype.create;
    const t = traced({ implicitlyPatchIntegrations: false });
    expect(OpenAI.Embeddings.prototype.create).toBe(bareCreate);
    server.use(http.post(/\/embeddings$/, () => HttpResponse.json({
      object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    })));
    const client = wrapOpenAI(openaiClient());
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    await openaiClient().embeddings.create({ model: 'text-embedding-3-small', input: 'not traced' });
    const calls = await t.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.opName).toBe('openai.embeddings.create');
    expect(calls[0]!.kind).toBe('embedding');
    expect(calls[0]!.inputs).toEqual({ model: 'text-embedding-3-small', input: 'hello' });
    expect(calls[0]!.summary.usage).toEqual({ 'text-embedding-3-small': { requests: 1, inputTokens: 3, totalTokens: 3 } });
  });

  it('rejects what is not a client, naming the problem', () => {
    traced({ implicitlyPatchIntegrations: false });
    expect(() => wrapOpenAI({} as never)).toThrow(/none of the openai methods/);
    expect(() => wrapOpenAI(null as never)).toThrow(/expected a client instance/);
  });
});
