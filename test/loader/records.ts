/** Reading what loader test apps recorded: by the tag each app puts in its chat message. */
import { join } from 'node:path';
import { init } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import { clearTracewireEnv } from '../helpers/collect.js';
import { ROOT } from '../helpers/node-app.js';

export const APPS = new URL('./apps/', import.meta.url).pathname;
export const SUPPORT = `${APPS}support.cjs`;

/** The SDKs besides openai (makeApp links it) for apps that load all four, from the compat fixtures. */
export const SDK_PACKAGES = {
  '@anthropic-ai/sdk': join(ROOT, 'test/compat/fixtures/anthropic-v1/node_modules/@anthropic-ai/sdk'),
  'cohere-ai': join(ROOT, 'test/compat/fixtures/cohere-v8/node_modules/cohere-ai'),
  '@mistralai/mistralai': join(ROOT, 'test/compat/fixtures/mistral-v2/node_modules/@mistralai/mistralai'),
};

/** What apps/static-after-init.mjs records: one call per SDK, cohere's v1 and v2 clients both. */
export const STATIC_OPS = ['anthropic.messages.create', 'cohere.chat', 'cohere.v2.chat', 'mistral.chat.complete', 'openai.chat.completions.create'];

/** The message content an app's chat call carried (its tag), for SDK call records. */
export function tagOf(call: Call): string | undefined {
  const messages = (call.inputs as { messages?: { content?: unknown }[] }).messages;
  const content = messages?.[0]?.content;
  return typeof content === 'string' ? content : undefined;
}

/** How many SDK call records carry each tag. */
export function countByTag(calls: Call[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const tag = tagOf(call);
    if (tag !== undefined) counts[tag] = (counts[tag] ?? 0) + 1;
  }
  return counts;
}

/** Reads a child's local store from this process (no patching here: it only reads). */
export async function readStore(dir: string, project: string): Promise<Call[]> {
  clearTracewireEnv();
  return init({ project, dir, exporters: ['local'], implicitlyPatchIntegrations: false }).getCalls();
}
