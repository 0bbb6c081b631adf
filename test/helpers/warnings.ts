/** tracewire's warnings, caught per test: each test starts with none and with every warnOnce key unused. */
import { afterEach, beforeEach } from 'vitest';
import { resetWarnings, setLogSink } from '../../src/log.js';

/** The warnings of the running test (the same array, emptied before each test). */
export function warningsPerTest(): string[] {
  const warnings: string[] = [];
  beforeEach(() => {
    warnings.length = 0;
    resetWarnings();
    setLogSink((_level, message) => warnings.push(message));
  });
  afterEach(() => setLogSink(undefined));
  return warnings;
}
