/**
 * The viewer's layout in a real browser: what fits on a screen, what scrolls, what stays
 * readable. (browser-harness.ts starts chromium and `tracewire ui`.)
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/types.js';
import { skipBrowser, useViewer, waitForRows } from './browser-harness.js';
import { fillerTraces, seedCalls } from './seed.js';

/** A trace whose name, error and previews run long, as real ones do. */
function longTrace(): Call[] {
  const [call] = fillerTraces(1, 'demo');
  const words = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
  return [{
    ...call!, id: 'long', traceId: 'trace-long', startedAt: new Date().toISOString(), status: 'error',
    opName: 'summarize_customer_conversation_history_for_the_support_dashboard', displayName: `summarize ${words('conversation', 20)}`,
    inputs: { text: words('input', 80) }, output: words('output', 80),
    exception: { type: 'BadRequestError', message: `400 ${words('This model\'s maximum context length is exceeded', 10)}` },
  }];
}

describe.skipIf(skipBrowser)('tracewire ui: layout', () => {
  const viewer = useViewer(() => [...seedCalls(), ...longTrace()]);
  let page: Page;
  let url: string;
  let pageErrors: string[];
  beforeEach(() => ({ page, url, pageErrors } = viewer));

  it('fits the trace table to common screen widths, long names, errors and previews cut short', async () => {
    for (const width of [1280, 1400, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(url);
      await waitForRows(page, 7);
      const fit = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        output: Math.round(document.querySelector('table.traces thead th:last-child')!.getBoundingClientRect().right),
      }));
      expect(fit.page, `page width at ${width} px`).toBeLessThanOrEqual(width);
      expect(fit.output, `right edge of Output at ${width} px`).toBeLessThanOrEqual(width);
    }
    // What is cut short is all there to read on hover.
    const row = page.locator('tr[data-trace-id="trace-long"]');
    expect(await row.locator('td.preview').last().getAttribute('title')).toMatch(/^output0 output1 /);
    expect(await row.locator('.exception').getAttribute('title')).toMatch(/^BadRequestError: 400 /);
    expect(pageErrors).toEqual([]);
  });
});
