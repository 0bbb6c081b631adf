/**
 * Calls whose records are not final yet, for the process exit (and a flush) to settle: a call
 * in flight must not be lost, a record must not stay `running` in the store, nor be held from
 * an exporter forever.
 */
import { onProcessExitLast } from '../export/exit-tasks.js';
import type { LiveCall } from './call.js';

/** A call's links in the list of calls that have not ended, kept on the call itself. */
export interface Unended {
  prevUnended: Unended | undefined;
  nextUnended: Unended | undefined;
  cancel(): void;
}

/**
 * Every call that has not ended, most recent first: a linked list through the calls, so that
 * joining and leaving it is two or three field writes, not a Set's hashing on every call. When
 * the process ends first (a signal, an exit, an empty event loop with calls still waiting) they
 * end as cancelled, with what they had, rather than be lost or stay `running` in the store.
 * A call whose promise never settles stays listed, as that promise's own chain stays pending.
 */
let newest: Unended | undefined;

export function addUnended(call: Unended): void {
  call.nextUnended = newest;
  if (newest !== undefined) newest.prevUnended = call;
  newest = call;
}

export function removeUnended(call: Unended): void {
  const { prevUnended: prev, nextUnended: next } = call;
  if (prev !== undefined) prev.nextUnended = next;
  else if (newest === call) newest = next;
  if (next !== undefined) next.prevUnended = prev;
  call.prevUnended = undefined;
  call.nextUnended = undefined;
}

// Last: a response nobody read (observe.ts) and a stream still open (abandoned.ts) end their own
// way at exit, with what they have; this ends the rest.
onProcessExitLast(() => {
  // Listed first: ending one call must not change which others are ended.
  const unended: Unended[] = [];
  for (let call = newest; call !== undefined; call = call.nextUnended) unended.push(call);
  for (const call of unended) call.cancel();
});

/**
 * Ended calls whose descendants still run (LiveCall.claimFinalExport). A flush, and the exit, hand them to
 * every exporter as they are: a descendant may never end (a stream nobody reads), and what is
 * flushed is sent.
 */
export const awaitingDescendants = new Set<LiveCall>();
export function releaseAwaitingDescendants(): void {
  for (const call of [...awaitingDescendants]) call.release();
}
onProcessExitLast(releaseAwaitingDescendants);
