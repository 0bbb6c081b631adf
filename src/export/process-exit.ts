/**
 * Best-effort flush when the process ends: at beforeExit (async work still possible), at
 * exit (synchronous exporters only), and on SIGINT/SIGTERM when the application has no
 * handler of its own (then the signal's default action is restored and re-raised, after at
 * most SIGNAL_FLUSH_MS for asynchronous exporters).
 */
import { state } from '../state.js';
import { runExitTasks, whileExiting } from './exit-tasks.js';
import { onExitSignal } from './signals.js';

const INSTALLED = Symbol.for('tracewire.exit-hooks.v1');
/** How long a signal waits for asynchronous exporters before the process dies by it. */
const SIGNAL_FLUSH_MS = 2000;

export function installExitHooks(): void {
  const marker = process as unknown as Record<symbol, boolean>;
  if (marker[INSTALLED]) return;
  marker[INSTALLED] = true;

  process.on('beforeExit', () => {
    runExitTasks();
    const recorder = state.recorder;
    // beforeExit fires again after the flush's async work: only flush while there is work.
    if (recorder?.hasPendingWork()) {
      void recorder.flush().then((done) => {
        if (!done) recorder.dropHeld();
      });
    }
  });
  const drainAtExit = () => {
    runExitTasks();
    state.recorder?.drainSync();
  };
  process.on('exit', () => whileExiting(drainAtExit));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) installSignalFlush(signal, drainAtExit);
}

/**
 * With no handler of the application's, a signal ends the process by its default action. What
 * synchronous exporters hold is written at once; asynchronous ones (otlp) get a short flush
 * first, since their data would otherwise be lost. A second signal meanwhile ends it at once.
 */
function installSignalFlush(signal: 'SIGINT' | 'SIGTERM', drainAtExit: () => void): void {
  let waiting = false;
  let ending = false;
  const die = () => {
    if (ending) return;
    ending = true;
    hook.restoreDefault();
    process.kill(process.pid, signal);
  };
  const hook = onExitSignal(signal, (appHandles) => {
    if (waiting) {
      if (!appHandles) die();
      return;
    }
    whileExiting(drainAtExit);
    const recorder = state.recorder;
    if (appHandles) return; // the application decides what happens next
    if (!recorder?.hasAsyncWork()) return die();
    waiting = true;
    // Referenced, unlike the flush's own timer: nothing else may keep the process alive, and it
    // must still end by the signal rather than by an empty event loop.
    const backstop = setTimeout(die, SIGNAL_FLUSH_MS + 100);
    void recorder.flush(SIGNAL_FLUSH_MS).finally(() => {
      clearTimeout(backstop);
      die();
    });
  });
}
