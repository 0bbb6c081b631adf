/**
 * The cohere-ai integration (7.x and 8.x, CommonJS only): which methods are traced and how
 * their results are read. Everything else is the engine's job (docs/internals/cohere-sdk.md).
 *
 * Every public method is a one-liner `HttpResponsePromise.fromPromise(this.__chat(...))`, so
 * the `__*` methods are patched (plain `chat` in SDKs older than 7.18, which have none):
 * - `CohereClientV2` binds copies of its `V2Client`'s public methods in its constructor, so
 *   patching those would miss clients created before init(); the bound copies still look up
 *   `this.__chat` at call time;
 * - the engine observes the inner promise before the SDK wraps it, so a stream is instrumented
 *   before any consumer (`await`, `withRawResponse()`) can reach it.
 * The `__*` methods resolve to `{ data, rawResponse }`: the record keeps `data`.
 */
import type { IntegrationDefinition, TargetDefinition } from '../../src/patching/types.js';
import { cohereDestinationOf } from './provider.js';
import { cohereChatReducer, cohereGenerateReducer, cohereV2ChatReducer } from './reducers.js';
import { cohereUsage } from './usage.js';

/**
 * API v1: the generated `CohereClient` (the exported one is a subclass of it), so clients of
 * its other subclasses are traced too; the exported class is the fallback.
 */
function v1(method: string): Pick<TargetDefinition, 'opName' | 'classFiles' | 'classPaths' | 'method' | 'fallbackMethod' | 'instancePath' | 'appliesTo'> {
  return {
    opName: `cohere.${method}`,
    classFiles: [{ file: 'Client.js', path: ['CohereClient'] }],
    classPaths: [['CohereClient']],
    method: `__${method}`,
    fallbackMethod: method,
    instancePath: [],
    // A CohereClientV2 owns methods of the same names (bound to its V2 client): not v1 calls.
    appliesTo: (client) => !('clientV2' in client),
  };
}

/** API v2: `V2Client`, not exported; a `CohereClientV2` holds one as `clientV2`, a v1 client's `v2` getter returns one. */
function v2(method: string): Pick<TargetDefinition, 'opName' | 'classFiles' | 'classPaths' | 'method' | 'fallbackMethod' | 'instancePath'> {
  return {
    opName: `cohere.v2.${method}`,
    classFiles: [
      { file: 'api/resources/v2/client/Client.js', path: ['V2Client'] },
      { file: 'api/resources/v2/client/Client.js', path: ['V2'] },
    ],
    classPaths: [],
    method: `__${method}`,
    fallbackMethod: method,
    instancePath: ['clientV2'],
  };
}

/** The stream methods' requests carry no `stream` flag: the SDK adds it to the body itself. */
const streamed = { isStream: () => true } as const;

/** The `{ data, rawResponse }` envelope of the `__*` methods (older `chat()`s return the data itself). */
function dataOf(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'data' in value && 'rawResponse' in value) return value.data;
  return value;
}

/** An abort is a plain `CohereError` with this message, no status, and the abort as its cause. */
const ABORTED = 'The user aborted a request';

function isCohereAbort(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown; statusCode?: unknown } | null;
  return e?.name === 'CohereError' && e.statusCode === undefined && typeof e.message === 'string' && e.message.startsWith(ABORTED);
}

export const cohereIntegration: IntegrationDefinition = {
  name: 'cohere',
  packageName: 'cohere-ai',
  testedMajors: [7, 8],
  destination: cohereDestinationOf,
  streamShape: 'asyncIterable',
  unwrap: dataOf,
  isAbort: isCohereAbort,
  targets: [
    { ...v1('chat'), kind: 'llm', usage: cohereUsage },
    { ...v1('chatStream'), ...streamed, kind: 'llm', reducer: cohereChatReducer, usage: cohereUsage },
    { ...v1('generate'), kind: 'llm', usage: cohereUsage },
    { ...v1('generateStream'), ...streamed, kind: 'llm', reducer: cohereGenerateReducer, usage: cohereUsage },
    { ...v1('embed'), kind: 'embedding', usage: cohereUsage },
    { ...v1('rerank'), kind: 'rerank', usage: cohereUsage },
    { ...v2('chat'), kind: 'llm', usage: cohereUsage },
    { ...v2('chatStream'), ...streamed, kind: 'llm', reducer: cohereV2ChatReducer, usage: cohereUsage },
    { ...v2('embed'), kind: 'embedding', usage: cohereUsage },
    { ...v2('rerank'), kind: 'rerank', usage: cohereUsage },
  ],
};
