/**
 * Reading provider responses defensively: they are untyped JSON as far as tracewire knows,
 * and a field of the wrong type must read as absent, never throw or count as zero.
 */
export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A finite number, else undefined (usage the provider did not report stays absent). */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
