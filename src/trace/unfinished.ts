/**
 * Calls whose records are not final yet, for the process exit (and a flush) to settle: a
 * record must not stay `running` in the store, nor be held from an exporter forever.
 */
import { onProcessExit } from '../export/exit-tasks.js';
import type { LiveCall } from './call.js';

/**
 * Calls recorded as running that have not ended. When the process ends first (a signal, an exit
 * with work still pending), they end as cancelled, rather than stay `running` in the store.
 */
export const announcedRunning = new Set<LiveCall>();
onProcessExit(() => {
  for (const call of [...announcedRunning]) call.cancel();
});

/**
 * Ended calls whose descendants still run (LiveCall.final). A flush, and the exit, hand them to
 * every exporter as they are: a descendant may never end (a stream nobody reads), and what is
 * flushed is sent.
 */
export const awaitingDescendants = new Set<LiveCall>();
export function releaseAwaitingDescendants(): void {
  for (const call of [...awaitingDescendants]) call.release();
}
onProcessExit(releaseAwaitingDescendants);
