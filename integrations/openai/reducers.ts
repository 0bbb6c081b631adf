/**
 * Rebuild, from stream chunks, the response the same OpenAI endpoint returns without
 * streaming, so a streamed call is recorded like a plain one. Chunks are the objects the
 * application also receives: they are read, never changed, and nothing of them is kept that
 * a later chunk would mutate.
 */
import type { StreamReducer } from '../../src/patching/types.js';
import { responsesReducer } from './responses-reducer.js';

export { responsesReducer };

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** Azure's prompt-filter chunk carries `id: ""`, `created: 0`, `model: ""`: placeholders, not values. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  // for-in instead of Object.keys: no array allocated per field per chunk on the hot path.
  for (const _ in value) return false;
  return true;
}

function hasContent(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== undefined;
}

/**
 * Top-level fields: the first value is kept until a non-empty one replaces it, so ids and
 * models survive Azure's placeholder chunk, the final `usage` wins over the `usage: null` of
 * earlier chunks, and provider extras that grow along the stream (citations) end complete.
 */
function mergeTop(top: Json, chunk: Json): void {
  for (const key in chunk) {
    if (key === 'choices' || key === 'object' || key === 'obfuscation') continue;
    const value = chunk[key];
    // Most chunks repeat the id, model and fingerprint: an equal value needs no write.
    if (top[key] === value) continue;
    if (!(key in top) || !isEmpty(value)) top[key] = value;
  }
}

/** A streamed string field joins; a null that never becomes a string stays null. */
function joinField(target: Json, key: string, value: unknown): void {
  if (typeof value === 'string') {
    const previous = target[key];
    target[key] = typeof previous === 'string' ? previous + value : value;
  } else if (value !== null && value !== undefined) {
    target[key] = value;
  } else if (!(key in target)) {
    target[key] = null;
  }
}

function choiceIndex(choice: Json): number {
  return typeof choice.index === 'number' ? choice.index : 0;
}

function isFirstTokenOf(chunk: unknown, generated: (choice: Json) => boolean): boolean {
  const choices = asObject(chunk)?.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    const c = asObject(choice);
    if (c !== undefined && generated(c)) return true;
  }
  return false;
}

/** Concatenates the token arrays of each logprobs field (`content`, `refusal`, or legacy `tokens`...). */
function mergeLogprobs(current: Json | undefined, next: unknown): Json | undefined {
  const incoming = asObject(next);
  if (incoming === undefined) return current;
  const merged: Json = current ?? {};
  for (const key in incoming) {
    const value = incoming[key];
    const previous = merged[key];
    // Our own copy is appended to in place: concat per chunk would copy the whole list each time.
    if (Array.isArray(value)) {
      if (Array.isArray(previous)) for (const item of value) previous.push(item);
      else merged[key] = value.slice();
    } else if (!(key in merged) || value !== null) merged[key] = value;
  }
  return merged;
}

/** Other per-choice fields (Azure `content_filter_results`): last non-empty value. */
function mergeChoiceExtras(extras: Json, choice: Json, isKnown: (key: string) => boolean): void {
  for (const key in choice) {
    if (isKnown(key)) continue;
    const value = choice[key];
    if (!(key in extras) || !isEmpty(value)) extras[key] = value;
  }
}

/** Top-level fields, then each choice folded into the accumulator at its `index`. */
function foldChunk<A>(
  state: { top: Json; choices: A[] },
  chunk: unknown,
  create: (index: number) => A,
  merge: (acc: A, choice: Json) => void,
): void {
  const c = asObject(chunk);
  if (c === undefined) return;
  mergeTop(state.top, c);
  if (!Array.isArray(c.choices)) return;
  for (const raw of c.choices) {
    const choice = asObject(raw);
    if (choice === undefined) continue;
    const index = choiceIndex(choice);
    merge((state.choices[index] ??= create(index)), choice);
  }
}

// ---------------------------------------------------------------- chat.completions

interface ToolCallAcc {
  id?: string;
  type?: string;
  function?: { name: string; arguments: string };
  custom?: { name: string; input: string };
}

interface ChatChoiceAcc {
  index: number;
  message: Json;
  toolCalls: ToolCallAcc[];
  functionCall?: { name: string; arguments: string };
  finishReason: unknown;
  logprobs?: Json;
  extras: Json;
}

interface ChatState {
  top: Json;
  choices: ChatChoiceAcc[];
}

/** The fields a chat choice is rebuilt from; per chunk, so compared, not looked up in a Set. */
function isChatChoiceKey(key: string): boolean {
  return key === 'delta' || key === 'index' || key === 'finish_reason' || key === 'logprobs';
}

function newChatChoice(index: number): ChatChoiceAcc {
  return { index, message: {}, toolCalls: [], finishReason: null, extras: {} };
}

function mergeToolCalls(acc: ChatChoiceAcc, deltas: unknown[]): void {
  for (const raw of deltas) {
    const delta = asObject(raw);
    if (delta === undefined) continue;
    // Some compatible servers send complete calls without `index`: each one is a new call.
    const index = typeof delta.index === 'number' ? delta.index : acc.toolCalls.length;
    const call = (acc.toolCalls[index] ??= {});
    if (typeof delta.id === 'string' && delta.id !== '') call.id = delta.id;
    if (typeof delta.type === 'string' && delta.type !== '') call.type = delta.type;
    const fn = asObject(delta.function);
    if (fn !== undefined) {
      const target = (call.function ??= { name: '', arguments: '' });
      if (typeof fn.name === 'string' && fn.name !== '') target.name = fn.name;
      if (typeof fn.arguments === 'string') target.arguments += fn.arguments;
    }
    const custom = asObject(delta.custom);
    if (custom !== undefined) {
      const target = (call.custom ??= { name: '', input: '' });
      if (typeof custom.name === 'string' && custom.name !== '') target.name = custom.name;
      if (typeof custom.input === 'string') target.input += custom.input;
    }
  }
}

function mergeFunctionCall(acc: ChatChoiceAcc, raw: unknown): void {
  const fn = asObject(raw);
  if (fn === undefined) return;
  const target = (acc.functionCall ??= { name: '', arguments: '' });
  if (typeof fn.name === 'string' && fn.name !== '') target.name = fn.name;
  if (typeof fn.arguments === 'string') target.arguments += fn.arguments;
}

function mergeChatDelta(acc: ChatChoiceAcc, delta: Json): void {
  for (const key in delta) {
    const value = delta[key];
    if (key === 'role') {
      if (typeof value === 'string') acc.message.role = value;
    } else if (key === 'tool_calls') {
      if (Array.isArray(value)) mergeToolCalls(acc, value);
    } else if (key === 'function_call') {
      mergeFunctionCall(acc, value);
    } else {
      // content, refusal, and provider extras such as DeepSeek's `reasoning_content`.
      joinField(acc.message, key, value);
    }
  }
}

function mergeChatChoice(acc: ChatChoiceAcc, choice: Json): void {
  const delta = asObject(choice.delta);
  if (delta !== undefined) mergeChatDelta(acc, delta);
  if (choice.finish_reason !== null && choice.finish_reason !== undefined) acc.finishReason = choice.finish_reason;
  acc.logprobs = mergeLogprobs(acc.logprobs, choice.logprobs);
  mergeChoiceExtras(acc.extras, choice, isChatChoiceKey);
}

function addChatChunk(state: ChatState, chunk: unknown): void {
  foldChunk(state, chunk, newChatChoice, mergeChatChoice);
}

function finishToolCall(call: ToolCallAcc): Json {
  const out: Json = { id: call.id, type: call.type ?? (call.custom ? 'custom' : 'function') };
  if (call.function) out.function = { ...call.function };
  if (call.custom) out.custom = { ...call.custom };
  return out;
}

function finishChatChoice(acc: ChatChoiceAcc): Json {
  const { role, content, ...rest } = acc.message;
  const message: Json = { role: role ?? 'assistant', content: content ?? null, ...rest };
  const toolCalls = acc.toolCalls.filter((call) => call !== undefined).map(finishToolCall);
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (acc.functionCall) message.function_call = { ...acc.functionCall };
  return { index: acc.index, message, logprobs: acc.logprobs ?? null, finish_reason: acc.finishReason, ...acc.extras };
}

function finishChat(state: ChatState): Json {
  const out: Json = { ...state.top, object: 'chat.completion' };
  out.choices = state.choices.filter((choice) => choice !== undefined).map(finishChatChoice);
  const groq = asObject(out.x_groq);
  if (isEmpty(out.usage) && asObject(groq?.usage)) out.usage = groq!.usage;
  return out;
}

function chatDeltaHasContent(choice: Json): boolean {
  const delta = asObject(choice.delta);
  if (delta === undefined) return false;
  for (const key in delta) {
    if (key !== 'role' && hasContent(delta[key])) return true;
  }
  return false;
}

export function chatCompletionsReducer(): StreamReducer<ChatState> {
  return {
    init: () => ({ top: {}, choices: [] }),
    add: addChatChunk,
    finish: finishChat,
    isFirstToken: (chunk) => isFirstTokenOf(chunk, chatDeltaHasContent),
  };
}

// ---------------------------------------------------------------- legacy completions

interface CompletionChoiceAcc {
  index: number;
  text: string;
  finishReason: unknown;
  logprobs?: Json;
  extras: Json;
}

interface CompletionState {
  top: Json;
  choices: CompletionChoiceAcc[];
}

function isCompletionChoiceKey(key: string): boolean {
  return key === 'text' || key === 'index' || key === 'finish_reason' || key === 'logprobs';
}

function newCompletionChoice(index: number): CompletionChoiceAcc {
  return { index, text: '', finishReason: null, extras: {} };
}

function mergeCompletionChoice(acc: CompletionChoiceAcc, choice: Json): void {
  if (typeof choice.text === 'string') acc.text += choice.text;
  if (choice.finish_reason !== null && choice.finish_reason !== undefined) acc.finishReason = choice.finish_reason;
  acc.logprobs = mergeLogprobs(acc.logprobs, choice.logprobs);
  mergeChoiceExtras(acc.extras, choice, isCompletionChoiceKey);
}

function addCompletionChunk(state: CompletionState, chunk: unknown): void {
  foldChunk(state, chunk, newCompletionChoice, mergeCompletionChoice);
}

function finishCompletion(state: CompletionState): Json {
  const choices = state.choices
    .filter((choice) => choice !== undefined)
    .map((acc) => ({ text: acc.text, index: acc.index, logprobs: acc.logprobs ?? null, finish_reason: acc.finishReason, ...acc.extras }));
  return { ...state.top, object: 'text_completion', choices };
}

export function completionsReducer(): StreamReducer<CompletionState> {
  return {
    init: () => ({ top: {}, choices: [] }),
    add: addCompletionChunk,
    finish: finishCompletion,
    isFirstToken: (chunk) => isFirstTokenOf(chunk, (choice) => typeof choice.text === 'string' && choice.text !== ''),
  };
}
