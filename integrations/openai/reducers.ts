/**
 * Rebuild, from stream chunks, the response the same OpenAI endpoint returns without
 * streaming, so a streamed call is recorded like a plain one. Chunks are the objects the
 * application also receives: they are read, never changed, and nothing of them is kept that
 * a later chunk would mutate.
 */
import { assignKeys } from '../../src/copy-keys.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { type Json, asObject } from '../shared/json.js';
import { joinPiece } from '../shared/text.js';
import {
  ChoiceFields, finishedChoices, foldChunk, type Folded, hasContent, isEmpty, isFirstTokenOf, joined, TopFields,
} from './chunk-fold.js';
import { responsesReducer } from './responses-reducer.js';

export { responsesReducer };

// ---------------------------------------------------------------- chat.completions

interface ToolCallAcc {
  id?: string;
  type?: string;
  function?: { name: string; arguments: string };
  custom?: { name: string; input: string };
}

class ChatChoiceAcc extends ChoiceFields {
  role: unknown = undefined;
  content: unknown = undefined;
  refusal: unknown = undefined;
  /** Other delta fields (DeepSeek's `reasoning_content`...), joined like content. */
  more: Json | undefined = undefined;
  toolCalls: ToolCallAcc[] = [];
  functionCall: { name: string; arguments: string } | undefined = undefined;
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
      if (typeof fn.arguments === 'string') target.arguments = joinPiece(target.arguments, fn.arguments);
    }
    const custom = asObject(delta.custom);
    if (custom !== undefined) {
      const target = (call.custom ??= { name: '', input: '' });
      if (typeof custom.name === 'string' && custom.name !== '') target.name = custom.name;
      if (typeof custom.input === 'string') target.input = joinPiece(target.input, custom.input);
    }
  }
}

function mergeFunctionCall(acc: ChatChoiceAcc, raw: unknown): void {
  const fn = asObject(raw);
  if (fn === undefined) return;
  const target = (acc.functionCall ??= { name: '', arguments: '' });
  if (typeof fn.name === 'string' && fn.name !== '') target.name = fn.name;
  if (typeof fn.arguments === 'string') target.arguments = joinPiece(target.arguments, fn.arguments);
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
    if (key !== 'delta') acc.add(key, value);
    else {
      const delta = asObject(value);
      if (delta !== undefined) mergeChatDelta(acc, delta);
    }
  }
}

function addChatChunk(state: ChatState, chunk: unknown): void {
  foldChunk(state, chunk, newChatChoice, mergeChatChoice);
}

function finishToolCall(call: ToolCallAcc): Json {
  const out: Json = { id: call.id, type: call.type ?? (call.custom ? 'custom' : 'function') };
  if (call.function) out.function = { name: call.function.name, arguments: call.function.arguments };
  if (call.custom) out.custom = { name: call.custom.name, input: call.custom.input };
  return out;
}

function finishChatChoice(acc: ChatChoiceAcc): Json {
  const message: Json = { role: acc.role ?? 'assistant', content: acc.content ?? null };
  if (acc.refusal !== undefined) message.refusal = acc.refusal;
  if (acc.more !== undefined) assignKeys(message, acc.more);
  const toolCalls = acc.toolCalls.filter((call) => call !== undefined).map(finishToolCall);
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (acc.functionCall) message.function_call = { name: acc.functionCall.name, arguments: acc.functionCall.arguments };
  return acc.withFields({ message });
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

class CompletionChoiceAcc extends ChoiceFields {
  text = '';
}

type CompletionState = Folded<CompletionChoiceAcc>;

const newCompletionChoice = (index: number) => new CompletionChoiceAcc(index);

function mergeCompletionChoice(acc: CompletionChoiceAcc, choice: Json): void {
  for (const key in choice) {
    const value = choice[key];
    if (key !== 'text') acc.add(key, value);
    else if (typeof value === 'string') acc.text = joinPiece(acc.text, value);
  }
}

function addCompletionChunk(state: CompletionState, chunk: unknown): void {
  foldChunk(state, chunk, newCompletionChoice, mergeCompletionChoice);
}

function finishCompletionChoice(acc: CompletionChoiceAcc): Json {
  return acc.withFields({ text: acc.text });
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
