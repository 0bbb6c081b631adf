/**
 * Compiled copies for objects whose keys repeat. A traced method's requests and responses have
 * the same few shapes call after call (a chat completion, a message, a usage block). Copying
 * one key by key assigns properties to a fresh object through a store that sees every key of
 * every shape, so V8 cannot cache it and each assignment takes a slow path. An object literal
 * with the keys written out is built in one step instead. Measured alone on an openai
 * response, with every value still checked, a compiled copy takes about a third of the time
 * of the key-by-key one (0.35 against 1 µs).
 *
 * So a ShapeSite (one per place that copies: a traced method's inputs, its outputs) learns the
 * key lists it meets at each position of the data, and once a list has been seen twice among
 * the last few it compiles a function that copies an object with exactly those keys, in that
 * order, as a literal. Every value gets the checks and size count of the key-by-key copy, so
 * the result and its size are the same: a string, number, boolean or null where the list first
 * had one is checked and counted inline, anything else goes through the copier. An object
 * matching no compiled list is copied key by key, as without a site.
 *
 * Not compiled (copied key by key): lists longer than MAX_SHAPE_KEYS or than the limits allow,
 * a key the redaction may hide, "__proto__", an undefined value (the key is left out of the
 * copy), or anything once code generation is unavailable (--disallow-code-generation-from-strings).
 * Memory is bounded: a few shapes per position and MAX_SITE_SHAPES per site.
 */
import type { JsonObject, JsonValue, KeyRedaction, SnapshotLimits } from './snapshot.js';
import { BOOLEAN_BYTES, NULL_BYTES, NUMBER_BYTES, QUOTES_BYTES } from './size.js';

/** True when `value` is plain by its prototype (Object.prototype or none), as every copy here requires. */
export function hasPlainPrototype(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What a compiled copy needs of the copier (plain-copy.ts). */
export interface Copier {
  bytes: number;
  value(value: unknown, depth: number, node: ShapeNode | undefined): JsonValue | undefined;
  checkBudget(): void;
  /** Throws: the object is not plain data. */
  notPlain(): never;
}

type CompiledCopy = (value: object, copier: Copier, depth: number) => JsonObject | undefined;

interface Shape {
  readonly keys: readonly string[];
  readonly copy: CompiledCopy;
}

const MAX_SHAPES_PER_NODE = 8;
/** Key lists seen once at a position, waiting for a second sighting (a chat's messages alternate). */
const MAX_CANDIDATES = 4;
const MAX_SITE_SHAPES = 256;
const MAX_SHAPE_KEYS = 64;
/** A position whose objects keep changing keys stops learning after this many misses. */
const MAX_FAILED_LEARNS = 32;

let codegenAvailable = true;

/** One place that copies, e.g. the inputs of one traced method. */
export class ShapeSite {
  private root: ShapeNode | undefined;
  private limits: SnapshotLimits | undefined;
  private redaction: KeyRedaction | undefined;
  compiled = 0;

  /** The node for the top value; shapes learned under other limits or redaction are dropped. */
  rootFor(limits: SnapshotLimits, redaction: KeyRedaction | undefined): ShapeNode | undefined {
    if (!codegenAvailable) return undefined;
    // A redaction that cannot tell which keys it may hide whatever their object cannot be compiled for.
    if (redaction !== undefined && redaction.mayHide === undefined) return undefined;
    if (this.root === undefined || !sameLimits(limits, this.limits!) || redaction !== this.redaction) {
      this.root = new ShapeNode(this);
      this.limits = limits;
      this.redaction = redaction;
      this.compiled = 0;
    }
    return this.root;
  }

  get maxStringLength(): number {
    return this.limits!.maxStringLength;
  }

  /** Whether an object with these keys, in this order, may be copied by a compiled literal. */
  compilable(keys: readonly string[]): boolean {
    const limits = this.limits!;
    if (keys.length > MAX_SHAPE_KEYS || keys.length > limits.maxObjectKeys) return false;
    for (const key of keys) {
      if (key === '__proto__' || key.length > limits.maxStringLength) return false;
      if (this.redaction?.mayHide!(key)) return false;
    }
    return true;
  }
}

/** One position in the copied data: the object keys it has seen, and a node per nested value. */
export class ShapeNode {
  private readonly shapes: Shape[] = [];
  private readonly candidates: string[][] = [];
  private failedLearns = 0;
  private elements: ShapeNode | undefined = undefined;

  constructor(private readonly site: ShapeSite) {}

  /** The node for the items of an array at this position. */
  elementNode(): ShapeNode {
    return (this.elements ??= new ShapeNode(this.site));
  }

  /**
   * The copy of `value` (an object that is not an array) by a compiled shape, or undefined:
   * then the caller checks it is plain and copies it key by key. A compiled shape gives up
   * through the copier on an object that is not plain. `depth` is the depth of its values.
   */
  copy(value: object, copier: Copier, depth: number): JsonObject | undefined {
    const shapes = this.shapes;
    for (let i = 0; i < shapes.length; i++) {
      const shape = shapes[i]!;
      if (hasKeys(value, shape.keys)) return shape.copy(value, copier, depth);
    }
    if (this.failedLearns < MAX_FAILED_LEARNS && shapes.length < MAX_SHAPES_PER_NODE) this.learn(value);
    return undefined;
  }

  /** Compiles the key list of `value` if a recent miss here had the same one. */
  private learn(value: object): void {
    // Only plain objects teach a shape: any other is left to the general walk every time.
    if (!hasPlainPrototype(value)) return;
    const keys: string[] = [];
    for (const key in value) {
      if (keys.length === MAX_SHAPE_KEYS || (value as Record<string, unknown>)[key] === undefined) {
        this.failedLearns++;
        return;
      }
      keys.push(key);
    }
    const candidates = this.candidates;
    const seen = candidates.findIndex((candidate) => sameKeys(candidate, keys));
    if (seen === -1) {
      if (candidates.length > 0) this.failedLearns++;
      if (candidates.push(keys) > MAX_CANDIDATES) candidates.shift();
      return;
    }
    candidates.splice(seen, 1);
    const site = this.site;
    if (site.compiled >= MAX_SITE_SHAPES || !site.compilable(keys)) {
      this.failedLearns = MAX_FAILED_LEARNS;
      return;
    }
    const copy = compile(keys, keys.map((key) => leafKindOf((value as Record<string, unknown>)[key])), site.maxStringLength, keys.map(() => new ShapeNode(site)));
    if (copy === undefined) return;
    site.compiled++;
    this.shapes.push({ keys, copy });
  }
}

function sameLimits(a: SnapshotLimits, b: SnapshotLimits): boolean {
  return a === b || (a.maxDepth === b.maxDepth && a.maxStringLength === b.maxStringLength &&
    a.maxArrayLength === b.maxArrayLength && a.maxObjectKeys === b.maxObjectKeys && a.maxBytes === b.maxBytes);
}

/** True when `value`'s enumerable keys are `keys`, in that order. */
function hasKeys(value: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in value) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The type a key's value had when its list was compiled: such leaves are copied inline. */
type LeafKind = 'string' | 'number' | 'boolean' | 'null' | undefined;

function leafKindOf(value: unknown): LeafKind {
  if (value === null) return 'null';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : undefined;
}

/**
 * The inline copy of a leaf of the kind the key had when compiled, with the checks and the size
 * count of Copier.value (plain-copy.ts); anything else goes to the copier. Copying the usual
 * leaves inline keeps each compiled copy small: with every value going through the copier,
 * the optimizing compiler inlined the copier's whole `value` once per key, and a traced call
 * ran through several kilobytes of such code, cold in the CPU's instruction cache each time.
 */
function leafCopy(kind: LeafKind, v: string, i: number, maxStringLength: number): string {
  const general = `c.value(${v}, d, n[${i}])`;
  switch (kind) {
    case 'string':
      return `typeof ${v} === "string" && ${v}.length <= ${maxStringLength} ? (b += ${v}.length + ${QUOTES_BYTES}, ${v}) : ${general}`;
    case 'number':
      // Finite exactly when v - v is 0; -0 is copied as 0, as the copier does.
      return `typeof ${v} === "number" && ${v} - ${v} === 0 ? (b += ${NUMBER_BYTES}, ${v} === 0 ? 0 : ${v}) : ${general}`;
    case 'boolean':
      return `typeof ${v} === "boolean" ? (b += ${BOOLEAN_BYTES}, ${v}) : ${general}`;
    case 'null':
      return `${v} === null ? (b += ${NULL_BYTES}, null) : ${general}`;
    default:
      return general;
  }
}

/**
 * The copy of one key list: reads every value, gives up on an object that is not plain
 * (another prototype, a toJSON), gives up (undefined) if a value is undefined, since
 * that key is left out of a copy, then builds the literal with each value copied inline (a
 * leaf of the kind seen when compiled) or through the copier and its node, and counts the
 * keys' and leaves' size as the key-by-key copy does. Keys are written as JSON string
 * literals, which are valid JavaScript string literals.
 */
function compile(keys: readonly string[], kinds: readonly LeafKind[], maxStringLength: number, children: ShapeNode[]): CompiledCopy | undefined {
  // Each key adds its length and 4 (quotes, colon, comma); the braces add 2.
  const keyBytes = keys.reduce((sum, key) => sum + key.length + 4, 2);
  const lines: string[] = [];
  if (keys.length > 0) {
    lines.push(`const ${keys.map((key, i) => `v${i} = o[${JSON.stringify(key)}]`).join(', ')};`);
  }
  // Plain data only, as the copier's key-by-key copy checks (plain-copy.ts). Each compiled copy
  // meets one shape of object, and after the reads above V8 knows it: the two checks become a
  // map comparison. Before any read, the prototype lookup was a runtime call.
  lines.push(
    'const p = Object.getPrototypeOf(o);',
    'if ((p !== Object.prototype && p !== null) || typeof o.toJSON === "function") c.notPlain();',
  );
  if (keys.length > 0) lines.push(`if (${keys.map((_, i) => `v${i} === undefined`).join(' || ')}) return undefined;`);
  lines.push(`let b = ${keyBytes};`);
  lines.push(`const out = { ${keys.map((key, i) => `${JSON.stringify(key)}: ${leafCopy(kinds[i], `v${i}`, i, maxStringLength)}`).join(', ')} };`);
  // Nested values counted their own size already; the sum is the same in any order.
  lines.push('c.bytes += b;', 'c.checkBudget();', 'return out;');
  try {
    const make = new Function('n', `return function compiledCopy(o, c, d) {\n${lines.join('\n')}\n};`) as (n: ShapeNode[]) => CompiledCopy;
    return make(children);
  } catch {
    codegenAvailable = false;
    return undefined;
  }
}
