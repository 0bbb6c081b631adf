/** The plain-data fast path of snapshot() must give exactly what the general walk gives. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyRedactionFor } from '../../src/privacy/index.js';
import { NOT_PLAIN, plainCopy } from '../../src/serialize/plain-copy.js';
import { DEFAULT_SNAPSHOT_LIMITS, snapshot, walkedSnapshot, type SnapshotLimits } from '../../src/serialize/snapshot.js';

const WIRE = join(__dirname, '../fixtures/wire');

/** Every request and response body of the recorded exchanges. */
function recordedBodies(): unknown[] {
  const bodies: unknown[] = [];
  for (const provider of readdirSync(WIRE, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(WIRE, provider.name)).filter((f) => f.endsWith('.json'))) {
      const fixture = JSON.parse(readFileSync(join(WIRE, provider.name, file), 'utf8')) as { exchanges?: Array<{ request?: { body?: unknown }; response?: { body?: unknown } }> };
      for (const exchange of fixture.exchanges ?? []) bodies.push(exchange.request?.body, exchange.response?.body);
    }
  }
  return bodies.filter((body) => body !== undefined);
}

/** Random plain data, with the odd undefined, -0, hole and secret-looking key. */
function randomPlain(seed: number, depth = 0): unknown {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const make = (level: number): unknown => {
    const pick = next();
    if (level > 4 || pick < 0.35) {
      const leaf = [() => 'text '.repeat(Math.floor(next() * 20)), () => Math.floor(next() * 1e6) / 7, () => -0, () => true, () => null, () => undefined];
      return leaf[Math.floor(next() * leaf.length)]!();
    }
    if (pick < 0.6) {
      const items = Array.from({ length: Math.floor(next() * 6) }, () => make(level + 1));
      if (next() < 0.1) items.length += 2; // holes
      return items;
    }
    const keys = ['role', 'content', 'api_key', 'token', 'logprob', 'usage', 'x-api-key', 'model'];
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 6) }, () => [keys[Math.floor(next() * keys.length)]!, make(level + 1)]));
  };
  return make(depth);
}

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
