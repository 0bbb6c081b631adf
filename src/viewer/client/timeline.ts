/**
 * A trace's calls as bars on one time axis, in tree order (each call under its parent),
 * colored by kind; failed calls are outlined red, running ones striped.
 * Only the rows in view, and a margin around them, are in the page, and a live read redraws
 * only those whose bar or label changed: a trace of 20,000 calls built whole took seconds to
 * build and lay out, again on every read while it ran, and the page froze meanwhile.
 */
import type { Call } from '../../types.js';
import { formatDuration, h, placeInOrder, replace } from './dom.js';
import { spansOf, type Span } from './spans.js';

/** Deeper calls are indented no further and show their depth instead, so that names stay readable. */
export const MAX_INDENT = 5;
/** Every row is this tall (style.css): a row's place follows from its index alone. */
const ROW_PX = 24;
/** Rows drawn beyond each edge of the window, so that scrolling shows no gaps. */
const MARGIN_ROWS = 30;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

export interface TimelineView {
  element: HTMLElement;
  /** The trace as read again: rows in view are redrawn where what they show changed. */
  update(calls: readonly Call[]): void;
  select(id: string): void;
  /** Scrolls the page so that call `id`'s row is in view. */
  reveal(id: string): void;
  /** Draws the rows in view; for when the view was put (back) in the page. */
  draw(): void;
}

interface Row {
  element: HTMLElement;
  label: HTMLElement;
  bar: HTMLButtonElement;
  /** What the row shows, as one string: a row whose string is unchanged is not touched. */
  shows: string;
}

/** Rows call `select` with the id of the call clicked; `signal` ends the scroll listeners with the page. */
export function createTimeline(calls: readonly Call[], selectedId: string, select: (id: string) => void, signal: AbortSignal): TimelineView {
  let spans: Span[] = [];
  let indexOf = new Map<string, number>();
  let t0 = 0;
  let width = 1;
  let selected = selectedId;
  const rows = new Map<string, Row>();
  const ticks = TICKS.map((f) => h('span', { class: 'tick', style: { left: `${f * 100}%` } }));
  const body = h('div', {
    class: 'timeline-rows',
    on: { click: (event) => {
      const id = (event.target as Element).closest('.bar')?.getAttribute('data-call-id');
      if (id) select(id);
    } },
  });
  const element = h('div', { class: 'timeline', attrs: { role: 'list' } },
    h('div', { class: 'timeline-row axis' }, h('div', { class: 'label' }), h('div', { class: 'track' }, ...ticks)),
    body);

  const percent = (ms: number) => `${((ms / width) * 100).toFixed(3)}%`;

  function newRow(): Row {
    const label = h('div', { class: 'label' });
    const bar = h('button', { class: 'bar' });
    const element = h('div', { class: 'timeline-row', attrs: { role: 'listitem' } }, label, h('div', { class: 'track' }, bar));
    return { element, label, bar, shows: '' };
  }

  function paint(row: Row, span: Span, index: number): void {
    const { call, depth, start, end, unfinished } = span;
    const duration = formatDuration(end - start);
    const title = `${call.displayName} · ${call.kind} · ${call.status} · ${unfinished ? `no end recorded, ≥ ${duration}` : duration}`;
    const classes = `bar kind-${call.kind} status-${call.status}${unfinished ? ' unfinished' : ''}${call.id === selected ? ' selected' : ''}`;
    const left = percent(start - t0);
    const barWidth = `max(${percent(end - start)}, 3px)`;
    const shows = [index, depth, call.id, call.displayName, call.opName, title, classes, left, barWidth].join('\u0000');
    if (row.shows === shows) return;
    row.shows = shows;
    row.element.style.setProperty('top', `${index * ROW_PX}px`);
    row.element.setAttribute('aria-posinset', String(index + 1));
    row.element.setAttribute('aria-setsize', String(spans.length));
    row.label.title = call.opName;
    row.label.style.setProperty('padding-left', `${0.4 + Math.min(depth, MAX_INDENT) * 1.1}em`);
    replace(row.label, depth > MAX_INDENT ? h('span', { class: 'depth' }, `${depth}↳ `) : null, call.displayName);
    row.bar.className = classes;
    row.bar.title = title;
    row.bar.setAttribute('aria-label', title);
    row.bar.setAttribute('data-call-id', call.id);
    row.bar.style.setProperty('left', left);
    row.bar.style.setProperty('width', barWidth);
  }

  function draw(): void {
    if (!element.isConnected) return;
    const top = body.getBoundingClientRect().top;
    const first = Math.max(0, Math.floor(-top / ROW_PX) - MARGIN_ROWS);
    const last = Math.min(spans.length, Math.ceil((window.innerHeight - top) / ROW_PX) + MARGIN_ROWS);
    const shown = new Set<string>();
    const elements: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const span = spans[i]!;
      shown.add(span.call.id);
      let row = rows.get(span.call.id);
      if (!row) rows.set(span.call.id, (row = newRow()));
      paint(row, span, i);
      elements.push(row.element);
    }
    for (const id of rows.keys()) if (!shown.has(id)) rows.delete(id);
    // In the page in index order, so that Tab moves from bar to bar as they are drawn.
    placeInOrder(body, elements);
  }

  let drawPending = false;
  const drawSoon = () => {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      draw();
    });
  };
  window.addEventListener('scroll', drawSoon, { passive: true, signal });
  window.addEventListener('resize', drawSoon, { signal });

  function update(next: readonly Call[]): void {
    const laid = spansOf(next);
    spans = laid.spans;
    indexOf = new Map(spans.map((span, i) => [span.call.id, i]));
    t0 = laid.t0;
    width = Math.max(laid.t1 - laid.t0, 1);
    body.style.setProperty('height', `${spans.length * ROW_PX}px`);
    for (const [i, tick] of ticks.entries()) tick.textContent = formatDuration(TICKS[i]! * width);
    draw();
  }

  update(calls);
  return {
    element,
    update,
    draw,
    select(id) {
      selected = id;
      draw();
    },
    reveal(id) {
      const index = indexOf.get(id);
      if (index === undefined || !element.isConnected) return;
      const rowTop = body.getBoundingClientRect().top + index * ROW_PX;
      if (rowTop < 0 || rowTop + ROW_PX > window.innerHeight) window.scrollBy(0, rowTop - window.innerHeight / 3);
      draw();
    },
  };
}
