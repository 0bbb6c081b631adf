/**
 * One trace: its totals, then the timeline or the architecture view, and beside them the
 * details of the call last clicked (inputs, output, attributes, summary, exception).
 */
import { formatCost, formatLatency, totalTokensOf } from '../../cli/format.js';
import type { Call } from '../../types.js';
import { getJson, LIVE_INTERVAL_MS, type TraceAnswer } from './api.js';
import type { Nav } from './app.js';
import { architectureView } from './architecture.js';
import { detailsOf } from './details.js';
import { facts, formatTime, formatTokens, h, replace, statusBadge } from './dom.js';
import { timelineView } from './timeline.js';

type Tab = 'timeline' | 'architecture';

/**
 * Shows trace `id`. Live (unless `live` is false): while any of its calls is running, the trace
 * is read again every few seconds and drawn again when it changed, keeping the tab and the
 * selected call; the reads stop once every call has ended, or when the page shows something else.
 */
export async function showTrace(main: HTMLElement, id: string, project: string, nav: Nav, live: boolean, signal: AbortSignal): Promise<void> {
  replace(main, h('p', { class: 'table-status' }, 'Loading…'));
  let trace: TraceAnswer;
  try {
    trace = await getJson<TraceAnswer>('/api/trace', { id, project }, signal);
  } catch (error) {
    if (!signal.aborted) replace(main, backLink(nav, project), h('p', { class: 'error' }, (error as Error).message));
    return;
  }
  // The address moved on while the trace loaded: the page belongs to another view now.
  if (signal.aborted) return;
  let calls = trace.calls;
  let tab: Tab = 'timeline';
  let selected: Call = calls.find((call) => call.id === id) ?? rootOf(calls);

  const head = h('section', { class: 'trace-head' });
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

  // Built once and updated in place, so that a tab pressed from the keyboard keeps focus.
  const tabButtons = (['timeline', 'architecture'] as const).map((name) =>
    h('button', { class: 'tab', attrs: { role: 'tab' }, on: { click: () => ((tab = name), render()) } }, name === 'timeline' ? 'Timeline' : 'Architecture'));
  tabs.append(...tabButtons);

  function render(): void {
    for (const [i, button] of tabButtons.entries()) {
      const active = (i === 0) === (tab === 'timeline');
      button.classList.toggle('active', active);
      button.setAttribute('aria-selected', String(active));
    }
    replace(body, tab === 'timeline' ? timelineView(calls, selected, select) : architectureView(calls, selected, select));
    replace(details, detailsOf(selected));
  }

  replace(main, backLink(nav, project), head, tabs, h('div', { class: 'trace-layout' }, body, details));
  const following = live && isRunning(calls);
  renderHead(head, trace, following);
  render();
  if (!following) return;

  let shown = JSON.stringify(calls);
  let reading = false;
  const timer = setInterval(async () => {
    if (signal.aborted) {
      clearInterval(timer);
      return;
    }
    if (reading || document.visibilityState !== 'visible') return;
    reading = true;
    try {
      // A failed read changes nothing on screen: the next one retries.
      const next = await getJson<TraceAnswer>('/api/trace', { id, project }).catch(() => undefined);
      if (next === undefined || next.calls.length === 0 || signal.aborted) return;
      const running = isRunning(next.calls);
      if (!running) clearInterval(timer);
      const text = JSON.stringify(next.calls);
      if (text === shown && running) return;
      shown = text;
      trace = next;
      calls = next.calls;
      selected = calls.find((call) => call.id === selected.id) ?? rootOf(calls);
      const focused = document.activeElement?.closest('[data-call-id]')?.getAttribute('data-call-id');
      renderHead(head, trace, running);
      render();
      if (focused) body.querySelector<HTMLElement>(`[data-call-id="${CSS.escape(focused)}"]`)?.focus();
    } finally {
      reading = false;
    }
  }, LIVE_INTERVAL_MS);
}

function rootOf(calls: readonly Call[]): Call {
  return calls.find((call) => call.parentId === null) ?? calls[0]!;
}

function isRunning(calls: readonly Call[]): boolean {
  return calls.some((call) => call.status === 'running');
}

/** The trace's name and totals; `updating` says that the page follows the trace as it runs. */
function renderHead(head: HTMLElement, trace: TraceAnswer, updating: boolean): void {
  const root = rootOf(trace.calls);
  replace(head,
    h('h1', {}, root.displayName),
    facts([
      ['Trace', trace.traceId],
      ['Started', formatTime(root.startedAt)],
      ['Status', statusBadge(root.status)],
      ['Latency', formatLatency(root.summary.latencyMs)],
      ['Tokens', formatTokens(totalTokensOf(root.summary))],
      ['Cost', formatCost(root.summary.totalCost)],
      ['Calls', String(trace.calls.length)],
    ]),
    updating ? h('p', { class: 'live-note' }, 'Live: updated while calls run') : null);
}

/** Back in history only to the viewer's own table (its search and page as they were); from anywhere else, to the table. */
function backLink(nav: Nav, project: string): HTMLElement {
  return h('button', { class: 'back', on: { click: () => (nav.cameFromTable() ? history.back() : nav.go('/', { project })) } }, '← All traces');
}
