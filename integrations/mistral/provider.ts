/**
 * Where a Mistral client sends its requests: every resource (`Chat`, `Fim`, ...) is a
 * `ClientSDK` that keeps the resolved server as `_baseURL` (a `URL`; `serverURL` / `server`
 * options change it). `_options` holds the API key: it is not read.
 */
import type { Destination } from '../../src/patching/types.js';
import { destinationFromBaseUrl } from '../openai/provider.js';

/** The SDK's default server (1.x and 2.x). */
export const MISTRAL_DEFAULT_BASE_URL = 'https://api.mistral.ai';

/** The same host table as every integration: api.mistral.ai is `mistral`, a local server `local` or `ollama`. */
export function mistralDestinationFromBaseUrl(baseUrl: string | undefined): Destination {
  return destinationFromBaseUrl(baseUrl === undefined || baseUrl === '' ? MISTRAL_DEFAULT_BASE_URL : baseUrl);
}

export function mistralDestinationOf(resource: unknown): Destination {
  const base = (resource as { _baseURL?: unknown } | null | undefined)?._baseURL;
  const text = base instanceof URL ? base.href : typeof base === 'string' ? base : undefined;
  return mistralDestinationFromBaseUrl(text);
}
