/**
 * Building the page from data without ever parsing data as HTML: every string becomes a text
 * node, so a recorded `<script>` or `<img onerror>` shows as the characters it is.
 */
import { formatLatency } from '../../cli/format.js';

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  title?: string;
  /** Set through the CSSOM: the page's Content Security Policy refuses style attributes. */
  style?: Record<string, string>;
  /** Attributes set as given; event handler and style attributes are refused. */
  attrs?: Record<string, string>;
  on?: { [E in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[E]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.title !== undefined) element.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (/^(on|style$)/i.test(name)) throw new Error(`refusing attribute ${name}`);
    element.setAttribute(name, value);
  }
  for (const [name, value] of Object.entries(props.style ?? {})) element.style.setProperty(name, value);
  for (const [type, listener] of Object.entries(props.on ?? {})) element.addEventListener(type, listener as EventListener);
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/**
 * Makes `children` the children of `parent`, in order, touching only what differs: elements
 * that stay are neither removed nor moved unless their order changed (a removed node loses the
 * reader's text selection and focus), new ones are inserted where they go, the rest leave.
 */
export function placeInOrder(parent: Element, children: readonly Element[]): void {
  const keep = new Set<Element>(children);
  for (const child of Array.from(parent.children)) if (!keep.has(child)) child.remove();
  let cursor = parent.firstElementChild;
  for (const child of children) {
    if (child === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(child, cursor);
  }
}

/** A value as indented JSON in a <pre>, as text. */
export function jsonBlock(value: unknown): HTMLPreElement {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    text = String(value);
  }
  return h('pre', { class: 'json' }, text);
}

/** Labelled values as a <dl>; an undefined pair is left out. */
export function facts(pairs: ([string, Node | string] | undefined)[]): HTMLDListElement {
  const list = h('dl', { class: 'facts' });
  for (const pair of pairs) if (pair) append(list, [h('dt', {}, pair[0]), h('dd', {}, pair[1])]);
  return list;
}

export function statusBadge(status: string): HTMLSpanElement {
  return h('span', { class: `badge status-${status}` }, status);
}

export function formatTokens(tokens: number | null | undefined): string {
  return tokens === null || tokens === undefined ? '-' : tokens.toLocaleString('en-US');
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A duration for people: milliseconds and seconds as the CLI writes them, then minutes, then hours ("93600.98s" is hard to read). */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 60_000) return formatLatency(ms);
  const seconds = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${pad(Math.floor(seconds / 60) % 60)}m`;
}
