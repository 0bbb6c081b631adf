/**
 * Rebuild, from the raw server-sent events of an Anthropic stream, the `Message` the same
 * request returns without streaming, so a streamed call is recorded like a plain one. Events
 * are the objects the application also receives: they are read, never changed, and every
 * object this reducer later writes to is its own shallow copy.
 *
 * Works on `messages.create({ stream: true })` and `beta.messages.create({ stream: true })`
 * (the `messages.stream()` helpers iterate that same stream), and tolerates what the SDK's
 * own accumulator tolerates: events before `message_start`, unknown event and delta types,
 * a stream cut short (the output is then the message so far).
 */
import { assignKeys, copyKeys } from '../../src/copy-keys.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { asObject, type Json } from '../shared/json.js';
import { joinPiece } from '../shared/text.js';
import { streamErrorOf } from './errors.js';

// ---------------------------------------------------------------- messages

export interface MessageState {
  /** Top-level fields of the message (id, type, role, model, stop_reason, ...), own copy. */
  top: Json;
  /** Content blocks by their `index`, each an own shallow copy of the block. */
  content: Json[];
  /** Joined `input_json_delta` text per block index, parsed when the output is built. */
  json: Array<string | undefined>;
  /** Usage, own copy: `message_start` values overwritten by each `message_delta`. */
  usage: Json | undefined;
}

const KNOWN_DELTA_KEYS: ReadonlySet<string> = new Set(['type', 'delta', 'usage']);
/** Fields a `message_delta` sets even to null, as the SDK's accumulator does. */
const STOP_KEYS: ReadonlySet<string> = new Set(['stop_reason', 'stop_sequence', 'stop_details']);

function startMessage(state: MessageState, message: Json): void {
  for (const key in message) {
    if (key === 'content') {
      const blocks = message.content;
      if (Array.isArray(blocks)) {
        blocks.forEach((block, index) => {
          const b = asObject(block);
          if (b !== undefined) state.content[index] = copyKeys(b);
        });
      }
      state.top.content = null; // keeps the key's place in the output
    } else if (key === 'usage') {
      const usage = asObject(message.usage);
      state.usage = usage ? copyKeys(usage) : undefined;
      state.top.usage = null;
    } else {
      state.top[key] = message[key];
    }
  }
}

function startBlock(state: MessageState, event: Json): void {
  const block = asObject(event.content_block);
  if (block === undefined) return;
  const index = typeof event.index === 'number' ? event.index : state.content.length;
  state.content[index] = copyKeys(block);
  // A response served by a fallback model names that model in its final `fallback` block; the
  // non-streaming response is labelled with it, and so is this one.
  const to = asObject(block.to);
  if (block.type === 'fallback' && typeof to?.model === 'string') state.top.model = to.model;
}

function appendString(block: Json, key: string, piece: unknown): void {
  if (typeof piece !== 'string') return;
  const previous = block[key];
  block[key] = typeof previous === 'string' ? joinPiece(previous, piece) : piece;
}

function applyDelta(state: MessageState, event: Json): void {
  const delta = asObject(event.delta);
  const index = typeof event.index === 'number' ? event.index : state.content.length - 1;
  const block = state.content[index];
  if (delta === undefined || block === undefined) return;
  switch (delta.type) {
    case 'text_delta':
      appendString(block, 'text', delta.text);
      break;
    case 'thinking_delta':
      appendString(block, 'thinking', delta.thinking);
      break;
    case 'input_json_delta':
      if (typeof delta.partial_json === 'string') state.json[index] = joinPiece(state.json[index] ?? '', delta.partial_json);
      break;
    case 'signature_delta':
      if (typeof delta.signature === 'string') block.signature = delta.signature;
      break;
    case 'citations_delta': {
      const citations = block.citations;
      block.citations = Array.isArray(citations) ? [...citations, delta.citation] : [delta.citation];
      break;
    }
    case 'compaction_delta':
      // Carries the block's final value (null content is a failed compaction).
      block.content = delta.content;
      if ('encrypted_content' in delta) block.encrypted_content = delta.encrypted_content;
      break;
    default:
      break;
  }
}

/**
 * `message_delta`: `stop_reason`, `stop_sequence` and `stop_details` replace what
 * `message_start` said; `container` and top-level extras (`context_management`, ...) do when
 * they are not null. Its usage counters are cumulative whole-message totals: each one present
 * replaces the earlier one, nothing is added up.
 */
function applyMessageDelta(state: MessageState, event: Json): void {
  const delta = asObject(event.delta);
  if (delta !== undefined) {
    for (const key in delta) {
      const value = delta[key];
      if (value !== null && value !== undefined) state.top[key] = value;
      else if (STOP_KEYS.has(key)) state.top[key] = null;
    }
  }
  for (const key in event) {
    if (KNOWN_DELTA_KEYS.has(key)) continue;
    const value = event[key];
    if (value !== null && value !== undefined) state.top[key] = value;
  }
  const usage = asObject(event.usage);
  if (usage !== undefined) {
    const target = (state.usage ??= {});
    for (const key in usage) {
      const value = usage[key];
      if (value !== null && value !== undefined) target[key] = value;
    }
  }
}

function addMessageEvent(state: MessageState, chunk: unknown): void {
  const event = asObject(chunk);
  if (event === undefined) return;
  switch (event.type) {
    case 'content_block_delta':
      applyDelta(state, event);
      break;
    case 'content_block_start':
      startBlock(state, event);
      break;
    case 'message_start': {
      const message = asObject(event.message);
      if (message !== undefined) startMessage(state, message);
      break;
    }
    case 'message_delta':
      applyMessageDelta(state, event);
      break;
    default:
      // content_block_stop, message_stop, ping, error and event types this version does not know.
      break;
  }
}

/** The joined tool input: parsed JSON, or the raw text when it does not parse (a cut stream). */
function toolInput(block: Json, json: string | undefined): unknown {
  if (json === undefined || json === '') return block.input ?? {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

function finishMessage(state: MessageState): Json {
  const content: Json[] = [];
  state.content.forEach((block, index) => {
    if (block === undefined) return;
    const json = state.json[index];
    const copy = copyKeys(block);
    if (json !== undefined) copy.input = toolInput(block, json);
    content.push(copy);
  });
  // Without the usage placeholder rather than deleting it: a deleted key turns the object
  // into a dictionary, slow for every reader of the record.
  const out: Json = assignKeys({}, state.top, state.usage === undefined ? 'usage' : undefined);
  if (!('type' in out)) out.type = 'message';
  if (!('role' in out)) out.role = 'assistant';
  out.content = content;
  if (state.usage !== undefined) out.usage = copyKeys(state.usage);
  return out;
}

function hasText(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** The first event that carries generated content (for time to first token). */
export function isFirstMessageToken(chunk: unknown): boolean {
  const event = asObject(chunk);
  if (event?.type === 'content_block_delta') {
    const delta = asObject(event.delta);
    switch (delta?.type) {
      case 'text_delta':
        return hasText(delta.text);
      case 'thinking_delta':
        return hasText(delta.thinking);
      case 'input_json_delta':
        return hasText(delta.partial_json);
      case 'citations_delta':
      case 'compaction_delta':
        return true;
      default:
        return false;
    }
  }
  // A redacted thinking block arrives whole, in its start event.
  return event?.type === 'content_block_start' && asObject(event.content_block)?.type === 'redacted_thinking';
}

export function messagesReducer(): StreamReducer<MessageState> {
  return {
    init: () => ({ top: {}, content: [], json: [], usage: undefined }),
    add: addMessageEvent,
    finish: finishMessage,
    isFirstToken: isFirstMessageToken,
    errorOf: streamErrorOf,
  };
}

// ---------------------------------------------------------------- legacy completions

/**
 * Legacy Text Completions (`POST /v1/complete`, `client.completions.create` in 0.x only): each
 * `completion` event repeats the top-level fields and carries the next piece of `completion`;
 * the last one has the `stop_reason` and `stop`.
 */
export interface CompletionState {
  top: Json;
}

function addCompletionEvent(state: CompletionState, chunk: unknown): void {
  const event = asObject(chunk);
  if (event?.type !== 'completion') return;
  for (const key in event) {
    const value = event[key];
    if (key === 'completion') appendString(state.top, 'completion', value);
    else if (value !== null && value !== undefined) state.top[key] = value;
    else if (!(key in state.top)) state.top[key] = null;
  }
}

function finishCompletion(state: CompletionState): Json {
  const out = copyKeys(state.top);
  if (!('type' in out)) out.type = 'completion';
  if (typeof out.completion !== 'string') out.completion = '';
  return out;
}

export function completionsReducer(): StreamReducer<CompletionState> {
  return {
    init: () => ({ top: {} }),
    add: addCompletionEvent,
    finish: finishCompletion,
    isFirstToken: (chunk) => asObject(chunk)?.type === 'completion' && hasText(asObject(chunk)?.completion),
    errorOf: streamErrorOf,
  };
}
