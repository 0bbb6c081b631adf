/**
 * The @anthropic-ai/sdk integration (0.x and 1.x): which methods are traced and how their
 * results are read. Everything else is the engine's job. The helpers (`messages.stream()`,
 * `parse()`, `beta.messages.stream()`, `toolRunner()`) send their requests through these
 * `create` methods, so they are recorded there, once per HTTP request
 * (docs/internals/anthropic-sdk.md).
 */
import type { IntegrationDefinition } from '../../src/patching/types.js';
import { anthropicDestinationOfResource } from './provider.js';
import { messagesReducer } from './reducer.js';
import { countTokensUsage, messageUsage } from './usage.js';

/** `Anthropic.Messages` in every version (0.2x to 1.x, CJS and ESM); `default` is the same class. */
const MESSAGES: string[][] = [['Anthropic', 'Messages'], ['default', 'Messages']];
/** `Anthropic.Beta.Messages`: 0.41 and later at least (0.20 has none: then skipped with a warning). */
const BETA_MESSAGES: string[][] = [['Anthropic', 'Beta', 'Messages'], ['default', 'Beta', 'Messages']];

export const anthropicIntegration: IntegrationDefinition = {
  name: 'anthropic',
  packageName: '@anthropic-ai/sdk',
  testedMajors: [0, 1],
  destination: anthropicDestinationOfResource,
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
