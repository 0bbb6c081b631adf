/**
 * One trace: its totals, then the timeline or the architecture view, and beside them the
 * details of the call last clicked (inputs, output, attributes, summary, exception).
 * Each tab's view is built once and kept; a live read updates what changed, and leaves the
 * details (where the reader may have scrolled or selected text) alone unless their call changed.
 */
import { formatCost, totalTokensOf } from '../../cli/format.js';
import type { Call } from '../../types.js';
import { orderTrace } from '../../store/query.js';
import { LIVE_INTERVAL_MS, readTrace, readTraceChanges, type TraceAnswer } from './api.js';
import type { Nav } from './app.js';
import { createArchitecture, type ArchitectureView } from './architecture.js';
import { detailsOf } from './details.js';
import { facts, formatDuration, formatTime, formatTokens, h, replace, statusBadge } from './dom.js';
import { followDelay } from './live.js';
import { latestMoment } from './spans.js';
import { createTimeline } from './timeline.js';

type Tab = 'timeline' | 'architecture';

/**
 * Shows trace `id` (a trace id, or one of its calls' ids: that call is selected). Live (unless
 * `live` is false): while any of its calls is running the trace is read again, less often the
 * longer it shows no change (live.ts), keeping the tab and the selected call. Everything stops
 * when `signal` aborts: the address moved on.
 */
export async function showTrace(main: HTMLElement, id: string, project: string, nav: Nav, live: boolean, signal: AbortSignal): Promise<void> {
  replace(main, h('p', { class: 'table-status' }, 'Loading…'));
  let trace: TraceAnswer;
  try {
    trace = await readTrace(id, project, signal);
  } catch (error) {
    if (!signal.aborted) replace(main, backLink(nav, project), h('p', { class: 'error' }, (error as Error).message));
    return;
  }
  // The address moved on while the trace loaded: the page belongs to another view now.
  if (signal.aborted) return;

  let byId = new Map(trace.calls.map((call) => [call.id, call]));
  let selected: Call = byId.get(id) ?? rootOf(trace.calls);
  let tab: Tab = 'timeline';

  const summary = h('div');
  const liveNote = h('p', { class: 'live-note', attrs: { role: 'status' } });
  const head = h('section', { class: 'trace-head' }, summary);
  const details = h('aside', { class: 'details', attrs: { 'aria-label': 'Call details' } });
  const body = h('div', { class: 'trace-body' });

  /** A click moves the highlight and replaces the details; nothing else is drawn again. */
  const choose = (callId: string) => {
    const call = byId.get(callId);
    if (!call) return;
    selected = call;
    timeline.select(call.id);
    architecture?.select(call.id);
    showDetails();
  };
  const timeline = createTimeline(trace.calls, selected.id, choose, signal);
  /** Built when first shown; a live read while it is hidden only marks it out of date. */
  let architecture: ArchitectureView | undefined;
  let architectureStale = false;

  // Built once and updated in place, so that a tab pressed from the keyboard keeps focus.
  const tabButtons = (['timeline', 'architecture'] as const).map((name) =>
    h('button', { class: 'tab', attrs: { role: 'tab' }, on: { click: () => ((tab = name), showTab()) } }, name === 'timeline' ? 'Timeline' : 'Architecture'));
  const tabs = h('div', { class: 'tabs', attrs: { role: 'tablist' } }, ...tabButtons);

  function showTab(): void {
    for (const [i, button] of tabButtons.entries()) {
      const active = (i === 0) === (tab === 'timeline');
      button.classList.toggle('active', active);
      button.setAttribute('aria-selected', String(active));
    }
    if (tab === 'timeline') {
      replace(body, timeline.element);
      timeline.draw();
      return;
    }
    if (!architecture) architecture = createArchitecture(trace.calls, selected.id, choose);
    else if (architectureStale) architecture.update(trace.calls);
    architectureStale = false;
    replace(body, architecture.element);
  }

  let detailsShown = '';
  function showDetails(): void {
    const shows = JSON.stringify(selected);
    if (shows === detailsShown) return;
    detailsShown = shows;
    replace(details, detailsOf(selected));
  }

  let summaryShown = '';
  function showSummary(): void {
    const root = rootOf(trace.calls);
    const shows = JSON.stringify([trace.traceId, trace.calls.length, root]);
    if (shows === summaryShown) return;
    summaryShown = shows;
    replace(summary, summaryOf(trace, root));
  }

  /** The trace as read again: each part is updated where what it shows changed. */
  function apply(next: TraceAnswer): void {
    trace = next;
    byId = new Map(trace.calls.map((call) => [call.id, call]));
    const before = selected.id;
    selected = byId.get(selected.id) ?? rootOf(trace.calls);
    timeline.update(trace.calls);
    if (architecture && tab === 'architecture') architecture.update(trace.calls);
    else if (architecture) architectureStale = true;
    if (selected.id !== before) (timeline.select(selected.id), architecture?.select(selected.id));
    showSummary();
    showDetails();
  }

  replace(main, backLink(nav, project), head, tabs, h('div', { class: 'trace-layout' }, body, details));
  showSummary();
  showTab();
  showDetails();
  // Opened by one of its calls' ids (a link to that call): its row is scrolled into view.
  if (selected.id === id && selected.parentId !== null) timeline.reveal(id);
  if (!live || !isRunning(trace.calls)) return;

  /** When a read last found a change, on this page's clock. */
  let changedAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener('abort', () => clearTimeout(timer));
  head.append(liveNote);

  /** Plans the next read; a trace quiet for long is read less often, then no more (the note says so). */
  function schedule(): void {
    const quiet = Date.now() - Math.max(changedAt, latestMoment(trace.calls));
    const delay = followDelay(quiet);
    showLiveNote(liveNote, quiet, delay, () => ((changedAt = Date.now()), schedule()));
    if (delay !== undefined) timer = setTimeout(() => void readAgain(), delay);
  }

  async function readAgain(): Promise<void> {
    if (signal.aborted) return;
    if (document.visibilityState === 'visible') {
      // A failed read changes nothing on screen: the next one retries from the same point.
      const changes = await readTraceChanges(trace.traceId, trace.project, trace.lastWrite, signal).catch(() => undefined);
      if (signal.aborted) return;
      if (changes !== undefined) {
        // A call written again as it was (a roll-up that added nothing) is no change to show.
        const changed = changes.calls.filter((call) => JSON.stringify(call) !== JSON.stringify(byId.get(call.id)));
        const merged = new Map(byId);
        for (const call of changed) merged.set(call.id, call);
        if (changed.length > 0) {
          changedAt = Date.now();
          apply({ ...trace, calls: orderTrace([...merged.values()]), lastWrite: changes.lastWrite });
        } else {
          trace = { ...trace, lastWrite: changes.lastWrite };
        }
      }
    }
    if (isRunning(trace.calls)) schedule();
    else liveNote.remove();
  }
  schedule();
}

function showLiveNote(note: HTMLElement, quietMs: number, delay: number | undefined, follow: () => void): void {
  if (delay === undefined) {
    replace(note,
      `No change for ${formatDuration(quietMs)} though calls are still running: the app that recorded them may have stopped. Not following it. `,
      h('button', { class: 'link', on: { click: follow } }, 'Follow again'));
  } else if (delay >= 2 * LIVE_INTERVAL_MS) {
    replace(note, `Live: no change for ${formatDuration(quietMs)}, read again every ${formatDuration(delay)}`);
  } else {
    replace(note, 'Live: updated while calls run');
  }
}

function rootOf(calls: readonly Call[]): Call {
  return calls.find((call) => call.parentId === null) ?? calls[0]!;
}

function isRunning(calls: readonly Call[]): boolean {
  return calls.some((call) => call.status === 'running');
}

/** The trace's name and totals. */
function summaryOf(trace: TraceAnswer, root: Call): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(
    h('h1', {}, root.displayName),
    facts([
      ['Trace', trace.traceId],
      ['Started', formatTime(root.startedAt)],
      ['Status', statusBadge(root.status)],
      ['Latency', formatDuration(root.summary?.latencyMs)],
      ['Tokens', formatTokens(totalTokensOf(root.summary ?? {}))],
      ['Cost', formatCost(root.summary?.totalCost)],
      ['Calls', String(trace.calls.length)],
    ]));
  return fragment;
}

/** Back in history only to the viewer's own table (its search and page as they were); from anywhere else, to the table. */
function backLink(nav: Nav, project: string): HTMLElement {
  return h('button', { class: 'back', on: { click: () => (nav.cameFromTable() ? history.back() : nav.go('/', { project })) } }, '← All traces');
}
