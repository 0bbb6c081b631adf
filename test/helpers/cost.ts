/** Cost tests: build a price query and check a cost to 12 decimal places. */
import { expect } from 'vitest';
import type { PriceQuery } from '../../src/cost/index.js';
import type { Cost, Usage } from '../../src/types.js';

export const at = (iso: string) => Date.parse(iso);

export function expectCost(actual: Cost | undefined, inputCost: number, outputCost: number, totalCost = inputCost + outputCost): void {
  expect(actual).toBeDefined();
  expect(actual!.inputCost).toBeCloseTo(inputCost, 12);
  expect(actual!.outputCost).toBeCloseTo(outputCost, 12);
  expect(actual!.totalCost).toBeCloseTo(totalCost, 12);
}

/** A price query for one request with `usage`, made at `when`. */
export function query(provider: string | undefined, model: string, usage: Omit<Usage, 'requests'>, when = '2025-08-01T00:00:00Z'): PriceQuery {
  return { provider, model, usage: { requests: 1, ...usage }, at: at(when) };
}
