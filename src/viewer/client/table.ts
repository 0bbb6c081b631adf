/**
 * The trace table: one row per trace (its root call), searched, filtered, sorted and paged by
 * the server. The controls stay put while the rows change, so typing a search keeps focus.
 * Live (the default, `live=off` in the address turns it off): the page is read again every
 * few seconds while it is in view, and redrawn only when what it shows changed.
 */
import { formatCost } from '../../cli/format.js';
import { getJson, LIVE_INTERVAL_MS, type Operations, type ProjectList, type TablePage, type TableRow } from './api.js';
import type { Nav, Params } from './app.js';
import { formatDuration, formatTime, formatTokens, h, placeInOrder, replace, statusBadge } from './dom.js';

export interface TableView {
  element: HTMLElement;
  update(params: Params): Promise<void>;
}

const PAGE_SIZE = 50;
const STATUSES = ['success', 'error', 'cancelled', 'running'];
/** Widths keep the table within common screens (style.css fixes the layout); previews share what is left. */
const COLUMNS: { key: string; label: string; sort?: string; numeric?: boolean; width?: string }[] = [
  { key: 'started', label: 'Started', sort: 'startedAt', width: '184px' },
  { key: 'name', label: 'Name', sort: 'name', width: '18%' },
  { key: 'status', label: 'Status', sort: 'status', width: '13%' },
  { key: 'latency', label: 'Latency', sort: 'latency', numeric: true, width: '92px' },
  { key: 'tokens', label: 'Tokens', sort: 'tokens', numeric: true, width: '84px' },
  { key: 'cost', label: 'Cost', sort: 'cost', numeric: true, width: '84px' },
  { key: 'calls', label: 'Calls', numeric: true, width: '56px' },
  { key: 'inputs', label: 'Inputs' },
  { key: 'output', label: 'Output' },
];

interface DrawnRow {
  /** The row's data as JSON. */
  data: string;
  element: HTMLTableRowElement;
}

function exceptionLine(exception: NonNullable<TableRow['exception']>): HTMLElement {
  const text = `${exception.type}: ${exception.message}`;
  return h('div', { class: 'exception', title: text }, text);
}

export function createTableView(nav: Nav, projects: ProjectList): TableView {
  let params: Params = {};
  let latest = 0;
  let loading = false;
  /** The page on screen as JSON: a live read that finds the same leaves the rows (and focus, selection) alone. */
  let shownPage = '';
  /** The rows on screen by root call id: a read redraws only those whose data changed. */
  let drawn = new Map<string, DrawnRow>();
  /** The project whose operations fill the filter: they are read once per project, not per page. */
  let operationsOf: string | undefined;
  let operationsShown = '';
  const set = (changes: Params, options?: { replace?: boolean }) => nav.go('/', { ...params, offset: '', ...changes }, options);
  const offsetParam = (offset: number) => (offset > 0 ? String(offset) : '');

  const projectSelect = h('select', { attrs: { 'aria-label': 'Project' }, on: { change: () => set({ project: projectSelect.value, q: '', status: '', op: '' }) } },
    ...projects.projects.map((p) => h('option', { attrs: { value: p.name } }, `${p.name} (${p.traces} traces)`)));
  if (!projects.projects.some((p) => p.name === projects.defaultProject)) {
    projectSelect.prepend(h('option', { attrs: { value: projects.defaultProject } }, `${projects.defaultProject} (no traces)`));
  }
  /** Set while typed text waits to reach the address: until then the box must not be overwritten from it. */
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  const search = h('input', {
    attrs: { type: 'search', placeholder: 'Search names, inputs, outputs, errors', 'aria-label': 'Search' },
    on: { input: () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        searchTimer = undefined;
        set({ q: search.value }, { replace: true });
      }, 250);
    } },
  });
  const statusSelect = h('select', { attrs: { 'aria-label': 'Status' }, on: { change: () => set({ status: statusSelect.value }) } },
    h('option', { attrs: { value: '' } }, 'any status'), ...STATUSES.map((s) => h('option', { attrs: { value: s } }, s)));
  const opSelect = h('select', { attrs: { 'aria-label': 'Operation' }, on: { change: () => set({ op: opSelect.value }) } });
  const refresh = h('button', { on: { click: () => ((operationsOf = undefined), void view.update(params)) } }, 'Refresh');
  const live = h('input', {
    attrs: { type: 'checkbox' },
    // Paging stays where it is: only the address's live flag changes.
    on: { change: () => nav.go('/', { ...params, live: live.checked ? '' : 'off' }, { replace: true }) },
  });
  const liveLabel = h('label', { class: 'live', title: 'Show new traces, and changes to these, as they are recorded' }, live, ' Live');
  // Built once and updated in place, so that a button pressed from the keyboard keeps focus.
  const sortButtons = new Map<string, HTMLButtonElement>();
  const headRow = h('tr', {}, ...COLUMNS.map((column) => {
    const th = h('th', { class: column.numeric ? 'num' : '' });
    if (!column.sort) th.textContent = column.label;
    else {
      const button = h('button', { class: 'sort', on: { click: () => set(sortAfter(column.sort!)) } });
      sortButtons.set(column.sort, button);
      th.append(button);
    }
    return th;
  }));
  const newer = h('button', { on: { click: () => set({ offset: offsetParam((Number(params.offset) || 0) - PAGE_SIZE) }) } }, '← Newer');
  const older = h('button', { on: { click: () => set({ offset: String((Number(params.offset) || 0) + PAGE_SIZE) }) } }, 'Older →');
  const range = h('span');
  const body = h('tbody');
  const status = h('p', { class: 'table-status', attrs: { role: 'status' } });
  const pager = h('nav', { class: 'pager' }, newer, range, older);
  const element = h('section', { class: 'table-view' },
    h('div', { class: 'controls' }, projectSelect, search, statusSelect, opSelect, refresh, liveLabel),
    h('div', { class: 'table-scroll' },
      h('table', { class: 'traces' },
        h('colgroup', {}, ...COLUMNS.map((column) => h('col', column.width ? { style: { width: column.width } } : {}))),
        h('thead', {}, headRow), body)),
    status, pager);

  /** A sort header pressed: the same column turns around, another one starts descending. */
  function sortAfter(sort: string): Params {
    const active = sort === (params.sort || 'startedAt');
    return { sort, dir: active && (params.dir || 'desc') === 'desc' ? 'asc' : 'desc' };
  }

  function renderHead(): void {
    const sort = params.sort || 'startedAt';
    const dir = params.dir || 'desc';
    for (const column of COLUMNS) {
      const button = column.sort && sortButtons.get(column.sort);
      if (!button) continue;
      const active = column.sort === sort;
      button.parentElement!.setAttribute('aria-sort', active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none');
      button.textContent = `${column.label}${active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}`;
    }
  }

  function rowOf(row: TableRow): HTMLTableRowElement {
    const open = () => nav.go(`/trace/${encodeURIComponent(row.traceId)}`, { project: params.project ?? '' }, { fromTable: true });
    return h('tr', { class: `row status-${row.status}`, attrs: { tabindex: '0', 'data-trace-id': row.traceId }, on: { click: open, keydown: (e) => e.key === 'Enter' && open() } },
      h('td', { class: 'time' }, formatTime(row.startedAt)),
      h('td', { title: row.name }, h('span', { class: `kind kind-${row.kind}` }, row.kind), ' ', row.name),
      h('td', {}, statusBadge(row.status), row.exception ? exceptionLine(row.exception) : null),
      h('td', { class: 'num' }, formatDuration(row.latencyMs ?? undefined)),
      h('td', { class: 'num' }, formatTokens(row.tokens)),
      h('td', { class: 'num' }, formatCost(row.cost ?? undefined)),
      h('td', { class: 'num' }, row.callCount),
      h('td', { class: 'preview', title: row.inputs }, row.inputs),
      h('td', { class: 'preview', title: row.output }, row.output));
  }

  function renderPager(page: TablePage, offset: number): void {
    const last = Math.min(offset + page.rows.length, page.total);
    const hadFocus = document.activeElement === newer ? newer : document.activeElement === older ? older : undefined;
    newer.disabled = offset === 0;
    older.disabled = last >= page.total;
    range.textContent = page.total === 0 ? '' : `${(offset + 1).toLocaleString('en-US')}–${last.toLocaleString('en-US')} of ${page.total.toLocaleString('en-US')}`;
    // The first or last page disables the button just pressed: its neighbour takes focus, not the page.
    if (hadFocus?.disabled) (hadFocus === newer ? older : newer).focus();
  }

  async function loadOperations(project: string): Promise<void> {
    operationsOf = project;
    const { opNames } = await getJson<Operations>('/api/operations', { project }).catch(() => ({ opNames: [] as string[] }));
    // A filter from the address keeps its option even if no root has that name.
    const names = params.op && !opNames.includes(params.op) ? [...opNames, params.op] : opNames;
    // Unchanged options are left alone: a live read must not close the list a reader has open.
    const shownNames = JSON.stringify(names);
    if (shownNames === operationsShown) return;
    operationsShown = shownNames;
    replace(opSelect, h('option', { attrs: { value: '' } }, 'any operation'), ...names.map((op) => h('option', { attrs: { value: op } }, op)));
  }

  function renderRows(page: TablePage, offset: number, text: string): void {
    shownPage = text;
    const focused = document.activeElement instanceof HTMLTableRowElement && body.contains(document.activeElement)
      ? document.activeElement.dataset.traceId : undefined;
    const next = new Map<string, DrawnRow>();
    const elements = page.rows.map((row) => {
      const data = JSON.stringify(row);
      const before = drawn.get(row.id);
      const element = before?.data === data ? before.element : rowOf(row);
      next.set(row.id, { data, element });
      return element;
    });
    drawn = next;
    placeInOrder(body, elements);
    if (focused !== undefined && !body.contains(document.activeElement)) body.querySelector<HTMLElement>(`tr[data-trace-id="${CSS.escape(focused)}"]`)?.focus();
    const filtered = Boolean(params.q || params.status || params.op);
    replace(status, page.total > 0 ? '' : filtered ? 'No traces match.' : `No traces recorded in project "${page.project}" yet.`);
    renderPager(page, offset);
  }

  /** Reads the page `params` name; `quiet` (a live read) shows no error, the next read retries. */
  async function load(quiet: boolean): Promise<void> {
    const ticket = ++latest;
    const offset = Number(params.offset) || 0;
    let page: TablePage;
    loading = true;
    try {
      page = await getJson<TablePage>('/api/traces', { project: params.project, q: params.q, status: params.status, op: params.op, sort: params.sort, dir: params.dir, offset: String(offset), limit: String(PAGE_SIZE) });
    } catch (error) {
      if (ticket === latest && !quiet) {
        replace(status, h('span', { class: 'error' }, (error as Error).message));
        // The next read that succeeds replaces the message, even with the same rows.
        shownPage = '';
      }
      return;
    } finally {
      if (ticket === latest) loading = false;
    }
    // An older request that answers late must not overwrite a newer one's rows.
    if (ticket !== latest) return;
    // Past the last page (an old link, traces deleted): the last page, in place of this address.
    if (page.rows.length === 0 && page.total > 0 && offset > 0) {
      set({ offset: offsetParam(Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE) }, { replace: true });
      return;
    }
    const text = JSON.stringify(page);
    if (quiet && text === shownPage) return;
    // New traces may bring new operations to filter by.
    if (operationsOf !== page.project || quiet) await loadOperations(page.project);
    if (ticket !== latest) return;
    opSelect.value = params.op ?? '';
    renderRows(page, offset, text);
  }

  setInterval(() => {
    if (params.live === 'off' || loading || !element.isConnected || document.visibilityState !== 'visible') return;
    void load(true);
  }, LIVE_INTERVAL_MS);

  const view: TableView = {
    element,
    async update(next) {
      params = next;
      projectSelect.value = params.project ?? '';
      if (searchTimer === undefined && search.value !== (params.q ?? '')) search.value = params.q ?? '';
      statusSelect.value = params.status ?? '';
      live.checked = params.live !== 'off';
      renderHead();
      await load(false);
    },
  };
  return view;
}
