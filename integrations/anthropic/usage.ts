/**
 * Token usage of Anthropic responses in tracewire's `Usage` shape (SPEC §3). Only what the
 * response reports is copied: a field the API left out (or sent as null) stays absent.
 *
 * Anthropic splits the prompt in three disjoint parts: `input_tokens` (not read from or written
 * to the cache), `cache_read_input_tokens` and `cache_creation_input_tokens`. tracewire's
 * `inputTokens` counts all input, cached included (OpenTelemetry GenAI convention), so it is
 * their sum; the cache parts are also kept apart for pricing.
 */
import type { ModelUsage } from '../../src/patching/types.js';
import type { Usage } from '../../src/types.js';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The model the response names (e.g. `claude-3-5-sonnet-20240620`), else the requested one. */
export function modelOf(output: unknown, inputs: Record<string, unknown>): string | undefined {
  return nonEmptyString(asObject(output)?.model) ?? nonEmptyString(inputs.model);
}

/** Sum of the counts that are known; undefined when none is. */
function sumKnown(...values: Array<number | undefined>): number | undefined {
  let total: number | undefined;
  for (const value of values) if (value !== undefined) total = (total ?? 0) + value;
  return total;
}

/** An Anthropic `usage` object (of a `Message`, or rebuilt from a stream) as a `Usage`. */
export function usageFromAnthropic(usage: Json): Usage {
  const uncached = count(usage.input_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const input = sumKnown(uncached, cacheRead, cacheWrite);
  const output = count(usage.output_tokens);
  const result: Usage = { requests: 1 };
  if (input !== undefined) result.inputTokens = input;
  if (output !== undefined) result.outputTokens = output;
  if (input !== undefined && output !== undefined) result.totalTokens = input + output;
  if (cacheRead !== undefined) result.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) result.cacheWriteTokens = cacheWrite;
  // Part of output_tokens, reported only with the thinking-token-count feature.
  const thinking = count(asObject(usage.output_tokens_details)?.thinking_tokens);
  if (thinking !== undefined) result.reasoningTokens = thinking;
  // Server tools are billed per use, apart from tokens.
  const serverTools = asObject(usage.server_tool_use);
  const searches = count(serverTools?.web_search_requests);
  const fetches = count(serverTools?.web_fetch_requests);
  if (searches !== undefined) result.webSearchRequests = searches;
  if (fetches !== undefined) result.webFetchRequests = fetches;
  return result;
}

function entry(output: unknown, inputs: Record<string, unknown>, usage: Usage): ModelUsage[] {
  const model = modelOf(output, inputs);
  return model === undefined ? [] : [{ model, usage }];
}

/**
 * `messages.create` / `beta.messages.create` (streamed or not: the reducer rebuilds the same
 * `Message`), keyed by the model the response names.
 */
export function messageUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  const usage = asObject(asObject(output)?.usage);
  return entry(output, inputs, usage === undefined ? { requests: 1 } : usageFromAnthropic(usage));
}

/**
 * `messages.countTokens`: nothing. Counting is free and generates nothing; its `input_tokens`
 * is the size of a prompt that was not sent to a model, so recording it as usage would price
 * tokens nobody paid for, and even a bare `requests: 1` would be added to the model's request
 * count in every parent's summary. The count stays visible in the call's `output`.
 */
export function countTokensUsage(_output: unknown, _inputs: Record<string, unknown>): ModelUsage[] {
  return [];
}

/** Legacy Text Completions report no usage: one request of the model. */
export function completionsUsage(output: unknown, inputs: Record<string, unknown>): ModelUsage[] {
  return entry(output, inputs, { requests: 1 });
}
