/**
 * The @mistralai/mistralai integration (1.x CommonJS, 2.x ESM only): which methods are traced
 * and how their results are read. Everything else is the engine's job
 * (docs/internals/mistral-sdk.md).
 *
 * The resource classes (`Chat`, `Embeddings`, `Fim`, `Agents`) are not exported; they are found
 * by the files that define them (`esm/...` in 2.x). Their methods live on the prototypes and
 * each client creates its resources lazily from them, so clients created before init() are
 * traced too. `chat.parse` sends its request without going through `complete`: it is a target
 * of its own, recorded once.
 */
import type { FileLocation, IntegrationDefinition, SupportLoader, TargetDefinition } from '../../src/patching/types.js';
import { mistralDestinationOf } from './provider.js';
import { mistralStreamReducer } from './reducer.js';
import { mistralChatUsage, mistralEmbeddingsUsage } from './usage.js';

/** A file of the SDK in either layout: 2.x ships only its ESM build under `esm/`, 1.x only CommonJS at the root. */
function sdkFile(file: string, path: string[]): FileLocation[] {
  return [{ file: `esm/${file}`, path }, { file, path }];
}

function resource(name: string, className: string, method: string): Pick<TargetDefinition, 'opName' | 'classFiles' | 'classPaths' | 'method' | 'instancePath'> {
  return {
    opName: `mistral.${name}.${method}`,
    classFiles: sdkFile(`sdk/${name}.js`, [className]),
    classPaths: [],
    method,
    instancePath: [name],
  };
}

/** The stream methods' requests carry no `stream` flag: the SDK sets it in the body itself. */
const streamed = { isStream: () => true, reducer: mistralStreamReducer } as const;

/** 2.x's own tracing hook context keys (exported by hooks/tracing.js), cleared as the hook does when it does not trace. */
const TRACING_CONTEXT_KEYS = ['_tracingTracer', '_tracingSpan', '_tracingBody'];

/** `TracingHook.beforeRequest(hookCtx, request)` not tracing: the request goes out unchanged, and no span awaits its response. */
function untracedRequest(args: unknown[]): Promise<unknown> {
  const [hookCtx, request] = args;
  if (hookCtx !== null && typeof hookCtx === 'object') {
    for (const key of TRACING_CONTEXT_KEYS) delete (hookCtx as Record<string, unknown>)[key];
  }
  return Promise.resolve(request);
}

/** 2.x's telemetry setup, which `TracingHook.beforeRequest` runs before it starts a span. */
const CONFIGURE_TELEMETRY = sdkFile('extra/observability/telemetry.js', ['configureTelemetryForHook']);

interface TelemetryHook {
  tracerProvider?: unknown;
  /** The provider the SDK built for `dedicated` mode, exporting to Mistral's own backend. */
  _autoTelemetryProvider?: unknown;
}

/**
 * Whether the hook's span for this request goes to Mistral's backend (`dedicated` telemetry:
 * MISTRAL_SDK_TELEMETRY=dedicated or configureTelemetry(client, 'dedicated')) rather than to
 * the application's pipeline (the global provider, a registered one, or one the application
 * gave the client). `dedicated` mode builds its provider on the first request, in the hook: the
 * setup is run here first, as the hook runs it (it is idempotent), so the first request is
 * answered right too. Without the telemetry module (OpenTelemetry not installed) the hook does
 * not trace at all.
 */
async function sendsToMistral(hook: unknown, args: unknown[], load: SupportLoader): Promise<boolean> {
  const configure = load(CONFIGURE_TELEMETRY);
  if (typeof configure !== 'function') return false;
  await configure(hook, args[0]);
  const { tracerProvider, _autoTelemetryProvider: own } = hook as TelemetryHook;
  return own !== undefined && tracerProvider === own;
}

export const mistralIntegration: IntegrationDefinition = {
  name: 'mistral',
  packageName: '@mistralai/mistralai',
  testedMajors: [1, 2],
  destination: mistralDestinationOf,
  streamShape: 'readableSource',
  streamClass: sdkFile('lib/event-streams.js', ['EventStream']),
  isAbort: (error) => (error as { name?: unknown } | null)?.name === 'RequestAbortedError',
  selfTracing: { at: sdkFile('hooks/tracing.js', ['TracingHook']), method: 'beforeRequest', skip: untracedRequest, exportsElsewhere: sendsToMistral },
  targets: [
    { ...resource('chat', 'Chat', 'complete'), kind: 'llm', usage: mistralChatUsage },
    { ...resource('chat', 'Chat', 'stream'), ...streamed, kind: 'llm', usage: mistralChatUsage },
    { ...resource('chat', 'Chat', 'parse'), kind: 'llm', usage: mistralChatUsage },
    { ...resource('embeddings', 'Embeddings', 'create'), kind: 'embedding', usage: mistralEmbeddingsUsage },
    { ...resource('fim', 'Fim', 'complete'), kind: 'llm', usage: mistralChatUsage },
    { ...resource('fim', 'Fim', 'stream'), ...streamed, kind: 'llm', usage: mistralChatUsage },
    { ...resource('agents', 'Agents', 'complete'), kind: 'llm', usage: mistralChatUsage },
    { ...resource('agents', 'Agents', 'stream'), ...streamed, kind: 'llm', usage: mistralChatUsage },
  ],
};
