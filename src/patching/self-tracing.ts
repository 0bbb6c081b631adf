/**
 * SDKs with OpenTelemetry tracing of their own (Mistral 2.x) would add a second span for a
 * request tracewire records, once both feed the same OpenTelemetry pipeline (SPEC §5). The
 * hook that starts the SDK's span is wrapped: it is skipped exactly when
 *   - the request belongs to a call tracewire is recording for that integration (the call's
 *     frame is current: the SDK runs its hooks in the continuation of the patched method), and
 *   - tracewire itself exports to OpenTelemetry (an `otlp` exporter is configured).
 * Otherwise the SDK traces as it always did: a request tracewire does not record, or one whose
 * record never reaches OpenTelemetry, keeps the SDK's span as its only one.
 */
import { describeError, warnOnce } from '../log.js';
import type { ResolvedSettings } from '../settings.js';
import { state } from '../state.js';
import { currentFrame } from '../trace/context.js';
import { originalOf, markWrapped } from './engine.js';
import type { IntegrationDefinition, SelfTracing } from './types.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps the SDK's tracing hook on `owner`; false when the owner has no such method. */
export function patchSelfTracing(owner: Record<string, unknown>, integration: IntegrationDefinition, hook: SelfTracing): boolean {
  const original = owner[hook.method];
  if (typeof original !== 'function') return false;
  if (originalOf(original)) return true;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    if (!recordedAndExported(integration)) return original.apply(this, args);
    try {
      return hook.skip(args);
    } catch (error) {
      warnOnce(`self-tracing:${integration.name}`, `could not skip the ${integration.packageName} span; it may duplicate tracewire's: ${describeError(error)}`);
      return original.apply(this, args);
    }
  };
  markWrapped(wrapped, original as Method);
  Object.defineProperty(owner, hook.method, { value: wrapped, writable: true, enumerable: false, configurable: true });
  return true;
}

function recordedAndExported(integration: IntegrationDefinition): boolean {
  if (!state.enabled || !exportsToOpenTelemetry(state.settings)) return false;
  const call = currentFrame()?.call;
  const facts = call?.spec.attributes?.integration as { name?: unknown } | undefined;
  return facts?.name === integration.name;
}

/** True when an `otlp` exporter is configured, by name or as an exporter object named so. */
export function exportsToOpenTelemetry(settings: ResolvedSettings | undefined): boolean {
  if (!settings || settings.disabled) return false;
  return settings.exporters.some((spec) => spec === 'otlp' || (typeof spec === 'object' && spec !== null && spec.name === 'otlp'));
}
