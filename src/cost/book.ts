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

  constructor(private readonly project: string, private readonly storeFor: CostStoreSource) {
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
    return addCost(this.prices, input, store ? { store, project: this.project } : undefined);
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const store = this.storeFor(false);
    if (store) loadStoredCosts(this.prices, store, this.project);
  }
}
