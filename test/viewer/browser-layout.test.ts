/**
 * The viewer's layout in a real browser: what fits on a screen, what scrolls, what stays
 * readable. (browser-harness.ts starts chromium and `tracewire ui`.)
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/types.js';
import { skipBrowser, useViewer, waitForRows } from './browser-harness.js';
import { deepTrace, fillerTraces, orphanTrace, seedCalls } from './seed.js';

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

/** A support bot's chat calls with the ten parameters real ones have (trace-params). */
function paramsTrace(): Call[] {
  const [base] = fillerTraces(1, 'demo');
  const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const root: Call = { ...base!, id: 'params-root', traceId: 'trace-params', opName: 'support_bot', displayName: 'support_bot', kind: 'agent', inputs: { ticket: 'My order #1234 never arrived' } };
  return [root, ...[0, 1, 2].map((i): Call => ({
    ...base!, id: `params-${i}`, traceId: 'trace-params', parentId: root.id, opName: 'openai.chat.completions.create', displayName: 'openai.chat.completions.create', kind: 'llm',
    inputs: {
      model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a helpful support agent for ACME. Be concise.' }, { role: 'user', content: 'My order #1234 never arrived, what can I do?' }],
      temperature: 0.2, max_tokens: 512, tools, tool_choice: 'auto', response_format: { type: 'text' }, top_p: 1, seed: 42, user: 'user-123',
    },
  }))];
}

/** Calls whose inputs another writer stored as null, a list and a plain string (trace-odd). */
function oddInputsTrace(): Call[] {
  const [base] = fillerTraces(1, 'demo');
  const root: Call = { ...base!, id: 'odd-root', traceId: 'trace-odd', opName: 'odd_root', displayName: 'odd_root' };
  return [root, ...([null, ['a', 'b'], 'plain', { a: 1 }] as const).map((inputs, i): Call => ({
    ...base!, id: `odd-${i}`, traceId: 'trace-odd', parentId: root.id, opName: 'leaf', displayName: 'leaf', inputs: inputs as unknown as Call['inputs'],
  }))];
}

describe.skipIf(skipBrowser)('tracewire ui: layout', () => {
  const viewer = useViewer(() => [...seedCalls(), ...longTrace(), ...paramsTrace(), ...oddInputsTrace(), ...orphanTrace(), ...deepTrace(20)]);
  let page: Page;
  let url: string;
  let pageErrors: string[];
  beforeEach(() => ({ page, url, pageErrors } = viewer));

  it('fits the trace table to common screen widths, long names, errors and previews cut short', async () => {
    for (const width of [1280, 1400, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(url);
      await waitForRows(page, 10);
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

  it('scrolls a component\'s many parameters sideways within the component, clear of the details', async () => {
    await page.goto(`${url}#/trace/trace-params`);
    await page.click('button[role=tab]:has-text("Architecture")');
    await page.waitForSelector('.architecture table.params');
    const fit = await page.evaluate(() => {
      const box = Array.from(document.querySelectorAll('.params-scroll')).at(-1)!;
      const details = document.querySelector('aside.details')!.getBoundingClientRect();
      return { right: box.getBoundingClientRect().right, detailsLeft: details.left, scrolls: box.scrollWidth > box.clientWidth, page: document.documentElement.scrollWidth };
    });
    expect(fit.right).toBeLessThanOrEqual(fit.detailsLeft);
    expect(fit.scrolls).toBe(true);
    expect(fit.page).toBeLessThanOrEqual(1400);
    // Each call's latency and status are in view without scrolling.
    const status = await page.locator('.architecture > li.component').nth(1).locator('tbody tr').first().locator('td').nth(2).evaluate((cell) => cell.getBoundingClientRect().right);
    expect(status).toBeLessThanOrEqual(fit.detailsLeft);
    expect(pageErrors).toEqual([]);
  });

  it('shows the architecture of calls whose inputs are null, a list or a plain value', async () => {
    await page.goto(`${url}#/trace/trace-odd`);
    await page.click('button[role=tab]:has-text("Architecture")');
    await page.waitForSelector('.architecture tr[data-call-id="odd-3"]');
    const leaf = page.locator('.architecture > li.component').nth(1);
    expect(await leaf.locator('thead th').allInnerTexts()).toEqual(['#', 'Latency', 'Status', 'inputs', 'a']);
    expect(await leaf.locator('tbody tr').evaluateAll((rows) => rows.map((row) => Array.from(row.children).slice(3).map((cell) => cell.textContent)))).toEqual([
      ['', ''], ['["a","b"]', ''], ['plain', ''], ['', '1'],
    ]);
    expect(pageErrors).toEqual([]);
  });

  it('keeps deep labels readable: the indent stops growing and the depth is shown', async () => {
    await page.goto(`${url}#/trace/trace-deep?project=deep`);
    await page.waitForSelector('.bar[data-call-id="deep-19"]');
    const labels = await page.locator('.timeline-row:not(.axis) .label').evaluateAll((items) => items.map((item) => ({
      text: item.textContent, cut: item.scrollWidth > item.clientWidth, indent: parseFloat(getComputedStyle(item).paddingLeft), width: item.clientWidth,
    })));
    expect(labels).toHaveLength(20);
    for (const [depth, label] of labels.entries()) {
      expect(label.cut, `label at depth ${depth}`).toBe(false);
      expect(label.indent).toBeLessThanOrEqual(label.width / 2);
    }
    expect(labels[13]!.text).toBe('13↳ step_13');
    expect(labels[19]!.indent).toBe(labels[6]!.indent);
  });

  it('ends the bars of calls a killed process left running at the trace\'s latest moment, marked unfinished', async () => {
    await page.goto(`${url}#/trace/trace-orphan`);
    await page.waitForSelector('.bar[data-call-id="orphan-d"]');
    const boxes = await page.locator('.timeline .bar').evaluateAll((bars) => Object.fromEntries(bars.map((bar) => {
      const box = bar.getBoundingClientRect();
      return [bar.getAttribute('data-call-id'), { left: box.left, right: box.right, width: box.width, unfinished: bar.classList.contains('unfinished') }];
    })));
    const track = await page.locator('.timeline-row:not(.axis) .track').first().evaluate((el) => el.getBoundingClientRect().width);
    // The 6.9 s the calls spanned fill the axis; the crash a day ago does not stretch it to now.
    expect(boxes['orphan-d']!.width).toBeGreaterThan(track * 0.25);
    expect(Math.abs(boxes['orphan-root']!.right - boxes['orphan-d']!.right)).toBeLessThan(3);
    expect(boxes['orphan-root']!.unfinished).toBe(true);
    expect(boxes['orphan-c']!.unfinished).toBe(true);
    expect(boxes['orphan-d']!.unfinished).toBe(false);
    const ticks = await page.locator('.axis .tick').allInnerTexts();
    expect([ticks[0], ticks[4]]).toEqual(['0ms', '6.90s']);
    expect(await page.locator('.bar[data-call-id="orphan-root"]').getAttribute('title')).toBe('crashed_job · agent · running · no end recorded, ≥ 6.90s');
    expect(pageErrors).toEqual([]);
  });
});
