/**
 * Bounded, JSON-safe copies of arbitrary values. This runs on the application's call path
 * (every traced call's inputs are copied when it starts): plain data is copied by the fast
 * plain copy (./plain-copy.ts, compiled per shape by ./shape-copy.ts), anything else by the
 * general walk (./walk.ts). Both give the same value and size estimate for plain data; neither
 * throws.
 */
import { NOT_PLAIN, plainCopy } from './plain-copy.js';
import type { ShapeSite } from './shape-copy.js';
import { walkedSnapshot } from './walk.js';

export { walkedSnapshot };

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface SnapshotLimits {
  /** Nesting levels of objects and arrays kept; deeper ones become `[Truncated: depth]`. */
  maxDepth: number;
  /** Longer strings are cut and end with `…[truncated N chars]`. */
  maxStringLength: number;
  /** Further items are replaced by one `[Truncated: N more items]` item. */
  maxArrayLength: number;
  /** Further keys are replaced by one `"[Truncated]": "[Truncated: N more keys]"` entry. */
  maxObjectKeys: number;
  /** Budget for the whole copy, in estimated JSON characters; past it values become `[Truncated: size]`. */
  maxBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: Readonly<SnapshotLimits> = Object.freeze({
  maxDepth: 64,
  maxStringLength: 100_000,
  maxArrayLength: 10_000,
  maxObjectKeys: 10_000,
  maxBytes: 1_000_000,
});

export interface Snapshot {
  value: JsonValue;
  /** Estimated size of `value` as JSON (characters), for bounding queues. */
  bytes: number;
  /**
   * True when `value` holds everything the original held, as the same JSON: plain data within
   * the limits, nothing redacted. Then what is read from the copy is what the original said.
   */
  exact?: boolean;
}

/**
 * Values a copy must leave out by key (privacy/redact.ts builds it): replaced by `marker` while
 * copying, so the copy that is kept never held them and no second walk is needed.
 */
export interface KeyRedaction {
  readonly marker: string;
  /** True when the value under `key` of `owner` (an object, or a Map for its string keys) is withheld. */
  hides(owner: object, key: string): boolean;
  /**
   * False when `hides` is false for `key` whatever its owner. Without it, copies of objects
   * are never compiled (shape-copy.ts).
   */
  mayHide?(key: string): boolean;
}

/** The walk is recursive: whatever maxDepth a caller asks for, it must not exhaust the stack. */
const HARD_MAX_DEPTH = 500;

/**
 * `site`: where the copy is made (e.g. one traced method's outputs); copies made at one site
 * learn its data's shapes and copy them faster (shape-copy.ts).
 */
export function snapshot(value: unknown, limits?: Partial<SnapshotLimits>, redaction?: KeyRedaction, site?: ShapeSite): Snapshot {
  const resolved = limits === undefined ? DEFAULT_SNAPSHOT_LIMITS : resolveLimits(limits);
  const plain = plainCopy(value, resolved, redaction, site);
  return plain !== NOT_PLAIN ? plain : walkedSnapshot(value, resolved, redaction);
}

function resolveLimits(requested: Partial<SnapshotLimits>): SnapshotLimits {
  const defaults = DEFAULT_SNAPSHOT_LIMITS;
  return {
    maxDepth: Math.min(countOr(requested.maxDepth, defaults.maxDepth), HARD_MAX_DEPTH),
    maxStringLength: countOr(requested.maxStringLength, defaults.maxStringLength),
    maxArrayLength: countOr(requested.maxArrayLength, defaults.maxArrayLength),
    maxObjectKeys: countOr(requested.maxObjectKeys, defaults.maxObjectKeys),
    maxBytes: countOr(requested.maxBytes, defaults.maxBytes),
  };
}

function countOr(requested: number | undefined, fallback: number): number {
  return typeof requested === 'number' && requested >= 0 ? Math.floor(requested) : fallback;
}
