/**
 * Pricing seam: the call lifecycle asks `priceFor` when a call with usage ends. Price data
 * (bundled tables, custom prices from addCost) plugs in through `setPricer`.
 */
import type { Cost, Usage } from '../types.js';

export interface PriceQuery {
  provider: string | undefined;
  model: string;
  usage: Usage;
  /** The call's start time (ms since epoch): prices change over time. */
  at: number;
}

export type Pricer = (query: PriceQuery) => Cost | undefined;

// Global, like the rest of tracewire's state, so both builds (and register) share one pricer.
const KEY = Symbol.for('tracewire.pricer.v1');
const holder = globalThis as unknown as Record<symbol, { pricer?: Pricer }>;
const slot = (holder[KEY] ??= {});

export function setPricer(next: Pricer | undefined): void {
  slot.pricer = next;
}

export function priceFor(query: PriceQuery): Cost | undefined {
  return slot.pricer?.(query);
}
