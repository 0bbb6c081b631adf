/** An error, as a call record keeps it (SPEC §3 `exception`). */
import { cutString } from '../serialize/markers.js';
import type { CallException } from '../types.js';

/**
 * Longest `message` or `stack` a record keeps: an error can carry a whole response body, and
 * nothing else bounds what an exception holds in the export queue.
 */
export const MAX_EXCEPTION_TEXT = 16_384;

/** Never throws, whatever was thrown: a getter that throws, or a revoked proxy, loses only its field. */
export function toCallException(error: unknown): CallException {
  if (error === null || typeof error !== 'object') return { type: typeof error, message: boundedText(safeString(error)) };
  const e = error as { name?: unknown; message?: unknown; stack?: unknown; status?: unknown; statusCode?: unknown; constructor?: { name?: unknown } };
  const ctorName = read(() => e.constructor?.name);
  const name = read(() => e.name);
  const message = read(() => e.message);
  const exception: CallException = {
    type: typeof ctorName === 'string' && ctorName !== 'Object' ? ctorName : typeof name === 'string' ? name : 'Error',
    message: boundedText(typeof message === 'string' ? message : safeString(error)),
  };
  const stack = read(() => e.stack);
  if (typeof stack === 'string') exception.stack = boundedText(stack);
  // Stainless SDKs (openai, anthropic) name the HTTP status `status`; Fern and Speakeasy ones
  // (cohere-ai, @mistralai/mistralai) name it `statusCode`.
  const status = read(() => e.status);
  const statusCode = typeof status === 'number' ? status : read(() => e.statusCode);
  if (typeof statusCode === 'number') exception.status = statusCode;
  return exception;
}

function read(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return undefined;
  }
}

/** `scheme://user:password@`: an SDK's error may quote the URL it was given, credentials and all. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

function boundedText(text: string): string {
  const cut = text.length > MAX_EXCEPTION_TEXT ? cutString(text, MAX_EXCEPTION_TEXT) : text;
  return cut.includes('@') ? cut.replace(URL_CREDENTIALS, '$1[REDACTED]@') : cut;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}
