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
}

/**
 * Reads a trace; undefined when the answer's text is `unless`, the text last read: a live
 * read that finds no change then costs no parsing (a trace of 20,000 calls is megabytes).
 */
export async function readTrace(id: string, project: string, signal: AbortSignal, unless?: string): Promise<{ text: string; trace: TraceAnswer } | undefined> {
  const response = await fetch(`/api/trace?${new URLSearchParams({ id, project })}`, { headers: { accept: 'application/json' }, signal });
  const text = await response.text();
  if (response.ok && text === unless) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = {};
  }
  if (!response.ok) throw new Error((body as { error?: string }).error ?? `/api/trace answered ${response.status}`);
  return { text, trace: body as TraceAnswer };
}

export async function getJson<T>(path: string, params: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, value);
  const response = await fetch(`${path}?${query}`, { headers: { accept: 'application/json' }, signal });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${path} answered ${response.status}`);
  return body as T;
}
