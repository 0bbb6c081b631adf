/**
 * Rebuild, from Mistral stream chunks, the response the same endpoint returns without
 * streaming (`ChatCompletionResponse`; `FIMCompletionResponse` and the agents completion have
 * the same shape), so `chat.stream`, `fim.stream` and `agents.stream` are recorded like
 * `complete`.
 *
 * Chunks: `stream()` resolves to an `EventStream` (a `ReadableStream`, or in SDK 1.0 to 1.7 an
 * async iterable) whose items are `CompletionEvent`s, `{ data: CompletionChunk }`. The reducer
 * takes either the event or its `data`: the engine may hand over the items as the SDK yields
 * them. `CompletionChunk` as the SDK gives it (1.x and 2.x alike, camelCase):
 *   { id, object?, created?, model, usage?, choices: [{ index, delta: { role?, content?, toolCalls?,
 *     ... }, finishReason }] }
 * where `content` is a string or an array of content chunks (`{ type: 'text', text }`,
 * `{ type: 'thinking', thinking: [{ type: 'text', text }] }`, ...), `usage` (last chunk only) is
 * `{ promptTokens, completionTokens, totalTokens, ... }` plus whatever else the API sent
 * (snake_case passthrough in 2.x, under `additionalProperties` in 1.x), and unknown top-level
 * keys (e.g. the `p` padding field) are dropped by the SDK.
 *
 * Chunks are only read: nothing is written into them and no object of theirs is kept for the
 * output except the final `usage`.
 */
import { copyKeys } from '../../src/copy-keys.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { type Json, asObject } from '../shared/json.js';
import { joinPiece } from '../shared/text.js';

/** The `CompletionChunk` of a stream item: the item itself, or its `data`. */
export function completionChunkOf(item: unknown): Json | undefined {
  const object = asObject(item);
  if (object === undefined) return undefined;
  if (Array.isArray(object.choices)) return object;
  return asObject(object.data) ?? object;
}

interface ToolCallAcc {
  call: Json;
  fn: Json;
  /** Argument pieces; an object (`arguments` may be a JSON object) replaces them. */
  args: string[];
  argsObject?: unknown;
}

interface ChoiceAcc {
  index: number;
  role?: string;
  /** String pieces while every content delta is a string. */
  text: string[];
  /** Content chunks once an array delta was seen (string pieces then become text chunks). */
  parts?: Json[];
  sawContent: boolean;
  /** In arrival order. */
  toolCalls: ToolCallAcc[];
  /** The call each index currently refers to. */
  latest: Map<number, ToolCallAcc>;
  finishReason: unknown;
  extras: Json;
}

export interface MistralStreamState {
  top: Json;
  choices: ChoiceAcc[];
  usage?: unknown;
}

function newChoice(index: number): ChoiceAcc {
  return { index, text: [], sawContent: false, toolCalls: [], latest: new Map(), finishReason: null, extras: {} };
}

function copyPart(part: Json): Json {
  const copy = copyKeys(part);
  if (Array.isArray(part.thinking)) copy.thinking = part.thinking.map((inner) => (asObject(inner) ? copyKeys(inner as Json) : inner));
  return copy;
}

/** Appends text to the last part when it is text, else opens a text part. */
function appendText(parts: Json[], text: string): void {
  const last = parts[parts.length - 1];
  if (last !== undefined && last.type === 'text' && typeof last.text === 'string') last.text = joinPiece(last.text, text);
  else parts.push({ type: 'text', text });
}

/** Thinking chunks stream as `{ type: 'thinking', thinking: [{ type: 'text', text }] }` pieces: join them. */
function appendThinking(parts: Json[], part: Json): void {
  const last = parts[parts.length - 1];
  if (last === undefined || last.type !== 'thinking' || !Array.isArray(last.thinking) || !Array.isArray(part.thinking)) {
    parts.push(copyPart(part));
    return;
  }
  const inner = last.thinking as Json[];
  for (const piece of part.thinking as unknown[]) {
    const p = asObject(piece);
    if (p === undefined) continue;
    const tail = inner[inner.length - 1];
    if (p.type === 'text' && typeof p.text === 'string' && tail?.type === 'text' && typeof tail.text === 'string') tail.text = joinPiece(tail.text, p.text);
    else inner.push(copyKeys(p));
  }
  for (const key of Object.keys(part)) {
    if (key !== 'thinking' && key !== 'type' && part[key] !== undefined && part[key] !== null) last[key] = part[key];
  }
}

function mergeContent(acc: ChoiceAcc, content: unknown): void {
  if (typeof content === 'string') {
    acc.sawContent = true;
    if (acc.parts !== undefined) {
      if (content !== '') appendText(acc.parts, content);
    } else acc.text.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  acc.sawContent = true;
  if (acc.parts === undefined) {
    acc.parts = [];
    const before = acc.text.join('');
    if (before !== '') acc.parts.push({ type: 'text', text: before });
  }
  for (const item of content) {
    const part = asObject(item);
    if (part === undefined) continue;
    if (part.type === 'text' && typeof part.text === 'string') appendText(acc.parts, part.text);
    else if (part.type === 'thinking') appendThinking(acc.parts, part);
    else acc.parts.push(copyPart(part));
  }
}

/** The SDK fills a missing tool-call id with the string "null" (and a missing index with 0). */
function realId(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value !== 'null' ? value : undefined;
}

function mergeToolCalls(acc: ChoiceAcc, calls: unknown[]): void {
  for (const item of calls) {
    const incoming = asObject(item);
    if (incoming === undefined) continue;
    const fnIn = asObject(incoming.function) ?? {};
    const index = typeof incoming.index === 'number' ? incoming.index : 0;
    const id = realId(incoming.id);
    let target = acc.latest.get(index);
    // Mistral usually sends each call whole; a call under another id at a used index is a new call.
    if (target === undefined || (id !== undefined && realId(target.call.id) !== undefined && realId(target.call.id) !== id)) {
      target = { call: {}, fn: {}, args: [] };
      acc.toolCalls.push(target);
      acc.latest.set(index, target);
    }
    for (const key of Object.keys(incoming)) {
      if (key === 'function' || incoming[key] === undefined || incoming[key] === null) continue;
      if (key === 'id' && id === undefined && target.call.id !== undefined) continue;
      target.call[key] = incoming[key];
    }
    for (const key of Object.keys(fnIn)) {
      if (key === 'arguments') continue;
      if (fnIn[key] !== undefined && fnIn[key] !== null && fnIn[key] !== '') target.fn[key] = fnIn[key];
    }
    const args = fnIn.arguments;
    if (typeof args === 'string') target.args.push(args);
    else if (args !== undefined && args !== null) target.argsObject = copyKeys(args as Json);
  }
}

/**
 * Each key of a delta or a chunk is read inside the for-in over it and matched by a switch (as
 * in openai/chunk-fold.ts): no key array per chunk and no lookup of a known name in a set.
 */
function mergeChoice(acc: ChoiceAcc, choice: Json): void {
  const delta = asObject(choice.delta);
  if (delta !== undefined) {
    let calls: unknown;
    for (const key in delta) {
      const value = delta[key];
      switch (key) {
        case 'role':
          if (typeof value === 'string') acc.role = value;
          break;
        case 'content':
          if (value !== undefined && value !== null) mergeContent(acc, value);
          break;
        case 'toolCalls':
          calls = value ?? calls;
          break;
        case 'tool_calls':
          calls ??= value;
          break;
        default:
          if (value !== undefined && value !== null) acc.extras[key] = value;
      }
    }
    if (Array.isArray(calls)) mergeToolCalls(acc, calls);
  }
  const reason = choice.finishReason ?? choice.finish_reason;
  if (reason !== undefined && reason !== null) acc.finishReason = reason;
}

function addChunk(state: MistralStreamState, item: unknown): void {
  const chunk = completionChunkOf(item);
  if (chunk === undefined) return;
  const top = state.top;
  for (const key in chunk) {
    const value = chunk[key];
    switch (key) {
      case 'choices':
      case 'object':
        break;
      case 'usage':
        if (value !== undefined && value !== null) state.usage = value;
        break;
      default:
        if (value !== undefined && value !== null && value !== '') top[key] = value;
        else if (!(key in top)) top[key] = value;
    }
  }
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return;
  for (const item of choices) {
    const choice = asObject(item);
    if (choice === undefined) continue;
    const index = typeof choice.index === 'number' ? choice.index : 0;
    mergeChoice((state.choices[index] ??= newChoice(index)), choice);
  }
}

function finishToolCall(acc: ToolCallAcc): Json {
  const fn = copyKeys(acc.fn);
  fn.arguments = acc.argsObject ?? acc.args.join('');
  const call = copyKeys(acc.call);
  call.function = fn;
  return call;
}

function finishChoice(acc: ChoiceAcc): Json {
  let content: unknown = null;
  if (acc.parts !== undefined) content = acc.parts;
  else if (acc.sawContent) content = acc.text.join('');
  const toolCalls = acc.toolCalls.map(finishToolCall);
  const message: Json = { role: acc.role ?? 'assistant', content, toolCalls: toolCalls.length > 0 ? toolCalls : null, ...acc.extras };
  return { index: acc.index, message, finishReason: acc.finishReason };
}

function finish(state: MistralStreamState): Json {
  const out = copyKeys(state.top);
  out.object = 'chat.completion';
  if (state.usage !== undefined) out.usage = state.usage;
  out.choices = state.choices.filter((choice) => choice !== undefined).map(finishChoice);
  return out;
}

function deltaHasContent(delta: Json | undefined): boolean {
  if (delta === undefined) return false;
  const content = delta.content;
  if (typeof content === 'string' && content !== '') return true;
  if (Array.isArray(content) && content.length > 0) return true;
  const calls = delta.toolCalls ?? delta.tool_calls;
  return Array.isArray(calls) && calls.length > 0;
}

function isFirstToken(item: unknown): boolean {
  const choices = completionChunkOf(item)?.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (deltaHasContent(asObject(asObject(choice)?.delta))) return true;
  }
  return false;
}

/** `chat.stream`, `fim.stream`, `agents.stream` (SDK 1.x and 2.x). */
export function mistralStreamReducer(): StreamReducer<MistralStreamState> {
  return {
    init: () => ({ top: {}, choices: [] }),
    add: addChunk,
    finish,
    isFirstToken,
  };
}
