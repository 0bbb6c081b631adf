import { describe, expect, it } from 'vitest';
import { piiRedactor, redactPhoneNumbers } from '../../src/privacy/index.js';

/** [text, expected]: realistic numbers written the ways people write them. */
const PHONES: ReadonlyArray<[string, string]> = [
  ['Call +44 20 7946 0958 today', 'Call [PHONE] today'],
  ['UK office +44 (0)20 7946 0958', 'UK office [PHONE]'],
  ['Berlin: +49 (0)30 1234567.', 'Berlin: [PHONE].'],
  ['Moscow +7 (495) 123-45-67', 'Moscow [PHONE]'],
  ['+33 1 23 45 67 89', '[PHONE]'],
  ['+91 98765 43210', '[PHONE]'],
  ['Tokyo +81 3-1234-5678', 'Tokyo [PHONE]'],
  ['+61 2 9374 4000', '[PHONE]'],
  ['sms +15551234567', 'sms [PHONE]'],
  ['+4520123456', '[PHONE]'],
  ['+1 (555) 123-4567', '[PHONE]'],
  ['(555) 123-4567 or (555)123-4567', '[PHONE] or [PHONE]'],
  ['555-123-4567, 555.123.4567', '[PHONE], [PHONE]'],
  ['call 1-800-555-0199 now', 'call [PHONE] now'],
  ['desk 555-123-4567 ext. 89 or 555-123-4567x89', 'desk [PHONE] or [PHONE]'],
  ['call me on 415 555 0132', 'call me on [PHONE]'],
  ['Phone: 415 555 0132', 'Phone: [PHONE]'],
  ['tel 1 415 555 0132', 'tel [PHONE]'],
  ['mobile 07700 900123', 'mobile [PHONE]'],
  ['020 7946 0958', '[PHONE]'],
  ['Tel. 030 12345678', 'Tel. [PHONE]'],
  ['(030) 1234567', '[PHONE]'],
  ['06 12 34 56 78 / 06.12.34.56.78', '[PHONE] / [PHONE]'],
  ['03-1234-5678', '[PHONE]'],
  ['0171 1234567', '[PHONE]'],
  ['from abroad 0044 20 7946 0958', 'from abroad [PHONE]'],
];

/** Numbers that are not phone numbers, in the text around LLM calls. */
const NOT_PHONES: readonly string[] = [
  'embedding dims: 384 768 1536',
  'hidden sizes 256 512 1024',
  'The range was 100 200 3000 units',
  'Delta: +1234567890',
  'score +12345678',
  'coordinates +40.7128, -74.0060 and +40.712812, -74.006012',
  'version 1.2.3, v2.10.0-rc.1, build 2024.01.15',
  'dates 2024-01-15, 15.01.2024, 01/15/2024, 01-02-2024, 2024/01/15',
  'at 10:30:45 or 10:30:45.123',
  '2024-01-15T10:30:00+05:30 and 2024-01-15T10:30:00.000Z',
  'price $1,234.56, €1 234 567, 1.234.567,89 EUR',
  'ips 192.168.100.200, 10.0.0.1',
  'id 123e4567-e89b-12d3-a456-426614174000',
  'order 112-3456789-1234567 shipped',
  'ticket #555-123-4567 closed',
  'tokens used: 1234 5678 9012 3456',
  'the IBAN DE89 3704 0044 0532 0130 00',
  'ISBN 978-3-16-148410-0, ISBN-13: 978-0-306-40615-7',
  'Pi approximations 3.141 592 6535',
  'ms 1705312345678, prompt_tokens: 1234567, total 98765, 5551234567',
  'sizes 256 512 1024 2048 4096',
  'call 3 times: 100 200 3000',
];

describe('redactPhoneNumbers on realistic text', () => {
  it.each(PHONES)('masks %s', (text, expected) => {
    expect(redactPhoneNumbers(text)).toBe(expected);
  });

  it.each(NOT_PHONES.map((text) => [text]))('leaves %s', (text) => {
    expect(redactPhoneNumbers(text)).toBe(text);
  });

  it('stays linear on long runs of phone-like pieces', () => {
    const redact = piiRedactor({ emails: false, cardNumbers: false, apiKeys: false });
    for (const text of ['+44 (0)'.repeat(150_000), '(0) 1'.repeat(200_000), 'call 0'.repeat(160_000), '07700 '.repeat(160_000), '1 x'.repeat(300_000)]) {
      const started = performance.now();
      redact(text);
      expect(performance.now() - started, text.slice(0, 12)).toBeLessThan(500);
    }
  });
});
