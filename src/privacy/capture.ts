/**
 * `captureContent: false` (SPEC §4): metadata only. No prompts, outputs or tool arguments;
 * usage, cost, timing, model and status stay.
 *
 * What survives: the shape of objects and arrays, numbers, booleans and null (so `usage`,
 * `meta.billed_units`, `max_tokens`, `temperature`, indexes and timestamps all stay), and
 * strings under the metadata keys below. Every other string becomes "[content omitted]".
 * Object keys are kept, since in request and response bodies they are field names, except
 * inside the subtrees listed in CONTENT_SUBTREE_KEYS, where keys are content too (JSON-schema
 * property names, tool-argument names, user metadata): those subtrees are replaced whole.
 * Numbers are not always metadata either: see TOKEN_CONTENT_KEYS.
 */
import type { JsonValue } from '../serialize/snapshot.js';

export const CONTENT_OMITTED = '[content omitted]';

/** Strings kept under these keys (exact match; SDKs use both snake_case and camelCase). */
export const METADATA_STRING_KEYS: ReadonlySet<string> = new Set([
  // identity and shape of the call
  'model', 'id', 'object', 'type', '_type', 'role', 'status', 'version', 'api_version',
  'response_id', 'generation_id', 'generationId', 'tool_call_id', 'toolCallId', 'call_id',
  'event_type', 'system_fingerprint', 'systemFingerprint', 'service_tier', 'serviceTier',
  // why generation stopped
  'finish_reason', 'finishReason', 'stop_reason', 'stopReason', 'stop_sequence', 'stopSequence',
  // request options whose string values are enumerations, not content
  'encoding_format', 'encodingFormat', 'reasoning_effort', 'reasoningEffort', 'effort',
  'tool_choice', 'toolChoice', 'truncation', 'modalities', 'quality', 'size', 'style', 'detail',
  'format', 'media_type', 'mediaType', 'input_type', 'inputType', 'embedding_types',
  'embeddingTypes', 'language',
]);

/** Subtrees whose keys or values are content whatever their type: replaced by the marker. */
export const CONTENT_SUBTREE_KEYS: ReadonlySet<string> = new Set([
  // tool and output schemas: property names are content
  'tools', 'functions', 'response_format', 'responseFormat', 'json_schema', 'jsonSchema', 'schema',
  'input_schema', 'inputSchema', 'parameters', 'parameter_definitions', 'properties',
  // tool arguments (a JSON string for OpenAI, an object for Anthropic, Cohere, Mistral)
  'arguments', 'input',
  // parsed structured output, retrieval documents, user-defined metadata
  'parsed', 'documents', 'document', 'metadata',
]);

/**
 * Keys whose arrays and objects encode text in numbers or keys, which the rules above would
 * keep: logprobs hold each token's UTF-8 `bytes` (OpenAI chat, Responses, transcriptions) or
 * token ids (Cohere v2), legacy completions' `top_logprobs` are keyed by the token text, and a
 * completions `prompt` may be token ids. Their containers are replaced whole; scalars under
 * them are request options or sizes (`logprobs: true`, `top_logprobs: 5`, `bytes: 1024`).
 */
export const TOKEN_CONTENT_KEYS: ReadonlySet<string> = new Set([
  'logprobs', 'top_logprobs', 'topLogprobs', 'bytes', 'token_ids', 'tokenIds', 'prompt',
]);

/**
 * Strips content from a snapshot, in place where it can (the tree is tracewire's own copy),
 * and returns the result: a string root becomes the marker.
 */
export function stripContent(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return stripLeaf(value, undefined);
  // Each entry is a container and the key it sits under; array items inherit their array's key.
  const pending: Array<[JsonValue[] | { [key: string]: JsonValue }, string | undefined]> = [[value, undefined]];
  while (pending.length > 0) {
    const [node, parentKey] = pending.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i]!;
        if (item !== null && typeof item === 'object') pending.push([item, parentKey]);
        else node[i] = stripLeaf(item, parentKey);
      }
      continue;
    }
    for (const key of Object.keys(node)) {
      const child = node[key]!;
      const isContainer = child !== null && typeof child === 'object';
      if (CONTENT_SUBTREE_KEYS.has(key) || (isContainer && TOKEN_CONTENT_KEYS.has(key))) node[key] = CONTENT_OMITTED;
      else if (isContainer) pending.push([child, key]);
      else node[key] = stripLeaf(child, key);
    }
  }
  return value;
}

function stripLeaf(value: string | number | boolean | null, key: string | undefined): JsonValue {
  if (typeof value !== 'string') return value;
  return key !== undefined && METADATA_STRING_KEYS.has(key) ? value : CONTENT_OMITTED;
}
