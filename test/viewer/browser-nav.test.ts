/**
 * Moving around the viewer in a real browser: back/forward, the back link, paging, and where
 * keyboard focus goes. (browser-harness.ts starts chromium and `tracewire ui`.)
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { focused, rowIds as rowIdsOf, skipBrowser, useViewer, waitForRows as waitForRowsOf } from './browser-harness.js';
import { fillerTraces, seedCalls } from './seed.js';

const pager = (page: Page) => page.locator('.pager span').innerText();

describe.skipIf(skipBrowser)('tracewire ui: navigation', () => {
  const viewer = useViewer(() => [...seedCalls(), ...fillerTraces(120, 'pages')]);
  let page: Page;
  let url: string;
  let pageErrors: string[];
  beforeEach(() => ({ page, url, pageErrors } = viewer));
  const rowIds = () => rowIdsOf(page);
  const waitForRows = (count: number) => waitForRowsOf(page, count);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('shows the table when Back is pressed before the trace clicked has loaded', async () => {
    await page.route('**/api/trace?*', async (route) => {
      await sleep(1500);
      await route.continue().catch(() => undefined);
    });
    await page.goto(url);
    await waitForRows(6);
    await page.click('tr[data-trace-id="trace-agent"]');
    await page.waitForURL(/#\/trace\//);
    await page.goBack();
    await page.waitForURL((address) => !address.hash.includes('/trace/'));
    // Past the moment the trace's answer arrives.
    await sleep(2500);
    expect(await page.locator('.trace-head').count()).toBe(0);
    expect(await rowIds()).toHaveLength(6);
    expect(pageErrors).toEqual([]);
  });

  it('shows the trace last asked for when an earlier one answers later', async () => {
    await page.route('**/api/trace?*', async (route) => {
      await sleep(route.request().url().includes('trace-agent') ? 2000 : 100);
      await route.continue().catch(() => undefined);
    });
    await page.goto(`${url}#/trace/trace-agent`);
    await page.goto(`${url}#/trace/trace-failed`);
    await page.waitForSelector('.trace-head h1');
    await sleep(2500);
    expect(await page.locator('.trace-head h1').allInnerTexts()).toEqual(['openai.chat.completions.create']);
    expect(page.url()).toContain('trace-failed');
    expect(pageErrors).toEqual([]);
  });

  it('"← All traces" goes back to the table it came from, and never out of the viewer', async () => {
    await page.goto(`${url}#/?q=classify`);
    await waitForRows(3);
    await page.click('tr[data-trace-id="trace-demo-filler-0001"]');
    await page.waitForSelector('.trace-head h1');
    await page.click('button.back');
    await waitForRows(3);
    // Back in history: the table as it was, search included.
    expect(page.url()).toBe(`${url}#/?q=classify`);
    expect(await page.inputValue('input[type=search]')).toBe('classify');

    // Opened straight from elsewhere, the trace's back link stays in the viewer.
    await page.goto('data:text/html,<p>another site</p>');
    await page.goto(`${url}#/trace/trace-agent`);
    await page.waitForSelector('.trace-head h1');
    await page.click('button.back');
    await waitForRows(6);
    expect(page.url().startsWith(url)).toBe(true);
  });

  it('shows the search of the address in the search box after Back and Forward', async () => {
    await page.goto(url);
    await waitForRows(6);
    await page.click('th button:has-text("Name")');
    await page.waitForURL(/sort=name/);
    await page.click('input[type=search]');
    await page.keyboard.type('refund timing');
    await waitForRows(1);
    await page.goBack();
    await waitForRows(6);
    expect(page.url()).toBe(url);
    expect(await page.inputValue('input[type=search]')).toBe('');
    await page.goForward();
    await waitForRows(1);
    expect(await page.inputValue('input[type=search]')).toBe('refund timing');
  });

  it('shows the last page for an offset past the end', async () => {
    await page.goto(`${url}#/?offset=100`);
    await waitForRows(6);
    expect(await pager(page)).toBe('1–6 of 6');
    expect(page.url()).not.toContain('offset=100');
    await page.goto(`${url}#/?project=pages&offset=500`);
    await waitForRows(20);
    expect(await pager(page)).toBe('101–120 of 120');
    expect(await page.locator('.pager button:has-text("Newer")').isEnabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('keeps keyboard focus on the pager button, sort header or tab pressed', async () => {
    await page.goto(`${url}#/?project=pages`);
    await waitForRows(50);
    await page.focus('.pager button:has-text("Older")');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.pager span')?.textContent?.startsWith('51–100'));
    expect(await focused(page)).toBe('BUTTON Older →');
    // On the last page "Older" is disabled: focus moves to its neighbour, not to the page.
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.pager span')?.textContent?.startsWith('101–120'));
    expect(await focused(page)).toBe('BUTTON ← Newer');

    await page.focus('th button:has-text("Latency")');
    await page.keyboard.press('Enter');
    await page.waitForSelector('th[aria-sort=descending] button:has-text("Latency")');
    expect(await focused(page)).toBe('BUTTON Latency ▼');

    await page.goto(`${url}#/trace/trace-agent`);
    await page.waitForSelector('.timeline .bar');
    await page.focus('button[role=tab]:has-text("Architecture")');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.architecture');
    expect(await focused(page)).toBe('BUTTON Architecture');
    expect(pageErrors).toEqual([]);
  });
});
