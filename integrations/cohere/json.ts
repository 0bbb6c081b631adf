/**
 * Reading the objects the `cohere-ai` SDK hands out: camelCase where its serializers know a
 * key, the wire's snake_case where they pass it through, so readers accept both spellings.
 */

import { asObject, type Json } from '../shared/json.js';

export { asObject, count, type Json } from '../shared/json.js';

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function nonEmptyText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** The first of the given keys that is present (camelCase as the SDK gives it, then the wire's snake_case). */
export function pick(object: Json | undefined, camel: string, snake: string): unknown {
  if (object === undefined) return undefined;
  const value = object[camel];
  return value !== undefined ? value : object[snake];
}

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A deep copy with camelCase keys (for objects the SDK passed through in snake_case). */
export function camelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  const object = asObject(value);
  if (object === undefined) return value;
  const out: Json = {};
  for (const key of Object.keys(object)) out[snakeToCamel(key)] = camelizeKeys(object[key]);
  return out;
}

/** Events are only read: what is kept from one is a copy, so a later change to it changes nothing. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}
