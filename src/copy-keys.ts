/**
 * Shallow copies of data objects (provider JSON, attributes, usage) made by a loop, not by
 * object spread. On Node 20 (V8 11.3), an object made by a literal that starts with a spread
 * (`{ ...a }`, `{ ...a, k: v }`) gets a hidden class of its own once the literal or later code
 * adds a key to it. Every such object is then a new shape: making it costs about 2 µs, and
 * everything that reads it afterwards (the record's copy, an exporter) misses V8's caches.
 * Mistral's rebuilt stream output was built that way: copying it for the record took 12 µs a
 * stream in a traced process (median), 8 µs once it was built by the loop below. Stores in a
 * loop follow the transitions V8 shares between objects. Node 22 and later do not have the
 * problem, and the loop costs them a few tens of nanoseconds more than a spread.
 */

/**
 * Copies the own enumerable string keys of `source` into `target`, in order, and returns
 * `target`: `{ ...target, ...source }` without a new object. A key named "__proto__" stays a
 * key, as with a spread, instead of replacing `target`'s prototype. `except` is left out (where
 * a spread would be followed by `delete`, which turns the copy into a slow dictionary object).
 */
export function assignKeys<T extends object>(target: T, source: object | null | undefined, except?: string): T {
  if (source === null || source === undefined) return target;
  const from = source as Record<string, unknown>;
  const to = target as Record<string, unknown>;
  for (const key of Object.keys(from)) {
    if (key !== except) setKey(to, key, from[key]);
  }
  return target;
}

/** `target[key] = value`, except that a key named "__proto__" becomes a key, not `target`'s prototype. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `{ ...source }`, for an object that may get more keys later (see above). */
export function copyKeys<T extends object>(source: T): T {
  return assignKeys({} as T, source);
}
