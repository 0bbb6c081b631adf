/**
 * Token usage of OpenAI responses in tracewire's `Usage` shape (SPEC §3). Only what the
 * response reports is copied: a field the provider left out stays absent, because a made-up
 * zero would price a call wrongly and hide that the number is unknown.
 */
import type { ModelUsage } from '../../src/patching/types.js';
import type { Usage } from '../../src/types.js';
import { type Json, asObject, count, nonEmptyString } from '../shared/json.js';

/** The model the response names (e.g. `gpt-4o-mini-2024-07-18`), else the requested one. */
export function modelOf(output: unknown, inputs: Record<string, unknown>): string | undefined {
  return nonEmptyString(asObject(output)?.model) ?? nonEmptyString(inputs.model);
}

/** Builds a `Usage` keeping only the counts that are numbers. */
export function buildUsage(counts: Record<string, unknown>): Usage {
  const usage: Usage = { requests: 1 };
  for (const key of Object.keys(counts)) {
    const value = count(counts[key]);
    if (value !== undefined) usage[key] = value;
  }
  return usage;
}

function entry(output: unknown, inputs: Record<string, unknown>, usage: Usage): ModelUsage[] {
  const model = modelOf(output, inputs);
  return model === undefined ? [] : [{ model, usage }];
}

/**
 * Groq streams its usage under `x_groq.usage` instead of a usage chunk; the reducer lifts it,
 * but a non-streamed output may still carry only this form.
 */
function chatUsageObject(output: Json | undefined): Json | undefined {
  return asObject(output?.usage) ?? asObject(asObject(output?.x_groq)?.usage);
}

/** Chat completions and legacy completions: `prompt_tokens` / `completion_tokens`. */
export function chatUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  const usage = chatUsageObject(asObject(output));
  if (usage === undefined) return entry(output, inputs, { requests: 1 });
  const promptDetails = asObject(usage.prompt_tokens_details);
  const completionDetails = asObject(usage.completion_tokens_details);
  return entry(output, inputs, buildUsage({
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
    // DeepSeek reports cache hits at the top level instead of in the details.
    cacheReadTokens: promptDetails?.cached_tokens ?? usage.prompt_cache_hit_tokens,
    reasoningTokens: completionDetails?.reasoning_tokens,
  }));
}

export const completionsUsage = chatUsage;

/** Responses API (and gpt-image models): `input_tokens` / `output_tokens` with details. */
export function responsesUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  const usage = asObject(asObject(output)?.usage);
  if (usage === undefined) return entry(output, inputs, { requests: 1 });
  return entry(output, inputs, buildUsage({
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    totalTokens: usage.total_tokens,
    cacheReadTokens: asObject(usage.input_tokens_details)?.cached_tokens,
    reasoningTokens: asObject(usage.output_tokens_details)?.reasoning_tokens,
  }));
}

/** Embeddings bill input only: `prompt_tokens` and `total_tokens`, no output. */
export function embeddingsUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  const usage = asObject(asObject(output)?.usage);
  if (usage === undefined) return entry(output, inputs, { requests: 1 });
  return entry(output, inputs, buildUsage({ inputTokens: usage.prompt_tokens, totalTokens: usage.total_tokens }));
}

/**
 * Images: gpt-image models report Responses-style token usage; DALL·E reports none. The
 * response names no model, so the request's model is the key.
 */
export function imagesUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  return responsesUsage(output, inputs);
}

/**
 * Transcriptions report either tokens (gpt-4o-transcribe: `type: 'tokens'`) or billed audio
 * seconds (whisper: `type: 'duration'`, kept as the extra unit `audioSeconds`). Text and SRT
 * response formats return a plain string with no usage.
 */
export function transcriptionUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  const usage = asObject(asObject(output)?.usage);
  if (usage === undefined) return entry(output, inputs, { requests: 1 });
  if (usage.type === 'duration') return entry(output, inputs, buildUsage({ audioSeconds: usage.seconds }));
  return entry(output, inputs, buildUsage({
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    totalTokens: usage.total_tokens,
    cacheReadTokens: asObject(usage.input_token_details)?.cached_tokens,
  }));
}

/** Endpoints with no token usage (moderations, translations): one request of that model. */
export function requestOnlyUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  return entry(output, inputs, { requests: 1 });
}
