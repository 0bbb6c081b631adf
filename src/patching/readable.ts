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
 * Which call a stream belongs to is known only once the call hands it back (the SDK builds it
 * in a later continuation of the patched method, and calls run concurrently). So while any
 * traced streaming call waits for its stream, each stream of the class is built with a relay
 * that holds what its source reports (an item or two: a stream pulls ahead by its high-water
 * mark only); the call whose result is that very stream claims the relay, which replays what
 * it held, in order, and from then on reports straight through. No context is needed: an app
 * that only calls SDKs keeps AsyncLocalStorage, and its cost to every promise, off.
 */
import { types } from 'node:util';
import type { StreamObserver } from './streams.js';
import { watchAbandonment } from './abandoned.js';

/** Where items, and the one way the stream stopped, are reported (settles once). */
export interface SourceTap {
  chunk(item: unknown): void;
  end(): void;
  error(error: unknown): void;
  cancel(): void;
  /** The stream the tap feeds was claimed: a record must still end if the app drops it unfinished. */
  watch?(stream: object): void;
}

interface Shared {
  /** Streams built while a traced call waited for one, until a call claims them. */
  relays: WeakMap<object, Relay>;
  /** Traced streaming calls waiting for their stream, in both builds. */
  waiting: { count: number };
}

// On globalThis: the class may have been re-parented by the other tracewire build (ESM/CJS).
const SHARED_KEY = Symbol.for('tracewire.readable-relays.v2');
const shared: Shared = ((globalThis as unknown as Record<symbol, Shared>)[SHARED_KEY] ??= {
  relays: new WeakMap(),
  waiting: { count: 0 },
});
const REPARENTED = Symbol.for('tracewire.readable-reparented.v2');

type StreamClass = new (source?: UnderlyingDefaultSource, strategy?: QueuingStrategy) => ReadableStream;

/** Makes `cls` relay the source of the streams built while traced calls wait; false when it is no ReadableStream class. */
export function tapStreamClass(cls: unknown): boolean {
  if (typeof cls !== 'function' || !(cls.prototype instanceof ReadableStream)) return false;
  if (Object.hasOwn(cls, REPARENTED)) return true;
  const parent = Object.getPrototypeOf(cls) as StreamClass;
  class RelayedSource extends parent {
    constructor(source?: UnderlyingDefaultSource, strategy?: QueuingStrategy) {
      // A byte stream's controller is another kind, which the facade below does not imitate.
      const relay = shared.waiting.count > 0 && (source as { type?: unknown } | undefined)?.type === undefined ? newRelay() : undefined;
      super(relay ? tappedSource(source ?? {}, relay) : source, strategy);
      if (relay) shared.relays.set(this, relay);
    }
  }
  Object.setPrototypeOf(cls, RelayedSource);
  Object.defineProperty(cls, REPARENTED, { value: true });
  return true;
}

/** A traced call that will hand back a stream of a tapped class is waiting for it. */
export function awaitStream(): void {
  shared.waiting.count++;
}

/** That call got its stream, or ended without one. */
export function stopAwaitingStream(): void {
  if (shared.waiting.count > 0) shared.waiting.count--;
}

/**
 * `stream` is the result of the call `make` makes a tap for: its relay reports to that tap from
 * now on, after what it held. False when the stream has no relay (it was built before its
 * class was tapped, or its relay gave up holding), or another call claimed it first.
 */
export function claimStream(stream: object, make: () => SourceTap): boolean {
  const relay = shared.relays.get(stream);
  if (relay === undefined) return false;
  shared.relays.delete(stream);
  const tap = relay.claim(make);
  tap?.watch?.(stream);
  return tap !== undefined;
}

/** A relay holds at most this many reports; one nobody claimed by then is not a traced call's. */
const HELD_LIMIT = 64;
const CHUNK = 0, END = 1, ERROR = 2, CANCEL = 3;

interface Relay extends SourceTap {
  /** The tap `make` returns, fed what was held, or undefined when the relay gave up holding. */
  claim(make: () => SourceTap): SourceTap | undefined;
}

function newRelay(): Relay {
  let target: SourceTap | undefined;
  // Kind and value, alternating; undefined once claimed or given up.
  let held: unknown[] | undefined = [];
  const hold = (kind: number, value: unknown) => {
    if (held === undefined) return;
    if (held.length >= HELD_LIMIT * 2) held = undefined;
    else held.push(kind, value);
  };
  return {
    chunk: (item) => (target !== undefined ? target.chunk(item) : hold(CHUNK, item)),
    end: () => (target !== undefined ? target.end() : hold(END, undefined)),
    error: (error) => (target !== undefined ? target.error(error) : hold(ERROR, error)),
    cancel: () => (target !== undefined ? target.cancel() : hold(CANCEL, undefined)),
    claim(make) {
      if (target !== undefined || held === undefined) return undefined;
      const replay = held;
      held = undefined;
      const tap = (target = make());
      for (let i = 0; i < replay.length; i += 2) {
        const value = replay[i + 1];
        if (replay[i] === CHUNK) tap.chunk(value);
        else if (replay[i] === END) tap.end();
        else if (replay[i] === ERROR) tap.error(value);
        else tap.cancel();
      }
      return tap;
    },
  };
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
  const pullFailed = (error: unknown) => tap.error(error);
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
            if (types.isPromise(pulled)) Promise.prototype.then.call(pulled, undefined, pullFailed);
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
