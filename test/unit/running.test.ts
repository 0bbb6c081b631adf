/** A call with children is in the store while it runs (SPEC §3: status `running`, `endedAt` null). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flush, getCurrentCall, init, op } from '../../src/index.js';
import { setLogSink } from '../../src/log.js';
import type { LiveCall } from '../../src/trace/call.js';
import type { Call } from '../../src/types.js';
import { clearTracewireEnv, CollectingExporter } from '../helpers/collect.js';

afterEach(() => setLogSink(undefined));

const lookup = op(async function lookup(q: string) {
  return `found ${q}`;
});

/** An agent that runs one child, then waits for `release` before it ends. */
function agentWaiting() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const agent = op(async function agent(task: string) {
    await lookup(task);
    await released;
    return 'done';
  }, { kind: 'agent' });
  return { agent, release };
}

describe('a call that is still running', () => {
  it('is read back as running with its finished children, then replaced by its final record', async () => {
    clearTracewireEnv();
    setLogSink(() => {});
    const dir = join(mkdtempSync(join(tmpdir(), 'tw-running-')), 'store');
    const custom = new CollectingExporter();
    const tw = init({ dir, project: 'running', exporters: ['local', custom], implicitlyPatchIntegrations: false });
    const { agent, release } = agentWaiting();
    const done = agent('weather');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await flush();

    const running = await tw.getCalls({ filter: { status: 'running' } });
    expect(running.map((c) => [c.opName, c.endedAt, c.output])).toEqual([['agent', null, null]]);
    expect(running[0]!.inputs).toEqual({ task: 'weather' });
    const trace = await tw.getTrace(running[0]!.traceId);
    expect(trace.map((c) => [c.opName, c.status])).toEqual([['agent', 'running'], ['lookup', 'success']]);
    // An exporter that does not read records back (otlp, console, one of the app's) gets final records only.
    expect(custom.calls.map((c) => c.status)).toEqual(['success']);

    release();
    expect(await done).toBe('done');
    await flush();
    const [final] = await tw.getCalls({ filter: { opNames: ['agent'] } });
    expect(final!.status).toBe('success');
    expect(final!.output).toBe('done');
    expect(final!.endedAt).not.toBeNull();
    expect(await tw.getCalls({ filter: { status: 'running' } })).toEqual([]);
    expect(custom.calls.map((c: Call) => [c.opName, c.status]).sort()).toEqual([['agent', 'success'], ['lookup', 'success']]);
  });

  it('a short parent that ends before the batch runs is recorded once, final', async () => {
    clearTracewireEnv();
    const tw = init({ exporters: ['memory'], implicitlyPatchIntegrations: false });
    const { agent, release } = agentWaiting();
    release();
    await agent('quick');
    await flush();
    const calls = await tw.getCalls();
    expect(calls.map((c) => [c.opName, c.status]).sort()).toEqual([['agent', 'success'], ['lookup', 'success']]);
  });

  it('shows the usage of its ended children while it runs', async () => {
    clearTracewireEnv();
    const tw = init({ exporters: ['memory'], implicitlyPatchIntegrations: false });
    const llm = op(async function llm(tokens: number) {
      (getCurrentCall() as LiveCall).addUsage('m', { requests: 1, inputTokens: tokens, outputTokens: 1 });
    }, { kind: 'llm' });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const agent = op(async function agent() {
      await llm(10);
      await flush();
      await llm(20);
      await released;
    }, { kind: 'agent' });
    const done = agent();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await flush();
    const [running] = await tw.getCalls({ filter: { opNames: ['agent'] } });
    expect(running!.status).toBe('running');
    expect(running!.summary.usage).toEqual({ m: { requests: 2, inputTokens: 30, outputTokens: 2 } });
    release();
    await done;
  });
});
