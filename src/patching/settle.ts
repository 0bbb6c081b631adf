/**
 * Ends a call from what its SDK method gave: an error, a final response, or a stream, which is
 * then observed in place (streams.ts, readable.ts) and ends the call when it ends.
 */
import type { LiveCall } from '../trace/call.js';
import { abortTest } from './errors.js';
import { claimStream, observerTap, stopAwaitingStream, tapStreamClass } from './readable.js';
import { observeAsyncIterable, observeStainlessStream, StreamObserver } from './streams.js';
import type { IntegrationDefinition, TargetDefinition } from './types.js';

export interface Observation {
  call: LiveCall;
  target: TargetDefinition;
  integration: IntegrationDefinition;
  inputs: Record<string, unknown>;
  streaming: boolean;
  hideChunk?: (chunk: unknown) => boolean;
  /** Set while the call waits for a `ReadableStream` result (readable.ts relays those). */
  awaitingStream?: boolean;
}

/** The call has its result (a stream or not) or failed: it waits for no stream any more. */
export function stopWaiting(o: Observation): void {
  if (o.awaitingStream !== true) return;
  o.awaitingStream = false;
  stopAwaitingStream();
}

/** The SDK method failed: an abort ends the call as cancelled, anything else as an error. */
export function settleError(error: unknown, o: Observation): void {
  stopWaiting(o);
  if (abortTest(o.integration)(error)) o.call.cancel();
  else o.call.fail(error);
}

/** A resolved value: a stream to watch in place, or the final response. */
export function settleValue(value: unknown, o: Observation): void {
  const response = unwrap(value, o);
  if (o.streaming && response !== null && typeof response === 'object' && observeStream(response, o)) return;
  stopWaiting(o);
  const usage = o.target.usage;
  if (usage === undefined) o.call.succeed(response);
  else o.call.succeedWithUsage(response, usage, o.inputs);
}

/** The response inside an SDK's result envelope; the value as it is if the declaration fails. */
function unwrap(value: unknown, o: Observation): unknown {
  const unwrapValue = o.integration.unwrap;
  if (!unwrapValue) return value;
  try {
    return unwrapValue(value);
  } catch {
    return value;
  }
}

function streamObserver(o: Observation, controller?: AbortController): StreamObserver {
  return new StreamObserver({
    call: o.call,
    opName: o.target.opName,
    reducer: o.target.reducer?.(),
    usage: o.target.usage,
    inputs: o.inputs,
    hideChunk: o.hideChunk,
    isAbort: abortTest(o.integration),
    wasAborted: controller ? () => controller.signal?.aborted === true : undefined,
  });
}

export function observeStream(stream: object, o: Observation): boolean {
  const shape = o.integration.streamShape ?? 'stainless';
  if (shape === 'readableSource') {
    stopWaiting(o);
    // Relayed since it was built; otherwise its class was never reached (an explicitly
    // wrapped client in bundled code): the later streams of that class will be.
    if (claimStream(stream, () => observerTap(streamObserver(o)))) return true;
    tapStreamClass(Object.getPrototypeOf(stream)?.constructor);
  }
  const controller = (stream as { controller?: AbortController }).controller;
  const observer = streamObserver(o, controller);
  let observed = false;
  if (shape === 'stainless') observed = observeStainlessStream(stream, observer);
  if (!observed && Symbol.asyncIterator in stream) observed = observeAsyncIterable(stream as AsyncIterable<unknown>, observer);
  if (observed && controller) watchAbort(controller, observer);
  return observed;
}

/**
 * An abort before anyone reads the stream ends no iteration, so nothing else would end the
 * record. Every abort of a Stainless stream goes through its controller's `abort()` (the
 * app's, the SDK's timeout, and a request option's signal, which the SDK links to it), so
 * that method is watched on the instance: an event listener on the signal costs several
 * times more per stream, and stays on the signal after the stream ends.
 */
function watchAbort(controller: AbortController, observer: StreamObserver): void {
  const signal = controller.signal;
  if (signal?.aborted) {
    observer.aborted();
    return;
  }
  const abort = controller.abort;
  if (typeof abort === 'function') {
    controller.abort = function observedAbort(this: AbortController, ...args: [reason?: unknown]) {
      observer.aborted();
      return abort.apply(this, args);
    };
  } else if (signal && typeof signal.addEventListener === 'function') {
    signal.addEventListener('abort', () => observer.aborted(), { once: true });
  }
}
