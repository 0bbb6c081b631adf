/**
 * Explicit wrappers: for bundled code where module hooks cannot reach. Each returns the same
 * client. `settings`, for this client only, go over init()'s for the integration (SPEC §2):
 * `opSettings` key by key, and `enabled: false` leaves the client untraced.
 */
import { wrapClient } from './patching/registry.js';
import type { IntegrationSettings } from './types.js';

export function wrapOpenAI<T extends object>(client: T, settings?: IntegrationSettings): T {
  return wrapClient(client, 'openai', 'wrapOpenAI', settings);
}

export function wrapAnthropic<T extends object>(client: T, settings?: IntegrationSettings): T {
  return wrapClient(client, 'anthropic', 'wrapAnthropic', settings);
}

export function wrapCohere<T extends object>(client: T, settings?: IntegrationSettings): T {
  return wrapClient(client, 'cohere', 'wrapCohere', settings);
}

export function wrapMistral<T extends object>(client: T, settings?: IntegrationSettings): T {
  return wrapClient(client, 'mistral', 'wrapMistral', settings);
}
