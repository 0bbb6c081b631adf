/**
 * A call while it runs and until it is exported. Starting and ending one is the hot path:
 * it takes a bounded, key-redacted snapshot of inputs and output and queues itself;
 * postprocessing hooks and serialization happen later, in batches (export/).
 */
import { keyRedactionFor } from '../privacy/redact.js';
import { snapshot, type JsonValue } from '../serialize/snapshot.js';
import { state } from '../state.js';
import type { CallException, CallHandle, CallKind, CallStatus, OpSettings, Summary, Usage } from '../types.js';
import { idStamp, uuidv7 } from './ids.js';
import { addCostTo, addUsageTo, priceUsage } from './summary.js';

/** What export/pipeline.ts makes of `inputs` and `output`. */
export interface RecordContent {
  inputs: Record<string, unknown>;
  output: unknown;
}

/**
 * What a call is, apart from its inputs: the same for every call of one op or one SDK method to
 * one server, so callers may share one object. Inputs are passed beside it and only their
 * snapshot is kept: a queued call must not keep the application's arguments alive.
 */
export interface CallSpec {
  opName: string;
  kind: CallKind;
  /** The op's or integration's settings: display name and postprocess hooks. */
  settings?: OpSettings;
  /** Facts about the call (integration, provider, base URL), merged over the context's attributes. */
  attributes?: Record<string, unknown>;
  /** Who served the call, for pricing. */
  provider?: string;
}

export class LiveCall implements CallHandle {
  /** When the call started, in id order (ids.ts); the id string itself is made when first read. */
  private readonly idStamp: number = idStamp();
  private ownId: string | undefined = undefined;
  readonly startedAt: number = Date.now();
  private readonly startMark: number = performance.now();
  endedAt: number | null = null;
  status: CallStatus = 'running';
  readonly inputs: JsonValue;
  readonly inputBytes: number;
  output: JsonValue = null;
  outputBytes = 0;
  exception: CallException | null = null;
  readonly summary: Summary = {};
  /**
   * Usage reported for this call itself, per model in the order reported (descendants roll
   * into `summary.usage` only). Pairs rather than a Map: a call reports one model or two, and
   * a Map costs far more to build and to keep. Dropped once rolled up at the end.
   */
  private ownUsage: Array<[string, Usage]> | undefined = undefined;
  /** Set while the call sits in the export queue, so a re-export is not queued twice. */
  queued = false;
  /** Inputs and output after the privacy pipeline, set by the first export and reused by a re-export. */
  content: RecordContent | undefined = undefined;
  /** The OpenTelemetry trace this call's trace joined (SPEC §7); set by beginCall, inherited by children. */
  otelTraceId: string | undefined = undefined;

  constructor(
    readonly spec: CallSpec,
    inputs: Record<string, unknown>,
    readonly parent: LiveCall | undefined,
    readonly attributes: Record<string, unknown>,
  ) {
    const snap = snapshot(inputs, undefined, recordingRedaction());
    this.inputs = snap.value;
    this.inputBytes = snap.bytes;
  }

  /**
   * Made when first read: usually by the export batch, where id after id runs with a warm
   * cache instead of once per call between the SDK's own work.
   */
  get id(): string {
    return (this.ownId ??= uuidv7(this.idStamp));
  }

  get traceId(): string {
    return this.parent ? this.parent.traceId : this.id;
  }

  get parentId(): string | null {
    return this.parent ? this.parent.id : null;
  }

  get opName(): string {
    return this.spec.opName;
  }

  get ended(): boolean {
    return this.endedAt !== null;
  }

  markFirstToken(): void {
    if (this.summary.timeToFirstTokenMs === undefined) {
      this.summary.timeToFirstTokenMs = roundMs(performance.now() - this.startMark);
    }
  }

  /** Integrations report what the provider billed; it is priced and rolled up when the call ends. */
  addUsage(model: string, usage: Usage): void {
    const own = (this.ownUsage ??= []);
    for (const entry of own) {
      if (entry[0] === model) {
        addUsageTo(entry[1], usage);
        return;
      }
    }
    own.push([model, { ...usage }]);
  }

  succeed(output: unknown): void {
    if (this.ended) return;
    this.setOutput(output);
    this.finish('success');
  }

  fail(error: unknown, partialOutput?: unknown): void {
    if (this.ended) return;
    this.exception = toCallException(error);
    if (partialOutput !== undefined) this.setOutput(partialOutput);
    this.finish('error');
  }

  cancel(partialOutput?: unknown): void {
    if (this.ended) return;
    if (partialOutput !== undefined) this.setOutput(partialOutput);
    this.finish('cancelled');
  }

  private setOutput(output: unknown): void {
    const snap = snapshot(output, undefined, recordingRedaction());
    this.output = snap.value;
    this.outputBytes = snap.bytes;
  }

  private finish(status: CallStatus): void {
    this.status = status;
    this.endedAt = Date.now();
    this.summary.latencyMs = roundMs(performance.now() - this.startMark);
    const own = this.ownUsage;
    if (own) {
      this.ownUsage = undefined;
      this.rollUp(own);
    }
    state.recorder?.enqueue(this);
  }

  /** Adds this call's usage and cost to itself and every ancestor; ancestors already exported are sent again. */
  private rollUp(usageByModel: Array<[string, Usage]>): void {
    for (const [model, usage] of usageByModel) {
      const cost = priceUsage(this.spec.provider, model, usage, this.startedAt);
      for (let call: LiveCall | undefined = this; call; call = call.parent) {
        call.summary.usage ??= {};
        const target = call.summary.usage[model];
        if (target) addUsageTo(target, usage);
        else call.summary.usage[model] = { ...usage };
        if (cost) addCostTo(call.summary, model, cost);
      }
    }
    for (let ancestor = this.parent; ancestor; ancestor = ancestor.parent) {
      if (ancestor.ended) state.recorder?.enqueue(ancestor);
    }
  }
}

/**
 * Key redaction (SPEC §6) is applied while inputs and output are copied, so the copies held
 * until export never contain what it removes; the pipeline runs the rest of the privacy steps.
 */
function recordingRedaction() {
  return keyRedactionFor(state.settings?.redactKeys);
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export function toCallException(error: unknown): CallException {
  if (error !== null && typeof error === 'object') {
    const e = error as { name?: unknown; message?: unknown; stack?: unknown; status?: unknown; statusCode?: unknown; constructor?: { name?: unknown } };
    const ctorName = typeof e.constructor?.name === 'string' && e.constructor.name !== 'Object' ? e.constructor.name : undefined;
    const exception: CallException = {
      type: ctorName ?? (typeof e.name === 'string' ? e.name : 'Error'),
      message: typeof e.message === 'string' ? e.message : safeString(error),
    };
    if (typeof e.stack === 'string') exception.stack = e.stack;
    // Stainless SDKs (openai, anthropic) name the HTTP status `status`; Fern and Speakeasy ones
    // (cohere-ai, @mistralai/mistralai) name it `statusCode`.
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
    if (status !== undefined) exception.status = status;
    return exception;
  }
  return { type: typeof error, message: safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}
