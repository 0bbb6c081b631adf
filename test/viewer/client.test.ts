/** The viewer page's pure parts: where bars go, how durations read, how often a live trace is read. */
import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/types.js';
import { formatDuration } from '../../src/viewer/client/dom.js';
import { followDelay } from '../../src/viewer/client/live.js';
import { latestMoment, spansOf } from '../../src/viewer/client/spans.js';
import { orphanTrace } from './seed.js';

const HOUR = 3_600_000;

describe('the viewer page', () => {
  it('ends a call with no recorded end at the trace\'s latest moment, not at the viewer\'s "now"', () => {
    const calls = orphanTrace();
    const { spans, t0, t1 } = spansOf(calls);
    expect(t1 - t0).toBe(6900);
    expect(latestMoment(calls)).toBe(t1);
    const byId = Object.fromEntries(spans.map((span) => [span.call.id.replace('orphan-', ''), span]));
    expect(byId.root).toMatchObject({ start: t0, end: t1, unfinished: true });
    expect(byId.c).toMatchObject({ start: t0 + 4800, end: t1, unfinished: true });
    expect(byId.a).toMatchObject({ start: t0 + 100, end: t0 + 1600, unfinished: false });
    expect(spans.map((span) => span.depth)).toEqual([0, 1, 1, 2]);
  });

  it('draws calls another writer stored oddly without failing', () => {
    const [root] = orphanTrace();
    const odd = { ...root!, id: 'odd', parentId: root!.id, startedAt: 'not a time', endedAt: null, summary: undefined as unknown as Call['summary'] };
    const { spans } = spansOf([root!, odd]);
    expect(spans[1]).toMatchObject({ start: spans[0]!.start, unfinished: true });
  });

  it('writes durations past a minute in minutes and hours', () => {
    expect(formatDuration(undefined)).toBe('-');
    expect(formatDuration(400)).toBe('400ms');
    expect(formatDuration(6900)).toBe('6.90s');
    expect(formatDuration(59_990)).toBe('59.99s');
    expect(formatDuration(61_500)).toBe('1m 01s');
    expect(formatDuration(26 * HOUR + 61_000)).toBe('26h 01m');
  });

  it('reads a running trace less often the longer it shows no change, and stops after an hour', () => {
    expect(followDelay(0)).toBe(2000);
    expect(followDelay(15_000)).toBe(2000);
    expect(followDelay(60_000)).toBe(6000);
    expect(followDelay(10 * 60_000)).toBe(60_000);
    expect(followDelay(59 * 60_000)).toBe(60_000);
    expect(followDelay(HOUR)).toBeUndefined();
    expect(followDelay(26 * HOUR)).toBeUndefined();
  });
});
