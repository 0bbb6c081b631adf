/**
 * tracewire's own diagnostics. Everything goes through here so tests can capture it and so a
 * noisy failure inside tracewire is reported once, not once per call.
 */
export type LogSink = (level: 'warn' | 'error', message: string) => void;

const defaultSink: LogSink = (_level, message) => {
  process.stderr.write(`[tracewire] ${message}\n`);
};

let sink: LogSink = defaultSink;
const seen = new Set<string>();

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

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
