/** Privacy tests' inputs: values copied the way a record holds them. */
import { snapshot, type JsonValue } from '../../src/serialize/snapshot.js';

/** The snapshot of `value`: the JSON-safe copy that redaction, the hooks and stripping receive. */
export function copyOf(value: unknown): JsonValue {
  return snapshot(value).value;
}
