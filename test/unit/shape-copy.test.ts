/**
 * Copies made at a ShapeSite (compiled per key list, shape-copy.ts) must equal the general walk
 * exactly: value, key order and size, whatever the data, the limits and the redaction.
 */
import { describe, expect, it } from 'vitest';
import { keyRedactionFor } from '../../src/privacy/index.js';
import { ShapeSite } from '../../src/serialize/shape-copy.js';
import { DEFAULT_SNAPSHOT_LIMITS, snapshot, walkedSnapshot, type KeyRedaction, type SnapshotLimits } from '../../src/serialize/snapshot.js';
import { randomPlain, recordedBodies } from '../helpers/plain-data.js';

const redaction = keyRedactionFor(undefined);
const tight: SnapshotLimits = { maxDepth: 3, maxStringLength: 40, maxArrayLength: 3, maxObjectKeys: 3, maxBytes: 300 };

/** The same keys everywhere, other leaves: what the next call through one method looks like. */
function varyLeaves(value: unknown, round: number): unknown {
  if (typeof value === 'string') return `${value}${round}`;
  if (typeof value === 'number' && !Object.is(value, -0)) return value + round;
  if (Array.isArray(value)) return value.map((item) => varyLeaves(item, round));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, varyLeaves(item, round)]));
  }
  return value;
}

/** Copies `values` in turn at one site; each must be what the walk gives, down to key order. */
function expectSameAsWalk(site: ShapeSite, values: unknown[], limits: SnapshotLimits, keys?: KeyRedaction): void {
  for (const value of values) {
    const copied = snapshot(value, limits, keys, site);
    const walked = walkedSnapshot(value, limits, keys);
    expect({ value: copied.value, bytes: copied.bytes }).toEqual(walked);
    expect(JSON.stringify(copied.value)).toBe(JSON.stringify(walked.value));
  }
}

const rounds = (value: unknown, count = 8) => Array.from({ length: count }, (_, round) => varyLeaves(value, round));

/**
 * Copies `value`'s rounds at a fresh site per limits and redaction (none, the default), each
 * checked against the walk; returns how many shapes those sites compiled.
 */
function compiledAcross(value: unknown, limitsList: SnapshotLimits[]): number {
  let compiled = 0;
  for (const limits of limitsList) {
    for (const keys of [undefined, redaction]) {
      const site = new ShapeSite();
      expectSameAsWalk(site, rounds(value), limits, keys);
      compiled += site.compiled;
    }
  }
  return compiled;
}

describe('compiled copies (ShapeSite)', () => {
  it('equal the general walk on every recorded body copied call after call, and are the path taken', () => {
    const compiled = recordedBodies().reduce((sum: number, body) => sum + compiledAcross(body, [DEFAULT_SNAPSHOT_LIMITS]), 0);
    expect(compiled).toBeGreaterThan(100);
  });

  it('equal the general walk on random data with repeating shapes, under default and tight limits', () => {
    let compiled = 0;
    for (let seed = 1; seed <= 300; seed++) compiled += compiledAcross(randomPlain(seed), [DEFAULT_SNAPSHOT_LIMITS, tight]);
    expect(compiled).toBeGreaterThan(300);
  });

  it('keep integer-like keys first and the rest in insertion order, as the original lists them', () => {
    const site = new ShapeSite();
    const value = { b: 1, 2: 'two', a: 2, 1: 'one' };
    expectSameAsWalk(site, rounds(value, 4), DEFAULT_SNAPSHOT_LIMITS);
    expect(site.compiled).toBe(1);
    expect(Object.keys(snapshot(value, undefined, undefined, site).value as object)).toEqual(['1', '2', 'b', 'a']);
  });

  it('learn key lists that alternate, as the messages of a chat history do', () => {
    const site = new ShapeSite();
    const user = { role: 'user', content: 'q' };
    const assistant = { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] };
    const tool = { role: 'tool', tool_call_id: 'c', content: 'r' };
    const body = { model: 'm', messages: [user, assistant, tool, assistant, tool, user] };
    expectSameAsWalk(site, rounds(body), DEFAULT_SNAPSHOT_LIMITS);
    // The body, its three kinds of message, a tool call and its function.
    expect(site.compiled).toBe(6);
  });

  it('copy a leaf whose type changed since its key list was compiled, as the walk does', () => {
    const site = new ShapeSite();
    const learned = { text: 'a', count: 1, flag: true, none: null };
    const others: unknown[] = ['b', 2, -0, false, null, { x: 1 }, [1, 'y'], Number.NaN, Number.POSITIVE_INFINITY, 'z'.repeat(41)];
    const values = others.flatMap((other) => [
      { text: other, count: 1, flag: true, none: null },
      { text: 'a', count: other, flag: true, none: null },
      { text: 'a', count: 1, flag: other, none: null },
      { text: 'a', count: 1, flag: true, none: other },
    ]);
    const limits = { ...DEFAULT_SNAPSHOT_LIMITS, maxStringLength: 40 };
    expectSameAsWalk(site, [learned, learned, ...values, learned], limits);
    expect(site.compiled).toBe(1);
    expect(snapshot({ text: 'a', count: -0, flag: true, none: null }, limits, undefined, site).value).toEqual({ text: 'a', count: 0, flag: true, none: null });
  });

  it('leave out a key whose value is undefined, like the key-by-key copy', () => {
    const site = new ShapeSite();
    const body = { model: 'm', temperature: 0.5, messages: [{ role: 'user', content: 'hi' }] };
    expectSameAsWalk(site, [body, body, body, { ...body, temperature: undefined }, body], DEFAULT_SNAPSHOT_LIMITS);
    expect(snapshot({ ...body, temperature: undefined }, undefined, undefined, site).value).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('never compile a key the redaction may hide, whatever the object around it', () => {
    const site = new ShapeSite();
    // A logprob's `token` is kept while `logprob` is a number, and hidden otherwise: one key list, two outcomes.
    const kept = { token: 'Hello', logprob: -0.1 };
    const hidden = { token: 'sk-live-secret', logprob: 'n/a' };
    expectSameAsWalk(site, [kept, kept, kept, hidden, kept, hidden], DEFAULT_SNAPSHOT_LIMITS, redaction);
    expect(snapshot(hidden, undefined, redaction, site).value).toEqual({ token: '[REDACTED]', logprob: 'n/a' });
    expect(site.compiled).toBe(0);
    const credentials = { api_key: 'sk-1', model: 'm' };
    expectSameAsWalk(site, rounds(credentials), DEFAULT_SNAPSHOT_LIMITS, redaction);
    expect(snapshot(credentials, undefined, redaction, site).value).toEqual({ api_key: '[REDACTED]', model: 'm' });
  });

  it('drop what they learned when the redaction or the limits change', () => {
    const site = new ShapeSite();
    const value = { api_key: 'sk-1', model: 'm' };
    expectSameAsWalk(site, rounds(value), DEFAULT_SNAPSHOT_LIMITS);
    expect(site.compiled).toBe(1);
    expect(snapshot(value, undefined, redaction, site).value).toEqual({ api_key: '[REDACTED]', model: 'm' });
    expect(site.compiled).toBe(0);
    expectSameAsWalk(site, rounds({ k: 'x'.repeat(50) }), tight);
  });

  it('give up to the general walk on what only it handles, after shapes were compiled', () => {
    const site = new ShapeSite();
    const plain = { a: 1, b: { c: 'x' } };
    expectSameAsWalk(site, rounds(plain), DEFAULT_SNAPSHOT_LIMITS);
    expect(site.compiled).toBe(2);
    const cyclic: Record<string, unknown> = { a: 1, b: { c: 'x' } };
    (cyclic.b as Record<string, unknown>).c = cyclic;
    const cases = [
      cyclic,
      { a: 1, b: new (class Custom { c = 'x'; })() },
      { a: 1, b: Object.assign(Object.create({ toJSON: () => 'z' }), { c: 'x' }) },
      { a: 1, b: Object.assign(Object.create(null), { c: 'x' }) },
      { a: 1, b: { c: () => 'x' } },
      { a: Number.NaN, b: { c: 'x' } },
      { a: 1, b: { c: new Date(0) } },
      { a: 1, b: Object.defineProperty({}, 'c', { enumerable: true, get() { throw new Error('getter'); } }) },
      JSON.parse('{"a": 1, "__proto__": {"c": "x"}}'),
      { a: 1, b: { c: 'x'.repeat(DEFAULT_SNAPSHOT_LIMITS.maxStringLength + 1) } },
    ];
    expectSameAsWalk(site, cases.flatMap((value) => [value, value, value]), DEFAULT_SNAPSHOT_LIMITS, redaction);
  });

  it('learn no shape from objects that are not plain, which the general walk copies every time', () => {
    const site = new ShapeSite();
    class Message {
      role = 'user';
      content = 'hi';
    }
    expectSameAsWalk(site, Array.from({ length: 6 }, () => ({ messages: [new Message(), new Message()] })), DEFAULT_SNAPSHOT_LIMITS);
    // The plain object around them only.
    expect(site.compiled).toBe(1);
  });

  it('stay within the size budget like the key-by-key copy', () => {
    const site = new ShapeSite();
    const limits = { ...DEFAULT_SNAPSHOT_LIMITS, maxBytes: 2_000 };
    const item = { role: 'user', content: 'y'.repeat(40) };
    const values = [3, 3, 3, 10, 30, 60, 3].map((count) => ({ messages: Array.from({ length: count }, () => ({ ...item })) }));
    expectSameAsWalk(site, values, limits);
    expect(site.compiled).toBeGreaterThan(0);
  });

  it('compile a bounded number of shapes, however many key lists a site meets', () => {
    const site = new ShapeSite();
    for (let i = 0; i < 2_000; i++) {
      const value = { [`k${i}`]: 1, [`j${i}`]: { [`x${i % 50}`]: [{ [`y${i % 7}`]: i }] } };
      snapshot(value, undefined, undefined, site);
      snapshot(value, undefined, undefined, site);
    }
    expect(site.compiled).toBeGreaterThan(0);
    expect(site.compiled).toBeLessThanOrEqual(256);
    expectSameAsWalk(site, rounds({ k1999: 1, j1999: { x49: [{ y4: 1 }] } }), DEFAULT_SNAPSHOT_LIMITS);
  });
});

describe('Snapshot.exact', () => {
  it('is true for plain data copied whole, false once the redaction removed something, and unset for the general walk', () => {
    const site = new ShapeSite();
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    for (let i = 0; i < 4; i++) expect(snapshot(body, undefined, redaction, site).exact).toBe(true);
    expect(snapshot({ ...body, api_key: 'sk' }, undefined, redaction).exact).toBe(false);
    expect(snapshot({ ...body, api_key: 'sk' }, undefined, undefined).exact).toBe(true);
    expect(snapshot({ ...body, when: new Date(0) }, undefined, redaction).exact).toBeUndefined();
    expect(snapshot({ text: 'x'.repeat(50) }, tight).exact).toBeUndefined();
  });
});
