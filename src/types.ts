/** Public types of tracewire: the call record, options, and the exporter contract. */

export type CallKind =
  | 'llm'
  | 'embedding'
  | 'rerank'
  | 'image'
  | 'audio'
  | 'moderation'
  | 'chain'
  | 'agent'
  | 'tool'
  | 'retriever'
  | 'function';

export const CALL_KINDS: readonly CallKind[] = [
  'llm', 'embedding', 'rerank', 'image', 'audio', 'moderation',
  'chain', 'agent', 'tool', 'retriever', 'function',
];

export type CallStatus = 'running' | 'success' | 'error' | 'cancelled';

export const CALL_STATUSES: readonly CallStatus[] = ['running', 'success', 'error', 'cancelled'];

/** Token usage of one model. Fields the provider did not report are absent, never zero. */
export interface Usage {
  requests: number;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** Provider-specific billed units (e.g. Cohere search units), added like tokens. */
  [extra: string]: number | undefined;
}

export interface Cost {
  inputCost: number;
  outputCost: number;
  totalCost: number;
}

export interface Summary {
  usage?: Record<string, Usage>;
  costs?: Record<string, Cost>;
  totalCost?: number;
  latencyMs?: number;
  timeToFirstTokenMs?: number;
  [key: string]: unknown;
}

export interface CallException {
  type: string;
  message: string;
  stack?: string;
  status?: number;
}

/** One recorded call, as the store keeps it and exporters receive it. */
export interface Call {
  id: string;
  traceId: string;
  parentId: string | null;
  project: string;
  opName: string;
  displayName: string;
  kind: CallKind;
  startedAt: string;
  endedAt: string | null;
  status: CallStatus;
  inputs: Record<string, unknown>;
  output: unknown;
  exception: CallException | null;
  attributes: Record<string, unknown>;
  summary: Summary;
}

/**
 * Where finished calls go. `export` receives batches off the application's hot path; it may
 * be sync or async. A call can be exported more than once (see `acceptsRunning`): keep the
 * last version per `id`.
 */
export interface Exporter {
  readonly name: string;
  /**
   * True for an exporter that keeps the latest record per id (a store): it also gets the record
   * of a call that has children while that call still runs (status `running`, `endedAt` null),
   * and of an ended call while a descendant still runs, each followed later by the final record
   * with the same id. Others get each call once, when it and everything under it ended (with
   * its descendants' usage), unless a flush or the process exit comes first: then they get it
   * as it is, and again when it is final.
   */
  readonly acceptsRunning?: boolean;
  /** Calls the exporter was given but could not deliver (a locked store, an unreachable endpoint), counted in `stats()`. */
  readonly dropped?: number;
  export(calls: Call[]): void | Promise<void>;
  /** Everything handed to `export` so far is durable when this resolves. */
  flush?(): void | Promise<void>;
  /**
   * Called once at process exit (and when init() reconfigures) with the calls still queued,
   * possibly none; must be synchronous, and should also write anything the exporter holds.
   */
  exportSync?(calls: Call[]): void;
  shutdown?(): void | Promise<void>;
}

/** An exporter that can also answer queries (the local store, the memory exporter). */
export interface CallReader {
  getCalls(query: CallQuery | undefined, project: string): Call[];
  getCall(id: string, project: string): Call | null;
  getTrace(traceId: string, project: string): Call[];
}

export interface CallFilter {
  opNames?: string[];
  traceIds?: string[];
  parentIds?: string[];
  callIds?: string[];
  traceRootsOnly?: boolean;
  status?: CallStatus[] | CallStatus;
  kinds?: CallKind[] | CallKind;
  startedAfter?: Date | string;
  startedBefore?: Date | string;
}

export interface CallQuery {
  filter?: CallFilter;
  sortBy?: Array<{ field: 'startedAt'; direction: 'asc' | 'desc' }>;
  limit?: number;
  offset?: number;
}

export type Postprocess<T> = (value: T) => T;

/** Shared by `op()` options and integration op settings. */
export interface OpSettings {
  name?: string;
  kind?: CallKind;
  callDisplayName?: string | ((inputs: Record<string, unknown>) => string);
  postprocessInputs?: Postprocess<Record<string, unknown>>;
  postprocessOutput?: Postprocess<unknown>;
}

export type OpOptions = OpSettings;

export interface IntegrationSettings {
  enabled?: boolean;
  opSettings?: OpSettings;
  /** OpenAI only: add `stream_options.include_usage` to streamed chat requests (hidden from the app). */
  streamUsage?: boolean;
}

export type IntegrationName = 'openai' | 'anthropic' | 'cohere' | 'mistral';

export type ExporterSpec = 'local' | 'console' | 'memory' | 'otlp' | 'none' | Exporter;

export interface InitOptions {
  project?: string;
  disabled?: boolean;
  implicitlyPatchIntegrations?: boolean;
  integrations?: Partial<Record<IntegrationName, IntegrationSettings>>;
  captureContent?: boolean;
  postprocessInputs?: Postprocess<Record<string, unknown>>;
  postprocessOutput?: Postprocess<unknown>;
  redactKeys?: string[];
  attributes?: Record<string, unknown>;
  exporters?: ExporterSpec[];
  /** Local store directory (default `~/.tracewire`). */
  dir?: string;
  /** Queue bound in bytes (default 64 MiB). */
  maxQueueBytes?: number;
}

/** The running call, as user code sees it through `getCurrentCall()` or `invoke()`. */
export interface CallHandle {
  readonly id: string;
  readonly traceId: string;
  readonly parentId: string | null;
  readonly opName: string;
  /** Add your own keys; `usage`, `costs`, `totalCost` and `latencyMs` are filled by tracewire. */
  readonly summary: Summary;
}
