/**
 * Opt-in helpers that mask personal data and credentials inside strings. Use them as hooks:
 *
 *   init({ postprocessInputs: piiRedactor(), postprocessOutput: piiRedactor() })
 *
 * Every pattern is written to run in linear time on hostile input: a lookbehind makes a
 * match start only at the beginning of a run of candidate characters, repetitions are
 * bounded, and adjacent parts cannot match the same characters, so a failed attempt cannot
 * backtrack through exponentially many splits. Number patterns are checked beyond the regex
 * (Luhn for cards; digit counts and cue words for phones, see phone.ts) so that ISO dates,
 * UUIDs, timestamps, token counts, model sizes and bare digit runs are left alone.
 */
import { setKey } from '../copy-keys.js';
import { TRUNCATED_DEPTH } from '../serialize/markers.js';
import { hasDigits } from './digits.js';
import { redactPhoneNumbers } from './phone.js';

export { PHONE_MARKER, redactPhoneNumbers } from './phone.js';

export const EMAIL_MARKER = '[EMAIL]';
export const CARD_MARKER = '[CARD]';
export const API_KEY_MARKER = '[API_KEY]';

export interface PiiRedactorOptions {
  /** Each defaults to true. */
  emails?: boolean;
  phoneNumbers?: boolean;
  cardNumbers?: boolean;
  apiKeys?: boolean;
}

// Letters of any script (`jörg@münchen.de`); an apostrophe only inside the local part
// (`o'brien@`), so that a quote before an address stays outside the match, and a match never
// starts after one inside a name (which would make failed attempts quadratic). Punycode TLDs too.
const EMAIL =
  /(?<![\p{L}\p{N}_.%+-]'?)[\p{L}\p{N}_.%+-][\p{L}\p{N}_.%+'-]{0,63}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.(?:\p{L}{2,24}|xn--[A-Za-z0-9-]{1,59})(?![\p{L}\p{N}-])/gu;

export function redactEmails(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(EMAIL, EMAIL_MARKER);
}

/** What may not follow a card number: more of a number, or a word. */
const NUMBER_END = String.raw`(?![\w-]|[.,]\d)`;

// 13 to 19 digits, optionally grouped by single spaces or dashes, starting with a digit card
// networks use (2-6): millisecond timestamps and most ids start with 1.
const CARD = new RegExp(String.raw`(?<![\w-])[2-6]\d(?:[ -]?\d){11,17}(?![ -]\d)` + NUMBER_END, 'g');

export function redactCardNumbers(text: string): string {
  if (!hasDigits(text, 4)) return text;
  return text.replace(CARD, (match) => {
    const end = cardLength(match);
    return end < 0 ? match : CARD_MARKER + match.slice(end);
  });
}

/**
 * Length of the card at the start of `match`, or -1. The pattern also takes an expiry or CVV
 * written after the number (`4111 1111 1111 1111 12/25`, `4242424242424242 123`), so on a
 * failed check the candidate is shortened to the previous group boundary.
 */
function cardLength(match: string): number {
  let end = match.length;
  while (end > 0) {
    if (passesLuhn(match.slice(0, end))) return end;
    end = Math.max(match.lastIndexOf(' ', end - 1), match.lastIndexOf('-', end - 1));
  }
  return -1;
}

/** Luhn check over the digits of `candidate`, ignoring separators. */
export function passesLuhn(candidate: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = candidate.length - 1; i >= 0; i--) {
    const code = candidate.charCodeAt(i);
    if (code < 48 || code > 57) continue;
    let digit = code - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
    digits++;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

/** Credentials recognisable by their shape alone. */
const API_KEY_SHAPES: readonly RegExp[] = [
  // OpenAI sk-, sk-proj-, sk-svcacct-; Anthropic sk-ant-. A digit, else `sk-learn-...` is a key.
  /(?<![\w-])sk-(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{20,}/g,
  /(?<![\w-])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe secret and restricted keys
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g, // AWS access key ids
  /(?<![\w-])gh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub tokens
  /(?<![\w-])github_pat_[A-Za-z0-9_]{20,}/g,
  /(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /(?<![\w-])AIza[0-9A-Za-z_-]{35}/g, // Google API keys
  // Hugging Face (hf_ and 34 letters) and Groq (gsk_ and 52 letters or digits), with some slack
  /(?<![\w-])hf_[A-Za-z0-9]{30,40}(?![\w-])/g,
  /(?<![\w-])gsk_[A-Za-z0-9]{48,56}(?![\w-])/g,
  /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
];
/** `Authorization` header values written out in text. */
const AUTH_SCHEME = /\b(Bearer\s+|Basic\s+)([A-Za-z0-9._~+/-]{16,}=*)/gi;
/**
 * `api_key=...`, `"token": "..."`, `password: ...` followed by a long opaque value. The name may
 * end a longer one (`OPENAI_API_KEY=`, `"openai_api_key":`, `AWS_SECRET_ACCESS_KEY=`), so it
 * starts after anything but a letter or digit: `\b` never matches after `_`.
 */
const KEY_ASSIGNMENT =
  /(?<![A-Za-z0-9])((?:api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|secret|token|password|passwd|key)["']?\s{0,3}[=:]\s{0,3}["']?)([A-Za-z0-9+/_.~-]{16,}={0,2})/gi;
const MIN_KEY_LENGTH = 16;

export function redactApiKeys(text: string): string {
  if (text.length < MIN_KEY_LENGTH) return text;
  let out = text;
  for (const pattern of API_KEY_SHAPES) out = out.replace(pattern, API_KEY_MARKER);
  out = out.replace(AUTH_SCHEME, (match, scheme: string, value: string) =>
    looksLikeSecret(value) ? scheme + API_KEY_MARKER : match);
  out = out.replace(KEY_ASSIGNMENT, (match, prefix: string, value: string) =>
    looksLikeSecret(value) ? prefix + API_KEY_MARKER : match);
  return out;
}

/** Secrets mix letters and digits (hex, base64); plain words and numeric ids do not. */
function looksLikeSecret(value: string): boolean {
  return /\d/.test(value) && /[A-Za-z]/.test(value);
}

type TextRedactor = (text: string) => string;

/** Credentials first: a key such as `sk-...123...` must not be half-taken for a number. */
function textRedactorFor(options: PiiRedactorOptions | undefined): TextRedactor {
  const steps: TextRedactor[] = [];
  if (options?.apiKeys !== false) steps.push(redactApiKeys);
  if (options?.emails !== false) steps.push(redactEmails);
  if (options?.cardNumbers !== false) steps.push(redactCardNumbers);
  if (options?.phoneNumbers !== false) steps.push(redactPhoneNumbers);
  return (text) => {
    let out = text;
    for (const step of steps) out = step(out);
    return out;
  };
}

/** Deeper values are replaced rather than left unredacted. */
const MAX_DEPTH = 1000;

/**
 * A copy of `value` with every string (object keys included) passed through the enabled
 * redactions. Arrays, plain objects, Maps and Sets are copied; other objects (class
 * instances) are returned as they are. Cycles and shared references are preserved.
 */
export function redactPII<T>(value: T, options?: PiiRedactorOptions): T {
  return redactDeep(value, textRedactorFor(options), new Map(), 0) as T;
}

/** A hook for `postprocessInputs`/`postprocessOutput` that applies `redactPII`. */
export function piiRedactor(options?: PiiRedactorOptions): <T>(value: T) => T {
  const redactText = textRedactorFor(options);
  return <T>(value: T): T => redactDeep(value, redactText, new Map(), 0) as T;
}

function redactDeep(value: unknown, redactText: TextRedactor, copies: Map<object, unknown>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (depth >= MAX_DEPTH) return TRUNCATED_DEPTH;
  const next = depth + 1;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (const item of value) out.push(redactDeep(item, redactText, copies, next));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    copies.set(value, out);
    for (const [key, item] of value) {
      out.set(redactDeep(key, redactText, copies, next), redactDeep(item, redactText, copies, next));
    }
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    copies.set(value, out);
    for (const item of value) out.add(redactDeep(item, redactText, copies, next));
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  copies.set(value, out);
  for (const key of Object.keys(value)) {
    const item = redactDeep((value as Record<string, unknown>)[key], redactText, copies, next);
    setKey(out, redactText(key), item);
  }
  return out;
}
