/**
 * `new Date(ms).toISOString()` for record timestamps, about three times faster. Every record
 * needs two, and V8's toISOString is a runtime call (~0.4 µs each). The date part changes once
 * a day, so it is formatted natively and kept; the time of day is plain arithmetic. The output
 * is the same string for every input: what the arithmetic does not cover (fractions, NaN, out
 * of range) goes to toISOString, which then formats or throws exactly as before.
 */
const DAY_MS = 86_400_000;
/** toISOString's range: ±8.64e15 ms around the epoch. */
const MAX_TIME_MS = 8.64e15;
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** The UTC day last formatted: its first millisecond and its "YYYY-MM-DDT" (or "+YYYYYY-MM-DDT"). */
let dayStart = NaN;
let dayPrefix = '';

export function isoTime(ms: number): string {
  let offset = ms - dayStart;
  if (!(offset >= 0 && offset < DAY_MS) || !Number.isInteger(ms)) {
    if (!Number.isInteger(ms) || Math.abs(ms) > MAX_TIME_MS) return new Date(ms).toISOString();
    const start = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
    const text = new Date(start).toISOString();
    dayStart = start;
    dayPrefix = text.slice(0, text.indexOf('T') + 1);
    offset = ms - start;
  }
  const seconds = Math.floor(offset / 1000);
  return `${dayPrefix}${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:` +
    `${TWO_DIGITS[seconds % 60]}.${THREE_DIGITS[offset % 1000]}Z`;
}
