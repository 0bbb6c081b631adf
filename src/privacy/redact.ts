/**
 * Default key redaction (SPEC §6): values under credential-like keys become "[REDACTED]",
 * whatever their type, at any depth.
 *
 * Matching rule. A key is normalised by lower-casing it and removing `-`, `_`, `.` and
 * whitespace, so `API-KEY`, `api_key`, `apiKey`, `x_api_key` and `X-Api-Key` are all seen.
 * It is sensitive when its normalised form
 *   - equals a default name or an extra `redactKeys` name (normalised the same way), or
 *   - ends with one of `apikey`, `token`, `secret`, `password`, `authorization`, which
 *     catches `openai_api_key`, `access_token`, `client_secret`, `db_password`,
 *     `proxy-authorization`.
 * The `token` rule is singular on purpose: usage counters are plural (`max_tokens`,
 * `prompt_tokens`, `total_tokens`, `tokens`) or carry a suffix (`promptTokenCount`,
 * `eos_token_id`), and must survive; they would be lost by a "contains token" rule.
 * Known cost of the spec's `token` default: per-token logprobs (`{ token, logprob }`) lose
 * their token text.
 *
 * The walk mutates the tree in place: it runs on snapshots, which are tracewire's own copies.
 */
import type { JsonObject, JsonValue, KeyRedaction } from '../serialize/snapshot.js';

export const REDACTED = '[REDACTED]';

/** The names SPEC §6 lists; matched after normalisation (see the module comment). */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'api_key', 'apiKey', 'authorization', 'x-api-key', 'password', 'secret', 'token',
];

/** Further exact names that are credentials in practice but end in none of the suffixes. */
const EXTRA_SENSITIVE_NAMES = [
  'api_keys', 'bearer', 'cookie', 'set-cookie', 'passwd', 'private_key', 'secret_key', 'secret_access_key',
];

const SENSITIVE_SUFFIXES = ['apikey', 'token', 'secret', 'password', 'authorization'];

/** Keys repeat across calls (role, content, model): remembering verdicts skips the normalising. */
const MAX_CACHED_KEYS = 4096;

export type KeyMatcher = (key: string) => boolean;

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

export function createKeyMatcher(extraKeys: readonly string[] = []): KeyMatcher {
  const exact = new Set<string>();
  for (const name of [...DEFAULT_REDACT_KEYS, ...EXTRA_SENSITIVE_NAMES, ...extraKeys]) {
    const normalized = normalizeKey(name);
    if (normalized !== '') exact.add(normalized);
  }
  const verdicts = new Map<string, boolean>();
  return (key) => {
    let sensitive = verdicts.get(key);
    if (sensitive === undefined) {
      const normalized = normalizeKey(key);
      sensitive = exact.has(normalized) || SENSITIVE_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
      if (verdicts.size >= MAX_CACHED_KEYS) verdicts.clear();
      verdicts.set(key, sensitive);
    }
    return sensitive;
  };
}

const defaultMatcher = createKeyMatcher();
/** One matcher per `redactKeys` array, so its verdict cache lives as long as the settings do. */
const matchersByExtraKeys = new WeakMap<readonly string[], KeyMatcher>();

export function keyMatcherFor(extraKeys: readonly string[] | undefined): KeyMatcher {
  if (extraKeys === undefined || extraKeys.length === 0) return defaultMatcher;
  let matcher = matchersByExtraKeys.get(extraKeys);
  if (matcher === undefined) {
    matcher = createKeyMatcher(extraKeys);
    matchersByExtraKeys.set(extraKeys, matcher);
  }
  return matcher;
}

const redactions = new WeakMap<KeyMatcher, KeyRedaction>();

/**
 * The same rule as `redactKeys`, for a snapshot to apply while it copies (one walk instead of
 * a copy and then a redaction pass over it).
 */
export function keyRedactionFor(extraKeys: readonly string[] | undefined): KeyRedaction {
  const isSensitive = keyMatcherFor(extraKeys);
  let redaction = redactions.get(isSensitive);
  if (redaction === undefined) {
    redaction = {
      marker: REDACTED,
      hides: (owner, key) => isSensitive(key) && !isLogprobText(owner as JsonObject, key),
      mayHide: isSensitive,
    };
    redactions.set(isSensitive, redaction);
  }
  return redaction;
}

export function isSensitiveKey(key: string, extraKeys?: readonly string[]): boolean {
  return keyMatcherFor(extraKeys)(key);
}

/**
 * Replaces, in place, every value under a sensitive key with "[REDACTED]" and returns the
 * same tree. Also covers snapshots of Maps (`{ _type: "Map", entries: [[key, value]] }`),
 * since headers are often kept in one.
 */
export function redactKeys(value: JsonValue, extraKeys?: readonly string[]): JsonValue {
  return redactWithMatcher(value, keyMatcherFor(extraKeys));
}

export function redactWithMatcher(value: JsonValue, isSensitive: KeyMatcher): JsonValue {
  // An explicit stack: no recursion limit to think about, whatever tree it is given.
  const pending: JsonValue[] = [value];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') pending.push(item);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (isSensitive(key) && !isLogprobText(node, key)) {
        node[key] = REDACTED;
        continue;
      }
      const child = node[key]!;
      if (child !== null && typeof child === 'object') pending.push(child);
    }
    if (node._type === 'Map') redactMapEntries(node, isSensitive);
  }
  return value;
}

/**
 * `{ token, logprob }` entries of OpenAI/Mistral logprobs carry generated text, not a
 * credential: redacting them would blank every logprob while protecting nothing.
 */
function isLogprobText(node: JsonObject, key: string): boolean {
  return key === 'token' && typeof node.logprob === 'number';
}

function redactMapEntries(map: JsonObject, isSensitive: KeyMatcher): void {
  const entries = map.entries;
  if (!Array.isArray(entries)) return;
  for (const entry of entries) {
    if (Array.isArray(entry) && typeof entry[0] === 'string' && entry.length === 2 && isSensitive(entry[0])) {
      entry[1] = REDACTED;
    }
  }
}
