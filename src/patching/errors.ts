/**
 * How the engine reads the errors an SDK call ends with: whether the user aborted (the record
 * ends `cancelled`, not `error`).
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
