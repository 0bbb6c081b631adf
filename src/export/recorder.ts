/**
 * The export queue. The hot path only pushes a finished call and adds its estimated size;
 * turning calls into records (privacy, serialization) and handing batches to exporters
 * happens on a timer, in batches. The queue is bounded by bytes: when full, calls are
 * dropped and counted, never waited for. A slow or broken exporter only loses its own data
 * (exporter-slot.ts: what waits for each exporter).
 *
 * Memory held for export, by the size estimate below (a call's inputs and output, plus
 * RECORD_OVERHEAD_BYTES): at most maxQueueBytes in this queue, plus at most maxQueueBytes per
 * exporter whose export() returns a promise (batches held for it and its unfinished exports).
 * So (1 + asynchronous exporters) x maxQueueBytes: 1x for local alone, 2x with otlp, which
 * also caps its own serialized spans at maxQueueBytes characters (otlp.ts), whatever the estimate.
 */
import { setKey } from '../copy-keys.js';
import { describeError, warn, warnOnce } from '../log.js';
import type { ResolvedSettings } from '../settings.js';
import type { LiveCall } from '../trace/call.js';
import { releaseAwaitingDescendants } from '../trace/unfinished.js';
import type { Call, Exporter } from '../types.js';
import { asExportWork } from './export-work.js';
import { ExporterSlot, type Batch } from './exporter-slot.js';
import { toRecord } from './pipeline.js';

/**
 * Small on purpose: calls held in the queue outlive several young-generation collections and
 * get copied and promoted, which measured as a third of tracing's cost at high call rates.
 * Exporters that want bigger units (one OTLP request per many spans) buffer their own
 * serialized form, which costs the garbage collector next to nothing.
 */
const BATCH_SIZE = 64;
const BATCH_DELAY_MS = 20;
const FLUSH_TIMEOUT_MS = 30_000;
/** Estimated overhead of a record beyond its inputs and output. */
const RECORD_OVERHEAD_BYTES = 600;

export interface RecorderStats {
  queued: number;
  queuedBytes: number;
  exported: number;
  /** Calls lost: the queue was full, or an exporter fell behind or could not deliver them (counted once per exporter). */
  dropped: number;
  /** Of those, per exporter name: what it fell behind on, and what it could not deliver. */
  droppedByExporter: Record<string, number>;
}

export class Recorder {
  private queue: LiveCall[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly slots: ExporterSlot[];
  private exported = 0;
  /** Queued calls whose usage is still to be read, so a summary read with none pays nothing. */
  private unreadUsage = 0;
  dropped = 0;

  constructor(exporters: Exporter[], private readonly settings: ResolvedSettings) {
    this.slots = exporters.map((exporter) => new ExporterSlot(exporter, settings.maxQueueBytes));
  }

  get exporters(): Exporter[] {
    return this.slots.map((slot) => slot.exporter);
  }

  /** False when the call was dropped (the queue is full). */
  enqueue(call: LiveCall): boolean {
    if (call.queued) return true;
    const bytes = call.inputBytes + call.outputBytes + RECORD_OVERHEAD_BYTES;
    if (this.queuedBytes + bytes > this.settings.maxQueueBytes) {
      this.dropped++;
      warnOnce(
        'queue-full',
        `export queue is full (${this.settings.maxQueueBytes} bytes): calls are being dropped. ` +
          'The exporters cannot keep up; raise maxQueueBytes or check the exporters.',
      );
      return false;
    }
    call.queued = true;
    call.queuedBytes = bytes;
    if (call.hasPendingUsage) this.unreadUsage++;
    this.queue.push(call);
    this.queuedBytes += bytes;
    // A full batch is exported on the next turn; the timer is armed once, never pushed back,
    // or a steady stream of calls would keep postponing the export until the queue overflows.
    if (this.queue.length === BATCH_SIZE) this.schedule(0);
    else if (this.timer === undefined) this.schedule(BATCH_DELAY_MS);
    return true;
  }

  /** Reads the usage queued calls left for their batch (LiveCall.pendingUsage), for a summary read now. */
  readPendingUsage(): void {
    if (this.unreadUsage === 0) return;
    // Reading one may queue an exported ancestor again: the loop reaches it too.
    for (const call of this.queue) call.readPendingUsage();
    this.unreadUsage = 0;
  }

  private schedule(delay: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, delay);
    this.timer.unref();
  }

  /** Turns everything queued into records and hands the batches to the exporters. */
  private drain(): void {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      for (const slot of this.slots) slot.offer(batch);
    }
  }

  private takeBatch(): Batch {
    const calls = this.queue.splice(0, BATCH_SIZE);
    // Usage first, for the whole batch: a parent in the same batch gets its children's
    // before its record is made, even one queued before them.
    for (const call of calls) {
      if (call.readPendingUsage()) this.unreadUsage--;
    }
    const records: Call[] = [];
    let bytes = 0;
    let storeOnly: Set<Call> | undefined;
    for (const call of calls) {
      call.queued = false;
      // As counted when queued: a running call's output may have arrived since.
      const size = call.queuedBytes;
      this.queuedBytes -= size;
      try {
        const record = toRecord(call, this.settings);
        records.push(record);
        bytes += size;
        if (!call.claimFinalExport()) (storeOnly ??= new Set()).add(record);
      } catch (error) {
        this.dropped++;
        warnOnce('to-record', `a call could not be turned into a record and was dropped: ${describeError(error)}`);
      }
    }
    if (this.queue.length === 0) this.queuedBytes = 0;
    this.exported += records.length;
    return { calls: records, bytes, storeOnly };
  }

  /**
   * Resolves when everything recorded so far was handed over (batches held for a busy exporter
   * included) and exported, and each exporter flushed (true); or when `timeoutMs` passed (false).
   */
  async flush(timeoutMs = FLUSH_TIMEOUT_MS, { releaseUnfinal = true } = {}): Promise<boolean> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // What is flushed is sent, also a call whose descendants still run (it may be sent again when they end).
    if (releaseUnfinal) releaseAwaitingDescendants();
    this.drain();
    const timedOut = await withTimeout(Promise.all(this.slots.map((slot) => slot.flush())), timeoutMs);
    if (timedOut) warn(`flush() gave up waiting for the exporters after ${timeoutMs} ms.`);
    return !timedOut;
  }

  /**
   * When a flush at exit gave up: what is still held for slow exporters is dropped (counted),
   * or each export that settles would start the next and keep a dying process alive for as
   * long as the backlog lasts.
   */
  dropHeld(): void {
    for (const slot of this.slots) slot.dropHeld();
  }

  /**
   * At process exit: only synchronous work can still run. Every exporter that can write
   * synchronously is called, with nothing queued too: it may hold calls of its own.
   */
  drainSync(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batches: Batch[] = [];
    while (this.queue.length > 0) batches.push(this.takeBatch());
    for (const slot of this.slots) slot.exportAtExit(batches);
  }

  hasPendingWork(): boolean {
    return this.queue.length > 0 || this.slots.some((slot) => slot.busy);
  }

  /** After drainSync(): whether an exporter that cannot write synchronously has work a flush would finish. */
  hasAsyncWork(): boolean {
    return this.slots.some((slot) => slot.needsAsyncFlush);
  }

  stats(): RecorderStats {
    const droppedByExporter: Record<string, number> = {};
    let dropped = this.dropped;
    for (const slot of this.slots) {
      const own = slot.exporter.dropped;
      const count = slot.dropped + (typeof own === 'number' && own > 0 ? own : 0);
      const name = slot.exporter.name;
      // An exporter may be named "constructor" or "__proto__": only own entries are added to.
      setKey(droppedByExporter, name, (Object.hasOwn(droppedByExporter, name) ? droppedByExporter[name]! : 0) + count);
      dropped += count;
    }
    return { queued: this.queue.length, queuedBytes: this.queuedBytes, exported: this.exported, dropped, droppedByExporter };
  }

  /** Flushes, then shuts down every exporter but those in `keep` (a new configuration uses them). */
  async shutdown(keep: ReadonlySet<Exporter> = new Set()): Promise<void> {
    await this.flush();
    for (const slot of this.slots) {
      if (keep.has(slot.exporter)) continue;
      try {
        await asExportWork(() => slot.exporter.shutdown?.());
      } catch (error) {
        warnOnce(`exporter-shutdown:${slot.exporter.name}`, `exporter "${slot.exporter.name}" failed to shut down: ${describeError(error)}`);
      }
    }
  }
}

/** Resolves to true if `promise` did not settle in time (it is not cancelled, only no longer awaited). */
function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
    timer.unref();
  });
  return Promise.race([promise.then(() => false), timeout]).finally(() => clearTimeout(timer));
}
