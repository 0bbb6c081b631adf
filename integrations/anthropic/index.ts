/**
 * The @anthropic-ai/sdk integration (0.x and 1.x): which methods are traced and how their
 * results are read. Everything else is the engine's job. The helpers (`messages.stream()`,
 * `parse()`, `beta.messages.stream()`, `toolRunner()`) send their requests through these
 * `create` methods, so they are recorded there, once per HTTP request
 * (docs/internals/anthropic-sdk.md).
 */
import type { FileLocation, IntegrationDefinition, TracerField } from '../../src/patching/types.js';
import { anthropicDestinationOfResource } from './provider.js';
import { messagesReducer } from './reducer.js';
import { countTokensUsage, messageUsage } from './usage.js';

/** `Anthropic.Messages` in every version (0.2x to 1.x, CJS and ESM); `default` is the same class. */
const MESSAGES: string[][] = [['Anthropic', 'Messages'], ['default', 'Messages']];
/** `Anthropic.Beta.Messages`: 0.41 and later at least (0.20 has none: then skipped with a warning). */
const BETA_MESSAGES: string[][] = [['Anthropic', 'Beta', 'Messages'], ['default', 'Beta', 'Messages']];

/** The Messages API's request spans of the SDK's own tracing (0.134+; `beta.messages.create` names its span the same). */
const CREATE_SPAN = 'anthropic.messages.create';
const COUNT_TOKENS_SPAN = 'anthropic.messages.count_tokens';

/**
 * The SDK's own OpenTelemetry tracing (docs/internals/anthropic-sdk.md §6): each client keeps
 * its tracer in `_tracer` (assigned in the `BaseAnthropic` constructor, which the Bedrock and
 * Vertex clients share). The stream helpers (`messages.stream()`, `beta.messages.stream()`, 0.x
 * streamed `toolRunner`) start the `create` span before they call `create`, and hand it down.
 */
const selfTracing: TracerField = {
  clientClass: [['BaseAnthropic']],
  field: '_tracer',
  clientPath: ['_client'],
  callSpans: [CREATE_SPAN, COUNT_TOKENS_SPAN],
  startedBefore: { [CREATE_SPAN]: ['anthropic.messages.create', 'anthropic.beta.messages.create'] },
  adoptAt: [
    { at: MESSAGES, method: 'stream' },
    { at: BETA_MESSAGES, method: 'stream' },
    { at: BETA_MESSAGES, method: 'toolRunner' },
  ],
};

/**
 * `Stream.fromSSEResponse`, which 1.x message threads (streamed `toolRunner`, `thread.stream()`)
 * call on the raw response of a traced `create` (§4). The class is not exported: it is found in
 * each build's own file, so the stream a thread builds is observed in either build.
 */
const STREAM_FILES: FileLocation[] = [
  { file: 'core/streaming.js', path: ['Stream'], build: 'cjs' },
  { file: 'core/streaming.mjs', path: ['Stream'], build: 'esm' },
];

export const anthropicIntegration: IntegrationDefinition = {
  name: 'anthropic',
  packageName: '@anthropic-ai/sdk',
  testedMajors: [0, 1],
  destination: anthropicDestinationOfResource,
  selfTracing,
  streamFactory: { at: STREAM_FILES, method: 'fromSSEResponse' },
  targets: [
    {
      opName: 'anthropic.messages.create',
      kind: 'llm',
      classPaths: MESSAGES,
      method: 'create',
      instancePath: ['messages'],
      reducer: messagesReducer,
      usage: messageUsage,
    },
    {
      opName: 'anthropic.beta.messages.create',
      kind: 'llm',
      classPaths: BETA_MESSAGES,
      method: 'create',
      instancePath: ['beta', 'messages'],
      reducer: messagesReducer,
      usage: messageUsage,
    },
    {
      // Not generation, but part of the Messages API and about a model: kept with the other
      // Anthropic calls under `llm`; its op name tells it apart, and it carries no usage.
      opName: 'anthropic.messages.countTokens',
      kind: 'llm',
      classPaths: MESSAGES,
      method: 'countTokens',
      instancePath: ['messages'],
      usage: countTokensUsage,
    },
  ],
};
