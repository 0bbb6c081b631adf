/**
 * Traced generators stay real generators: an outer generator delegates with `yield*` to an
 * observer that forwards next/throw/return to the user's generator inside the call's
 * context and records what it yields. The record ends on exhaustion (success), on an
 * exception (error) or on an early return()/break (cancelled); a started generator that is
 * dropped unfinished ends as cancelled when it is garbage-collected.
 */
import type { LiveCall } from './call.js';
import { frameFor, storage, type Frame } from './context.js';

const abandoned = new FinalizationRegistry<{ call: LiveCall; values: unknown[] }>((held) => {
  held.call.cancel(held.values);
});

/** The bookkeeping shared by sync and async generators: one per traced generator object. */
class GeneratorRecording {
  readonly values: unknown[] = [];
  readonly frame: Frame;
  private watching = false;

  constructor(readonly call: LiveCall, outerFrame: Frame | undefined) {
    this.frame = frameFor(call, outerFrame);
  }

  /** From the first resumption on, a generator dropped unfinished must still end its record. */
  started(outer: object): void {
    if (this.watching) return;
    this.watching = true;
    abandoned.register(outer, { call: this.call, values: this.values }, this.call);
  }

  settle(result: IteratorResult<unknown>, returning: boolean): IteratorResult<unknown> {
    if (!result.done) {
      this.values.push(result.value);
      return result;
    }
    abandoned.unregister(this.call);
    if (returning) this.call.cancel(this.values);
    else this.call.succeed(this.values);
    return result;
  }

  failed(error: unknown): never {
    abandoned.unregister(this.call);
    this.call.fail(error, this.values);
    throw error;
  }
}

type Resumption = 'next' | 'throw' | 'return';

export function traceGenerator(inner: Generator, call: LiveCall, outerFrame: Frame | undefined): Generator {
  const recording = new GeneratorRecording(call, outerFrame);
  const step = (how: Resumption, value: unknown): IteratorResult<unknown> => {
    recording.started(outer);
    let result: IteratorResult<unknown>;
    try {
      result = storage.run(recording.frame, () => inner[how](value as never));
    } catch (error) {
      return recording.failed(error);
    }
    return recording.settle(result, how === 'return');
  };
  const observer: Iterator<unknown> & Iterable<unknown> = {
    [Symbol.iterator]() {
      return this;
    },
    next: (value?: unknown) => step('next', value),
    throw: (error?: unknown) => step('throw', error),
    return: (value?: unknown) => step('return', value),
  };
  const outer: Generator = (function* tracedGenerator() {
    return yield* observer;
  })();
  return outer;
}

export function traceAsyncGenerator(inner: AsyncGenerator, call: LiveCall, outerFrame: Frame | undefined): AsyncGenerator {
  const recording = new GeneratorRecording(call, outerFrame);
  const step = async (how: Resumption, value: unknown): Promise<IteratorResult<unknown>> => {
    recording.started(outer);
    let result: IteratorResult<unknown>;
    try {
      result = await storage.run(recording.frame, () => inner[how](value as never));
    } catch (error) {
      return recording.failed(error);
    }
    return recording.settle(result, how === 'return');
  };
  const observer: AsyncIterator<unknown> & AsyncIterable<unknown> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: (value?: unknown) => step('next', value),
    throw: (error?: unknown) => step('throw', error),
    return: (value?: unknown) => step('return', value),
  };
  const outer: AsyncGenerator = (async function* tracedAsyncGenerator() {
    return yield* observer;
  })();
  return outer;
}
