/**
 * `CohereClientV2.chatStream` (API v2): server-sent events, `type` discriminated
 * (`message-start`, `content-*`, `tool-plan-delta`, `tool-call-*`, `citation-*`,
 * `message-end`, `debug`), folded into the `V2ChatResponse` that `chat()` returns.
 */
import { copyKeys } from '../../src/copy-keys.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { joinPiece } from '../shared/text.js';
import { asObject, clone, nonEmptyText, pick, str, type Json } from './json.js';

interface ContentAcc {
  type: string;
  /** `text` or `thinking`, per the content type. */
  field: 'text' | 'thinking';
  /** The streamed text so far. */
  joined: string;
  extras: Json;
}

interface ToolCallAcc {
  call: Json;
  fn: Json;
  args: string;
}

export interface CohereV2ChatState {
  id?: string;
  role?: string;
  content: ContentAcc[];
  toolPlan: string;
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
  const text = content[field];
  const acc: ContentAcc = { type, field, joined: typeof text === 'string' ? text : '', extras };
  state.content[contentIndex(event, state.content.length)] = acc;
}

function contentDelta(state: CohereV2ChatState, event: Json): void {
  const content = asObject(deltaMessage(event)?.content);
  const index = contentIndex(event, Math.max(state.content.length - 1, 0));
  let acc = state.content[index];
  if (acc === undefined) {
    // A delta without its content-start (a partial recording): infer the type from the field.
    const field = typeof content?.thinking === 'string' ? 'thinking' : 'text';
    acc = state.content[index] = { type: field, field, joined: '', extras: {} };
  }
  const piece = content?.[acc.field];
  if (typeof piece === 'string') acc.joined = joinPiece(acc.joined, piece);
  if (event.logprobs !== undefined && event.logprobs !== null) state.logprobs.push(clone(event.logprobs));
}

function toolCallStart(state: CohereV2ChatState, event: Json): void {
  const message = deltaMessage(event);
  const raw = asObject(pick(message, 'toolCalls', 'tool_calls')) ?? {};
  const call = clone(raw);
  const fn = asObject(call.function) ?? {};
  const args = typeof fn.arguments === 'string' ? fn.arguments : '';
  call.function = fn;
  state.toolCalls[contentIndex(event, state.toolCalls.length)] = { call, fn, args };
}

function toolCallDelta(state: CohereV2ChatState, event: Json): void {
  const raw = asObject(pick(deltaMessage(event), 'toolCalls', 'tool_calls'));
  const piece = asObject(raw?.function)?.arguments;
  if (typeof piece !== 'string') return;
  const index = contentIndex(event, Math.max(state.toolCalls.length - 1, 0));
  const acc = (state.toolCalls[index] ??= { call: {}, fn: {}, args: '' });
  acc.args = joinPiece(acc.args, piece);
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
      if (typeof piece === 'string') state.toolPlan = joinPiece(state.toolPlan, piece);
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
    .map((acc) => {
      const fn = copyKeys(acc.fn);
      fn.arguments = acc.args;
      const call = copyKeys(acc.call);
      call.function = fn;
      return call;
    });
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  if (state.toolPlan !== '') message.toolPlan = state.toolPlan;
  const content = state.content
    .filter((acc) => acc !== undefined)
    .map((acc) => ({ type: acc.type, [acc.field]: acc.joined, ...acc.extras }));
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
    init: () => ({ content: [], toolPlan: '', toolCalls: [], citations: [], logprobs: [] }),
    add: addV2Event,
    finish: finishV2,
    isFirstToken: v2IsFirstToken,
    errorOf: v2ErrorOf,
  };
}
