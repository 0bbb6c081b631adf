/**
 * Which service an Anthropic client talks to, from its base URL: the Anthropic API itself, or
 * a gateway, proxy or cloud (the Bedrock and Vertex clients extend the same base client and
 * share its resource classes, so their calls reach the same patched methods).
 */
import type { Destination } from '../../src/patching/types.js';
import { perBaseUrl, providerFromHost, sanitizeBaseUrl } from '../openai/provider.js';

/** The SDK's default (0.x and 1.x), used when a client reports no base URL. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/**
 * `AnthropicVertex` (@anthropic-ai/vertex-sdk) talks to `<region>-aiplatform.googleapis.com`:
 * the region is joined with a hyphen, so the whole-label suffix match of the shared table
 * (`aiplatform.googleapis.com`) does not see it.
 */
function isRegionalVertexHost(host: string): boolean {
  return host.endsWith('-aiplatform.googleapis.com');
}

/** Per base URL (see perBaseUrl); frozen, since one object serves every call. */
const destinationOf = perBaseUrl((raw): Destination => {
  const clean = sanitizeBaseUrl(raw);
  if (clean === undefined) return Object.freeze({ provider: 'unknown' });
  const url = new URL(clean);
  const host = url.hostname.toLowerCase();
  const provider = isRegionalVertexHost(host) ? 'vertex' : providerFromHost(host, url.port);
  return Object.freeze({ provider, baseUrl: clean });
});

export function anthropicDestinationFromBaseUrl(baseUrl: string | undefined): Destination {
  return destinationOf(baseUrl === undefined || baseUrl === '' ? ANTHROPIC_DEFAULT_BASE_URL : baseUrl);
}

/**
 * Destination of a patched method's `this`: every resource keeps its client in `_client`
 * (0.x and 1.x), and the client keeps `baseURL` as a public field.
 */
export function anthropicDestinationOfResource(resource: unknown): Destination {
  const client = (resource as { _client?: unknown } | null | undefined)?._client ?? resource;
  if (client === null || typeof client !== 'object') return anthropicDestinationFromBaseUrl(undefined);
  const baseUrl = (client as { baseURL?: unknown }).baseURL;
  return anthropicDestinationFromBaseUrl(typeof baseUrl === 'string' ? baseUrl : undefined);
}
