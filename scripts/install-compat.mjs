#!/usr/bin/env node
/**
 * Installs the SDK version fixtures under test/compat/fixtures: `npm ci` in every folder whose
 * node_modules is missing or was installed from a different lock (a hash of package.json and
 * package-lock.json is kept in node_modules/.tracewire-lock-hash). One line per folder.
 *
 *   node scripts/install-compat.mjs            every fixture folder
 *   node scripts/install-compat.mjs openai     only folders whose name contains "openai"
 *   node scripts/install-compat.mjs --force    reinstall even when up to date
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../test/compat/fixtures/', import.meta.url));
const MARKER = '.tracewire-lock-hash';

const args = process.argv.slice(2);
const force = args.includes('--force');
const filters = args.filter((arg) => !arg.startsWith('--'));

function lockHash(dir) {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(dir, file)));
  return hash.digest('hex');
}

function installedHash(dir) {
  const marker = join(dir, 'node_modules', MARKER);
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
}

/** Why the folder needs `npm ci`, or undefined when it is up to date. */
function reasonToInstall(dir, hash) {
  if (!existsSync(join(dir, 'node_modules'))) return 'node_modules missing';
  const installed = installedHash(dir);
  if (installed === undefined) return 'no lock hash recorded';
  if (installed !== hash) return 'lock changed';
  return force ? 'forced' : undefined;
}

function npmCi(dir) {
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' });
  return { ok: run.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1), output: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ?? ''}` };
}

function processFolder(name) {
  const dir = join(FIXTURES, name);
  if (!existsSync(join(dir, 'package.json'))) return { line: `${name}: no package.json, skipped`, ok: true };
  if (!existsSync(join(dir, 'package-lock.json'))) return { line: `${name}: no package-lock.json, cannot npm ci`, ok: false };
  const hash = lockHash(dir);
  const reason = reasonToInstall(dir, hash);
  if (!reason) return { line: `${name}: up to date`, ok: true };
  const result = npmCi(dir);
  if (!result.ok) return { line: `${name}: npm ci FAILED (${reason})\n${result.output.trim()}`, ok: false };
  writeFileSync(join(dir, 'node_modules', MARKER), `${hash}\n`);
  return { line: `${name}: installed in ${result.seconds}s (${reason})`, ok: true };
}

const folders = readdirSync(FIXTURES)
  .filter((name) => statSync(join(FIXTURES, name)).isDirectory())
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

let failed = 0;
for (const name of folders) {
  const { line, ok } = processFolder(name);
  if (!ok) failed++;
  console.log(line);
}
if (folders.length === 0) console.log(`no fixture folder${filters.length ? ` matching ${filters.join(', ')}` : ''} in ${FIXTURES}`);
process.exitCode = failed > 0 ? 1 : 0;
