/**
 * op(fn): a traced function that keeps fn's shape. Sync stays sync, a returned promise is
 * handed back as it is (observed, never replaced), generators stay generators, `this` and
 * the thrown object are untouched. When tracing is off the wrapper only calls fn.
 */
import { types } from 'node:util';
import { validateOpSettings } from '../settings.js';
import { state } from '../state.js';
import type { CallHandle, OpOptions } from '../types.js';
import { beginCall } from './api.js';
import type { LiveCall } from './call.js';
import { currentFrame, frameFor, storage } from './context.js';
import { traceAsyncGenerator, traceGenerator } from './generators.js';
import { inputsFromArgs, parameterList } from './params.js';
import { watchPromise } from './watch-promise.js';

type AnyFunction = (...args: any[]) => any;

export type Invoked<F extends AnyFunction> = ReturnType<F> extends PromiseLike<infer R>
  ? Promise<[R, CallHandle | undefined]>
  : [ReturnType<F>, CallHandle | undefined];

export type Op<F extends AnyFunction> = F & {
  /** Runs the op and hands back the call beside the result (undefined when tracing is off). */
  invoke(this: ThisParameterType<F>, ...args: Parameters<F>): Invoked<F>;
  readonly opName: string;
};

const OP_MARK = Symbol.for('tracewire.op');

export function op<F extends AnyFunction>(fn: F, options: OpOptions = {}): Op<F> {
  if (typeof fn !== 'function') throw new TypeError(`op(fn): fn must be a function; got ${typeof fn}.`);
  if (typeof options !== 'object' || options === null) throw new TypeError('op(fn, options): options must be an object.');
  validateOpSettings(options, 'op options', 'tracewire');
  const opName = options.name ?? (fn.name || 'anonymous');
  const kind = options.kind ?? 'function';
  const params = parameterList(fn);
  const spec = { opName, kind, settings: options };

  /** Runs fn under a new call; `onCall` receives the call before fn runs (for invoke). */
  function run(self: unknown, args: unknown[], onCall?: (call: LiveCall | undefined) => void): unknown {
    const frame = currentFrame();
    const call = state.enabled && !frame?.disabled
      ? beginCall(spec, inputsFromArgs(params, args), frame)
      : undefined;
    onCall?.(call);
    if (call === undefined) return fn.apply(self, args);
    let result: unknown;
    try {
      result = storage.run(frameFor(call, frame), () => fn.apply(self, args));
    } catch (error) {
      call.fail(error);
      throw error;
    }
    if (types.isPromise(result)) {
      return watchPromise(result as Promise<unknown>, { value: (value) => call.succeed(value), error: (error) => call.fail(error), site: opName });
    } else if (types.isGeneratorObject(result)) {
      // From a generator function, a bound one, or a function that returns a generator: the
      // call lasts as long as the iteration, and its output is what was yielded.
      return Object.prototype.toString.call(result) === '[object AsyncGenerator]'
        ? traceAsyncGenerator(result as unknown as AsyncGenerator, call, frame)
        : traceGenerator(result as Generator, call, frame);
    } else {
      call.succeed(result);
    }
    return result;
  }

  const traced = function (this: unknown, ...args: unknown[]) {
    if (!state.enabled) return fn.apply(this, args);
    return run(this, args);
  } as unknown as Op<F>;

  Object.defineProperty(traced, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  Object.defineProperty(traced, 'opName', { value: opName, enumerable: true });
  Object.defineProperty(traced, OP_MARK, { value: true });
  Object.defineProperty(traced, 'invoke', {
    value: function invoke(this: unknown, ...args: unknown[]) {
      let handle: CallHandle | undefined;
      const result = run(this, args, (call) => {
        handle = call;
      });
      if (types.isPromise(result)) return (result as Promise<unknown>).then((value) => [value, handle]);
      return [result, handle];
    },
  });
  return traced;
}

export function isOp(value: unknown): boolean {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[OP_MARK] === true;
}
