/**
 * Work that must run before the final synchronous drain at process exit (e.g. ending calls
 * whose result nobody consumed). Shared by both builds through globalThis.
 */
const KEY = Symbol.for('tracewire.exit-tasks.v1');
const EXITING_KEY = Symbol.for('tracewire.exiting.v1');
const holder = globalThis as unknown as Record<symbol, Set<() => void> | number | undefined>;
const tasks = (holder[KEY] ??= new Set<() => void>()) as Set<() => void>;

const LAST_KEY = Symbol.for('tracewire.exit-tasks-last.v1');
const lastTasks = (holder[LAST_KEY] ??= new Set<() => void>()) as Set<() => void>;

export function onProcessExit(task: () => void): void {
  tasks.add(task);
}

/** After every onProcessExit task: for ending what those tasks did not end in their own way. */
export function onProcessExitLast(task: () => void): void {
  lastTasks.add(task);
}

export function runExitTasks(): void {
  for (const task of [...tasks, ...lastTasks]) {
    try {
      task();
    } catch {
      // an exit task must never keep the others (or the drain) from running
    }
  }
}

/**
 * Runs the exit hooks' `work`, during which `exitStartedAt()` says when it began. Blocking the
 * thread is then allowed (nothing else will run) but bounded: exporters measure from that time.
 */
export function whileExiting(work: () => void): void {
  const outer = holder[EXITING_KEY];
  holder[EXITING_KEY] ??= Date.now();
  try {
    work();
  } finally {
    holder[EXITING_KEY] = outer;
  }
}

/** When the exit hooks began, or undefined outside them (also at beforeExit, where timers still run). */
export function exitStartedAt(): number | undefined {
  return holder[EXITING_KEY] as number | undefined;
}
