/**
 * How often a live trace page reads its trace again. A trace whose calls stay "running" with
 * nothing new (its process was killed, or died before the library could mark them cancelled)
 * was read every 2 seconds for as long as the page stayed open: the longer a trace shows no
 * change, the less often it is read, and after an hour not at all until the reader asks.
 */
import { LIVE_INTERVAL_MS } from './api.js';

/** The longest wait between two reads of a trace that is still followed. */
export const SLOWEST_INTERVAL_MS = 60_000;
/** A trace with no change for this long is no longer followed. */
export const GIVE_UP_AFTER_MS = 60 * 60_000;

/** The wait before the next read of a trace that has shown no change for `quietMs`; undefined to stop. */
export function followDelay(quietMs: number): number | undefined {
  if (quietMs >= GIVE_UP_AFTER_MS) return undefined;
  // A tenth of the quiet time: a trace quiet for a minute is read every 6 s, for ten minutes every minute.
  return Math.min(SLOWEST_INTERVAL_MS, Math.max(LIVE_INTERVAL_MS, Math.round(quietMs / 10)));
}
