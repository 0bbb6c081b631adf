import { describe, expect, it } from 'vitest';
// The bench's verdicts rest on this interval (bench/lib/summary-*.mjs), so it is tested here.
// @ts-expect-error: a plain .mjs module without types
import { medianInterval } from '../../bench/lib/measure.mjs';

const ranks = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('medianInterval: distribution-free 95% interval of a median', () => {
  it('uses the order statistics of the binomial table (n = 15: 4th and 12th; n = 31: 10th and 22nd)', () => {
    expect(medianInterval(ranks(15))).toEqual([4, 12]);
    expect(medianInterval(ranks(31))).toEqual([10, 22]);
    expect(medianInterval(ranks(61))).toEqual([23, 39]);
  });

  it('sorts its input and leaves it as it was', () => {
    const values = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10, 11, 12, 13, 14, 15].reverse();
    const copy = [...values];
    expect(medianInterval(values)).toEqual([4, 12]);
    expect(values).toEqual(copy);
  });

  it('narrows as rounds are added, unlike the quartiles', () => {
    const width = (n: number) => {
      const [low, high] = medianInterval(ranks(n).map((r) => r / n));
      return high - low;
    };
    expect(width(61)).toBeLessThan(width(31));
    expect(width(31)).toBeLessThan(width(15));
  });

  it('stays an interval around the median past 1,074 values, where 0.5 ** n underflows', () => {
    // Normal approximation: about n/2 ± 0.98·√n, here 1,500 ± 54.
    const [low, high] = medianInterval(ranks(3000));
    expect(low).toBeGreaterThan(1440);
    expect(low).toBeLessThan(1460);
    expect(high).toBeGreaterThan(1540);
    expect(high).toBeLessThan(1560);
  });

  it('gives the whole range when there are too few values for a 95% interval', () => {
    expect(medianInterval([3, 1, 2, 5, 4])).toEqual([1, 5]);
  });

  it('holds the true median in at least 95% of samples (seeded simulation)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let covered = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const [low, high] = medianInterval(Array.from({ length: 31 }, random));
      if (low <= 0.5 && high >= 0.5) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.95);
  });
});
