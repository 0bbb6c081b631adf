/**
 * The default exporter: writes to the SQLite store in the user's directory. The store is
 * opened on first use so that merely configuring tracewire never creates a file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Call, CallQuery, CallReader, Exporter } from '../types.js';
import { LocalStore, STORE_FILE_NAME, StoreError } from '../store/local-store.js';
import { validateQuery } from '../store/query.js';

export interface LocalExporterOptions {
  dir: string;
  /** Reports a problem to the user; called at most once per kind of problem. */
  warn: (message: string) => void;
}

export class LocalExporter implements Exporter, CallReader {
  readonly name = 'local';
  private store: LocalStore | null = null;
  /** Set once opening failed: from then on writes are dropped and reads rethrow it. */
  private openFailure: StoreError | null = null;
  private warnedAboutWrites = false;

  constructor(private readonly options: LocalExporterOptions) {}

  export(calls: Call[]): void {
    this.exportSync(calls);
  }

  exportSync(calls: Call[]): void {
    if (calls.length === 0) return;
    const store = this.storeForWriting();
    if (!store) return;
    try {
      store.write(calls);
    } catch (error) {
      // Tracing must never take the application down; say so once and keep going.
      if (!this.warnedAboutWrites) {
        this.warnedAboutWrites = true;
        this.options.warn(`tracewire: could not write calls to the local store ${store.path}: ${messageOf(error)}`);
      }
    }
  }

  /** Every write is committed before `export` returns, so there is nothing to wait for. */
  flush(): void {}

  shutdown(): void {
    this.store?.close();
    this.store = null;
  }

  getCalls(query: CallQuery | undefined, project: string): Call[] {
    const store = this.storeForReading();
    if (store) return store.getCalls(query, project);
    validateQuery(query); // a bad query is an error even before anything was recorded
    return [];
  }

  getCall(id: string, project: string): Call | null {
    return this.storeForReading()?.getCall(id, project) ?? null;
  }

  getTrace(traceId: string, project: string): Call[] {
    return this.storeForReading()?.getTrace(traceId, project) ?? [];
  }

  /** For custom prices: the store to save into (`create`), or to read from if it exists. */
  costStore(create: boolean): LocalStore | null {
    if (create) return this.storeForWriting();
    try {
      return this.storeForReading();
    } catch {
      return null; // the writer reports an unusable store once; prices then come from this process only
    }
  }

  private storeForWriting(): LocalStore | null {
    if (this.store) return this.store;
    if (this.openFailure) return null;
    try {
      this.store = LocalStore.open(this.options.dir);
      return this.store;
    } catch (error) {
      this.openFailure = error instanceof StoreError
        ? error
        : new StoreError(messageOf(error), join(this.options.dir, STORE_FILE_NAME), { cause: error });
      this.options.warn(
        `tracewire: ${this.openFailure.message.replace(/\.$/, '')}. Calls will not be saved to the local store in this process.`);
      return null;
    }
  }

  /** Null when nothing was ever recorded here: reading must not create an empty store. */
  private storeForReading(): LocalStore | null {
    if (this.store) return this.store;
    if (this.openFailure) throw this.openFailure;
    if (!existsSync(join(this.options.dir, STORE_FILE_NAME))) return null;
    // A failure here is for the caller to see; writes will discover it on their own.
    this.store = LocalStore.open(this.options.dir);
    return this.store;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
