/**
 * What a `CallQuery` means, defined once for both readers: the in-memory exporter runs each
 * condition's `matches`, the SQLite store runs its `sql`. Keeping the two side by side in a
 * single list is what stops the readers from drifting apart.
 *
 * Semantics: every filter narrows (AND); a list matches calls whose field is one of its
 * values, so an empty list matches nothing; `startedAfter` is inclusive and `startedBefore`
 * exclusive, so adjacent windows never count a call twice; order is start time, then id.
 */
import { rejectUnknownKeys } from '../unknown-keys.js';
import { CALL_KINDS, CALL_STATUSES } from '../types.js';
import type { Call, CallKind, CallStatus } from '../types.js';

export interface NormalizedQuery {
  readonly opNames: readonly string[] | null;
  readonly traceIds: readonly string[] | null;
  readonly parentIds: readonly string[] | null;
  readonly callIds: readonly string[] | null;
  readonly traceRootsOnly: boolean;
  readonly statuses: readonly CallStatus[] | null;
  readonly kinds: readonly CallKind[] | null;
  readonly startedAfterMs: number | null;
  readonly startedBeforeMs: number | null;
  readonly direction: 'asc' | 'desc';
  readonly limit: number | null;
  readonly offset: number;
}

const QUERY_KEYS = ['filter', 'sortBy', 'limit', 'offset'];
const FILTER_KEYS = [
  'opNames', 'traceIds', 'parentIds', 'callIds', 'traceRootsOnly',
  'status', 'kinds', 'startedAfter', 'startedBefore',
];
const SORT_KEYS = ['field', 'direction'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T|$)/;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  // JSON would print Infinity and NaN as null.
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return `Date(${value.getTime()})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function stringList(value: unknown, key: string): string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) {
    throw new TypeError(`filter.${key} must be an array of strings, got ${describe(value)}`);
  }
  for (const item of value) {
    if (typeof item !== 'string') {
      throw new TypeError(`filter.${key} must contain only strings, got ${describe(item)}`);
    }
  }
  return [...value];
}

function enumList<T extends string>(value: unknown, key: string, allowed: readonly T[]): T[] | null {
  if (value === undefined) return null;
  // A single value is the common case (`status: 'error'`), so it need not be wrapped.
  const items: unknown[] = typeof value === 'string' ? [value] : (value as unknown[]);
  if (!Array.isArray(items)) {
    throw new TypeError(`filter.${key} must be a string or an array of strings, got ${describe(value)}`);
  }
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      throw new TypeError(`unknown filter.${key} value ${describe(item)}; allowed: ${allowed.join(', ')}`);
    }
  }
  return items as T[];
}

function dateMs(value: unknown, key: string): number | null {
  if (value === undefined) return null;
  let ms = Number.NaN;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'string' && ISO_DATE.test(value) && isCalendarDate(value)) ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new TypeError(`filter.${key} must be a valid Date or ISO-8601 string, got ${describe(value)}`);
  }
  return ms;
}

/** Date.parse rolls a day past the month's end over (2024-02-30 is March 1st): such a date is a typo, not a filter. */
function isCalendarDate(iso: string): boolean {
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function nonNegativeInteger(value: unknown, key: string): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${key} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function sortDirection(value: unknown): 'asc' | 'desc' {
  if (value === undefined) return 'asc';
  if (!Array.isArray(value)) {
    throw new TypeError(`sortBy must be an array like [{ field: 'startedAt', direction: 'asc' }], got ${describe(value)}`);
  }
  let direction: 'asc' | 'desc' = 'asc';
  value.forEach((entry, index) => {
    const where = `sortBy[${index}]`;
    const sort = asRecord(entry, where);
    rejectUnknownKeys(sort, SORT_KEYS, where);
    if (sort.field !== 'startedAt') {
      throw new TypeError(`${where}.field must be "startedAt", got ${describe(sort.field)}`);
    }
    if (sort.direction !== 'asc' && sort.direction !== 'desc') {
      throw new TypeError(`${where}.direction must be "asc" or "desc", got ${describe(sort.direction)}`);
    }
    // Only one sortable field exists, so the first entry decides; later ones cannot break ties.
    if (index === 0) direction = sort.direction;
  });
  return direction;
}

function optionalBoolean(value: unknown, key: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new TypeError(`filter.${key} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** Checks a query from untyped callers and turns it into the form both readers consume. */
export function validateQuery(query: unknown): NormalizedQuery {
  const top = query === undefined || query === null ? {} : asRecord(query, 'query');
  rejectUnknownKeys(top, QUERY_KEYS, 'query');
  const filter = top.filter === undefined ? {} : asRecord(top.filter, 'query.filter');
  rejectUnknownKeys(filter, FILTER_KEYS, 'query.filter');
  return {
    opNames: stringList(filter.opNames, 'opNames'),
    traceIds: stringList(filter.traceIds, 'traceIds'),
    parentIds: stringList(filter.parentIds, 'parentIds'),
    callIds: stringList(filter.callIds, 'callIds'),
    traceRootsOnly: optionalBoolean(filter.traceRootsOnly, 'traceRootsOnly'),
    statuses: enumList(filter.status, 'status', CALL_STATUSES),
    kinds: enumList(filter.kinds, 'kinds', CALL_KINDS),
    startedAfterMs: dateMs(filter.startedAfter, 'startedAfter'),
    startedBeforeMs: dateMs(filter.startedBefore, 'startedBefore'),
    direction: sortDirection(top.sortBy),
    limit: nonNegativeInteger(top.limit, 'limit'),
    offset: nonNegativeInteger(top.offset, 'offset') ?? 0,
  };
}

/**
 * The start time both readers sort and filter on. An unparseable timestamp counts as the
 * epoch rather than failing, so one malformed record cannot break a whole write batch.
 */
export function startedAtMs(call: Pick<Call, 'startedAt'>): number {
  const ms = Date.parse(call.startedAt);
  return Number.isFinite(ms) ? ms : 0;
}

export interface Condition {
  /** A boolean SQL expression over the `calls` table with positional parameters. */
  readonly sql: string;
  readonly params: readonly (string | number)[];
  matches(call: Call): boolean;
}

function memberOf<T>(column: string, values: readonly T[], field: (call: Call) => T): Condition {
  const set = new Set(values);
  return {
    // One JSON parameter instead of `IN (?, ?, ...)` keeps the statement text stable
    // whatever the list length, so prepared statements can be cached.
    sql: `${column} IN (SELECT value FROM json_each(?))`,
    params: [JSON.stringify(values)],
    matches: (call) => set.has(field(call)),
  };
}

export function conditionsOf(q: NormalizedQuery): Condition[] {
  const conditions: Condition[] = [];
  if (q.opNames) conditions.push(memberOf('op_name', q.opNames, (c) => c.opName));
  if (q.traceIds) conditions.push(memberOf('trace_id', q.traceIds, (c) => c.traceId));
  // A root's null parent is never in the list, in SQL (NULL IN ...) as in the Set.
  if (q.parentIds) conditions.push(memberOf<string | null>('parent_id', q.parentIds, (c) => c.parentId));
  if (q.callIds) conditions.push(memberOf('id', q.callIds, (c) => c.id));
  if (q.statuses) conditions.push(memberOf<string>('status', q.statuses, (c) => c.status));
  if (q.kinds) conditions.push(memberOf<string>('kind', q.kinds, (c) => c.kind));
  if (q.traceRootsOnly) {
    conditions.push({ sql: 'parent_id IS NULL', params: [], matches: (c) => c.parentId === null });
  }
  const after = q.startedAfterMs;
  if (after !== null) {
    conditions.push({ sql: 'started_at_ms >= ?', params: [after], matches: (c) => startedAtMs(c) >= after });
  }
  const before = q.startedBeforeMs;
  if (before !== null) {
    conditions.push({ sql: 'started_at_ms < ?', params: [before], matches: (c) => startedAtMs(c) < before });
  }
  return conditions;
}

/** The ORDER BY / LIMIT tail matching `compareCalls` and the paging in `filterCalls`. */
export function orderAndPageSql(q: NormalizedQuery): { sql: string; params: number[] } {
  const dir = q.direction === 'asc' ? 'ASC' : 'DESC';
  // SQLite needs a LIMIT before an OFFSET; -1 means no limit.
  return {
    sql: `ORDER BY started_at_ms ${dir}, id ${dir} LIMIT ? OFFSET ?`,
    params: [q.limit ?? -1, q.offset],
  };
}

function compareCalls(a: Call, b: Call): number {
  const byStart = startedAtMs(a) - startedAtMs(b);
  if (byStart !== 0) return byStart;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The in-memory reader's query: callers scope `calls` to the project first. */
export function filterCalls(calls: readonly Call[], q: NormalizedQuery): Call[] {
  const conditions = conditionsOf(q);
  const matching = calls.filter((call) => conditions.every((c) => c.matches(call)));
  matching.sort(q.direction === 'asc' ? compareCalls : (a, b) => compareCalls(b, a));
  const end = q.limit === null ? undefined : q.offset + q.limit;
  return matching.slice(q.offset, end);
}

/**
 * Puts a trace's calls in tree order: each parent before its children, siblings by start
 * time. Calls whose parent is missing from the trace (not exported yet, or lost) are
 * treated as roots so they still appear.
 */
export function orderTrace(calls: readonly Call[]): Call[] {
  const byId = new Map(calls.map((call) => [call.id, call]));
  const children = new Map<string | null, Call[]>();
  for (const call of calls) {
    const parentKey = call.parentId !== null && byId.has(call.parentId) ? call.parentId : null;
    const siblings = children.get(parentKey);
    if (siblings) siblings.push(call);
    else children.set(parentKey, [call]);
  }
  for (const siblings of children.values()) siblings.sort(compareCalls);

  const ordered: Call[] = [];
  const visited = new Set<string>();
  // Iterative depth-first walk: traces can be deeper than the JS stack allows recursion.
  const pending = [...(children.get(null) ?? [])].reverse();
  while (pending.length > 0) {
    const call = pending.pop()!;
    if (visited.has(call.id)) continue;
    visited.add(call.id);
    ordered.push(call);
    const kids = children.get(call.id);
    if (kids) for (let i = kids.length - 1; i >= 0; i--) pending.push(kids[i]!);
  }
  // Only a parent cycle (corrupt data) leaves calls unreached; keep them rather than hide them.
  if (ordered.length < calls.length) {
    ordered.push(...calls.filter((call) => !visited.has(call.id)).sort(compareCalls));
  }
  return ordered;
}
