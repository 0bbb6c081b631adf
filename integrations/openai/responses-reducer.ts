/**
 * Responses API streams are typed events. The terminal event (`response.completed`,
 * `response.incomplete`, `response.failed`) carries the whole response, so it is the output
 * whenever it arrived; the incremental events are folded only so that a stream cut short (or
 * a failed response that lists no output) still leaves the output items produced so far.
 */
import { copyKeys } from '../../src/copy-keys.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { type Json, asObject, nonEmptyString } from '../shared/json.js';
import { joinPiece } from '../shared/text.js';

interface ResponsesState {
  /** Latest `response` from created / in_progress / queued: id, model, settings. */
  snapshot?: Json;
  final?: Json;
  /** Our own copies of output items, by `output_index`: events never mutate the app's objects. */
  items: Json[];
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const SNAPSHOT = new Set(['response.created', 'response.in_progress', 'response.queued']);

/** openai 7 can deliver `{ event, data }` envelopes instead of the bare event. */
function eventOf(chunk: unknown): Json | undefined {
  const c = asObject(chunk);
  if (c === undefined || typeof c.type === 'string') return c;
  const data = asObject(c.data);
  return typeof c.event === 'string' && data !== undefined ? data : c;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function copyItem(item: unknown): Json {
  const source = asObject(item) ?? {};
  const copy = copyKeys(source);
  if (Array.isArray(source.content)) copy.content = source.content.map((part) => copyKeys(asObject(part) ?? {}));
  if (Array.isArray(source.summary)) copy.summary = source.summary.map((part) => copyKeys(asObject(part) ?? {}));
  return copy;
}

function itemAt(state: ResponsesState, event: Json, type: string): Json | undefined {
  const index = num(event.output_index);
  if (index === undefined) return undefined;
  return (state.items[index] ??= { type, id: event.item_id });
}

/** The part at `content_index` (or `summary_index`) of an item, created if events skipped `added`. */
function partAt(item: Json, listKey: 'content' | 'summary', index: number | undefined, type: string): Json | undefined {
  if (index === undefined) return undefined;
  const list = Array.isArray(item[listKey]) ? (item[listKey] as Json[]) : (item[listKey] = []) as Json[];
  return (list[index] ??= { type });
}

function appendText(target: Json | undefined, key: string, delta: unknown): void {
  if (target === undefined || typeof delta !== 'string') return;
  const previous = target[key];
  target[key] = typeof previous === 'string' ? joinPiece(previous, delta) : delta;
}

function setText(target: Json | undefined, key: string, text: unknown): void {
  if (target !== undefined && typeof text === 'string') target[key] = text;
}

/** Text-like deltas: [event suffix, item type, list holding the part, part type, field]. */
const PART_DELTAS: ReadonlyArray<readonly [string, string, 'content' | 'summary', string, string]> = [
  ['output_text', 'message', 'content', 'output_text', 'text'],
  ['refusal', 'message', 'content', 'refusal', 'refusal'],
  ['reasoning_summary_text', 'reasoning', 'summary', 'summary_text', 'text'],
  ['reasoning_text', 'reasoning', 'content', 'reasoning_text', 'text'],
];

/** Argument-like deltas on the item itself: [event prefix, item type, field]. */
const ITEM_DELTAS: ReadonlyArray<readonly [string, string, string]> = [
  ['response.function_call_arguments', 'function_call', 'arguments'],
  ['response.custom_tool_call_input', 'custom_tool_call', 'input'],
  ['response.mcp_call_arguments', 'mcp_call', 'arguments'],
  ['response.code_interpreter_call_code', 'code_interpreter_call', 'code'],
];

function foldPartEvent(state: ResponsesState, type: string, event: Json): boolean {
  for (const [name, itemType, listKey, partType, field] of PART_DELTAS) {
    const isDelta = type === `response.${name}.delta`;
    if (!isDelta && type !== `response.${name}.done`) continue;
    const item = itemAt(state, event, itemType);
    const index = num(listKey === 'summary' ? event.summary_index : event.content_index);
    const part = item && partAt(item, listKey, index, partType);
    if (isDelta) appendText(part, field, event.delta);
    else setText(part, field, event[field]);
    return true;
  }
  return false;
}

function foldItemEvent(state: ResponsesState, type: string, event: Json): boolean {
  for (const [prefix, itemType, field] of ITEM_DELTAS) {
    if (type === `${prefix}.delta`) appendText(itemAt(state, event, itemType), field, event.delta);
    else if (type === `${prefix}.done`) setText(itemAt(state, event, itemType), field, event[field]);
    else continue;
    return true;
  }
  return false;
}

function foldStructureEvent(state: ResponsesState, type: string, event: Json): void {
  const index = num(event.output_index);
  if (type === 'response.output_item.added' || type === 'response.output_item.done') {
    if (index !== undefined) state.items[index] = copyItem(event.item);
  } else if (type === 'response.content_part.added' || type === 'response.content_part.done') {
    const item = itemAt(state, event, 'message');
    const part = asObject(event.part);
    const at = num(event.content_index);
    if (item && part && at !== undefined) {
      const content = Array.isArray(item.content) ? (item.content as Json[]) : (item.content = []) as Json[];
      content[at] = copyKeys(part);
    }
  } else if (type === 'response.reasoning_summary_part.added' || type === 'response.reasoning_summary_part.done') {
    const item = itemAt(state, event, 'reasoning');
    const part = asObject(event.part);
    const at = num(event.summary_index);
    if (item && part && at !== undefined) {
      const summary = Array.isArray(item.summary) ? (item.summary as Json[]) : (item.summary = []) as Json[];
      summary[at] = copyKeys(part);
    }
  }
}

function addResponsesEvent(state: ResponsesState, chunk: unknown): void {
  const event = eventOf(chunk);
  const type = event?.type;
  if (event === undefined || typeof type !== 'string') return;
  if (TERMINAL.has(type)) {
    state.final = asObject(event.response) ?? state.final;
  } else if (SNAPSHOT.has(type)) {
    state.snapshot = asObject(event.response) ?? state.snapshot;
  } else if (!foldPartEvent(state, type, event) && !foldItemEvent(state, type, event)) {
    foldStructureEvent(state, type, event);
  }
}

/** The SDK adds `output_text` to non-streamed responses; the rebuilt one gets it too. */
function outputText(output: unknown): string {
  let text = '';
  if (!Array.isArray(output)) return text;
  for (const item of output) {
    const content = asObject(item)?.type === 'message' ? asObject(item)?.content : undefined;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      const p = asObject(part);
      if (p?.type === 'output_text' && typeof p.text === 'string') text += p.text;
    }
  }
  return text;
}

function finishResponses(state: ResponsesState): Json {
  const base = copyKeys(state.final ?? state.snapshot ?? {});
  // A failed response may list no output although items were streamed: they are what was produced.
  if (!Array.isArray(base.output) || (base.output.length === 0 && state.items.length > 0)) {
    base.output = state.items.filter((item) => item !== undefined);
  }
  if (typeof base.output_text !== 'string') base.output_text = outputText(base.output);
  return base;
}

function isFirstResponsesToken(chunk: unknown): boolean {
  const event = eventOf(chunk);
  const type = event?.type;
  return typeof type === 'string' && type.endsWith('.delta') && typeof event?.delta === 'string' && event.delta !== '';
}

/** `{ type, message }` of an error object: `code` names it, as in the `error` event. */
function described(error: Json | undefined, fallback: string): { type: string; message: string } {
  return { type: nonEmptyString(error?.code) ?? 'error', message: typeof error?.message === 'string' ? error.message : fallback };
}

/**
 * In-band failures the SDK yields instead of throwing: an `error` event, and `response.failed`,
 * whose response (kept as the output, with its usage) carries the error.
 */
function responsesErrorOf(chunk: unknown): { type: string; message: string } | undefined {
  const event = eventOf(chunk);
  const type = event?.type;
  if (type === 'error') return described(event, 'stream error');
  if (type === 'response.failed') return described(asObject(asObject(event!.response)?.error), 'response failed');
  return undefined;
}

export function responsesReducer(): StreamReducer<ResponsesState> {
  return {
    init: () => ({ items: [] }),
    add: addResponsesEvent,
    finish: finishResponses,
    isFirstToken: isFirstResponsesToken,
    errorOf: responsesErrorOf,
  };
}
