/**
 * Each bench case runs in a child process of its own, so that tracewire's settings (read
 * from the environment at init) and its process-wide state never leak between variants.
 * A case prints one result line; everything else it prints is passed through as a log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = 'BENCH_RESULT ';
const CASES = fileURLToPath(new URL('../cases/', import.meta.url));

/** Called by a case: hands its result to the parent. */
export function report(result) {
  process.stdout.write(`${MARK}${JSON.stringify(result)}\n`);
}

/** A temporary directory removed when the process exits. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `tracewire-bench-${prefix}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The parent's environment without tracewire's variables, so the user's shell cannot skew a run. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(TRACEWIRE_|OTEL_)/.test(key)));
}

/** Called by the runner: runs bench/cases/<name>.mjs and resolves to its result. */
export function runCase(name, args = [], { env = {}, nodeFlags = ['--expose-gc'] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, join(CASES, `${name}.mjs`), ...args], {
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      const logs = [...stdout.split('\n').filter((l) => l && !l.startsWith(MARK)), ...stderr.split('\n').filter(Boolean)];
      if (code !== 0 || !line) {
        reject(new Error(`bench case ${name} ${args.join(' ')} failed (exit ${code}):\n${logs.join('\n')}`));
        return;
      }
      resolve({ ...JSON.parse(line.slice(MARK.length)), logs });
    });
  });
}
