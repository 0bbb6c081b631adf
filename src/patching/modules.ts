/**
 * Finding the SDKs: hooks for copies loaded later (require-in-the-middle for CommonJS,
 * import-in-the-middle for ESM) and late patching of copies already loaded when init() runs
 * (the require cache for CommonJS; for ESM, Node's require(esm) returns the very module
 * instance that `import` loaded, so the classes the app holds can be patched synchronously),
 * or linked by the app's static imports but not yet run (patchCommonJs).
 */
import { createRequire, register } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Hook as RequireHook } from 'require-in-the-middle';
import { Hook as ImportHook } from 'import-in-the-middle';
import { describeError, warnOnce } from '../log.js';
import { patchExports, patchSupportAt, readPackageVersion } from './install.js';
import type { IntegrationDefinition } from './types.js';

type OnLoad = (exports: unknown, packageDir: string | undefined) => void;

const HOOKS_KEY = Symbol.for('tracewire.module-hooks.v1');
interface HookState {
  cjs: Set<string>;
  esm: Set<string>;
  loaderRegistered: boolean;
}
const hooks: HookState = ((globalThis as unknown as Record<symbol, HookState>)[HOOKS_KEY] ??= {
  cjs: new Set(),
  esm: new Set(),
  loaderRegistered: false,
});

/** Where the application resolves packages from. */
function resolutionBases(): string[] {
  const bases = new Set<string>([join(process.cwd(), 'noop.js')]);
  const entry = process.argv[1];
  if (entry) bases.add(entry);
  return [...bases];
}

export function hookFutureLoads(integration: IntegrationDefinition): void {
  const name = integration.packageName;
  const onLoad: OnLoad = (exports, packageDir) => safePatch(exports, integration, packageDir);
  if (!hooks.cjs.has(name)) {
    hooks.cjs.add(name);
    new RequireHook([name], (exports, _name, basedir) => {
      onLoad(exports, basedir);
      return exports;
    });
  }
  if (!hooks.esm.has(name)) {
    hooks.esm.add(name);
    registerLoader();
    new ImportHook([name], (exports, _name, baseDir) => {
      onLoad(exports, baseDir ?? undefined);
    });
  }
}

function registerLoader(): void {
  if (hooks.loaderRegistered) return;
  hooks.loaderRegistered = true;
  try {
    // Only the SDKs are intercepted, so the rest of the app's imports are untouched.
    register('import-in-the-middle/hook.mjs', pathToFileURL(join(packageRoot(), 'package.json')), {
      data: { include: ['openai', '@anthropic-ai/sdk', 'cohere-ai', '@mistralai/mistralai'] },
    });
  } catch (error) {
    warnOnce('esm-loader', `could not register the ESM hook; SDKs imported later may not be traced: ${describeError(error)}`);
  }
}

/** tracewire's own folder, from which the import-in-the-middle loader is resolved. */
function packageRoot(): string {
  // tsup shims import.meta.url in the CommonJS build.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function safePatch(exports: unknown, integration: IntegrationDefinition, packageDir: string | undefined): void {
  try {
    patchExports(exports, integration, readPackageVersion(packageDir), packageDir);
  } catch (error) {
    warnOnce(`patch:${integration.packageName}`, `patching ${integration.packageName} failed; it is not traced: ${describeError(error)}`);
  }
}

/** Patches the copies of the SDK that are already loaded, or about to be used, from the app's folders. */
export function patchLoaded(integration: IntegrationDefinition, options: { esm: boolean }): void {
  for (const base of resolutionBases()) {
    const require = createRequire(base);
    let main: string;
    try {
      main = require.resolve(integration.packageName);
    } catch {
      continue;
    }
    const packageDir = packageDirOf(main, integration.packageName);
    patchCommonJs(require, main, integration, packageDir);
    if (options.esm && packageDir) patchImportEntry(require, main, packageDir, integration);
  }
}

/**
 * A CommonJS file of the SDK in the require cache: loaded, or linked by the ESM loader and not
 * yet run. The latter is the usual ESM app, `import './tracing.mjs'` (calling init()) before
 * `import { Client } from 'sdk'`: Node links the whole static graph, placing a Module for each
 * CommonJS file in the cache, before it evaluates any of it. Neither hook would see that file
 * run (the ESM loader runs it through Module._load, not require(), and import-in-the-middle's
 * loader is registered after the graph was loaded), so it is run here, into that very Module:
 * the ESM loader then takes its exports (named exports are read from them afterwards) and does
 * not run it again. A file nobody linked is not in the cache and is not loaded.
 */
function patchCommonJs(require: NodeJS.Require, file: string, integration: IntegrationDefinition, packageDir: string | undefined): void {
  if (!require.cache[file]) return;
  if (!require.cache[file]!.loaded) {
    try {
      require(file);
    } catch (error) {
      warnOnce(`linked:${integration.packageName}`, `could not load ${integration.packageName} ahead of the app's import; it is not traced: ${describeError(error)}`);
      return;
    }
  }
  // Still loading: init() ran from inside the SDK's own loading, whose exports are not complete.
  const cached = require.cache[file];
  if (cached?.loaded) safePatch(cached.exports, integration, packageDir);
}

const supportPatched = new Set<string>();

/** Patches the stream class, stream factory and tracing hook of the copies the app resolves, for wrapped clients (once). */
export function patchSupportFromApp(integration: IntegrationDefinition): void {
  if ((!integration.streamClass && !integration.streamFactory && !integration.selfTracing) || supportPatched.has(integration.name)) return;
  supportPatched.add(integration.name);
  for (const base of resolutionBases()) {
    let packageDir: string | undefined;
    try {
      packageDir = packageDirOf(createRequire(base).resolve(integration.packageName), integration.packageName);
    } catch {
      continue;
    }
    if (packageDir) patchSupportAt(packageDir, integration);
  }
}

function packageDirOf(file: string, packageName: string): string | undefined {
  const marker = `${sep}node_modules${sep}${packageName.split('/').join(sep)}${sep}`;
  const at = file.lastIndexOf(marker);
  return at < 0 ? undefined : file.slice(0, at + marker.length - 1);
}

/** What `import 'pkg'` loads: an ESM build, or a CommonJS file (patched above when it is require()'s too). */
function patchImportEntry(require: NodeJS.Require, main: string, packageDir: string, integration: IntegrationDefinition): void {
  const entry = importEntry(packageDir);
  if (!entry) return;
  if (entry.esm) patchEsmBuild(require, entry.file, packageDir, integration);
  else if (entry.file !== main) patchCommonJs(require, entry.file, integration, packageDir);
}

function patchEsmBuild(require: NodeJS.Require, entry: string, packageDir: string, integration: IntegrationDefinition): void {
  if (!process.features.require_module) {
    warnOnce('require-esm', 'this Node.js cannot require() ES modules; an ESM SDK imported before init() is not traced (use --import tracewire/register).');
    return;
  }
  try {
    safePatch(require(entry), integration, packageDir);
  } catch (error) {
    warnOnce(`esm:${integration.packageName}`, `could not reach the ESM build of ${integration.packageName}: ${describeError(error)}`);
  }
}

/** The file `import 'pkg'` loads, from the package's exports map (conditions import/node/default). */
function importEntry(packageDir: string): { file: string; esm: boolean } | undefined {
  let manifest: { exports?: unknown; module?: string; type?: string; main?: string };
  try {
    manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
  let target: unknown = manifest.exports;
  if (target && typeof target === 'object' && !Array.isArray(target) && '.' in (target as object)) target = (target as Record<string, unknown>)['.'];
  const file = pickCondition(target);
  if (!file || !/\.(mjs|cjs|js)$/.test(file)) return undefined;
  return { file: join(packageDir, file), esm: file.endsWith('.mjs') || (file.endsWith('.js') && manifest.type === 'module') };
}

function pickCondition(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return pickCondition(target[0]);
  if (!target || typeof target !== 'object') return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (condition === 'import' || condition === 'node' || condition === 'default') {
      const found = pickCondition(value);
      if (found) return found;
    }
  }
  return undefined;
}
