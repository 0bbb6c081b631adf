/**
 * The common case of a snapshot, fast: request and response bodies are plain objects, arrays,
 * strings, finite numbers, booleans and null, well inside the limits. For those this copy is
 * the same value, with the same size estimate, that the general walk (snapshot.ts) makes, in
 * about half the time: no path kept for cycles, no try/catch per object, no built-in types
 * to tell apart. Anything else, and anything that would need cutting, gives up (NOT_PLAIN)
 * and the caller takes the general walk from the start, so the result never depends on
 * which of the two made it. Data that is not plain pays for what was copied before the copy
 * gave up; request and response bodies, the data of every SDK call, are plain.
 */
import { hasPlainPrototype, type Copier, type ShapeNode, type ShapeSite } from './shape-copy.js';
import type { JsonObject, JsonValue, KeyRedaction, Snapshot, SnapshotLimits } from './snapshot.js';
import { BOOLEAN_BYTES, NULL_BYTES, NUMBER_BYTES, QUOTES_BYTES } from './size.js';

/** The answer when the value is not plain data within the limits. */
export const NOT_PLAIN: unique symbol = Symbol('not plain');

/** Deeper than this it is probably a cycle: left to the general walk, which names it. */
const PLAIN_MAX_DEPTH = 32;

/** Thrown to leave the copy at once; never seen outside this file. */
const ABANDON = Symbol('abandon');

class PlainCopy implements Copier {
  bytes = 0;
  /** Whether a value was replaced by the redaction marker. */
  redacted = false;
  private readonly maxDepth: number;

  constructor(
    private readonly limits: SnapshotLimits,
    private readonly redaction: KeyRedaction | undefined,
  ) {
    this.maxDepth = Math.min(limits.maxDepth, PLAIN_MAX_DEPTH);
  }

  /**
   * `undefined` means "leave the key out" (null in an array), as in the general walk. `node`
   * is where the value sits in the data of a ShapeSite, if the copy has one.
   */
  value(value: unknown, depth: number, node: ShapeNode | undefined): JsonValue | undefined {
    switch (typeof value) {
      case 'string':
        if (value.length > this.limits.maxStringLength) throw ABANDON;
        this.bytes += value.length + QUOTES_BYTES;
        return value;
      case 'number':
        if (!Number.isFinite(value)) throw ABANDON;
        this.bytes += NUMBER_BYTES;
        return value === 0 ? 0 : value;
      case 'boolean':
        this.bytes += BOOLEAN_BYTES;
        return value;
      case 'undefined':
        return undefined;
      case 'object':
        if (value === null) {
          this.bytes += NULL_BYTES;
          return null;
        }
        if (depth >= this.maxDepth) throw ABANDON;
        return Array.isArray(value) ? this.array(value, depth, node) : this.object(value, depth, node);
      default:
        throw ABANDON;
    }
  }

  private array(value: readonly unknown[], depth: number, node: ShapeNode | undefined): JsonValue[] {
    const length = value.length;
    if (length > this.limits.maxArrayLength) throw ABANDON;
    const out: JsonValue[] = new Array(length);
    this.bytes += 2;
    const items = node?.elementNode();
    for (let i = 0; i < length; i++) {
      const item = this.value(value[i], depth + 1, items);
      this.bytes += item === undefined ? 5 : 1;
      out[i] = item === undefined ? null : item;
    }
    this.checkBudget();
    return out;
  }

  private object(value: object, depth: number, node: ShapeNode | undefined): JsonObject {
    // A compiled copy checks the prototype and toJSON itself (notPlain), where its one shape
    // makes the checks cheap: here, seeing objects of every shape, V8 takes a runtime call.
    if (node !== undefined) {
      const compiled = node.copy(value, this, depth + 1);
      if (compiled !== undefined) return compiled;
    }
    if (!hasPlainPrototype(value)) throw ABANDON;
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw ABANDON;
    const out: JsonObject = {};
    this.bytes += 2;
    const redaction = this.redaction;
    const maxKeys = this.limits.maxObjectKeys;
    let count = 0;
    // for-in instead of Object.keys: no array per object. It also yields inherited enumerable
    // keys, of which Object.prototype has none unless something added one (plainCopy checks).
    for (const key in value) {
      // Assigning "__proto__" would change the copy's prototype; the general walk handles it.
      if (++count > maxKeys || key === '__proto__' || key.length > this.limits.maxStringLength) throw ABANDON;
      let item: JsonValue | undefined;
      if (redaction !== undefined && redaction.hides(value, key)) {
        this.redacted = true;
        item = redaction.marker;
        this.bytes += item.length + 2;
      } else {
        item = this.value((value as Record<string, unknown>)[key], depth + 1, undefined);
        if (item === undefined) continue;
      }
      this.bytes += key.length + 4;
      out[key] = item;
    }
    this.checkBudget();
    return out;
  }

  /** Leaves the copy: the value is not plain data (the general walk takes it). */
  notPlain(): never {
    throw ABANDON;
  }

  /** Past the size budget the general walk cuts values; this copy does not try to. */
  checkBudget(): void {
    if (this.bytes >= this.limits.maxBytes) throw ABANDON;
  }
}

/** True when something made a property of Object.prototype enumerable (for-in would list it). */
function prototypeHasEnumerableKeys(): boolean {
  for (const _ in EMPTY) return true;
  return false;
}
const EMPTY = Object.freeze({});

/**
 * The copy and its size estimate, or NOT_PLAIN. Reading a property may run a getter; if one
 * throws, the general walk reads again with a guard per property, as it does for its own
 * first attempt.
 */
export function plainCopy(
  value: unknown,
  limits: SnapshotLimits,
  redaction: KeyRedaction | undefined,
  site?: ShapeSite,
): Snapshot | typeof NOT_PLAIN {
  if (prototypeHasEnumerableKeys()) return NOT_PLAIN;
  const copy = new PlainCopy(limits, redaction);
  let result: JsonValue;
  try {
    result = copy.value(value, 0, site?.rootFor(limits, redaction)) ?? null;
  } catch {
    return NOT_PLAIN;
  }
  return copy.bytes < limits.maxBytes ? { value: result, bytes: copy.bytes, exact: !copy.redacted } : NOT_PLAIN;
}
