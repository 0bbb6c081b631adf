/**
 * The viewer's JSON API over the local store. Every answer is data for the page to render as
 * text; nothing here produces HTML. Bad parameters are refused by name, never guessed at.
 */
import { totalTokensOf } from '../cli/format.js';
import type { LocalStore } from '../store/local-store.js';
import { findTrace, MAX_TABLE_LIMIT, readProjects, readRootOpNames, readTraceTable, TABLE_SORTS, type TableSort, type TraceTableQuery } from '../store/trace-table.js';
import { CALL_STATUSES, type CallStatus } from '../types.js';

export class BadRequest extends Error {}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

const PREVIEW_CHARS = 240;

/** A short, plain-text view of an input or output for a table cell (the full value is in the trace view). */
export function preview(value: unknown): string {
  const shown = value !== null && typeof value === 'object' ? lastMessageOrSelf(value) : value;
  let text: string;
  if (typeof shown === 'string') text = shown;
  else if (shown === undefined || shown === null) text = '';
  else text = JSON.stringify(shown) ?? '';
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

/** A chat request's last message says more in a table than its model and settings. */
function lastMessageOrSelf(value: unknown): unknown {
  const messages = (value as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) return value;
  const last = messages[messages.length - 1] as { content?: unknown };
  return typeof last?.content === 'string' ? last.content : last;
}

function oneOf<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[], fallback: T | undefined): T | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new BadRequest(`${name} must be one of ${allowed.join(', ')}; got "${raw}"`);
  return raw as T;
}

function wholeNumber(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) throw new BadRequest(`${name} must be a whole number from 0 to ${max}; got "${raw}"`);
  return value;
}

export function tableQueryOf(params: URLSearchParams): TraceTableQuery {
  return {
    search: params.get('q')?.trim() ?? '',
    status: oneOf<CallStatus>(params, 'status', CALL_STATUSES, undefined),
    opName: params.get('op') || undefined,
    sort: oneOf<TableSort>(params, 'sort', TABLE_SORTS, 'startedAt')!,
    direction: oneOf(params, 'dir', ['asc', 'desc'] as const, 'desc')!,
    limit: wholeNumber(params, 'limit', 50, MAX_TABLE_LIMIT),
    offset: wholeNumber(params, 'offset', 0, Number.MAX_SAFE_INTEGER),
  };
}

function projectOf(params: URLSearchParams, fallback: string): string {
  return params.get('project') || fallback;
}

/** Answers one GET of /api/*, or undefined when the path is no API route. */
export function answerApi(store: LocalStore, path: string, params: URLSearchParams, defaultProject: string): ApiAnswer | undefined {
  if (path === '/api/projects') {
    return { status: 200, body: { defaultProject, projects: readProjects(store) } };
  }
  if (path === '/api/traces') {
    const project = projectOf(params, defaultProject);
    const { rows, total } = readTraceTable(store, tableQueryOf(params), project);
    return {
      status: 200,
      body: {
        project,
        total,
        rows: rows.map(({ call, callCount }) => ({
          traceId: call.traceId,
          id: call.id,
          name: call.displayName,
          opName: call.opName,
          kind: call.kind,
          status: call.status,
          startedAt: call.startedAt,
          latencyMs: call.summary.latencyMs ?? null,
          tokens: totalTokensOf(call.summary),
          cost: call.summary.totalCost ?? null,
          inputs: preview(call.inputs),
          output: preview(call.output),
          exception: call.exception,
          callCount,
        })),
      },
    };
  }
  if (path === '/api/operations') {
    const project = projectOf(params, defaultProject);
    return { status: 200, body: { project, opNames: readRootOpNames(store, project) } };
  }
  if (path === '/api/trace') {
    const project = projectOf(params, defaultProject);
    const id = params.get('id');
    if (!id) throw new BadRequest('id is required: a trace id or the id of one of its calls');
    if (params.has('since')) {
      // A live view reading again: only the calls written since its last read, unordered.
      const since = wholeNumber(params, 'since', 0, Number.MAX_SAFE_INTEGER);
      const { calls, lastWrite } = store.getTraceChanges(id, project, since);
      return { status: 200, body: { project, traceId: id, calls, lastWrite, since } };
    }
    const { calls, lastWrite } = store.readConsistently(() => ({ calls: findTrace(store, id, project) ?? [], lastWrite: store.lastWrite() }));
    if (calls.length === 0) return { status: 404, body: { error: `no trace or call "${id}" in project "${project}"` } };
    return { status: 200, body: { project, traceId: calls[0]!.traceId, calls, lastWrite } };
  }
  return undefined;
}
