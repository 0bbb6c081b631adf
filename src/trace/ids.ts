import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then random bits. Random bytes come from a
 * pooled buffer because one crypto call per id would dominate the cost of starting a call.
 */
const POOL_IDS = 512;
const pool = Buffer.allocUnsafe(POOL_IDS * 10);
let offset = pool.length;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

let lastMs = 0;
let sequence = 0;

export function uuidv7(): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += 10;
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
    sequence = pool[r]! & 0x3f;
  }
  const high = Math.floor(ms / 0x1000000);
  const low = ms % 0x1000000;
  return (
    HEX[(high >>> 16) & 0xff]! + HEX[(high >>> 8) & 0xff]! + HEX[high & 0xff]! +
    HEX[(low >>> 16) & 0xff]! + '-' + HEX[(low >>> 8) & 0xff]! + HEX[low & 0xff]! + '-' +
    HEX[0x70 | ((sequence >>> 8) & 0x0f)]! + HEX[sequence & 0xff]! + '-' +
    HEX[0x80 | (pool[r + 1]! & 0x3f)]! + HEX[pool[r + 2]!]! + '-' +
    HEX[pool[r + 3]!]! + HEX[pool[r + 4]!]! + HEX[pool[r + 5]!]! +
    HEX[pool[r + 6]!]! + HEX[pool[r + 7]!]! + HEX[pool[r + 8]!]!
  );
}
