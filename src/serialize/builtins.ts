/**
 * Leaf descriptions of built-in objects a snapshot must not copy field by field: binary data
 * (never copied whole), and live I/O objects (responses, streams, headers) that reading could
 * consume, hang on, or leak credentials from.
 */

/** Bytes of binary data a snapshot shows; enough to recognise a format, never the payload. */
export const BINARY_PREVIEW_BYTES = 64;

/** A type alias, not an interface, so that it is assignable to a JSON object. */
export type BinaryDescription = {
  _type: string;
  byteLength: number;
  preview: string;
};

export function isBinary(value: object): value is ArrayBufferView | ArrayBuffer | SharedArrayBuffer {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)
  );
}

export function describeBinary(
  value: ArrayBufferView | ArrayBuffer | SharedArrayBuffer,
  className: string,
): BinaryDescription {
  const byteLength = value.byteLength;
  const shown = Math.min(byteLength, BINARY_PREVIEW_BYTES);
  const head = ArrayBuffer.isView(value)
    ? new Uint8Array(value.buffer, value.byteOffset, shown)
    : new Uint8Array(value, 0, shown);
  return { _type: className || 'Buffer', byteLength, preview: base64(head) };
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Own encoder: Buffer is Node-only and btoa needs a binary string; previews are tiny. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64_ALPHABET[n >> 18]! + BASE64_ALPHABET[(n >> 12) & 63]! +
      BASE64_ALPHABET[(n >> 6) & 63]! + BASE64_ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += BASE64_ALPHABET[n >> 18]! + BASE64_ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += BASE64_ALPHABET[n >> 18]! + BASE64_ALPHABET[(n >> 12) & 63]! +
      BASE64_ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Classes shown as a bare marker. Matched by constructor name as well as `instanceof`, because
 * fetch polyfills (undici, node-fetch) and other realms bring their own classes.
 */
const OPAQUE_CLASS_NAMES = new Set([
  'Response', 'Request', 'Headers', 'FormData', 'Blob', 'File',
  'ReadableStream', 'WritableStream', 'TransformStream',
  'AbortController', 'AbortSignal', 'WebSocket', 'MessagePort', 'Worker',
  'IncomingMessage', 'ServerResponse', 'ClientRequest', 'Socket', 'Agent',
]);

const OPAQUE_GLOBALS = ['Response', 'Request', 'Headers', 'ReadableStream', 'Blob', 'FormData'] as const;

function opaqueGlobalName(value: object): string | undefined {
  const scope = globalThis as Record<string, unknown>;
  for (const name of OPAQUE_GLOBALS) {
    const ctor = scope[name];
    if (typeof ctor === 'function' && value instanceof ctor) return name;
  }
  return undefined;
}

/**
 * A short marker for objects that must not be walked, or undefined for ordinary objects.
 * Nothing here reads a body, iterates a stream or lists headers.
 */
export function opaqueMarker(value: object, className: string): string | undefined {
  const name = OPAQUE_CLASS_NAMES.has(className) ? className : opaqueGlobalName(value);
  if (name === 'Response') {
    const status = (value as { status?: unknown }).status;
    return typeof status === 'number' ? `[Response ${status}]` : '[Response]';
  }
  if (name !== undefined) return `[${name}]`;
  const maybeStream = value as { pipe?: unknown; on?: unknown };
  if (typeof maybeStream.pipe === 'function' && typeof maybeStream.on === 'function') {
    return `[Stream ${className || 'object'}]`;
  }
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Generator]' || tag === '[object AsyncGenerator]') return `[${tag.slice(8, -1)}]`;
  // SDK stream wrappers (OpenAI's Stream, Anthropic's MessageStream) are async iterables.
  if (Symbol.asyncIterator in value) return `[AsyncIterable ${className || 'object'}]`;
  return undefined;
}

/**
 * A schema object of a validation library implementing "Standard Schema" (Zod's, a class
 * instance) is internals, thousands of fields of them; what it means is its JSON Schema, which
 * libraries implementing Standard JSON Schema produce. Undefined for other objects; the JSON
 * Schema when it can be made, else null.
 */
export function standardSchemaOf(value: object): { vendor: string; jsonSchema: unknown } | undefined {
  try {
    return readStandardSchema(value);
  } catch {
    // A getter that throws: not recognisably a schema; the object is walked as any other.
    return undefined;
  }
}

function readStandardSchema(value: object): { vendor: string; jsonSchema: unknown } | undefined {
  const props = (value as { '~standard'?: { vendor?: unknown; validate?: unknown; jsonSchema?: { input?: unknown } } })['~standard'];
  if (props === null || typeof props !== 'object' || typeof props.validate !== 'function') return undefined;
  const vendor = typeof props.vendor === 'string' ? props.vendor : 'unknown';
  const input = props.jsonSchema?.input;
  if (typeof input !== 'function') return { vendor, jsonSchema: null };
  try {
    return { vendor, jsonSchema: input.call(props.jsonSchema, { target: 'draft-2020-12' }) };
  } catch {
    // Some schemas have no JSON Schema (transforms, custom checks).
    return { vendor, jsonSchema: null };
  }
}

export function constructorName(proto: object): string {
  const ctor = (proto as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function') return '';
  const name: unknown = ctor.name;
  return typeof name === 'string' ? name : '';
}

/** A URL is shown by its href, minus any user and password in it. */
export function hrefWithoutCredentials(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
