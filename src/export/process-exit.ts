/**
 * Best-effort flush when the process ends: at beforeExit (async work still possible), at
 * exit (synchronous exporters only), and on SIGINT/SIGTERM when the application has no
 * handler of its own (then the signal's default action is restored and re-raised).
 */
import { state } from '../state.js';
import { runExitTasks, whileExiting } from './exit-tasks.js';
import { onExitSignal } from './signals.js';

const INSTALLED = Symbol.for('tracewire.exit-hooks.v1');

export function installExitHooks(): void {
  const marker = process as unknown as Record<symbol, boolean>;
  if (marker[INSTALLED]) return;
  marker[INSTALLED] = true;

  process.on('beforeExit', () => {
    runExitTasks();
    const recorder = state.recorder;
    // beforeExit fires again after the flush's async work: only flush while there is work.
    if (recorder?.hasPendingWork()) void recorder.flush();
  });
  const drainAtExit = () => {
    runExitTasks();
    state.recorder?.drainSync();
  };
  process.on('exit', () => whileExiting(drainAtExit));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const hook = onExitSignal(signal, (appHandles) => {
      whileExiting(drainAtExit);
      if (appHandles) return; // the application decides what happens next
      hook.restoreDefault();
      process.kill(process.pid, signal);
    });
  }
}
