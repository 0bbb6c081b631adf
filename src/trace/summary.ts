/** Adding usage and cost numbers per model, for a call and the ancestors it rolls up into. */
import { copyKeys } from '../copy-keys.js';
import { priceFor } from '../cost/index.js';
import type { Cost, Summary, Usage } from '../types.js';

/** Adds every numeric field of `usage` into `target`; a field absent from both stays absent. */
export function addUsageTo(target: Usage, usage: Usage): void {
  for (const key in usage) {
    const value = usage[key];
    if (typeof value !== 'number') continue;
    target[key] = (target[key] ?? 0) + value;
  }
}

export function addCostTo(summary: Summary, model: string, cost: Cost): void {
  summary.costs ??= {};
  const existing = summary.costs[model];
  if (existing) {
    existing.inputCost += cost.inputCost;
    existing.outputCost += cost.outputCost;
    existing.totalCost += cost.totalCost;
  } else {
    summary.costs[model] = copyKeys(cost);
  }
  summary.totalCost = (summary.totalCost ?? 0) + cost.totalCost;
}

export function priceUsage(provider: string | undefined, model: string, usage: Usage, at: number): Cost | undefined {
  try {
    return priceFor({ provider, model, usage, at });
  } catch {
    return undefined;
  }
}
