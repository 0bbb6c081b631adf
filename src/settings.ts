/**
 * Options from code and variables from the environment, resolved in one place. The environment
 * wins, so an operator can change behaviour without a deploy (SPEC §4).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { warnOnce } from './log.js';
import { parseOtelList } from './otel-env-list.js';
import { rejectUnknownKeys } from './unknown-keys.js';
import {
  CALL_KINDS,
  type ExporterSpec,
  type InitOptions,
  type IntegrationName,
  type IntegrationSettings,
  type Postprocess,
} from './types.js';

export const INTEGRATION_NAMES: readonly IntegrationName[] = ['openai', 'anthropic', 'cohere', 'mistral'];
const EXPORTER_NAMES = ['local', 'otlp', 'console', 'memory', 'none'] as const;
const DEFAULT_QUEUE_BYTES = 64 * 1024 * 1024;

export interface ResolvedSettings {
  project: string;
  disabled: boolean;
  implicitPatching: boolean;
  integrations: Record<IntegrationName, IntegrationSettings & { enabled: boolean }>;
  captureContent: boolean;
  postprocessInputs?: Postprocess<Record<string, unknown>>;
  postprocessOutput?: Postprocess<unknown>;
  redactKeys: string[];
  attributes: Record<string, unknown>;
  exporters: ExporterSpec[];
  dir: string;
  maxQueueBytes: number;
  otlp: { endpoint?: string; headers: Record<string, string> };
}

type Env = Record<string, string | undefined>;

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Reads a boolean variable; a bad value is reported once and ignored (the caller's default holds). */
export function envBoolean(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  warnOnce(
    `env:${name}:${raw}`,
    `${name}=${JSON.stringify(raw)} is not a boolean; accepted values: 1/0, true/false, yes/no, on/off (any case). Using the default.`,
  );
  return undefined;
}

function envList(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** Before init() has run: whether the environment alone keeps `name` from being traced (TRACEWIRE_DISABLED, TRACEWIRE_DISABLED_INTEGRATIONS). */
export function disabledByEnvironment(name: IntegrationName, env: Env = process.env): boolean {
  return envBoolean(env, 'TRACEWIRE_DISABLED') === true || disabledIntegrationsFromEnv(env).has(name);
}

function disabledIntegrationsFromEnv(env: Env): Set<IntegrationName> {
  const names = envList(env, 'TRACEWIRE_DISABLED_INTEGRATIONS') ?? [];
  const out = new Set<IntegrationName>();
  for (const name of names) {
    if ((INTEGRATION_NAMES as readonly string[]).includes(name)) out.add(name as IntegrationName);
    else {
      warnOnce(
        `env:TRACEWIRE_DISABLED_INTEGRATIONS:${name}`,
        `TRACEWIRE_DISABLED_INTEGRATIONS names unknown integration ${JSON.stringify(name)}; known: ${INTEGRATION_NAMES.join(', ')}.`,
      );
    }
  }
  return out;
}

function exportersFromEnv(env: Env): ExporterSpec[] | undefined {
  const names = envList(env, 'TRACEWIRE_EXPORTER');
  if (!names) return undefined;
  const valid = names.filter((name) => {
    if ((EXPORTER_NAMES as readonly string[]).includes(name)) return true;
    warnOnce(
      `env:TRACEWIRE_EXPORTER:${name}`,
      `TRACEWIRE_EXPORTER names unknown exporter ${JSON.stringify(name)}; accepted: ${EXPORTER_NAMES.join(', ')}.`,
    );
    return false;
  });
  return valid.length > 0 ? (valid as ExporterSpec[]) : undefined;
}

/** Options checked outside init() (op options, a wrapper's settings) name their place in `option` instead. */
type Api = 'tracewire.init' | 'tracewire';

function fail(option: string, expected: string, got: unknown, api: Api = 'tracewire.init'): never {
  throw new TypeError(`${api}: option "${option}" must be ${expected}; got ${describe(got)}.`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

const KNOWN_OPTIONS = new Set([
  'project', 'disabled', 'implicitlyPatchIntegrations', 'integrations', 'captureContent',
  'postprocessInputs', 'postprocessOutput', 'redactKeys', 'attributes', 'exporters', 'dir',
  'maxQueueBytes',
]);

/** Bad options from code are programmer errors found at start-up: they throw a TypeError naming the option. */
function validateOptions(options: InitOptions): void {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new TypeError(`tracewire.init: unknown option "${key}"; known options: ${[...KNOWN_OPTIONS].join(', ')}.`);
    }
  }
  const o = options as Record<string, unknown>;
  const check = (key: string, type: string) => {
    if (o[key] !== undefined && typeof o[key] !== type) fail(key, `a ${type}`, o[key]);
  };
  check('project', 'string');
  check('disabled', 'boolean');
  check('implicitlyPatchIntegrations', 'boolean');
  check('captureContent', 'boolean');
  check('postprocessInputs', 'function');
  check('postprocessOutput', 'function');
  check('dir', 'string');
  if (o.maxQueueBytes !== undefined && !(Number.isInteger(o.maxQueueBytes) && (o.maxQueueBytes as number) > 0)) {
    fail('maxQueueBytes', 'a positive integer', o.maxQueueBytes);
  }
  if (o.redactKeys !== undefined && !(Array.isArray(o.redactKeys) && o.redactKeys.every((k) => typeof k === 'string'))) {
    fail('redactKeys', 'an array of strings', o.redactKeys);
  }
  if (o.attributes !== undefined && (typeof o.attributes !== 'object' || o.attributes === null || Array.isArray(o.attributes))) {
    fail('attributes', 'an object', o.attributes);
  }
  if (o.exporters !== undefined) {
    if (!Array.isArray(o.exporters)) fail('exporters', 'an array', o.exporters);
    for (const spec of o.exporters as unknown[]) {
      const ok = typeof spec === 'string'
        ? (EXPORTER_NAMES as readonly string[]).includes(spec)
        : typeof spec === 'object' && spec !== null && typeof (spec as { export?: unknown }).export === 'function';
      if (!ok) fail('exporters[]', `one of ${EXPORTER_NAMES.join(', ')} or an object with an export(calls) method`, spec);
    }
  }
  if (o.integrations !== undefined) {
    if (typeof o.integrations !== 'object' || o.integrations === null) fail('integrations', 'an object', o.integrations);
    for (const [name, value] of Object.entries(o.integrations as object)) {
      if (!(INTEGRATION_NAMES as readonly string[]).includes(name)) {
        throw new TypeError(`tracewire.init: unknown integration "${name}" in "integrations"; known: ${INTEGRATION_NAMES.join(', ')}.`);
      }
      validateIntegrationSettings(value, `integrations.${name}`);
    }
  }
}

// A misspelt option (`displayName` for `callDisplayName`) would otherwise be ignored without a word.
const INTEGRATION_KEYS = ['enabled', 'opSettings', 'streamUsage'] as const;
const OP_SETTINGS_KEYS = ['name', 'kind', 'callDisplayName', 'postprocessInputs', 'postprocessOutput'] as const;

/**
 * An integration's settings: in init() (`where` = "integrations.openai"), or a wrapper's second
 * argument (`where` = "wrapOpenAI settings", `api` = "tracewire").
 */
export function validateIntegrationSettings(value: unknown, where: string, api: Api = 'tracewire.init'): asserts value is IntegrationSettings {
  if (typeof value !== 'object' || value === null) fail(where, 'an object', value, api);
  rejectUnknownKeys(value, INTEGRATION_KEYS, where);
  const s = value as IntegrationSettings;
  if (s.enabled !== undefined && typeof s.enabled !== 'boolean') fail(`${where}.enabled`, 'a boolean', s.enabled, api);
  if (s.streamUsage !== undefined && typeof s.streamUsage !== 'boolean') fail(`${where}.streamUsage`, 'a boolean', s.streamUsage, api);
  const op = s.opSettings;
  if (op === undefined) return;
  if (typeof op !== 'object' || op === null) fail(`${where}.opSettings`, 'an object', op, api);
  validateOpSettings(op, `${where}.opSettings`, api);
}

/** Shared by integration settings and op() options (`where` = "op options", `api` = "tracewire"). */
export function validateOpSettings(op: object, where: string, api: Api = 'tracewire.init'): void {
  rejectUnknownKeys(op, OP_SETTINGS_KEYS, where);
  const o = op as Record<string, unknown>;
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) fail(`${where}.name`, 'a non-empty string', o.name, api);
  if (o.kind !== undefined && !(CALL_KINDS as readonly unknown[]).includes(o.kind)) {
    fail(`${where}.kind`, `one of ${CALL_KINDS.join(', ')}`, o.kind, api);
  }
  const dn = o.callDisplayName;
  if (dn !== undefined && typeof dn !== 'string' && typeof dn !== 'function') fail(`${where}.callDisplayName`, 'a string or a function', dn, api);
  for (const hook of ['postprocessInputs', 'postprocessOutput']) {
    if (o[hook] !== undefined && typeof o[hook] !== 'function') fail(`${where}.${hook}`, 'a function', o[hook], api);
  }
}

function otlpHeaders(env: Env): Record<string, string> {
  const headers = new Map<string, [string, string]>();
  for (const variable of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    for (const [key, value] of parseOtelList(variable, env[variable])) headers.set(key.toLowerCase(), [key, value]);
  }
  return Object.fromEntries(headers.values());
}

export function resolveSettings(options: InitOptions = {}, env: Env = process.env): ResolvedSettings {
  validateOptions(options);
  const disabledByEnv = disabledIntegrationsFromEnv(env);
  const integrations = {} as ResolvedSettings['integrations'];
  for (const name of INTEGRATION_NAMES) {
    const fromCode = options.integrations?.[name] ?? {};
    integrations[name] = { ...fromCode, enabled: disabledByEnv.has(name) ? false : fromCode.enabled ?? true };
  }
  const dir = env.TRACEWIRE_DIR?.trim() || options.dir || join(homedir(), '.tracewire');
  return {
    project: env.TRACEWIRE_PROJECT?.trim() || options.project || 'default',
    disabled: envBoolean(env, 'TRACEWIRE_DISABLED') ?? options.disabled ?? false,
    implicitPatching: envBoolean(env, 'TRACEWIRE_IMPLICIT_PATCHING') ?? options.implicitlyPatchIntegrations ?? true,
    integrations,
    captureContent: envBoolean(env, 'TRACEWIRE_CAPTURE_CONTENT') ?? options.captureContent ?? true,
    postprocessInputs: options.postprocessInputs,
    postprocessOutput: options.postprocessOutput,
    redactKeys: options.redactKeys ?? [],
    attributes: options.attributes ?? {},
    exporters: exportersFromEnv(env) ?? options.exporters ?? ['local'],
    dir: resolve(dir),
    maxQueueBytes: options.maxQueueBytes ?? DEFAULT_QUEUE_BYTES,
    otlp: {
      endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined,
      // The traces-only variable adds to the general one and wins where both name a header.
      headers: otlpHeaders(env),
    },
  };
}
