/**
 * The self-tracing rule (self-tracing.ts) for an SDK that keeps an OpenTelemetry tracer per
 * client (Anthropic 0.134+: `client._tracer`, docs/internals/anthropic-sdk.md §6).
 *
 * The SDK starts a request's span by a plain `tracer.startSpan(name, ...)` from functions that
 * ES module builds import as live bindings (not patchable), but it always reads the tracer from
 * the client's field. So the field holds a filtering tracer: for a request span tracewire
 * replaces it hands out a non-recording span with an invalid context, which the SDK treats as
 * "no span" (the request runs untraced, as with its tracing off for that call: no span, no
 * `traceparent`); everything else goes to the SDK's tracer. That needs no `@opentelemetry/api`
 * of our own and works whatever tracer provider the app set up.
 *
 * The constructor assigns the field once (`this._tracer = ...`): an accessor on the client
 * class's prototype receives that assignment and defines the instance's own field (the shape it
 * always had) with the filtering tracer. Clients built before patching hold the SDK's tracer
 * in their own field: they are adopted (the value swapped) at their first traced call, or at
 * the first call of a declared helper that may start a span before calling a traced method.
 */
import { describeError, warnOnce } from '../log.js';
import { markWrapped, originalOf, recordsNow, replaceMethod } from './engine.js';
import { resolvePath } from './paths.js';
import { exporting, inRecordedCall } from './self-tracing.js';
import type { IntegrationDefinition, TracerField } from './types.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;
interface Tracer {
  startSpan: Method;
  startActiveSpan?: Method;
}

/** On a filtering tracer, the SDK's tracer it wraps (shared by both builds of tracewire). */
const FILTERED = Symbol.for('tracewire.filtered-tracer.v1');
/** On our accessor's setter: the field is already caught, by this build or the other one. */
const CATCHES_FIELD = Symbol.for('tracewire.tracer-field.v1');

const INVALID_CONTEXT = Object.freeze({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });

/** A span that records nothing and carries no trace context (what OpenTelemetry's own no-op span is). */
const SKIPPED_SPAN = Object.freeze({
  spanContext: () => INVALID_CONTEXT,
  isRecording: () => false,
  setAttribute() {
    return this;
  },
  setAttributes() {
    return this;
  },
  addEvent() {
    return this;
  },
  addLink() {
    return this;
  },
  addLinks() {
    return this;
  },
  setStatus() {
    return this;
  },
  updateName() {
    return this;
  },
  recordException() {},
  end() {},
});

/**
 * Defines the accessor on the client class's prototype; false when the prototype already has
 * a property of that name that is not ours (then only adoption covers the clients).
 */
export function catchTracerField(proto: object, integration: IntegrationDefinition, decl: TracerField): boolean {
  const existing = Object.getOwnPropertyDescriptor(proto, decl.field);
  if (existing) return Boolean(existing.set && CATCHES_FIELD in existing.set);
  const set = function (this: object, value: unknown) {
    Object.defineProperty(this, decl.field, { value: filtering(this, value, integration, decl), writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(set, CATCHES_FIELD, { value: true });
  // Read before the constructor assigns it: what an unassigned field reads as.
  const get = () => undefined;
  Object.defineProperty(proto, decl.field, { get, set, enumerable: false, configurable: true });
  return true;
}

/** Swaps an existing client's tracer for the filtering one (once; never throws). */
export function adoptClient(client: unknown, integration: IntegrationDefinition, decl: TracerField): void {
  if (client === null || typeof client !== 'object') return;
  try {
    if (!Object.hasOwn(client, decl.field)) return;
    const current = (client as Record<string, unknown>)[decl.field];
    if (current === null || typeof current !== 'object' || FILTERED in current) return;
    (client as Record<string, unknown>)[decl.field] = filtering(client, current, integration, decl);
  } catch (error) {
    warnOnce(`adopt:${integration.name}`, `could not reach the ${integration.packageName} client's tracer; its spans may duplicate tracewire's: ${describeError(error)}`);
  }
}

/** The adoption step for traced calls: from the method's `this` to its client. */
export function adopterOf(integration: IntegrationDefinition, decl: TracerField): (resource: unknown) => void {
  return (resource) => adoptClient(resolvePath(resource, decl.clientPath), integration, decl);
}

/** Wraps a helper method so that its client is adopted before it runs. */
export function adoptBefore(owner: Record<string, unknown>, method: string, adopt: (resource: unknown) => void): boolean {
  const original = owner[method];
  if (typeof original !== 'function') return false;
  if (originalOf(original)) return true;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    adopt(this);
    return (original as Method).apply(this, args);
  };
  markWrapped(wrapped, original as Method);
  replaceMethod(owner, method, wrapped);
  return true;
}

function filtering(client: object, tracer: unknown, integration: IntegrationDefinition, decl: TracerField): unknown {
  // Tracing off for this client (`undefined`), or something that is no tracer: kept as it is.
  if (tracer === null || typeof tracer !== 'object' || typeof (tracer as Tracer).startSpan !== 'function') return tracer;
  if (FILTERED in tracer) return tracer;
  const original = tracer as Tracer;
  const callSpans = new Set(decl.callSpans);
  const skips = (name: unknown): boolean => {
    try {
      return typeof name === 'string' && skipsSpan(client, name, callSpans, integration, decl);
    } catch (error) {
      warnOnce(`self-tracing:${integration.name}`, `could not skip the ${integration.packageName} span; it may duplicate tracewire's: ${describeError(error)}`);
      return false;
    }
  };
  // Inherits whatever else the SDK's tracer has; both methods run with it as `this`.
  return Object.create(original, {
    [FILTERED]: { value: original },
    startSpan: {
      value: (...args: unknown[]) => (skips(args[0]) ? SKIPPED_SPAN : original.startSpan.apply(original, args)),
      writable: true,
      configurable: true,
    },
    ...(typeof original.startActiveSpan === 'function'
      ? { startActiveSpan: { value: (...args: unknown[]) => original.startActiveSpan!.apply(original, args), writable: true, configurable: true } }
      : {}),
  });
}

function skipsSpan(client: object, name: string, callSpans: Set<string>, integration: IntegrationDefinition, decl: TracerField): boolean {
  if (!exporting()) return false;
  if (inRecordedCall(integration)) return callSpans.has(name);
  // Outside any call of ours: a helper starting the span of a request it is about to send.
  const senders = decl.startedBefore?.[name];
  return senders !== undefined && senders.length > 0 && recordsNow(integration) && senders.every((op) => tracedOn(client, integration, op));
}

/** True when the client's method for this op is tracewire's (patched prototype or wrapped instance). */
function tracedOn(client: object, integration: IntegrationDefinition, opName: string): boolean {
  const target = integration.targets.find((t) => t.opName === opName);
  if (!target) return false;
  const owner = resolvePath(client, target.instancePath) as Record<string, unknown> | undefined;
  if (owner === null || typeof owner !== 'object') return false;
  const method = typeof owner[target.method] === 'function' ? owner[target.method] : target.fallbackMethod && owner[target.fallbackMethod];
  return originalOf(method) !== undefined;
}
