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
 * - v2 `chatStream`: server-sent events, `type` discriminated (`message-start`, `content-*`,
 *   `tool-plan-delta`, `tool-call-*`, `citation-*`, `message-end`, `debug`).
 */
import type { StreamReducer } from '../../src/patching/types.js';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The first of the given keys that is present (camelCase as the SDK gives it, then the wire's snake_case). */
function pick(object: Json | undefined, camel: string, snake: string): unknown {
  if (object === undefined) return undefined;
  const value = object[camel];
  return value !== undefined ? value : object[snake];
}

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A deep copy with camelCase keys (for objects the SDK passed through in snake_case). */
export function camelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  const object = asObject(value);
  if (object === undefined) return value;
  const out: Json = {};
  for (const key of Object.keys(object)) out[snakeToCamel(key)] = camelizeKeys(object[key]);
  return out;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}

function eventTypeOf(event: Json | undefined): string | undefined {
  return str(pick(event, 'eventType', 'event_type'));
}

function nonEmptyText(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

// ------------------------------------------------------------------------ v1 chatStream

interface ToolCallChunkAcc {
  name?: string;
  parameters: string;
}

export interface CohereChatState {
  /** The full response from `stream-end`: when present it is the output. */
  response?: Json;
  text: string[];
  /** Tool plan text that came with `tool-calls-chunk` / `tool-calls-generation` events. */
  toolPlan: string[];
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
  if (text !== undefined) state.toolPlan.push(text);
  const delta = asObject(pick(event, 'toolCallDelta', 'tool_call_delta'));
  if (delta === undefined) return;
  if (typeof delta.text === 'string') state.toolPlan.push(delta.text);
  const index = typeof delta.index === 'number' ? delta.index : state.toolCallChunks.length > 0 ? state.toolCallChunks.length - 1 : 0;
  const acc = (state.toolCallChunks[index] ??= { parameters: '' });
  if (typeof delta.name === 'string') acc.name = delta.name;
  if (typeof delta.parameters === 'string') acc.parameters += delta.parameters;
}

function addChatEvent(state: CohereChatState, chunk: unknown): void {
  const event = asObject(chunk);
  switch (eventTypeOf(event)) {
    case 'stream-start':
      state.generationId = str(pick(event, 'generationId', 'generation_id')) ?? state.generationId;
      break;
    case 'text-generation':
      if (typeof event!.text === 'string') state.text.push(event!.text);
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
    case 'stream-end': {
      state.finishReason = pick(event, 'finishReason', 'finish_reason') ?? state.finishReason;
      const response = asObject(event!.response);
      if (response !== undefined) state.response = response;
      break;
    }
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
  const generated = state.text.join('');
  const out: Json = { text: generated !== '' ? generated : (state.toolPlanFinal ?? state.toolPlan.join('')) };
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
    init: () => ({ text: [], toolPlan: [], citations: [], documents: [], searchResults: [], searchQueries: [], toolCallChunks: [] }),
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
  texts: string[][];
  finishReason?: unknown;
  error?: string;
}

function addGenerateEvent(state: CohereGenerateState, chunk: unknown): void {
  const event = asObject(chunk);
  switch (eventTypeOf(event)) {
    case 'text-generation': {
      if (typeof event!.text !== 'string') break;
      const index = typeof event!.index === 'number' ? event!.index : 0;
      (state.texts[index] ??= []).push(event!.text);
      break;
    }
    case 'stream-end': {
      state.finishReason = pick(event, 'finishReason', 'finish_reason') ?? state.finishReason;
      const response = asObject(event!.response);
      if (response !== undefined) state.response = response;
      break;
    }
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
  return { ...rest, finish_reason: finishReason };
}

function finishGenerate(state: CohereGenerateState): Json {
  if (state.response !== undefined) {
    // `meta` is not in the SDK's stream-end schema, so it arrives in snake_case; the
    // non-streaming `Generation` has it camelCased.
    const { meta, generations, ...rest } = state.response;
    const out: Json = { ...rest };
    if (Array.isArray(generations)) out.generations = generations.map(asNonStreamedGeneration);
    else if (generations !== undefined) out.generations = generations;
    if (meta !== undefined) out.meta = camelizeKeys(meta);
    return out;
  }
  const many = state.texts.length > 1;
  const generations: Json[] = [];
  state.texts.forEach((parts, index) => {
    if (parts === undefined) return;
    const generation: Json = { text: parts.join('') };
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

// ------------------------------------------------------------------------ v2 chatStream

interface ContentAcc {
  type: string;
  /** `text` or `thinking`, per the content type. */
  field: 'text' | 'thinking';
  parts: string[];
  extras: Json;
}

interface ToolCallAcc {
  call: Json;
  fn: Json;
  args: string[];
}

export interface CohereV2ChatState {
  id?: string;
  role?: string;
  content: ContentAcc[];
  toolPlan: string[];
  toolCalls: ToolCallAcc[];
  citations: unknown[];
  logprobs: unknown[];
  finishReason?: unknown;
  usage?: Json;
  error?: string;
}

/** `delta.message` of an event. */
function deltaMessage(event: Json): Json | undefined {
  return asObject(asObject(event.delta)?.message);
}

function contentIndex(event: Json, fallback: number): number {
  return typeof event.index === 'number' ? event.index : fallback;
}

function contentStart(state: CohereV2ChatState, event: Json): void {
  const content = asObject(deltaMessage(event)?.content) ?? {};
  const type = str(content.type) ?? (typeof content.thinking === 'string' ? 'thinking' : 'text');
  const field = type === 'thinking' ? 'thinking' : 'text';
  const extras: Json = {};
  for (const key of Object.keys(content)) {
    if (key !== 'type' && key !== 'text' && key !== 'thinking') extras[key] = clone(content[key]);
  }
  const acc: ContentAcc = { type, field, parts: [], extras };
  if (typeof content[field] === 'string') acc.parts.push(content[field] as string);
  state.content[contentIndex(event, state.content.length)] = acc;
}

function contentDelta(state: CohereV2ChatState, event: Json): void {
  const content = asObject(deltaMessage(event)?.content);
  const index = contentIndex(event, Math.max(state.content.length - 1, 0));
  let acc = state.content[index];
  if (acc === undefined) {
    // A delta without its content-start (a partial recording): infer the type from the field.
    const field = typeof content?.thinking === 'string' ? 'thinking' : 'text';
    acc = state.content[index] = { type: field, field, parts: [], extras: {} };
  }
  const piece = content?.[acc.field];
  if (typeof piece === 'string') acc.parts.push(piece);
  if (event.logprobs !== undefined && event.logprobs !== null) state.logprobs.push(clone(event.logprobs));
}

function toolCallStart(state: CohereV2ChatState, event: Json): void {
  const message = deltaMessage(event);
  const raw = asObject(pick(message, 'toolCalls', 'tool_calls')) ?? {};
  const call = clone(raw);
  const fn = asObject(call.function) ?? {};
  const args = typeof fn.arguments === 'string' ? [fn.arguments] : [];
  call.function = fn;
  state.toolCalls[contentIndex(event, state.toolCalls.length)] = { call, fn, args };
}

function toolCallDelta(state: CohereV2ChatState, event: Json): void {
  const raw = asObject(pick(deltaMessage(event), 'toolCalls', 'tool_calls'));
  const piece = asObject(raw?.function)?.arguments;
  if (typeof piece !== 'string') return;
  const index = contentIndex(event, Math.max(state.toolCalls.length - 1, 0));
  const acc = (state.toolCalls[index] ??= { call: {}, fn: {}, args: [] });
  acc.args.push(piece);
}

function messageEnd(state: CohereV2ChatState, event: Json): void {
  if (typeof event.id === 'string' && state.id === undefined) state.id = event.id;
  const delta = asObject(event.delta);
  if (delta === undefined) return;
  const reason = pick(delta, 'finishReason', 'finish_reason');
  if (reason !== undefined && reason !== null) state.finishReason = reason;
  const usage = asObject(delta.usage);
  if (usage !== undefined) state.usage = clone(usage);
  if (nonEmptyText(delta.error)) state.error = delta.error as string;
}

function addV2Event(state: CohereV2ChatState, chunk: unknown): void {
  const event = asObject(chunk);
  if (event === undefined) return;
  switch (event.type) {
    case 'message-start':
      if (typeof event.id === 'string') state.id = event.id;
      state.role = str(deltaMessage(event)?.role) ?? state.role;
      break;
    case 'content-start':
      contentStart(state, event);
      break;
    case 'content-delta':
      contentDelta(state, event);
      break;
    case 'tool-plan-delta': {
      const piece = pick(deltaMessage(event), 'toolPlan', 'tool_plan');
      if (typeof piece === 'string') state.toolPlan.push(piece);
      break;
    }
    case 'tool-call-start':
      toolCallStart(state, event);
      break;
    case 'tool-call-delta':
      toolCallDelta(state, event);
      break;
    case 'citation-start': {
      const citation = deltaMessage(event)?.citations;
      if (citation !== undefined && citation !== null) state.citations.push(clone(citation));
      break;
    }
    case 'message-end':
      messageEnd(state, event);
      break;
    default:
      // content-end, tool-call-end, citation-end, debug: nothing to fold.
      break;
  }
}

function finishV2(state: CohereV2ChatState): Json {
  const message: Json = { role: state.role ?? 'assistant' };
  const toolCalls = state.toolCalls
    .filter((acc) => acc !== undefined)
    .map((acc) => ({ ...acc.call, function: { ...acc.fn, arguments: acc.args.join('') } }));
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  const toolPlan = state.toolPlan.join('');
  if (toolPlan !== '') message.toolPlan = toolPlan;
  const content = state.content
    .filter((acc) => acc !== undefined)
    .map((acc) => ({ type: acc.type, [acc.field]: acc.parts.join(''), ...acc.extras }));
  if (content.length > 0) message.content = content;
  if (state.citations.length > 0) message.citations = state.citations;
  const out: Json = {};
  if (state.id !== undefined) out.id = state.id;
  if (state.finishReason !== undefined) out.finishReason = state.finishReason;
  out.message = message;
  if (state.usage !== undefined) out.usage = state.usage;
  if (state.logprobs.length > 0) out.logprobs = state.logprobs;
  return out;
}

function v2IsFirstToken(chunk: unknown): boolean {
  const event = asObject(chunk);
  if (event === undefined) return false;
  switch (event.type) {
    case 'content-delta': {
      const content = asObject(deltaMessage(event)?.content);
      return nonEmptyText(content?.text) || nonEmptyText(content?.thinking);
    }
    case 'tool-plan-delta':
    case 'tool-call-start':
      return true;
    default:
      return false;
  }
}

/** v2 `message-end` with `delta.error`: the generation failed inside a 200 stream. */
function v2ErrorOf(chunk: unknown): { type: string; message: string } | undefined {
  const event = asObject(chunk);
  if (event?.type !== 'message-end') return undefined;
  const error = asObject(event.delta)?.error;
  return nonEmptyText(error) ? { type: 'CohereStreamError', message: error as string } : undefined;
}

/** `CohereClientV2.chatStream` (API v2): the events fold into `V2ChatResponse`. */
export function cohereV2ChatReducer(): StreamReducer<CohereV2ChatState> {
  return {
    init: () => ({ content: [], toolPlan: [], toolCalls: [], citations: [], logprobs: [] }),
    add: addV2Event,
    finish: finishV2,
    isFirstToken: v2IsFirstToken,
    errorOf: v2ErrorOf,
  };
}
