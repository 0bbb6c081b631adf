/**
 * The cost of token usage as an affine function, for models whose price is one flat rate per
 * unit. calcPrice copies the provider, validates the unit lattice and splits the usage into
 * leaves on every call (about 4 µs even for a one-model provider); for a flat price all of
 * that yields the same few rates every time, so they are measured once and reused.
 *
 * Why the function is affine, in the domain `linearPrice` accepts (genai-prices 0.1.x):
 * - Units nest: the library prices `input_tokens - cache_read - cache_write` (the leaf) at the
 *   input rate and each cache part at its own rate (the input rate when the model has none);
 *   the same for `output_tokens - output_reasoning_tokens`. With every part within its whole
 *   no leaf is negative, so it neither throws nor clamps a rounding residue to 0.
 * - A flat price is `rate * leaf / per`; tiered prices (rate chosen by total input) are not
 *   flat and are never measured here, nor are time-dependent prices (rate chosen by date).
 * - The five keys below are the only ones tracewire passes that have a direction: everything
 *   the library counts in neither input nor output (a per-request fee, searches, audio hours)
 *   is constant for them. Any other key (audio seconds, searches) goes to calcPrice.
 * - No two of the five keys overlap without one containing the other, so no "missing join"
 *   error can arise from them.
 * Rates are measured through calcPrice itself, not read from the price table, so the library
 * stays the only authority on what a price key means; a mixed point checks the result.
 */
import { calcPrice, type ModelInfo, type ModelPrice, type PriceCalculation, type Provider, type Usage } from '@pydantic/genai-prices';

/** Cost per unit of each leaf, plus what the same call costs with no tokens at all. */
interface Rates {
  base: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export interface Linear {
  readonly model: ModelInfo;
  readonly modelPrice: ModelPrice;
  readonly provider: Provider;
  readonly input: Rates;
  readonly output: Rates;
  /** Neither input nor output: constant in this domain (e.g. a per-request fee). */
  readonly other: number;
}

/**
 * Probe size: large, so each rate is a dollar amount divided back down (one rounding, not the
 * cancellation of two nearby small costs), and a power of two, so the division is exact.
 */
const STEP = 2 ** 20;

/** Providers the library prices with rules of their own (groq: a whisper minimum; litellm: names). */
const SPECIAL_PROVIDERS = new Set(['groq', 'litellm']);

/**
 * The affine cost of `model` through `provider` (a provider holding only that model), or
 * undefined when its price is not flat or any probe fails or disagrees.
 */
export function linearFor(provider: Provider, model: string, timestamp: Date): Linear | undefined {
  if (SPECIAL_PROVIDERS.has(provider.id.toLowerCase()) || provider.models.length !== 1) return undefined;
  const prices = provider.models[0]!.prices;
  if (Array.isArray(prices)) return undefined;
  for (const key in prices) {
    const value = prices[key];
    // The library skips undefined keys; anything but a plain finite rate (a tier object, a
    // negative or non-finite number it would reject) stays with calcPrice.
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) return undefined;
  }
  try {
    const probe = (input: number, cacheRead: number, cacheWrite: number, output: number, reasoning: number) => {
      const usage = { input_tokens: input, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite, output_tokens: output, output_reasoning_tokens: reasoning };
      return calcPrice(usage, model, { provider, timestamp });
    };
    // Each probe below the base isolates one leaf: a cache part alone is not valid usage, so it
    // is probed as the whole input being that part (an empty uncached leaf).
    const zero = probe(0, 0, 0, 0, 0);
    const points = [probe(STEP, 0, 0, 0, 0), probe(STEP, STEP, 0, 0, 0), probe(STEP, 0, STEP, 0, 0),
      probe(0, 0, 0, STEP, 0), probe(0, 0, 0, STEP, STEP)];
    if (zero === null || points.some((point) => point === null || point.model.id !== zero.model.id)) return undefined;
    const rates = (field: 'input_price' | 'output_price'): Rates => {
      const base = zero[field];
      const [input, cacheRead, cacheWrite, output, reasoning] = points.map((point) => (point![field] - base) / STEP) as
        [number, number, number, number, number];
      return { base, input, cacheRead, cacheWrite, output, reasoning };
    };
    const linear: Linear = {
      model: zero.model,
      modelPrice: zero.model_price,
      provider: zero.provider,
      input: rates('input_price'),
      output: rates('output_price'),
      other: zero.total_price - zero.input_price - zero.output_price,
    };
    if (![linear.input, linear.output].every(finiteRates) || !Number.isFinite(linear.other)) return undefined;
    // Every key at once, with parts of both kinds inside their wholes: what a real call mixes.
    const mixed = { input_tokens: 7 * STEP, cache_read_tokens: 2 * STEP, cache_write_tokens: 3 * STEP, output_tokens: 5 * STEP, output_reasoning_tokens: 2 * STEP };
    const expected = calcPrice(mixed, model, { provider, timestamp });
    const actual = linearPrice(linear, mixed);
    return expected !== null && actual !== undefined && agrees(actual, expected) ? linear : undefined;
  } catch {
    return undefined;
  }
}

function finiteRates(rates: Rates): boolean {
  return Number.isFinite(rates.base) && Number.isFinite(rates.input) && Number.isFinite(rates.cacheRead) &&
    Number.isFinite(rates.cacheWrite) && Number.isFinite(rates.output) && Number.isFinite(rates.reasoning);
}

/**
 * calcPrice's result for `usage`, or undefined when the usage is outside the domain where the
 * affine form is what the library computes (then calcPrice decides, including whether it throws).
 * Runs for every priced call: no allocation but the result.
 */
export function linearPrice(linear: Linear, usage: Usage): PriceCalculation | undefined {
  let input = 0, cacheRead = 0, cacheWrite = 0, output = 0, reasoning = 0;
  for (const key in usage) {
    const value = usage[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
    switch (key) {
      case 'input_tokens': input = value; break;
      case 'cache_read_tokens': cacheRead = value; break;
      case 'cache_write_tokens': cacheWrite = value; break;
      case 'output_tokens': output = value; break;
      case 'output_reasoning_tokens': reasoning = value; break;
      default: return undefined;
    }
  }
  // The sum, not each part: the library subtracts the parts' sum from the whole.
  const cached = cacheRead + cacheWrite;
  if (cached > input || reasoning > output) return undefined;
  const inputLeaf = input - cached, outputLeaf = output - reasoning;
  const inputPrice = at(linear.input, inputLeaf, cacheRead, cacheWrite, outputLeaf, reasoning);
  const outputPrice = at(linear.output, inputLeaf, cacheRead, cacheWrite, outputLeaf, reasoning);
  // The same shape calcPrice returns, so callers cannot tell which path priced the call.
  return {
    auto_update_timestamp: undefined,
    model: linear.model,
    model_price: linear.modelPrice,
    provider: linear.provider,
    input_price: inputPrice,
    output_price: outputPrice,
    total_price: inputPrice + outputPrice + linear.other,
  };
}

function at(rates: Rates, input: number, cacheRead: number, cacheWrite: number, output: number, reasoning: number): number {
  return rates.base + rates.input * input + rates.cacheRead * cacheRead + rates.cacheWrite * cacheWrite +
    rates.output * output + rates.reasoning * reasoning;
}

/** Equal up to rounding: relative 1e-9, with a floor of 1e-15 USD for costs near 0. */
export function agrees(actual: PriceCalculation, expected: PriceCalculation): boolean {
  return actual.model.id === expected.model.id && close(actual.input_price, expected.input_price) &&
    close(actual.output_price, expected.output_price) && close(actual.total_price, expected.total_price);
}

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= Math.max(1e-15, 1e-9 * Math.abs(expected));
}
