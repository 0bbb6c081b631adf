/** The plain-data fast path of snapshot() must give exactly what the general walk gives. */
import { describe, expect, it } from 'vitest';
import { keyRedactionFor } from '../../src/privacy/index.js';
import { randomPlain, recordedBodies } from '../helpers/plain-data.js';
import { NOT_PLAIN, plainCopy } from '../../src/serialize/plain-copy.js';
import { DEFAULT_SNAPSHOT_LIMITS, snapshot as fullSnapshot, walkedSnapshot, type Snapshot, type SnapshotLimits } from '../../src/serialize/snapshot.js';

/** The copy and its size, which must not depend on the path taken (`exact` is tested apart, in shape-copy.test.ts). */
const snapshot = (...args: Parameters<typeof fullSnapshot>): Snapshot => {
  const { value, bytes } = fullSnapshot(...args);
  return { value, bytes };
};

const redaction = keyRedactionFor(undefined);
const tight: SnapshotLimits = { maxDepth: 3, maxStringLength: 40, maxArrayLength: 3, maxObjectKeys: 3, maxBytes: 300 };

describe('plain copy', () => {
  it('equals the general walk, value and size, on every recorded body, with and without redaction', () => {
    const bodies = recordedBodies();
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) {
      const walked = walkedSnapshot(body, DEFAULT_SNAPSHOT_LIMITS);
      expect(snapshot(body)).toEqual(walked);
      expect(snapshot(body, undefined, redaction)).toEqual(walkedSnapshot(body, DEFAULT_SNAPSHOT_LIMITS, redaction));
      // The fast path is the one taken for every body the walk copies whole (one recorded image
      // is longer than the string limit, and cut), not a bystander.
      const whole = JSON.stringify(walked.value) === JSON.stringify(body);
      expect(plainCopy(body, DEFAULT_SNAPSHOT_LIMITS, redaction) !== NOT_PLAIN).toBe(whole);
    }
  });

  it('equals the general walk on random data, under default and tight limits', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const value = randomPlain(seed);
      for (const limits of [DEFAULT_SNAPSHOT_LIMITS, tight]) {
        expect(snapshot(value, limits, redaction)).toEqual(walkedSnapshot(value, limits, redaction));
      }
    }
  });

  it('gives up on what only the general walk handles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: unknown[] = [
      cyclic, new Date(0), { when: new Date(0) }, { n: Number.NaN }, { b: 1n }, { f() {} }, new Map([['a', 1]]),
      { toJSON: () => 'x' }, JSON.parse('{"__proto__": 1}'), { long: 'x'.repeat(DEFAULT_SNAPSHOT_LIMITS.maxStringLength + 1) },
      Object.defineProperty({}, 'boom', { enumerable: true, get() { throw new Error('getter'); } }),
      new (class Custom { a = 1; })(),
    ];
    for (const value of cases) {
      expect(plainCopy(value, DEFAULT_SNAPSHOT_LIMITS, redaction)).toBe(NOT_PLAIN);
      expect(snapshot(value, undefined, redaction)).toEqual(walkedSnapshot(value, DEFAULT_SNAPSHOT_LIMITS, redaction));
    }
  });

  it('gives up while Object.prototype has an enumerable key (its for-in would list it): the copy keeps own keys only', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const value = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    try {
      proto.polluted = 'inherited';
      expect(plainCopy(value, DEFAULT_SNAPSHOT_LIMITS, redaction)).toBe(NOT_PLAIN);
      expect(snapshot(value, undefined, redaction).value).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(Object.keys(snapshot(value, undefined, redaction).value as object)).toEqual(['model', 'messages']);
    } finally {
      delete proto.polluted;
    }
    expect(plainCopy(value, DEFAULT_SNAPSHOT_LIMITS, redaction)).not.toBe(NOT_PLAIN);
  });

  it('gives up on an object with more keys than the limit, as the general walk cuts it', () => {
    const wide = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    const limits: SnapshotLimits = { ...DEFAULT_SNAPSHOT_LIMITS, maxObjectKeys: 10 };
    expect(plainCopy(wide, limits, redaction)).toBe(NOT_PLAIN);
    expect(plainCopy(wide, { ...limits, maxObjectKeys: 12 }, redaction)).not.toBe(NOT_PLAIN);
  });
});
