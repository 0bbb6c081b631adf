/**
 * The canonical copy of a string used as an object key. A model name read from a response is a
 * new string on every call, and V8 caches property stores and loads by the key's identity: each
 * `summary.usage[model] = ...` with a new string takes a slow path that looks the string up in
 * V8's table of names, about 75 ns a store. Mapped to one string per name, the same stores and
 * the price lookups by model take their fast path.
 */
const MAX_KEYS = 1024;
const canonical = new Map<string, string>();
let lastName: string | undefined;
let lastKey = '';

export function propertyKey(name: string): string {
  // A call's model is usually the previous call's: one comparison of the two texts.
  if (name === lastName) return lastKey;
  let key = canonical.get(name);
  if (key === undefined) {
    // A bound against a flood of names; clearing only costs the next few lookups.
    if (canonical.size >= MAX_KEYS) canonical.clear();
    // The key of an object literal is the engine's own copy of the name, shared by every use.
    key = Object.keys({ [name]: 0 })[0]!;
    canonical.set(key, key);
  }
  lastName = name;
  lastKey = key;
  return key;
}
