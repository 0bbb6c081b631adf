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

/**
 * A class (or object) the package does not export, by the file that defines it: a path inside
 * the package folder, then a path from that file's exports. Requiring the file yields the
 * module instance the package itself uses.
 */
export interface FileLocation {
  readonly file: string;
  readonly path: readonly string[];
  /**
   * In a dual package, the build the file belongs to: used only when patching that build's
   * exports (an ES module namespace is `esm`), so each build gets its own class. With no
   * exports at hand (a wrapped client), every build's file is used.
   */
  readonly build?: 'cjs' | 'esm';
}

/** Where the engine finds something in a loaded copy of the SDK: a path from its exports, or a file. */
export type Location = readonly string[] | FileLocation;

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
  /**
   * The owner by the file that defines it, for a class the package does not export, or one
   * whose exported name is a subclass. Tried before `classPaths`.
   */
  classFiles?: FileLocation[];
  method: string;
  /** The method to wrap where the owner has no `method` (an older SDK generation). */
  fallbackMethod?: string;
  /** Path from a client instance to the object owning `method` (for `wrapX(client)`). */
  instancePath: string[];
  /**
   * For `wrapX(client)`: false when this target does not belong to that kind of client (a
   * client of another API version can own methods of the same names). Default: always.
   */
  appliesTo?(client: object): boolean;
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
  /**
   * How a stream result is observed in place (default: `stainless`, the openai/anthropic
   * `Stream`). `asyncIterable`: its own `[Symbol.asyncIterator]` is the only way to read it.
   * `readableSource`: a `ReadableStream` subclass (`streamClass`), observed at its source.
   */
  streamShape?: 'stainless' | 'asyncIterable' | 'readableSource';
  /** For `readableSource`: the `ReadableStream` subclass the SDK builds its streams with. */
  streamClass?: Location[];
  /** The response inside what a traced method resolves to (e.g. a `{ data, rawResponse }` envelope). */
  unwrap?(value: unknown): unknown;
  /** Errors that mean the user aborted (`cancelled`, not `error`), besides the standard `AbortError`. */
  isAbort?(error: unknown): boolean;
  /** The SDK's own OpenTelemetry tracing, to keep it from duplicating tracewire's span. */
  selfTracing?: SelfTracing;
  /**
   * Where SDK code other than the traced method builds a stream from a raw response (Stainless
   * `Stream.fromSSEResponse(response, ...)`, response first). A helper that takes the raw
   * response of a traced call instead of its parsed result (Anthropic 1.x message threads) gets
   * its stream from here; that stream is observed for the call.
   */
  streamFactory?: StreamFactory;
}

export interface StreamFactory {
  /** The class (or object) owning the static method; every location that resolves is patched. */
  at: Location[];
  method: string;
}

/**
 * The SDK's own OpenTelemetry tracing: a hook method (Mistral) or a tracer kept per client
 * (Anthropic). While tracewire records a request and itself exports to OpenTelemetry (an `otlp`
 * exporter), the SDK's span for that request is skipped, so the shared pipeline gets one span
 * per request (src/patching/self-tracing.ts).
 */
export type SelfTracing = TracingHook | TracerField;

/** A hook method through which the SDK starts its span for a request; `skip` answers in its place. */
export interface TracingHook {
  /** Where the hook's class is (its prototype is patched, so existing clients are covered). */
  at: Location[];
  method: string;
  /** What the hook returns when it must not trace, from its arguments. */
  skip(args: unknown[]): unknown;
  /**
   * For an SDK that can also send its spans to a backend of its own (Mistral's `dedicated`
   * telemetry): whether the hook's span for this request goes there, to another pipeline than
   * the application's, in which case it is kept. `hook` is the hook method's `this`; `load`
   * gives what file locations of the same copy of the SDK name (undefined when they cannot be
   * loaded). May configure the SDK's telemetry first, as the hook itself would.
   */
  exportsElsewhere?(hook: unknown, args: unknown[], load: SupportLoader): Promise<boolean>;
}

/** What file locations of one copy of an SDK name, loaded on first use, quietly (undefined when absent or failing). */
export type SupportLoader = (locations: readonly FileLocation[]) => unknown;

/**
 * An OpenTelemetry tracer the SDK keeps in a field of each client, assigned at construction.
 * The field gets a tracer that hands out non-recording spans for the request spans tracewire
 * replaces, and the SDK's tracer for everything else.
 */
export interface TracerField {
  /** The client class whose constructor assigns the field (an accessor on its prototype sees it). */
  clientClass: Location[];
  field: string;
  /** From a traced method's `this` to its client (clients built before patching are adopted there). */
  clientPath: string[];
  /** Names of the SDK's spans for one request of a traced method (skipped inside that call). */
  callSpans: string[];
  /**
   * Request spans helpers start before they call the traced method (Anthropic's stream
   * helpers): span name → op names of the targets that may then send the request. Skipped
   * when tracewire would record a call of every one of them on that client now.
   */
  startedBefore?: Record<string, string[]>;
  /** Helper methods that may start such a span first: the client of `this` is adopted before they run. */
  adoptAt?: { at: Location[]; method: string }[];
}
