/**
 * Privacy: secret keys redacted at any depth (logprob `token` entries kept), and applyPrivacy's
 * hooks: their order, what they may return, and failing closed when one throws or misbehaves.
 * captureContent: false: privacy-capture-content.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  applyPrivacy, CONTENT_OMITTED, isRedactionFailure, isSensitiveKey, redactKeys, REDACTED,
} from '../../src/privacy/index.js';
import { copyOf } from '../helpers/privacy.js';

const SECRET = 'sk-live-planted-secret-0123456789';

describe('key redaction', () => {
  it('redacts planted secrets 5 levels deep in objects and arrays, whatever the value type', () => {
    const tree = copyOf({
      level1: [{
        level2: {
          level3: [{
            level4: {
              apiKey: SECRET,
              Authorization: `Bearer ${SECRET}`,
              'x-api-key': SECRET,
              API_KEY: { nested: SECRET },
              password: 12345,
              token: [SECRET],
              headers: new Map([['X-Api-Key', SECRET], ['accept', 'json']]),
            },
          }],
        },
      }],
    });
    const result = redactKeys(tree);
    const json = JSON.stringify(result);
    expect(json).not.toContain('planted');
    expect(json).not.toContain('12345');
    const level4 = (result as any).level1[0].level2.level3[0].level4;
    expect(level4).toEqual({
      apiKey: REDACTED, Authorization: REDACTED, 'x-api-key': REDACTED, API_KEY: REDACTED,
      password: REDACTED, token: REDACTED,
      headers: { _type: 'Map', entries: [['X-Api-Key', REDACTED], ['accept', 'json']] },
    });
  });

  it('normalises case, dashes and underscores, and catches credential suffixes', () => {
    for (const key of [
      'api_key', 'apiKey', 'API-KEY', 'apikey', 'x_api_key', 'X-Api-Key', 'Authorization', 'proxy-authorization',
      'password', 'db_password', 'secret', 'client_secret', 'token', 'access_token', 'refreshToken', 'openai_api_key',
    ]) {
      expect(isSensitiveKey(key), key).toBe(true);
    }
  });

  it('keeps usage counters and other *_tokens keys', () => {
    for (const key of [
      'max_tokens', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'tokens', 'input_tokens',
      'cache_read_input_tokens', 'maxOutputTokens', 'promptTokenCount', 'eos_token_id', 'tokenizer', 'model', 'secrets_manager_region',
    ]) {
      expect(isSensitiveKey(key), key).toBe(false);
    }
    const result = redactKeys(copyOf({
      max_tokens: 256, usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }, meta: { tokens: { input_tokens: 3 } },
    }));
    expect(result).toEqual({
      max_tokens: 256, usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }, meta: { tokens: { input_tokens: 3 } },
    });
  });

  it('adds the redactKeys from settings, normalised the same way', () => {
    const result = redactKeys(copyOf({ ssn: '123-45-6789', Session_Id: 'abc', keep: 'me' }), ['SSN', 'session-id']);
    expect(result).toEqual({ ssn: REDACTED, Session_Id: REDACTED, keep: 'me' });
  });
});

describe('applyPrivacy: hooks', () => {
  it('runs redaction, then the op hook, then the global hook, then stripping', () => {
    const order: string[] = [];
    const inputs = copyOf({ apiKey: SECRET, prompt: 'hello', max_tokens: 9 });
    const result = applyPrivacy('inputs', inputs, {
      opHook: (value: Record<string, unknown>) => {
        order.push('op');
        expect(value.apiKey).toBe(REDACTED); // redaction already ran
        return { ...value, prompt: (value.prompt as string).toUpperCase(), addedByOp: 'op' };
      },
      globalHook: (value: Record<string, unknown>) => {
        order.push('global');
        expect(value.addedByOp).toBe('op');
        value.addedByGlobal = 'global'; // in-place change, no return value
        return undefined;
      },
    });
    expect(order).toEqual(['op', 'global']);
    expect(result).toEqual({ apiKey: REDACTED, prompt: 'HELLO', max_tokens: 9, addedByOp: 'op', addedByGlobal: 'global' });

    const stripped = applyPrivacy('inputs', copyOf({ prompt: 'hello', max_tokens: 9 }), {
      captureContent: false,
      globalHook: (value: Record<string, unknown>) => {
        expect(value.prompt).toBe('hello'); // hooks see content; stripping comes last
        return value;
      },
    });
    expect(stripped).toEqual({ prompt: CONTENT_OMITTED, max_tokens: 9 });
  });

  it('snapshots what a hook returns, and keeps inputs an object', () => {
    const kept: { later?: Record<string, unknown> } = {};
    const result = applyPrivacy('inputs', copyOf({ a: 1 }), {
      opHook: (value: Record<string, unknown>) => {
        kept.later = value;
        return { when: new Date(0), n: 1n, self: value };
      },
    });
    expect(result).toEqual({ when: '1970-01-01T00:00:00.000Z', n: '1n', self: { a: 1 } });
    kept.later!.a = 'mutated after the fact';
    expect(result).toEqual({ when: '1970-01-01T00:00:00.000Z', n: '1n', self: { a: 1 } });

    expect(applyPrivacy('inputs', copyOf({ a: 1 }), { globalHook: () => 'just a string' })).toEqual({ value: 'just a string' });
    expect(applyPrivacy('inputs', copyOf({ a: 1 }), { globalHook: () => [1, 2] })).toEqual({ value: [1, 2] });
    expect(applyPrivacy('output', copyOf({ a: 1 }), { globalHook: () => 'summary' })).toBe('summary');
    expect(applyPrivacy('output', copyOf('x'), { globalHook: () => null })).toBe(null);
  });

  it('fails closed when a hook throws: a marker, never the raw value, and later hooks do not run', () => {
    const warnOnce = vi.fn();
    const globalHook = vi.fn((value: unknown) => value);
    const inputs = copyOf({ prompt: 'my raw secret prompt' });
    const result = applyPrivacy('inputs', inputs, {
      opHook: () => { throw new Error('scrubber broke'); },
      opHookName: 'openai postprocessInputs',
      globalHook,
      warnOnce,
    });
    expect(result).toEqual({ value: '[redaction failed: openai postprocessInputs: scrubber broke]' });
    expect(JSON.stringify(result)).not.toContain('raw secret');
    expect(globalHook).not.toHaveBeenCalled();
    expect(isRedactionFailure(result)).toBe(true);
    expect(warnOnce).toHaveBeenCalledTimes(1);
    expect(warnOnce.mock.calls[0]![0]).toBe('privacy-hook-failed:openai postprocessInputs');
    expect(warnOnce.mock.calls[0]![1]).toContain('scrubber broke');

    const output = applyPrivacy('output', copyOf('raw output'), { globalHook: () => { throw new TypeError('nope'); } });
    expect(output).toBe('[redaction failed: global postprocessOutput: nope]');

    const quiet = applyPrivacy('output', copyOf('raw output'), {
      captureContent: false,
      globalHook: () => { throw new Error('echoes raw output'); },
    });
    expect(quiet).toBe('[redaction failed: global postprocessOutput]');
  });

  it('fails closed when a hook is async or returns an unreadable value', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const asyncResult = applyPrivacy('output', copyOf('raw'), {
        opHook: async () => { throw new Error('async failure'); },
      });
      expect(asyncResult).toBe('[redaction failed: op postprocessOutput: returned a Promise; hooks must be synchronous]');
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      const revokedResult = applyPrivacy('output', copyOf('raw'), { opHook: () => proxy });
      expect(revokedResult).toBe("[redaction failed: op postprocessOutput: Cannot perform 'get' on a proxy that has been revoked]");
      const noPrototype = new Proxy({}, { getPrototypeOf() { throw new Error('no prototype'); } });
      const unreadable = applyPrivacy('output', copyOf('raw'), { opHook: () => noPrototype });
      expect(unreadable).toBe('[redaction failed: op postprocessOutput: returned an unreadable value [Unserializable: Error: no prototype]]');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('logprob entries', () => {
  it('keep their token text (generated output, not a credential) while a real token is redacted', async () => {
    const { redactKeys } = await import('../../src/privacy/redact.js');
    const tree = {
      logprobs: { content: [{ token: 'Hello', logprob: -0.1, bytes: [72], top_logprobs: [{ token: 'Hi', logprob: -2 }] }] },
      auth: { token: 'sk-secret-value' },
    };
    const out = JSON.stringify(redactKeys(tree));
    expect(out).toContain('"token":"Hello"');
    expect(out).toContain('"token":"Hi"');
    expect(out).not.toContain('sk-secret-value');
  });
});
