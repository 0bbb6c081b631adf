/**
 * The SDK version matrix, generic over SDKs: every fixture folder under test/compat/fixtures
 * that depends on the package gets a run per module system (one child `node` running all of
 * the SDK's scenarios from test/compat/scenarios/<sdk>.cjs), plus an untraced baseline run
 * whose results the traced runs must equal. A version that declares a newer Node than this one
 * also runs on that Node through `npx -y node@<major>`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Call } from '../../src/types.js';
import { makeApp, npxNodeWorks, resultOf, ROOT, runApp, type RunResult } from '../helpers/node-app.js';

const COMPAT = join(ROOT, 'test/compat');
const FIXTURES = join(COMPAT, 'fixtures');
const CURRENT_MAJOR = Number.parseInt(process.versions.node, 10);

export interface Fixture {
  name: string;
  /** The installed package folder, linked into the apps. */
  packageDir: string;
  version: string;
  /** The lowest Node major the package declares (engines.node), if any. */
  minNode: number | undefined;
}

export interface PlannedRun {
  label: string;
  fixture: Fixture;
  module: 'cjs' | 'esm';
  /** init-module: the usual static imports, a module calling init() first and then the SDK (run-static.mjs). */
  order: 'init-first' | 'sdk-first' | 'init-module';
  baseline: boolean;
  /** Node major for runs through npx; undefined: this process's node. */
  nodeMajor: number | undefined;
}

export interface ScenarioOutput {
  node: string;
  results: Record<string, { received?: any; failed?: string }>;
  calls: Call[];
}

export function fixturesFor(packageName: string): Fixture[] {
  const found: Fixture[] = [];
  for (const name of readdirSync(FIXTURES).sort()) {
    const manifest = join(FIXTURES, name, 'package.json');
    if (!existsSync(manifest) || !JSON.parse(readFileSync(manifest, 'utf8')).dependencies?.[packageName]) continue;
    const packageDir = join(FIXTURES, name, 'node_modules', packageName);
    const installed = join(packageDir, 'package.json');
    if (!existsSync(installed)) throw new Error(`${name} is not installed: run \`node scripts/install-compat.mjs\`.`);
    const pkg = JSON.parse(readFileSync(installed, 'utf8'));
    const engine = /(\d+)/.exec(pkg.engines?.node ?? '');
    found.push({ name, packageDir, version: pkg.version, minNode: engine ? Number(engine[1]) : undefined });
  }
  return found;
}

/** Every run for the package: baseline, CJS, ESM imported before and after init() and statically after an init module; on each Node. */
export function planRuns(packageName: string): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const fixture of fixturesFor(packageName)) {
    const nodes: (number | undefined)[] = [undefined];
    if (fixture.minNode !== undefined && fixture.minNode > CURRENT_MAJOR) nodes.push(fixture.minNode);
    for (const nodeMajor of nodes) {
      const on = `${fixture.name} node${nodeMajor ?? CURRENT_MAJOR}`;
      const base = { fixture, nodeMajor };
      runs.push({ ...base, label: `${on} untraced`, module: 'cjs', order: 'init-first', baseline: true });
      runs.push({ ...base, label: `${on} cjs`, module: 'cjs', order: 'init-first', baseline: false });
      runs.push({ ...base, label: `${on} esm import→init`, module: 'esm', order: 'sdk-first', baseline: false });
      runs.push({ ...base, label: `${on} esm init→import`, module: 'esm', order: 'init-first', baseline: false });
      runs.push({ ...base, label: `${on} esm init module→static import`, module: 'esm', order: 'init-module', baseline: false });
    }
  }
  return runs;
}

const npxChecks = new Map<number, boolean>();

/** Whether the run's Node is available (npx may be unable to fetch it, e.g. offline). */
export function nodeAvailable(run: PlannedRun): boolean {
  if (run.nodeMajor === undefined) return true;
  if (!npxChecks.has(run.nodeMajor)) npxChecks.set(run.nodeMajor, npxNodeWorks(run.nodeMajor));
  return npxChecks.get(run.nodeMajor)!;
}

/**
 * test/compat/scenarios/<name>.cjs: by default the package name without scope punctuation
 * (`@scope/pkg` → `scope-pkg.cjs`); a suite may name its file instead (`anthropic.cjs`).
 */
export function scenarioFileName(packageName: string, override?: string): string {
  return override ?? `${packageName.replace(/^@/, '').replace(/\//g, '-')}.cjs`;
}

function execute(run: PlannedRun, packageName: string, scenarioFile: string): Promise<RunResult> {
  const apps = join(COMPAT, 'apps');
  const file = join(apps, run.order === 'init-module' ? 'run-static.mjs' : run.module === 'cjs' ? 'run.cjs' : 'run.mjs');
  const dir = makeApp([file, join(apps, 'static-init.mjs')], { packages: { [packageName]: run.fixture.packageDir } });
  // A static import names its package in the source: this one line is written per SDK.
  writeFileSync(join(dir, 'sdk.mjs'), `export * as sdk from ${JSON.stringify(packageName)};\n`);
  return runApp(dir, file, {
    node: run.nodeMajor === undefined ? undefined : ['npx', '-y', `node@${run.nodeMajor}`],
    timeoutMs: 60_000,
    env: {
      TW_RUNNER: join(COMPAT, 'apps/runner.cjs'),
      TW_SCENARIOS: join(COMPAT, 'scenarios', scenarioFile),
      TW_SDK: packageName,
      ORDER: run.order,
      ...(run.baseline ? { TW_BASELINE: '1' } : {}),
    },
  });
}

/**
 * Starts every available run, `concurrency` children at a time; each label maps to its
 * output, or to the error that says what the child printed.
 */
export function startRuns(
  runs: PlannedRun[],
  packageName: string,
  { concurrency = 3, scenarioFile = scenarioFileName(packageName) }: { concurrency?: number; scenarioFile?: string } = {},
): Map<string, Promise<ScenarioOutput & { stderr: string }>> {
  const queue = runs.filter(nodeAvailable);
  const started = new Map<string, Promise<ScenarioOutput & { stderr: string }>>();
  const lanes: Promise<unknown>[] = Array.from({ length: concurrency }, () => Promise.resolve());
  queue.forEach((run, i) => {
    const lane = i % concurrency;
    const done = lanes[lane]!.then(() => execute(run, packageName, scenarioFile)).then((r) => ({ ...resultOf(r), stderr: r.stderr }));
    lanes[lane] = done.catch(() => undefined); // the test that awaits `done` reports its failure
    started.set(run.label, done);
  });
  return started;
}

/** The untraced run that a traced run is compared with (same fixture, same Node). */
export function baselineOf(run: PlannedRun, runs: PlannedRun[]): PlannedRun {
  return runs.find((r) => r.baseline && r.fixture === run.fixture && r.nodeMajor === run.nodeMajor)!;
}
