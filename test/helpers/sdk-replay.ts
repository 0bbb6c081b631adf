/**
 * Runs the real `cohere-ai` and `@mistralai/mistralai` SDKs against a recorded response through
 * their own custom-fetch hooks (no network, no global interception), so tests see exactly the
 * objects the SDK gives the application: camelCase, defaults filled in, unknown keys dropped
 * or passed through as each SDK version does.
 *
 * The devDependency copies (cohere-ai 8, @mistralai/mistralai 2) are always available; the
 * other majors are taken from the compat fixtures (test/compat/fixtures/<name>/node_modules)
 * when they were installed there, and skipped otherwise.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { toResponse, type WireResponse } from './wire.js';

type Json = Record<string, any>;
type Loader = () => Promise<Json>;

export interface SdkCopy {
  label: string;
  load: Loader;
}

const COMPAT = fileURLToPath(new URL('../compat/fixtures/', import.meta.url));

function compatCopy(folder: string, packageName: string, label: string): SdkCopy | undefined {
  const base = `${COMPAT}${folder}/`;
  if (!existsSync(`${base}node_modules/${packageName}/package.json`)) return undefined;
  const require = createRequire(`${base}package.json`);
  return { label, load: async () => (await import(require.resolve(packageName))) as Json };
}

function present(copies: Array<SdkCopy | undefined>): SdkCopy[] {
  return copies.filter((copy): copy is SdkCopy => copy !== undefined);
}

/** cohere-ai copies to run: the devDependency (8.x) and, when installed, the 7.x compat fixture. */
export const cohereCopies: SdkCopy[] = present([
  { label: 'cohere-ai devDependency', load: async () => (await import('cohere-ai')) as Json },
  compatCopy('cohere-v7', 'cohere-ai', 'cohere-ai 7.x'),
]);

/** @mistralai/mistralai copies: the devDependency (2.x) and, when installed, the 1.x compat fixture. */
export const mistralCopies: SdkCopy[] = present([
  { label: '@mistralai/mistralai devDependency', load: async () => (await import('@mistralai/mistralai')) as Json },
  compatCopy('mistral-v1', '@mistralai/mistralai', '@mistralai/mistralai 1.x'),
]);

/** A CJS module imported from ESM may arrive as `{ default: exports }`. */
function exportsOf(mod: Json): Json {
  return mod.CohereClient || mod.Mistral ? mod : (mod.default ?? mod);
}

function fetchFor(response: WireResponse) {
  return async () => toResponse(response, { chunkSize: 37 });
}

export interface CohereCall {
  v2?: boolean;
  method: string;
  request: Json;
}

/** Calls one CohereClient / CohereClientV2 method and returns what the app would get. */
export async function cohereResult(copy: SdkCopy, call: CohereCall, response: WireResponse): Promise<any> {
  const sdk = exportsOf(await copy.load());
  const Client = call.v2 ? sdk.CohereClientV2 : sdk.CohereClient;
  const client = new Client({ token: 'test-token', fetch: fetchFor(response) });
  return client[call.method](call.request);
}

/** Iterates a Cohere stream method to the end and returns every event the SDK yielded. */
export async function cohereEvents(copy: SdkCopy, call: CohereCall, response: WireResponse): Promise<Json[]> {
  const stream = await cohereResult(copy, call, response);
  const events: Json[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Calls `client.<resource>.<method>(request)` on a Mistral client, e.g. `chat.complete`. */
export async function mistralResult(copy: SdkCopy, path: string, request: Json, response: WireResponse): Promise<any> {
  const sdk = exportsOf(await copy.load());
  const httpClient = new sdk.HTTPClient({ fetcher: fetchFor(response) });
  const client = new sdk.Mistral({ apiKey: 'test-key', httpClient });
  const [resource, method] = path.split('.') as [string, string];
  return client[resource][method](request);
}

/** Reads a Mistral stream method to the end; returns the `{ data }` events as the SDK yields them. */
export async function mistralEvents(copy: SdkCopy, path: string, request: Json, response: WireResponse): Promise<Json[]> {
  const stream = await mistralResult(copy, path, request, response);
  const events: Json[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Frozen, so a reducer that writes into a chunk (which the app also holds) throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Json)[key]);
  }
  return value;
}
