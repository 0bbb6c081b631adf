/**
 * Child-process apps that use tracewire the way a user does: a temporary folder whose
 * node_modules links `tracewire` to this repository (its built dist, through the package's
 * exports map) and the SDK under test, an app file copied into it, and plain `node`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const made: string[] = [];

export interface AppOptions {
  /** Package name to folder, e.g. `{ openai: '/…/fixtures/openai-v4/node_modules/openai' }`. */
  packages?: Record<string, string>;
}

/** Fails early with a useful message when the build the children import is missing. */
export function assertBuilt(): void {
  for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/register.js', 'dist/register.cjs']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`npx tsup\` before these tests.`);
  }
}

/** A temporary app folder holding copies of `files` and links to tracewire and the packages. */
export function makeApp(files: string[], options: AppOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tracewire-app-'));
  made.push(dir);
  const packages = { openai: join(ROOT, 'node_modules/openai'), ...options.packages, tracewire: ROOT };
  for (const [name, target] of Object.entries(packages)) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
  for (const file of files) copyFileSync(file, join(dir, basename(file)));
  return dir;
}

/** A fresh empty folder (e.g. a TRACEWIRE_DIR), removed with the apps. */
export function tempDir(prefix = 'tracewire-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeApps(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Node flags before the script (e.g. `--import`, `tracewire/register`). */
  nodeArgs?: string[];
  /** The command that runs node (default: this process's node); e.g. `['npx', '-y', 'node@22']`. */
  node?: string[];
  timeoutMs?: number;
  /** Called with every stdout line as it arrives (the child is passed to act on it). */
  onLine?: (line: string, child: ReturnType<typeof spawn>) => void;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The payload of the app's `@@result` line, if it printed one. */
  result: any;
}

/** The environment of a child: this process's, minus tracewire's and Node's own options. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TRACEWIRE_') && key !== 'NODE_OPTIONS' && !key.startsWith('VITEST')) env[key] = value;
  }
  return { ...env, ...extra };
}

export function runApp(dir: string, file: string, options: RunOptions = {}): Promise<RunResult> {
  const [command, ...prefix] = options.node ?? [process.execPath];
  const child = spawn(command!, [...prefix, ...(options.nodeArgs ?? []), basename(file)], {
    cwd: dir,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) options.onLine?.(line, child);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, result: parseResult(stdout) });
    });
  });
}

function parseResult(stdout: string): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith('@@result '));
  return line === undefined ? undefined : JSON.parse(line.slice('@@result '.length));
}

/** The result payload, or an error that shows what the child said. */
export function resultOf(run: RunResult): any {
  if (run.result === undefined || run.code !== 0) {
    throw new Error(`app failed (code ${run.code}, signal ${run.signal})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
  return run.result;
}

/** Whether `npx -y node@<major>` can run here (the node package comes from the npm registry). */
export function npxNodeWorks(major: number): boolean {
  const probe = spawnSync('npx', ['-y', `node@${major}`, '-p', 'process.versions.node'], { encoding: 'utf8', timeout: 120_000 });
  return probe.status === 0 && probe.stdout.trim().startsWith(`${major}.`);
}

/** The diagnostics tracewire wrote to the child's stderr. */
export function tracewireWarnings(run: RunResult): string[] {
  return run.stderr.split('\n').filter((line) => line.startsWith('[tracewire]'));
}
