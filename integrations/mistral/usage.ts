/**
 * Mistral usage in tracewire's `Usage` shape (SPEC §3), from the SDK's `UsageInfo`:
 * `{ promptTokens, completionTokens, totalTokens, promptAudioSeconds?, serviceTier? }` plus the
 * keys the SDK does not model, which it keeps as the API sent them: 2.x spreads them onto the
 * object in snake_case (`prompt_tokens_details: { cached_tokens }`, `num_cached_tokens`), 1.x
 * puts them under `additionalProperties`. Cached prompt tokens are part of `promptTokens`
 * (e.g. 77 prompt tokens of which 76 cached), so `inputTokens` is `promptTokens` and
 * `cacheReadTokens` the cached count.
 *
 * Caveat: the SDK's schema defaults a missing `prompt_tokens`, `completion_tokens` or
 * `total_tokens` to 0, so an absent count cannot be told from a reported 0 once parsed.
 */
import type { ModelUsage } from '../../src/patching/types.js';
import type { Usage } from '../../src/types.js';
import { type Json, asObject, count, nonEmptyString } from '../shared/json.js';

function pick(object: Json | undefined, camel: string, snake: string): unknown {
  if (object === undefined) return undefined;
  const value = object[camel];
  return value !== undefined ? value : object[snake];
}

/** The model the response names (Mistral always does), else the request's. */
export function mistralModelOf(output: unknown, inputs: Record<string, unknown>): string | undefined {
  return nonEmptyString(asObject(output)?.model) ?? nonEmptyString(inputs.model);
}

/** Cached prompt tokens wherever this SDK version and API revision put them. */
export function cachedTokensOf(usage: Json): number | undefined {
  for (const source of [usage, asObject(usage.additionalProperties)]) {
    if (source === undefined) continue;
    const details =
      asObject(pick(source, 'promptTokensDetails', 'prompt_tokens_details')) ??
      asObject(pick(source, 'promptTokenDetails', 'prompt_token_details'));
    const cached = count(pick(details, 'cachedTokens', 'cached_tokens')) ?? count(pick(source, 'numCachedTokens', 'num_cached_tokens'));
    if (cached !== undefined) return cached;
  }
  return undefined;
}

function fromUsageInfo(usage: Json, withOutput: boolean): Usage {
  const out: Usage = { requests: 1 };
  const input = count(pick(usage, 'promptTokens', 'prompt_tokens'));
  const output = count(pick(usage, 'completionTokens', 'completion_tokens'));
  const total = count(pick(usage, 'totalTokens', 'total_tokens'));
  if (input !== undefined) out.inputTokens = input;
  if (withOutput && output !== undefined) out.outputTokens = output;
  if (total !== undefined) out.totalTokens = total;
  const cached = cachedTokensOf(usage);
  if (cached !== undefined) out.cacheReadTokens = cached;
  return out;
}

function entries(output: unknown, inputs: Record<string, unknown>, withOutput: boolean): ModelUsage[] {
  const model = mistralModelOf(output, inputs);
  if (model === undefined) return [];
  const usage = asObject(asObject(output)?.usage);
  return [{ model, usage: usage === undefined ? { requests: 1 } : fromUsageInfo(usage, withOutput) }];
}

/** `chat.complete` / `chat.parse` / `fim.complete` / `agents.complete`, and their reconstructed streams. */
export function mistralChatUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  return entries(output, inputs, true);
}

/**
 * `embeddings.create`: input tokens only. The API sends `completion_tokens: 0` (and the SDK
 * defaults it to 0 anyway); an embedding has no output to count.
 */
export function mistralEmbeddingsUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  return entries(output, inputs, false);
}
