/**
 * Applies an integration's declarations to something the SDK exports (implicit patching of
 * class prototypes) or to one client instance (explicit wrapping). Both install the same
 * wrapper from engine.ts; a method already wrapped is left alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { warnOnce } from '../log.js';
import { originalOf, tracedMethod } from './engine.js';
import type { IntegrationDefinition, TargetDefinition } from './types.js';

export function resolvePath(root: unknown, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || (typeof node !== 'object' && typeof node !== 'function')) return undefined;
    try {
      node = (node as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
  }
  return node;
}

function ownerOf(exports: unknown, target: TargetDefinition): Record<string, unknown> | undefined {
  for (const root of [exports, resolvePath(exports, ['default'])]) {
    for (const path of target.classPaths) {
      const found = resolvePath(root, path);
      if (typeof found === 'function') return found.prototype as Record<string, unknown>;
      if (found !== null && typeof found === 'object') return found as Record<string, unknown>;
    }
  }
  return undefined;
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

function install(owner: Record<string, unknown>, target: TargetDefinition, integration: IntegrationDefinition, version: string | undefined): boolean {
  const current = owner[target.method];
  if (typeof current !== 'function') return false;
  if (originalOf(current)) return true;
  const wrapped = tracedMethod(current as (...args: unknown[]) => unknown, { integration, target, version });
  const descriptor = Object.getOwnPropertyDescriptor(owner, target.method);
  Object.defineProperty(owner, target.method, {
    value: wrapped,
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? false,
    configurable: true,
  });
  return true;
}

/** Patches every target found in a loaded copy of the SDK; returns how many were patched. */
export function patchExports(exports: unknown, integration: IntegrationDefinition, version: string | undefined): number {
  checkVersion(integration, version);
  let patched = 0;
  for (const target of integration.targets) {
    const owner = ownerOf(exports, target);
    if (owner && install(owner, target, integration, version)) {
      patched++;
      continue;
    }
    warnOnce(
      `missing:${integration.packageName}@${version}:${target.opName}`,
      `${integration.packageName}@${version ?? 'unknown'}: ${target.opName} was not found; it is not traced.`,
    );
  }
  return patched;
}

/** Wraps the methods of one client instance (own properties shadow the prototype). */
export function patchInstance(client: object, integration: IntegrationDefinition, version: string | undefined): number {
  let patched = 0;
  for (const target of integration.targets) {
    const owner = resolvePath(client, target.instancePath);
    if (owner !== null && typeof owner === 'object' && install(owner as Record<string, unknown>, target, integration, version)) patched++;
  }
  return patched;
}
