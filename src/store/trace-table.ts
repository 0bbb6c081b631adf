/**
 * The viewer's trace table as SQL: one row per trace (its root call), filtered, searched,
 * sorted and paged in the store, so a project of a million calls sends the browser one page.
 */
import type { Call, CallStatus } from '../types.js';
import { fromRow, type CallRow, type LocalStore } from './local-store.js';
import { containsAnyOf, SORT_KEY } from './text-search.js';

export const TABLE_SORTS = ['startedAt', 'latency', 'tokens', 'cost', 'name', 'status'] as const;
export type TableSort = (typeof TABLE_SORTS)[number];
export const MAX_TABLE_LIMIT = 500;

export interface TraceTableQuery {
  /** Text found in any call of the trace: its name, or a value in its inputs, output or exception (not a key name). */
  search: string;
  status: CallStatus | undefined;
  /** The root call's op name. */
  opName: string | undefined;
  sort: TableSort;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Every token the provider reported, over all models (a model's totalTokens, else input + output). */
const TOKENS_SQL = `(SELECT total(coalesce(json_extract(value, '$.totalTokens'),
  coalesce(json_extract(value, '$.inputTokens'), 0) + coalesce(json_extract(value, '$.outputTokens'), 0)))
  FROM json_each(summary, '$.usage'))`;

const SORT_SQL: Record<TableSort, string> = {
  startedAt: 'started_at_ms',
  latency: "json_extract(summary, '$.latencyMs')",
  // A trace with no usage has no tokens: it sorts with the unknowns, not as zero.
  tokens: `CASE WHEN json_type(summary, '$.usage') IS NULL THEN NULL ELSE ${TOKENS_SQL} END`,
  cost: "json_extract(summary, '$.totalCost')",
  // Case- and accent-insensitive in any script (see sortKey); ties show the newest trace first.
  name: `${SORT_KEY}(display_name)`,
  status: 'status',
};

/** Where a search looks: the names as they are, and the values inside the JSON columns. */
const SEARCHED_TEXT = ['display_name', 'op_name'];
const SEARCHED_JSON = ['inputs', 'output', 'exception'];

export interface TableSql {
  rows: string;
  count: string;
  rowParams: (string | number)[];
  countParams: (string | number)[];
}

export function traceTableSql(q: TraceTableQuery, project: string): TableSql {
  const where = ['project = ?', 'parent_id IS NULL'];
  const params: (string | number)[] = [project];
  if (q.status !== undefined) (where.push('status = ?'), params.push(q.status));
  if (q.opName !== undefined) (where.push('op_name = ?'), params.push(q.opName));
  if (q.search !== '') {
    const found = containsAnyOf(SEARCHED_TEXT, SEARCHED_JSON, q.search);
    where.push(`trace_id IN (SELECT trace_id FROM calls WHERE project = ? AND (${found.sql}))`);
    params.push(project, ...found.params);
  }
  const dir = q.direction === 'asc' ? 'ASC' : 'DESC';
  const key = SORT_SQL[q.sort];
  // Unknown values (a running call's latency, unpriced cost) go last whichever way one sorts.
  // A start time is never unknown: sorted on it alone, the index gives the order, unsorted.
  // Ties under the other keys show the newest trace first.
  const order = q.sort === 'startedAt'
    ? `ORDER BY started_at_ms ${dir}, id ${dir}`
    : `ORDER BY (${key}) IS NULL, ${key} ${dir}, started_at_ms DESC, id DESC`;
  const filtered = `FROM calls WHERE ${where.join(' AND ')}`;
  // Calls per trace are counted for the page's rows only, not for every row the sort passes.
  const callCount = '(SELECT count(*) FROM calls AS member WHERE member.project = page.project AND member.trace_id = page.trace_id) AS trace_calls';
  return {
    rows: `SELECT page.*, ${callCount} FROM (SELECT * ${filtered} ${order} LIMIT ? OFFSET ?) AS page ${order}`,
    count: `SELECT count(*) AS n ${filtered}`,
    rowParams: [...params, q.limit, q.offset],
    countParams: params,
  };
}

export interface TraceRow {
  /** The trace's root call. */
  call: Call;
  callCount: number;
}

/** One page of the trace table, and how many rows all its pages hold. */
export function readTraceTable(store: LocalStore, q: TraceTableQuery, project: string): { rows: TraceRow[]; total: number } {
  const sql = traceTableSql(q, project);
  // One snapshot for both reads, so the total and the page agree while an app writes.
  return store.readConsistently(() => {
    const rows = store.select<CallRow & { trace_calls: number }>(sql.rows, sql.rowParams);
    const [{ n }] = store.select<{ n: number }>(sql.count, sql.countParams) as [{ n: number }];
    return { rows: rows.map((row) => ({ call: fromRow(row), callCount: row.trace_calls })), total: n };
  });
}

export interface ProjectSummary {
  name: string;
  calls: number;
  traces: number;
  lastStartedAtMs: number;
}

/** Every project in the file, the most recently active first. */
export function readProjects(store: LocalStore): ProjectSummary[] {
  return store.select<ProjectSummary>(`SELECT project AS name, count(*) AS calls, sum(parent_id IS NULL) AS traces,
    max(started_at_ms) AS lastStartedAtMs FROM calls GROUP BY project ORDER BY lastStartedAtMs DESC`, []);
}

/** The op names of a project's trace roots, for the table's filter. */
export function readRootOpNames(store: LocalStore, project: string): string[] {
  return store.select<{ op_name: string }>('SELECT DISTINCT op_name FROM calls WHERE project = ? AND parent_id IS NULL ORDER BY op_name', [project])
    .map((row) => row.op_name);
}

/** The trace `wanted` names (a trace id, one of its calls' ids, or "latest"), parents first; undefined for "latest" of an empty project. */
export function findTrace(store: LocalStore, wanted: string, project: string): Call[] | undefined {
  if (wanted === 'latest') {
    const [latest] = store.getCalls({ filter: { traceRootsOnly: true }, sortBy: [{ field: 'startedAt', direction: 'desc' }], limit: 1 }, project);
    return latest ? store.getTrace(latest.traceId, project) : undefined;
  }
  const calls = store.getTrace(wanted, project);
  if (calls.length > 0) return calls;
  const call = store.getCall(wanted, project);
  return call ? store.getTrace(call.traceId, project) : [];
}
