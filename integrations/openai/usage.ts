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

/**
 * A `Usage` with the token counts that are numbers. Each field is set by name, so every response
 * of one kind builds an object of the same shape, which later copies and roll-ups handle fast.
 */
function tokenUsage(input: unknown, output: unknown, total: unknown, cacheRead?: unknown, reasoning?: unknown): Usage {
  const usage: Usage = { requests: 1 };
  const inputTokens = count(input);
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  const outputTokens = count(output);
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  const totalTokens = count(total);
  if (totalTokens !== undefined) usage.totalTokens = totalTokens;
  const cacheReadTokens = count(cacheRead);
  if (cacheReadTokens !== undefined) usage.cacheReadTokens = cacheReadTokens;
  const reasoningTokens = count(reasoning);
  if (reasoningTokens !== undefined) usage.reasoningTokens = reasoningTokens;
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
  return entry(output, inputs, tokenUsage(
    usage.prompt_tokens,
    usage.completion_tokens,
    usage.total_tokens,
    // DeepSeek reports cache hits at the top level instead of in the details.
    promptDetails?.cached_tokens ?? usage.prompt_cache_hit_tokens,
    completionDetails?.reasoning_tokens,
  ));
}

export const completionsUsage = chatUsage;

/** Responses API (and gpt-image models): `input_tokens` / `output_tokens` with details. */
export function responsesUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  const usage = asObject(asObject(output)?.usage);
  if (usage === undefined) return entry(output, inputs, { requests: 1 });
  return entry(output, inputs, tokenUsage(
    usage.input_tokens,
    usage.output_tokens,
    usage.total_tokens,
    asObject(usage.input_tokens_details)?.cached_tokens,
    asObject(usage.output_tokens_details)?.reasoning_tokens,
  ));
}

/** Embeddings bill input only: `prompt_tokens` and `total_tokens`, no output. */
export function embeddingsUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  const usage = asObject(asObject(output)?.usage);
  if (usage === undefined) return entry(output, inputs, { requests: 1 });
  return entry(output, inputs, tokenUsage(usage.prompt_tokens, undefined, usage.total_tokens));
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
  if (usage.type === 'duration') {
    const seconds = count(usage.seconds);
    return entry(output, inputs, seconds === undefined ? { requests: 1 } : { requests: 1, audioSeconds: seconds });
  }
  return entry(output, inputs, tokenUsage(usage.input_tokens, usage.output_tokens, usage.total_tokens, asObject(usage.input_token_details)?.cached_tokens));
}

/** Endpoints with no token usage (moderations, translations): one request of that model. */
export function requestOnlyUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  return entry(output, inputs, { requests: 1 });
}
