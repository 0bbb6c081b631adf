/**
 * Applies an integration's declarations to something the SDK exports (implicit patching of
 * class prototypes) or to one client instance (explicit wrapping). Both install the same
 * wrapper from engine.ts; a method already wrapped is left alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describeError, warnOnce } from '../log.js';
import { contextOf, originalOf, replaceMethod, tracedMethod } from './engine.js';
import type { IntegrationSettings } from '../types.js';
import { resolvePath } from './paths.js';
import { tapStreamClass } from './readable.js';
import { patchStreamFactory } from './handoff.js';
import { isTracerField, patchSelfTracing } from './self-tracing.js';
import { adoptBefore, adopterOf, catchTracerField } from './tracer-field.js';
import type { IntegrationDefinition, Location, SupportLoader, TargetDefinition } from './types.js';

export { resolvePath };

/**
 * The package's own files, loaded on demand for locations that name one. Requiring a file the
 * package already loaded returns that very module (CommonJS cache, or Node's ESM cache through
 * require(esm)); a file that does not exist in this version resolves to nothing.
 */
class PackageFiles {
  private readonly loaded = new Map<string, unknown>();

  /** `build`: of the exports being patched; undefined when there are none (then every build's files). */
  constructor(
    private readonly dir: string | undefined,
    private readonly build?: 'cjs' | 'esm',
  ) {}

  /** `quiet`: a failure is expected (a file that imports an optional peer), so it is not reported. */
  load(file: string, build?: 'cjs' | 'esm', quiet = false): unknown {
    if (this.dir === undefined) return undefined;
    if (build !== undefined && this.build !== undefined && build !== this.build) return undefined;
    if (!this.loaded.has(file)) this.loaded.set(file, this.read(join(this.dir, file), quiet));
    return this.loaded.get(file);
  }

  private read(path: string, quiet: boolean): unknown {
    if (!existsSync(path)) return undefined;
    try {
      return createRequire(join(this.dir!, 'package.json'))(path);
    } catch (error) {
      if (!quiet) warnOnce(`file:${path}`, `could not load ${path}: ${describeError(error)}`);
      return undefined;
    }
  }
}

/** What a location names in a loaded copy of the SDK (undefined when it does not resolve). */
function resolveLocation(exports: unknown, location: Location, files: PackageFiles): unknown {
  if (!isExportsPath(location)) return resolvePath(files.load(location.file, location.build), location.path);
  // An ESM namespace of a CommonJS package may hold its exports under `default` only.
  for (const root of [exports, resolvePath(exports, ['default'])]) {
    const found = resolvePath(root, location);
    if (found !== undefined && found !== null) return found;
  }
  return undefined;
}

function isExportsPath(location: Location): location is readonly string[] {
  return Array.isArray(location);
}

const isPresent = (value: unknown) => value !== undefined && value !== null;
const isObjectLike = (value: unknown) => typeof value === 'function' || (value !== null && typeof value === 'object');

/** What the first location that resolves to an acceptable value names. */
function firstLocated(exports: unknown, locations: readonly Location[], files: PackageFiles, accept = isPresent): unknown {
  for (const location of locations) {
    const found = resolveLocation(exports, location, files);
    if (accept(found)) return found;
  }
  return undefined;
}

/** The first location that names a class or an object: a class stands for its prototype, where methods live. */
function ownerAt(exports: unknown, locations: readonly Location[], files: PackageFiles): Record<string, unknown> | undefined {
  const found = firstLocated(exports, locations, files, isObjectLike);
  if (typeof found === 'function') return found.prototype as Record<string, unknown>;
  return found as Record<string, unknown> | undefined;
}

/** Every distinct object the locations name (a class itself, not its prototype). */
function allLocated(exports: unknown, locations: readonly Location[], files: PackageFiles): Record<string, unknown>[] {
  const found = new Set<Record<string, unknown>>();
  for (const location of locations) {
    const value = resolveLocation(exports, location, files);
    if (isObjectLike(value)) found.add(value as Record<string, unknown>);
  }
  return [...found];
}

/** The build whose exports these are: an ES module namespace (also import-in-the-middle's) is `esm`. */
function buildOf(exports: unknown): 'cjs' | 'esm' {
  return Object.prototype.toString.call(exports) === '[object Module]' ? 'esm' : 'cjs';
}

export function readPackageVersion(packageDir: string | undefined): string | undefined {
  if (!packageDir) return undefined;
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function checkVersion(integration: IntegrationDefinition, version: string | undefined): void {
  const major = version ? Number.parseInt(version, 10) : NaN;
  const [min, max] = integration.testedMajors;
  if (Number.isNaN(major) || major < min || major > max) {
    warnOnce(
      `version:${integration.packageName}@${version}`,
      `${integration.packageName}@${version ?? 'unknown'} is outside the tested range (${min}.x to ${max}.x); patching what exists, best effort.`,
    );
  }
}

/** The name of the target's method on this owner (SDK generations can differ). */
function methodOf(owner: Record<string, unknown>, target: TargetDefinition): string | undefined {
  if (typeof owner[target.method] === 'function') return target.method;
  const fallback = target.fallbackMethod;
  return fallback !== undefined && typeof owner[fallback] === 'function' ? fallback : undefined;
}

/**
 * Wraps `owner[method]` once. A wrapped client gets a wrapper on the instance even when its
 * class is patched (the class's wrapper then passes the call through, engine.ts): it has
 * settings of its own, and it stays traced when init() turns implicit patching off. Wrapping it
 * again replaces its settings.
 */
function install(
  owner: Record<string, unknown>, target: TargetDefinition, integration: IntegrationDefinition, version: string | undefined,
  overrides?: IntegrationSettings, implicit = false,
): boolean {
  const method = methodOf(owner, target);
  if (method === undefined) return false;
  const current = owner[method];
  const own = Object.prototype.hasOwnProperty.call(owner, method);
  if (originalOf(current) !== undefined && (own || implicit)) {
    const ctx = contextOf(current);
    if (overrides !== undefined && ctx !== undefined) {
      ctx.overrides = overrides;
      ctx.merged = undefined;
    }
    return true;
  }
  const wrapped = tracedMethod(current as (...args: unknown[]) => unknown, { integration, target, version, beforeRecord: adopterFor(integration), overrides, implicit });
  replaceMethod(owner, method, wrapped);
  return true;
}

/** Patches every target found in a loaded copy of the SDK; returns how many were patched. */
export function patchExports(exports: unknown, integration: IntegrationDefinition, version: string | undefined, packageDir?: string): number {
  checkVersion(integration, version);
  const files = new PackageFiles(packageDir, buildOf(exports));
  let patched = 0;
  for (const target of integration.targets) {
    const owner = ownerAt(exports, [...(target.classFiles ?? []), ...target.classPaths], files);
    if (owner && install(owner, target, integration, version, undefined, true)) {
      patched++;
      continue;
    }
    warnOnce(
      `missing:${integration.packageName}@${version}:${target.opName}`,
      `${integration.packageName}@${version ?? 'unknown'}: ${target.opName} was not found; it is not traced.`,
    );
  }
  if (patched > 0) patchSupport(exports, integration, version, files);
  return patched;
}

/**
 * For explicitly wrapped clients: the support found by file in the package folder the app
 * resolves (where there is one: bundled code may have none, see observe.ts).
 */
export function patchSupportAt(packageDir: string, integration: IntegrationDefinition): void {
  patchSupport(undefined, integration, readPackageVersion(packageDir), new PackageFiles(packageDir));
}

/** What the integration needs besides its methods: its stream class and factory, its own tracing. */
function patchSupport(exports: unknown, integration: IntegrationDefinition, version: string | undefined, files: PackageFiles): void {
  if (integration.streamShape === 'readableSource' && integration.streamClass) {
    const streamClass = firstLocated(exports, integration.streamClass, files);
    // Found but no ReadableStream (an older SDK's async-iterable stream): iteration is then its only way out.
    if (streamClass !== undefined) tapStreamClass(streamClass);
    else {
      warnOnce(
        `stream-class:${integration.packageName}@${version}`,
        `${integration.packageName}@${version ?? 'unknown'}: its stream class was not found; streams are observed through iteration only.`,
      );
    }
  }
  // Absent in versions without such helpers: nothing builds a stream from a traced response.
  const factory = integration.streamFactory;
  if (factory) for (const owner of allLocated(exports, factory.at, files)) patchStreamFactory(owner, factory.method);
  const selfTracing = integration.selfTracing;
  // Absent in SDK versions without tracing of their own: nothing to keep from duplicating.
  if (!selfTracing) return;
  if (!isTracerField(selfTracing)) {
    const hookOwner = ownerAt(exports, selfTracing.at, files);
    const load: SupportLoader = (locations) => {
      for (const { file, path, build } of locations) {
        const found = resolvePath(files.load(file, build, true), path);
        if (found !== undefined && found !== null) return found;
      }
      return undefined;
    };
    if (hookOwner) patchSelfTracing(hookOwner, integration, selfTracing, load);
    return;
  }
  const clientProto = ownerAt(exports, selfTracing.clientClass, files);
  if (clientProto) catchTracerField(clientProto, integration, selfTracing);
  const adopt = adopterFor(integration)!;
  for (const helper of selfTracing.adoptAt ?? []) {
    const owner = ownerAt(exports, helper.at, files);
    if (owner) adoptBefore(owner, helper.method, adopt);
  }
}

const adopters = new WeakMap<IntegrationDefinition, (resource: unknown) => void>();

/** For an SDK keeping a tracer per client: adopts the client of a traced call's `this` (tracer-field.ts). */
function adopterFor(integration: IntegrationDefinition): ((resource: unknown) => void) | undefined {
  const selfTracing = integration.selfTracing;
  if (!selfTracing || !isTracerField(selfTracing)) return undefined;
  let adopt = adopters.get(integration);
  if (!adopt) adopters.set(integration, (adopt = adopterOf(integration, selfTracing)));
  return adopt;
}

/** Wraps the methods of one client instance (own properties shadow the prototype). */
export function patchInstance(client: object, integration: IntegrationDefinition, version: string | undefined, overrides?: IntegrationSettings): number {
  let patched = 0;
  for (const target of integration.targets) {
    if (target.appliesTo && !target.appliesTo(client)) continue;
    const owner = resolvePath(client, target.instancePath);
    if (owner !== null && typeof owner === 'object' && install(owner as Record<string, unknown>, target, integration, version, overrides)) patched++;
  }
  return patched;
}
