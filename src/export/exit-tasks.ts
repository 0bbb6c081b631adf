/**
 * Work that must run before the final synchronous drain at process exit (e.g. ending calls
 * whose result nobody consumed). Shared by both builds through globalThis.
 */
const KEY = Symbol.for('tracewire.exit-tasks.v1');
const holder = globalThis as unknown as Record<symbol, Set<() => void> | undefined>;
const tasks: Set<() => void> = (holder[KEY] ??= new Set());

export function onProcessExit(task: () => void): void {
  tasks.add(task);
}

export function runExitTasks(): void {
  for (const task of tasks) {
    try {
      task();
    } catch {
      // an exit task must never keep the others (or the drain) from running
    }
  }
}
