/**
 * A trace's calls as bars on one time axis, in tree order (each call under its parent),
 * colored by kind; failed calls are outlined red. A running call's bar reaches "now".
 */
import { formatLatency } from '../../cli/format.js';
import type { Call } from '../../types.js';
import { h } from './dom.js';

/** Deeper calls are indented no further, so that their names stay in the label column. */
const MAX_INDENT = 12;

interface Span {
  call: Call;
  depth: number;
  start: number;
  end: number;
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

function spansOf(calls: readonly Call[]): Span[] {
  const depth = depths(calls);
  const now = Date.now();
  return calls.map((call) => {
    const start = Date.parse(call.startedAt);
    const ended = call.endedAt === null ? Number.NaN : Date.parse(call.endedAt);
    const end = Number.isFinite(ended) ? ended : call.summary.latencyMs !== undefined ? start + call.summary.latencyMs : now;
    return { call, depth: depth.get(call.id) ?? 0, start, end: Math.max(end, start) };
  });
}

export function timelineView(calls: readonly Call[], selected: Call, select: (call: Call) => void): HTMLElement {
  const spans = spansOf(calls);
  // A loop, not Math.min(...spans): a trace of a hundred thousand calls is too many arguments.
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const span of spans) {
    t0 = Math.min(t0, span.start);
    t1 = Math.max(t1, span.end);
  }
  const width = Math.max(t1 - t0, 1);
  const percent = (ms: number) => `${((ms / width) * 100).toFixed(3)}%`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) =>
    h('span', { class: 'tick', style: { left: `${f * 100}%` } }, formatLatency(f * width)));
  return h('div', { class: 'timeline', attrs: { role: 'list' } },
    h('div', { class: 'timeline-row axis' }, h('div', { class: 'label' }), h('div', { class: 'track' }, ...ticks)),
    ...spans.map(({ call, depth, start, end }) => {
      const classes = ['bar', `kind-${call.kind}`, `status-${call.status}`, call.id === selected.id ? 'selected' : ''].join(' ');
      const title = `${call.displayName} · ${call.kind} · ${call.status} · ${formatLatency(end - start)}`;
      return h('div', { class: 'timeline-row', attrs: { role: 'listitem' } },
        h('div', { class: 'label', style: { 'padding-left': `${0.4 + Math.min(depth, MAX_INDENT) * 1.1}em` }, title: call.opName },
          depth > MAX_INDENT ? `${depth}↳ ` : '', call.displayName),
        h('div', { class: 'track' },
          h('button', {
            class: classes,
            title,
            style: { left: percent(start - t0), width: `max(${percent(end - start)}, 3px)` },
            attrs: { 'data-call-id': call.id, 'aria-label': title },
            on: { click: () => select(call) },
          })));
    }));
}
