/**
 * How the engine reads the errors an SDK call ends with: whether the user aborted (the record
 * ends `cancelled`, not `error`), and which HTTP status the record's exception carries.
 */
import type { IntegrationDefinition } from './types.js';

/** The standard abort (`AbortError`) and the Stainless SDKs' `APIUserAbortError`. */
export function isAbortError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const e = error as { name?: unknown; constructor?: { name?: unknown } };
  return e.name === 'AbortError' || e.constructor?.name === 'APIUserAbortError' || e.name === 'APIUserAbortError';
}

/** An abort for this integration: a standard one, or one its SDK reports in its own error class. */
export function abortTest(integration: IntegrationDefinition): (error: unknown) => boolean {
  const own = integration.isAbort;
  if (!own) return isAbortError;
  return (error) => {
    if (isAbortError(error)) return true;
    try {
      return own(error) === true;
    } catch {
      return false;
    }
  };
}

/**
 * The error as the record describes it. The Stainless SDKs (openai, anthropic) put the HTTP
 * status in `status`, which the record reads; the Fern and Speakeasy ones (cohere-ai,
 * @mistralai/mistralai) put it in `statusCode`. Such an error is recorded through a plain
 * description that has both, so the error the application holds is never touched.
 */
export function recordedError(error: unknown): unknown {
  if (error === null || typeof error !== 'object') return error;
  try {
    const e = error as { status?: unknown; statusCode?: unknown; constructor?: unknown; name?: unknown; message?: unknown; stack?: unknown };
    if (typeof e.status === 'number' || typeof e.statusCode !== 'number') return error;
    return { constructor: e.constructor, name: e.name, message: e.message, stack: e.stack, status: e.statusCode };
  } catch {
    return error;
  }
}
