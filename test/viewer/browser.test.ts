/**
 * The viewer in a real browser: the table, the trace views, safety of recorded text.
 * (browser-harness.ts starts chromium and `tracewire ui`.)
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { rowIds as rowIdsOf, selectedIds as selectedIdsOf, skipBrowser, useViewer, waitForRows as waitForRowsOf, writeStore } from './browser-harness.js';
import { deepTrace, fillerTraces, HOSTILE_OUTPUT, seedCalls } from './seed.js';

describe.skipIf(skipBrowser)('tracewire ui in a browser', () => {
  const viewer = useViewer(seedCalls);
  let page: Page;
  let url: string;
  let dir: string;
  let pageErrors: string[];
  beforeEach(() => ({ page, url, dir, pageErrors } = viewer));

  const rowIds = () => rowIdsOf(page);
  const selectedIds = (view: string) => selectedIdsOf(page, view);
  const waitForRows = (count: number) => waitForRowsOf(page, count);

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
    expect(await search.locator('table.params thead th').allInnerTexts()).toEqual(['#', 'Latency', 'Status', 'query', 'limit']);
    expect(await search.locator('table.params tbody tr').evaluateAll((rows) => rows.map((row) => Array.from(row.children).map((cell) => cell.textContent)))).toEqual([
      ['1', '90ms', 'success', 'refund policy', '3'],
      ['2', '80ms', 'success', 'refund timing', '5'],
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

  it('draws a trace thousands of calls deep, the rows in view at a time', async () => {
    writeStore(dir, deepTrace(3000));
    await page.goto(`${url}#/trace/trace-deep?project=deep`);
    await page.waitForSelector('.bar[data-call-id="deep-0"]');
    // Rows are drawn as they come into view, each in its place on the page.
    expect(await page.locator('.timeline .bar').count()).toBeLessThan(200);
    expect(await page.locator('.timeline-rows').evaluate((rows) => rows.getBoundingClientRect().height)).toBe(3000 * 24);
    const label = (id: string) => page.locator(`.timeline-row:has(.bar[data-call-id="${id}"]) .label`)
      .evaluate((item) => ({ text: item.textContent, indent: parseFloat(getComputedStyle(item).paddingLeft) }));
    expect((await label('deep-2')).indent).toBeGreaterThan((await label('deep-1')).indent);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForSelector('.bar[data-call-id="deep-2999"]');
    // Indented as deep as the label column allows, then numbered.
    expect(await label('deep-2999')).toEqual({ text: '2999↳ step_2999', indent: (await label('deep-2950')).indent });
    await page.click('.bar[data-call-id="deep-2999"]');
    await page.waitForSelector('.call-details[data-call-id="deep-2999"]');
    await page.click('button[role=tab]:has-text("Architecture")');
    await page.waitForSelector('li.component[data-depth="2999"] tr[data-call-id="deep-2999"]');
    expect(pageErrors).toEqual([]);
  });

  it('shows traces an app wrote meanwhile on Refresh', async () => {
    await page.goto(url);
    await waitForRows(6);
    writeStore(dir, fillerTraces(1, 'demo').map((call) => ({ ...call, id: 'late', traceId: 'trace-late', startedAt: new Date().toISOString(), opName: 'late_job', displayName: 'late_job' })));
    await page.click('button:has-text("Refresh")');
    await waitForRows(7);
    expect((await rowIds())[0]).toBe('trace-late');
    expect(await page.locator('select[aria-label=Operation] option').allInnerTexts()).toContain('late_job');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => viewer.ui.once('exit', resolve));
    viewer.ui.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
