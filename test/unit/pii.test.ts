import { describe, expect, it } from 'vitest';
import {
  applyPrivacy, passesLuhn, piiRedactor, redactApiKeys, redactCardNumbers, redactEmails, redactPhoneNumbers, redactPII,
} from '../../src/privacy/index.js';
import { snapshot } from '../../src/serialize/snapshot.js';
import type { OpSettings } from '../../src/types.js';

describe('redactEmails', () => {
  it('masks addresses and keeps the surrounding text', () => {
    expect(redactEmails('Mail john.doe+tag@example.co.uk or JANE_1@mail.example.com.')).toBe('Mail [EMAIL] or [EMAIL].');
    expect(redactEmails('<ops@corp.io>, mailto:a@b.dev')).toBe('<[EMAIL]>, mailto:[EMAIL]');
  });

  it('masks internationalised domains and apostrophes in the local part whole', () => {
    expect(redactEmails('email john.doe@münchen.de or jörg@bücher.example, cc: o\'brien@example.com.'))
      .toBe('email [EMAIL] or [EMAIL], cc: [EMAIL].');
    expect(redactEmails("to='bob@example.com' via admin@xn--mnchen-3ya.de")).toBe("to='[EMAIL]' via [EMAIL]");
  });

  it('leaves things that are not addresses', () => {
    for (const text of ['user@localhost', '@handle', 'a @ b.com', 'npm i @scope/pkg@1.2.3', 'x@y']) {
      expect(redactEmails(text)).toBe(text);
    }
  });
});

describe('redactPhoneNumbers', () => {
  it('masks international, North American and national formats', () => {
    expect(redactPhoneNumbers('Call +44 20 7946 0958, (555) 123-4567, 555.123.4567 or +1 555-123-4567.'))
      .toBe('Call [PHONE], [PHONE], [PHONE] or [PHONE].');
    expect(redactPhoneNumbers('+15551234567 / +33 1 23 45 67 89 / 06 12 34 56 78 / 020 7946 0958'))
      .toBe('[PHONE] / [PHONE] / [PHONE] / [PHONE]');
  });

  it('leaves dates, UUIDs, timestamps, counts and ordinary numbers', () => {
    const text = 'On 2024-01-15T10:30:00+05:30 id 123e4567-e89b-12d3-a456-426614174000 at 1705312345678 ms used ' +
      'prompt_tokens: 1234567, total 98765, pi 3.14159265358979, v1.2.3, ip 192.168.100.200, 01-02-2024, 12/31/2024, 5551234567';
    expect(redactPhoneNumbers(text)).toBe(text);
  });
});

describe('redactCardNumbers', () => {
  it('masks Luhn-valid numbers with or without separators', () => {
    expect(redactCardNumbers('Visa 4111 1111 1111 1111, MC 5555-5555-5555-4444, Amex 378282246310005.'))
      .toBe('Visa [CARD], MC [CARD], Amex [CARD].');
  });

  it('masks a card followed by its expiry or CVV, keeping those', () => {
    expect(redactCardNumbers('My Visa 4111 1111 1111 1111 12/25')).toBe('My Visa [CARD] 12/25');
    expect(redactCardNumbers('card 4242424242424242 123')).toBe('card [CARD] 123');
    expect(redactCardNumbers('card 5555 5555 5555 4444 03/27 cvc 737')).toBe('card [CARD] 03/27 cvc 737');
    expect(redactCardNumbers('Card number: 4111-1111-1111-1111 123')).toBe('Card number: [CARD] 123');
  });

  it('leaves Luhn-invalid numbers, timestamps and longer digit runs', () => {
    const text = 'bad 4111 1111 1111 1112, ms 1705312345678, long 41111111111111111111111, uuid 426614174000';
    expect(redactCardNumbers(text)).toBe(text);
    expect(passesLuhn('4111-1111-1111-1111')).toBe(true);
    expect(passesLuhn('4111-1111-1111-1112')).toBe(false);
    expect(passesLuhn('0')).toBe(false);
  });
});

describe('redactApiKeys', () => {
  it('masks common key shapes, auth headers and key= assignments', () => {
    const text = [
      'openai sk-proj-abcdefghijklmnop1234567890',
      'anthropic sk-ant-api03-abcdefghijklmnopqrstuvwxyz-0123',
      'aws AKIAIOSFODNN7EXAMPLE',
      'github ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'slack xoxb-1234567890-abcdefghij',
      'google AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'stripe sk_live_abcdefghijklmnop1234',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'Authorization: Bearer abcdef1234567890abcdef',
      'https://x.test/v1?api_key=0123456789abcdef0123&q=1',
      '{"token": "abcdEFGH1234ijklMNOP"}',
      'OPENAI_API_KEY=a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
      'export MISTRAL_API_KEY=Xk9fP2qLm8Rt4vWz7yBn3cDs6gHj1KaE',
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      '{"openai_api_key": "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", "x-api-key": "a1b2c3d4e5f6a7b8c9d0e1f2"}',
      'huggingface 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 or hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      'groq gsk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP',
    ].join('\n');
    expect(redactApiKeys(text)).toBe([
      'openai [API_KEY]', 'anthropic [API_KEY]', 'aws [API_KEY]', 'github [API_KEY]', 'slack [API_KEY]',
      'google [API_KEY]', 'stripe [API_KEY]', 'jwt [API_KEY]', 'Authorization: Bearer [API_KEY]',
      'https://x.test/v1?api_key=[API_KEY]&q=1', '{"token": "[API_KEY]"}',
      'OPENAI_API_KEY=[API_KEY]', 'export MISTRAL_API_KEY=[API_KEY]', 'AWS_SECRET_ACCESS_KEY=[API_KEY]',
      '{"openai_api_key": "[API_KEY]", "x-api-key": "[API_KEY]"}', 'huggingface [API_KEY] or [API_KEY]', 'groq [API_KEY]',
    ].join('\n'));
  });

  it('leaves words, task ids and counters', () => {
    const text = 'task-sk-1 basic internationalization; key: correcthorsebatterystaple; max_tokens=1234567890123456; ' +
      'tokens: abcdefghijklmnop1234; sk-short; sk-learn-is-a-great-library-for-ml; monkey=a1b2c3d4e5f6a7b8c9d0; ' +
      'hf_transformers_pipeline_cache_dir gsk_short1234 OPENAI_API_KEY=your-key-here';
    expect(redactApiKeys(text)).toBe(text);
  });
});

describe('redactPII and piiRedactor', () => {
  it('deep-walks any value, copying it, including keys, Maps, Sets and cycles', () => {
    const input: Record<string, unknown> = {
      messages: [{ role: 'user', content: 'I am bob@example.com, card 4111 1111 1111 1111, phone +44 20 7946 0958' }],
      'alice@example.com': 1,
      nested: new Map([['k', 'key sk-abcdefghijklmnopqrstuvwxyz123']]),
      tags: new Set(['x@y.io']),
      count: 42,
      when: new Date(0),
    };
    input.self = input;
    const result = redactPII(input) as Record<string, unknown>;
    expect(result).not.toBe(input);
    expect(result.self).toBe(result);
    expect(result.messages).toEqual([{ role: 'user', content: 'I am [EMAIL], card [CARD], phone [PHONE]' }]);
    expect(result['[EMAIL]']).toBe(1);
    expect(result.nested).toEqual(new Map([['k', 'key [API_KEY]']]));
    expect(result.tags).toEqual(new Set(['[EMAIL]']));
    expect(result.count).toBe(42);
    expect(result.when).toBe(input.when);
    expect((input.messages as Array<{ content: string }>)[0]!.content).toContain('bob@example.com');
    expect(redactPII('reach me at bob@example.com')).toBe('reach me at [EMAIL]');
  });

  it('keeps a "__proto__" key a key of the copy, never its prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"email": "a@b.co"}, "note": "call 415-555-0132"}');
    const out = redactPII(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'note']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"email":"[EMAIL]"},"note":"call [PHONE]"}');
  });

  it('honours options and works as a postprocess hook in the privacy pipeline', () => {
    const emailsOnly = piiRedactor({ phoneNumbers: false, cardNumbers: false, apiKeys: false });
    expect(emailsOnly('bob@example.com +44 20 7946 0958')).toBe('[EMAIL] +44 20 7946 0958');

    const settings: OpSettings = { postprocessInputs: piiRedactor(), postprocessOutput: piiRedactor() };
    const inputs = applyPrivacy('inputs', snapshot({ prompt: 'mail bob@example.com', max_tokens: 10 }).value, {
      opHook: settings.postprocessInputs,
    });
    expect(inputs).toEqual({ prompt: 'mail [EMAIL]', max_tokens: 10 });
  });

  it('runs in linear time on 1 MB adversarial strings', () => {
    const adversarial = [
      'a'.repeat(1_000_000), 'a@'.repeat(500_000), ('a'.repeat(63) + '@').repeat(15_000), 'x@' + 'a.'.repeat(500_000),
      '1 '.repeat(500_000), '1'.repeat(1_000_000), '+1'.repeat(500_000), '1-'.repeat(500_000), '(555) '.repeat(160_000),
      '0 12 '.repeat(200_000), '4 '.repeat(500_000), 'sk-'.repeat(330_000), 'key='.repeat(250_000),
      'Bearer '.repeat(140_000), 'eyJ'.repeat(330_000) + '.', 'a@a-'.repeat(250_000), 'api_key=' + 'a1'.repeat(500_000),
      "o'".repeat(500_000) + '@', 'ü@ü.'.repeat(250_000), 'X_API_KEY='.repeat(100_000), '4111 1111 1111 1111 1 '.repeat(45_000),
      'hf_' + 'a'.repeat(1_000_000),
    ];
    const redact = piiRedactor();
    for (const text of adversarial) {
      const started = performance.now();
      redact(text);
      expect(performance.now() - started, text.slice(0, 12)).toBeLessThan(500);
    }
  });
});
