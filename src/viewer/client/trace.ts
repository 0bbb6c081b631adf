/**
 * One trace: its totals, then the timeline or the architecture view, and beside them the
 * details of the call last clicked (inputs, output, attributes, summary, exception).
 */
import { formatCost, formatLatency, totalTokensOf } from '../../cli/format.js';
import type { Call } from '../../types.js';
import { getJson, type TraceAnswer } from './api.js';
import type { Nav } from './app.js';
import { architectureView } from './architecture.js';
import { detailsOf } from './details.js';
import { facts, formatTime, formatTokens, h, replace, statusBadge } from './dom.js';
import { timelineView } from './timeline.js';

type Tab = 'timeline' | 'architecture';

export async function showTrace(main: HTMLElement, id: string, project: string, nav: Nav): Promise<void> {
  replace(main, h('p', { class: 'table-status' }, 'Loading…'));
  let trace: TraceAnswer;
  try {
    trace = await getJson<TraceAnswer>('/api/trace', { id, project });
  } catch (error) {
    replace(main, backLink(nav, project), h('p', { class: 'error' }, (error as Error).message));
    return;
  }
  const calls = trace.calls;
  const root = calls.find((call) => call.parentId === null) ?? calls[0]!;
  let tab: Tab = 'timeline';
  let selected: Call = calls.find((call) => call.id === id) ?? root;

  const details = h('aside', { class: 'details', attrs: { 'aria-label': 'Call details' } });
  const body = h('div', { class: 'trace-body' });
  const tabs = h('div', { class: 'tabs', attrs: { role: 'tablist' } });
  /** A click moves the highlight and replaces the details; a trace of thousands of calls is not drawn again. */
  const select = (call: Call) => {
    selected = call;
    body.querySelectorAll('.selected').forEach((element) => element.classList.remove('selected'));
    body.querySelectorAll(`[data-call-id="${CSS.escape(call.id)}"]`).forEach((element) => element.classList.add('selected'));
    replace(details, detailsOf(selected));
  };

  function render(): void {
    replace(tabs, ...(['timeline', 'architecture'] as const).map((name) =>
      h('button', { class: name === tab ? 'tab active' : 'tab', attrs: { role: 'tab', 'aria-selected': String(name === tab) }, on: { click: () => ((tab = name), render()) } },
        name === 'timeline' ? 'Timeline' : 'Architecture')));
    replace(body, tab === 'timeline' ? timelineView(calls, selected, select) : architectureView(calls, selected, select));
    replace(details, detailsOf(selected));
  }

  replace(main,
    backLink(nav, project),
    h('section', { class: 'trace-head' },
      h('h1', {}, root.displayName),
      facts([
        ['Trace', trace.traceId],
        ['Started', formatTime(root.startedAt)],
        ['Status', statusBadge(root.status)],
        ['Latency', formatLatency(root.summary.latencyMs)],
        ['Tokens', formatTokens(totalTokensOf(root.summary))],
        ['Cost', formatCost(root.summary.totalCost)],
        ['Calls', String(calls.length)],
      ])),
    tabs,
    h('div', { class: 'trace-layout' }, body, details));
  render();
}

function backLink(nav: Nav, project: string): HTMLElement {
  return h('button', { class: 'back', on: { click: () => (history.length > 1 ? history.back() : nav.go('/', { project })) } }, '← All traces');
}
