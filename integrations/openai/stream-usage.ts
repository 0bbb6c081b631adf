/**
 * Opt-in (`integrations.openai.streamUsage`): ask OpenAI for usage on streamed chat requests
 * with `stream_options.include_usage`. The app did not ask for it, so what it adds is taken
 * back out before the app sees a chunk: the trailing usage-only chunk is hidden and the
 * `usage: null` the option puts on every other chunk is removed.
 */
import { assignKeys, copyKeys } from '../../src/copy-keys.js';
import type { Destination, TargetDefinition } from '../../src/patching/types.js';
import type { IntegrationSettings } from '../../src/types.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function hideAddedUsage(chunk: unknown): boolean {
  if (!isObject(chunk)) return false;
  if (Array.isArray(chunk.choices) && chunk.choices.length === 0 && isObject(chunk.usage)) return true;
  if (chunk.usage === null) delete chunk.usage;
  return false;
}

export const withStreamUsage: NonNullable<TargetDefinition['prepare']> = (
  args: unknown[],
  settings: IntegrationSettings,
  destination: Destination,
) => {
  // Only api.openai.com is known to accept the option; other compatible hosts may reject it.
  if (!settings.streamUsage || destination.provider !== 'openai') return undefined;
  const body = args[0];
  if (!isObject(body) || body.stream !== true) return undefined;
  const options = isObject(body.stream_options) ? body.stream_options : undefined;
  if (options?.include_usage === true) return undefined;
  const streamOptions: Record<string, unknown> = assignKeys({}, options);
  streamOptions.include_usage = true;
  const changed = copyKeys(body);
  changed.stream_options = streamOptions;
  return { args: [changed, ...args.slice(1)], hideChunk: hideAddedUsage };
};
