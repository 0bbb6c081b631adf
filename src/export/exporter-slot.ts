/**
 * One exporter as the export queue sees it. An exporter whose export() returns a promise gets
 * at most MAX_PENDING_CALLS calls in unfinished exports; further batches are held here and
 * handed over, in order, as those exports finish: a burst is delayed, not lost.
 *
 * What a slot keeps alive (its held batches and its unfinished exports, by the queue's size
 * estimate) is bounded by `maxBytes` (maxQueueBytes): past it, that exporter's new batches are
 * dropped and counted, while the queue keeps feeding the other exporters. An export counts
 * until it settles, however long that takes: an exporter that hangs keeps its share and gets
 * nothing more, rather than being handed more each time a timeout gives up on it.
 */
import { describeError, warnOnce } from '../log.js';
import type { Call, Exporter } from '../types.js';
import { asExportWork } from './export-work.js';

/** Many small unfinished exports cost bookkeeping even when they are few bytes. */
export const MAX_PENDING_CALLS = 8192;
const EXPORT_WARN_MS = 30_000;

export interface Batch {
  readonly calls: Call[];
  /** The queue's size estimate of these calls. */
  readonly bytes: number;
  /**
   * Records only for exporters that keep the latest record per id (LiveCall.claimFinalExport):
   * the call or a descendant still runs, or its final record was sent already. If any.
   */
  readonly storeOnly?: ReadonlySet<Call>;
}

/** The batch without store-only records, for an exporter that takes final records only. */
function finalOnly(batch: Batch): Batch {
  const storeOnly = batch.storeOnly;
  if (storeOnly === undefined) return batch;
  const calls = batch.calls.filter((call) => !storeOnly.has(call));
  return { calls, bytes: (batch.bytes * calls.length) / batch.calls.length };
}

export class ExporterSlot {
  /** Unfinished exports; each settles after its bookkeeping, so awaiting it sees the batches fed after it. */
  readonly pending = new Set<Promise<void>>();
  dropped = 0;
  private pendingCalls = 0;
  /** Held batches plus unfinished exports, estimated. */
  private bytes = 0;
  private held: Batch[] = [];
  /** Batches ever held, and ever taken out of `held`: a flush waits until the second reaches its start's first. */
  private heldCount = 0;
  private releasedCount = 0;
  /** Batches handed to export(), and how many of them a completed flush covered. */
  private handed = 0;
  private flushed = 0;

  constructor(readonly exporter: Exporter, private readonly maxBytes: number) {}

  offer(offered: Batch): void {
    const batch = this.taken(offered);
    if (batch.calls.length === 0) return;
    // Nothing outstanding: even a batch estimated above the bound goes (the queue's bound admitted it).
    if (this.bytes === 0 || (this.held.length === 0 && this.pendingCalls + batch.calls.length <= MAX_PENDING_CALLS && this.bytes + batch.bytes <= this.maxBytes)) {
      this.hand(batch);
    } else if (this.bytes + batch.bytes <= this.maxBytes) {
      this.held.push(batch);
      this.heldCount++;
      this.bytes += batch.bytes;
    } else {
      this.dropped += batch.calls.length;
      const name = this.exporter.name;
      warnOnce(`exporter-behind:${name}`, `exporter "${name}" is not keeping up: its unfinished exports and the batches waiting for it reached maxQueueBytes (${this.maxBytes} bytes); its new batches are being dropped.`);
    }
  }

  /** Whether anything is held for the exporter or unfinished in it. */
  get busy(): boolean {
    return this.pending.size > 0 || this.held.length > 0;
  }

  /**
   * Whether an exporter that cannot write synchronously has work a flush would finish:
   * unfinished exports, held batches, or batches its own flush() has not covered yet.
   */
  get needsAsyncFlush(): boolean {
    if (this.exporter.exportSync) return false;
    return this.busy || (this.exporter.flush !== undefined && this.handed > this.flushed);
  }

  /** Resolves once every batch offered before the call was exported and the exporter flushed. */
  async flush(): Promise<void> {
    const target = this.heldCount;
    for (;;) {
      const caughtUp = this.releasedCount >= target;
      // Held batches wait for an unfinished export to settle; were there none, nothing would feed them.
      if (!caughtUp && this.pending.size === 0) this.feed();
      const handed = this.handed;
      // The exporter's flush runs alongside: an exporter that gathers batches (otlp) sends them now.
      await Promise.all([...this.pending, this.flushExporter()]);
      if (caughtUp) {
        this.flushed = Math.max(this.flushed, handed);
        return;
      }
    }
  }

  /** At exit: a synchronous exporter gets what is held for it too; any other is offered `batches`. */
  exportAtExit(batches: Batch[]): void {
    const exportSync = this.exporter.exportSync;
    if (!exportSync) {
      for (const batch of batches) this.offer(batch);
      return;
    }
    const held = this.held;
    this.held = [];
    this.releasedCount += held.length;
    const calls: Call[] = [];
    for (const batch of held) {
      this.bytes -= batch.bytes;
      for (const call of batch.calls) calls.push(call);
    }
    for (const batch of batches) for (const call of this.taken(batch).calls) calls.push(call);
    try {
      exportSync.call(this.exporter, calls);
    } catch (error) {
      warnOnce(`exporter-exit:${this.exporter.name}`, `exporter "${this.exporter.name}" failed at exit: ${describeError(error)}`);
    }
  }

  /** Drops, counted, what is held: no export of it should start any more. */
  dropHeld(): void {
    for (const batch of this.held) {
      this.dropped += batch.calls.length;
      this.bytes -= batch.bytes;
    }
    this.releasedCount += this.held.length;
    this.held = [];
  }

  /** The batch as this exporter takes it: with store-only records only if it keeps the latest per id. */
  private taken(batch: Batch): Batch {
    return this.exporter.acceptsRunning === true ? batch : finalOnly(batch);
  }

  private hand(batch: Batch): void {
    const name = this.exporter.name;
    let result: void | Promise<void>;
    try {
      result = exportOutside(this.exporter, batch.calls);
    } catch (error) {
      warnOnce(`exporter-throws:${name}`, `exporter "${name}" failed: ${describeError(error)}`);
      return;
    }
    this.handed++;
    if (!result || typeof (result as Promise<void>).then !== 'function') return;
    // The count and size, not the batch: an exporter that keeps only a serialized form lets the calls go.
    const { length: count } = batch.calls;
    const { bytes } = batch;
    this.pendingCalls += count;
    this.bytes += bytes;
    const slow = setTimeout(() => warnOnce(`exporter-hangs:${name}`, `exporter "${name}" did not finish a batch within ${EXPORT_WARN_MS} ms.`), EXPORT_WARN_MS);
    slow.unref();
    const settled: Promise<void> = Promise.resolve(result)
      .then(undefined, (error: unknown) => warnOnce(`exporter-rejects:${name}`, `exporter "${name}" failed: ${describeError(error)}`))
      .then(() => {
        clearTimeout(slow);
        this.pending.delete(settled);
        this.pendingCalls -= count;
        this.bytes -= bytes;
        this.feed();
      });
    this.pending.add(settled);
  }

  /** Hands held batches over, oldest first, while unfinished exports leave room. */
  private feed(): void {
    while (this.held.length > 0 && (this.pendingCalls === 0 || this.pendingCalls + this.held[0]!.calls.length <= MAX_PENDING_CALLS)) {
      const batch = this.held.shift()!;
      this.releasedCount++;
      this.bytes -= batch.bytes;
      this.hand(batch);
    }
  }

  private async flushExporter(): Promise<void> {
    try {
      await asExportWork(() => this.exporter.flush?.());
    } catch (error) {
      warnOnce(`exporter-flush:${this.exporter.name}`, `exporter "${this.exporter.name}" failed to flush: ${describeError(error)}`);
    }
  }
}

/**
 * `exporter.export(calls)` as export work. A function of its own: a closure made in hand()
 * would put `batch` in the scope its promise callbacks keep until the export settles, and
 * with it every call of the batch, which an exporter holding only a serialized form lets go.
 */
function exportOutside(exporter: Exporter, calls: Call[]): void | Promise<void> {
  return asExportWork(() => exporter.export(calls));
}
