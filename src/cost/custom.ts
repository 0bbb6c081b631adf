/**
 * Custom prices registered with `tracewire.addCost` (fine-tuned or self-hosted models,
 * negotiated rates). They override the bundled prices; see SPEC §2 for the contract.
 */
import { warn, describeError } from '../log.js';
import type { CustomCost } from '../store/costs.js';
import type { Cost } from '../types.js';
import type { PriceQuery } from './index.js';

/** What `tracewire.addCost` accepts. Costs are USD per token. */
export interface AddCostInput {
  /** Matches the model string the provider reported, exactly. */
  model: string;
  /** Omitted: the price applies whatever provider served the model. */
  provider?: string;
  /** Input neither read from nor written to the cache. */
  inputTokenCost: number;
  /** All output tokens, reasoning included. */
  outputTokenCost: number;
  /** Omitted: cached input costs `inputTokenCost`. */
  cacheReadTokenCost?: number;
  cacheWriteTokenCost?: number;
  /**
   * When the price starts to apply (default: now). An ISO string: a date alone is midnight UTC;
   * a date-time without an offset is local time, as `new Date(string)` reads it.
   */
  effectiveDate?: Date | string;
}

/** A validated custom price: the store's `CustomCost` without the project. */
export type CustomPrice = Omit<CustomCost, 'project'>;

const FIELDS = new Set([
  'model', 'provider', 'inputTokenCost', 'outputTokenCost', 'cacheReadTokenCost', 'cacheWriteTokenCost', 'effectiveDate',
]);

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function fail(field: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new TypeError(`addCost: ${field} must be ${expected}, got ${shown}`);
}

function tokenCost(input: Record<string, unknown>, field: string, optional: boolean): number | null {
  const value = input[field];
  if (optional && (value === undefined || value === null)) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(field, 'a finite number >= 0 (USD per token)', value);
  }
  return value;
}

function isoDateMs(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

function effectiveDateMs(value: unknown, now: number): number {
  if (value === undefined || value === null) return now;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) fail('effectiveDate', 'a valid Date', 'Invalid Date');
    return ms;
  }
  if (typeof value === 'string') {
    const ms = isoDateMs(value);
    if (ms === undefined) fail('effectiveDate', 'an ISO-8601 date or date-time (e.g. "2025-06-01" or "2025-06-01T00:00:00Z")', value);
    return ms;
  }
  return fail('effectiveDate', 'a Date or an ISO-8601 string', value);
}

/** Checks every field of an addCost argument; throws a TypeError naming the first bad one. */
export function normalizeCost(input: unknown, now: number = Date.now()): CustomPrice {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError('addCost: expected an object { model, inputTokenCost, outputTokenCost, ... }');
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!FIELDS.has(key)) throw new TypeError(`addCost: unknown field ${key} (expected one of ${[...FIELDS].join(', ')})`);
  }
  const { model, provider } = record;
  if (typeof model !== 'string' || model.trim() === '') fail('model', 'a non-empty string', model);
  if (provider !== undefined && provider !== null && (typeof provider !== 'string' || provider.trim() === '')) {
    fail('provider', 'a non-empty string when given', provider);
  }
  return {
    model,
    provider: typeof provider === 'string' ? provider : null,
    inputTokenCost: tokenCost(record, 'inputTokenCost', false)!,
    outputTokenCost: tokenCost(record, 'outputTokenCost', false)!,
    cacheReadTokenCost: tokenCost(record, 'cacheReadTokenCost', true),
    cacheWriteTokenCost: tokenCost(record, 'cacheWriteTokenCost', true),
    effectiveDateMs: effectiveDateMs(record.effectiveDate, now),
    createdAtMs: now,
  };
}

/** The cost of `usage` at a custom price (SPEC §2 arithmetic). */
export function costAt(price: CustomPrice, usage: PriceQuery['usage']): Cost {
  const input = usage.inputTokens ?? 0;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, input - cacheRead - cacheWrite);
  const inputCost = uncached * price.inputTokenCost +
    cacheRead * (price.cacheReadTokenCost ?? price.inputTokenCost) +
    cacheWrite * (price.cacheWriteTokenCost ?? price.inputTokenCost);
  const outputCost = (usage.outputTokens ?? 0) * price.outputTokenCost;
  return { inputCost, outputCost, totalCost: inputCost + outputCost };
}

/** Asked for every call with usage, custom prices or not: no array built for it. */
function hasTokens(usage: PriceQuery['usage']): boolean {
  return typeof usage.inputTokens === 'number' || typeof usage.outputTokens === 'number' ||
    typeof usage.cacheReadTokens === 'number' || typeof usage.cacheWriteTokens === 'number';
}

/**
 * The custom prices known to this process. Which one applies to a call: among the entries
 * whose model equals the reported model exactly and whose provider equals the call's
 * provider (case-insensitively) or is unset, the newest effective date not after the call's
 * start. At equal dates a provider-specific entry wins over a provider-less one, then the
 * one added last.
 */
export class CustomPrices {
  private readonly byModel = new Map<string, CustomPrice[]>();

  /** Validates and adds one price (TypeError naming the bad field); returns what was stored. */
  add(input: AddCostInput, now: number = Date.now()): CustomPrice {
    const price = normalizeCost(input, now);
    this.insert(price);
    return price;
  }

  /** Adds prices already validated, e.g. read back from the local store. */
  load(prices: Iterable<CustomPrice>): void {
    for (const price of prices) this.insert(price);
  }

  clear(): void {
    this.byModel.clear();
  }

  get size(): number {
    let n = 0;
    for (const list of this.byModel.values()) n += list.length;
    return n;
  }

  /** The price that applies to a call, or undefined (then the bundled prices are asked). */
  find(query: Pick<PriceQuery, 'provider' | 'model' | 'at'>): CustomPrice | undefined {
    const list = this.byModel.get(query.model);
    if (!list) return undefined;
    const provider = query.provider?.toLowerCase();
    let best: CustomPrice | undefined;
    for (const price of list) {
      if (price.effectiveDateMs > query.at) continue;
      if (price.provider !== null && price.provider.toLowerCase() !== provider) continue;
      if (!best || outranks(price, best)) best = price;
    }
    return best;
  }

  /** Cost at the applicable custom price; undefined when none applies or no tokens were reported. */
  priceFor(query: PriceQuery): Cost | undefined {
    if (!hasTokens(query.usage)) return undefined;
    const price = this.find(query);
    return price ? costAt(price, query.usage) : undefined;
  }

  private insert(price: CustomPrice): void {
    const list = this.byModel.get(price.model);
    if (list) list.push(price);
    else this.byModel.set(price.model, [price]);
  }
}

/** Later entries win ties on createdAt, so `>=` there keeps the one added last. */
function outranks(a: CustomPrice, b: CustomPrice): boolean {
  if (a.effectiveDateMs !== b.effectiveDateMs) return a.effectiveDateMs > b.effectiveDateMs;
  const aSpecific = a.provider !== null, bSpecific = b.provider !== null;
  if (aSpecific !== bSpecific) return aSpecific;
  return a.createdAtMs >= b.createdAtMs;
}

/** What the cost module needs from the local store (src/store/local-store.ts `LocalStore` has both). */
export interface CostStore {
  insertCost(cost: CustomCost): void;
  listCosts(project: string): CustomCost[];
}

/** Fills `prices` with the project's stored custom prices; a store that cannot be read is reported, not thrown. */
export function loadStoredCosts(prices: CustomPrices, store: CostStore, project: string): void {
  let stored: CustomCost[];
  try {
    stored = store.listCosts(project);
  } catch (error) {
    warn(`could not read the custom prices of project ${project} from the local store; ` +
      `only prices added in this process apply: ${describeError(error)}`);
    return;
  }
  prices.load(stored.map(({ project: _project, ...price }) => price));
}

/**
 * `tracewire.addCost`: validates (throws TypeError), applies the price in this process, then
 * saves it in the store under `project` so later processes load it. A store write that fails
 * is reported with a warning; the price still applies in this process.
 */
export function addCost(
  prices: CustomPrices, input: AddCostInput, persist?: { store: CostStore; project: string },
): CustomPrice {
  const price = prices.add(input);
  if (persist) {
    try {
      persist.store.insertCost({ project: persist.project, ...price });
    } catch (error) {
      warn(`addCost: the price of ${price.model} applies in this process but could not be saved ` +
        `in the local store: ${describeError(error)}`);
    }
  }
  return price;
}
