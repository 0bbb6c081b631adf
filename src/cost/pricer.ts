/**
 * The pricer tracewire installs with `setPricer`: custom prices (addCost) first, then the
 * bundled genai-prices data, else no cost at all (never 0) and one warning per model.
 */
import { describeError, warnOnce } from '../log.js';
import type { Cost } from '../types.js';
import type { CustomPrices } from './custom.js';
import type { PriceQuery, Pricer } from './index.js';
import { bundledPrice, hasBillableUsage } from './prices.js';

export interface PricerOptions {
  /** Where bundled prices come from (tests may replace it). */
  bundled?: (query: PriceQuery) => Cost | undefined;
}

function describeProvider(provider: string | undefined): string {
  return provider === undefined ? 'an unknown provider' : `provider ${provider}`;
}

export function createPricer(custom: CustomPrices, options: PricerOptions = {}): Pricer {
  const bundled = options.bundled ?? bundledPrice;
  return (query) => {
    const own = custom.priceFor(query);
    if (own) return own;
    // Nothing priced was reported (e.g. a stream without usage): no cost, and nothing to warn about.
    if (!hasBillableUsage(query.usage)) return undefined;
    let cost: Cost | undefined;
    try {
      cost = bundled(query);
    } catch (error) {
      warnOnce(`cost:invalid:${query.model}`,
        `could not price ${query.model} (${describeProvider(query.provider)}): its usage is inconsistent ` +
        `(${describeError(error)}); calls using it have no cost`);
      return undefined;
    }
    if (cost) return cost;
    const unknown = `no price known for model ${query.model} (${describeProvider(query.provider)}): calls using it have no cost`;
    // addCost prices tokens; advice to use it only helps where the usage is in tokens.
    const tokens = query.usage.inputTokens !== undefined || query.usage.outputTokens !== undefined;
    warnOnce(`cost:unknown:${query.model}`, tokens
      ? `${unknown}. Add one with tracewire.addCost({ model: ${JSON.stringify(query.model)}, ` +
        (query.provider !== undefined ? `provider: ${JSON.stringify(query.provider)}, ` : '') +
        'inputTokenCost, outputTokenCost }) (USD per token)'
      : `${unknown}.`);
    return undefined;
  };
}
