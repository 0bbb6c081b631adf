/**
 * The one wrapper every SDK method goes through, whether reached by implicit patching of a
 * class prototype or by wrapping one client. It checks the enabled guard, opens the call,
 * invokes the original with the original arguments (unless the user opted into a request
 * change), and hands the SDK's own return value back after attaching observers to it.
 */
import { describeError, warnOnce } from '../log.js';
import { state } from '../state.js';
import { beginCall, enterCall } from '../trace/api.js';
import type { CallSpec } from '../trace/call-spec.js';
import { currentFrame, type Frame } from '../trace/context.js';
import type { IntegrationSettings } from '../types.js';
import { beforeCall, observeResult } from './observe.js';
import { exporting } from './self-tracing.js';
import { stopWaiting, type Observation } from './settle.js';
import type { Destination, IntegrationDefinition, TargetDefinition } from './types.js';

const ORIGINAL = Symbol.for('tracewire.original');

/** Nesting of traced SDK calls on the current synchronous stack (shared by both builds). */
const depthKey = Symbol.for('tracewire.sdk-depth.v1');
const depth = ((globalThis as unknown as Record<symbol, { value: number }>)[depthKey] ??= { value: 0 });

type Method = (this: unknown, ...args: unknown[]) => unknown;

// Shared by both builds, like ORIGINAL: either may meet the other's wrappers.
const CONTEXT = Symbol.for('tracewire.wrap-context.v1');

/** What a method wrapped by tracedMethod was wrapped with; undefined for any other function. */
export function contextOf(fn: unknown): WrapContext | undefined {
  return typeof fn === 'function' ? (fn as unknown as Record<symbol, WrapContext | undefined>)[CONTEXT] : undefined;
}

export function originalOf(fn: unknown): Method | undefined {
  return typeof fn === 'function' ? (fn as unknown as Record<symbol, Method | undefined>)[ORIGINAL] : undefined;
}

/** Marks `wrapper` as tracewire's, over `original`: never wrapped twice, and it keeps the original's name and arity. */
export function markWrapped(wrapper: Method, original: Method): void {
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
}

/** Puts `wrapper` where `owner[name]` was, keeping how that property was defined. */
export function replaceMethod(owner: object, name: string, wrapper: Method): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, name);
  Object.defineProperty(owner, name, {
    value: wrapper,
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? false,
    configurable: true,
  });
}

export interface WrapContext {
  integration: IntegrationDefinition;
  target: TargetDefinition;
  /** Installed package version, for `attributes.integration`. */
  version: string | undefined;
  /** Runs before a recorded call, with the method's `this` (never throws): e.g. adopts the client's tracer. */
  beforeRecord?: (resource: unknown) => void;
  /** Installed by implicit patching (on a class), not by a wrapper: it records only while init() asks for implicit patching. */
  implicit?: boolean;
  /** One client's settings (`wrapOpenAI(client, settings)`), over init()'s for the integration. */
  overrides?: IntegrationSettings;
  /** The merge of `overrides` over the init() settings it was made from, kept until those change. */
  merged?: { base: IntegrationSettings; settings: IntegrationSettings };
}

/**
 * A wrapped client's settings: its own over init()'s, opSettings key by key. Made again only
 * when init() runs again, so that calls share one object (specFor caches by it).
 */
function settingsFor(ctx: WrapContext, base: IntegrationSettings): IntegrationSettings {
  const overrides = ctx.overrides;
  if (overrides === undefined) return base;
  if (ctx.merged?.base === base) return ctx.merged.settings;
  const settings: IntegrationSettings = { ...base, ...overrides, enabled: base.enabled !== false && overrides.enabled !== false };
  if (base.opSettings !== undefined || overrides.opSettings !== undefined) settings.opSettings = { ...base.opSettings, ...overrides.opSettings };
  ctx.merged = { base, settings };
  return settings;
}

/**
 * True when a traced method of `integration` called now would be recorded: the guard of
 * tracedMethod, for code that must decide before the method is called (self-tracing.ts).
 */
export function recordsNow(integration: IntegrationDefinition): boolean {
  return recordingFrame(integration) !== null;
}

/**
 * The context a traced method of `integration` called now would record under, or null when it
 * would not record. One HTTP request, one record: an instance wrapper calling a patched
 * prototype method, or an SDK helper calling create on the same stack, runs untraced.
 */
function recordingFrame(integration: IntegrationDefinition): Frame | undefined | null {
  if (!state.enabled || depth.value > 0) return null;
  if (!state.settings?.integrations[integration.name].enabled) return null;
  const frame = currentFrame();
  return frame?.disabled ? null : frame;
}

export function tracedMethod(original: Method, ctx: WrapContext): Method {
  const { integration, target } = ctx;
  const specs: Specs = new WeakMap();
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    const frame = recordingFrame(integration);
    // Patches stay on the classes once made: init() again with implicit patching off turns them into pass-throughs.
    if (frame === null || (ctx.implicit === true && !state.settings!.implicitPatching)) return original.apply(this, args);
    const settings = settingsFor(ctx, state.settings!.integrations[integration.name]);
    if (settings.enabled === false) return untraced(original, this, args);

    let opened;
    try {
      opened = open(this, args, ctx, settings, specs);
    } catch (error) {
      warnOnce(`open:${target.opName}`, `tracing ${target.opName} failed; the call proceeds untraced: ${describeError(error)}`);
    }
    if (!opened?.call) return original.apply(this, args);
    const { call, callArgs, observation } = opened;

    let result: unknown;
    beforeCall(observation);
    depth.value++;
    try {
      result = needsContext(observation)
        ? enterCall(call, frame, () => original.apply(this, callArgs))
        : original.apply(this, callArgs);
    } catch (error) {
      stopWaiting(observation);
      call.fail(error);
      throw error;
    } finally {
      depth.value--;
    }
    try {
      return observeResult(result, observation);
    } catch (error) {
      warnOnce(`observe:${target.opName}`, `observing ${target.opName} failed; its record may be incomplete: ${describeError(error)}`);
      stopWaiting(observation);
      call.cancel();
    }
    return result;
  };
  markWrapped(traced, original);
  Object.defineProperty(traced, CONTEXT, { value: ctx });
  return traced;
}

/** A client wrapped with `enabled: false`: the prototype's own wrapper, reached next, must not record it either. */
function untraced(original: Method, self: unknown, args: unknown[]): unknown {
  depth.value++;
  try {
    return original.apply(self, args);
  } finally {
    depth.value--;
  }
}

/**
 * An SDK call is a leaf: nothing the app records runs inside it, so it does not become the
 * current context, which on Node 20 would turn on AsyncLocalStorage's promise hooks for the
 * whole process (about a third of an SDK call's own CPU time). One thing inside some SDK calls
 * looks for its call in the context, and gets it: the SDK's own OpenTelemetry span when
 * tracewire exports there (self-tracing.ts).
 */
function needsContext(o: Observation): boolean {
  return o.integration.selfTracing !== undefined && exporting();
}

function open(resource: unknown, args: unknown[], ctx: WrapContext, settings: IntegrationSettings, specs: Specs) {
  const { integration, target } = ctx;
  ctx.beforeRecord?.(resource);
  const inputs = target.inputs ? target.inputs(args) : bodyOf(args[0]);
  const destination: Destination = integration.destination(resource);
  const prepared = target.prepare?.(args, settings, destination);
  const call = beginCall(specFor(ctx, destination, settings, specs), inputs);
  const streaming = target.isStream ? target.isStream(inputs) : inputs.stream === true;
  return {
    call,
    callArgs: prepared?.args ?? args,
    observation: { call: call!, target, integration, inputs, streaming, hideChunk: prepared?.hideChunk },
  };
}

/**
 * What a traced method's calls to one server are, made once per destination (destinations are
 * cached per base URL) and per settings: no object per call, and every call to one server
 * shares one frozen attributes object, which the export pipeline redacts and copies once.
 */
type Specs = WeakMap<Destination, { settings: IntegrationSettings; spec: CallSpec }>;

function specFor(ctx: WrapContext, destination: Destination, settings: IntegrationSettings, specs: Specs): CallSpec {
  const known = specs.get(destination);
  if (known !== undefined && known.settings === settings) return known.spec;
  const opSettings = settings.opSettings;
  const spec: CallSpec = {
    // The user's op settings rename the op or change its kind, as they do for op().
    opName: opSettings?.name ?? ctx.target.opName,
    kind: opSettings?.kind ?? ctx.target.kind,
    settings: opSettings,
    attributes: Object.freeze({
      integration: Object.freeze({ name: ctx.integration.name, version: ctx.version }),
      provider: destination.provider,
      ...(destination.baseUrl !== undefined ? { baseUrl: destination.baseUrl } : {}),
    }),
    provider: destination.provider,
  };
  specs.set(destination, { settings, spec });
  return spec;
}

function bodyOf(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return value === undefined ? {} : { input: value };
}
