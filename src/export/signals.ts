/**
 * SIGINT/SIGTERM. The default action (the process dies) is tracewire's to restore only when the
 * application has no handler of its own; otherwise the application decides what happens next.
 */

type ExitSignal = 'SIGINT' | 'SIGTERM';

/** Signals one of whose listeners removed itself (a `once` listener) in the current turn. */
const removedThisTurn = new Set<string>();

/**
 * Calls `onSignal` on each delivery with whether the application handles the signal itself.
 *
 * Node removes a `once` listener before calling it, so a count taken from a later listener no
 * longer sees it. Tracewire's listener therefore goes first, counting every listener of this
 * delivery; one the application put ahead of it later (prependListener) is seen by its removal,
 * which happens in the same synchronous turn as the delivery.
 */
export function onExitSignal(signal: ExitSignal, onSignal: (appHandles: boolean) => void): { restoreDefault(): void } {
  watchRemovals();
  const listener = () => onSignal(process.listenerCount(signal) > 1 || removedThisTurn.has(signal));
  process.prependListener(signal, listener);
  return {
    restoreDefault() {
      process.removeListener(signal, listener);
    },
  };
}

let watching = false;

function watchRemovals(): void {
  if (watching) return;
  watching = true;
  process.on('removeListener', (event: string | symbol) => {
    if (event !== 'SIGINT' && event !== 'SIGTERM') return;
    if (removedThisTurn.size === 0) queueMicrotask(() => removedThisTurn.clear());
    removedThisTurn.add(event);
  });
}
