/**
 * Streams are observed in place: the SDK's own stream object is handed back, and only the
 * source of its chunks is wrapped, so iteration, tee(), toReadableStream() and the SDK's
 * helper streams all pass through the observer exactly once and see the same chunks.
 */
import { describeError, warnOnce } from '../log.js';
import type { LiveCall } from '../trace/call.js';
import type { UsageReader } from '../trace/call-spec.js';
import { trackBranches, watchAbandonment } from './abandoned.js';
import type { StreamReducer } from './types.js';

export interface StreamObserverOptions {
  call: LiveCall;
  opName: string;
  reducer: StreamReducer | undefined;
  /** Finds the usage in the rebuilt output; `inputs` are the call's arguments. */
  usage: UsageReader | undefined;
  inputs: Record<string, unknown>;
  /** Chunks tracewire caused (e.g. a usage-only chunk it asked for): folded in, not shown. */
  hideChunk?: (chunk: unknown) => boolean;
  isAbort: (error: unknown) => boolean;
  /** True when the stream's own controller was aborted (SDKs end such streams without an error). */
  wasAborted?: () => boolean;
}

/** Folds chunks into the record; every method is guarded so a reducer bug never reaches the app. */
export class StreamObserver {
  private state: unknown;
  private broken = false;
  private filterBroken = false;
  private sawFirstToken = false;
  private reading = false;
  private settled = false;
  private onSettled: (() => void) | undefined;

  constructor(private readonly options: StreamObserverOptions) {
    const reducer = options.reducer;
    if (reducer) this.state = this.guard(() => reducer.init());
  }

  /** Returns true when the chunk must be hidden from the application. */
  chunk(chunk: unknown): boolean {
    const { reducer, call } = this.options;
    // Settled (the stream was abandoned meanwhile): the record is final, nothing more is folded in.
    if (reducer && !this.broken && !this.settled) {
      try {
        reducer.add(this.state, chunk);
        if (!this.sawFirstToken && (reducer.isFirstToken?.(chunk) ?? true)) {
          this.sawFirstToken = true;
          call.markFirstToken();
        }
        const inBand = reducer.errorOf?.(chunk);
        if (inBand) {
          // The failing event may be the one that reports usage (Cohere's message-end): it
          // is billed all the same, so it is recorded before the call ends.
          const output = this.output();
          this.recordUsage(output);
          // Described, not thrown: a plain description keeps the declared type as the record's.
          call.fail({ name: inBand.type, message: inBand.message, status: inBand.status }, output);
        }
      } catch (error) {
        this.fault(error);
      }
    }
    return this.hides(chunk);
  }

  /** A failing filter shows every chunk from then on: the app must never get an error of ours. */
  private hides(chunk: unknown): boolean {
    const hideChunk = this.options.hideChunk;
    if (hideChunk === undefined || this.filterBroken) return false;
    try {
      return hideChunk(chunk);
    } catch (error) {
      this.filterBroken = true;
      warnOnce(`hide:${this.options.opName}`, `could not filter the chunks of ${this.options.opName}; the app sees them unfiltered: ${describeError(error)}`);
      return false;
    }
  }

  /** True when some chunks are kept from the application (so its iterator must filter). */
  get hidesChunks(): boolean {
    return this.options.hideChunk !== undefined;
  }

  /** Called when the app first asks for a chunk: from then on the iteration ends the record. */
  started(): void {
    this.reading = true;
  }

  /**
   * The request's controller was aborted. Once the app reads, the stream ends on its own
   * (done, or the failure whose cleanup aborted) with every chunk the app got, buffered ones
   * included. A stream nobody has read yet would never end: it is cancelled now.
   */
  aborted(): void {
    if (!this.reading) this.cancel();
  }

  /** Runs `fn` once the stream's record is settled (end, error or cancel, whichever came first). */
  whenSettled(fn: () => void): void {
    this.onSettled = fn;
  }

  /** True the first time only: a stream's record settles once, however many ways it ends. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    const fn = this.onSettled;
    this.onSettled = undefined;
    if (fn) this.guard(fn);
    return true;
  }

  end(): void {
    if (!this.settle()) return;
    const output = this.output();
    if (this.options.wasAborted?.()) {
      // What the provider reported before the abort was billed: it is kept with the partial output.
      this.recordUsage(output);
      this.options.call.cancel(output);
      return;
    }
    const usage = this.options.usage;
    // Read in the export batch, like a non-streamed response's (LiveCall.succeedWithUsage).
    if (usage !== undefined && output !== undefined) this.options.call.succeedWithUsage(output, usage, this.options.inputs);
    else this.options.call.succeed(output);
  }

  /**
   * A rejected step is an error unless the error itself is an abort: the SDKs end a user's
   * abort without throwing, and abort their own controller before rethrowing a real failure,
   * so the controller's state says nothing here.
   */
  error(error: unknown): void {
    if (!this.settle()) return;
    const output = this.output();
    this.recordUsage(output);
    if (this.options.isAbort(error)) this.options.call.cancel(output);
    else this.options.call.fail(error, output);
  }

  cancel(): void {
    if (!this.settle()) return;
    const output = this.output();
    this.recordUsage(output);
    this.options.call.cancel(output);
  }

  private output(): unknown {
    const reducer = this.options.reducer;
    if (!reducer || this.broken) return undefined;
    return this.guard(() => reducer.finish(this.state));
  }

  private recordUsage(output: unknown): void {
    const usage = this.options.usage;
    // A call that already ended (an in-band error) has its usage: it must not count twice.
    if (!usage || output === undefined || this.options.call.ended) return;
    const entries = this.guard(() => usage(output, this.options.inputs)) ?? [];
    for (const entry of entries) this.options.call.addUsage(entry.model, entry.usage);
  }

  private guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.fault(error);
      return undefined;
    }
  }

  private fault(error: unknown): void {
    this.broken = true;
    warnOnce(`reducer:${this.options.opName}`, `could not rebuild the output of ${this.options.opName} from its stream: ${describeError(error)}`);
  }
}

/** An async iterator that yields what `source` yields, telling `observer` about every step. */
export function observeIterator(source: AsyncIterator<unknown>, observer: StreamObserver): AsyncIterator<unknown> & AsyncIterable<unknown> {
  const progress = { finished: false };
  const settle = (fn: () => void) => {
    if (progress.finished) return;
    progress.finished = true;
    fn();
  };
  const onError = (error: unknown) => settle(() => observer.error(error));
  const onStep = (result: IteratorResult<unknown>) => {
    if (result.done) settle(() => observer.end());
    else if (!progress.finished) observer.chunk(result.value);
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: observer.hidesChunks ? filteringNext(source, observer, progress, settle) : function next(value?: unknown) {
      // The app gets the source's own promise for each step; the observer reads it on a side
      // branch registered first, so it has seen a chunk before the app's code runs on it.
      observer.started();
      let step: Promise<IteratorResult<unknown>>;
      try {
        // No rest parameter: an array per chunk for an argument `for await` never passes.
        step = arguments.length === 0 ? source.next() : source.next(value);
      } catch (error) {
        onError(error);
        throw error;
      }
      Promise.prototype.then.call(step, onStep, onError);
      return step;
    },
    async return(value?: unknown) {
      settle(() => observer.cancel());
      return source.return ? source.return(value) : { done: true, value };
    },
    async throw(error?: unknown) {
      settle(() => observer.error(error));
      if (source.throw) return source.throw(error);
      throw error;
    },
  };
}

/** A `next` that can leave out the chunks tracewire caused, at the price of a promise of its own per step. */
function filteringNext(
  source: AsyncIterator<unknown>,
  observer: StreamObserver,
  progress: { finished: boolean },
  settle: (fn: () => void) => void,
) {
  return async function next(...args: [] | [unknown]): Promise<IteratorResult<unknown>> {
    for (;;) {
      let result: IteratorResult<unknown>;
      observer.started();
      try {
        result = await source.next(...args);
      } catch (error) {
        settle(() => observer.error(error));
        throw error;
      }
      if (result.done) {
        settle(() => observer.end());
        return result;
      }
      if (!progress.finished && observer.chunk(result.value)) continue;
      return result;
    }
  };
}

/**
 * The openai/anthropic `Stream`: every consumer (iteration, tee, toReadableStream, helper
 * streams) calls its `iterator` field, which can run once. Wrapping the first call observes
 * all of them without replacing the object; a later call fails in the SDK as it always did
 * and must not touch the record.
 */
export function observeStainlessStream(
  stream: { iterator?: unknown; tee?: unknown },
  observer: StreamObserver,
): boolean {
  const original = stream.iterator;
  if (typeof original !== 'function') return false;
  let observed: (AsyncIterator<unknown> & AsyncIterable<unknown>) | undefined;
  const alsoReads = watchAbandonment(stream, observer);
  stream.iterator = function observedIterator(this: unknown, ...args: unknown[]) {
    const source = (original as (...a: unknown[]) => AsyncIterator<unknown>).apply(this, args);
    if (observed) return source;
    observed = observeIterator(source, observer);
    // The app may keep reading through the iterator after dropping the stream object.
    alsoReads(observed);
    return observed;
  };
  const tee = stream.tee;
  if (typeof tee === 'function') {
    stream.tee = function observedTee(this: unknown, ...args: unknown[]) {
      const branches = tee.apply(this, args) as unknown[];
      if (Array.isArray(branches)) trackBranches(branches, () => void observed?.return?.());
      return branches;
    };
  }
  return true;
}

/** Any other async iterable stream: its own [Symbol.asyncIterator] is wrapped on the instance. */
export function observeAsyncIterable(stream: AsyncIterable<unknown>, observer: StreamObserver): boolean {
  const original = stream[Symbol.asyncIterator];
  if (typeof original !== 'function') return false;
  const alsoReads = watchAbandonment(stream, observer);
  Object.defineProperty(stream, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: function observedAsyncIterator(this: unknown) {
      const iterator = observeIterator(original.call(this), observer);
      alsoReads(iterator);
      return iterator;
    },
  });
  return true;
}
