/**
 * The viewer page: a hash router over two views, the trace table (#/?project=&q=...) and one
 * trace (#/trace/<id>?project=...), so that links, reloads and back/forward all work.
 */
import './style.css';
import { getJson, type ProjectList } from './api.js';
import { h, replace } from './dom.js';
import { createTableView, type TableView } from './table.js';
import { showTrace } from './trace.js';

export type Params = Record<string, string>;

export interface NavOptions {
  replace?: boolean;
  /** The page left is the viewer's table: the trace's back link can return to it with history.back(). */
  fromTable?: boolean;
}

export interface Nav {
  go(path: string, params: Params, options?: NavOptions): void;
  /** True when the entry before this one in history is the viewer's table (see NavOptions.fromTable). */
  cameFromTable(): boolean;
}

function parseHash(): { path: string; params: Params } {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?', 2) as [string, string?];
  return { path, params: Object.fromEntries(new URLSearchParams(query)) };
}

export function hrefOf(path: string, params: Params): string {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '')).toString();
  return `#${path}${query ? `?${query}` : ''}`;
}

interface EntryState {
  tracewireFromTable?: boolean;
}

const nav: Nav = {
  go(path, params, options = {}) {
    const href = hrefOf(path, params);
    // pushState rather than setting location.hash, so that the entry can say where it came from.
    const state: EntryState = options.fromTable ? { tracewireFromTable: true } : {};
    if (options.replace) history.replaceState(state, '', href);
    else history.pushState(state, '', href);
    void routeIfMoved();
  },
  cameFromTable: () => (history.state as EntryState | null)?.tracewireFromTable === true,
};

const root = document.getElementById('app')!;
const main = h('main');
const brand = h('a', { class: 'brand', attrs: { href: '#/' } }, 'tracewire');
let projects: ProjectList | undefined;
let table: TableView | undefined;
let shown: 'table' | 'trace' | undefined;
/** Aborted when the address changes: a view still loading for the old one must not draw over the new one. */
let current: AbortController | undefined;
let routed: string | undefined;

async function route(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const signal = controller.signal;
  routed = location.href;
  const { path, params } = parseHash();
  projects ??= await getJson<ProjectList>('/api/projects').catch((error: Error) => {
    if (!signal.aborted) replace(main, h('p', { class: 'error' }, `Could not reach the viewer's server: ${error.message}`));
    return undefined;
  });
  if (!projects || signal.aborted) return;
  const project = params.project || projects.defaultProject;
  brand.setAttribute('href', hrefOf('/', { project }));
  const traceId = /^\/trace\/(.+)$/.exec(path)?.[1];
  if (traceId !== undefined) {
    shown = 'trace';
    await showTrace(main, decodeURIComponent(traceId), project, nav, params.live !== 'off', signal);
    return;
  }
  table ??= createTableView(nav, projects);
  if (shown !== 'table') replace(main, table.element);
  shown = 'table';
  await table.update({ ...params, project });
}

/** Back/forward fire popstate, a typed or linked hash hashchange, some moves both: each address is routed once. */
function routeIfMoved(): Promise<void> {
  return location.href === routed ? Promise.resolve() : route();
}

replace(root, h('header', {}, brand), main);
window.addEventListener('popstate', () => void routeIfMoved());
window.addEventListener('hashchange', () => void routeIfMoved());
void route();
