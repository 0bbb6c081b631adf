import { describe, expect, it } from 'vitest';
import { applyPrivacy, CONTENT_OMITTED } from '../../src/privacy/index.js';
import { snapshot } from '../../src/serialize/snapshot.js';

// Token text can hide in numbers (UTF-8 bytes, token ids) and in object keys, which the
// string-only stripping keeps: every case below must lose all of it.
const bytesOf = (text: string): number[] => [...Buffer.from(text, 'utf8')];
const entry = (token: string) => ({ token, logprob: -0.1, bytes: bytesOf(token) });

function strip(field: 'inputs' | 'output', value: unknown) {
  return applyPrivacy(field, snapshot(value).value, { captureContent: false });
}

describe('captureContent: false and token-level content', () => {
  it('drops chat completion logprobs (bytes, top_logprobs, refusal) but keeps usage', () => {
    const out = strip('output', {
      model: 'gpt-4o-mini',
      choices: [{
        index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Alice' },
        logprobs: { content: [{ ...entry('Alice'), top_logprobs: [entry('Alicia')] }], refusal: [entry('No')] },
      }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
    expect(out).toEqual({
      model: 'gpt-4o-mini',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: CONTENT_OMITTED }, logprobs: CONTENT_OMITTED }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
  });

  it('drops legacy completions logprobs, whose top_logprobs are keyed by the token text', () => {
    const out = strip('output', {
      object: 'text_completion',
      choices: [{
        index: 0, text: 'Alice Smith', finish_reason: 'stop',
        logprobs: { tokens: ['Alice', ' Smith'], token_logprobs: [-0.1, -0.2], top_logprobs: [{ Alice: -0.1 }, { ' Smith': -0.2 }], text_offset: [0, 5] },
      }],
    });
    expect(JSON.stringify(out)).not.toMatch(/Alice|Smith/);
    expect(out).toEqual({ object: 'text_completion', choices: [{ index: 0, text: CONTENT_OMITTED, finish_reason: 'stop', logprobs: CONTENT_OMITTED }] });
  });

  it('drops Responses output_text and transcription logprobs, and Cohere v2 token ids', () => {
    const responses = strip('output', {
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi', annotations: [], logprobs: [{ ...entry('Hi'), top_logprobs: [entry('Hey')] }] }] }],
      usage: { input_tokens: 2, output_tokens: 1 },
    });
    expect(responses).toEqual({
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: CONTENT_OMITTED, annotations: [], logprobs: CONTENT_OMITTED }] }],
      usage: { input_tokens: 2, output_tokens: 1 },
    });
    expect(strip('output', { text: 'hello', logprobs: [entry('hello')] })).toEqual({ text: CONTENT_OMITTED, logprobs: CONTENT_OMITTED });
    const cohere = strip('output', {
      finish_reason: 'COMPLETE',
      logprobs: [{ token_ids: [9101, 9102], text: 'Hi', logprobs: [-0.1, -0.2] }],
      message: { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] },
      meta: { tokens: { input_tokens: 5, output_tokens: 2 } },
    });
    expect(cohere).toEqual({
      finish_reason: 'COMPLETE', logprobs: CONTENT_OMITTED,
      message: { role: 'assistant', content: [{ type: 'text', text: CONTENT_OMITTED }] },
      meta: { tokens: { input_tokens: 5, output_tokens: 2 } },
    });
    // the SDK's camelCase objects, or token arrays outside a logprobs field
    expect(strip('output', { data: [{ tokenIds: [9101], token_ids: [9102], bytes: [72, 105], topLogprobs: [{ Hi: -1 }] }] }))
      .toEqual({ data: [{ tokenIds: CONTENT_OMITTED, token_ids: CONTENT_OMITTED, bytes: CONTENT_OMITTED, topLogprobs: CONTENT_OMITTED }] });
  });

  it('drops token-id prompts and keeps logprob request options and sizes', () => {
    expect(strip('inputs', { model: 'gpt-3.5-turbo-instruct', prompt: [[9101, 9102]], logprobs: 5, echo: true, logit_bias: { 50256: -100 } }))
      .toEqual({ model: 'gpt-3.5-turbo-instruct', prompt: CONTENT_OMITTED, logprobs: 5, echo: true, logit_bias: { 50256: -100 } });
    expect(strip('inputs', { prompt: 'text', logprobs: true, top_logprobs: 3 })).toEqual({ prompt: CONTENT_OMITTED, logprobs: true, top_logprobs: 3 });
    expect(strip('output', { logprobs: null, bytes: 1024 })).toEqual({ logprobs: null, bytes: 1024 });
  });
});
