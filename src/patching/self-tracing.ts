/**
 * SDKs with OpenTelemetry tracing of their own (Mistral 2.x, Anthropic 0.134+) would add a
 * second span for a request tracewire records, once both feed the same OpenTelemetry pipeline
 * (SPEC §5). One rule for all of them: the SDK's span for a request is skipped exactly when
 *   - tracewire records that request (the call's frame is current: the SDK starts its span in
 *     the continuation of the patched method), or is about to (a helper that starts the span
 *     before it calls the traced method, see tracer-field.ts), and
 *   - tracewire itself exports to OpenTelemetry (an `otlp` exporter is configured).
 * Otherwise the SDK traces as it always did: a request tracewire does not record, or one whose
 * record never reaches OpenTelemetry, keeps the SDK's span as its only one. So does a request
 * whose SDK span goes to another pipeline (Mistral's `dedicated` telemetry exports to Mistral's
 * own backend, `exportsElsewhere`): skipping it would lose the request there.
 *
 * This file holds the rule and the hook-method form (Mistral's `TracingHook.beforeRequest`).
 */
import { describeError, warnOnce } from '../log.js';
import type { ResolvedSettings } from '../settings.js';
import { state } from '../state.js';
import { currentFrame } from '../trace/context.js';
import { markWrapped, originalOf, replaceMethod } from './engine.js';
import type { IntegrationDefinition, SelfTracing, SupportLoader, TracerField, TracingHook } from './types.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

export function isTracerField(selfTracing: SelfTracing): selfTracing is TracerField {
  return 'field' in selfTracing;
}

/** Wraps the SDK's tracing hook on `owner`; false when the owner has no such method. `load` reaches the SDK's other files. */
export function patchSelfTracing(owner: Record<string, unknown>, integration: IntegrationDefinition, hook: TracingHook, load: SupportLoader): boolean {
  const original = owner[hook.method];
  if (typeof original !== 'function') return false;
  if (originalOf(original)) return true;
  const skip = (self: unknown, args: unknown[]): unknown => {
    try {
      return hook.skip(args);
    } catch (error) {
      warnOnce(`self-tracing:${integration.name}`, `could not skip the ${integration.packageName} span; it may duplicate tracewire's: ${describeError(error)}`);
      return original.apply(self, args);
    }
  };
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    if (!exporting() || !inRecordedCall(integration)) return original.apply(this, args);
    if (hook.exportsElsewhere === undefined) return skip(this, args);
    let elsewhere: Promise<boolean>;
    try {
      elsewhere = hook.exportsElsewhere(this, args, load);
    } catch {
      return original.apply(this, args);
    }
    // A failure to tell (the SDK's own telemetry setup failing) is left to the SDK, as without tracewire.
    return elsewhere.then((yes) => (yes ? original.apply(this, args) : skip(this, args)), () => original.apply(this, args));
  };
  markWrapped(wrapped, original as Method);
  replaceMethod(owner, hook.method, wrapped);
  return true;
}

/** True while tracewire is on and its records reach OpenTelemetry. */
export function exporting(): boolean {
  return state.enabled && exportsToOpenTelemetry(state.settings);
}

/** True when the current frame is a call tracewire records for this integration. */
export function inRecordedCall(integration: IntegrationDefinition): boolean {
  const call = currentFrame()?.call;
  const facts = call?.spec.attributes?.integration as { name?: unknown } | undefined;
  return facts?.name === integration.name;
}

/** True when an `otlp` exporter is configured, by name or as an exporter object named so. */
export function exportsToOpenTelemetry(settings: ResolvedSettings | undefined): boolean {
  if (!settings || settings.disabled) return false;
  return settings.exporters.some((spec) => spec === 'otlp' || (typeof spec === 'object' && spec !== null && spec.name === 'otlp'));
}
