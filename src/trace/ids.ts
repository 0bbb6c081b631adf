import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then random bits. Random bytes come from a
 * pooled buffer because one crypto call per id would dominate the cost of starting a call.
 */
const POOL_IDS = 512;
const pool = Buffer.allocUnsafe(POOL_IDS * 10);
let offset = pool.length;
/** ASCII codes of the hex digits, to write an id into bytes and decode it once. */
const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1');
const out = Buffer.alloc(36);

let lastMs = 0;
let sequence = 0;

function writeByte(at: number, value: number): number {
  out[at] = HEX_CODES[(value >>> 4) & 0x0f]!;
  out[at + 1] = HEX_CODES[value & 0x0f]!;
  return at + 2;
}

/**
 * The ordered half of an id: its millisecond and a 12-bit counter, as one number (ms * 4096 +
 * counter, exact in a double until the year 2248). Taken when a call starts, so ids sort in
 * the order calls started; the string is made later, when the id is first read.
 */
export function idStamp(): number {
  let ms = Date.now();
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
  return ms * 0x1000 + sequence;
}

/**
 * The id is written as ASCII into one buffer and decoded once: concatenating two-character
 * pieces would leave a rope of small strings alive for as long as the call is queued.
 */
export function uuidv7(stamp: number = idStamp()): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += 10;
  const ms = Math.floor(stamp / 0x1000);
  const sequence = stamp % 0x1000;
  const high = Math.floor(ms / 0x1000000);
  const low = ms % 0x1000000;
  let at = writeByte(0, (high >>> 16) & 0xff);
  at = writeByte(at, (high >>> 8) & 0xff);
  at = writeByte(at, high & 0xff);
  at = writeByte(at, (low >>> 16) & 0xff);
  out[at++] = 0x2d;
  at = writeByte(at, (low >>> 8) & 0xff);
  at = writeByte(at, low & 0xff);
  out[at++] = 0x2d;
  at = writeByte(at, 0x70 | ((sequence >>> 8) & 0x0f));
  at = writeByte(at, sequence & 0xff);
  out[at++] = 0x2d;
  at = writeByte(at, 0x80 | (pool[r + 1]! & 0x3f));
  at = writeByte(at, pool[r + 2]!);
  out[at++] = 0x2d;
  for (let i = 3; i <= 8; i++) at = writeByte(at, pool[r + i]!);
  return out.toString('latin1', 0, 36);
}
