/**
 * The `key=value,key=value` lists of the OpenTelemetry environment (OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_RESOURCE_ATTRIBUTES), with percent-encoded keys and values: read the same way for both,
 * and never thrown from. An entry without `=` is skipped; a malformed %-escape is kept as
 * written. Either is reported once, naming the variable.
 */
import { warnOnce } from './log.js';

export function parseOtelList(variable: string, raw: string | undefined): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  if (!raw) return entries;
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      warnOnce(`env:${variable}:${pair}`, `${variable} has an entry without "key=value"; it is ignored.`);
      continue;
    }
    entries.push([decoded(variable, pair.slice(0, eq).trim()), decoded(variable, pair.slice(eq + 1).trim())]);
  }
  return entries;
}

function decoded(variable: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    warnOnce(`env:${variable}:encoding`, `${variable} has a malformed %-escape; that part is used as written.`);
    return text;
  }
}
