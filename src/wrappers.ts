/** Explicit wrappers: for bundled code where module hooks cannot reach. Each returns the same client. */
import { wrapClient } from './patching/registry.js';

export function wrapOpenAI<T extends object>(client: T): T {
  return wrapClient(client, 'openai', 'wrapOpenAI');
}

export function wrapAnthropic<T extends object>(client: T): T {
  return wrapClient(client, 'anthropic', 'wrapAnthropic');
}

export function wrapCohere<T extends object>(client: T): T {
  return wrapClient(client, 'cohere', 'wrapCohere');
}

export function wrapMistral<T extends object>(client: T): T {
  return wrapClient(client, 'mistral', 'wrapMistral');
}
