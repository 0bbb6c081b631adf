/**
 * The export queue. The hot path only pushes a finished call and adds its estimated size;
 * turning calls into records (privacy, serialization) and handing batches to exporters
 * happens on a timer, in batches. The queue is bounded by bytes: when full, calls are
 * dropped and counted, never waited for. A slow or broken exporter only loses its own data.
 */
import { describeError, warn, warnOnce } from '../log.js';
import type { ResolvedSettings } from '../settings.js';
import type { LiveCall } from '../trace/call.js';
import type { Call, Exporter } from '../types.js';
import { toRecord } from './pipeline.js';

/**
 * Small on purpose: calls held in the queue outlive several young-generation collections and
 * get copied and promoted, which measured as a third of tracing's cost at high call rates.
 * Exporters that want bigger units (one OTLP request per many spans) buffer their own
 * serialized form, which costs the garbage collector next to nothing.
 */
const BATCH_SIZE = 64;
const BATCH_DELAY_MS = 20;
/** An exporter with this many calls in unfinished exports gets no more until it catches up. */
const MAX_PENDING_CALLS = 8192;
const EXPORT_TIMEOUT_MS = 30_000;
/** Estimated overhead of a record beyond its inputs and output. */
const RECORD_OVERHEAD_BYTES = 600;

interface Slot {
  exporter: Exporter;
  pending: Set<Promise<void>>;
  pendingCalls: number;
  dropped: number;
  /** Batches handed to export(), and how many of them a completed flush covered. */
  handed: number;
  flushed: number;
}

export interface RecorderStats {
  queued: number;
  queuedBytes: number;
  exported: number;
  dropped: number;
}

export class Recorder {
  private queue: LiveCall[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly slots: Slot[];
  private exported = 0;
  /** Queued calls whose usage is still to be read, so a summary read with none pays nothing. */
  private unreadUsage = 0;
  dropped = 0;

  constructor(exporters: Exporter[], private readonly settings: ResolvedSettings) {
    this.slots = exporters.map((exporter) => ({ exporter, pending: new Set(), pendingCalls: 0, dropped: 0, handed: 0, flushed: 0 }));
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
      for (const slot of this.slots) this.dispatch(slot, batch);
    }
  }

  private takeBatch(): Call[] {
    const calls = this.queue.splice(0, BATCH_SIZE);
    // Usage first, for the whole batch: a parent in the same batch gets its children's
    // before its record is made, even one queued before them.
    for (const call of calls) {
      if (call.readPendingUsage()) this.unreadUsage--;
    }
    const records: Call[] = [];
    for (const call of calls) {
      call.queued = false;
      this.queuedBytes -= call.inputBytes + call.outputBytes + RECORD_OVERHEAD_BYTES;
      try {
        records.push(toRecord(call, this.settings));
      } catch (error) {
        this.dropped++;
        warnOnce('to-record', `a call could not be turned into a record and was dropped: ${describeError(error)}`);
      }
    }
    if (this.queue.length === 0) this.queuedBytes = 0;
    this.exported += records.length;
    return records;
  }

  private dispatch(slot: Slot, batch: Call[]): void {
    if (batch.length === 0) return;
    if (slot.pendingCalls + batch.length > MAX_PENDING_CALLS) {
      slot.dropped += batch.length;
      warnOnce(`exporter-behind:${slot.exporter.name}`, `exporter "${slot.exporter.name}" is not keeping up; its batches are being dropped.`);
      return;
    }
    let result: void | Promise<void>;
    try {
      result = slot.exporter.export(batch);
    } catch (error) {
      warnOnce(`exporter-throws:${slot.exporter.name}`, `exporter "${slot.exporter.name}" failed: ${describeError(error)}`);
      return;
    }
    slot.handed++;
    if (result && typeof (result as Promise<void>).then === 'function') {
      // The count, not the batch: an exporter that keeps only a serialized form lets the calls go.
      const count = batch.length;
      const settled = withTimeout(Promise.resolve(result), EXPORT_TIMEOUT_MS).then(
        (timedOut) => {
          if (timedOut) warnOnce(`exporter-hangs:${slot.exporter.name}`, `exporter "${slot.exporter.name}" did not finish a batch within ${EXPORT_TIMEOUT_MS} ms.`);
        },
        (error) => warnOnce(`exporter-rejects:${slot.exporter.name}`, `exporter "${slot.exporter.name}" failed: ${describeError(error)}`),
      ).finally(() => {
        slot.pending.delete(settled);
        slot.pendingCalls -= count;
      });
      slot.pending.add(settled);
      slot.pendingCalls += count;
    }
  }

  /** Resolves when everything recorded so far was handed over and each exporter flushed. */
  async flush(timeoutMs = EXPORT_TIMEOUT_MS): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.drain();
    const waits = this.slots.map(async (slot) => {
      const handed = slot.handed;
      await Promise.all([...slot.pending]);
      try {
        await slot.exporter.flush?.();
        slot.flushed = Math.max(slot.flushed, handed);
      } catch (error) {
        warnOnce(`exporter-flush:${slot.exporter.name}`, `exporter "${slot.exporter.name}" failed to flush: ${describeError(error)}`);
      }
    });
    const timedOut = await withTimeout(Promise.all(waits), timeoutMs);
    if (timedOut) warn(`flush() gave up waiting for the exporters after ${timeoutMs} ms.`);
  }

  /**
   * At process exit: only synchronous work can still run. Every exporter that can write
   * synchronously is called, with nothing queued too: it may hold calls of its own.
   */
  drainSync(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batches: Call[][] = [];
    while (this.queue.length > 0) batches.push(this.takeBatch());
    for (const slot of this.slots) {
      try {
        if (slot.exporter.exportSync) slot.exporter.exportSync(batches.flat());
        else for (const batch of batches) this.dispatch(slot, batch);
      } catch (error) {
        warnOnce(`exporter-exit:${slot.exporter.name}`, `exporter "${slot.exporter.name}" failed at exit: ${describeError(error)}`);
      }
    }
  }

  hasPendingWork(): boolean {
    return this.queue.length > 0 || this.slots.some((slot) => slot.pending.size > 0);
  }

  /**
   * After drainSync(): whether an exporter that cannot write synchronously holds work that a
   * flush would finish (unfinished exports, or batches its flush() has not covered yet).
   */
  hasAsyncWork(): boolean {
    return this.slots.some(({ exporter, pending, handed, flushed }) =>
      !exporter.exportSync && (pending.size > 0 || (exporter.flush !== undefined && handed > flushed)));
  }

  stats(): RecorderStats {
    const exporterDrops = this.slots.reduce((sum, slot) => sum + slot.dropped, 0);
    return { queued: this.queue.length, queuedBytes: this.queuedBytes, exported: this.exported, dropped: this.dropped + exporterDrops };
  }

  /** Flushes, then shuts down every exporter but those in `keep` (a new configuration uses them). */
  async shutdown(keep: ReadonlySet<Exporter> = new Set()): Promise<void> {
    await this.flush();
    for (const slot of this.slots) {
      if (keep.has(slot.exporter)) continue;
      try {
        await slot.exporter.shutdown?.();
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
