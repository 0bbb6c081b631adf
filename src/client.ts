/** init() and the client it returns: configuration, the export pipeline, and read-back. */
import { CostBook } from './cost/book.js';
import type { AddCostInput, CustomPrice } from './cost/custom.js';
import { createExporters } from './export/factory.js';
import { LocalExporter } from './export/local.js';
import { installExitHooks } from './export/process-exit.js';
import { Recorder, type RecorderStats } from './export/recorder.js';
import { applyPatching, type PatchingOptions } from './patching/registry.js';
import { resolveSettings, type ResolvedSettings } from './settings.js';
import { state } from './state.js';
import { validateQuery } from './store/query.js';
import type { Call, CallQuery, CallReader, Exporter, InitOptions } from './types.js';

export class Tracewire {
  /** The settings in force (after the environment was applied). */
  get settings(): ResolvedSettings {
    return state.settings!;
  }

  get project(): string {
    return this.settings.project;
  }

  /** The exporters in use (e.g. to read a MemoryExporter in tests). */
  get exporters(): Exporter[] {
    return state.recorder?.exporters ?? [];
  }

  flush(): Promise<void> {
    return flush();
  }

  stats(): RecorderStats {
    return state.recorder?.stats() ?? { queued: 0, queuedBytes: 0, exported: 0, dropped: 0, droppedByExporter: {} };
  }

  /**
   * Custom prices in USD per token (fine-tuned or self-hosted models, negotiated rates). They
   * override the bundled prices, are saved in the local store for this project, and the one
   * with the newest effectiveDate not after a call's start applies to it.
   */
  addCost(input: AddCostInput): CustomPrice {
    return costBook().add(input);
  }

  /** Calls of this project, read back after everything recorded so far was flushed. */
  async getCalls(query?: CallQuery): Promise<Call[]> {
    validateQuery(query ?? {});
    const reader = await this.readable();
    return reader ? reader.getCalls(query, this.project) : [];
  }

  async getCall(id: string): Promise<Call | null> {
    if (typeof id !== 'string' || id === '') throw new TypeError('getCall(id): id must be a non-empty string.');
    const reader = await this.readable();
    return reader ? reader.getCall(id, this.project) : null;
  }

  /** The trace's calls, parents before children. */
  async getTrace(traceId: string): Promise<Call[]> {
    if (typeof traceId !== 'string' || traceId === '') throw new TypeError('getTrace(traceId): traceId must be a non-empty string.');
    const reader = await this.readable();
    return reader ? reader.getTrace(traceId, this.project) : [];
  }

  /** With tracing disabled nothing is stored (and no store file is created), so there is nothing to read. */
  private async readable(): Promise<CallReader | undefined> {
    if (this.settings.disabled) return undefined;
    // Reading the store (which has every record, running ones too) must not change what other exporters get.
    await state.recorder?.flush(undefined, { releaseUnfinal: false });
    const reader = this.exporters.find(isReader);
    if (!reader) {
      const names = this.exporters.map((e) => e.name).join(', ') || 'none';
      throw new Error(`tracewire: reading calls needs the "local" or "memory" exporter; configured exporters: ${names}.`);
    }
    return reader;
  }
}

function isReader(exporter: Exporter): exporter is Exporter & CallReader {
  const candidate = exporter as Partial<CallReader>;
  return typeof candidate.getCalls === 'function' && typeof candidate.getCall === 'function' && typeof candidate.getTrace === 'function';
}

const CLIENT_KEY = Symbol.for('tracewire.client.v1');
const COSTS_KEY = Symbol.for('tracewire.costs.v1');
const holder = globalThis as unknown as { [CLIENT_KEY]?: Tracewire; [COSTS_KEY]?: CostBook };

function costBook(): CostBook {
  const book = holder[COSTS_KEY];
  if (!book) throw new Error('tracewire: call init() before addCost().');
  return book;
}

/**
 * Configures tracewire; synchronous. A second call reconfigures and returns the same client:
 * what the previous configuration queued is written to its exporters first.
 */
export function init(options: InitOptions = {}): Tracewire {
  return initialize(options);
}

export function initialize(options: InitOptions, patching: PatchingOptions = {}): Tracewire {
  const settings = resolveSettings(options);
  const previous = state.recorder;
  previous?.drainSync();
  state.settings = settings;
  const exporters = settings.disabled ? [] : createExporters(settings);
  // An exporter object passed again keeps working for the new configuration.
  void previous?.shutdown(new Set(exporters));
  state.recorder = settings.disabled ? undefined : new Recorder(exporters, settings);
  const local = exporters.find((e): e is LocalExporter => e instanceof LocalExporter);
  const previousBook = holder[COSTS_KEY];
  const carried = previousBook?.project === settings.project ? previousBook.addedHere : [];
  const book = new CostBook(settings.project, (create) => local?.costStore(create) ?? null, carried);
  book.install();
  holder[COSTS_KEY] = book;
  state.enabled = !settings.disabled;
  if (!settings.disabled) installExitHooks();
  applyPatching(settings, patching);
  return (holder[CLIENT_KEY] ??= new Tracewire());
}

/** Everything recorded so far is handed to the exporters and durably written. */
export async function flush(): Promise<void> {
  await state.recorder?.flush();
}
