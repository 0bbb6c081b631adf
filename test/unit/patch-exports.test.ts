import { describe, expect, it } from 'vitest';
import { openaiIntegration } from '../../integrations/openai/index.js';
import { originalOf } from '../../src/patching/engine.js';
import { patchExports, resolvePath } from '../../src/patching/install.js';
import { warningsPerTest } from '../helpers/warnings.js';

type Fn = (...args: unknown[]) => unknown;

/**
 * A module exports object shaped like the openai package (`OpenAI.Chat.Completions`, ...),
 * built from the integration's own class paths; `omit` leaves out one class entirely.
 */
function fakeSdk(omit?: string) {
  const OpenAI = class {} as unknown as Record<string, unknown>;
  const originals = new Map<string, Fn>();
  for (const target of openaiIntegration.targets) {
    const path = target.classPaths[0]!.slice(1);
    if (omit !== undefined && path.includes(omit)) continue;
    let node: Record<string, unknown> = OpenAI;
    for (const segment of path) node = (node[segment] ??= class {}) as Record<string, unknown>;
    const method: Fn = function original() {
      return target.opName;
    };
    (node.prototype as Record<string, unknown>)[target.method] = method;
    originals.set(target.opName, method);
  }
  return { exports: { OpenAI, default: OpenAI }, originals };
}

function methodAt(exports: unknown, opName: string): unknown {
  const target = openaiIntegration.targets.find((t) => t.opName === opName)!;
  const owner = resolvePath(exports, target.classPaths[0]!) as { prototype: Record<string, unknown> } | undefined;
  return owner?.prototype[target.method];
}

const warnings = warningsPerTest();

describe('patchExports on an SDK outside the tested range', () => {
  it('version 99.1.0: one warning naming openai@99.1.0, and every target is still patched', () => {
    const { exports, originals } = fakeSdk();
    expect(patchExports(exports, openaiIntegration, '99.1.0')).toBe(openaiIntegration.targets.length);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('openai@99.1.0');
    for (const [opName, original] of originals) {
      const patched = methodAt(exports, opName);
      expect(patched).not.toBe(original);
      expect(originalOf(patched)).toBe(original);
      // Before init() tracing is off, so the wrapper is a plain pass-through.
      expect((patched as Fn).call({})).toBe(opName);
    }
  });

  it('patching the same exports again neither wraps twice nor warns twice', () => {
    const { exports, originals } = fakeSdk();
    patchExports(exports, openaiIntegration, '99.1.0');
    const once = methodAt(exports, 'openai.chat.completions.create');
    patchExports(exports, openaiIntegration, '99.1.0');
    expect(methodAt(exports, 'openai.chat.completions.create')).toBe(once);
    expect(originalOf(once)).toBe(originals.get('openai.chat.completions.create'));
    expect(warnings).toHaveLength(1);
  });

  it('a version inside the range is patched without a word', () => {
    const { exports } = fakeSdk();
    expect(patchExports(exports, openaiIntegration, '6.49.0')).toBe(openaiIntegration.targets.length);
    expect(warnings).toEqual([]);
  });
});

describe('patchExports on an SDK missing a target', () => {
  it('no Images class: a warning per missing method (naming openai.images.generate), the rest patched, no crash', () => {
    const { exports, originals } = fakeSdk('Images');
    const imageTargets = openaiIntegration.targets.filter((t) => t.opName.startsWith('openai.images.'));
    expect(imageTargets.length).toBeGreaterThan(0);
    let patched = 0;
    expect(() => (patched = patchExports(exports, openaiIntegration, '6.49.0'))).not.toThrow();
    expect(patched).toBe(openaiIntegration.targets.length - imageTargets.length);

    expect(warnings.filter((w) => w.includes('openai.images.generate'))).toHaveLength(1);
    expect(warnings).toHaveLength(imageTargets.length);
    for (const warning of warnings) expect(warning).toMatch(/openai@6\.49\.0: openai\.images\.\w+ was not found/);
    for (const [opName, original] of originals) expect(originalOf(methodAt(exports, opName))).toBe(original);
  });

  it('exports that are not an SDK at all: every target skipped with a warning, nothing thrown', () => {
    for (const exports of [undefined, null, 42, {}, { OpenAI: null }]) {
      expect(patchExports(exports, openaiIntegration, '6.0.0')).toBe(0);
    }
    expect(warnings).toHaveLength(openaiIntegration.targets.length);
  });
});
