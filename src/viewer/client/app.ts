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

export interface Nav {
  go(path: string, params: Params, options?: { replace?: boolean }): void;
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

const nav: Nav = {
  go(path, params, options = {}) {
    const href = hrefOf(path, params);
    if (options.replace) location.replace(href);
    else location.hash = href;
  },
};

const root = document.getElementById('app')!;
const main = h('main');
const brand = h('a', { class: 'brand', attrs: { href: '#/' } }, 'tracewire');
let projects: ProjectList | undefined;
let table: TableView | undefined;
let shown: 'table' | 'trace' | undefined;

async function route(): Promise<void> {
  const { path, params } = parseHash();
  projects ??= await getJson<ProjectList>('/api/projects').catch((error: Error) => {
    replace(main, h('p', { class: 'error' }, `Could not reach the viewer's server: ${error.message}`));
    return undefined;
  });
  if (!projects) return;
  const project = params.project || projects.defaultProject;
  brand.setAttribute('href', hrefOf('/', { project }));
  const traceId = /^\/trace\/(.+)$/.exec(path)?.[1];
  if (traceId !== undefined) {
    shown = 'trace';
    await showTrace(main, decodeURIComponent(traceId), project, nav, params.live !== 'off');
    return;
  }
  table ??= createTableView(nav, projects);
  if (shown !== 'table') replace(main, table.element);
  shown = 'table';
  await table.update({ ...params, project });
}

replace(root, h('header', {}, brand), main);
window.addEventListener('hashchange', () => void route());
void route();
