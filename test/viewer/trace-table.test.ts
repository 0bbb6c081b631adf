import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/local-store.js';
import { findTrace, readProjects, readRootOpNames, readTraceTable, traceTableSql, type TraceTableQuery } from '../../src/store/trace-table.js';
import { containsAnyOf, needsUnicodeFolding } from '../../src/store/text-search.js';
import { agentTrace, failedTrace, fillerTraces, HOSTILE_OUTPUT, runningTrace, seedCalls } from './seed.js';

let dir: string;
let store: LocalStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracewire-table-'));
  store = LocalStore.open(dir);
  store.write(seedCalls());
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const query = (q: Partial<TraceTableQuery> = {}): TraceTableQuery => ({ search: '', status: undefined, opName: undefined, sort: 'startedAt', direction: 'desc', limit: 50, offset: 0, ...q });
const ids = (q: Partial<TraceTableQuery>, project = 'demo') => readTraceTable(store, query(q), project).rows.map((row) => row.call.id);

describe('the trace table', () => {
  it('lists trace roots only, newest first, each with its trace\'s number of calls', () => {
    const { rows, total } = readTraceTable(store, query(), 'demo');
    expect(total).toBe(6);
    expect(rows.map((row) => row.call.id)).toEqual(['demo-filler-0002', 'demo-filler-0001', 'demo-filler-0000', 'running-root', 'failed-llm', 'agent-root']);
    expect(rows.find((row) => row.call.id === 'agent-root')!.callCount).toBe(5);
    expect(rows.find((row) => row.call.id === 'failed-llm')!.callCount).toBe(1);
  });

  it('sorts by cost, tokens and latency with unknown values last in both directions', () => {
    // The running trace and the failed call have neither cost nor usage.
    expect(ids({ sort: 'cost', direction: 'desc' })).toEqual(['agent-root', 'demo-filler-0002', 'demo-filler-0001', 'demo-filler-0000', 'running-root', 'failed-llm']);
    expect(ids({ sort: 'cost', direction: 'asc' })).toEqual(['demo-filler-0000', 'demo-filler-0001', 'demo-filler-0002', 'agent-root', 'running-root', 'failed-llm']);
    expect(ids({ sort: 'tokens', direction: 'desc' }).slice(0, 4)).toEqual(['agent-root', 'demo-filler-0002', 'demo-filler-0001', 'demo-filler-0000']);
    expect(ids({ sort: 'tokens', direction: 'asc' }).slice(-2).sort()).toEqual(['failed-llm', 'running-root']);
    expect(ids({ sort: 'latency', direction: 'desc' })).toEqual(['agent-root', 'failed-llm', 'demo-filler-0002', 'demo-filler-0001', 'demo-filler-0000', 'running-root']);
    expect(ids({ sort: 'latency', direction: 'asc' }).at(-1)).toBe('running-root');
  });

  it('reads the newest page in index order, without sorting every trace, and counts calls for the page only', () => {
    const sql = traceTableSql(query(), 'demo');
    const plan = store.select<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql.rows}`, sql.rowParams).map((row) => row.detail).join('\n');
    expect(plan).toContain('SEARCH calls USING INDEX calls_by_started');
    expect(plan).not.toContain('TEMP B-TREE');
    // The per-trace count is a subquery of the outer select over the page, on the trace index.
    expect(plan.indexOf('SCAN page')).toBeLessThan(plan.indexOf('CORRELATED SCALAR SUBQUERY'));
    expect(plan).toContain('SEARCH member USING COVERING INDEX calls_by_trace');
  });

  it('sorts by name and status', () => {
    expect(ids({ sort: 'name', direction: 'asc' })[0]).toBe('demo-filler-0002');
    expect(ids({ sort: 'name', direction: 'desc' })[0]).toBe('agent-root');
    expect(ids({ sort: 'status', direction: 'asc' })[0]).toBe('failed-llm');
  });

  it('sorts names without regard to case or accents, in any script', () => {
    // SQLite's own NOCASE folds ASCII only: it put "Zebra" before "apple", and "Äpfel" after both.
    const names = ['apple', 'Zebra', 'banana', 'Äpfel', 'ÉCLAIR', 'eclair', 'Ωmega', 'ωmega-2', 'Straße'];
    store.write(fillerTraces(names.length, 'names').map((call, i) => ({ ...call, displayName: names[i]! })));
    const sorted = (direction: 'asc' | 'desc') => readTraceTable(store, query({ sort: 'name', direction }), 'names').rows.map((row) => row.call.displayName);
    // Equal keys ("ÉCLAIR", "eclair") keep the table's tie order: the newest trace first.
    expect(sorted('asc')).toEqual(['Äpfel', 'apple', 'banana', 'eclair', 'ÉCLAIR', 'Straße', 'Zebra', 'Ωmega', 'ωmega-2']);
    expect(sorted('desc')).toEqual(['ωmega-2', 'Ωmega', 'Zebra', 'Straße', 'eclair', 'ÉCLAIR', 'banana', 'apple', 'Äpfel']);
  });

  it('finds a trace by text in any of its calls, child calls and exceptions included', () => {
    // "refund timing" is only in a child tool call's inputs.
    expect(ids({ search: 'refund timing' })).toEqual(['agent-root']);
    expect(ids({ search: 'verifier timed out' })).toEqual(['agent-root']);
    expect(ids({ search: 'RATE LIMIT' })).toEqual(['failed-llm']);
    expect(ids({ search: 'nightly' })).toEqual(['running-root']);
    expect(ids({ search: 'no such text anywhere' })).toEqual([]);
  });

  it('searches the values inside inputs, output and exceptions, not their key names', () => {
    // Key names of every chat call's inputs and output, and of other calls' inputs.
    for (const key of ['role', 'messages', 'finish_reason', 'query', 'schedule', 'retries']) expect(ids({ search: key }), key).toEqual([]);
    expect(ids({ search: 'assistant' })).toEqual(['agent-root']);
    expect(ids({ search: 'TimeoutError' })).toEqual(['agent-root']);
    // Numbers are searched as the text they print as.
    expect(ids({ search: '7321' })).toEqual(['running-root']);
    // The same key-name rule holds on the folded path.
    expect(ids({ search: 'retrïes' })).toEqual([]);
  });

  it('searches the display name as the text it is, quotes included', () => {
    expect(ids({ search: 'NIGHTLY "EU"' })).toEqual(['running-root']);
    expect(ids({ search: '"eu" batch' })).toEqual(['running-root']);
  });

  it('searches for quotes, backslashes, % and _ as the characters they are', () => {
    expect(ids({ search: '"quoted"' })).toEqual(['agent-root']);
    expect(ids({ search: '100%_done' })).toEqual(['agent-root']);
    expect(ids({ search: '\\ok' })).toEqual(['agent-root']);
    expect(ids({ search: '<script>' })).toEqual(['agent-root']);
    // As LIKE wildcards, "%" and "_" would match any filler's text.
    expect(ids({ search: 'ticket_number' })).toEqual([]);
    expect(ids({ search: '1%0' })).toEqual([]);
    // The stored text is tested first, with the characters JSON-escaped, then LIKE-escaped.
    expect(containsAnyOf([], ['output'], 'a"b\\c%d_e').params[0]).toBe('%a\\\\"b\\\\\\\\c\\%d\\_e%');
    expect(HOSTILE_OUTPUT).toContain('100%_done');
  });

  it('searches case-insensitively beyond ASCII, and leaves caseless scripts to LIKE', () => {
    expect(ids({ search: 'übersicht' })).toEqual(['running-root']);
    expect(ids({ search: 'ZÜRICH' })).toEqual(['running-root']);
    expect(ids({ search: 'ΣΎΝΟΨΗ' })).toEqual(['running-root']);
    // The folded search matches the stored JSON form too: the quotes are escaped there.
    expect(ids({ search: 'FÜR "ZÜRICH"' })).toEqual(['running-root']);
    expect(ids({ search: 'Überraschung' })).toEqual([]);
    expect(ids({ search: 'レポート' })).toEqual(['running-root']);
    expect(needsUnicodeFolding('レポート 42')).toBe(false);
    expect(needsUnicodeFolding('RATE limit')).toBe(false);
    expect(needsUnicodeFolding('zürich')).toBe(true);
    // Only a search that needs it leaves LIKE (and its speed) for the registered function.
    expect(containsAnyOf(['display_name'], [], 'rate')).toEqual({ sql: "display_name LIKE ? ESCAPE '\\'", params: ['%rate%'] });
    expect(containsAnyOf(['display_name'], [], 'Zürich')).toEqual({ sql: 'tracewire_contains_folded(display_name, ?)', params: ['zürich'] });
    const inJson = containsAnyOf([], ['inputs'], '"Zürich"');
    expect(inJson.sql).not.toContain('LIKE');
    // The stored text holds the quotes escaped, a value inside it holds them as they are.
    expect(inJson.params).toEqual(['\\"zürich\\"', '"zürich"']);
  });

  it('filters by the root\'s status and op name, and combines filters with search', () => {
    expect(ids({ status: 'error' })).toEqual(['failed-llm']);
    expect(ids({ status: 'running' })).toEqual(['running-root']);
    expect(ids({ opName: 'classify' })).toEqual(['demo-filler-0002', 'demo-filler-0001', 'demo-filler-0000']);
    expect(ids({ opName: 'classify', search: 'ticket number 1' })).toEqual(['demo-filler-0001']);
    expect(ids({ opName: 'classify', status: 'error' })).toEqual([]);
  });

  it('pages with a total that counts every page', () => {
    store.write(fillerTraces(120, 'paged'));
    const pages = [0, 50, 100].map((offset) => readTraceTable(store, query({ offset, direction: 'asc' }), 'paged'));
    expect(pages.map((page) => page.total)).toEqual([120, 120, 120]);
    expect(pages.map((page) => page.rows.length)).toEqual([50, 50, 20]);
    const all = pages.flatMap((page) => page.rows.map((row) => row.call.id));
    expect(new Set(all).size).toBe(120);
    expect(all[0]).toBe('paged-filler-0000');
    expect(all[119]).toBe('paged-filler-0119');
  });

  it('keeps projects apart, and lists them with their traces and calls', () => {
    store.write(fillerTraces(2, 'other'));
    expect(ids({}, 'other')).toEqual(['other-filler-0001', 'other-filler-0000']);
    expect(readProjects(store).map(({ name, calls, traces }) => ({ name, calls, traces })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'demo', calls: agentTrace().length + failedTrace().length + runningTrace().length + 3, traces: 6 },
      { name: 'other', calls: 2, traces: 2 },
    ]);
    expect(readRootOpNames(store, 'demo')).toEqual(['classify', 'nightly_batch', 'openai.chat.completions.create', 'research_assistant']);
  });

  it('finds a trace from its id, any of its calls\' ids, or "latest"', () => {
    expect(findTrace(store, 'trace-agent', 'demo')!.map((c) => c.id)).toEqual(['agent-root', 'agent-search-1', 'agent-search-2', 'agent-llm', 'agent-flaky']);
    expect(findTrace(store, 'agent-llm', 'demo')!.length).toBe(5);
    expect(findTrace(store, 'latest', 'demo')!.map((c) => c.id)).toEqual(['demo-filler-0002']);
    expect(findTrace(store, 'nope', 'demo')).toEqual([]);
    expect(findTrace(store, 'latest', 'empty')).toBeUndefined();
  });
});
