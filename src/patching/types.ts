/**
 * What an integration declares. The engine (src/patching) does all the wrapping; a provider
 * folder under integrations/ only fills these shapes with data and small pure functions.
 */
import type { CallKind, IntegrationName, IntegrationSettings, Usage } from '../types.js';

/** Folds stream chunks into the response the same API returns without streaming. */
export interface StreamReducer<State = unknown> {
  init(): State;
  /** Called once per chunk, in order, on the hot path: keep it cheap. */
  add(state: State, chunk: unknown): void;
  /** Builds the non-streaming-shaped output from what was seen (also for partial streams). */
  finish(state: State): unknown;
  /** True when this chunk carries the first generated content (for timeToFirstTokenMs). */
  isFirstToken?(chunk: unknown): boolean;
  /** An in-band error event (e.g. Anthropic `error`): the record ends as `error`. */
  errorOf?(chunk: unknown): { type: string; message: string; status?: number } | undefined;
}

export interface ModelUsage {
  model: string;
  usage: Usage;
}

/** Where the request went, read from the SDK client (`this` of the patched method). */
export interface Destination {
  provider: string;
  baseUrl?: string;
}

export interface TargetDefinition {
  /** Record op name, e.g. `openai.chat.completions.create`. */
  opName: string;
  kind: CallKind;
  /**
   * Paths from the package's module exports to the object (usually a class, then its
   * prototype is patched) that owns `method`. The first path that resolves wins; list one
   * per SDK generation when they differ.
   */
  classPaths: string[][];
  method: string;
  /** Path from a client instance to the object owning `method` (for `wrapX(client)`). */
  instancePath: string[];
  /** The request body from the method's arguments (default: the first argument). */
  inputs?(args: unknown[]): Record<string, unknown>;
  /** True when the result is a stream for these inputs (default: `inputs.stream === true`). */
  isStream?(inputs: Record<string, unknown>): boolean;
  reducer?: () => StreamReducer;
  /** Usage reported by the provider, keyed by the model the response names. */
  usage?(output: unknown, inputs: Record<string, unknown>): ModelUsage[];
  /**
   * Optional request change the user opted into (OpenAI `stream_options.include_usage`).
   * Returns new args and a chunk filter that hides what the change added from the app.
   */
  prepare?(args: unknown[], settings: IntegrationSettings, destination: Destination):
    | { args: unknown[]; hideChunk?: (chunk: unknown) => boolean }
    | undefined;
}

export interface IntegrationDefinition {
  name: IntegrationName;
  /** npm package name, as it appears under node_modules. */
  packageName: string;
  /** Major versions the compat suite covers, inclusive; outside: one warning, best-effort patching. */
  testedMajors: [number, number];
  targets: TargetDefinition[];
  /** Provider and base URL from the resource object the method is called on. */
  destination(resource: unknown): Destination;
  /** How a stream result is observed in place (default: `stainless`, the openai/anthropic `Stream`). */
  streamShape?: 'stainless' | 'asyncIterable';
  /** True for errors that mean the user aborted (recorded as `cancelled`, not `error`). */
  isAbort?(error: unknown): boolean;
}
