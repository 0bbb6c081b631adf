import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryExporter } from '../../src/export/memory.js';
import { LocalStore } from '../../src/store/local-store.js';
import type { Call, CallKind, CallReader, CallStatus } from '../../src/types.js';

function makeCall(fields: Partial<Call> & Pick<Call, 'id' | 'traceId' | 'startedAt'>): Call {
  return {
    parentId: null,
    project: 'proj',
    opName: 'op',
    displayName: fields.opName ?? 'op',
    kind: 'function' as CallKind,
    endedAt: fields.startedAt,
    status: 'success' as CallStatus,
    inputs: {},
    output: null,
    exception: null,
    attributes: {},
    summary: {},
    ...fields,
  };
}

const at = (seconds: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds)).toISOString();

// Two traces in `proj`, plus a call in another project that shares trace t1's id, so every
// case also checks that reads never leak across projects.
const CALLS: Call[] = [
  makeCall({ id: 'e', traceId: 't2', parentId: 'd', opName: 'embed', kind: 'embedding', status: 'cancelled', startedAt: at(3) }),
  makeCall({ id: 'c', traceId: 't1', parentId: 'a', opName: 'tool.search', kind: 'tool', startedAt: at(1) }),
  makeCall({ id: 'b', traceId: 't1', parentId: 'a', opName: 'openai.chat', kind: 'llm', status: 'error', startedAt: at(1) }),
  makeCall({ id: 'a', traceId: 't1', opName: 'agent.run', kind: 'agent', startedAt: at(0) }),
  makeCall({ id: 'd', traceId: 't2', opName: 'openai.chat', kind: 'llm', status: 'running', endedAt: null, startedAt: at(2) }),
  makeCall({ id: 'x', traceId: 't1', project: 'other', opName: 'agent.run', kind: 'agent', startedAt: at(0) }),
];

const FILTER_CASES: Array<[string, unknown, string[]]> = [
  ['no query', undefined, ['a', 'b', 'c', 'd', 'e']],
  ['empty query', {}, ['a', 'b', 'c', 'd', 'e']],
  ['opNames', { filter: { opNames: ['openai.chat'] } }, ['b', 'd']],
  ['traceIds', { filter: { traceIds: ['t2'] } }, ['d', 'e']],
  ['parentIds', { filter: { parentIds: ['a'] } }, ['b', 'c']],
  ['callIds', { filter: { callIds: ['e', 'c', 'missing'] } }, ['c', 'e']],
  ['empty list matches nothing', { filter: { callIds: [] } }, []],
  ['traceRootsOnly', { filter: { traceRootsOnly: true } }, ['a', 'd']],
  ['traceRootsOnly false', { filter: { traceRootsOnly: false } }, ['a', 'b', 'c', 'd', 'e']],
  ['status as string', { filter: { status: 'error' } }, ['b']],
  ['status as array', { filter: { status: ['running', 'cancelled'] } }, ['d', 'e']],
  ['kinds as string', { filter: { kinds: 'llm' } }, ['b', 'd']],
  ['kinds as array', { filter: { kinds: ['tool', 'embedding'] } }, ['c', 'e']],
  ['startedAfter is inclusive', { filter: { startedAfter: at(1) } }, ['b', 'c', 'd', 'e']],
  ['startedBefore is exclusive', { filter: { startedBefore: new Date(at(2)) } }, ['a', 'b', 'c']],
  ['time window', { filter: { startedAfter: new Date(at(1)), startedBefore: at(3) } }, ['b', 'c', 'd']],
  ['date-only string', { filter: { startedBefore: '2024-01-02' } }, ['a', 'b', 'c', 'd', 'e']],
  ['combined filters', { filter: { traceIds: ['t1'], kinds: ['llm'] } }, ['b']],
  ['sort desc (ties by id desc)', { sortBy: [{ field: 'startedAt', direction: 'desc' }] }, ['e', 'd', 'c', 'b', 'a']],
  ['sort asc', { sortBy: [{ field: 'startedAt', direction: 'asc' }] }, ['a', 'b', 'c', 'd', 'e']],
  ['empty sortBy keeps default', { sortBy: [] }, ['a', 'b', 'c', 'd', 'e']],
  ['limit', { limit: 2 }, ['a', 'b']],
  ['limit 0', { limit: 0 }, []],
  ['offset alone', { offset: 3 }, ['d', 'e']],
  ['limit and offset', { limit: 2, offset: 1 }, ['b', 'c']],
  ['offset past the end', { offset: 10 }, []],
  ['desc with limit', { sortBy: [{ field: 'startedAt', direction: 'desc' }], limit: 2 }, ['e', 'd']],
  ['filter, sort and page', { filter: { traceIds: ['t1'] }, sortBy: [{ field: 'startedAt', direction: 'desc' }], offset: 1 }, ['b', 'a']],
];

const ERROR_CASES: Array<[string, unknown, RegExp]> = [
  ['query not an object', 'all', /query must be an object, got "all"/],
  ['unknown top-level key', { filters: {} }, /unknown key "filters" in query; allowed keys: filter, sortBy, limit, offset/],
  ['filter not an object', { filter: [] }, /query\.filter must be an object/],
  ['unknown filter key', { filter: { opName: ['x'] } },
    /unknown key "opName" in query\.filter; allowed keys: opNames, traceIds, parentIds, callIds, traceRootsOnly, status, kinds, startedAfter, startedBefore/],
  ['string where array expected', { filter: { opNames: 'openai.chat' } }, /filter\.opNames must be an array of strings, got "openai.chat"/],
  ['non-string in list', { filter: { traceIds: ['t1', 7] } }, /filter\.traceIds must contain only strings, got 7/],
  ['unknown status', { filter: { status: 'done' } }, /unknown filter\.status value "done"; allowed: running, success, error, cancelled/],
  ['unknown kind in array', { filter: { kinds: ['llm', 'bot'] } }, /unknown filter\.kinds value "bot"; allowed: llm, embedding, rerank/],
  ['status neither string nor array', { filter: { status: 3 } }, /filter\.status must be a string or an array of strings, got 3/],
  ['traceRootsOnly not boolean', { filter: { traceRootsOnly: 'yes' } }, /filter\.traceRootsOnly must be a boolean, got "yes"/],
  ['non-ISO date string', { filter: { startedAfter: 'yesterday' } }, /filter\.startedAfter must be a valid Date or ISO-8601 string, got "yesterday"/],
  ['impossible ISO date', { filter: { startedAfter: '2024-13-45' } }, /filter\.startedAfter .* got "2024-13-45"/],
  ['day past the month\'s end', { filter: { startedAfter: '2024-02-30' } }, /filter\.startedAfter must be a valid Date or ISO-8601 string, got "2024-02-30"/],
  ['invalid Date object', { filter: { startedBefore: new Date('nope') } }, /filter\.startedBefore must be a valid Date/],
  ['date as number', { filter: { startedBefore: 1700000000000 } }, /filter\.startedBefore .* got 1700000000000/],
  ['negative limit', { limit: -1 }, /limit must be a non-negative integer, got -1/],
  ['fractional limit', { limit: 1.5 }, /limit must be a non-negative integer, got 1.5/],
  ['infinite limit', { limit: Infinity }, /limit must be a non-negative integer, got Infinity/],
  ['NaN limit', { limit: Number.NaN }, /limit must be a non-negative integer, got NaN/],
  ['limit as string', { limit: '10' }, /limit must be a non-negative integer, got "10"/],
  ['negative offset', { offset: -3 }, /offset must be a non-negative integer, got -3/],
  ['sortBy not an array', { sortBy: { field: 'startedAt', direction: 'asc' } }, /sortBy must be an array/],
  ['sort on another field', { sortBy: [{ field: 'endedAt', direction: 'asc' }] }, /sortBy\[0\]\.field must be "startedAt", got "endedAt"/],
  ['bad sort direction', { sortBy: [{ field: 'startedAt', direction: 'up' }] }, /sortBy\[0\]\.direction must be "asc" or "desc", got "up"/],
  ['unknown sort key', { sortBy: [{ field: 'startedAt', direction: 'asc', nulls: 'first' }] }, /unknown key "nulls" in sortBy\[0\]/],
];

const tempDir = mkdtempSync(join(tmpdir(), 'tracewire-query-'));
const store = LocalStore.open(tempDir);
store.write(CALLS);
const memory = new MemoryExporter();
memory.export(CALLS);

afterAll(() => {
  store.close();
  rmSync(tempDir, { recursive: true, force: true });
});

const READERS: Array<[string, CallReader]> = [['MemoryExporter', memory], ['LocalStore', store]];

describe.each(READERS)('%s', (_name, reader) => {
  it.each(FILTER_CASES)('getCalls: %s', (_case, query, expectedIds) => {
    const calls = reader.getCalls(query as never, 'proj');
    expect(calls.map((c) => c.id)).toEqual(expectedIds);
  });

  it.each(ERROR_CASES)('rejects %s', (_case, query, message) => {
    expect(() => reader.getCalls(query as never, 'proj')).toThrow(TypeError);
    expect(() => reader.getCalls(query as never, 'proj')).toThrow(message);
  });

  it('scopes every read to the project', () => {
    expect(reader.getCalls(undefined, 'other').map((c) => c.id)).toEqual(['x']);
    expect(reader.getCalls(undefined, 'nobody')).toEqual([]);
    expect(reader.getCall('x', 'proj')).toBeNull();
    expect(reader.getCall('x', 'other')?.project).toBe('other');
    expect(reader.getTrace('t1', 'proj').map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(reader.getTrace('t1', 'other').map((c) => c.id)).toEqual(['x']);
  });

  it('returns the whole call', () => {
    expect(reader.getCall('d', 'proj')).toEqual(CALLS.find((c) => c.id === 'd'));
  });
});
