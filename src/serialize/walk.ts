/**
 * The general walk behind snapshot() (./snapshot.ts), for whatever the plain copy gives up on:
 * class instances, Maps and Sets, binary data, cycles, getters that throw, values past the
 * limits. One recursive pass builds the copy and estimates its JSON size together, with a
 * try/catch per object rather than per value. It never throws: whatever cannot be read
 * becomes a marker string.
 */
import { setKey } from '../copy-keys.js';
import { constructorName, describeBinary, hrefWithoutCredentials, isBinary, opaqueMarker, standardSchemaOf } from './builtins.js';
import {
  CIRCULAR, INVALID_DATE, PROMISE, TRUNCATED_DEPTH, TRUNCATED_KEY, TRUNCATED_SIZE, cutString,
  functionMarker, isStackOverflow, moreItemsMarker, moreKeysMarker, threwMarker, unserializableMarker,
} from './markers.js';
import type { JsonObject, JsonValue, KeyRedaction, Snapshot, SnapshotLimits } from './snapshot.js';
import { BOOLEAN_BYTES, NULL_BYTES, NUMBER_BYTES, QUOTES_BYTES } from './size.js';

/** The general walk alone (snapshot() takes it when the plain copy gives up; tests call it directly). */
export function walkedSnapshot(value: unknown, limits: SnapshotLimits, redaction?: KeyRedaction): Snapshot {
  const walk = new SnapshotWalk(limits, redaction);
  let result: JsonValue;
  try {
    result = walk.visit(value, 0) ?? null;
  } catch (error) {
    result = unserializableMarker(error);
  }
  return { value: result, bytes: walk.bytes };
}

type Indexable = Record<PropertyKey, unknown>;

class SnapshotWalk {
  bytes = 0;
  /** Objects from the root to the current node: only these make a cycle, not shared references. */
  private readonly path: object[] = [];

  constructor(
    private readonly limits: SnapshotLimits,
    private readonly redaction: KeyRedaction | undefined,
  ) {}

  /** `undefined` means "leave the key out" (null in an array), as JSON.stringify does. */
  visit(value: unknown, depth: number): JsonValue | undefined {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        if (Number.isFinite(value)) {
          this.bytes += NUMBER_BYTES;
          return value === 0 ? 0 : value; // -0 becomes 0
        }
        return this.marker(String(value)); // "NaN", "Infinity", "-Infinity"
      case 'boolean':
        this.bytes += BOOLEAN_BYTES;
        return value;
      case 'undefined':
        return undefined;
      case 'bigint':
        return this.string(`${value}n`);
      case 'symbol':
        return this.string(value.toString());
      case 'function':
        return this.marker(functionMarker(value as Function));
      default:
        if (value === null) {
          this.bytes += NULL_BYTES;
          return null;
        }
        return this.object(value as object, depth);
    }
  }

  private marker(text: string): string {
    this.bytes += text.length + QUOTES_BYTES;
    return text;
  }

  private string(value: string): string {
    if (this.bytes >= this.limits.maxBytes) return this.marker(TRUNCATED_SIZE);
    const room = Math.min(this.limits.maxStringLength, this.limits.maxBytes - this.bytes);
    if (value.length <= room) {
      this.bytes += value.length + QUOTES_BYTES;
      return value;
    }
    return this.marker(cutString(value, room));
  }

  private object(value: object, depth: number): JsonValue | undefined {
    if (depth >= this.limits.maxDepth) return this.marker(TRUNCATED_DEPTH);
    if (this.bytes >= this.limits.maxBytes) return this.marker(TRUNCATED_SIZE);
    if (this.path.includes(value)) return this.marker(CIRCULAR);
    const pathLength = this.path.length;
    const bytesBefore = this.bytes;
    this.path.push(value);
    try {
      return this.describe(value, depth, false);
    } catch (error) {
      // Something threw (a getter, a proxy trap). Start this object again, guarding every read,
      // so one bad property costs only itself.
      this.path.length = pathLength + 1;
      this.bytes = bytesBefore;
      if (isStackOverflow(error)) return this.marker(unserializableMarker(error));
      try {
        return this.describe(value, depth, true);
      } catch (again) {
        this.bytes = bytesBefore;
        return this.marker(unserializableMarker(again));
      }
    } finally {
      this.path.length = pathLength;
    }
  }

  private describe(value: object, depth: number, guarded: boolean): JsonValue | undefined {
    if (Array.isArray(value)) return this.array(value, depth, guarded);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      if (hasToJSON(value)) return this.viaToJSON(value, depth);
      return this.properties({}, value, depth, guarded);
    }
    return this.instance(value, proto as object, depth, guarded);
  }

  /** Built-ins first (they have no useful own properties), then class instances. */
  private instance(value: object, proto: object, depth: number, guarded: boolean): JsonValue | undefined {
    const className = constructorName(proto);
    if (isBinary(value)) {
      const description = describeBinary(value, className);
      this.bytes += description.preview.length + description._type.length + 40;
      return description;
    }
    if (value instanceof Date) return this.marker(Number.isNaN(value.getTime()) ? INVALID_DATE : value.toISOString());
    if (value instanceof Error) return this.error(value, depth, guarded);
    if (value instanceof Map) return this.collection('Map', value, depth);
    if (value instanceof Set) return this.collection('Set', value, depth);
    if (value instanceof RegExp) return this.string(String(value));
    if (value instanceof WeakMap) return this.marker('[WeakMap]');
    if (value instanceof WeakSet) return this.marker('[WeakSet]');
    if (value instanceof WeakRef) return this.marker('[WeakRef]');
    if (value instanceof Promise || typeof (value as Indexable).then === 'function') return this.marker(PROMISE);
    if (value instanceof URL) return this.string(hrefWithoutCredentials(value));
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return this.visit(value.valueOf(), depth);
    }
    const opaque = opaqueMarker(value, className);
    if (opaque !== undefined) return this.marker(opaque);
    if (hasToJSON(value)) return this.viaToJSON(value, depth);
    const schema = standardSchemaOf(value);
    if (schema !== undefined) return this.schema(className, schema, depth);
    const out: JsonObject = {};
    if (className !== '' && className !== 'Object') {
      out._type = className;
      this.bytes += className.length + 10;
    }
    return this.properties(out, value, depth, guarded);
  }

  private schema(className: string, { vendor, jsonSchema }: { vendor: string; jsonSchema: unknown }, depth: number): JsonObject {
    const type = className || 'Schema';
    const out: JsonObject = { _type: type, vendor };
    this.bytes += type.length + vendor.length + 30;
    this.put(out, 'jsonSchema', this.visit(jsonSchema, depth + 1) ?? null);
    return out;
  }

  private error(error: Error, depth: number, guarded: boolean): JsonObject {
    const out: JsonObject = { _type: 'Error' };
    this.bytes += 12;
    this.put(out, 'name', this.read(error, 'name', depth, guarded));
    this.put(out, 'message', this.read(error, 'message', depth, guarded));
    this.put(out, 'stack', this.read(error, 'stack', depth, guarded));
    // `cause` is own but not enumerable, so the properties pass below would miss it.
    if (Object.prototype.hasOwnProperty.call(error, 'cause')) {
      this.put(out, 'cause', this.read(error, 'cause', depth, guarded));
    }
    return this.properties(out, error, depth, guarded);
  }

  /** Own enumerable string keys, like JSON.stringify. */
  private properties(out: JsonObject, value: object, depth: number, guarded: boolean): JsonObject {
    const keys = Object.keys(value);
    const limit = Math.min(keys.length, this.limits.maxObjectKeys);
    this.bytes += 2;
    for (let i = 0; i < limit; i++) {
      if (this.bytes >= this.limits.maxBytes) {
        this.put(out, TRUNCATED_KEY, this.marker(TRUNCATED_SIZE));
        return out;
      }
      const key = keys[i]!;
      const safeKey = key.length > this.limits.maxStringLength ? cutString(key, this.limits.maxStringLength) : key;
      const withheld = this.redaction !== undefined && this.withholds(value, key, guarded);
      this.put(out, safeKey, withheld ? this.marker(this.redaction!.marker) : this.read(value, key, depth, guarded));
    }
    if (keys.length > limit) this.put(out, TRUNCATED_KEY, this.marker(moreKeysMarker(keys.length - limit)));
    return out;
  }

  private array(value: readonly unknown[], depth: number, guarded: boolean): JsonValue[] {
    const length = value.length;
    const limit = Math.min(length, this.limits.maxArrayLength);
    const out: JsonValue[] = [];
    this.bytes += 2;
    for (let i = 0; i < limit; i++) {
      if (this.bytes >= this.limits.maxBytes) {
        out.push(this.marker(TRUNCATED_SIZE));
        return out;
      }
      const item = this.read(value, i, depth, guarded);
      this.bytes += item === undefined ? 5 : 1;
      out.push(item === undefined ? null : item);
    }
    if (length > limit) out.push(this.marker(moreItemsMarker(length - limit)));
    return out;
  }

  private collection(type: 'Map' | 'Set', value: Map<unknown, unknown> | Set<unknown>, depth: number): JsonObject {
    const items: JsonValue[] = [];
    const out: JsonObject = type === 'Map' ? { _type: type, entries: items } : { _type: type, values: items };
    this.bytes += 30;
    let count = 0;
    for (const entry of value) {
      if (count >= this.limits.maxArrayLength) break;
      if (this.bytes >= this.limits.maxBytes) {
        items.push(this.marker(TRUNCATED_SIZE));
        return out;
      }
      if (type === 'Map') {
        const [key, item] = entry as [unknown, unknown];
        const withheld = this.redaction !== undefined && typeof key === 'string' && this.withholds(value, key, true);
        items.push([this.visit(key, depth + 1) ?? null, withheld ? this.marker(this.redaction!.marker) : this.visit(item, depth + 1) ?? null]);
      } else {
        items.push(this.visit(entry, depth + 1) ?? null);
      }
      count++;
    }
    if (value.size > count) items.push(this.marker(moreItemsMarker(value.size - count)));
    return out;
  }

  private viaToJSON(value: object, depth: number): JsonValue | undefined {
    let result: unknown;
    try {
      result = (value as { toJSON(key: string): unknown }).toJSON('');
    } catch (error) {
      return this.marker(threwMarker(error));
    }
    if (result === value) return this.properties({}, value, depth, true);
    // One level deeper, so a toJSON that returns fresh objects with their own toJSON still ends.
    return this.visit(result, depth + 1);
  }

  /** A redaction test that throws withholds the value: privacy fails closed. */
  private withholds(owner: object, key: string, guarded: boolean): boolean {
    if (!guarded) return this.redaction!.hides(owner, key);
    try {
      return this.redaction!.hides(owner, key);
    } catch {
      return true;
    }
  }

  private read(container: object, key: PropertyKey, depth: number, guarded: boolean): JsonValue | undefined {
    if (!guarded) return this.visit((container as Indexable)[key], depth + 1);
    let value: unknown;
    try {
      value = (container as Indexable)[key];
    } catch (error) {
      return this.marker(threwMarker(error));
    }
    return this.visit(value, depth + 1);
  }

  private put(out: JsonObject, key: string, value: JsonValue | undefined): void {
    if (value === undefined) return;
    this.bytes += key.length + 4;
    setKey(out, key, value);
  }
}

function hasToJSON(value: object): boolean {
  return typeof (value as Indexable).toJSON === 'function';
}
