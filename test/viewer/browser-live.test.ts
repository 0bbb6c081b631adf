/**
 * The viewer following what apps record while it is open: the live table and a running trace.
 * (browser-harness.ts starts chromium and `tracewire ui`.)
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { liveCalls, type LiveCall, rowIds as rowIdsOf, selectedIds as selectedIdsOf, skipBrowser, traceRequests as traceRequestsOf, useViewer, writeStore } from './browser-harness.js';
import { orphanTrace, seedCalls } from './seed.js';

describe.skipIf(skipBrowser)('tracewire ui following apps as they record', () => {
  const viewer = useViewer(seedCalls);
  let page: Page;
  let url: string;
  let dir: string;
  let pageErrors: string[];
  beforeEach(() => ({ page, url, dir, pageErrors } = viewer));
  const selectedIds = (view: string) => selectedIdsOf(page, view);
  const rowIds = () => rowIdsOf(page);

  /** Writes one trace into the store as an app would: a root call of op `live_job`, started now. */
  function writeTrace(id: string, status: 'running' | 'success'): void {
    writeCalls(id, [{ id, parentId: null, status, name: 'live_job' }]);
  }
  const writeCalls = (trace: string, calls: LiveCall[]) => writeStore(dir, liveCalls(trace, calls));
  const traceRequests = () => traceRequestsOf(page);
  const firstRow = () => page.locator('table.traces tbody tr').first();
  const waitForFirstRow = (traceId: string, status: string) => page.waitForFunction(([id, s]) => {
    const row = document.querySelector('table.traces tbody tr');
    return row?.getAttribute('data-trace-id') === id && row.classList.contains(`status-${s}`);
  }, [traceId, status], { timeout: 10_000 });

  const waitForRow = (traceId: string, status: string) => page.waitForFunction(([id, s]) =>
    document.querySelector(`table.traces tbody tr[data-trace-id="${id}"]`)?.classList.contains(`status-${s}`), [traceId, status], { timeout: 10_000 });

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

  it('redraws only the rows that changed: the others keep their elements and selected text', async () => {
    await page.goto(url);
    await page.waitForSelector('table.traces tbody tr');
    writeTrace('keyed', 'running');
    await waitForFirstRow('trace-keyed', 'running');
    await page.evaluate(() => {
      const rows = Array.from(document.querySelectorAll('table.traces tbody tr'));
      (window as unknown as { shownRows: Element[] }).shownRows = rows;
      // A reader selects the last row's output, to copy it.
      const range = document.createRange();
      range.selectNodeContents(rows.at(-1)!.lastElementChild!);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
    });
    const selected = await page.evaluate(() => getSelection()!.toString());
    expect(selected.length).toBeGreaterThan(0);
    writeTrace('keyed', 'success');
    writeTrace('keyed-2', 'success');
    await page.waitForFunction(() => document.querySelector('table.traces tbody tr')?.getAttribute('data-trace-id') === 'trace-keyed-2', undefined, { timeout: 10_000 });
    await waitForRow('trace-keyed', 'success');
    const kept = await page.evaluate(() => (window as unknown as { shownRows: Element[] }).shownRows.map((row) => `${row.getAttribute('data-trace-id')} ${row.isConnected}`));
    // The row that changed was drawn again, in its place; every other one is the element it was.
    expect(kept).toEqual([
      'trace-keyed false',
      ...kept.slice(1).map((entry) => `${entry.split(' ')[0]} true`),
    ]);
    expect(await rowIds()).toEqual(['trace-keyed-2', 'trace-keyed', ...kept.slice(1).map((entry) => entry.split(' ')[0])]);
    expect(await page.evaluate(() => getSelection()!.toString())).toBe(selected);
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

  it('follows a running trace until its calls end, keeping the tab and the selected call', async () => {
    writeCalls('follow', [{ id: 'follow-root', parentId: null, status: 'running' }, { id: 'follow-a', parentId: 'follow-root', status: 'running' }]);
    await page.goto(`${url}#/trace/trace-follow`);
    await page.click('.bar[data-call-id="follow-a"]');
    await page.waitForSelector('.call-details[data-call-id="follow-a"]');
    expect(await page.locator('.trace-head .live-note').count()).toBe(1);
    await page.click('button[role=tab]:has-text("Architecture")');
    await page.waitForSelector('.architecture');
    // Live reads ask for what changed since the last write they saw, and get only that back.
    const answers: Array<{ url: string; ids: string[] }> = [];
    page.on('response', async (response) => {
      if (!response.url().includes('/api/trace?')) return;
      const body = await response.json().catch(() => ({ calls: [] }));
      answers.push({ url: response.url(), ids: body.calls.map((c: { id: string }) => c.id) });
    });
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
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer.url).toMatch(/[?&]since=\d+/);
    expect(answers.flatMap((a) => a.ids).sort()).toEqual(['follow-a', 'follow-b', 'follow-root']);
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


  it('leaves the details of the selected call as they are (scroll, selected text) while other calls change', async () => {
    const output = Array.from({ length: 400 }, (_, i) => `line ${i} of a long answer`).join('\n');
    const withOutput = (calls: ReturnType<typeof liveCalls>, text: string) => calls.map((call) => (call.id === 'details-a' ? { ...call, output: text } : call));
    writeStore(dir, withOutput(liveCalls('details', [{ id: 'details-root', parentId: null, status: 'running' }, { id: 'details-a', parentId: 'details-root', status: 'success' }]), output));
    await page.goto(`${url}#/trace/trace-details`);
    await page.click('.bar[data-call-id="details-a"]');
    await page.waitForSelector('.call-details[data-call-id="details-a"]');
    const read = () => page.evaluate(() => {
      const pre = document.querySelector('[data-section=output] pre')!;
      return { scrollTop: pre.scrollTop, selection: getSelection()!.toString(), same: document.querySelector('.call-details') === (window as unknown as { details: Element }).details };
    });
    await page.evaluate(() => {
      const pre = document.querySelector('[data-section=output] pre')!;
      pre.scrollTop = 3000;
      const range = document.createRange();
      range.setStart(pre.firstChild!, 2000);
      range.setEnd(pre.firstChild!, 2100);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      (window as unknown as { details: Element }).details = document.querySelector('.call-details')!;
    });
    const before = await read();
    expect(before.scrollTop).toBeGreaterThan(0);
    expect(before.selection).toHaveLength(100);
    writeCalls('details', [{ id: 'details-b', parentId: 'details-root', status: 'success', startMs: 200 }]);
    await page.waitForSelector('.bar[data-call-id="details-b"]', { timeout: 10_000 });
    expect(await read()).toEqual(before);
    // The selected call itself changing does show it again.
    writeStore(dir, withOutput(liveCalls('details', [{ id: 'details-a', parentId: 'details-root', status: 'success' }]), 'a new answer'));
    await page.waitForFunction(() => document.querySelector('[data-section=output] pre')?.textContent === 'a new answer', undefined, { timeout: 10_000 });
    expect(pageErrors).toEqual([]);
  });

  it('stops reading a trace whose running calls have shown no change for an hour, until asked to follow it again', async () => {
    writeStore(dir, orphanTrace(26));
    const reads = traceRequests();
    await page.goto(`${url}#/trace/trace-orphan`);
    await page.waitForSelector('.trace-head .live-note button');
    expect(await page.locator('.trace-head .live-note').innerText()).toMatch(/^No change for 25h 59m though calls are still running/);
    await page.waitForTimeout(4500);
    // The one read that opened it, and no other.
    expect(reads).toHaveLength(1);
    await page.click('.live-note button:has-text("Follow again")');
    expect(await page.locator('.trace-head .live-note').innerText()).toBe('Live: updated while calls run');
    await page.waitForFunction(() => performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/trace?')).length >= 2, undefined, { timeout: 5000 });
    expect(pageErrors).toEqual([]);
  });
});
