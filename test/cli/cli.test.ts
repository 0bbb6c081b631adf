import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { flush, getCurrentCall, init, op } from '../../src/index.js';
import type { LiveCall } from '../../src/trace/call.js';
import { clearTracewireEnv } from '../helpers/collect.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = join(mkdtempSync(join(tmpdir(), 'tw-cli-')), 'store');
let traceId: string;

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args, '--dir', dir], { encoding: 'utf8', env: { ...process.env, TRACEWIRE_PROJECT: '' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

beforeAll(async () => {
  clearTracewireEnv();
  const tw = init({ dir, project: 'cli', implicitlyPatchIntegrations: false });
  tw.addCost({ model: 'm-1', inputTokenCost: 0.001, outputTokenCost: 0.002, effectiveDate: '2020-01-01' });
  const llm = op(async function answer() {
    (getCurrentCall() as LiveCall).addUsage('m-1', { requests: 1, inputTokens: 10, outputTokens: 5 });
    return 'ok';
  }, { kind: 'llm' });
  const fails = op(function lookup() {
    throw new TypeError('index missing');
  }, { kind: 'retriever' });
  const agent = op(async function research() {
    try {
      fails();
    } catch {
      // the agent carries on without the index
    }
    return llm();
  }, { kind: 'agent' });
  const [, call] = await agent.invoke();
  traceId = call!.traceId;
  await flush();
});

describe('tracewire CLI', () => {
  it('trace latest prints the tree with latency, tokens, cost and the total', () => {
    const { code, out } = run('trace', 'latest', '--project', 'cli');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^✓ research {2}\[agent\] {2}\d+ms {2}10→5 tok {2}\$0\.0200$/);
    expect(lines[1]).toMatch(/^├─ ✗ lookup {2}\[retriever\] {2}\d+ms {2}TypeError: index missing$/);
    expect(lines[2]).toMatch(/^└─ ✓ answer {2}\[llm\] {2}\d+ms {2}10→5 tok {2}\$0\.0200$/);
    expect(out).toContain(`trace ${traceId}: 3 calls`);
    expect(out).toContain('10 input + 5 output tokens, total cost $0.0200');
  });

  it('trace <id> and --json give the same trace', () => {
    const byId = run('trace', traceId, '--project', 'cli', '--json');
    expect(byId.code).toBe(0);
    const calls = JSON.parse(byId.out);
    expect(calls.map((c: { opName: string }) => c.opName)).toEqual(['research', 'lookup', 'answer']);
  });

  it('calls lists root calls; --json is machine-readable', () => {
    const table = run('calls', '--project', 'cli');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/started\s+op\s+status\s+latency\s+tokens\s+cost\s+trace/);
    expect(table.out).toMatch(/research\s+success/);
    expect(table.out).not.toMatch(/\banswer\b/);
    const json = JSON.parse(run('calls', '--project', 'cli', '--json').out);
    expect(json).toHaveLength(1);
  });

  it('missing store, empty project, unknown ids and bad usage get one clear line, no stack trace', () => {
    const missing = spawnSync(process.execPath, [CLI, 'calls', '--dir', join(dir, 'nope')], { encoding: 'utf8' });
    expect(missing.stdout.trim()).toMatch(/^No tracewire store at .*tracewire\.db yet/);
    expect(run('calls', '--project', 'empty').out.trim()).toMatch(/^No calls recorded for project "empty"/);
    const unknown = run('trace', 'nope', '--project', 'cli');
    expect(unknown.code).toBe(1);
    expect(unknown.out.trim()).toMatch(/^No trace or call "nope"/);
    const bad = run('calls', '--limit', 'x');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--limit must be a positive whole number/);
    expect(bad.err).not.toMatch(/at .*\.js:\d+/);
  });

  it('ui refuses a bad port, options of other commands and a missing store, in one line each', () => {
    for (const [args, message] of [
      [['ui', '--port', 'x'], /--port must be a whole number from 0 to 65535; got x/],
      [['ui', '--port', '70000'], /--port must be a whole number from 0 to 65535; got 70000/],
      [['ui', '--limit', '3'], /--limit does not apply to ui/],
      [['ui', 'extra'], /ui takes no argument "extra"/],
    ] as const) {
      const bad = run(...args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.err).toMatch(message);
    }
    const missing = spawnSync(process.execPath, [CLI, 'ui', '--port', '0', '--dir', join(dir, 'nope')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^No tracewire store at .*tracewire\.db yet/);
    expect(missing.stdout).toBe('');
  });

  it('is the package bin', () => {
    const pkg = JSON.parse(execFileSync('npm', ['pkg', 'get', 'bin'], { encoding: 'utf8' }));
    expect(pkg).toEqual({ tracewire: './dist/cli/main.js' });
  });
});
