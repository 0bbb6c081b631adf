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
 * The merge rule of fields that repeat along a stream: the first value is kept until a
 * non-empty one replaces it, so ids and models survive Azure's placeholder chunk, the final
 * `usage` wins over the `usage: null` of earlier chunks, and provider extras that grow along
 * the stream (citations) end complete. `undefined` is "not seen yet" (JSON has no undefined).
 */
function kept(previous: unknown, value: unknown): unknown {
  return previous === undefined || !isEmpty(value) ? value : previous;
}

/** A streamed string field joins; a null that never becomes a string stays null. */
function joined(previous: unknown, value: unknown): unknown {
  if (typeof value === 'string') return typeof previous === 'string' ? previous + value : value;
  if (value !== null && value !== undefined) return value;
  return previous === undefined ? null : previous;
}

/**
 * Chunks are merged field by field, with the known fields held in fields of their own: each
 * key of a chunk is matched by a switch and read inside the for-in over that chunk, so no
 * property is looked up by a name known only at run time. Such lookups take V8's megamorphic
 * path, whose cache the SDK's own code keeps full in a real process: they cost more than all
 * the rest of a chunk's merge. Unknown keys (provider extras) still go to a plain object.
 */
class TopFields {
  id: unknown = undefined;
  created: unknown = undefined;
  model: unknown = undefined;
  serviceTier: unknown = undefined;
  systemFingerprint: unknown = undefined;
  usage: unknown = undefined;
  extras: Json | undefined = undefined;

  add(chunk: Json): void {
    for (const key in chunk) {
      const value = chunk[key];
      switch (key) {
        case 'choices':
        case 'object':
        case 'obfuscation':
          break;
        case 'id':
          this.id = kept(this.id, value);
          break;
        case 'created':
          this.created = kept(this.created, value);
          break;
        case 'model':
          this.model = kept(this.model, value);
          break;
        case 'service_tier':
          this.serviceTier = kept(this.serviceTier, value);
          break;
        case 'system_fingerprint':
          this.systemFingerprint = kept(this.systemFingerprint, value);
          break;
        case 'usage':
          this.usage = kept(this.usage, value);
          break;
        default:
          mergeExtra((this.extras ??= {}), key, value);
      }
    }
  }

  /** The response's top level in the order the non-streaming endpoint writes it; `choices` goes where it does there. */
  toJson(object: string, choices: Json[]): Json {
    const out: Json = {};
    if (this.id !== undefined) out.id = this.id;
    out.object = object;
    if (this.created !== undefined) out.created = this.created;
    if (this.model !== undefined) out.model = this.model;
    out.choices = choices;
    if (this.usage !== undefined) out.usage = this.usage;
    if (this.serviceTier !== undefined) out.service_tier = this.serviceTier;
    if (this.systemFingerprint !== undefined) out.system_fingerprint = this.systemFingerprint;
    return this.extras === undefined ? out : { ...out, ...this.extras };
  }
}

/** A field no declaration knows, under the rule of `kept`. */
function mergeExtra(target: Json, key: string, value: unknown): void {
  if (!(key in target) || !isEmpty(value)) target[key] = value;
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

interface Folded<A> {
  top: TopFields;
  choices: A[];
}

/** Top-level fields, then each choice folded into the accumulator at its `index`. */
function foldChunk<A>(state: Folded<A>, chunk: unknown, create: (index: number) => A, merge: (acc: A, choice: Json) => void): void {
  const c = asObject(chunk);
  if (c === undefined) return;
  state.top.add(c);
  const choices = c.choices;
  if (!Array.isArray(choices)) return;
  for (let i = 0; i < choices.length; i++) {
    const choice = asObject(choices[i]);
    if (choice === undefined) continue;
    const index = choiceIndex(choice);
    merge((state.choices[index] ??= create(index)), choice);
  }
}

function finishedChoices<A>(choices: A[], finish: (acc: A) => Json): Json[] {
  const out: Json[] = [];
  for (const acc of choices) if (acc !== undefined) out.push(finish(acc));
  return out;
}

// ---------------------------------------------------------------- chat.completions

interface ToolCallAcc {
  id?: string;
  type?: string;
  function?: { name: string; arguments: string };
  custom?: { name: string; input: string };
}

class ChatChoiceAcc {
  role: unknown = undefined;
  content: unknown = undefined;
  refusal: unknown = undefined;
  /** Other delta fields (DeepSeek's `reasoning_content`...), joined like content. */
  more: Json | undefined = undefined;
  toolCalls: ToolCallAcc[] = [];
  functionCall: { name: string; arguments: string } | undefined = undefined;
  finishReason: unknown = null;
  logprobs: Json | undefined = undefined;
  /** Other per-choice fields (Azure `content_filter_results`), under the rule of `kept`. */
  extras: Json | undefined = undefined;

  constructor(readonly index: number) {}
}

type ChatState = Folded<ChatChoiceAcc>;

const newChatChoice = (index: number) => new ChatChoiceAcc(index);

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
    switch (key) {
      case 'content':
        acc.content = joined(acc.content, value);
        break;
      case 'role':
        if (typeof value === 'string') acc.role = value;
        break;
      case 'refusal':
        acc.refusal = joined(acc.refusal, value);
        break;
      case 'tool_calls':
        if (Array.isArray(value)) mergeToolCalls(acc, value);
        break;
      case 'function_call':
        mergeFunctionCall(acc, value);
        break;
      default: {
        const more = (acc.more ??= {});
        more[key] = joined(more[key], value);
      }
    }
  }
}

function mergeChatChoice(acc: ChatChoiceAcc, choice: Json): void {
  for (const key in choice) {
    const value = choice[key];
    switch (key) {
      case 'delta': {
        const delta = asObject(value);
        if (delta !== undefined) mergeChatDelta(acc, delta);
        break;
      }
      case 'index':
        break;
      case 'finish_reason':
        if (value !== null && value !== undefined) acc.finishReason = value;
        break;
      case 'logprobs':
        acc.logprobs = mergeLogprobs(acc.logprobs, value);
        break;
      default:
        mergeExtra((acc.extras ??= {}), key, value);
    }
  }
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
  const message: Json = { role: acc.role ?? 'assistant', content: acc.content ?? null };
  if (acc.refusal !== undefined) message.refusal = acc.refusal;
  if (acc.more !== undefined) Object.assign(message, acc.more);
  const toolCalls = acc.toolCalls.filter((call) => call !== undefined).map(finishToolCall);
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (acc.functionCall) message.function_call = { ...acc.functionCall };
  const out: Json = { index: acc.index, message, logprobs: acc.logprobs ?? null, finish_reason: acc.finishReason };
  return acc.extras === undefined ? out : { ...out, ...acc.extras };
}

function finishChat(state: ChatState): Json {
  const out = state.top.toJson('chat.completion', finishedChoices(state.choices, finishChatChoice));
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
    init: () => ({ top: new TopFields(), choices: [] }),
    add: addChatChunk,
    finish: finishChat,
    isFirstToken: (chunk) => isFirstTokenOf(chunk, chatDeltaHasContent),
  };
}

// ---------------------------------------------------------------- legacy completions

class CompletionChoiceAcc {
  text = '';
  finishReason: unknown = null;
  logprobs: Json | undefined = undefined;
  extras: Json | undefined = undefined;

  constructor(readonly index: number) {}
}

type CompletionState = Folded<CompletionChoiceAcc>;

const newCompletionChoice = (index: number) => new CompletionChoiceAcc(index);

function mergeCompletionChoice(acc: CompletionChoiceAcc, choice: Json): void {
  for (const key in choice) {
    const value = choice[key];
    switch (key) {
      case 'text':
        if (typeof value === 'string') acc.text += value;
        break;
      case 'index':
        break;
      case 'finish_reason':
        if (value !== null && value !== undefined) acc.finishReason = value;
        break;
      case 'logprobs':
        acc.logprobs = mergeLogprobs(acc.logprobs, value);
        break;
      default:
        mergeExtra((acc.extras ??= {}), key, value);
    }
  }
}

function addCompletionChunk(state: CompletionState, chunk: unknown): void {
  foldChunk(state, chunk, newCompletionChoice, mergeCompletionChoice);
}

function finishCompletionChoice(acc: CompletionChoiceAcc): Json {
  const out: Json = { text: acc.text, index: acc.index, logprobs: acc.logprobs ?? null, finish_reason: acc.finishReason };
  return acc.extras === undefined ? out : { ...out, ...acc.extras };
}

function finishCompletion(state: CompletionState): Json {
  return state.top.toJson('text_completion', finishedChoices(state.choices, finishCompletionChoice));
}

export function completionsReducer(): StreamReducer<CompletionState> {
  return {
    init: () => ({ top: new TopFields(), choices: [] }),
    add: addCompletionChunk,
    finish: finishCompletion,
    isFirstToken: (chunk) => isFirstTokenOf(chunk, (choice) => typeof choice.text === 'string' && choice.text !== ''),
  };
}
