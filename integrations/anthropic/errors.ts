/** Anthropic's error types, and a mid-stream `error` event as a record exception. */
import { asObject } from '../shared/json.js';

/**
 * HTTP status the API uses for each error `type` of its error envelope
 * (`{ type: 'error', error: { type, message } }`). A mid-stream `error` event carries no
 * status of its own, so this is the status the same error has as an HTTP response.
 */
const STATUS_OF_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  memory_path_conflict_error: 409,
  memory_precondition_failed_error: 412,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The HTTP status of an Anthropic error type (`overloaded_error` → 529), if it has one. */
export function statusOfErrorType(type: unknown): number | undefined {
  return typeof type === 'string' && Object.hasOwn(STATUS_OF_ERROR_TYPE, type) ? STATUS_OF_ERROR_TYPE[type] : undefined;
}

/** An `error` event (`{ type: 'error', error: { type, message } }`) as a record exception. */
export function streamErrorOf(chunk: unknown): { type: string; message: string; status?: number } | undefined {
  const event = asObject(chunk);
  if (event?.type !== 'error') return undefined;
  const error = asObject(event.error);
  const type = typeof error?.type === 'string' && error.type !== '' ? error.type : 'error';
  const message = typeof error?.message === 'string' ? error.message : '';
  const status = statusOfErrorType(type);
  return status === undefined ? { type, message } : { type, message, status };
}
