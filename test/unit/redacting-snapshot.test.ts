/** Key redaction applied while a snapshot copies (serialize/snapshot.ts + privacy/redact.ts). */
import { describe, expect, it } from 'vitest';
import { keyRedactionFor, REDACTED, redactKeys } from '../../src/privacy/index.js';
import { snapshot } from '../../src/serialize/snapshot.js';

const copyRedacted = (value: unknown, extra?: string[]) => snapshot(value, undefined, keyRedactionFor(extra)).value;

describe('snapshot with key redaction', () => {
  it('gives what a copy followed by redactKeys gives, at any depth, in arrays and Maps', () => {
    const value = {
      model: 'gpt-4o',
      api_key: 'sk-1',
      nested: [{ headers: new Map<string, unknown>([['Authorization', 'Bearer x'], ['accept', 'json']]) }, { clientSecret: { deep: 1 } }],
      usage: { prompt_tokens: 3, max_tokens: 9 },
    };
    const merged = copyRedacted(value);
    expect(merged).toEqual(redactKeys(snapshot(value).value));
    expect(JSON.stringify(merged)).not.toContain('sk-1');
    expect(JSON.stringify(merged)).not.toContain('Bearer x');
    expect(merged).toMatchObject({ api_key: REDACTED, usage: { prompt_tokens: 3, max_tokens: 9 } });
    // The source is read, never changed.
    expect(value.api_key).toBe('sk-1');
  });

  it('keeps the generated text of logprob entries and applies extra keys', () => {
    const value = { logprobs: { content: [{ token: 'Hi', logprob: -0.1 }] }, token: 't-1', tenant: 'acme' };
    expect(copyRedacted(value, ['tenant'])).toEqual({ logprobs: { content: [{ token: 'Hi', logprob: -0.1 }] }, token: REDACTED, tenant: REDACTED });
  });

  it('withholds a value when deciding about it throws: privacy fails closed', () => {
    const owner = { get logprob(): number { throw new Error('trap'); }, token: 'secret-text', kept: 1 };
    expect(copyRedacted(owner)).toMatchObject({ token: REDACTED, kept: 1 });
  });
});
