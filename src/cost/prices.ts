/**
 * Prices from the data bundled in `@pydantic/genai-prices`. Only the bundled table is used:
 * tracewire never calls the library's `updatePrices`, so pricing is offline and the same
 * usage at the same instant always costs the same (unless the host application itself
 * turns on the library's auto-update, which replaces the table for everyone in the process).
 *
 * Facts about the library this file relies on (0.1.x):
 * - `calcPrice(usage, model, { providerId, timestamp })` returns null when the provider or
 *   model is unknown; it matches models case-insensitively by each model's match rules and
 *   picks the price in force at `timestamp` (time-dependent prices by start date).
 * - Usage units nest: `input_tokens` is ALL input, and `cache_read_tokens` /
 *   `cache_write_tokens` are parts of it priced at their own rate (falling back to the input
 *   rate when a model has none). The same for output: `output_reasoning_tokens` is part of
 *   `output_tokens`. It throws when a part exceeds its whole or the whole is missing.
 * - Tiered prices pick the tier from the total input tokens and apply it to the whole count.
 * - Units without a direction (per-request fees, searches, audio duration) count in the
 *   total only, so `totalCost` can exceed `inputCost + outputCost`.
 * - Unknown usage keys make it `console.warn`, so only the keys below are passed.
 * - Which model a (provider, model) pair resolves to depends on the table alone, not on the
 *   usage or the time; resolving it scans the provider's models (see ./resolve.ts).
 */
import { findProvider, type Usage as PricesUsage } from '@pydantic/genai-prices';
import type { Cost, Usage } from '../types.js';
import type { PriceQuery } from './index.js';
import { resolvedPrice } from './resolve.js';

/** tracewire provider names (src/patching destinations) that genai-prices spells differently. */
const PROVIDER_IDS: Readonly<Record<string, string>> = {
  xai: 'x-ai',
  gemini: 'google',
  vertex: 'google',
  bedrock: 'aws',
};

/**
 * Servers the user runs themselves: a public price list says nothing about their cost, so
 * they have no bundled price (a custom price from addCost still applies).
 */
const SELF_HOSTED = new Set(['ollama', 'local']);

/**
 * Maps tracewire's usage (SPEC §3: `inputTokens` counts all input, cached included, and
 * `outputTokens` includes reasoning) to genai-prices units, which nest the same way, so
 * counts are passed as they are and nothing is subtracted here. Absent counts stay absent.
 */
export function toPricesUsage(usage: Usage): PricesUsage {
  // Runs for every call with usage: plain statements, no closure or intermediate objects.
  const out: PricesUsage = {};
  const input = usage.inputTokens, cacheRead = usage.cacheReadTokens, cacheWrite = usage.cacheWriteTokens;
  const output = usage.outputTokens, reasoning = usage.reasoningTokens;
  if (countable(input)) out.input_tokens = input;
  if (countable(cacheRead)) out.cache_read_tokens = cacheRead;
  if (countable(cacheWrite)) out.cache_write_tokens = cacheWrite;
  if (countable(output)) out.output_tokens = output;
  // Reasoning is a part of output; a count larger than the output means the provider reported
  // output without it, and then reasoning cannot be priced apart from output without guessing.
  if (countable(reasoning) && reasoning <= (out.output_tokens ?? 0)) out.output_reasoning_tokens = reasoning;
  // Extra billed units reported by integrations.
  const searches = usage.searchUnits, audio = usage.audioSeconds;
  if (countable(searches)) out.rerank_searches = searches;
  // Transcription seconds (whisper) are input audio; the library wants the parent unit too.
  if (countable(audio)) {
    out.audio_seconds = audio;
    out.input_audio_seconds = audio;
  }
  return out;
}

function countable(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * False when the provider reported nothing that is priced (e.g. a stream without usage): no
 * cost then, not 0. The same test as "toPricesUsage gives a key", without building the object.
 */
export function hasBillableUsage(usage: Usage): boolean {
  if (countable(usage.inputTokens) || countable(usage.cacheReadTokens) || countable(usage.cacheWriteTokens)) return true;
  if (countable(usage.outputTokens) || countable(usage.searchUnits) || countable(usage.audioSeconds)) return true;
  // Without output, reasoning is kept only when it is 0 (see toPricesUsage).
  return usage.reasoningTokens === 0;
}

/**
 * The genai-prices provider id for a tracewire provider name: `null` for self-hosted servers
 * (never priced from the bundled data), `undefined` when the library knows no such provider
 * (then the model alone is matched, against every provider's model patterns).
 * `azure` stays `azure`: the library has Azure's own prices and falls back from them to
 * OpenAI's (and Anthropic's, DeepSeek's, ...) for models Azure resells at list price.
 */
export function providerIdFor(provider: string | undefined): string | null | undefined {
  const id = candidateIdFor(provider);
  if (id === null || id === undefined) return id;
  return findProvider({ providerId: id }) ? id : undefined;
}

/** The provider of the previous call, and its candidate id: calls of one app have a provider or two. */
let lastProvider: string | undefined;
let lastCandidate: string | null | undefined;

/** providerIdFor without asking the library whether it knows the id (resolvedPrice asks). */
function candidateIdFor(provider: string | undefined): string | null | undefined {
  if (provider === lastProvider) return lastCandidate;
  let id: string | null | undefined;
  if (provider !== undefined && provider !== '') {
    const name = provider.toLowerCase();
    id = SELF_HOSTED.has(name) ? null : (PROVIDER_IDS[name] ?? name);
  }
  lastProvider = provider;
  lastCandidate = id;
  return id;
}

/**
 * The cost of `query.usage` from the bundled prices in force at `query.at`, or undefined when
 * the model has no bundled price for that provider. Throws on inconsistent usage (e.g. more
 * cached tokens than input tokens); the pricer reports that.
 */
export function bundledPrice(query: PriceQuery): Cost | undefined {
  const providerId = candidateIdFor(query.provider);
  if (providerId === null || !hasBillableUsage(query.usage)) return undefined;
  const result = resolvedPrice(toPricesUsage(query.usage), query.model, providerId, query.at);
  if (!result) return undefined;
  let totalCost = result.total_price;
  // The library charges a per-request fee once per calculation; one call's usage of a model
  // can cover several requests.
  const perThousand = result.model_price.requests_kcount;
  const requests = query.usage.requests;
  if (typeof perThousand === 'number' && typeof requests === 'number' && requests > 1) {
    totalCost += ((requests - 1) * perThousand) / 1000;
  }
  return { inputCost: result.input_price, outputCost: result.output_price, totalCost };
}
