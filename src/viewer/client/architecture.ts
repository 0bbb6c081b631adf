/**
 * The architecture of a trace: its components (an op, or an SDK method, at its place in the
 * call tree, however many times it ran there) nested as they call each other, each with the
 * parameters of every call it received. Listed flat in tree order and indented by depth, so
 * neither building the page nor laying it out recurses as deep as the trace does.
 */
import type { Call } from '../../types.js';
import { formatDuration, h, replace, statusBadge } from './dom.js';

interface Component {
  opName: string;
  depth: number;
  kinds: Set<string>;
  calls: Call[];
  children: Map<string, Component>;
}

const CELL_CHARS = 160;
/**
 * A component's table shows this many calls at first, and this many more per click: a
 * component called 20,000 times built a row for each, which took seconds.
 */
const ROWS_AT_FIRST = 50;
const ROWS_MORE = 500;
/** Deeper components are indented no further, so that every one keeps room for its table. */
const MAX_INDENT = 24;

function newComponent(opName: string, depth: number): Component {
  return { opName, depth, kinds: new Set(), calls: [], children: new Map() };
}

/**
 * Calls grouped by their op name under their parent's component, in tree order (each
 * component before those it calls). `calls` must list parents first, as the server does.
 */
export function componentsOf(calls: readonly Call[]): Component[] {
  const top = new Map<string, Component>();
  const componentOfCall = new Map<string, Component>();
  for (const call of calls) {
    const parent = call.parentId === null ? undefined : componentOfCall.get(call.parentId);
    const siblings = parent ? parent.children : top;
    let component = siblings.get(call.opName);
    if (!component) siblings.set(call.opName, (component = newComponent(call.opName, parent ? parent.depth + 1 : 0)));
    component.kinds.add(call.kind);
    component.calls.push(call);
    componentOfCall.set(call.id, component);
  }
  const ordered: Component[] = [];
  const pending = [...top.values()].reverse();
  while (pending.length > 0) {
    const component = pending.pop()!;
    ordered.push(component);
    const children = [...component.children.values()];
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return ordered;
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS - 1)}…` : text;
}

/** A call's parameters by name. Inputs another writer stored as null, a list or a plain value get no columns, or one. */
function paramsOf(call: Call): Record<string, unknown> {
  const inputs: unknown = call.inputs;
  if (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs)) return inputs as Record<string, unknown>;
  return inputs === null || inputs === undefined ? {} : { inputs };
}

function paramNames(calls: readonly Call[]): string[] {
  const names = new Set<string>();
  for (const call of calls) for (const name of Object.keys(paramsOf(call))) names.add(name);
  return [...names];
}

export interface ArchitectureView {
  element: HTMLElement;
  /** The trace as read again; components keep the number of rows the reader asked to see. */
  update(calls: readonly Call[]): void;
  select(id: string): void;
}

/** Rows call `select` with the id of the call clicked or entered. */
export function createArchitecture(calls: readonly Call[], selectedId: string, select: (id: string) => void): ArchitectureView {
  let selected = selectedId;
  /** Rows the reader asked to see, by component (keyed by its first call's id). */
  const rowsWanted = new Map<string, number>();
  const pick = (event: Event) => {
    const id = (event.target as Element).closest('tr.row')?.getAttribute('data-call-id');
    if (id) select(id);
  };
  const element = h('ul', { class: 'components architecture', on: { click: pick, keydown: (event) => event.key === 'Enter' && pick(event) } });

  function rowOf(call: Call, index: number, names: string[]): HTMLTableRowElement {
    const params = paramsOf(call);
    return h('tr', { class: `row status-${call.status}${call.id === selected ? ' selected' : ''}`, attrs: { tabindex: '0', 'data-call-id': call.id } },
      h('td', { class: 'num' }, index + 1),
      h('td', { class: 'num' }, formatDuration(call.summary?.latencyMs)),
      h('td', {}, statusBadge(call.status)),
      ...names.map((name) => {
        const text = cell(params[name]);
        return h('td', { class: 'preview', title: text }, text);
      }));
  }

  /** The component's parameter table, in a box of its own that scrolls sideways when the parameters are many. */
  function parameterTable(component: Component): HTMLElement {
    const key = component.calls[0]!.id;
    const names = paramNames(component.calls);
    const total = component.calls.length;
    const body = h('tbody');
    const note = h('span', { class: 'muted' });
    const more = h('button', { class: 'more', on: { click: () => {
      const first = drawn;
      rowsWanted.set(key, Math.min(total, drawn + ROWS_MORE));
      fill();
      // The button leaves with the last rows: focus goes to the first row it added.
      if (!more.isConnected) body.querySelectorAll<HTMLElement>('tr')[first]?.focus();
    } } });
    const footer = h('p', { class: 'more-rows' }, note, ' ', more);
    let drawn = 0;
    function fill(): void {
      const wanted = Math.min(total, rowsWanted.get(key) ?? ROWS_AT_FIRST);
      for (; drawn < wanted; drawn++) body.append(rowOf(component.calls[drawn]!, drawn, names));
      note.textContent = `Showing ${drawn.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} calls.`;
      more.textContent = `Show ${Math.min(ROWS_MORE, total - drawn).toLocaleString('en-US')} more`;
      if (drawn >= total) footer.remove();
    }
    const box = h('div', { class: 'params-scroll' },
      h('table', { class: 'params' },
        // Latency and status first: they stay in view however many parameters follow.
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', { class: 'num' }, 'Latency'), h('th', {}, 'Status'), ...names.map((name) => h('th', {}, name)))),
        body));
    const block = h('div', {}, box, footer);
    fill();
    return block;
  }

  function componentNode(component: Component): HTMLElement {
    const errors = component.calls.filter((call) => call.status === 'error').length;
    const kinds = [...component.kinds];
    return h('li', { class: 'component', attrs: { 'data-depth': String(component.depth) }, style: { 'margin-left': `${Math.min(component.depth, MAX_INDENT) * 18}px` } },
      h('div', { class: 'component-head' },
        h('span', { class: `kind kind-${kinds[0]}` }, kinds.join(', ')), ' ',
        h('strong', {}, component.opName),
        h('span', { class: 'muted' }, ` · called ${component.calls.length}×`, errors ? ` · ${errors} failed` : '', component.depth > MAX_INDENT ? ` · depth ${component.depth}` : '')),
      parameterTable(component));
  }

  function update(next: readonly Call[]): void {
    const focused = element.contains(document.activeElement) ? document.activeElement?.getAttribute('data-call-id') : undefined;
    replace(element, ...componentsOf(next).map(componentNode));
    if (focused) element.querySelector<HTMLElement>(`[data-call-id="${CSS.escape(focused)}"]`)?.focus();
  }

  update(calls);
  return {
    element,
    update,
    select(id) {
      selected = id;
      element.querySelectorAll('.selected').forEach((row) => row.classList.remove('selected'));
      element.querySelectorAll(`[data-call-id="${CSS.escape(id)}"]`).forEach((row) => row.classList.add('selected'));
    },
  };
}
