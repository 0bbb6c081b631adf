/**
 * Cohere usage in tracewire's `Usage` shape (SPEC §3), from the SDK's camelCase objects
 * (the wire's snake_case is accepted too: the SDK passes some usage objects through as sent,
 * e.g. `meta` inside a generate `stream-end` response).
 *
 * Where Cohere puts it:
 * - API v1 (`chat`, `generate`, `embed`, `rerank`, `classify`...) and API v2 `embed` / `rerank`:
 *   `meta.billedUnits` { inputTokens, outputTokens, searchUnits, classifications, images, ... },
 *   `meta.tokens` { inputTokens, outputTokens }, `meta.cachedTokens`;
 * - API v2 `chat` (and its `message-end` stream event): `usage.billedUnits`, `usage.tokens`,
 *   `usage.cachedTokens`.
 *
 * `billedUnits` are what Cohere charges; `tokens` count everything the model processed,
 * including the preamble Cohere adds and does not bill (e.g. 7 billed / 69 processed input
 * tokens). Token counts come from `billedUnits`, and from `tokens` only when `billedUnits`
 * lacks them, so that prices per token apply to the billed amounts. Non-token units
 * (search units of rerank, classifications, images, pages) are kept under their own names.
 * Only what the response reports is copied.
 */
import type { ModelUsage } from '../../src/patching/types.js';
import type { Usage } from '../../src/types.js';
import { asObject, count, nonEmptyText, pick, type Json } from './json.js';

/** The usage key when neither the request nor the response names a model (v1 default model). */
export const UNKNOWN_MODEL = 'unknown';

function nonEmptyString(value: unknown): string | undefined {
  return nonEmptyText(value) ? value : undefined;
}

/**
 * The model the usage is keyed by: the request's `model`, else one the response names (Cohere
 * responses normally name none), else `UNKNOWN_MODEL` (a v1 request may leave the model to
 * Cohere's default).
 */
export function cohereModelOf(output: unknown, inputs: Record<string, unknown>): string {
  return nonEmptyString(inputs.model) ?? nonEmptyString(asObject(output)?.model) ?? UNKNOWN_MODEL;
}

/** Units other than tokens, under their camelCase names (`searchUnits` is what rerank bills). */
const EXTRA_UNITS: ReadonlyArray<[camel: string, snake: string]> = [
  ['searchUnits', 'search_units'],
  ['classifications', 'classifications'],
  ['images', 'images'],
  ['imageTokens', 'image_tokens'],
  ['pages', 'pages'],
];

/** Usage from a `meta` (v1, v2 embed/rerank) or `usage` (v2 chat) object. */
export function usageFromCohere(container: Json): Usage {
  const billed = asObject(pick(container, 'billedUnits', 'billed_units'));
  const tokens = asObject(container.tokens);
  const usage: Usage = { requests: 1 };
  const input = count(pick(billed, 'inputTokens', 'input_tokens')) ?? count(pick(tokens, 'inputTokens', 'input_tokens'));
  const output = count(pick(billed, 'outputTokens', 'output_tokens')) ?? count(pick(tokens, 'outputTokens', 'output_tokens'));
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (input !== undefined && output !== undefined) usage.totalTokens = input + output;
  const cached = count(pick(container, 'cachedTokens', 'cached_tokens'));
  if (cached !== undefined) usage.cacheReadTokens = cached;
  for (const [camel, snake] of EXTRA_UNITS) {
    const value = count(pick(billed, camel, snake));
    if (value !== undefined) usage[camel] = value;
  }
  return usage;
}

/**
 * Usage of any Cohere response or reconstructed stream output: v2 chat's `usage`, else `meta`
 * (v1 chat/generate/embed/rerank, v2 embed/rerank). A response with neither still counts as
 * one request of its model.
 */
export function cohereUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  const response = asObject(output);
  const container = asObject(response?.usage) ?? asObject(response?.meta);
  const usage = container === undefined ? { requests: 1 } : usageFromCohere(container);
  return [{ model: cohereModelOf(output, inputs), usage }];
}
