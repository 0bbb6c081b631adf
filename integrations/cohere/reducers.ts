/**
 * Rebuild, from Cohere stream events, the response the same endpoint returns without
 * streaming, so a streamed call is recorded like a plain one.
 *
 * Events are the objects the `cohere-ai` SDK yields (7.x and 8.x alike): its serializers turn
 * the wire's snake_case into camelCase (`event_type` -> `eventType`, `finish_reason` ->
 * `finishReason`, `billed_units` -> `billedUnits`), except for keys its schema does not know,
 * which pass through as sent (`is_finished` in v1 chat events, `meta` inside the generate
 * `stream-end` response, the extra keys of the v2 `message-start` message). The readers below
 * accept both spellings where the SDK can leave either. Events are only read: nothing is
 * written into them, and nothing a later event could change is kept by reference.
 *
 * - v1 `chatStream`: newline-delimited JSON, `eventType` discriminated; `stream-end` carries the
 *   complete non-streaming response, which then is the output as it is.
 * - v1 `generateStream`: `text-generation` (per generation `index`), `stream-end` with the
 *   response minus usage-shaped keys, `stream-error`.
 * - v2 `chatStream`: server-sent events, `type` discriminated: v2-reducer.ts.
 */
import { copyKeys } from '../../src/copy-keys.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { joinPiece } from '../shared/text.js';
import { asObject, camelizeKeys, clone, nonEmptyText, pick, str, type Json } from './json.js';

export { camelizeKeys } from './json.js';
export { cohereV2ChatReducer, type CohereV2ChatState } from './v2-reducer.js';

function eventTypeOf(event: Json | undefined): string | undefined {
  return str(pick(event, 'eventType', 'event_type'));
}

// ------------------------------------------------------------------------ v1 chatStream

interface ToolCallChunkAcc {
  name?: string;
  parameters: string;
}

/** v1 `stream-end` (chat and generate alike): the finish reason and the full response it carries. */
function foldStreamEnd(state: { finishReason?: unknown; response?: Json }, event: Json): void {
  state.finishReason = pick(event, 'finishReason', 'finish_reason') ?? state.finishReason;
  const response = asObject(event.response);
  if (response !== undefined) state.response = response;
}

export interface CohereChatState {
  /** The full response from `stream-end`: when present it is the output. */
  response?: Json;
  text: string;
  /** Tool plan text that came with `tool-calls-chunk` / `tool-calls-generation` events. */
  toolPlan: string;
  toolPlanFinal?: string;
  generationId?: string;
  citations: unknown[];
  documents: unknown[];
  searchResults: unknown[];
  searchQueries: unknown[];
  toolCalls?: unknown[];
  toolCallChunks: ToolCallChunkAcc[];
  finishReason?: unknown;
}

function appendAll(target: unknown[], items: unknown): void {
  if (Array.isArray(items)) for (const item of items) target.push(clone(item));
}

function addChatToolCallChunk(state: CohereChatState, event: Json): void {
  const text = str(event.text);
  if (text !== undefined) state.toolPlan = joinPiece(state.toolPlan, text);
  const delta = asObject(pick(event, 'toolCallDelta', 'tool_call_delta'));
  if (delta === undefined) return;
  if (typeof delta.text === 'string') state.toolPlan = joinPiece(state.toolPlan, delta.text);
  const index = typeof delta.index === 'number' ? delta.index : state.toolCallChunks.length > 0 ? state.toolCallChunks.length - 1 : 0;
  const acc = (state.toolCallChunks[index] ??= { parameters: '' });
  if (typeof delta.name === 'string') acc.name = delta.name;
  if (typeof delta.parameters === 'string') acc.parameters = joinPiece(acc.parameters, delta.parameters);
}

function addChatEvent(state: CohereChatState, chunk: unknown): void {
  const event = asObject(chunk);
  switch (eventTypeOf(event)) {
    case 'stream-start':
      state.generationId = str(pick(event, 'generationId', 'generation_id')) ?? state.generationId;
      break;
    case 'text-generation':
      if (typeof event!.text === 'string') state.text = joinPiece(state.text, event!.text);
      break;
    case 'citation-generation':
      appendAll(state.citations, event!.citations);
      break;
    case 'search-queries-generation':
      appendAll(state.searchQueries, pick(event, 'searchQueries', 'search_queries'));
      break;
    case 'search-results':
      appendAll(state.searchResults, pick(event, 'searchResults', 'search_results'));
      appendAll(state.documents, event!.documents);
      break;
    case 'tool-calls-chunk':
      addChatToolCallChunk(state, event!);
      break;
    case 'tool-calls-generation': {
      const calls = pick(event, 'toolCalls', 'tool_calls');
      if (Array.isArray(calls)) state.toolCalls = clone(calls);
      if (typeof event!.text === 'string') state.toolPlanFinal = event!.text;
      break;
    }
    case 'stream-end':
      foldStreamEnd(state, event!);
      break;
    default:
      break;
  }
}

function parseParameters(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function finishChat(state: CohereChatState): Json {
  // The SDK parsed stream-end's response with the non-streaming schema: it is that shape already.
  if (state.response !== undefined) return state.response;
  const out: Json = { text: state.text !== '' ? state.text : (state.toolPlanFinal ?? state.toolPlan) };
  if (state.generationId !== undefined) out.generationId = state.generationId;
  if (state.citations.length > 0) out.citations = state.citations;
  if (state.documents.length > 0) out.documents = state.documents;
  if (state.searchResults.length > 0) out.searchResults = state.searchResults;
  if (state.searchQueries.length > 0) out.searchQueries = state.searchQueries;
  const chunked = state.toolCallChunks.filter((call) => call !== undefined);
  if (state.toolCalls !== undefined) out.toolCalls = state.toolCalls;
  else if (chunked.length > 0) out.toolCalls = chunked.map((call) => ({ name: call.name ?? '', parameters: parseParameters(call.parameters) }));
  if (state.finishReason !== undefined) out.finishReason = state.finishReason;
  return out;
}

function chatIsFirstToken(chunk: unknown): boolean {
  const event = asObject(chunk);
  switch (eventTypeOf(event)) {
    case 'text-generation':
      return nonEmptyText(event!.text);
    case 'tool-calls-chunk':
    case 'tool-calls-generation':
      return true;
    default:
      return false;
  }
}

/** v1 `stream-end` with `finishReason: 'ERROR'`: the generation failed inside a 200 stream. */
function chatErrorOf(chunk: unknown): { type: string; message: string } | undefined {
  const event = asObject(chunk);
  if (eventTypeOf(event) !== 'stream-end') return undefined;
  const reason = pick(event, 'finishReason', 'finish_reason');
  return reason === 'ERROR' ? { type: 'CohereStreamError', message: 'the stream ended with finish reason ERROR' } : undefined;
}

/** `CohereClient.chatStream` (API v1): the events fold into `NonStreamedChatResponse`. */
export function cohereChatReducer(): StreamReducer<CohereChatState> {
  return {
    init: () => ({ text: '', toolPlan: '', citations: [], documents: [], searchResults: [], searchQueries: [], toolCallChunks: [] }),
    add: addChatEvent,
    finish: finishChat,
    isFirstToken: chatIsFirstToken,
    errorOf: chatErrorOf,
  };
}

// -------------------------------------------------------------------- v1 generateStream

export interface CohereGenerateState {
  response?: Json;
  /** Joined text per generation index. */
  texts: string[];
  finishReason?: unknown;
  error?: string;
}

function addGenerateEvent(state: CohereGenerateState, chunk: unknown): void {
  const event = asObject(chunk);
  switch (eventTypeOf(event)) {
    case 'text-generation': {
      if (typeof event!.text !== 'string') break;
      const index = typeof event!.index === 'number' ? event!.index : 0;
      state.texts[index] = joinPiece(state.texts[index] ?? '', event!.text);
      break;
    }
    case 'stream-end':
      foldStreamEnd(state, event!);
      break;
    case 'stream-error':
      state.finishReason = pick(event, 'finishReason', 'finish_reason') ?? state.finishReason;
      state.error = str(event!.err) ?? 'stream error';
      break;
    default:
      break;
  }
}

/**
 * The SDK's schemas disagree between the two calls: a generation's finish reason is typed in
 * the stream (`finishReason`) but not in `Generation`, where it passes through as `finish_reason`.
 */
function asNonStreamedGeneration(generation: unknown): unknown {
  const g = asObject(generation);
  if (g === undefined || g.finishReason === undefined || 'finish_reason' in g) return generation;
  const { finishReason, ...rest } = g;
  const out = copyKeys(rest);
  out.finish_reason = finishReason;
  return out;
}

function finishGenerate(state: CohereGenerateState): Json {
  if (state.response !== undefined) {
    // `meta` is not in the SDK's stream-end schema, so it arrives in snake_case; the
    // non-streaming `Generation` has it camelCased.
    const { meta, generations, ...rest } = state.response;
    const out = copyKeys(rest as Json);
    if (Array.isArray(generations)) out.generations = generations.map(asNonStreamedGeneration);
    else if (generations !== undefined) out.generations = generations;
    if (meta !== undefined) out.meta = camelizeKeys(meta);
    return out;
  }
  const many = state.texts.length > 1;
  const generations: Json[] = [];
  state.texts.forEach((text, index) => {
    if (text === undefined) return;
    const generation: Json = { text };
    if (many) generation.index = index;
    if (state.finishReason !== undefined) generation.finish_reason = state.finishReason;
    generations.push(generation);
  });
  return { generations };
}

function generateErrorOf(chunk: unknown): { type: string; message: string } | undefined {
  const event = asObject(chunk);
  if (eventTypeOf(event) !== 'stream-error') return undefined;
  return { type: 'CohereStreamError', message: str(event!.err) ?? 'stream error' };
}

/** `CohereClient.generateStream` (API v1): the events fold into `Generation`. */
export function cohereGenerateReducer(): StreamReducer<CohereGenerateState> {
  return {
    init: () => ({ texts: [] }),
    add: addGenerateEvent,
    finish: finishGenerate,
    isFirstToken: (chunk) => {
      const event = asObject(chunk);
      return eventTypeOf(event) === 'text-generation' && nonEmptyText(event!.text);
    },
    errorOf: generateErrorOf,
  };
}

