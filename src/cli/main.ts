/**
 * `tracewire` command: read the local store from a terminal.
 *   tracewire calls [--limit N] [--project P] [--dir D] [--json]
 *   tracewire trace <traceId|callId|latest> [--project P] [--dir D] [--json]
 *   tracewire export --format jsonl|csv [--trace ID|latest] [--out FILE] [--project P] [--dir D]
 *   tracewire ui [--port N] [--project P] [--dir D]
 */
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalStore, STORE_FILE_NAME } from '../store/local-store.js';
import { findTrace } from '../store/trace-table.js';
import type { Call } from '../types.js';
import { DEFAULT_VIEWER_PORT, startViewer } from '../viewer/server.js';
import { EXPORT_FORMATS, exportCalls, projectPages, type ExportFormat, type Write } from './export.js';
import { formatCallsTable, formatTrace } from './format.js';

const USAGE = `usage:
  tracewire calls [--limit N] [--project NAME] [--dir DIR] [--json]   recent root calls
  tracewire trace <id|latest> [--project NAME] [--dir DIR] [--json]   one trace as a tree
  tracewire export --format jsonl|csv [--trace ID|latest] [--out FILE] [--project NAME] [--dir DIR]
                                                    every call (or one trace's), oldest first
  tracewire ui [--port N] [--project NAME] [--dir DIR]   the web viewer on 127.0.0.1 (port ${DEFAULT_VIEWER_PORT}; 0: any free)
options default to TRACEWIRE_PROJECT (else "default") and TRACEWIRE_DIR (else ~/.tracewire).`;

class UsageError extends Error {}

interface Options {
  command: string | undefined;
  positional: string[];
  json: boolean;
  project: string;
  dir: string;
  limit: number;
  /** Set only when given: each applies to some commands. */
  given: Set<string>;
  format: ExportFormat | undefined;
  out: string | undefined;
  trace: string | undefined;
  port: number | undefined;
}

/** The options each command takes, beside --project and --dir. */
const COMMAND_OPTIONS: Record<string, string[]> = {
  calls: ['--limit', '--json'],
  trace: ['--json'],
  export: ['--format', '--out', '--trace'],
  ui: ['--port'],
};

function parseArgs(argv: string[]): Options {
  const options: Options = {
    command: undefined,
    positional: [],
    json: false,
    project: process.env.TRACEWIRE_PROJECT?.trim() || 'default',
    dir: resolve(process.env.TRACEWIRE_DIR?.trim() || join(homedir(), '.tracewire')),
    limit: 20,
    given: new Set(),
    format: undefined,
    out: undefined,
    trace: undefined,
    port: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg.startsWith('--')) options.given.add(arg);
    if (arg === '--json') options.json = true;
    else if (arg === '--project') options.project = value();
    else if (arg === '--dir') options.dir = resolve(value());
    else if (arg === '--limit') {
      const raw = value();
      options.limit = Number(raw);
      if (!Number.isInteger(options.limit) || options.limit <= 0) throw new UsageError(`--limit must be a positive whole number; got ${raw}`);
    } else if (arg === '--format') {
      const raw = value();
      if (!(EXPORT_FORMATS as readonly string[]).includes(raw)) throw new UsageError(`--format must be ${EXPORT_FORMATS.join(' or ')}; got ${raw}`);
      options.format = raw as ExportFormat;
    } else if (arg === '--out') options.out = resolve(value());
    else if (arg === '--trace') options.trace = value();
    else if (arg === '--port') {
      const raw = value();
      options.port = Number(raw);
      if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535; got ${raw}`);
    }
    else if (arg === '--help' || arg === '-h') options.command = 'help';
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (options.command === undefined) options.command = arg;
    else options.positional.push(arg);
  }
  checkOptions(options);
  return options;
}

function isCommand(name: string | undefined): name is string {
  return name !== undefined && Object.hasOwn(COMMAND_OPTIONS, name);
}

function checkOptions(options: Options): void {
  if (!isCommand(options.command)) return;
  const allowed = COMMAND_OPTIONS[options.command]!;
  for (const option of options.given) {
    if (option !== '--project' && option !== '--dir' && option !== '--help' && !allowed.includes(option)) {
      throw new UsageError(`${option} does not apply to ${options.command}`);
    }
  }
  if (options.command === 'export' && options.format === undefined) throw new UsageError(`export needs --format ${EXPORT_FORMATS.join('|')}`);
  if (options.command !== 'trace' && options.positional.length > 0) throw new UsageError(`${options.command} takes no argument "${options.positional[0]}"`);
}

function openStore(options: Options): LocalStore | undefined {
  const file = join(options.dir, STORE_FILE_NAME);
  if (!existsSync(file)) {
    // An export's stdout is data: the note goes to stderr, and the export fails.
    const note = options.command === 'calls' || options.command === 'trace' ? console.log : console.error;
    note(`No tracewire store at ${file} yet: run an app that calls tracewire's init() (or set --dir / TRACEWIRE_DIR).`);
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
  const calls = findTrace(store, wanted, options.project);
  if (calls === undefined) {
    console.log(`No calls recorded for project "${options.project}" in ${store.path}.`);
    return true;
  }
  if (calls.length === 0) {
    console.log(`No trace or call "${wanted}" in project "${options.project}" (${store.path}).`);
    return false;
  }
  console.log(options.json ? JSON.stringify(calls, null, 2) : formatTrace(calls));
  return true;
}

/**
 * Into --out (written synchronously, a page at a time) or onto stdout, waiting whenever the
 * pipe is full so memory stays bounded. Notes go to stderr: stdout carries only the data.
 */
async function exportStore(store: LocalStore, options: Options): Promise<void> {
  let pages: Iterable<Call[]> = projectPages(store, options.project);
  if (options.trace !== undefined) {
    const trace = findTrace(store, options.trace, options.project) ?? [];
    if (trace.length === 0 && options.trace !== 'latest') throw new NotFound(`No trace or call "${options.trace}" in project "${options.project}" (${store.path}).`);
    pages = [trace];
  }
  const fd = options.out === undefined ? undefined : openSync(options.out, 'w');
  const write: Write = fd !== undefined
    ? (text) => writeFileSync(fd, text)
    : (text) => (process.stdout.write(text) ? undefined : new Promise<void>((done) => process.stdout.once('drain', done)));
  try {
    const count = await store.readSnapshot(() => exportCalls(pages, options.format!, write));
    if (count === 0) console.error(`No calls recorded for project "${options.project}" in ${store.path}.`);
    if (fd !== undefined) console.error(`${count} calls of project "${options.project}" written to ${options.out}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

class NotFound extends Error {}

/** Serves the viewer until Ctrl-C (SIGINT) or SIGTERM. */
async function serveUntilStopped(store: LocalStore, options: Options): Promise<void> {
  const viewer = await startViewer({ store, project: options.project, port: options.port });
  console.log(`tracewire viewer: ${viewer.url}  (project "${options.project}", ${store.path}; Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await viewer.close();
}

export async function main(argv: string[]): Promise<number> {
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
  if (!isCommand(options.command)) {
    console.error(`tracewire: unknown command "${options.command}"\n${USAGE}`);
    return 2;
  }
  let store: LocalStore | undefined;
  try {
    store = openStore(options);
    if (!store) return options.command === 'calls' || options.command === 'trace' ? 0 : 1;
    if (options.command === 'calls') listCalls(store, options);
    else if (options.command === 'export') await exportStore(store, options);
    else if (options.command === 'ui') await serveUntilStopped(store, options);
    else if (!showTrace(store, options)) return 1;
    return 0;
  } catch (error) {
    if (error instanceof NotFound) {
      console.error(error.message);
      return 1;
    }
    console.error(`tracewire: ${error instanceof UsageError ? `${error.message}\n${USAGE}` : (error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    store?.close();
  }
}

// A reader that stops early (`| head`) closes the pipe: that ends the command, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
