/**
 * A trace's calls as bars on one time axis, in tree order (each call under its parent),
 * colored by kind; failed calls are outlined red. A running call's bar reaches "now".
 */
import { formatLatency } from '../../cli/format.js';
import type { Call } from '../../types.js';
import { h } from './dom.js';

interface Span {
  call: Call;
  depth: number;
  start: number;
  end: number;
}

/** Depth of each call below the trace's root, from the parent links (a missing parent counts as a root). */
export function depths(calls: readonly Call[]): Map<string, number> {
  const byId = new Map(calls.map((call) => [call.id, call]));
  const depth = new Map<string, number>();
  const of = (call: Call): number => {
    const known = depth.get(call.id);
    if (known !== undefined) return known;
    depth.set(call.id, 0); // a guard against parent cycles in damaged data
    const parent = call.parentId === null ? undefined : byId.get(call.parentId);
    const value = parent ? of(parent) + 1 : 0;
    depth.set(call.id, value);
    return value;
  };
  for (const call of calls) of(call);
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
  const t0 = Math.min(...spans.map((s) => s.start));
  const t1 = Math.max(...spans.map((s) => s.end));
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
        h('div', { class: 'label', style: { 'padding-left': `${0.4 + depth * 1.1}em` }, title: call.opName }, call.displayName),
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
