/**
 * The strings a snapshot puts where it could not, or would not, copy a value. They are plain
 * strings so that every exporter and the viewer show them without knowing about them.
 */

export const CIRCULAR = '[Circular]';
export const TRUNCATED_DEPTH = '[Truncated: depth]';
export const TRUNCATED_SIZE = '[Truncated: size]';
/** Key added to an object whose remaining keys were dropped. */
export const TRUNCATED_KEY = '[Truncated]';
export const PROMISE = '[Promise]';
export const INVALID_DATE = '[Invalid Date]';

/** Longest error message a marker quotes: messages can be long and can echo content. */
const MAX_MESSAGE_LENGTH = 200;

export function moreItemsMarker(count: number): string {
  return `[Truncated: ${formatCount(count)} more items]`;
}

export function moreKeysMarker(count: number): string {
  return `[Truncated: ${formatCount(count)} more keys]`;
}

export function truncatedStringSuffix(droppedChars: number): string {
  return `…[truncated ${formatCount(droppedChars)} chars]`;
}

export const UNSERIALIZABLE_PREFIX = '[Unserializable: ';

/** A value that could not be read at all (revoked proxy, throwing trap). */
export function unserializableMarker(error: unknown): string {
  return `${UNSERIALIZABLE_PREFIX}${errorMessageOf(error)}]`;
}

/** A property whose getter threw. */
export function threwMarker(error: unknown): string {
  return `[Threw: ${errorMessageOf(error)}]`;
}

export function functionMarker(fn: Function): string {
  let name = '';
  try {
    name = typeof fn.name === 'string' ? fn.name : '';
  } catch {
    // a proxied function can throw on any read; the marker still says what it was
  }
  return `[Function ${name || '(anonymous)'}]`;
}

/** 49900000 -> "49,900,000"; locale-independent so markers are the same everywhere. */
export function formatCount(count: number): string {
  const digits = String(Math.trunc(count));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    const fromEnd = digits.length - i;
    out += digits[i];
    if (fromEnd > 1 && fromEnd % 3 === 1 && digits[i] !== '-') out += ',';
  }
  return out;
}

/**
 * Never throws, whatever was thrown (a proxy, an object with a throwing `message` getter).
 * `withName` prefixes the error's name ("TypeError: ...").
 */
export function errorMessageOf(error: unknown, withName = true): string {
  let message: string;
  try {
    if (error instanceof Error) {
      if (!error.message) message = String(error.name);
      else message = withName ? `${error.name}: ${error.message}` : String(error.message);
    } else {
      message = String(error);
    }
  } catch {
    message = 'unknown error';
  }
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

/** Keeps the first `keep` characters of `value` and says how many were dropped. */
export function cutString(value: string, keep: number): string {
  let end = Math.max(0, keep);
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // do not split a surrogate pair
  return detach(value.slice(0, end)) + truncatedStringSuffix(value.length - end);
}

/**
 * V8 keeps the parent of a sliced string alive: without a real copy, the 100 kB kept from a
 * 50 MB prompt would pin all 50 MB in the export queue. Prepending a character and slicing it
 * off again makes V8 flatten into a fresh string that does not reference the parent.
 */
function detach(slice: string): string {
  return (' ' + slice).slice(1);
}

/** A retry would overflow again, so the walk gives up on the object at once. */
export function isStackOverflow(error: unknown): boolean {
  try {
    return error instanceof RangeError && error.message.includes('call stack');
  } catch {
    return false;
  }
}
