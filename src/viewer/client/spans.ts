/**
 * Where each call of a trace sits on the timeline: its depth in the call tree and its start
 * and end on the trace's time axis. No DOM here, so that it can be tested on its own.
 */
import type { Call } from '../../types.js';

export interface Span {
  call: Call;
  depth: number;
  start: number;
  end: number;
  /** No end was recorded (running, or left running by a process that died): `end` is the trace's latest moment. */
  unfinished: boolean;
}

export interface Spans {
  spans: Span[];
  /** The axis: the earliest start and the latest moment of any call. */
  t0: number;
  t1: number;
}

/**
 * Depth of each call below the trace's root. The server lists a trace parents first, so one
 * pass suffices, however deep the nesting; a call whose parent is missing counts as a root.
 */
export function depths(calls: readonly Call[]): Map<string, number> {
  const depth = new Map<string, number>();
  for (const call of calls) {
    const parentDepth = call.parentId === null ? undefined : depth.get(call.parentId);
    depth.set(call.id, parentDepth === undefined ? 0 : parentDepth + 1);
  }
  return depth;
}

/** When the call ended, if that was recorded (its end, else its start plus its latency). */
function recordedEnd(call: Call, start: number): number | undefined {
  const ended = call.endedAt === null ? Number.NaN : Date.parse(call.endedAt);
  if (Number.isFinite(ended)) return ended;
  const latency = call.summary?.latencyMs;
  return typeof latency === 'number' && Number.isFinite(start) ? start + latency : undefined;
}

/** The latest moment the trace's records show (a start or an end), in ms; -Infinity for none. */
export function latestMoment(calls: readonly Call[]): number {
  let latest = -Infinity;
  for (const call of calls) {
    const start = Date.parse(call.startedAt);
    const end = recordedEnd(call, start);
    if (Number.isFinite(start)) latest = Math.max(latest, start);
    if (end !== undefined && Number.isFinite(end)) latest = Math.max(latest, end);
  }
  return latest;
}

/**
 * The spans of `calls`, in their order. A call without an end reaches the latest moment the
 * trace's records show, not the viewer's clock: "now" made a trace whose process was killed a
 * day ago a day long, with its real calls specks at its start.
 */
export function spansOf(calls: readonly Call[]): Spans {
  const depth = depths(calls);
  const starts = calls.map((call) => Date.parse(call.startedAt));
  const ends = calls.map((call, i) => recordedEnd(call, starts[i]!));
  // Loops, not Math.min(...): a trace of a hundred thousand calls is too many arguments.
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let i = 0; i < calls.length; i++) {
    const start = starts[i]!;
    const end = ends[i];
    if (Number.isFinite(start)) (t0 = Math.min(t0, start)), (t1 = Math.max(t1, start));
    if (end !== undefined && Number.isFinite(end)) t1 = Math.max(t1, end);
  }
  if (!Number.isFinite(t1)) t1 = 0;
  if (!Number.isFinite(t0)) t0 = t1;
  const spans = calls.map((call, i): Span => {
    // A start that does not parse (another writer's record) is drawn at the axis' start.
    const start = Number.isFinite(starts[i]!) ? starts[i]! : t0;
    const end = ends[i];
    const unfinished = end === undefined || !Number.isFinite(end);
    return { call, depth: depth.get(call.id) ?? 0, start, end: Math.max(unfinished ? t1 : end, start), unfinished };
  });
  return { spans, t0, t1 };
}
