/**
 * The viewer in a real browser (Debian's chromium through playwright-core), served by the
 * built `tracewire ui` command. Without chromium these tests fail, saying how to install it;
 * TRACEWIRE_SKIP_BROWSER_TESTS=1 skips them instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/local-store.js';
import { deepTrace, fillerTraces, HOSTILE_OUTPUT, seedCalls } from './seed.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = process.env.TRACEWIRE_SKIP_BROWSER_TESTS === '1';

let dir: string;
let ui: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;
let pageErrors: string[];

/** Starts `tracewire ui` and resolves to the address it prints. */
function startUi(): Promise<string> {
  ui = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--dir', dir, '--project', 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    ui.stdout!.on('data', (data) => {
      out += data;
      const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (found) resolve(found[0]);
    });
    ui.stderr!.on('data', (data) => (out += data));
    ui.on('exit', (code) => reject(new Error(`tracewire ui exited with ${code}: ${out}`)));
  });
}

describe.skipIf(skip)('tracewire ui in a browser', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: install it (apt-get install chromium), set CHROMIUM_PATH, or set TRACEWIRE_SKIP_BROWSER_TESTS=1`);
    dir = mkdtempSync(join(tmpdir(), 'tracewire-ui-'));
    const store = LocalStore.open(dir);
    store.write(seedCalls());
    store.close();
    url = await startUi();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (ui && ui.exitCode === null) ui.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    pageErrors = [];
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Any script error, and any Content Security Policy violation, is reported here.
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  });

  const rowIds = () => page.locator('table.traces tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-trace-id')));
  /** The ids of the calls highlighted in a trace view ('.timeline' or '.architecture'). */
  const selectedIds = (view: string) => page.locator(`${view} .selected`).evaluateAll((els) => els.map((el) => el.getAttribute('data-call-id')));
  async function waitForRows(count: number): Promise<void> {
    await page.waitForFunction((n) => document.querySelectorAll('table.traces tbody tr').length === n, count);
  }

  it('lists the traces with their status, latency, tokens, cost and previews', async () => {
    await page.goto(url);
    await waitForRows(6);
    const agent = page.locator('tr[data-trace-id="trace-agent"]');
    const cells = await agent.locator('td').allInnerTexts();
    expect(cells[1]).toContain('research_assistant');
    expect(cells.slice(2, 7)).toEqual(['success', '400ms', '150', '$0.00400', '5']);
    expect(cells[7]).toBe('{"question":"How do refunds work?"}');
    const failed = await page.locator('tr[data-trace-id="trace-failed"]').innerText();
    expect(failed).toContain('RateLimitError: 429 Rate limit reached');
    expect(pageErrors).toEqual([]);
  });

  it('searches, filters and sorts, keeping the state in the address', async () => {
    await page.goto(url);
    await waitForRows(6);
    await page.fill('input[type=search]', 'refund timing');
    await waitForRows(1);
    expect(await rowIds()).toEqual(['trace-agent']);
    expect(page.url()).toContain('q=refund+timing');
    await page.fill('input[type=search]', '');
    await waitForRows(6);

    await page.selectOption('select[aria-label=Status]', 'error');
    await waitForRows(1);
    expect(await rowIds()).toEqual(['trace-failed']);
    await page.selectOption('select[aria-label=Status]', '');
    await waitForRows(6);

    await page.selectOption('select[aria-label=Operation]', 'classify');
    await waitForRows(3);
    expect(page.url()).toContain('op=classify');
    await page.selectOption('select[aria-label=Operation]', '');
    await waitForRows(6);

    await page.click('th button:has-text("Cost")');
    await page.waitForFunction(() => document.querySelector('th[aria-sort=descending]')?.textContent?.startsWith('Cost'));
    await page.waitForFunction(() => document.querySelector('table.traces tbody tr')?.getAttribute('data-trace-id') === 'trace-agent');
    await page.click('th button:has-text("Cost")');
    await page.waitForFunction(() => document.querySelector('th[aria-sort=ascending]')?.textContent?.startsWith('Cost'));
    await page.waitForFunction(() => document.querySelector('table.traces tbody tr')?.getAttribute('data-trace-id') === 'trace-demo-filler-0000');
    // Unknown costs (the running and the failed trace) stay at the bottom either way.
    expect((await rowIds()).slice(-2).sort()).toEqual(['trace-failed', 'trace-running']);
    expect(pageErrors).toEqual([]);
  });

  it('shows LLM output that looks like HTML as text, and runs none of it', async () => {
    await page.goto(url);
    await waitForRows(6);
    // The table holds the root's output; the LLM call's output is in the trace.
    await page.goto(`${url}#/trace/trace-agent`);
    await page.click('.bar[data-call-id="agent-llm"]');
    const output = page.locator('.call-details [data-section=output] pre');
    expect(await output.innerText()).toContain(JSON.stringify(HOSTILE_OUTPUT).slice(1, -1));
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // Searching for the markup finds it as text too.
    await page.goto(`${url}#/?q=${encodeURIComponent('<script>')}`);
    await waitForRows(1);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });

  it('draws a trace as bars on a time axis, colored by kind, with failures outlined red', async () => {
    await page.goto(url);
    await waitForRows(6);
    await page.click('tr[data-trace-id="trace-agent"]');
    await page.waitForSelector('.timeline .bar');
    expect(page.url()).toContain('#/trace/trace-agent');
    const bars = await page.locator('.timeline .bar').evaluateAll((elements) => elements.map((el) => {
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return { id: el.getAttribute('data-call-id'), left: box.left, width: box.width, background: style.backgroundColor, outline: `${style.outlineStyle} ${style.outlineColor}` };
    }));
    expect(bars.map((bar) => bar.id)).toEqual(['agent-root', 'agent-search-1', 'agent-search-2', 'agent-llm', 'agent-flaky']);
    const [root, search1, search2, llm, flaky] = bars as [typeof bars[0], typeof bars[0], typeof bars[0], typeof bars[0], typeof bars[0]];
    // Positions follow the recorded times: the root spans 400 ms, the LLM call 200 of them.
    expect(search1.left).toBeLessThan(search2.left);
    expect(search2.left).toBeLessThan(llm.left);
    expect(llm.width / root.width).toBeCloseTo(0.5, 1);
    expect(search1.background).toBe(search2.background);
    expect(new Set([root.background, search1.background, llm.background, flaky.background]).size).toBe(4);
    expect(flaky.outline).toBe('solid rgb(217, 45, 32)');
    expect(llm.outline.startsWith('none')).toBe(true);

    await page.click('.bar[data-call-id="agent-search-2"]');
    const details = page.locator('.call-details');
    await page.waitForSelector('.call-details[data-call-id="agent-search-2"]');
    // The highlight moves with the click, to that bar alone.
    expect(await selectedIds('.timeline')).toEqual(['agent-search-2']);
    const inputs = details.locator('[data-section=inputs] pre');
    expect(JSON.parse(await inputs.innerText())).toEqual({ query: 'refund timing', limit: 5 });
    await page.click('.bar[data-call-id="agent-flaky"]');
    await page.waitForSelector('.call-details[data-call-id="agent-flaky"]');
    expect(await details.locator('[data-section=exception]').innerText()).toContain('verifier timed out');
    expect(pageErrors).toEqual([]);
  });

  it('shows the architecture: components as they call each other, with the parameters of each call', async () => {
    await page.goto(`${url}#/trace/agent-llm`);
    // Opened by a call's id, the trace shows that call's details first.
    await page.waitForSelector('.call-details[data-call-id="agent-llm"]');
    await page.click('button[role=tab]:has-text("Architecture")');
    const components = page.locator('.architecture > li.component');
    const outline = await components.evaluateAll((items) => items.map((item) => `${item.getAttribute('data-depth')} ${item.querySelector('.component-head strong')!.textContent}`));
    expect(outline).toEqual(['0 research_assistant', '1 search', '1 openai.chat.completions.create', '1 verify']);
    const indents = await components.evaluateAll((items) => items.map((item) => item.getBoundingClientRect().left));
    expect(indents[1]).toBeGreaterThan(indents[0]!);
    expect(indents[2]).toBe(indents[1]);
    const search = components.nth(1);
    expect(await search.locator('.component-head').innerText()).toContain('called 2×');
    expect(await search.locator('table.params thead th').allInnerTexts()).toEqual(['#', 'query', 'limit', 'Latency', 'Status']);
    expect(await search.locator('table.params tbody tr').evaluateAll((rows) => rows.map((row) => Array.from(row.children).slice(1, 3).map((cell) => cell.textContent)))).toEqual([
      ['refund policy', '3'],
      ['refund timing', '5'],
    ]);
    await search.locator('tbody tr').nth(1).click();
    await page.waitForSelector('.call-details[data-call-id="agent-search-2"]');
    expect(await selectedIds('.architecture')).toEqual(['agent-search-2']);
    expect(await components.nth(3).locator('.component-head').innerText()).toContain('1 failed');
    expect(pageErrors).toEqual([]);
  });

  it('goes back to the table, and reloads a trace from its address', async () => {
    await page.goto(url);
    await waitForRows(6);
    await page.click('tr[data-trace-id="trace-failed"]');
    await page.waitForSelector('.call-details[data-call-id="failed-llm"]');
    await page.click('button.back');
    await waitForRows(6);
    await page.goto(`${url}#/trace/trace-running`);
    await page.reload();
    await page.waitForSelector('.bar.status-running');
    await page.goto(`${url}#/trace/no-such-trace`);
    await page.waitForSelector('main .error');
    expect(await page.locator('main .error').innerText()).toContain('no trace or call "no-such-trace"');
    // The 404 answer is the one expected console error; nothing else went wrong.
    expect(pageErrors.filter((error) => !error.includes('404'))).toEqual([]);
  });

  it('draws a trace thousands of calls deep', async () => {
    const store = LocalStore.open(dir);
    store.write(deepTrace(3000));
    store.close();
    await page.goto(`${url}#/trace/trace-deep?project=deep`);
    await page.waitForSelector('.bar[data-call-id="deep-2999"]');
    expect(await page.locator('.timeline .bar').count()).toBe(3000);
    // Indented as deep as the label column allows, then numbered.
    const labels = await page.locator('.timeline .label').evaluateAll((items) => items.map((item) => ({ text: item.textContent, indent: parseFloat(getComputedStyle(item).paddingLeft) })));
    expect(labels[2]!.indent).toBeGreaterThan(labels[1]!.indent);
    expect(labels[2999]).toEqual({ text: '2998↳ step_2998', indent: labels[100]!.indent });
    await page.click('button[role=tab]:has-text("Architecture")');
    await page.waitForSelector('li.component[data-depth="2999"] tr[data-call-id="deep-2999"]');
    expect(pageErrors).toEqual([]);
  });

  it('shows traces an app wrote meanwhile on Refresh', async () => {
    await page.goto(url);
    await waitForRows(6);
    const store = LocalStore.open(dir);
    store.write(fillerTraces(1, 'demo').map((call) => ({ ...call, id: 'late', traceId: 'trace-late', startedAt: new Date().toISOString(), opName: 'late_job', displayName: 'late_job' })));
    store.close();
    await page.click('button:has-text("Refresh")');
    await waitForRows(7);
    expect((await rowIds())[0]).toBe('trace-late');
    expect(await page.locator('select[aria-label=Operation] option').allInnerTexts()).toContain('late_job');
  });

  /** Writes one trace into the store as an app would: a root call of op `live_job`, started now. */
  function writeTrace(id: string, status: 'running' | 'success'): void {
    writeCalls(id, [{ id, parentId: null, status, name: 'live_job' }]);
  }
  const firstRow = () => page.locator('table.traces tbody tr').first();
  const waitForFirstRow = (traceId: string, status: string) => page.waitForFunction(([id, s]) => {
    const row = document.querySelector('table.traces tbody tr');
    return row?.getAttribute('data-trace-id') === id && row.classList.contains(`status-${s}`);
  }, [traceId, status], { timeout: 10_000 });

  it('shows new traces, and what changes in the ones shown, by itself while Live is on', async () => {
    await page.goto(url);
    await page.waitForSelector('table.traces tbody tr');
    expect(await page.isChecked('label.live input')).toBe(true);
    writeTrace('live', 'running');
    await waitForFirstRow('trace-live', 'running');
    // The same call, ended: its row is redrawn in place.
    writeTrace('live', 'success');
    await waitForFirstRow('trace-live', 'success');
    expect(await firstRow().innerText()).toContain('live_job');
    expect(pageErrors).toEqual([]);
  });

  it('leaves the table as it is with live=off in the address, until Live is turned on', async () => {
    await page.goto(`${url}#/?live=off`);
    await page.waitForSelector('table.traces tbody tr');
    expect(await page.isChecked('label.live input')).toBe(false);
    writeTrace('quiet', 'success');
    // Two and a half live intervals.
    await page.waitForTimeout(5000);
    expect(await firstRow().getAttribute('data-trace-id')).not.toBe('trace-quiet');
    await page.check('label.live input');
    expect(page.url()).not.toContain('live=off');
    await waitForFirstRow('trace-quiet', 'success');
    expect(pageErrors).toEqual([]);
  });

  /**
   * Writes calls of trace `trace-<trace>` into the store, as an app would: each an `id` (its op
   * and display name too, unless `name` is given) with a parent and a status, started from now
   * on in order; ended ones end a second from now.
   */
  function writeCalls(trace: string, calls: { id: string; parentId: string | null; status: 'running' | 'success'; name?: string }[]): void {
    const store = LocalStore.open(dir);
    const base = fillerTraces(1, 'demo')[0]!;
    const now = Date.now();
    store.write(calls.map(({ id, parentId, status, name = id }, i) => ({
      ...base, id, parentId, traceId: `trace-${trace}`, opName: name, displayName: name, status,
      startedAt: new Date(now + i * 100).toISOString(),
      endedAt: status === 'running' ? null : new Date(now + 1000).toISOString(),
      summary: status === 'running' ? {} : { latencyMs: 1000 - i * 100 },
    })));
    store.close();
  }
  const traceRequests = () => {
    const seen: string[] = [];
    page.on('request', (request) => request.url().includes('/api/trace?') && seen.push(request.url()));
    return seen;
  };

  it('follows a running trace until its calls end, keeping the tab and the selected call', async () => {
    writeCalls('follow', [{ id: 'follow-root', parentId: null, status: 'running' }, { id: 'follow-a', parentId: 'follow-root', status: 'running' }]);
    await page.goto(`${url}#/trace/trace-follow`);
    await page.click('.bar[data-call-id="follow-a"]');
    await page.waitForSelector('.call-details[data-call-id="follow-a"]');
    expect(await page.locator('.trace-head .live-note').count()).toBe(1);
    await page.click('button[role=tab]:has-text("Architecture")');
    await page.waitForSelector('.architecture');
    writeCalls('follow', [
      { id: 'follow-root', parentId: null, status: 'success' },
      { id: 'follow-a', parentId: 'follow-root', status: 'success' },
      { id: 'follow-b', parentId: 'follow-root', status: 'success' },
    ]);
    await page.waitForSelector('.trace-head .badge.status-success', { timeout: 10_000 });
    expect(await page.locator('button[role=tab].active').innerText()).toBe('Architecture');
    expect(await selectedIds('.architecture')).toEqual(['follow-a']);
    await page.click('button[role=tab]:has-text("Timeline")');
    expect(await page.locator('.timeline .bar').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-call-id')))).toEqual(['follow-root', 'follow-a', 'follow-b']);
    expect(await page.locator('.bar[data-call-id="follow-a"]').getAttribute('class')).toContain('status-success');
    // The call clicked before is still the one shown and highlighted.
    expect(await page.locator('.call-details').getAttribute('data-call-id')).toBe('follow-a');
    expect(await selectedIds('.timeline')).toEqual(['follow-a']);
    expect(await page.locator('.trace-head .live-note').count()).toBe(0);
    // Every call has ended: the page reads the trace no more.
    const reads = traceRequests();
    await page.waitForTimeout(4500);
    expect(reads).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('leaves a running trace as it is with live=off in the address', async () => {
    writeCalls('still', [{ id: 'still-root', parentId: null, status: 'running' }]);
    await page.goto(`${url}#/trace/trace-still?live=off`);
    await page.waitForSelector('.trace-head .badge.status-running');
    expect(await page.locator('.trace-head .live-note').count()).toBe(0);
    const reads = traceRequests();
    writeCalls('still', [{ id: 'still-root', parentId: null, status: 'success' }]);
    await page.waitForTimeout(4500);
    expect(reads).toEqual([]);
    expect(await page.locator('.trace-head .badge').innerText()).toBe('running');
    await page.reload();
    await page.waitForSelector('.trace-head .badge.status-success');
    expect(pageErrors).toEqual([]);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => ui.once('exit', resolve));
    ui.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
