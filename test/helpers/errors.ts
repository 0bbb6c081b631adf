/** Assertions shared by the SDK error tests. */
import { expect } from 'vitest';
import type { Call } from '../../src/types.js';

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  return promise.then(() => {
    throw new Error('expected a rejection');
  }, (error: unknown) => error);
}

/** The record of a failed call: ended, the SDK's error class and message, its status, and no key. */
export function expectErrorRecord(
  call: Call,
  error: { constructor: { name: string }; message: string },
  status: number | undefined,
  secret: string,
): void {
  expect(call.status).toBe('error');
  expect(call.exception).toMatchObject({ type: error.constructor.name, message: error.message });
  if (status === undefined) expect(call.exception).not.toHaveProperty('status');
  else expect(call.exception!.status).toBe(status);
  expect(call.endedAt).not.toBeNull();
  expect(JSON.stringify(call)).not.toContain(secret);
}
