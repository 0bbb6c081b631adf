/**
 * The `key=value,key=value` lists of the OpenTelemetry environment (OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_RESOURCE_ATTRIBUTES), with percent-encoded keys and values: read the same way for both,
 * and never thrown from. An entry without `=` is skipped; a malformed %-escape is kept as
 * written. Either is reported once, naming the variable. Also the choices among a few values
 * (OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_COMPRESSION).
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

/**
 * The first of `sources` (variables, then the code's option, in that order: the environment
 * wins over code) that holds one of `accepted`, compared without case or surrounding spaces;
 * `fallback` when none does. A value not accepted is reported once, naming its source and
 * the accepted values, and the next source is used.
 */
export function otelChoice<T extends string>(sources: Array<[source: string, raw: string | undefined]>, accepted: readonly T[], fallback: T): T {
  for (const [source, raw] of sources) {
    const value = raw?.trim().toLowerCase();
    if (!value) continue;
    if ((accepted as readonly string[]).includes(value)) return value as T;
    warnOnce(`choice:${source}:${value}`, `${source} is ${JSON.stringify(raw)}, which tracewire does not accept (accepted: ${accepted.join(', ')}); it is ignored.`);
  }
  return fallback;
}
