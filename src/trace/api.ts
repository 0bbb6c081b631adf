/** Starting calls and shaping the context: used by op() and by the patching engine alike. */
import { assignKeys } from '../copy-keys.js';
import { activeOtelSpanContext } from '../export/otel-context.js';
import { state } from '../state.js';
import type { CallHandle } from '../types.js';
import { LiveCall } from './call.js';
import type { CallSpec } from './call-spec.js';
import { currentFrame, exportWork, frameFor, storage, type Frame } from './context.js';

/**
 * Opens a call under the current context, or returns undefined when nothing should be
 * recorded here (tracing off, inside withTracingDisabled, or in an exporter's code). The caller runs the traced
 * work inside `enterCall(call, ...)` so that nested calls find it as their parent.
 */
export function beginCall(
  spec: CallSpec,
  inputs: Record<string, unknown>,
  frame: Frame | undefined = currentFrame(),
): LiveCall | undefined {
  if (!state.enabled || frame?.disabled || exportWork.depth > 0) return undefined;
  const settings = state.settings!;
  const globalAttrs = settings.attributes;
  const contextAttrs = frame?.attributes;
  let attributes: Record<string, unknown>;
  if (contextAttrs === undefined && spec.attributes === undefined) attributes = globalAttrs;
  else if (contextAttrs === undefined) attributes = mergedWithGlobal(globalAttrs, spec.attributes!);
  else attributes = assignKeys(assignKeys(assignKeys({}, globalAttrs), contextAttrs), spec.attributes);
  const parent = frame?.call;
  // SPEC §7: the exported span is the child of the OpenTelemetry span active around the call.
  // A root joins it; so does a descendant when the application opened that span inside the
  // call's tracewire parent (the span then differs from the one the parent began under).
  // Otherwise a descendant hangs from its tracewire parent and carries the OTel trace id
  // itself, because it usually ends (and is exported) before its root. Only the exported
  // span's parent changes: `parentId` stays tracewire's call tree. A span the application
  // does not sample is never exported, so nothing joins it (the span would be an orphan): a
  // root then exports a trace of its own, a descendant stays under its tracewire parent.
  const otel = activeOtelSpanContext();
  const joins = otel !== undefined && otel.sampled && otel.spanId !== parent?.otelSpanId;
  const otelTraceId = joins ? otel.traceId : parent?.otelTraceId;
  if (otelTraceId !== undefined) {
    attributes = assignKeys({}, attributes);
    if (joins) attributes.otelParent = { traceId: otel.traceId, spanId: otel.spanId };
    else attributes.otelTraceId = otelTraceId;
  }
  const call = new LiveCall(spec, inputs, parent, attributes);
  call.otelTraceId = otelTraceId;
  call.otelSpanId = otel?.spanId;
  return call;
}

/**
 * An integration's attributes object is shared by all its calls to one server (engine.ts), so
 * their merge with the global attributes is too: one object, whose redacted copy the export
 * pipeline makes once.
 */
const merged = new WeakMap<object, { global: Record<string, unknown>; attributes: Record<string, unknown> }>();

function mergedWithGlobal(globalAttrs: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const known = merged.get(own);
  if (known !== undefined && known.global === globalAttrs) return known.attributes;
  const attributes = Object.freeze(assignKeys(assignKeys({}, globalAttrs), own));
  merged.set(own, { global: globalAttrs, attributes });
  return attributes;
}

export function enterCall<R>(call: LiveCall, frame: Frame | undefined, fn: () => R): R {
  return storage.run(frameFor(call, frame), fn);
}

export function getCurrentCall(): CallHandle | undefined {
  return currentFrame()?.call;
}

/** Every call started inside `fn` (sync or async) carries these attributes, merged over outer ones. */
export function withAttributes<R>(attributes: Record<string, unknown>, fn: () => R): R {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new TypeError('withAttributes(attributes, fn): attributes must be a plain object.');
  }
  if (typeof fn !== 'function') throw new TypeError('withAttributes(attributes, fn): fn must be a function.');
  const frame = currentFrame();
  return storage.run(
    { call: frame?.call, attributes: assignKeys(assignKeys({}, frame?.attributes), attributes), disabled: frame?.disabled ?? false },
    fn,
  );
}

/** Nothing started inside `fn` is recorded, including SDK calls. */
export function withTracingDisabled<R>(fn: () => R): R {
  if (typeof fn !== 'function') throw new TypeError('withTracingDisabled(fn): fn must be a function.');
  const frame = currentFrame();
  return storage.run({ call: frame?.call, attributes: frame?.attributes, disabled: true }, fn);
}
