/**
 * Observes what an SDK method returned and ends the call from it, without changing it: the
 * application gets the very object the SDK made (same promise class, same helpers).
 */
import { types } from 'node:util';
import { onProcessExit } from '../export/exit-tasks.js';
import type { LiveCall } from '../trace/call.js';
import { watchPromise } from '../trace/watch-promise.js';
import { awaitHandoff } from './handoff.js';
import { awaitStream } from './readable.js';
import { observeStream, settleError, settleValue, type Observation } from './settle.js';

/**
 * Before the SDK method runs: a `ReadableStream` result has to be observed from its
 * construction (it starts pulling at once), so streams built while the call waits are relayed.
 */
export function beforeCall(o: Observation): void {
  if (o.streaming && o.integration.streamShape === 'readableSource') {
    o.awaitingStream = true;
    awaitStream();
  }
}

/** Watches what the SDK method returned and gives back what the application gets (trace/watch-promise.ts). */
export function observeResult(result: unknown, o: Observation): unknown {
  if (isStainlessPromise(result)) observeStainlessPromise(result, o);
  else if (types.isPromise(result)) {
    return watchPromise(result as Promise<unknown>, {
      value: (value) => settleValue(value, o),
      error: (error) => settleError(error, o),
      site: o.target.opName,
    });
  } else settleValue(result, o);
  return result;
}

interface StainlessPromise {
  responsePromise: Promise<unknown>;
  /** Set by the SDK's parse(), which then/catch/finally/withResponse call. */
  parsedPromise?: Promise<unknown>;
  parseResponse: (...args: unknown[]) => unknown;
  _thenUnwrap?: (transform: (value: unknown, props: unknown) => unknown) => unknown;
  asResponse?: (...args: unknown[]) => Promise<unknown>;
}

function isStainlessPromise(value: unknown): value is StainlessPromise {
  if (!types.isPromise(value)) return false;
  const p = value as Partial<StainlessPromise>;
  return types.isPromise(p.responsePromise) && typeof p.parseResponse === 'function';
}

const alreadyResolved = Promise.resolve();

/**
 * A response nobody parsed (the app dropped the promise) still ends its record: when the
 * promise is garbage-collected, or at process exit, whichever comes first.
 */
const unconsumed = new Set<LiveCall>();
const dropped = new FinalizationRegistry<LiveCall>((call) => endUnconsumed(call));
onProcessExit(() => {
  for (const call of unconsumed) endUnconsumed(call);
});

function endUnconsumed(call: LiveCall): void {
  unconsumed.delete(call);
  call.succeed(undefined);
}

/**
 * The openai/anthropic APIPromise parses the body only when the application asks (then,
 * withResponse, parse). Calling .then here would read the body and break an app that only
 * wants asResponse(). So the instance is instrumented where the SDK itself reaches the
 * parsed value: its `parseResponse`, and `_thenUnwrap` for the promises helpers derive
 * from it (openai 7 derives through a closure that bypasses `parseResponse`). The raw
 * response promise is watched on a side branch for errors.
 */
function observeStainlessPromise(p: StainlessPromise, o: Observation): void {
  const watch = new PromiseWatch(o);
  instrument(p, watch);
  p.responsePromise.then((props) => watch.responded(p, props), (error) => watch.requestFailed(p, error));
}

/**
 * One traced APIPromise's state. Everything the wrappers put on the promise reaches it through
 * small closures made in `instrument`, never through a closure over the promise itself: a
 * wrapper stored on the promise that closed over it made V8 pretenure the SDK's per-request
 * objects, and the old-space collections that followed cost more than the rest of tracing.
 */
class PromiseWatch {
  private parseRequested = false;
  /** The app asked for the raw response (asResponse): it handles the request's failure itself. */
  private rawRequested = false;
  /** Promises the SDK's helpers derived from the call's (`_thenUnwrap`), which the app may await instead. */
  private derived: StainlessPromise[] | undefined = undefined;
  private settled = false;
  private withdraw: (() => void) | undefined = undefined;

  constructor(private readonly o: Observation) {}

  requested(): void {
    this.parseRequested = true;
    this.withdraw?.();
    if (unconsumed.delete(this.o.call)) dropped.unregister(this.o.call);
  }

  parsed(value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    settleValue(value, this.o);
  }

  failed(error: unknown): void {
    settleError(error, this.o);
  }

  /**
   * The request failed. Watching it marked the SDK's promise as handled; untraced, an app that
   * never asked for the result (fire and forget) gets this rejection as unhandled, so it still does.
   */
  requestFailed(p: StainlessPromise, error: unknown): void {
    this.failed(error);
    if (!this.asked(p)) void Promise.reject(error);
  }

  /**
   * Whether the app asked for the result in any form. Asking for the parsed result sets the
   * SDK's `parsedPromise` at once, where `parseResponse` (parseRequested) only runs on success.
   */
  private asked(p: StainlessPromise): boolean {
    if (this.parseRequested || this.rawRequested || p.parsedPromise !== undefined) return true;
    return this.derived?.some((d) => d.parsedPromise !== undefined) === true;
  }

  addDerived(promise: StainlessPromise): void {
    (this.derived ??= []).push(promise);
  }

  /**
   * The response arrived. This reaction was registered before the SDK's own parse step: one
   * microtask later the app's parse (if it awaited the promise) has started, and nothing
   * needs watching. That microtask is a reaction to a settled promise, not queueMicrotask,
   * which Node wraps in an AsyncResource of its own each time.
   */
  responded(p: StainlessPromise, props: unknown): void {
    if (this.parseRequested || this.o.call.ended) return;
    void alreadyResolved.then(() => {
      const call = this.o.call;
      if (this.parseRequested || call.ended) return;
      unconsumed.add(call);
      dropped.register(p, call, call);
      const response = (props as { response?: unknown } | null)?.response;
      if (this.o.streaming) this.withdraw = awaitHandoff(response, (stream) => this.take(stream));
    });
  }

  rawAsked(): void {
    this.rawRequested = true;
  }

  /** The app read the raw body itself; if it never asks for the parsed one, the call ends here. */
  rawRead(): void {
    setImmediate(() => !this.parseRequested && endUnconsumed(this.o.call));
  }

  /** A stream built from the unparsed response by an SDK helper (handoff.ts) is this call's. */
  private take(stream: unknown): void {
    if (this.settled || this.parseRequested || this.o.call.ended || stream === null || typeof stream !== 'object') return;
    if (!observeStream(stream, this.o)) return;
    this.settled = true;
    this.requested();
  }
}

function instrument(promise: StainlessPromise, watch: PromiseWatch): void {
  const parse = promise.parseResponse;
  promise.parseResponse = function observedParse(this: unknown, ...args: unknown[]) {
    watch.requested();
    const parsed = parse.apply(this, args);
    Promise.resolve(parsed).then((value) => watch.parsed(value), (error) => watch.failed(error));
    return parsed;
  };
  const unwrap = promise._thenUnwrap;
  if (typeof unwrap === 'function') {
    promise._thenUnwrap = function observedUnwrap(this: unknown, transform) {
      const derived = unwrap.call(this, (value: unknown, props: unknown) => {
        watch.requested();
        watch.parsed(value);
        return transform(value, props);
      });
      if (isStainlessPromise(derived)) {
        watch.addDerived(derived);
        instrument(derived, watch);
      }
      return derived;
    };
  }
  const asResponse = promise.asResponse;
  if (typeof asResponse === 'function') {
    promise.asResponse = function observedAsResponse(this: unknown, ...args: unknown[]) {
      watch.rawAsked();
      const raw = asResponse.apply(this, args);
      raw.then(() => watch.rawRead(), () => {});
      return raw;
    };
  }
}
