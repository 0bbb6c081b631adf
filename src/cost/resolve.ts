/**
 * genai-prices' `calcPrice`, with the model lookup remembered. Given a provider id, calcPrice
 * scans that provider's models and tests each one's match rules (lower-casing the name per
 * rule, compiling regexes): about 2 µs for an early model, 7-10 µs for one late in the list
 * or one nobody prices, and every traced call with usage pays it. Which model a name matches
 * depends on the price table alone, not on the usage or the time, so it is resolved once per
 * (provider, model):
 * - no match: calcPrice would return null whatever the usage, so it is not asked again;
 * - a match: later calls pass calcPrice that provider with only the matched model in it
 *   (its public `provider` option), so it matches one model instead of scanning, then picks
 *   the price in force at the timestamp and computes the cost exactly as before.
 * The first call of each pair computes both ways and keeps the shortcut only if they agree.
 * Even through the shortcut calcPrice costs microseconds per call, so a model with one flat
 * price is priced from rates measured once (./linear.ts), but only after the first call in that
 * form's domain agreed with calcPrice; other usage, and other models, still go to calcPrice.
 *
 * Entries hang off the library's own provider objects: if the host application replaces the
 * table (the library's `updatePrices`), the new table has new objects and nothing stale is used.
 */
import { calcPrice, findProvider, type PriceCalculation, type Provider, type Usage } from '@pydantic/genai-prices';
import { agrees, linearFor, linearPrice, type Linear } from './linear.js';

/** A pair with a price: the provider holding only the matched model, and its affine cost if any. */
interface Shortcut {
  readonly provider: Provider;
  /** Dropped (undefined) if a real call ever disagrees with it. */
  linear: Linear | undefined;
  /** The probes alone do not prove it: used only once a real call in its domain agreed. */
  checked: boolean;
}

/** null: no price; false: always ask calcPrice in full. */
type Resolution = Shortcut | null | false;

/** Per provider; model names are few in practice, the bound only guards against a flood of them. */
const MAX_MODELS_PER_PROVIDER = 256;
const resolutions = new WeakMap<Provider, Map<string, Resolution>>();

/**
 * The same result as `calcPrice(usage, model, { providerId, timestamp: new Date(at) })`, with
 * `providerId` omitted when undefined. `providerId` is a candidate: one the library does not
 * know is dropped, as tracewire always did, and the model is then matched against every
 * provider.
 */
export function resolvedPrice(usage: Usage, model: string, providerId: string | undefined, at: number): PriceCalculation | null {
  // The provider calcPrice would pick, through the same public lookups it makes itself.
  const named = providerId === undefined ? undefined : namedProvider(providerId, at);
  const id = named ? providerId : undefined;
  // LiteLLM model names carry their provider ("openai/gpt-4o"): calcPrice rewrites them itself.
  if (id !== undefined && id.toLowerCase() === 'litellm') return fullPrice(usage, model, id, at);
  const provider = named ?? findProvider({ modelId: model.toLowerCase().trim() });
  if (!provider) return null;
  let models = resolutions.get(provider);
  if (models === undefined) {
    models = new Map();
    resolutions.set(provider, models);
  }
  const known = models.get(model);
  if (known === null) return null;
  if (known === false) return fullPrice(usage, model, id, at);
  if (known !== undefined) {
    const linear = known.linear;
    if (linear !== undefined && known.checked) {
      const fast = linearPrice(linear, usage);
      if (fast !== undefined) return fast;
    }
    const result = calcPrice(usage, model, { provider: known.provider, timestamp: new Date(at) });
    if (linear !== undefined && !known.checked) check(known, usage, result);
    return result;
  }
  const result = fullPrice(usage, model, id, at);
  if (models.size >= MAX_MODELS_PER_PROVIDER) models.clear();
  models.set(model, result === null ? null : shortcutFor(result, usage, model, new Date(at)));
  return result;
}

/**
 * `findProvider({ providerId })`, asked again at most once a second per id: the lookup scans
 * the library's provider list (lower-casing the id) on every call, and its answer changes only
 * when the host application replaces the price table, which then shows within a second.
 */
const REVALIDATE_MS = 1000;
/** Provider ids are few in practice; the bound only guards against a flood of them. */
const MAX_PROVIDER_IDS = 256;
const namedProviders = new Map<string, { provider: Provider | undefined; checkedAt: number }>();

function namedProvider(providerId: string, at: number): Provider | undefined {
  const known = namedProviders.get(providerId);
  if (known !== undefined && at - known.checkedAt < REVALIDATE_MS && at >= known.checkedAt) return known.provider;
  const provider = findProvider({ providerId });
  if (namedProviders.size >= MAX_PROVIDER_IDS) namedProviders.clear();
  namedProviders.set(providerId, { provider, checkedAt: at });
  return provider;
}

function fullPrice(usage: Usage, model: string, providerId: string | undefined, at: number): PriceCalculation | null {
  const timestamp = new Date(at);
  return calcPrice(usage, model, providerId !== undefined ? { providerId, timestamp } : { timestamp });
}

/** The one-model provider, if pricing through it gives what the full lookup gave. */
function shortcutFor(result: PriceCalculation, usage: Usage, model: string, timestamp: Date): Shortcut | false {
  const provider: Provider = { ...result.provider, models: [result.model] };
  let direct: PriceCalculation | null;
  try {
    direct = calcPrice(usage, model, { provider, timestamp });
  } catch {
    return false;
  }
  const same = direct !== null && direct.model.id === result.model.id &&
    direct.input_price === result.input_price && direct.output_price === result.output_price &&
    direct.total_price === result.total_price &&
    direct.model_price.requests_kcount === result.model_price.requests_kcount;
  if (!same) return false;
  const shortcut: Shortcut = { provider, linear: linearFor(provider, model, timestamp), checked: false };
  check(shortcut, usage, result);
  return shortcut;
}

/** Settles the affine form against calcPrice's result for a real usage, if it is in its domain. */
function check(shortcut: Shortcut, usage: Usage, result: PriceCalculation | null): void {
  if (shortcut.linear === undefined) return;
  const fast = linearPrice(shortcut.linear, usage);
  if (fast === undefined) return;
  if (result !== null && agrees(fast, result)) shortcut.checked = true;
  else shortcut.linear = undefined;
}
