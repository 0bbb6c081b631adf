/**
 * The vitest side of the version matrix, shared by every SDK's compat test. An SDK adds:
 *   - test/compat/fixtures/<sdk>-vN/ (package.json + lock; `node scripts/install-compat.mjs`),
 *   - test/compat/scenarios/<sdk>.cjs (named by scenarioFileName, or given as `scenarioFile`)
 *     exporting `{ scenarios: { name: async (sdk) => received } }` (received must be JSON; the
 *     SDK module arrives as the app loaded it, CJS or ESM),
 *   - test/compat/<sdk>.test.ts calling defineCompatSuite with one check per scenario.
 * Every traced run must receive exactly what the untraced baseline received, and record one
 * call per scenario (matched through the `scenario` attribute), with no tracewire warning.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../../src/types.js';
import { assertBuilt, removeApps, ROOT } from '../helpers/node-app.js';
import { baselineOf, nodeAvailable, planRuns, scenarioFileName, startRuns, type PlannedRun, type ScenarioOutput } from './matrix.js';

export type ScenarioCheck = (received: any, call: Call, run: PlannedRun) => void;

export interface CompatSuite {
  packageName: string;
  /** The file under test/compat/scenarios, when not named after the package (scenarioFileName). */
  scenarioFile?: string;
  /** One per scenario in the scenario file: what was received and recorded. */
  checks: Record<string, ScenarioCheck>;
  /** Checked on every recorded call (integration facts, no credentials, ...). */
  everyCall?: (call: Call, run: PlannedRun) => void;
}

export function defineCompatSuite(suite: CompatSuite): void {
  const load = createRequire(import.meta.url);
  const scenarioFile = scenarioFileName(suite.packageName, suite.scenarioFile);
  const { scenarios } = load(join(ROOT, 'test/compat/scenarios', scenarioFile));
  const names = Object.keys(scenarios).sort();
  const runs = planRuns(suite.packageName);
  let outputs: ReturnType<typeof startRuns>;

  beforeAll(() => {
    assertBuilt();
    outputs = startRuns(runs, suite.packageName, { scenarioFile });
    return async () => {
      await Promise.allSettled(outputs.values());
      removeApps();
    };
  });

  it(`${suite.packageName}: every scenario has a check, and there is a version to run`, () => {
    expect(Object.keys(suite.checks).sort()).toEqual(names);
    expect(runs.length).toBeGreaterThan(0);
  });

  describe.each(runs.filter((run) => !run.baseline))('$label', (run) => {
    const available = nodeAvailable(run);
    let output: ScenarioOutput & { stderr: string };
    let baseline: ScenarioOutput;

    beforeAll(async () => {
      if (!available) return;
      output = await outputs.get(run.label)!;
      baseline = await outputs.get(baselineOf(run, runs).label)!;
    }, 120_000);

    it.skipIf(!available)('loads the SDK and records one call per scenario, with no tracewire warning', () => {
      if (run.nodeMajor !== undefined) expect(output.node.startsWith(`${run.nodeMajor}.`)).toBe(true);
      expect(output.stderr.split('\n').filter((line) => line.startsWith('[tracewire]'))).toEqual([]);
      expect(output.calls.map((c) => c.attributes.scenario).sort()).toEqual(names);
      for (const call of output.calls) suite.everyCall?.(call, run);
    });

    it.skipIf(!available).each(names)('%s', (name) => {
      const result = output.results[name]!;
      expect(result.failed).toBeUndefined();
      expect(baseline.results[name]!.failed).toBeUndefined();
      // what the app received is exactly what the untraced SDK returned
      expect(result.received).toEqual(baseline.results[name]!.received);
      const call = output.calls.find((c) => c.attributes.scenario === name);
      expect(call, `no record for ${name}`).toBeDefined();
      suite.checks[name]!(result.received, call!, run);
    });
  });
}
