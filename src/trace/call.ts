/**
 * A call while it runs and until it is exported. Starting and ending one is the hot path:
 * it takes a bounded, key-redacted snapshot of inputs and output and queues itself;
 * postprocessing hooks and serialization happen later, in batches (export/).
 */
// Imported: Node's global `performance` is a lazy getter on globalThis, run on every read.
import { performance } from 'node:perf_hooks';
import { copyKeys } from '../copy-keys.js';
import { propertyKey } from '../property-key.js';
import { keyRedactionFor } from '../privacy/redact.js';
import { ShapeSite } from '../serialize/shape-copy.js';
import { snapshot, type JsonValue } from '../serialize/snapshot.js';
import { state } from '../state.js';
import type { CallException, CallHandle, CallStatus, Summary, Usage } from '../types.js';
import type { CallSpec, RecordContent, UsageReader } from './call-spec.js';
import { toCallException } from './exception.js';
import { idStamp, uuidv7 } from './ids.js';
import { addUnended, awaitingDescendants, removeUnended, type Unended } from './unfinished.js';
import { addUsageTo, rollUp } from './summary.js';

const NOT_SENT = 0, SENT_RELEASED = 1, SENT_COMPLETE = 2;
type FinalExport = typeof NOT_SENT | typeof SENT_RELEASED | typeof SENT_COMPLETE;

export class LiveCall implements CallHandle, Unended {
  readonly startedAt: number = Date.now();
  /** When the call started, in id order (ids.ts); the id string itself is made when first read. */
  private readonly idStamp: number = idStamp(this.startedAt);
  private ownId: string | undefined = undefined;
  private readonly startMark: number = performance.now();
  endedAt: number | null = null;
  status: CallStatus = 'running';
  readonly inputs: JsonValue;
  readonly inputBytes: number;
  output: JsonValue = null;
  /** Estimated size of the output and of the exception's text, for the export queue's bound. */
  outputBytes = 0;
  exception: CallException | null = null;
  /** `summary` without the usage still waiting to be read (see `pendingUsage`). */
  readonly summaryNow: Summary = {};
  /**
   * Usage reported for this call itself, per model, until rolled up at the end. Pairs, not a
   * Map: a call reports one model or two, and a Map costs far more to build and to keep.
   */
  private ownUsage: Array<[string, Usage]> | undefined = undefined;
  /**
   * How to read this call's usage from the exact copies of its output and inputs, left to the
   * export batch so that pricing and roll-up run there, not between the SDK's response and the
   * application. Read at the latest before the record is made, or when a `summary` is read.
   */
  private pendingUsage: UsageReader | undefined = undefined;
  private readonly inputsExact: boolean;
  /** Set while the call sits in the export queue, so a re-export is not queued twice. */
  queued = false;
  /** What the export queue counted for the call when it was queued, to take off when it leaves. */
  queuedBytes = 0;
  /** Set once the call was queued while running (announce). */
  announced = false;
  prevUnended: Unended | undefined = undefined;
  nextUnended: Unended | undefined = undefined;
  /** Children started while this call ran that are not complete yet (see claimFinalExport). */
  private openChildren = 0;
  /** This call counts in its parent's `openChildren`. */
  private counted = false;
  /** Handed to every exporter although descendants still run (a flush or the exit asked for it). */
  private released = false;
  /** How far the record went to the exporters that cannot replace it (claimFinalExport). */
  private sentFinal: FinalExport = NOT_SENT;
  /** Inputs and output after the privacy pipeline, set by the first export and reused by a re-export. */
  content: RecordContent | undefined = undefined;
  /**
   * Set when the call becomes the open call of a context (context.ts frameFor): only then can
   * calls start under it, roll usage up into it and re-export it. A call never set so (an SDK
   * call, which stays a leaf) has a final summary once its own usage is read.
   */
  mayHaveChildren = false;
  /** The trace's first call, whose id is the trace id: kept, not searched for, since traces can nest thousands deep. */
  private readonly root: LiveCall;
  /** The OpenTelemetry trace this call's trace joined (SPEC §7); set by beginCall, inherited by children. */
  otelTraceId: string | undefined = undefined;
  /** The OpenTelemetry span active when the call began, against which its children's are compared (beginCall). */
  otelSpanId: string | undefined = undefined;

  constructor(
    readonly spec: CallSpec,
    inputs: Record<string, unknown>,
    readonly parent: LiveCall | undefined,
    readonly attributes: Record<string, unknown>,
  ) {
    this.root = parent === undefined ? this : parent.root;
    if (parent !== undefined) {
      // A child started after its parent ended does not hold the parent's record back.
      if (!parent.ended) {
        parent.openChildren++;
        this.counted = true;
      }
      parent.announce();
    }
    spec.copySites ??= { inputs: new ShapeSite(), output: new ShapeSite() };
    const snap = snapshot(inputs, undefined, recordingRedaction(), spec.copySites.inputs);
    this.inputs = snap.value;
    this.inputBytes = snap.bytes;
    this.inputsExact = snap.exact === true;
    addUnended(this);
  }

  /** What user code sees (CallHandle): everything recorded so far, usage of ended calls included. */
  get summary(): Summary {
    state.recorder?.readPendingUsage();
    this.readPendingUsage();
    return this.summaryNow;
  }

  /**
   * Made when first read: usually by the export batch, where id after id runs with a warm
   * cache instead of once per call between the SDK's own work.
   */
  get id(): string {
    return (this.ownId ??= uuidv7(this.idStamp));
  }

  get traceId(): string {
    return this.root.id;
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

  /**
   * Whether this export of the call goes to the exporters that cannot replace a record (otlp):
   * once it ended and so did everything started under it, so once, with its children's usage;
   * a call released unfinished (a flush, the exit) goes as it is, then once more when complete.
   * A child started after the call ended changes its usage later still: that change reaches the
   * stores only, as a span cannot be sent twice under one id (the child's own record has it).
   */
  claimFinalExport(): boolean {
    if (this.endedAt === null) return false;
    const level = this.openChildren === 0 ? SENT_COMPLETE : this.released ? SENT_RELEASED : NOT_SENT;
    if (level <= this.sentFinal) return false;
    this.sentFinal = level;
    return true;
  }

  /** For a flush or the exit: the record goes to every exporter as it is now. */
  release(): void {
    awaitingDescendants.delete(this);
    this.released = true;
    state.recorder?.enqueue(this);
  }

  /** A child became final: so may this call, and then its parent. */
  private childFinal(): void {
    if (--this.openChildren > 0 || !this.ended) return;
    awaitingDescendants.delete(this);
    state.recorder?.enqueue(this);
    if (this.counted) this.parent!.childFinal();
  }

  /**
   * A call that gets a child is exported once while it runs, so that readers of the store (the
   * viewer, getTrace) see a trace whose root has not ended yet, with status `running`. Only
   * calls with children: a leaf's record follows soon enough, and recording every call twice
   * would double the export work.
   */
  private announce(): void {
    if (this.announced || this.ended) return;
    this.announced = true;
    state.recorder?.enqueue(this);
  }

  markFirstToken(): void {
    if (this.summaryNow.timeToFirstTokenMs === undefined) {
      this.summaryNow.timeToFirstTokenMs = roundMs(performance.now() - this.startMark);
    }
  }

  /** Integrations report what the provider billed; it is priced and rolled up when the call ends. */
  addUsage(model: string, usage: Usage): void {
    this.takeUsage(model, usage, true);
  }

  /** `copy` false: `usage` was made for this call (a UsageReader's), so the call may keep it. */
  private takeUsage(name: string, usage: Usage, copy: boolean): void {
    const model = propertyKey(name);
    const own = (this.ownUsage ??= []);
    for (const entry of own) {
      if (entry[0] === model) return addUsageTo(entry[1], usage);
    }
    own.push([model, copy ? copyKeys(usage) : usage]);
  }

  succeed(output: unknown): void {
    if (this.ended) return;
    this.setOutput(output);
    this.finish('success');
  }

  /**
   * Success, with the usage `read` finds in the output (and in `inputs`, for what the output
   * leaves out, such as the model): read later from the copies if exact, else now.
   */
  succeedWithUsage(output: unknown, read: UsageReader, inputs: Record<string, unknown>): void {
    if (this.ended) return;
    const exact = this.setOutput(output);
    if (exact && this.inputsExact) this.pendingUsage = read;
    else this.addUsageFrom(read, output, inputs);
    this.finish('success');
  }

  get hasPendingUsage(): boolean {
    return this.pendingUsage !== undefined;
  }

  /** Reads the usage left for later, rolls it up and prices it. False if there was none. */
  readPendingUsage(): boolean {
    const read = this.pendingUsage;
    if (read === undefined) return false;
    this.pendingUsage = undefined;
    this.addUsageFrom(read, this.output, this.inputs as Record<string, unknown>);
    this.rollUpOwnUsage();
    return true;
  }

  private addUsageFrom(read: UsageReader, output: unknown, inputs: Record<string, unknown>): void {
    let entries: ReturnType<UsageReader>;
    try {
      entries = read(output, inputs);
    } catch {
      return;
    }
    for (const entry of entries) this.takeUsage(entry.model, entry.usage, false);
  }

  fail(error: unknown, partialOutput?: unknown): void {
    if (this.ended) return;
    const exception = (this.exception = toCallException(error));
    if (partialOutput !== undefined) this.setOutput(partialOutput);
    // The queue's bound counts what the record holds, the exception's text too.
    this.outputBytes += exception.message.length + (exception.stack?.length ?? 0);
    this.finish('error');
  }

  cancel(partialOutput?: unknown): void {
    if (this.ended) return;
    if (partialOutput !== undefined) this.setOutput(partialOutput);
    this.finish('cancelled');
  }

  /** True when the copy is exact (Snapshot.exact). */
  private setOutput(output: unknown): boolean {
    const snap = snapshot(output, undefined, recordingRedaction(), this.spec.copySites?.output);
    this.output = snap.value;
    this.outputBytes = snap.bytes;
    return snap.exact === true;
  }

  private finish(status: CallStatus): void {
    this.status = status;
    const elapsed = performance.now() - this.startMark;
    // The start plus the monotonic duration, rather than a second read of the wall clock: the
    // end never precedes the start, even when the wall clock is set back during the call.
    this.endedAt = this.startedAt + Math.round(elapsed);
    this.summaryNow.latencyMs = roundMs(elapsed);
    removeUnended(this);
    if (this.pendingUsage === undefined) this.rollUpOwnUsage();
    // A call that is not queued has no batch to read its usage in.
    if (state.recorder?.enqueue(this) !== true) this.readPendingUsage();
    if (this.openChildren > 0) awaitingDescendants.add(this);
    else if (this.counted) this.parent!.childFinal();
  }

  private rollUpOwnUsage(): void {
    const own = this.ownUsage;
    if (own) {
      this.ownUsage = undefined;
      rollUp(this, own);
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

const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;
