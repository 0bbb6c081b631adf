/**
 * Where a Cohere client sends its requests, read from the generated client (`this` of the
 * patched method): `_options.baseUrl`, else `_options.environment`, else the SDK's default.
 * `_options` also holds the API key (`token`) and the auth provider: only the two URL fields
 * are read.
 */
import type { Destination } from '../../src/patching/types.js';
import { destinationFromBaseUrl } from '../openai/provider.js';

/** `CohereEnvironment.Production` (7.x and 8.x). */
export const COHERE_DEFAULT_BASE_URL = 'https://api.cohere.com';

/**
 * A Fern `Supplier` is a value, a promise of one, or a function returning either; the SDK
 * resolves it on every request. Only a plain value is read: a function is never called, since
 * calling it would change what it returns to the SDK (a supplier that rotates endpoints, or
 * counts). Returns undefined when unset, null when set to something not knowable now.
 */
function suppliedUrl(supplier: unknown): string | undefined | null {
  if (supplier === undefined || supplier === null || supplier === '') return undefined;
  if (typeof supplier === 'string') return supplier;
  if (supplier instanceof URL) return supplier.href;
  return null;
}

/** The same host table as every integration: api.cohere.com is `cohere`, a proxy is its host. */
export function cohereDestinationFromBaseUrl(baseUrl: string | undefined): Destination {
  return destinationFromBaseUrl(baseUrl ?? COHERE_DEFAULT_BASE_URL);
}

export function cohereDestinationOf(resource: unknown): Destination {
  const options = (resource as { _options?: unknown } | null | undefined)?._options;
  if (options === null || typeof options !== 'object') return cohereDestinationFromBaseUrl(undefined);
  const { baseUrl, environment } = options as { baseUrl?: unknown; environment?: unknown };
  const fromBaseUrl = suppliedUrl(baseUrl);
  const url = fromBaseUrl === undefined ? suppliedUrl(environment) : fromBaseUrl;
  // Set to something only the request will resolve: it is a Cohere client, the host is unknown.
  if (url === null) return { provider: 'cohere' };
  return cohereDestinationFromBaseUrl(url);
}
