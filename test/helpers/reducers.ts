/** Stream-reducer tests: run a reducer over events, compare the structure of what it builds, cut text as a model streams it. */
import type { StreamReducer } from '../../src/patching/types.js';

export type Json = Record<string, any>;

/** The reducer's output after adding every event in order. */
export function reduce<S>(reducer: StreamReducer<S>, events: unknown[]): Json {
  const state = reducer.init();
  for (const event of events) reducer.add(state, event);
  return reducer.finish(state) as Json;
}

/** The structure of a value: same keys at every depth, values replaced by their type. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    const out: Json = {};
    for (const key of Object.keys(value).sort()) out[key] = shape((value as Json)[key]);
    return out;
  }
  return value === null ? 'null' : typeof value;
}

/** Splits a string into pieces of at most `size` characters, as a model streams tokens. */
export function pieces(text: string, size = 5): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
