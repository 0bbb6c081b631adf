/**
 * The prices in force for the configured project: custom prices (added in this process or
 * saved by an earlier one) over the bundled tables. Saved prices are loaded on first use,
 * not at init(), so configuring tracewire creates no file.
 */
import { addCost, CustomPrices, loadStoredCosts, type AddCostInput, type CostStore, type CustomPrice } from './custom.js';
import { setPricer, type Pricer } from './index.js';
import { createPricer } from './pricer.js';

/** Opens the local store when there is one; `create` is false when only reading. */
export type CostStoreSource = (create: boolean) => CostStore | null;

export class CostBook {
  private readonly prices = new CustomPrices();
  private readonly pricer: Pricer;
  private loaded = false;
  /** Prices added in this process, which a store may not hold (there may be none). */
  private readonly added: CustomPrice[];

  /** `carried`: what the book this one replaces had added for the same project (init() again). */
  constructor(readonly project: string, private readonly storeFor: CostStoreSource, carried: readonly CustomPrice[] = []) {
    this.added = [...carried];
    this.prices.load(carried);
    const inner = createPricer(this.prices);
    this.pricer = (query) => {
      this.load();
      return inner(query);
    };
  }

  install(): void {
    setPricer(this.pricer);
  }

  add(input: AddCostInput): CustomPrice {
    this.load();
    const store = this.storeFor(true);
    const price = addCost(this.prices, input, store ? { store, project: this.project } : undefined);
    this.added.push(price);
    return price;
  }

  /** The prices a book replacing this one keeps when the project stays the same. */
  get addedHere(): readonly CustomPrice[] {
    return this.added;
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const store = this.storeFor(false);
    if (store) loadStoredCosts(this.prices, store, this.project);
  }
}
