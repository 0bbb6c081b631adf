/**
 * The integrations tracewire knows, and the two ways they are applied: implicit patching at
 * init() / load time, and explicit wrapping of one client.
 */
import { anthropicIntegration } from '../../integrations/anthropic/index.js';
import { cohereIntegration } from '../../integrations/cohere/index.js';
import { mistralIntegration } from '../../integrations/mistral/index.js';
import { openaiIntegration } from '../../integrations/openai/index.js';
import { describeError, warnOnce } from '../log.js';
import { disabledByEnvironment, validateIntegrationSettings, type ResolvedSettings } from '../settings.js';
import { state } from '../state.js';
import type { IntegrationName, IntegrationSettings } from '../types.js';
import { patchInstance } from './install.js';
import { isTracerField } from './self-tracing.js';
import { adoptClient } from './tracer-field.js';
import { hookFutureLoads, patchLoaded, patchSupportFromApp } from './modules.js';
import type { IntegrationDefinition } from './types.js';

export const integrations: Partial<Record<IntegrationName, IntegrationDefinition>> = {
  openai: openaiIntegration,
  anthropic: anthropicIntegration,
  cohere: cohereIntegration,
  mistral: mistralIntegration,
};

export interface PatchingOptions {
  /** From tracewire/register: nothing is loaded yet, so only future loads need hooks. */
  hooksOnly?: boolean;
}

export function applyPatching(settings: ResolvedSettings, options: PatchingOptions = {}): void {
  if (settings.disabled || !settings.implicitPatching) return;
  // Any app, CommonJS included (through import()), may have loaded an SDK's ESM build before
  // init(); there is no way to ask Node whether it did, so it is reached through require(esm),
  // which loads it if it was not (tens of milliseconds per installed SDK, once, at init()).
  for (const integration of Object.values(integrations)) {
    if (!integration || !settings.integrations[integration.name].enabled) continue;
    hookFutureLoads(integration);
    if (!options.hooksOnly) patchLoaded(integration, { esm: true });
  }
}

/**
 * Explicit wrapping: the client's own methods are wrapped, so it is traced even where module
 * hooks cannot reach (bundled code). Returns the same client object.
 */
export function wrapClient<T>(client: T, name: IntegrationName, wrapperName: string, overrides?: IntegrationSettings): T {
  const integration = integrations[name];
  if (client === null || typeof client !== 'object') {
    throw new TypeError(`${wrapperName}(client): expected a client instance; got ${client === null ? 'null' : typeof client}.`);
  }
  if (overrides !== undefined) validateIntegrationSettings(overrides, `${wrapperName} settings`, 'tracewire');
  if (!integration) return client;
  const settings = state.settings;
  // The environment wins before init() has run too: such a client is handed back untouched.
  if (settings === undefined ? disabledByEnvironment(name) : settings.disabled || !settings.integrations[name].enabled) return client;
  const patched = patchInstance(client as object, integration, versionOf(client as object, integration), overrides);
  if (patched === 0) {
    throw new TypeError(`${wrapperName}(client): this object has none of the ${integration.packageName} methods tracewire traces; pass a client created with new ${wrapperName.replace('wrap', '')}(...).`);
  }
  // Its own tracer, built before it was wrapped: only this client's spans may give way to tracewire's.
  const selfTracing = integration.selfTracing;
  if (selfTracing && isTracerField(selfTracing)) adoptClient(client, integration, selfTracing);
  // A wrapped client's streams are built by the SDK's own classes, which only the package reaches.
  try {
    patchSupportFromApp(integration);
  } catch (error) {
    warnOnce(`support:${integration.name}`, `could not reach the ${integration.packageName} package; its streams are observed through iteration only: ${describeError(error)}`);
  }
  return client;
}

function versionOf(client: object, integration: IntegrationDefinition): string | undefined {
  // The SDKs stamp their version on the client's user agent; fall back to nothing rather than guess.
  try {
    const ua = (client as { getUserAgent?: () => string }).getUserAgent?.();
    const match = ua ? /\/(?:JS )?(\d+\.\d+\.\d+\S*)/.exec(ua) : null;
    if (match) return match[1];
  } catch {
    warnOnce(`ua:${integration.name}`, `could not read the ${integration.packageName} version from the client.`);
  }
  return undefined;
}
