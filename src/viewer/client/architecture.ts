/**
 * The architecture of a trace: its components (an op, or an SDK method, at its place in the
 * call tree, however many times it ran there) nested as they call each other, each with the
 * parameters of every call it received. Listed flat in tree order and indented by depth, so
 * neither building the page nor laying it out recurses as deep as the trace does.
 */
import { formatLatency } from '../../cli/format.js';
import type { Call } from '../../types.js';
import { h, statusBadge } from './dom.js';

interface Component {
  opName: string;
  depth: number;
  kinds: Set<string>;
  calls: Call[];
  children: Map<string, Component>;
}

const CELL_CHARS = 160;
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

function parameterTable(component: Component, selected: Call, select: (call: Call) => void): HTMLElement {
  const names: string[] = [];
  for (const call of component.calls) for (const name of Object.keys(call.inputs ?? {})) if (!names.includes(name)) names.push(name);
  return h('table', { class: 'params' },
    h('thead', {}, h('tr', {}, h('th', {}, '#'), ...names.map((name) => h('th', {}, name)), h('th', { class: 'num' }, 'Latency'), h('th', {}, 'Status'))),
    h('tbody', {}, ...component.calls.map((call, index) =>
      h('tr', {
        class: `row status-${call.status}${call.id === selected.id ? ' selected' : ''}`,
        attrs: { tabindex: '0', 'data-call-id': call.id },
        on: { click: () => select(call), keydown: (e) => e.key === 'Enter' && select(call) },
      },
      h('td', { class: 'num' }, index + 1),
      ...names.map((name) => {
        const text = cell((call.inputs as Record<string, unknown>)[name]);
        return h('td', { class: 'preview', title: text }, text);
      }),
      h('td', { class: 'num' }, formatLatency(call.summary.latencyMs)),
      h('td', {}, statusBadge(call.status))))));
}

function componentNode(component: Component, selected: Call, select: (call: Call) => void): HTMLElement {
  const errors = component.calls.filter((call) => call.status === 'error').length;
  const kinds = [...component.kinds];
  return h('li', { class: 'component', attrs: { 'data-depth': String(component.depth) }, style: { 'margin-left': `${Math.min(component.depth, MAX_INDENT) * 18}px` } },
    h('div', { class: 'component-head' },
      h('span', { class: `kind kind-${kinds[0]}` }, kinds.join(', ')), ' ',
      h('strong', {}, component.opName),
      h('span', { class: 'muted' }, ` · called ${component.calls.length}×`, errors ? ` · ${errors} failed` : '', component.depth > MAX_INDENT ? ` · depth ${component.depth}` : '')),
    parameterTable(component, selected, select));
}

export function architectureView(calls: readonly Call[], selected: Call, select: (call: Call) => void): HTMLElement {
  return h('ul', { class: 'components architecture' }, ...componentsOf(calls).map((component) => componentNode(component, selected, select)));
}
