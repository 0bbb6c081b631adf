/**
 * tracewire's own diagnostics. Everything goes through here so tests can capture it and so a
 * noisy failure inside tracewire is reported once, not once per call.
 */
export type LogSink = (level: 'warn' | 'error', message: string) => void;

const defaultSink: LogSink = (_level, message) => {
  process.stderr.write(`[tracewire] ${message}\n`);
};

let sink: LogSink = defaultSink;
// Shared by every build in the process (tracewire/register and the main entry are separate
// bundles, and an app may load both the ESM and the CommonJS one): once means once per process.
const SEEN_KEY = Symbol.for('tracewire.warned.v1');
const seen: Set<string> = ((globalThis as unknown as Record<symbol, Set<string> | undefined>)[SEEN_KEY] ??= new Set());

export function setLogSink(next: LogSink | undefined): void {
  sink = next ?? defaultSink;
}

export function warn(message: string): void {
  try {
    sink('warn', message);
  } catch {
    // a broken sink must not take the application down
  }
}

/** Logs `message` the first time `key` is seen in this process. */
export function warnOnce(key: string, message: string): void {
  if (seen.has(key)) return;
  seen.add(key);
  warn(message);
}

/** For tests: forget which keys were already reported. */
export function resetWarnings(): void {
  seen.clear();
}

/** An error's message alone (its text, for a thrown non-Error). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
