/**
 * Timing helpers shared by the bench cases: wall and CPU clocks, medians, and A/B rounds
 * that alternate the order of the variants so that drift (JIT, GC, thermal) hits both alike.
 */
import { cpuUsage, hrtime } from 'node:process';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

/**
 * A distribution-free 95% confidence interval of the median of `values`: the order statistics
 * [x(k), x(n+1-k)] with k the largest rank for which a Binomial(n, 1/2) count falls below k
 * with probability at most 2.5%. Unlike the quartiles (the spread of single rounds, which more
 * rounds do not narrow), it says how well the rounds pin the median down: it narrows as
 * rounds are added. With fewer than 6 values no such interval exists: [min, max] is returned.
 */
export function medianInterval(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let cumulative = 0;
  // P(B = i) from its logarithm: 0.5 ** n underflows to 0 past 1,074 values.
  let logProbability = n * Math.log(0.5); // P(B = 0)
  let k = 0;
  for (let i = 0; i < n; i++) {
    cumulative += Math.exp(logProbability);
    if (cumulative > 0.025) break;
    k = i + 1; // P(B <= i) <= 2.5%: rank i + 1 can bound the interval
    logProbability += Math.log((n - i) / (i + 1));
  }
  if (k === 0) return [sorted[0], sorted[n - 1]];
  return [sorted[k - 1], sorted[n - k]];
}

/** Wall and CPU (user + system) nanoseconds spent in `fn` (awaited). */
export async function clock(fn) {
  const cpu0 = cpuUsage();
  const wall0 = hrtime.bigint();
  await fn();
  const wallNs = Number(hrtime.bigint() - wall0);
  const cpu = cpuUsage(cpu0);
  return { wallNs, cpuNs: (cpu.user + cpu.system) * 1000 };
}

/** Same as clock() for synchronous work, without an await in the way. */
export function clockSync(fn) {
  const cpu0 = cpuUsage();
  const wall0 = hrtime.bigint();
  fn();
  const wallNs = Number(hrtime.bigint() - wall0);
  const cpu = cpuUsage(cpu0);
  return { wallNs, cpuNs: (cpu.user + cpu.system) * 1000 };
}

/** Lets timers (the export queue's batch timer among them) run. */
export const yieldToTimers = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Two full collections when the process runs with --expose-gc (the second catches finalizers'
 * leftovers). For memory readings only: a forced full GC between timed rounds makes the
 * following rounds several times slower (V8 resets its young generation and code state), so
 * timed rounds let garbage be collected as it normally is, and alternation spreads it out.
 */
export function collectGarbage() {
  globalThis.gc?.();
  globalThis.gc?.();
}

/**
 * Rounds the SDK call cases and the reference tracers run before the measured ones
 * (BENCH_WARMUP overrides it). V8 keeps optimizing tracewire's once-per-call functions for the
 * first few thousand calls (each traced call runs each of them once, the export batch's
 * included); with 4 rounds (2,000 calls) the first measured rounds still carried that one-time
 * compiling, mostly at +10 to +55 µs a call against about +8 µs later.
 */
export const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP ?? 8);

/**
 * Streams the stream cases run before their measured rounds (BENCH_WARMUP_STREAMS overrides
 * it), as whole rounds. A stream runs its once-per-stream code (the call's start and end, the
 * observer's set-up, the rebuilt output's copy) once per 200 chunks, so after the 160 streams
 * of 8 rounds that code was still being compiled: on anthropic, 10-round medians of the added
 * time per chunk fell from about 1,100 ns (rounds 20 to 60) to 400 to 700 ns after round 100.
 */
export const WARMUP_STREAMS = Number(process.env.BENCH_WARMUP_STREAMS ?? 2000);

/**
 * Measured rounds of the stream cases (BENCH_STREAM_ROUNDS overrides it; the call cases keep
 * BENCH_ROUNDS, 31). On this host one stream round's added time per chunk strays from the
 * median by about a tenth of the bare SDK's time per chunk (±1 µs on openai's 10 µs), however
 * many streams a round holds: with 31 rounds the median's 95% interval was about 1 µs wide,
 * as wide as the target itself. The interval narrows with the square root of the rounds.
 */
export const STREAM_ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 91);

/** Warm-up rounds of `streamsPerRound` streams that make at least WARMUP_STREAMS streams. */
export const streamWarmupRounds = (streamsPerRound) => Math.ceil(WARMUP_STREAMS / streamsPerRound);

/**
 * Runs `warmup` unmeasured rounds then `rounds` measured ones of every variant. Each variant
 * is `async () => sample` for one round of `units` operations, a sample being numeric
 * nanosecond metrics (e.g. { wallNs, cpuNs }). The order of the variants alternates every
 * round. Returns, per variant and metric, the median per unit and, for every variant but
 * the first (the baseline), the median of the per-round paired differences (`added...`)
 * with their quartiles (the spread of single rounds) and the 95% confidence interval of that
 * median (medianInterval).
 */
export async function abRounds({ variants, rounds, warmup, units, settle }) {
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -warmup; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      if (settle) await settle();
      const sample = await variants[name]();
      if (round >= 0) samples[name].push(sample);
    }
  }
  const baseline = samples[names[0]];
  const result = {};
  for (const name of names) {
    const entry = { rounds: samples[name].length };
    for (const metric of Object.keys(samples[name][0])) {
      const perUnit = samples[name].map((s) => s[metric] / units);
      entry[metric] = median(perUnit);
      if (name !== names[0]) {
        const diffs = perUnit.map((v, i) => v - baseline[i][metric] / units);
        const key = `added${metric[0].toUpperCase()}${metric.slice(1)}`;
        entry[key] = median(diffs);
        entry[`${key}Quartiles`] = [quantile(diffs, 0.25), quantile(diffs, 0.75)];
        entry[`${key}Interval`] = medianInterval(diffs);
      }
    }
    result[name] = entry;
  }
  return result;
}

/** Round numbers for the report: ns to 1 decimal below 100, whole above. */
export function roundNs(value) {
  if (value === undefined || Number.isNaN(value)) return value;
  return Math.abs(value) < 100 ? Math.round(value * 10) / 10 : Math.round(value);
}
