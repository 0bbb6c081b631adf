/**
 * The OpenTelemetry span active around a call, if the application uses OpenTelemetry (SPEC §7:
 * "the exported span is its child"). `@opentelemetry/api` is not a dependency of tracewire:
 * an application that does not use OpenTelemetry must not pay for it, install it, or load it.
 *
 * Every copy of `@opentelemetry/api` 1.x keeps what the application registered (context
 * manager, tracer provider, ...) in one object on `globalThis` under
 * `Symbol.for('opentelemetry.js.api.1')`, and every copy keeps the active span in the context
 * under `Symbol.for('OpenTelemetry Context Key SPAN')`. Reading those directly is what the API
 * does itself, so we see the same span whichever copy the application registered with (ESM or
 * CJS build, nested versions, a bundled copy that `require` could not find).
 *
 * The application's own module is deliberately not loaded: with no context manager registered,
 * the API's no-op manager never has an active span, so the module can see nothing the global
 * does not; and loading it on the first call cost ~12 ms (a failed resolution, ~1 ms, in apps
 * without it). This runs when every call starts, SDK calls included: without a registered
 * context manager it is one property read, and there is no cache to go stale when the
 * application registers OpenTelemetry after tracewire.
 */
export interface OtelSpanContext {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  /**
   * The sampled bit of `traceFlags`. A span without it is never exported by the application,
   * so a call does not hang from it (beginCall): its span would be an orphan in the backend.
   * A span context without flags counts as sampled, as before they were read.
   */
  sampled: boolean;
}

const GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
// @opentelemetry/core's key, read by every instrumentation through isTracingSuppressed().
const SUPPRESS_TRACING_KEY = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;
// W3C trace-context flag: the trace is recorded (TraceFlags.SAMPLED in the API).
const SAMPLED_FLAG = 0x1;
// The API's "invalid" ids (a NonRecordingSpan with no parent carries them): no parent at all.
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

interface ContextLike {
  getValue(key: symbol): unknown;
  setValue?(key: symbol, value: unknown): ContextLike;
  deleteValue?(key: symbol): ContextLike;
}
interface SpanLike {
  spanContext(): { traceId?: unknown; spanId?: unknown; traceFlags?: unknown } | undefined;
}
interface Registry {
  context?: { active?(): ContextLike | undefined; with?<T>(context: ContextLike, fn: () => T): T };
}

const holder = globalThis as unknown as Record<symbol, Registry | undefined>;

/** The span context of the OpenTelemetry span active now, or undefined. Never throws. */
export function activeOtelSpanContext(): OtelSpanContext | undefined {
  // No API loaded, or no registered context manager (the API's no-op one): nothing is ever
  // active. Every call starts here, so this is all an application without OpenTelemetry pays.
  const manager = holder[GLOBAL_KEY]?.context;
  if (manager === undefined) return undefined;
  try {
    const active = manager.active?.();
    return active ? spanContextOf(active.getValue(SPAN_KEY)) : undefined;
  } catch {
    // A misbehaving context manager or span must not break the traced call: no parent then.
    return undefined;
  }
}

function spanContextOf(span: unknown): OtelSpanContext | undefined {
  if (span === undefined || span === null || typeof (span as SpanLike).spanContext !== 'function') return undefined;
  const sc = (span as SpanLike).spanContext();
  const traceId = sc?.traceId;
  const spanId = sc?.spanId;
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
  if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) return undefined;
  const flags = sc?.traceFlags;
  const ids = { traceId: traceId.toLowerCase(), spanId: spanId.toLowerCase(), sampled: typeof flags !== 'number' || (flags & SAMPLED_FLAG) !== 0 };
  return ids.traceId === INVALID_TRACE_ID || ids.spanId === INVALID_SPAN_ID ? undefined : ids;
}

/**
 * Runs `work` (an exporter's export, flush or shutdown) outside the application's span and with
 * OpenTelemetry tracing suppressed, as OpenTelemetry's own exporters do: otherwise the app's HTTP
 * instrumentations (undici, http) would record tracewire's OTLP requests as spans of whatever
 * request the app was serving when a batch left. `work` runs as it is when no context manager
 * is registered, or when the registered one misbehaves.
 */
export function outsideOtelTracing<T>(work: () => T): T {
  const manager = holder[GLOBAL_KEY]?.context;
  if (manager?.with === undefined) return work();
  let quiet: ContextLike | undefined;
  try {
    const active = manager.active?.();
    quiet = active?.deleteValue?.(SPAN_KEY)?.setValue?.(SUPPRESS_TRACING_KEY, true);
  } catch {
    quiet = undefined;
  }
  return quiet === undefined ? work() : manager.with(quiet, work);
}
