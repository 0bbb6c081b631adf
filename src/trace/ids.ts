import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then random bits. Random bytes come from a
 * pooled buffer because one crypto call per id would dominate the cost of starting a call.
 */
const POOL_IDS = 512;
const pool = Buffer.allocUnsafe(POOL_IDS * 8);
let offset = pool.length;
/** Character codes of the hex digits. */
const HEX_CODES = Uint8Array.from('0123456789abcdef', (digit: string) => digit.charCodeAt(0));
const DASH = 0x2d;

/** The code of the hex digit of `value`'s lowest four bits. */
const digit = (value: number): number => HEX_CODES[value & 0x0f]!;
const high = (byte: number): number => digit(byte >>> 4);
const low = (byte: number): number => digit(byte);

let lastMs = 0;
let sequence = 0;

/**
 * Stamps count milliseconds from 2020 rather than from 1970. A stamp is ms * 4096 + counter in
 * one double, exact below 2^53: counted from 1970 that ends in September 2039, from 2020 in 2089.
 */
const STAMP_EPOCH_MS = Date.UTC(2020, 0, 1);

/** The stamp of millisecond `ms` (since 1970) and a 12-bit `counter`. */
export function stampOf(ms: number, counter: number): number {
  return (ms - STAMP_EPOCH_MS) * 0x1000 + counter;
}

/**
 * The ordered half of an id: its millisecond and a 12-bit counter, as one number (stampOf).
 * Taken when a call starts, so ids sort in the order calls started; the string is made later,
 * when the id is first read. `now` is the wall clock in milliseconds, for a caller that has
 * just read it.
 */
export function idStamp(now: number = Date.now()): number {
  let ms = now;
  // Ids made in the same millisecond still sort in creation order: a 12-bit counter in rand_a.
  if (ms <= lastMs) {
    ms = lastMs;
    sequence++;
    if (sequence > 0xfff) {
      ms = ++lastMs;
      sequence = 0;
    }
  } else {
    lastMs = ms;
    // A random start, so ids of two processes in one millisecond do not share a prefix.
    sequence = Math.floor(Math.random() * 0x40);
  }
  return stampOf(ms, sequence);
}

/** The millisecond whose "tttttttt-tttt-" starts the ids made now, and that text. */
let prefixMs = -1;
let prefix = '';

/**
 * The id of a stamp. Its first 14 characters change once a millisecond and are kept; the other
 * 22 are made in one String.fromCharCode, with no runtime call, and the id is those two flat
 * pieces joined. Decoding a buffer cost twice as much; joining two-character pieces would leave
 * a deep rope of small strings behind.
 */
export function uuidv7(stamp: number = idStamp()): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += 8;
  const sinceEpoch = Math.floor(stamp / 0x1000);
  // Not stamp % 0x1000: on a number this large V8 calls the C library's fmod.
  const sequence = stamp - sinceEpoch * 0x1000;
  const ms = sinceEpoch + STAMP_EPOCH_MS;
  if (ms !== prefixMs) {
    prefixMs = ms;
    prefix = timePrefix(ms);
  }
  const version = 0x70 | (sequence >>> 8);
  const counter = sequence & 0xff;
  const variant = 0x80 | (pool[r]! & 0x3f);
  const b1 = pool[r + 1]!, b2 = pool[r + 2]!, b3 = pool[r + 3]!, b4 = pool[r + 4]!;
  const b5 = pool[r + 5]!, b6 = pool[r + 6]!, b7 = pool[r + 7]!;
  return prefix + String.fromCharCode(
    high(version), low(version), high(counter), low(counter), DASH,
    high(variant), low(variant), high(b1), low(b1), DASH,
    high(b2), low(b2), high(b3), low(b3), high(b4), low(b4), high(b5), low(b5), high(b6), low(b6), high(b7), low(b7),
  );
}

/**
 * "tttttttt-tttt-": the 48-bit millisecond in hex, dashed as in a UUID. In two 24-bit halves,
 * since bit operations take 32 bits; not toString(16), which divides with the C library's fmod.
 */
function timePrefix(ms: number): string {
  const top = Math.floor(ms / 0x1000000);
  const bottom = ms - top * 0x1000000;
  return String.fromCharCode(
    digit(top >>> 20), digit(top >>> 16), digit(top >>> 12), digit(top >>> 8), digit(top >>> 4), digit(top),
    digit(bottom >>> 20), digit(bottom >>> 16), DASH,
    digit(bottom >>> 12), digit(bottom >>> 8), digit(bottom >>> 4), digit(bottom), DASH,
  );
}
