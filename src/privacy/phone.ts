/**
 * Phone numbers in free text. Both directions matter: model sizes (`384 768 1536`), signed
 * scores (`+1234567890`), coordinates, dates and ids must survive, while people write phone
 * numbers in many national styles (`+44 (0)20 7946 0958`, `07700 900123`, `+7 (495) 123-45-67`).
 *
 * Each shape is a regex for the layout plus a check for what a regex states badly (digit
 * counts, country rules, a cue word). A number glued to more digit groups on either side is
 * part of something longer (a list, an IBAN, a card) and is left alone. Every repetition is
 * bounded and a match starts only where a number starts, so matching stays linear.
 */
import { countDigits, hasDigits } from './digits.js';

export const PHONE_MARKER = '[PHONE]';

/** Not inside a word or number, and not a further group of a preceding number. */
const START = String.raw`(?<![\w+#./-])(?<!\d[ .-])`;
/** Not followed by a word, more digits, a decimal part or another digit group. */
const END = String.raw`(?![\w-]|[.,/]\d| \d)`;
const EXTENSION = String.raw`(?: ?(?:ext\.?|x) ?\d{1,5})?`;

/** `+44 20 7946 0958`, `+44 (0)20 7946 0958`, `+7 (495) 123-45-67`, `+15551234567`. */
const INTERNATIONAL = String.raw`\+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(\d{1,5}\))?(?:[ .-]?\d){6,13}`;
/** `(555) 123-4567`, `555.123.4567`, `1-800-555-0199`. */
const NORTH_AMERICAN = String.raw`(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}`;
/** Trunk 0 and at least one separator: `020 7946 0958`, `06 12 34 56 78`, `(030) 1234567`. */
const NATIONAL = String.raw`(?:\(0\d{1,4}\) ?|0\d{1,4}[ .-])\d{2,8}(?:[ .-]\d{2,8}){0,3}`;

const pattern = (body: string) => new RegExp(START + body + EXTENSION + END, 'g');
const SHAPES: ReadonlyArray<[RegExp, (phone: string, before: string) => boolean]> = [
  [pattern(INTERNATIONAL), isInternational],
  [pattern(NORTH_AMERICAN), isNorthAmerican],
  [pattern(NATIONAL), isNational],
];

/** Words that make three bare space-separated groups a phone number (`call 415 555 0132`). */
const PHONE_CUE = /\b(?:phone[ds]?|telephone|tel|call(?:ed|ing)?|mobile|mob|cell(?:phone)?|fax|whatsapp|sms|text|dial|ring|reach|contact)\b[^\d\n]{0,24}$/i;
const CUE_WINDOW = 40;

export function redactPhoneNumbers(text: string): string {
  if (!hasDigits(text, 7)) return text;
  let out = text;
  for (const [shape, accept] of SHAPES) {
    out = out.replace(shape, (match: string, offset: number, whole: string) => {
      const phone = withoutExtension(match);
      const before = whole.slice(Math.max(0, offset - CUE_WINDOW), offset);
      return accept(phone, before) ? PHONE_MARKER : match;
    });
  }
  return out;
}

function isInternational(phone: string): boolean {
  const digits = countDigits(phone.replace('(0)', ''));
  if (!inRange(digits, 8, 15)) return false;
  // One dot and no other separator is a signed decimal (`+40.712812`), not a phone.
  if (/^\+\d+\.\d+$/.test(phone)) return false;
  if (!/^\+\d+$/.test(phone)) return true;
  // Unseparated, only a plausible E.164 number counts, else `+1234567890` is a score delta.
  // +1 (North America) and +7 have ten national digits; the area code of +1 starts 2-9.
  if (phone.startsWith('+1')) return digits === 11 && phone.charCodeAt(2) >= 50;
  if (phone.startsWith('+7')) return digits === 11;
  return digits >= 10;
}

/** 9 to 12 digits with the trunk 0; with the 00 international prefix (`0044 20 ...`), up to 17. */
function isNational(phone: string): boolean {
  return inRange(countDigits(phone), 9, phone.startsWith('00') ? 17 : 12);
}

/** Groups separated by spaces alone are too often sizes or counts: they need a cue word. */
function isNorthAmerican(phone: string, before: string): boolean {
  return /[(.-]/.test(phone) || PHONE_CUE.test(before);
}

function withoutExtension(match: string): string {
  const ext = / ?(?:ext\.?|x) ?\d{1,5}$/.exec(match);
  return ext ? match.slice(0, ext.index) : match;
}

function inRange(value: number, min: number, max: number): boolean {
  return value >= min && value <= max;
}
