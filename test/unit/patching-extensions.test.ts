/**
 * The engine's generic pieces added for SDKs shaped unlike openai/anthropic, on made-up SDKs:
 * owners found by file and fallback method names, per-target client checks, ReadableStream
 * source taps, envelope-free error descriptions and integration-specific aborts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { originalOf } from '../../src/patching/engine.js';
import { abortTest } from '../../src/patching/errors.js';
import { patchExports, patchInstance } from '../../src/patching/install.js';
import { awaitStream, claimStream, stopAwaitingStream, tapStreamClass, type SourceTap } from '../../src/patching/readable.js';
import type { IntegrationDefinition } from '../../src/patching/types.js';
import { toCallException } from '../../src/trace/exception.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A package folder whose `lib/hidden.js` defines a class its root does not export. */
function fakePackage(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-fake-sdk-'));
  made.push(dir);
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fake-sdk', version: '1.0.0' }));
  writeFileSync(join(dir, 'lib/hidden.js'), source);
  return dir;
}

const integration = (targets: IntegrationDefinition['targets']): IntegrationDefinition => ({
  name: 'cohere',
  packageName: 'fake-sdk',
  testedMajors: [1, 1],
  destination: () => ({ provider: 'fake' }),
  targets,
});

describe('locating owners and methods', () => {
  it('classFiles reach a class the package does not export; fallbackMethod serves an older generation', () => {
    const dir = fakePackage('class Hidden { __send() { return "new"; } }\nclass Old { send() { return "old"; } }\nmodule.exports = { Hidden, Old };');
    const def = integration([
      { opName: 'fake.send', kind: 'llm', classFiles: [{ file: 'lib/hidden.js', path: ['Hidden'] }], classPaths: [], method: '__send', fallbackMethod: 'send', instancePath: [] },
      { opName: 'fake.old', kind: 'llm', classFiles: [{ file: 'lib/missing.js', path: ['X'] }, { file: 'lib/hidden.js', path: ['Old'] }], classPaths: [], method: '__send', fallbackMethod: 'send', instancePath: [] },
    ]);
    expect(patchExports({}, def, '1.0.0', dir)).toBe(2);
    const { Hidden, Old } = createRequire(import.meta.url)(join(dir, 'lib/hidden.js'));
    expect(originalOf(Hidden.prototype.__send)).toBeDefined();
    expect(originalOf(Old.prototype.send)).toBeDefined();
    expect(new Hidden().__send()).toBe('new');
  });

  it('appliesTo keeps a target off clients it does not belong to', () => {
    const def = integration([
      { opName: 'fake.v1', kind: 'llm', classPaths: [], method: 'chat', instancePath: [], appliesTo: (client) => !('inner' in client) },
      { opName: 'fake.v2', kind: 'llm', classPaths: [], method: 'chat', instancePath: ['inner'] },
    ]);
    const v2 = { inner: { chat: () => 2 }, chat: () => 1 };
    expect(patchInstance(v2, def, undefined)).toBe(1);
    expect(originalOf(v2.chat)).toBeUndefined();
    expect(originalOf(v2.inner.chat)).toBeDefined();
  });
});

describe('tapStreamClass', () => {
  class SdkStream extends ReadableStream<number> {
    static made = 'static';
    constructor(items: number[]) {
      let next = 0;
      super({ pull: (controller) => (next < items.length ? controller.enqueue(items[next++]!) : controller.close()) });
    }
  }
  const seen: string[] = [];
  const tap: SourceTap = { chunk: (item) => seen.push(`chunk ${item}`), end: () => seen.push('end'), error: () => seen.push('error'), cancel: () => seen.push('cancel') };
  tapStreamClass(SdkStream);

  /** Builds streams the way a traced call's SDK does: while the call waits for its stream. */
  const whileWaiting = <T>(build: () => T): T => {
    awaitStream();
    try {
      return build();
    } finally {
      stopAwaitingStream();
    }
  };
  const read = async (s: ReadableStream<number>) => {
    const out: number[] = [];
    for await (const item of s) out.push(item);
    return out;
  };

  it('the call whose result the stream is claims it: items pulled before the claim come first, every item once, whoever reads', async () => {
    seen.length = 0;
    const stream = whileWaiting(() => new SdkStream([1, 2, 3]));
    // The stream pulls ahead before anyone reads or claims it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
    expect(claimStream(stream, () => tap)).toBe(true);
    expect(seen).toEqual(['chunk 1']);
    const [a, b] = stream.tee();
    expect(await Promise.all([read(a), read(b)])).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(seen).toEqual(['chunk 1', 'chunk 2', 'chunk 3', 'end']);
    expect(claimStream(stream, () => tap)).toBe(false); // one call's only
  });

  it('streams built while no traced call waits are untouched; the class keeps its identity and statics', async () => {
    seen.length = 0;
    const stream = new SdkStream([1]);
    expect(claimStream(stream, () => tap)).toBe(false);
    expect(stream).toBeInstanceOf(SdkStream);
    expect(stream).toBeInstanceOf(ReadableStream);
    expect(SdkStream.made).toBe('static');
    expect((SdkStream as unknown as { from?: unknown }).from).toBe((ReadableStream as unknown as { from?: unknown }).from);
    expect(await read(stream)).toEqual([1]);
    expect(seen).toEqual([]);
  });

  it('an end and a cancel are held and replayed too; concurrent calls each claim their own stream', async () => {
    seen.length = 0;
    const [first, second] = whileWaiting(() => [new SdkStream([]), new SdkStream([7, 8])]);
    await new Promise((resolve) => setImmediate(resolve)); // `first` closes before anyone claims it
    await second.cancel('bye');
    const other: string[] = [];
    expect(claimStream(second, () => ({ ...tap, chunk: (item) => other.push(`chunk ${item}`), cancel: () => other.push('cancel') }))).toBe(true);
    expect(claimStream(first, () => tap)).toBe(true);
    expect(seen).toEqual(['end']);
    expect(other).toEqual(['chunk 7', 'cancel']);
    expect(tapStreamClass(SdkStream)).toBe(true); // once per class
    expect(tapStreamClass(class NotAStream {})).toBe(false);
  });

  it('a pull that rejects without erroring the controller is reported as the error, and the reader still gets it', async () => {
    class RejectingStream extends ReadableStream<number> {
      constructor() {
        let pulls = 0;
        super({
          async pull(controller) {
            if (pulls++ === 0) return controller.enqueue(1);
            throw new Error('connection reset');
          },
        });
      }
    }
    tapStreamClass(RejectingStream);
    const reports: unknown[] = [];
    const stream = whileWaiting(() => new RejectingStream());
    claimStream(stream, () => ({ ...tap, chunk: (item) => reports.push(item), error: (error) => reports.push(error) }));
    await expect(read(stream)).rejects.toThrow('connection reset');
    expect(reports).toEqual([1, new Error('connection reset')]);
  });

  it('a relay nobody claims stops holding after 64 reports: an untraced stream of the class keeps nothing', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const stream = whileWaiting(() => new SdkStream(items));
    expect(await read(stream)).toEqual(items);
    expect(claimStream(stream, () => tap)).toBe(false);
  });
});

describe('errors', () => {
  it("the record's exception takes the HTTP status from `status` or, for Fern/Speakeasy SDKs, `statusCode`; the error is untouched", () => {
    class SDKError extends Error {
      statusCode = 422;
    }
    const error = new SDKError('bad');
    expect(toCallException(error)).toMatchObject({ type: 'SDKError', message: 'bad', status: 422 });
    expect(error).not.toHaveProperty('status');
    expect(toCallException(Object.assign(new Error('x'), { status: 500, statusCode: 503 })).status).toBe(500);
    expect(toCallException('text')).toEqual({ type: 'string', message: 'text' });
  });

  it('credentials in a URL an SDK quotes in its error are redacted from message and stack', () => {
    const error = new Error('Invalid serverURL: https://bob:s3cr3t@proxy.example.com/v1 (mail ops@example.com)');
    const exception = toCallException(error);
    expect(exception.message).toBe('Invalid serverURL: https://[REDACTED]@proxy.example.com/v1 (mail ops@example.com)');
    expect(exception.stack).not.toContain('s3cr3t');
  });

  it('abortTest adds an integration\'s own abort errors to the standard AbortError; a throwing test is no abort', () => {
    const base = integration([]);
    const own = { ...base, isAbort: (e: unknown) => (e as Error).message === 'user stopped' };
    const throwing = { ...base, isAbort: () => { throw new Error('bug'); } };
    const abort = new DOMException('aborted', 'AbortError');
    expect([abortTest(base)(abort), abortTest(own)(abort), abortTest(own)(new Error('user stopped'))]).toEqual([true, true, true]);
    expect(abortTest(base)(new Error('user stopped'))).toBe(false);
    expect(abortTest(throwing)(new Error('x'))).toBe(false);
  });
});
