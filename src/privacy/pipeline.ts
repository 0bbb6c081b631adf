/**
 * The privacy pipeline every recorded `inputs` and `output` goes through (SPEC §6), in order:
 * default key redaction -> the op's or integration's hook -> the global hook ->
 * `captureContent: false` stripping.
 *
 * Ownership: `value` must be a snapshot the caller no longer uses. Redaction mutates it, and
 * it is what the first hook receives; each hook's result is snapshotted again, so every later
 * step works on a fresh copy nobody else holds, and a hook that keeps a reference to what it
 * was given cannot change the record afterwards.
 *
 * Hooks fail closed: if one throws, returns a promise or returns something unreadable, the
 * whole field becomes "[redaction failed: <hook name>: <message>]" and later hooks do not
 * run. The raw value is never used as a fallback.
 */
import { UNSERIALIZABLE_PREFIX, errorMessageOf } from '../serialize/markers.js';
import { snapshot, type JsonObject, type JsonValue, type SnapshotLimits } from '../serialize/snapshot.js';
import { stripContent } from './capture.js';
import { keyMatcherFor, redactWithMatcher } from './redact.js';

export type PrivacyField = 'inputs' | 'output';

/**
 * A `postprocessInputs`/`postprocessOutput` function. It may return a new value, or change
 * its argument in place and return undefined. It must be synchronous.
 */
export type PrivacyHook = (value: never) => unknown;

export interface PrivacyConfig {
  /** Extra key names redacted like the defaults (`init({ redactKeys })`). */
  redactKeys?: readonly string[];
  /** The op's or the integration's hook. */
  opHook?: PrivacyHook;
  /** Names the op hook in the failure marker and warning (default "op postprocessInputs"). */
  opHookName?: string;
  /** The hook from `init()`. */
  globalHook?: PrivacyHook;
  globalHookName?: string;
  /** The value was copied with `keyRedactionFor(redactKeys)`, so key redaction is already done. */
  keysRedacted?: boolean;
  /** false: metadata only. Default true. */
  captureContent?: boolean;
  /** Told about a failing hook; keyed per hook so the caller can report each one once. */
  warnOnce?: (key: string, message: string) => void;
  /** Limits for re-snapshotting hook results (default: the snapshot defaults). */
  limits?: Partial<SnapshotLimits>;
}

export const REDACTION_FAILED_PREFIX = '[redaction failed: ';

export function applyPrivacy(field: 'inputs', value: JsonValue, cfg: PrivacyConfig): JsonObject;
export function applyPrivacy(field: PrivacyField, value: JsonValue, cfg: PrivacyConfig): JsonValue;
export function applyPrivacy(field: PrivacyField, value: JsonValue, cfg: PrivacyConfig): JsonValue {
  let current = cfg.keysRedacted === true ? value : redactWithMatcher(value, keyMatcherFor(cfg.redactKeys));
  // Runs twice per exported call: hook names are only built when a hook fails.
  if (cfg.opHook !== undefined) {
    const outcome = runHook(cfg.opHook, current, cfg.limits);
    if (!outcome.ok) return failClosed(field, cfg.opHookName ?? `op ${hookKindOf(field)}`, outcome.reason, cfg);
    current = outcome.value;
  }
  if (cfg.globalHook !== undefined) {
    const outcome = runHook(cfg.globalHook, current, cfg.limits);
    if (!outcome.ok) return failClosed(field, cfg.globalHookName ?? `global ${hookKindOf(field)}`, outcome.reason, cfg);
    current = outcome.value;
  }
  if (field === 'inputs') current = asInputsObject(current);
  if (cfg.captureContent === false) current = stripContent(current);
  return current;
}

function hookKindOf(field: PrivacyField): string {
  return field === 'inputs' ? 'postprocessInputs' : 'postprocessOutput';
}

/** The marker that replaces the whole field; later hooks do not run. */
function failClosed(field: PrivacyField, hookName: string, reason: string, cfg: PrivacyConfig): JsonValue {
  cfg.warnOnce?.(
    `privacy-hook-failed:${hookName}`,
    `${hookName} failed (${reason}); the ${field} of each call it fails on are replaced by a marker.`,
  );
  // Without content capture the message stays out too: a hook's error can quote its input.
  const marker = cfg.captureContent === false
    ? `${REDACTION_FAILED_PREFIX}${hookName}]`
    : `${REDACTION_FAILED_PREFIX}${hookName}: ${reason}]`;
  return field === 'inputs' ? { value: marker } : marker;
}

type HookOutcome = { ok: true; value: JsonValue } | { ok: false; reason: string };

function runHook(hook: PrivacyHook, value: JsonValue, limits: Partial<SnapshotLimits> | undefined): HookOutcome {
  let returned: unknown;
  try {
    returned = (hook as (value: JsonValue) => unknown)(value);
    if (returned === undefined) returned = value;
    if (isThenable(returned)) {
      // Nobody else will ever await it: a rejection must not become an unhandled one.
      void Promise.resolve(returned).catch(() => undefined);
      return { ok: false, reason: 'returned a Promise; hooks must be synchronous' };
    }
  } catch (error) {
    return { ok: false, reason: errorMessageOf(error, false) };
  }
  const copy = snapshot(returned, limits).value;
  if (typeof copy === 'string' && copy.startsWith(UNSERIALIZABLE_PREFIX)) {
    return { ok: false, reason: `returned an unreadable value ${copy}` };
  }
  return { ok: true, value: copy };
}

/** Throws (caught by the caller) when reading `then` throws, which also fails the hook closed. */
function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { then?: unknown }).then === 'function';
}

/** `Call.inputs` is an object: anything else a hook returns is kept under `value`. */
function asInputsObject(value: JsonValue): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : { value };
}

/** True for a value replaced because a hook failed (for callers and tests). */
export function isRedactionFailure(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith(REDACTION_FAILED_PREFIX);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const wrapped = (value as { value?: unknown }).value;
  return Object.keys(value).length === 1 && typeof wrapped === 'string' && wrapped.startsWith(REDACTION_FAILED_PREFIX);
}
