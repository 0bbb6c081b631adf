/**
 * snapshot(), the copy a record holds of any value: ordinary values, references and cycles,
 * built-in objects, schema objects, and hostile values, which never make it throw. How it stays
 * bounded on huge values: snapshot-limits.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { snapshot } from '../../src/serialize/snapshot.js';

describe('snapshot: ordinary values', () => {
  it('copies a chat request body exactly and does not share structure with it', () => {
    const body = {
      model: 'gpt-4o-mini',
      temperature: 0.2,
      stream: false,
      messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: null }],
    };
    const { value, bytes } = snapshot(body);
    expect(value).toEqual(body);
    expect(value).not.toBe(body);
    expect((value as { messages: unknown[] }).messages[0]).not.toBe(body.messages[0]);
    expect(bytes).toBeGreaterThanOrEqual(JSON.stringify(body).length * 0.5);
    expect(bytes).toBeLessThanOrEqual(JSON.stringify(body).length * 2);
  });

  it('maps undefined like JSON: omitted in objects, null in arrays and at the root', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(snapshot({ a: undefined, b: [undefined, 1, , 3] }).value).toEqual({ b: [null, 1, null, 3] });
    expect(snapshot(undefined).value).toBe(null);
  });

  it('turns primitives JSON cannot hold into strings', () => {
    function namedFn(): void {}
    const { value } = snapshot({
      big: 123n, sym: Symbol('desc'), fn: namedFn, arrow: () => 1, anon: [function () {}],
      nan: NaN, inf: Infinity, ninf: -Infinity, negZero: -0,
    });
    expect(value).toEqual({
      big: '123n', sym: 'Symbol(desc)', fn: '[Function namedFn]', arrow: '[Function arrow]',
      anon: ['[Function (anonymous)]'], nan: 'NaN', inf: 'Infinity', ninf: '-Infinity', negZero: 0,
    });
    expect(Object.is((value as { negZero: number }).negZero, 0)).toBe(true);
  });
});

describe('snapshot: references', () => {
  it('marks cycles but copies a repeated, non-cyclic reference each time', () => {
    const shared = { x: 1 };
    const cyclic: Record<string, unknown> = { name: 'root', shared, again: [shared, shared] };
    cyclic.self = cyclic;
    (cyclic.again as unknown[]).push({ back: cyclic });
    expect(snapshot(cyclic).value).toEqual({
      name: 'root', shared: { x: 1 }, again: [{ x: 1 }, { x: 1 }, { back: '[Circular]' }], self: '[Circular]',
    });
  });
});

describe('snapshot: built-in objects', () => {
  it('describes binary data by size and a short base64 preview, never the payload', () => {
    const { value } = snapshot({
      buffer: Buffer.from('hello'),
      bytes: new Uint8Array(100).fill(255),
      floats: new Float32Array(2),
      arrayBuffer: new ArrayBuffer(3),
      view: new DataView(new ArrayBuffer(2)),
    });
    expect(value).toEqual({
      buffer: { _type: 'Buffer', byteLength: 5, preview: 'aGVsbG8=' },
      bytes: { _type: 'Uint8Array', byteLength: 100, preview: Buffer.alloc(64, 255).toString('base64') },
      floats: { _type: 'Float32Array', byteLength: 8, preview: 'AAAAAAAAAAA=' },
      arrayBuffer: { _type: 'ArrayBuffer', byteLength: 3, preview: 'AAAA' },
      view: { _type: 'DataView', byteLength: 2, preview: 'AAA=' },
    });
    expect(Buffer.from((value as { bytes: { preview: string } }).bytes.preview, 'base64')).toHaveLength(64);
  });

  it('copies Map and Set entries, and renders Date, RegExp and URL as strings', () => {
    const { value } = snapshot({
      map: new Map<unknown, unknown>([['k', { v: 1 }], [{ o: 1 }, 2n]]),
      set: new Set([1, 'a', undefined]),
      date: new Date(0),
      invalidDate: new Date('nope'),
      regexp: /ab+c/gi,
      url: new URL('https://user:pass@example.com/path?q=1'),
    });
    expect(value).toEqual({
      map: { _type: 'Map', entries: [['k', { v: 1 }], [{ o: 1 }, '2n']] },
      set: { _type: 'Set', values: [1, 'a', null] },
      date: '1970-01-01T00:00:00.000Z',
      invalidDate: '[Invalid Date]',
      regexp: '/ab+c/gi',
      url: 'https://example.com/path?q=1',
    });
  });

  it('describes errors with name, message, stack, cause and own properties', () => {
    class RateLimitError extends Error {
      status = 429;
      code = 'rate_limit_exceeded';
      override name = 'RateLimitError';
    }
    const error = new RateLimitError('slow down', { cause: new Error('upstream') });
    const value = snapshot(error).value as Record<string, unknown>;
    expect(value).toMatchObject({
      _type: 'Error', name: 'RateLimitError', message: 'slow down', status: 429, code: 'rate_limit_exceeded',
      cause: { _type: 'Error', name: 'Error', message: 'upstream' },
    });
    expect(value.stack).toMatch(/^RateLimitError: slow down\n\s+at /);
  });

  it('uses markers for promises, weak collections, generators and live I/O objects without consuming them', async () => {
    const response = new Response('body text', { status: 201 });
    const stream = new ReadableStream({ start: (c) => { c.enqueue('x'); c.close(); } });
    const headers = new Headers({ authorization: 'Bearer secret' });
    async function* agen(): AsyncGenerator<number> { yield 1; }
    const asyncIterable = new (class SdkStream { controller = {}; [Symbol.asyncIterator]() { return agen(); } })();
    const { value } = snapshot({
      promise: Promise.resolve(1), thenable: new (class Deferred { then(): void {} })(), weakMap: new WeakMap(), weakSet: new WeakSet(),
      weakRef: new WeakRef({}), generator: (function* () { yield 1; })(), asyncGenerator: agen(),
      response, request: new Request('https://example.com', { method: 'POST', body: 'x' }), stream, headers,
      asyncIterable,
    });
    expect(value).toEqual({
      promise: '[Promise]', thenable: '[Promise]', weakMap: '[WeakMap]', weakSet: '[WeakSet]', weakRef: '[WeakRef]',
      generator: '[Generator]', asyncGenerator: '[AsyncGenerator]', response: '[Response 201]', request: '[Request]',
      stream: '[ReadableStream]', headers: '[Headers]', asyncIterable: '[AsyncIterable SdkStream]',
    });
    expect(JSON.stringify(value)).not.toContain('secret');
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('body text');
    expect(stream.locked).toBe(false);
  });

  it('copies class instances as their own enumerable properties plus _type, and honours toJSON', () => {
    class Point {
      constructor(public x: number, public y: number) {}
      get length(): number { return Math.hypot(this.x, this.y); }
    }
    const { value } = snapshot({
      point: new Point(3, 4),
      boxed: [new String('s'), new Number(2), new Boolean(false)],
      withToJSON: { secretInternals: 1, toJSON: () => ({ public: true }) },
      classWithToJSON: new (class Money { toJSON() { return '12.50 EUR'; } })(),
      nullProto: Object.assign(Object.create(null) as object, { a: 1 }),
      protoKey: JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
    });
    expect(value).toEqual({
      point: { _type: 'Point', x: 3, y: 4 },
      boxed: ['s', 2, false],
      withToJSON: { public: true },
      classWithToJSON: '12.50 EUR',
      nullProto: { a: 1 },
      protoKey: JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
    });
    expect(Object.keys((value as { protoKey: object }).protoKey)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('snapshot: schema objects (Standard Schema)', () => {
  class Schema {
    internals = { checks: [1, 2, 3], cache: new Map() };
    constructor(readonly standard: object) {}
    get '~standard'(): object {
      return this.standard;
    }
  }
  const validate = () => ({ value: 1 });

  it('are recorded as their JSON Schema when the library makes one, not as their internals', () => {
    let target: unknown;
    const schema = new Schema({
      vendor: 'acme',
      validate,
      jsonSchema: { input: (options: { target: string }) => ((target = options.target), { type: 'string', maxLength: 3 }) },
    });
    expect(snapshot({ format: schema }).value).toEqual({ format: { _type: 'Schema', vendor: 'acme', jsonSchema: { type: 'string', maxLength: 3 } } });
    expect(target).toBe('draft-2020-12');
  });

  it('are named by their library alone when no JSON Schema can be made, and a throwing schema is walked as any object', () => {
    const noConverter = new Schema({ vendor: 'acme', validate });
    const refuses = new Schema({ vendor: 'acme', validate, jsonSchema: { input: () => { throw new Error('has a transform'); } } });
    const expected = { _type: 'Schema', vendor: 'acme', jsonSchema: null };
    expect(snapshot([noConverter, refuses]).value).toEqual([expected, expected]);
    const hostile = new Schema({});
    Object.defineProperty(hostile, '~standard', { get: () => { throw new Error('no'); } });
    expect(snapshot(hostile).value).toMatchObject({ _type: 'Schema', internals: { checks: [1, 2, 3] } });
  });
});

describe('snapshot: hostile values never throw', () => {
  it('marks a throwing getter and keeps the rest of the object', () => {
    const hostile = { ok: 1, after: 'kept' };
    Object.defineProperty(hostile, 'bad', { enumerable: true, get() { throw new Error('getter exploded'); } });
    expect(snapshot({ hostile }).value).toEqual({
      hostile: { ok: 1, after: 'kept', bad: '[Threw: Error: getter exploded]' },
    });
  });

  it('marks a revoked proxy and a proxy whose traps throw', () => {
    const { proxy: revoked, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    const trapping = new Proxy({ a: 1 }, { ownKeys() { throw new Error('no keys'); } });
    const { value } = snapshot({ revoked, trapping, fine: 1 });
    expect(value).toEqual({
      revoked: "[Unserializable: TypeError: Cannot perform 'IsArray' on a proxy that has been revoked]",
      trapping: '[Unserializable: Error: no keys]',
      fine: 1,
    });
    expect(snapshot(revoked).value).toBe("[Unserializable: TypeError: Cannot perform 'IsArray' on a proxy that has been revoked]");
  });

  it('marks a toJSON that throws, and survives a thrown value that is itself hostile', () => {
    const { proxy: thrownProxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const { value } = snapshot({
      a: { toJSON() { throw new TypeError('bad toJSON'); } },
      b: { get x() { throw thrownProxy; } },
    });
    expect(value).toEqual({ a: '[Threw: TypeError: bad toJSON]', b: { x: '[Threw: unknown error]' } });
  });
});
