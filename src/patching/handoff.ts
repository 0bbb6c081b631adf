/**
 * Responses handed off: an SDK helper may take the raw response of a traced streaming call
 * instead of its parsed result, and build its own stream from it through the SDK's stream
 * factory (Anthropic 1.x message threads: `_responseProps()` then `Stream.fromSSEResponse`,
 * docs/internals/anthropic-sdk.md §4). The traced promise is then never parsed, and the stream
 * the engine would have observed is never built.
 *
 * So while a traced streaming call's response waits unparsed, it is listed here with the call's
 * way of taking a stream; the patched factory, building a stream from a listed response, hands
 * the stream over. Whichever comes first wins: the call's own parse (which withdraws the
 * response, its stream then comes through the parse) or a stream built by someone else.
 */
import { describeError, warnOnce } from '../log.js';
import { markWrapped, originalOf, replaceMethod } from './engine.js';

type Take = (stream: unknown) => void;
type Method = (this: unknown, ...args: unknown[]) => unknown;

// On globalThis: the factory may be patched by the other tracewire build (ESM/CJS).
const KEY = Symbol.for('tracewire.handoffs.v1');
const waiting: WeakMap<object, Take> = ((globalThis as unknown as Record<symbol, WeakMap<object, Take>>)[KEY] ??= new WeakMap());

/** Lists `response` until a stream is built from it or the returned withdraw is called. */
export function awaitHandoff(response: unknown, take: Take): () => void {
  if (response === null || typeof response !== 'object') return () => {};
  waiting.set(response, take);
  return () => {
    if (waiting.get(response) === take) waiting.delete(response);
  };
}

/** Wraps the static factory `method` of `owner` (response first); false when it has none. */
export function patchStreamFactory(owner: Record<string, unknown>, method: string): boolean {
  const original = owner[method];
  if (typeof original !== 'function') return false;
  if (originalOf(original)) return true;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const stream = (original as Method).apply(this, args);
    const response = args[0];
    const take = response !== null && typeof response === 'object' ? waiting.get(response) : undefined;
    if (take) {
      waiting.delete(response as object);
      try {
        take(stream);
      } catch (error) {
        warnOnce('handoff', `could not observe a stream built from a traced response; its record may be incomplete: ${describeError(error)}`);
      }
    }
    return stream;
  };
  markWrapped(wrapped, original as Method);
  replaceMethod(owner, method, wrapped);
  return true;
}
