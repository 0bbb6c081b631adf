/** The viewer server's JSON API, as the page sees it. */
import type { Call, CallException, CallStatus } from '../../types.js';

/** How often a live view (the table, a running trace) reads the server again. */
export const LIVE_INTERVAL_MS = 2000;

export interface TableRow {
  traceId: string;
  id: string;
  name: string;
  opName: string;
  kind: string;
  status: CallStatus;
  startedAt: string;
  latencyMs: number | null;
  tokens: number | null;
  cost: number | null;
  inputs: string;
  output: string;
  exception: CallException | null;
  callCount: number;
}

export interface TablePage {
  project: string;
  total: number;
  rows: TableRow[];
}

export interface Operations {
  project: string;
  opNames: string[];
}

export interface ProjectList {
  defaultProject: string;
  projects: { name: string; calls: number; traces: number }[];
}

export interface TraceAnswer {
  project: string;
  traceId: string;
  calls: Call[];
  /** The store's last write when this was read: what to read changes since. */
  lastWrite: number;
}

/** A trace's calls written since write `since` (new ones and new versions of others, unordered). */
export interface TraceChanges extends TraceAnswer {
  since: number;
}

/** Reads a whole trace: by its id, one of its calls' ids, or `latest`. */
export function readTrace(id: string, project: string, signal: AbortSignal): Promise<TraceAnswer> {
  return getJson<TraceAnswer>('/api/trace', { id, project }, signal);
}

/** What changed in a trace since its last read: a live read of a trace of 20,000 calls need not bring megabytes back. */
export function readTraceChanges(traceId: string, project: string, since: number, signal: AbortSignal): Promise<TraceChanges> {
  return getJson<TraceChanges>('/api/trace', { id: traceId, project, since: String(since) }, signal);
}

export async function getJson<T>(path: string, params: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, value);
  const response = await fetch(`${path}?${query}`, { headers: { accept: 'application/json' }, signal });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${path} answered ${response.status}`);
  return body as T;
}
