/** A call with children is in the store while it runs (SPEC §3: status `running`, `endedAt` null). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flush, getCurrentCall, init, op } from '../../src/index.js';
import { runExitTasks } from '../../src/export/exit-tasks.js';
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

describe('a call whose child outlives it', () => {
  /** A parent that starts a child billed `tokens`, returns before it ends, and a way to end the child. */
  function parentWithLateChild() {
    const llm = op(async function llm(gate: Promise<void>) {
      await gate;
      (getCurrentCall() as LiveCall).addUsage('m', { requests: 1, inputTokens: 5, outputTokens: 1 });
    }, { kind: 'llm' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let child!: Promise<void>;
    const parent = op(function parent() {
      child = llm(gate);
      return 'returned early';
    });
    return { run: () => (parent(), child), release };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 60));
  /** Every record an exporter that keeps no latest-per-id (otlp, console) is handed, in order. */
  const finalOnly = () => ({ name: 'final-only', records: [] as Call[], export(calls: Call[]) { this.records.push(...calls); } });
  const parents = (records: Call[]) => records.filter((c) => c.opName === 'parent');

  it('reaches an exporter that cannot replace records once, when the child ends, with its usage; a store gets it at once and again', async () => {
    clearTracewireEnv();
    const otlpLike = finalOnly();
    const storeLike = { ...finalOnly(), name: 'store-like', acceptsRunning: true };
    const tw = init({ exporters: [storeLike, otlpLike, 'memory'], implicitlyPatchIntegrations: false });
    const { run, release } = parentWithLateChild();
    const child = run();
    await settle();
    // Ended, but its child runs: held from the final-only exporter, shown by the store.
    expect(parents(otlpLike.records)).toEqual([]);
    expect(parents(storeLike.records).map((c) => c.status)).toEqual(['success']);
    // Reading the store back does not hand it over either.
    expect((await tw.getCalls({ filter: { opNames: ['parent'] } })).map((c) => c.status)).toEqual(['success']);
    expect(parents(otlpLike.records)).toEqual([]);
    release();
    await child;
    await settle();
    const usage = { m: { requests: 1, inputTokens: 5, outputTokens: 1 } };
    expect(parents(otlpLike.records).map((c) => c.summary.usage)).toEqual([usage]);
    expect(otlpLike.records.map((c) => c.opName).sort()).toEqual(['llm', 'parent']);
    expect(parents(storeLike.records).map((c) => c.summary.usage)).toEqual([undefined, usage]);
  });

  it('is handed over by a flush while the child still runs, and by the exit tasks', async () => {
    clearTracewireEnv();
    const otlpLike = finalOnly();
    init({ exporters: [otlpLike], implicitlyPatchIntegrations: false });
    const first = parentWithLateChild();
    const child = first.run();
    await settle();
    expect(parents(otlpLike.records)).toEqual([]);
    await flush();
    expect(parents(otlpLike.records).map((c) => c.output)).toEqual(['returned early']);
    first.release();
    await child;
    await flush();
    // Sent again once complete: flushed while a descendant ran, it could not be final.
    expect(parents(otlpLike.records).map((c) => c.summary.usage?.m?.inputTokens)).toEqual([undefined, 5]);

    otlpLike.records.length = 0;
    parentWithLateChild().run();
    await settle();
    expect(parents(otlpLike.records)).toEqual([]);
    runExitTasks();
    await flush();
    expect(parents(otlpLike.records)).toHaveLength(1);
  });

  it('a child started after its parent ended leaves the parent sent once to such an exporter; a store gets the roll-up', async () => {
    clearTracewireEnv();
    const otlpLike = finalOnly();
    const storeLike = { ...finalOnly(), name: 'store-like', acceptsRunning: true };
    init({ exporters: [storeLike, otlpLike], implicitlyPatchIntegrations: false });
    const llm = op(async function llm() {
      (getCurrentCall() as LiveCall).addUsage('m', { requests: 1, inputTokens: 5, outputTokens: 1 });
    }, { kind: 'llm' });
    let late!: Promise<void>;
    const started = new Promise<void>((resolve) => {
      // The timer runs in the parent's context, after the parent returned and ended.
      op(function parent() {
        setTimeout(() => resolve((late = llm())), 80);
        return 'returned';
      })();
    });
    await settle();
    await started;
    await late;
    await settle();
    // A span cannot be sent twice under one id: the late child's usage is on its own span.
    expect(parents(otlpLike.records).map((c) => c.summary.usage)).toEqual([undefined]);
    expect(otlpLike.records.map((c) => c.opName).sort()).toEqual(['llm', 'parent']);
    expect(otlpLike.records.find((c) => c.opName === 'llm')!.parentId).toBe(parents(otlpLike.records)[0]!.id);
    expect(parents(storeLike.records).map((c) => c.summary.usage?.m?.inputTokens)).toEqual([undefined, 5]);
  });

  it('a grandparent waits for the grandchild through a child that ended first', async () => {
    clearTracewireEnv();
    const otlpLike = finalOnly();
    init({ exporters: [otlpLike], implicitlyPatchIntegrations: false });
    const { run, release } = parentWithLateChild();
    let child!: Promise<void>;
    const top = op(function top() {
      child = run();
    });
    top();
    await settle();
    expect(otlpLike.records.map((c) => c.opName)).toEqual([]);
    release();
    await child;
    await settle();
    expect(otlpLike.records.map((c) => c.opName).sort()).toEqual(['llm', 'parent', 'top']);
    expect(otlpLike.records.find((c) => c.opName === 'top')!.summary.usage).toEqual({ m: { requests: 1, inputTokens: 5, outputTokens: 1 } });
  });
});
