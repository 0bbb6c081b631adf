/**
 * The viewer in a real browser (Debian's chromium through playwright-core), served by the
 * built `tracewire ui` command, for the browser test files. Without chromium these tests
 * fail, saying how to install it; TRACEWIRE_SKIP_BROWSER_TESTS=1 skips them instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { LocalStore } from '../../src/store/local-store.js';
import type { Call } from '../../src/types.js';
import { fillerTraces } from './seed.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const skipBrowser = process.env.TRACEWIRE_SKIP_BROWSER_TESTS === '1';

export interface Viewer {
  /** The store's directory. */
  dir: string;
  /** The viewer's address, ending in "/". */
  url: string;
  ui: ChildProcess;
  browser: Browser;
  /** A new page (1400×900) for each test. */
  page: Page;
  /** Script errors and Content Security Policy violations of the current page. */
  pageErrors: string[];
}

/** Starts `tracewire ui` and resolves to the address it prints. */
function startUi(dir: string): { ui: ChildProcess; url: Promise<string> } {
  const ui = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--dir', dir, '--project', 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    ui.stdout!.on('data', (data) => {
      out += data;
      const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (found) resolve(found[0]);
    });
    ui.stderr!.on('data', (data) => (out += data));
    ui.on('exit', (code) => reject(new Error(`tracewire ui exited with ${code}: ${out}`)));
  });
  return { ui, url };
}

/** Registers the hooks of a browser test file: a store seeded with `seed`, `tracewire ui` over it, chromium. */
export function useViewer(seed: () => Call[]): Viewer {
  const viewer = { pageErrors: [] as string[] } as Viewer;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: install it (apt-get install chromium), set CHROMIUM_PATH, or set TRACEWIRE_SKIP_BROWSER_TESTS=1`);
    viewer.dir = mkdtempSync(join(tmpdir(), 'tracewire-ui-'));
    writeStore(viewer.dir, seed());
    const started = startUi(viewer.dir);
    viewer.ui = started.ui;
    viewer.url = await started.url;
    viewer.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await viewer.browser?.close();
    if (viewer.ui && viewer.ui.exitCode === null) viewer.ui.kill('SIGTERM');
    if (viewer.dir) rmSync(viewer.dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const errors: string[] = [];
    viewer.pageErrors = errors;
    viewer.page = await viewer.browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Any script error, and any Content Security Policy violation, is reported here.
    viewer.page.on('pageerror', (error) => errors.push(String(error)));
    viewer.page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  });
  return viewer;
}

/** Writes calls into the store at `dir`, as an app would. */
export function writeStore(dir: string, calls: Call[]): void {
  const store = LocalStore.open(dir);
  store.write(calls);
  store.close();
}

export interface LiveCall {
  id: string;
  parentId: string | null;
  status: 'running' | 'success';
  /** Its op and display name; the id when not given. */
  name?: string;
  /** When it started, from now (ms); its index × 100 when not given. */
  startMs?: number;
}

/**
 * Calls of trace `trace-<trace>` in project demo, as an app writes them: started from now on,
 * in order; ended ones end a second from now.
 */
export function liveCalls(trace: string, calls: LiveCall[]): Call[] {
  const base = fillerTraces(1, 'demo')[0]!;
  const now = Date.now();
  return calls.map(({ id, parentId, status, name = id, startMs }, i) => ({
    ...base, id, parentId, traceId: `trace-${trace}`, opName: name, displayName: name, status,
    startedAt: new Date(now + (startMs ?? i * 100)).toISOString(),
    endedAt: status === 'running' ? null : new Date(now + 1000).toISOString(),
    summary: status === 'running' ? {} : { latencyMs: 1000 - (startMs ?? i * 100) },
  }));
}

export const rowIds = (page: Page) => page.locator('table.traces tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-trace-id')));

export async function waitForRows(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('table.traces tbody tr').length === n, count);
}

/** The ids of the calls highlighted in a trace view ('.timeline' or '.architecture'). */
export const selectedIds = (page: Page, view: string) => page.locator(`${view} .selected`).evaluateAll((els) => els.map((el) => el.getAttribute('data-call-id')));

/** Collects the URLs of the trace reads the page makes from now on. */
export function traceRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => request.url().includes('/api/trace?') && seen.push(request.url()));
  return seen;
}

/** Where keyboard focus is: a tag and its text. */
export const focused = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName} ${(document.activeElement?.textContent ?? '').trim().slice(0, 30)}`);
