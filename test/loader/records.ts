/** Reading what loader test apps recorded: by the tag each app puts in its chat message. */
import { init } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import { clearTracewireEnv } from '../helpers/collect.js';

export const APPS = new URL('./apps/', import.meta.url).pathname;
export const SUPPORT = `${APPS}support.cjs`;

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
