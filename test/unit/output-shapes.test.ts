/**
 * Every stream a reducer rebuilds from the same kind of events must give objects of the same
 * hidden class. On Node 20, a literal that starts with a spread (`{ ...top, object }`) made a
 * new class for every output; then every reader of the record (its copy, the exporters) took
 * V8's slow paths: copying mistral's output took 12 µs a stream, 8 µs once it shared its
 * class (src/copy-keys.ts).
 * Node 22 and later share the class either way, so there this test passes whatever the code.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { messagesReducer } from '../../integrations/anthropic/reducer.js';
import { cohereV2ChatReducer } from '../../integrations/cohere/v2-reducer.js';
import { mistralStreamReducer } from '../../integrations/mistral/reducer.js';
import { chatCompletionsReducer, responsesReducer } from '../../integrations/openai/reducers.js';
import { assignKeys, copyKeys } from '../../src/copy-keys.js';
import type { StreamReducer } from '../../src/patching/types.js';
import { sseJson } from '../helpers/sse.js';
import { loadFixture } from '../helpers/wire.js';

setFlagsFromString('--allow-natives-syntax');
// Compiled after the flag is set, so the intrinsic parses; eval keeps it from the TypeScript parser.
const haveSameMap = (0, eval)('(a, b) => %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

type Json = Record<string, unknown>;

/** Paths of the objects in `a` whose counterpart in `b` has another hidden class. */
function shapeDifferences(a: unknown, b: unknown, path = '$'): string[] {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return [];
  const here = haveSameMap(a, b) ? [] : [path];
  const nested = Object.keys(a).flatMap((key) => shapeDifferences((a as Json)[key], (b as Json)[key], `${path}.${key}`));
  return [...here, ...nested];
}

/** A fresh fold of the recorded stream: every event parsed again, as from the network. */
function rebuild(reducer: () => StreamReducer, fixture: string, wrap: (event: unknown) => unknown = (e) => e): unknown {
  const text = loadFixture(fixture).exchanges[0]!.response.bodyText!;
  const r = reducer();
  const state = r.init();
  for (const event of sseJson(text)) r.add(state, wrap(event));
  return r.finish(state);
}

describe('rebuilt stream outputs share their hidden classes', () => {
  const cases: Array<[string, () => StreamReducer, string, ((event: unknown) => unknown)?]> = [
    ['openai chat', chatCompletionsReducer, 'openai/js-chat-stream.json'],
    ['openai chat with tools', chatCompletionsReducer, 'openai/py-chat-tools-stream.json'],
    ['openai chat on Azure (extra fields)', chatCompletionsReducer, 'openai/py-azure-chat-stream.json'],
    ['openai responses', responsesReducer, 'openai/py-responses-stream-2025.json'],
    ['anthropic messages', messagesReducer, 'anthropic/js-messages-stream.json'],
    ['anthropic messages with tool use', messagesReducer, 'anthropic/dd-agent-sdk-subagent-tool-use-stream.json'],
    ['cohere v2 chat', cohereV2ChatReducer, 'cohere/py-chat-v2-stream.json'],
    ['mistral chat', mistralStreamReducer, 'mistral/py-chat-stream.json', (data) => ({ data })],
  ];
  // V8's caches make a new class only once the code building an output has run a few times.
  const FOLDS = 20;
  it.each(cases)('%s', (_name, reducer, fixture, wrap) => {
    const outputs = Array.from({ length: FOLDS }, () => rebuild(reducer as () => StreamReducer, fixture, wrap));
    for (let i = 1; i < FOLDS; i++) expect(shapeDifferences(outputs[i], outputs[i - 1]), `fold ${i}`).toEqual([]);
  });
});

describe('copyKeys and assignKeys', () => {
  it('copy like a spread: own enumerable keys, in order, later sources winning', () => {
    const proto = { inherited: 1 };
    const source = Object.assign(Object.create(proto), { b: 1, a: 2 });
    Object.defineProperty(source, 'hidden', { value: 3, enumerable: false });
    expect(copyKeys(source)).toEqual({ b: 1, a: 2 });
    expect(Object.keys(copyKeys(source))).toEqual(['b', 'a']);
    const merged = assignKeys(assignKeys({}, { x: 1, y: 2 }), { y: 3, z: 4 });
    expect(merged).toEqual({ ...{ x: 1, y: 2 }, ...{ y: 3, z: 4 } });
    expect(Object.keys(merged)).toEqual(['x', 'y', 'z']);
    expect(assignKeys({ kept: true }, undefined)).toEqual({ kept: true });
    expect(assignKeys({ kept: true }, null)).toEqual({ kept: true });
  });

  it('keep a "__proto__" key a key, as a spread does, never the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Json;
    const copy = copyKeys(hostile);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...hostile }));
  });

  it('leave out the one key asked, where a spread would have been followed by delete', () => {
    const out = assignKeys({}, { id: 'm', usage: null, content: [] }, 'usage');
    expect(Object.keys(out)).toEqual(['id', 'content']);
  });
});
