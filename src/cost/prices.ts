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
 */
import { calcPrice, findProvider, type Usage as PricesUsage } from '@pydantic/genai-prices';
import type { Cost, Usage } from '../types.js';
import type { PriceQuery } from './index.js';

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
  const out: PricesUsage = {};
  const copy = (from: keyof Usage, to: string) => {
    const value = usage[from];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) out[to] = value;
  };
  copy('inputTokens', 'input_tokens');
  copy('cacheReadTokens', 'cache_read_tokens');
  copy('cacheWriteTokens', 'cache_write_tokens');
  copy('outputTokens', 'output_tokens');
  // Reasoning is a part of output; a count larger than the output means the provider reported
  // output without it, and then reasoning cannot be priced apart from output without guessing.
  const reasoning = usage.reasoningTokens;
  if (typeof reasoning === 'number' && reasoning <= (out.output_tokens ?? 0)) copy('reasoningTokens', 'output_reasoning_tokens');
  // Extra billed units reported by integrations.
  copy('searchUnits', 'rerank_searches');
  // Transcription seconds (whisper) are input audio; the library wants the parent unit too.
  copy('audioSeconds', 'audio_seconds');
  copy('audioSeconds', 'input_audio_seconds');
  return out;
}

/** False when the provider reported nothing that is priced (e.g. a stream without usage): no cost then, not 0. */
export function hasBillableUsage(usage: Usage): boolean {
  return Object.keys(toPricesUsage(usage)).length > 0;
}

/**
 * The genai-prices provider id for a tracewire provider name: `null` for self-hosted servers
 * (never priced from the bundled data), `undefined` when the library knows no such provider
 * (then the model alone is matched, against every provider's model patterns).
 * `azure` stays `azure`: the library has Azure's own prices and falls back from them to
 * OpenAI's (and Anthropic's, DeepSeek's, ...) for models Azure resells at list price.
 */
export function providerIdFor(provider: string | undefined): string | null | undefined {
  if (provider === undefined || provider === '') return undefined;
  const name = provider.toLowerCase();
  if (SELF_HOSTED.has(name)) return null;
  const id = PROVIDER_IDS[name] ?? name;
  return findProvider({ providerId: id }) ? id : undefined;
}

/**
 * The cost of `query.usage` from the bundled prices in force at `query.at`, or undefined when
 * the model has no bundled price for that provider. Throws on inconsistent usage (e.g. more
 * cached tokens than input tokens); the pricer reports that.
 */
export function bundledPrice(query: PriceQuery): Cost | undefined {
  const providerId = providerIdFor(query.provider);
  if (providerId === null) return undefined;
  const usage = toPricesUsage(query.usage);
  if (Object.keys(usage).length === 0) return undefined;
  const result = calcPrice(usage, query.model, {
    ...(providerId !== undefined ? { providerId } : {}),
    timestamp: new Date(query.at),
  });
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
