/**
 * `tracewire` command: read the local store from a terminal.
 *   tracewire calls [--limit N] [--project P] [--dir D] [--json]
 *   tracewire trace <traceId|callId|latest> [--project P] [--dir D] [--json]
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalStore, STORE_FILE_NAME } from '../store/local-store.js';
import type { Call } from '../types.js';
import { formatCallsTable, formatTrace } from './format.js';

const USAGE = `usage:
  tracewire calls [--limit N] [--project NAME] [--dir DIR] [--json]   recent root calls
  tracewire trace <id|latest> [--project NAME] [--dir DIR] [--json]   one trace as a tree
options default to TRACEWIRE_PROJECT (else "default") and TRACEWIRE_DIR (else ~/.tracewire).`;

class UsageError extends Error {}

interface Options {
  command: string | undefined;
  positional: string[];
  json: boolean;
  project: string;
  dir: string;
  limit: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    command: undefined,
    positional: [],
    json: false,
    project: process.env.TRACEWIRE_PROJECT?.trim() || 'default',
    dir: resolve(process.env.TRACEWIRE_DIR?.trim() || join(homedir(), '.tracewire')),
    limit: 20,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--json') options.json = true;
    else if (arg === '--project') options.project = value();
    else if (arg === '--dir') options.dir = resolve(value());
    else if (arg === '--limit') {
      const raw = value();
      options.limit = Number(raw);
      if (!Number.isInteger(options.limit) || options.limit <= 0) throw new UsageError(`--limit must be a positive whole number; got ${raw}`);
    } else if (arg === '--help' || arg === '-h') options.command = 'help';
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (options.command === undefined) options.command = arg;
    else options.positional.push(arg);
  }
  return options;
}

function openStore(options: Options): LocalStore | undefined {
  const file = join(options.dir, STORE_FILE_NAME);
  if (!existsSync(file)) {
    console.log(`No tracewire store at ${file} yet: run an app that calls tracewire's init() (or set --dir / TRACEWIRE_DIR).`);
    return undefined;
  }
  return LocalStore.open(options.dir);
}

function listCalls(store: LocalStore, options: Options): void {
  const calls = store.getCalls(
    { filter: { traceRootsOnly: true }, sortBy: [{ field: 'startedAt', direction: 'desc' }], limit: options.limit },
    options.project,
  );
  if (options.json) return void console.log(JSON.stringify(calls, null, 2));
  if (calls.length === 0) return void console.log(`No calls recorded for project "${options.project}" in ${store.path}.`);
  console.log(formatCallsTable(calls));
}

function showTrace(store: LocalStore, options: Options): boolean {
  const wanted = options.positional[0];
  if (!wanted) throw new UsageError('trace needs a trace id, a call id, or "latest"');
  let calls: Call[];
  if (wanted === 'latest') {
    const [latest] = store.getCalls({ filter: { traceRootsOnly: true }, sortBy: [{ field: 'startedAt', direction: 'desc' }], limit: 1 }, options.project);
    if (!latest) {
      console.log(`No calls recorded for project "${options.project}" in ${store.path}.`);
      return true;
    }
    calls = store.getTrace(latest.traceId, options.project);
  } else {
    calls = store.getTrace(wanted, options.project);
    if (calls.length === 0) {
      const call = store.getCall(wanted, options.project);
      if (call) calls = store.getTrace(call.traceId, options.project);
    }
  }
  if (calls.length === 0) {
    console.log(`No trace or call "${wanted}" in project "${options.project}" (${store.path}).`);
    return false;
  }
  console.log(options.json ? JSON.stringify(calls, null, 2) : formatTrace(calls));
  return true;
}

export function main(argv: string[]): number {
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    console.error(`tracewire: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.command === undefined || options.command === 'help') {
    console.log(USAGE);
    return options.command === 'help' ? 0 : 2;
  }
  if (options.command !== 'calls' && options.command !== 'trace') {
    console.error(`tracewire: unknown command "${options.command}"\n${USAGE}`);
    return 2;
  }
  let store: LocalStore | undefined;
  try {
    store = openStore(options);
    if (!store) return 0;
    if (options.command === 'calls') listCalls(store, options);
    else if (!showTrace(store, options)) return 1;
    return 0;
  } catch (error) {
    console.error(`tracewire: ${error instanceof UsageError ? `${error.message}\n${USAGE}` : (error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    store?.close();
  }
}

process.exitCode = main(process.argv.slice(2));
