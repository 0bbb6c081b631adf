/**
 * Streams that are `ReadableStream`s (Mistral's `EventStream`). Every way of reading one
 * (`for await`, `getReader()`, `tee()`, `pipeTo()`, `new Response(stream)`) goes through the
 * stream's internal reader, which no overridable method sees. What they all share is the
 * underlying source the stream was constructed with: each item passes its controller's
 * `enqueue` exactly once, whoever reads, and every way of stopping ends in `close`, `error`
 * or the source's `cancel`. So the SDK's stream class is re-parented, once per loaded copy,
 * onto a `ReadableStream` subclass that wraps that source; `instanceof`, the prototype
 * methods and statics stay as they were.
 *
 * Only streams built while a traced streaming call is open (its frame is current: the SDK
 * builds the stream in the continuation of the patched method) are tapped, and only the first
 * one per call; every other stream of that class keeps its source untouched.
 */
import { types } from 'node:util';
import { currentFrame } from '../trace/context.js';
import type { StreamObserver } from './streams.js';
import { watchAbandonment } from './abandoned.js';

/** Where items, and the one way the stream stopped, are reported (settles once). */
export interface SourceTap {
  chunk(item: unknown): void;
  end(): void;
  error(error: unknown): void;
  cancel(): void;
  /** The stream the tap feeds was built: a record must still end if the app drops it unfinished. */
  watch?(stream: object): void;
}

interface Shared {
  /** Open calls waiting for their stream, keyed by the call: makes the call's tap. */
  claims: WeakMap<object, () => SourceTap>;
  /** Streams being observed. */
  tapped: WeakSet<object>;
}

// On globalThis: the class may have been re-parented by the other tracewire build (ESM/CJS).
const SHARED_KEY = Symbol.for('tracewire.readable-taps.v1');
const shared: Shared = ((globalThis as unknown as Record<symbol, Shared>)[SHARED_KEY] ??= {
  claims: new WeakMap(),
  tapped: new WeakSet(),
});
const REPARENTED = Symbol.for('tracewire.readable-reparented.v1');

type StreamClass = new (source?: UnderlyingDefaultSource, strategy?: QueuingStrategy) => ReadableStream;

/** Makes `cls` tap the source of the streams traced calls build; false when it is no ReadableStream class. */
export function tapStreamClass(cls: unknown): boolean {
  if (typeof cls !== 'function' || !(cls.prototype instanceof ReadableStream)) return false;
  if (Object.hasOwn(cls, REPARENTED)) return true;
  const parent = Object.getPrototypeOf(cls) as StreamClass;
  class TappedSource extends parent {
    constructor(source?: UnderlyingDefaultSource, strategy?: QueuingStrategy) {
      const tap = claimTap(source);
      super(tap ? tappedSource(source ?? {}, tap) : source, strategy);
      if (tap) {
        shared.tapped.add(this);
        tap.watch?.(this);
      }
    }
  }
  Object.setPrototypeOf(cls, TappedSource);
  Object.defineProperty(cls, REPARENTED, { value: true });
  return true;
}

/** The call's stream, when the SDK builds one, reports to the tap `make` returns. */
export function expectStream(call: object, make: () => SourceTap): void {
  shared.claims.set(call, make);
}

export function forgetStream(call: object): void {
  shared.claims.delete(call);
}

export function isTapped(stream: object): boolean {
  return shared.tapped.has(stream);
}


function claimTap(source: UnderlyingDefaultSource | undefined): SourceTap | undefined {
  try {
    // A byte stream's controller is another kind, which the facade below does not imitate.
    if ((source as { type?: unknown } | undefined)?.type !== undefined) return undefined;
    const call = currentFrame()?.call;
    const make = call && shared.claims.get(call);
    if (!make) return undefined;
    shared.claims.delete(call);
    return make();
  } catch {
    return undefined;
  }
}

/**
 * The source as the SDK wrote it, with a controller that reports after the real one accepted
 * the call: an item `enqueue` refuses (the stream was cancelled meanwhile) is not counted.
 */
function tappedSource(source: UnderlyingDefaultSource, tap: SourceTap): UnderlyingDefaultSource {
  let facade: ReadableStreamDefaultController | undefined;
  const controllerFor = (controller: ReadableStreamDefaultController) =>
    (facade ??= {
      get desiredSize() {
        return controller.desiredSize;
      },
      enqueue(item?: unknown) {
        controller.enqueue(item);
        tap.chunk(item);
      },
      close() {
        controller.close();
        tap.end();
      },
      error(reason?: unknown) {
        controller.error(reason);
        tap.error(reason);
      },
    });
  const pull = source.pull;
  return {
    start: (controller) => source.start?.call(source, controllerFor(controller)),
    ...(pull
      ? {
          // A rejected pull errors the stream just as controller.error() does. The SDK's own
          // promise is handed back and watched on a side branch: an async wrapper here would
          // cost a promise and an await of its own for every item.
          pull: (controller: ReadableStreamDefaultController) => {
            let pulled: unknown;
            try {
              pulled = pull.call(source, controllerFor(controller));
            } catch (error) {
              tap.error(error);
              throw error;
            }
            if (types.isPromise(pulled)) Promise.prototype.then.call(pulled, undefined, (error: unknown) => tap.error(error));
            return pulled as Promise<void> | undefined;
          },
        }
      : {}),
    cancel: (reason) => {
      tap.cancel();
      return source.cancel?.call(source, reason);
    },
  };
}

/**
 * A tap that feeds `observer` and settles it once (a cancelled stream's pending pull may still
 * close or error it). Once settled it lets the observer go: the stream may outlive its record.
 */
export function observerTap(observer: StreamObserver): SourceTap {
  let live: StreamObserver | undefined = observer;
  const settle = (end: (o: StreamObserver) => void) => {
    const current = live;
    live = undefined;
    if (current) end(current);
  };
  return {
    // Hiding items is not offered here: a pull that enqueues nothing would stall the reader.
    chunk: (item) => void live?.chunk(item),
    end: () => settle((o) => o.end()),
    error: (error) => settle((o) => o.error(error)),
    cancel: () => settle((o) => o.cancel()),
    // Readers hold their stream: once the stream is collected, nothing can read it any more.
    watch: (stream) => void watchAbandonment(stream, observer),
  };
}
