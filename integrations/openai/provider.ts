/**
 * Which service an OpenAI client talks to, from its base URL. The openai SDK is also the client
 * of many OpenAI-compatible services, and their names are what users filter traces by.
 */
import type { Destination } from '../../src/patching/types.js';

/** The SDK's default, used when a client reports no base URL. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * Host suffixes of known services, matched on whole labels (`api.groq.com` matches `groq.com`,
 * `notgroq.com` does not). Checked in order, so the more specific Azure and Google hosts come
 * before anything shorter.
 */
const HOST_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['openai.azure.com', 'azure'],
  ['cognitiveservices.azure.com', 'azure'],
  ['services.ai.azure.com', 'azure'],
  ['models.ai.azure.com', 'azure'],
  ['azure-api.net', 'azure'],
  ['openai.com', 'openai'],
  ['groq.com', 'groq'],
  ['together.xyz', 'together'],
  ['together.ai', 'together'],
  ['openrouter.ai', 'openrouter'],
  ['fireworks.ai', 'fireworks'],
  ['deepseek.com', 'deepseek'],
  ['mistral.ai', 'mistral'],
  ['perplexity.ai', 'perplexity'],
  ['x.ai', 'xai'],
  ['anyscale.com', 'anyscale'],
  ['deepinfra.com', 'deepinfra'],
  ['cerebras.ai', 'cerebras'],
  ['generativelanguage.googleapis.com', 'gemini'],
  ['aiplatform.googleapis.com', 'vertex'],
  ['anthropic.com', 'anthropic'],
  ['cohere.com', 'cohere'],
  ['cohere.ai', 'cohere'],
];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

/** Ollama's default port; any other local server is reported as `local`, whatever it runs. */
const OLLAMA_PORT = '11434';

function matchesSuffix(host: string, suffix: string): boolean {
  return host === suffix || host.endsWith(`.${suffix}`);
}

/** Amazon's OpenAI-compatible Bedrock endpoints (`bedrock-mantle.<region>.api.aws`, `bedrock-runtime...`). */
function isBedrockHost(host: string): boolean {
  return host.startsWith('bedrock') && (host.endsWith('.api.aws') || host.endsWith('.amazonaws.com'));
}

/** Provider name for a host name (lower case, no port). */
export function providerFromHost(host: string, port = ''): string {
  if (LOOPBACK_HOSTS.has(host)) return port === OLLAMA_PORT ? 'ollama' : 'local';
  for (const [suffix, provider] of HOST_SUFFIXES) {
    if (matchesSuffix(host, suffix)) return provider;
  }
  if (isBedrockHost(host)) return 'bedrock';
  return host;
}

/**
 * Results per base URL. A client keeps its base URL for its lifetime, while parsing it costs
 * every call two `new URL`s; the bound keeps an application that builds URLs on the fly from
 * growing the map without end (oldest entry out first).
 */
const MAX_CACHED_URLS = 64;

/** `compute` memoized by its string argument; cached values are shared, so they must not be mutated. */
export function perBaseUrl<T>(compute: (baseUrl: string) => T): (baseUrl: string) => T {
  const cache = new Map<string, T>();
  return (baseUrl) => {
    const hit = cache.get(baseUrl);
    if (hit !== undefined || cache.has(baseUrl)) return hit as T;
    const value = compute(baseUrl);
    if (cache.size >= MAX_CACHED_URLS) cache.delete(cache.keys().next().value!);
    cache.set(baseUrl, value);
    return value;
  };
}

/**
 * The base URL without what must never be recorded: user:password, query string (Azure keys
 * and signed tokens travel there) and fragment. Undefined when it does not parse.
 */
export const sanitizeBaseUrl: (baseUrl: string) => string | undefined = perBaseUrl((baseUrl) => {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const text = url.toString();
  return text.endsWith('/') ? text.slice(0, -1) : text;
});

/** Frozen: one object serves every call to the same base URL. */
const destinationOf = perBaseUrl((raw): Destination => {
  const clean = sanitizeBaseUrl(raw);
  if (clean === undefined) return Object.freeze({ provider: 'unknown' });
  const url = new URL(clean);
  // A fully qualified name's final dot (api.openai.com.) names the same host.
  return Object.freeze({ provider: providerFromHost(url.hostname.toLowerCase().replace(/\.$/, ''), url.port), baseUrl: clean });
});

/** The same destination with the provider set to Azure (an `AzureOpenAI` client behind any host). */
const azureDestinationOf = perBaseUrl((raw): Destination => Object.freeze({ ...destinationOf(raw), provider: 'azure' }));

export function destinationFromBaseUrl(baseUrl: string | undefined): Destination {
  return destinationOf(baseUrl === undefined || baseUrl === '' ? OPENAI_DEFAULT_BASE_URL : baseUrl);
}

/**
 * Destination of a patched method's `this`: every resource keeps its client in `_client`
 * (openai 4-7), and the client keeps `baseURL`. `AzureOpenAI` always owns `apiVersion` and
 * `deploymentName` fields (possibly undefined), which also identifies Azure behind a custom
 * domain or an API gateway.
 */
export function destinationOfResource(resource: unknown): Destination {
  const client = (resource as { _client?: unknown } | null | undefined)?._client ?? resource;
  if (client === null || typeof client !== 'object') return destinationFromBaseUrl(undefined);
  const baseUrl = (client as { baseURL?: unknown }).baseURL;
  const raw = typeof baseUrl === 'string' && baseUrl !== '' ? baseUrl : OPENAI_DEFAULT_BASE_URL;
  if (Object.hasOwn(client, 'apiVersion') && Object.hasOwn(client, 'deploymentName')) return azureDestinationOf(raw);
  return destinationOf(raw);
}
