/** Adding usage and cost numbers per model, for a call and the ancestors it rolls up into. */
import { copyKeys, setKey } from '../copy-keys.js';
import { priceFor } from '../cost/index.js';
import { state } from '../state.js';
import type { Cost, Summary, Usage } from '../types.js';
import type { LiveCall } from './call.js';

/**
 * Adds `from`'s usage, per model, and its cost to `from` and every ancestor. An ancestor that
 * ended, or was recorded while running, is queued again, so that the store shows the usage so
 * far (once per batch: the queue keeps a call once).
 */
export function rollUp(from: LiveCall, usageByModel: Array<[string, Usage]>): void {
  for (const [model, usage] of usageByModel) {
    const cost = priceUsage(from.spec.provider, model, usage, from.startedAt);
    for (let call: LiveCall | undefined = from; call; call = call.parent) {
      const summary = call.summaryNow;
      summary.usage ??= {};
      const target = ownEntry(summary.usage, model);
      if (target) addUsageTo(target, usage);
      // The entry is `from`'s own and dropped after the roll-up: its summary may keep it.
      else setKey(summary.usage, model, call === from ? usage : copyKeys(usage));
      if (cost) addCostTo(summary, model, cost);
    }
  }
  for (let ancestor = from.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor.ended || ancestor.announced) state.recorder?.enqueue(ancestor);
  }
}

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
  const existing = ownEntry(summary.costs, model);
  if (existing) {
    existing.inputCost += cost.inputCost;
    existing.outputCost += cost.outputCost;
    existing.totalCost += cost.totalCost;
  } else {
    setKey(summary.costs, model, { inputCost: cost.inputCost, outputCost: cost.outputCost, totalCost: cost.totalCost });
  }
  summary.totalCost = (summary.totalCost ?? 0) + cost.totalCost;
}

/**
 * The entry of `model` only if it is the object's own: a model named like a key of
 * Object.prototype ("constructor", "__proto__") must not read, and then add to, the prototype's.
 */
function ownEntry<T>(byModel: Record<string, T>, model: string): T | undefined {
  return Object.hasOwn(byModel, model) ? byModel[model] : undefined;
}

export function priceUsage(provider: string | undefined, model: string, usage: Usage, at: number): Cost | undefined {
  try {
    return priceFor({ provider, model, usage, at });
  } catch {
    return undefined;
  }
}
