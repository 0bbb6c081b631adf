/** `tracewire export --format jsonl|csv` (SPEC §8), run as the installed command would be. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { flush, getCurrentCall, init, op } from '../../src/index.js';
import type { LiveCall } from '../../src/trace/call.js';
import type { Call } from '../../src/types.js';
import { clearTracewireEnv } from '../helpers/collect.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tw-export-'));
const dir = join(root, 'store');
/** More than one page of the store read (500 calls). */
const MANY = 1_203;
let traceId: string;
let answerId: string;

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args, '--dir', dir], { encoding: 'utf8', env: { ...process.env, TRACEWIRE_PROJECT: '' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = ''), i++;
    } else field += ch;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((cells) => {
    expect(cells).toHaveLength(header!.length);
    return Object.fromEntries(header!.map((name, i) => [name, cells[i]!]));
  });
}

beforeAll(async () => {
  clearTracewireEnv();
  const tw = init({ dir, project: 'export', implicitlyPatchIntegrations: false });
  tw.addCost({ model: 'm-1', inputTokenCost: 0.001, outputTokenCost: 0.002, effectiveDate: '2020-01-01' });
  const answer = op(async function answer(question: string) {
    (getCurrentCall() as LiveCall).addUsage('m-1', { requests: 1, inputTokens: 10, outputTokens: 5 });
    answerId = getCurrentCall()!.id;
    return `Sure, "${question}":\nline two`;
  }, { kind: 'llm' });
  const lookup = op(function lookup() {
    throw new TypeError('=HYPERLINK("http://evil.example", "click")');
  }, { kind: 'retriever', callDisplayName: '@lookup' });
  const agent = op(async function research(question: string) {
    try {
      lookup();
    } catch {
      // the agent carries on without the index
    }
    return answer(question);
  }, { kind: 'agent' });
  const [, call] = await agent.invoke('=1+1, really?');
  traceId = call!.traceId;
  await flush();

  init({ dir, project: 'many', implicitlyPatchIntegrations: false });
  const step = op(function step(i: number) {
    return i;
  });
  for (let i = 0; i < MANY; i++) step(i);
  await flush();
});

describe('tracewire export --format jsonl', () => {
  it('writes every call of the project, one record per line, oldest first, as getTrace returns them', () => {
    const { code, out, err } = run('export', '--format', 'jsonl', '--project', 'export');
    expect(code).toBe(0);
    expect(err).toBe('');
    const lines = out.split('\n');
    expect(lines.pop()).toBe('');
    const calls: Call[] = lines.map((line) => JSON.parse(line));
    expect(calls.map((c) => c.opName)).toEqual(['research', 'lookup', 'answer']);
    const trace = JSON.parse(run('trace', traceId, '--project', 'export', '--json').out);
    expect(calls).toEqual(trace);
  });

  it('reads a store larger than a page in order, each call once', () => {
    const { code, out } = run('export', '--format', 'jsonl', '--project', 'many');
    expect(code).toBe(0);
    const calls: Call[] = out.trim().split('\n').map((line) => JSON.parse(line));
    expect(calls.map((c) => c.inputs.i)).toEqual(Array.from({ length: MANY }, (_, i) => i));
    expect(new Set(calls.map((c) => c.id)).size).toBe(MANY);
  });

  it('--trace takes a trace id, one of its calls, or latest; --out writes a file and says so on stderr', () => {
    const byCall = run('export', '--format', 'jsonl', '--project', 'export', '--trace', answerId);
    expect(byCall.out.trim().split('\n').map((line) => JSON.parse(line).traceId)).toEqual([traceId, traceId, traceId]);
    const latest = run('export', '--format', 'jsonl', '--project', 'many', '--trace', 'latest');
    expect(latest.out.trim().split('\n')).toHaveLength(1);
    const file = join(root, 'trace.jsonl');
    const toFile = run('export', '--format', 'jsonl', '--project', 'export', '--trace', traceId, '--out', file);
    expect(toFile.code).toBe(0);
    expect(toFile.out).toBe('');
    expect(toFile.err.trim()).toBe(`3 calls of project "export" written to ${file}`);
    expect(readFileSync(file, 'utf8')).toBe(byCall.out);
  });

  it('a reader that stops early ends the export quietly', () => {
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" export --format jsonl --project many --dir "${dir}" | head -n 2`], { encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(piped.stdout.trim().split('\n')).toHaveLength(2);
    expect(piped.stderr).toBe('');
  });
});

describe('tracewire export --format csv', () => {
  it('one row per call with a header; nested fields as JSON; tokens, cost and exception in columns', () => {
    const { code, out } = run('export', '--format', 'csv', '--project', 'export');
    expect(code).toBe(0);
    expect(out.startsWith('id,traceId,parentId,project,opName,displayName,kind,status,startedAt,endedAt,latencyMs,')).toBe(true);
    const rows = csvObjects(out);
    expect(rows.map((r) => r.opName)).toEqual(['research', 'lookup', 'answer']);
    const [research, lookup, answer] = rows as [Record<string, string>, Record<string, string>, Record<string, string>];
    expect(research).toMatchObject({ id: traceId, traceId, parentId: '', project: 'export', kind: 'agent', status: 'success', inputTokens: '10', outputTokens: '5', totalCost: '0.02' });
    expect(JSON.parse(research.inputs)).toEqual({ question: '=1+1, really?' });
    expect(JSON.parse(answer.output)).toBe('Sure, "=1+1, really?":\nline two');
    expect(answer).toMatchObject({ parentId: traceId, exceptionType: '', exceptionMessage: '' });
    expect(Number(answer.latencyMs)).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(answer.summary).usage['m-1']).toEqual({ requests: 1, inputTokens: 10, outputTokens: 5 });
    expect(lookup.status).toBe('error');
    expect(lookup.exceptionType).toBe('TypeError');
    expect(new Date(lookup.startedAt).toISOString()).toBe(lookup.startedAt);
  });

  it('text a spreadsheet would run as a formula starts with an apostrophe', () => {
    const [, lookup] = csvObjects(run('export', '--format', 'csv', '--project', 'export').out);
    expect(lookup!.exceptionMessage).toBe(`'=HYPERLINK("http://evil.example", "click")`);
    expect(lookup!.displayName).toBe(`'@lookup`);
    expect(lookup!.opName).toBe('lookup');
  });
});

describe('tracewire export: bad input', () => {
  it('names what is wrong on stderr, writes no data, and exits non-zero', () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['export'], 2, /export needs --format jsonl\|csv/],
      [['export', '--format', 'xml'], 2, /--format must be jsonl or csv; got xml/],
      [['export', '--format', 'csv', '--limit', '5'], 2, /--limit does not apply to export/],
      [['calls', '--format', 'csv'], 2, /--format does not apply to calls/],
      [['export', '--format', 'csv', 'extra'], 2, /export takes no argument "extra"/],
      [['export', '--format', 'csv', '--project', 'export', '--trace', 'nope'], 1, /^No trace or call "nope" in project "export"/],
    ];
    for (const [args, code, message] of cases) {
      const result = run(...args);
      expect([args, result.code]).toEqual([args, code]);
      expect(result.err).toMatch(message);
      expect(result.out).toBe('');
      expect(result.err).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it('a missing store fails with the note on stderr; an empty project gives no rows and a note', () => {
    const missing = spawnSync(process.execPath, [CLI, 'export', '--format', 'jsonl', '--dir', join(root, 'nope')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^No tracewire store at .*tracewire\.db yet/);
    const empty = run('export', '--format', 'csv', '--project', 'nobody');
    expect(empty.code).toBe(0);
    expect(parseCsv(empty.out)).toHaveLength(1);
    expect(empty.err.trim()).toMatch(/^No calls recorded for project "nobody"/);
  });
});
