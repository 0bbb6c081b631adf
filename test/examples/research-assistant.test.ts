/**
 * The demo (examples/research-assistant.mjs) run the way the README says, offline, in a child
 * process: its printed answer and trace tree, the calls it left in the store, and the CLI
 * commands it tells the reader to run next.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCost } from '../../src/cli/format.js';
import { init } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import { clearTracewireEnv } from '../helpers/collect.js';
import { ROOT, assertBuilt } from '../helpers/node-app.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-demo-'));
const API_KEYS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'CO_API_KEY', 'COHERE_API_KEY', 'MISTRAL_API_KEY'];
const LAT = String.raw`(?:\d+ms|\d+\.\d\ds)`;
const USD = String.raw`\$[\d.]+`;

// Bundled list prices (USD per token) of the recorded models, and the recorded token counts.
const COST = {
  firstChat: 91 * 0.5e-6 + 21 * 1.5e-6, // gpt-3.5-turbo-0125: $0.50 / $1.50 per million
  secondChat: 120 * 0.5e-6 + 19 * 1.5e-6,
  summary: 17 * 0.25e-6 + 171 * 1.25e-6, // claude-3-haiku-20240307: $0.25 / $1.25 per million
  embeddings: 21 * 0.1e-6, // mistral-embed: $0.10 per million
};
const TOTAL = COST.firstChat + COST.secondChat + COST.summary + COST.embeddings;

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TRACEWIRE_DIR: dir };
  for (const key of Object.keys(env)) if (key.startsWith('TRACEWIRE_') && key !== 'TRACEWIRE_DIR') delete env[key];
  for (const key of API_KEYS) delete env[key];
  return env;
}

function node(...args: string[]) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: childEnv(), timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const cli = (...args: string[]) => node('dist/cli/main.js', ...args);

let demo: { code: number | null; out: string; err: string };
let tree: string[];
let calls: Call[];
const byOp = (name: string) => calls.filter((c) => c.opName === name);
const one = (name: string) => {
  const [call, ...more] = byOp(name);
  expect(call, `a call named ${name}`).toBeDefined();
  expect(more).toHaveLength(0);
  return call!;
};

beforeAll(async () => {
  assertBuilt();
  demo = node('examples/research-assistant.mjs');
  const lines = demo.out.split('\n');
  const start = lines.findIndex((line) => line.startsWith('✓ researchAssistant'));
  const end = lines.findIndex((line, i) => i > start && line.startsWith('trace '));
  tree = start >= 0 && end > start ? lines.slice(start, end + 1) : [];
  clearTracewireEnv();
  calls = await init({ dir, project: 'demo', implicitlyPatchIntegrations: false }).getCalls({ sortBy: [{ field: 'startedAt', direction: 'asc' }] });
}, 90_000);

describe('research assistant demo (offline)', () => {
  it('runs with no API key and prints the answer from the recorded exchanges', () => {
    expect(demo.code).toBe(0);
    // tracewire's own one-line warnings (e.g. a model with no known price) are fine; nothing else.
    for (const line of demo.err.split('\n').filter(Boolean)) expect(line).toMatch(/^\[tracewire\] /);
    expect(demo.out).toMatch(/^Replaying recorded exchanges for mistral, cohere, openai, anthropic \(set MISTRAL_API_KEY, CO_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY/);
    expect(demo.out).toContain('[1.00] A trace is the tree of spans recorded for one request');
    expect(demo.out).toContain('Answer: The result of the expression `5 * (10 + 2)` is 60.');
    expect(demo.out).toContain('They were in a Span of Confusion!');
  });

  it('prints the trace as a tree with per-call latency, tokens and cost, then the totals', () => {
    const expected = [
      `^✓ researchAssistant  \\[agent\\]  ${LAT}  249→211 tok  ${USD}$`,
      `^├─ ✓ findSources  \\[retriever\\]  ${LAT}  21→0 tok  ${USD}$`,
      `^│  ├─ ✓ mistral\\.embeddings\\.create  \\[embedding\\]  ${LAT}  21→0 tok  ${USD}$`,
      `^│  └─ ✓ cohere\\.v2\\.rerank  \\[rerank\\]  ${LAT}$`,
      `^├─ ✓ answerWithTools  \\[agent\\]  ${LAT}  211→40 tok  ${USD}$`,
      `^│  ├─ ✓ openai\\.chat\\.completions\\.create  \\[llm\\]  ${LAT}  91→21 tok  \\$0\\.0000770$`,
      `^│  ├─ ✓ calculator  \\[tool\\]  ${LAT}$`,
      `^│  └─ ✓ openai\\.chat\\.completions\\.create  \\[llm\\]  ${LAT}  120→19 tok  \\$0\\.0000885$`,
      `^└─ ✓ summarize  \\[chain\\]  ${LAT}  17→171 tok  \\$0\\.000218$`,
      `^   └─ ✓ anthropic\\.messages\\.create  \\[llm\\]  ${LAT}  17→171 tok  \\$0\\.000218$`,
      '^$',
      `^trace [0-9a-f-]{36}: 10 calls, ${LAT}, 249 input \\+ 211 output tokens, total cost \\$0\\.000386$`,
    ];
    expect(tree).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(tree[i]).toMatch(new RegExp(pattern)));
  });

  it('says how to look at the trace again', () => {
    const root = calls.find((c) => c.parentId === null);
    expect(demo.out).toContain(`Stored in ${dir}.`);
    expect(demo.out).toContain(`npx tracewire trace latest --project demo --dir ${dir}`);
    expect(demo.out).toContain(`trace ${root?.traceId}`);
    expect(demo.out).toContain(`npx tracewire calls --project demo --dir ${dir}`);
    expect(demo.out).toContain(`npx tracewire ui --project demo --dir ${dir}`);
  });

  it('stores one trace: the ops with their kinds, the SDK calls under them', () => {
    expect(calls.map((c) => c.opName).sort()).toEqual(
      [
        'researchAssistant',
        'findSources',
        'mistral.embeddings.create',
        'cohere.v2.rerank',
        'answerWithTools',
        'openai.chat.completions.create',
        'calculator',
        'openai.chat.completions.create',
        'summarize',
        'anthropic.messages.create',
      ].sort(),
    );
    const root = one('researchAssistant');
    expect(root).toMatchObject({ kind: 'agent', parentId: null, project: 'demo', status: 'success' });
    expect(new Set(calls.map((c) => c.traceId))).toEqual(new Set([root.traceId]));
    for (const call of calls) expect(call.status, call.opName).toBe('success');
    const parentOf = (call: Call) => calls.find((c) => c.id === call.parentId)?.opName;
    const expectations: Array<[string, string, string]> = [
      ['findSources', 'retriever', 'researchAssistant'],
      ['mistral.embeddings.create', 'embedding', 'findSources'],
      ['cohere.v2.rerank', 'rerank', 'findSources'],
      ['answerWithTools', 'agent', 'researchAssistant'],
      ['calculator', 'tool', 'answerWithTools'],
      ['summarize', 'chain', 'researchAssistant'],
      ['anthropic.messages.create', 'llm', 'summarize'],
    ];
    for (const [name, kind, parent] of expectations) {
      const call = one(name);
      expect(call.kind, name).toBe(kind);
      expect(parentOf(call), name).toBe(parent);
    }
    for (const chat of byOp('openai.chat.completions.create')) expect([chat.kind, parentOf(chat)]).toEqual(['llm', 'answerWithTools']);
    expect(one('calculator')).toMatchObject({ inputs: { expression: '5 * (10 + 2)' }, output: '60' });
  });

  it('records the streamed OpenAI tool call and the Anthropic summary as whole responses', () => {
    const [first, second] = byOp('openai.chat.completions.create');
    expect(first!.inputs).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(first!.output).toMatchObject({
      choices: [{ finish_reason: 'tool_calls', message: { tool_calls: [{ function: { name: 'calculator', arguments: '{"input":"5 * (10 + 2)"}' } }] } }],
    });
    expect(second!.inputs).toMatchObject({ messages: expect.arrayContaining([{ role: 'tool', tool_call_id: expect.any(String), content: '60' }]) });
    expect(second!.output).toMatchObject({ choices: [{ message: { content: 'The result of the expression `5 * (10 + 2)` is 60.' } }] });
    const summary = one('anthropic.messages.create');
    expect(summary.output).toMatchObject({ model: 'claude-3-haiku-20240307', content: [{ type: 'text', text: expect.stringContaining('Span of Confusion') }] });
    for (const stream of [first!, second!, summary]) expect(stream.summary.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('records usage for every provider call and costs where bundled prices exist', () => {
    const [first, second] = byOp('openai.chat.completions.create');
    expect(first!.summary.usage).toEqual({ 'gpt-3.5-turbo-0125': expect.objectContaining({ requests: 1, inputTokens: 91, outputTokens: 21 }) });
    expect(second!.summary.usage).toEqual({ 'gpt-3.5-turbo-0125': expect.objectContaining({ requests: 1, inputTokens: 120, outputTokens: 19 }) });
    expect(one('anthropic.messages.create').summary.usage).toEqual({ 'claude-3-haiku-20240307': expect.objectContaining({ requests: 1, inputTokens: 17, outputTokens: 171 }) });
    expect(one('mistral.embeddings.create').summary.usage).toEqual({ 'mistral-embed': expect.objectContaining({ requests: 1, inputTokens: 21 }) });
    expect(one('cohere.v2.rerank').summary.usage).toEqual({ 'rerank-english-v3.0': expect.objectContaining({ requests: 1, searchUnits: 1 }) });

    expect(first!.summary.totalCost).toBeCloseTo(COST.firstChat, 12);
    expect(second!.summary.totalCost).toBeCloseTo(COST.secondChat, 12);
    expect(one('anthropic.messages.create').summary.totalCost).toBeCloseTo(COST.summary, 12);
    expect(one('mistral.embeddings.create').summary.totalCost).toBeCloseTo(COST.embeddings, 12);
    expect(one('cohere.v2.rerank').summary.totalCost).toBeUndefined(); // no bundled price for rerank search units

    const root = one('researchAssistant');
    expect(root.summary.totalCost).toBeCloseTo(TOTAL, 12);
    expect(Object.keys(root.summary.usage ?? {}).sort()).toEqual(['claude-3-haiku-20240307', 'gpt-3.5-turbo-0125', 'mistral-embed', 'rerank-english-v3.0']);
    expect(tree.at(-1)).toContain(`total cost ${formatCost(root.summary.totalCost)}`);
  });
});

describe('looking at the demo again with the CLI', () => {
  it('`trace latest --project demo` prints the same tree from the store', () => {
    const { code, out, err } = cli('trace', 'latest', '--project', 'demo', '--dir', dir);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n')).toEqual(tree);
  });

  it('`calls --project demo` lists the root call; --json gives the record', () => {
    const table = cli('calls', '--project', 'demo', '--dir', dir);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^started\s+op\s+status\s+latency\s+tokens\s+cost\s+trace\n/);
    expect(table.out).toMatch(new RegExp(`researchAssistant\\s+success\\s+${LAT}\\s+249→211 tok\\s+\\$0\\.000386\\s+[0-9a-f-]{36}`));
    expect(table.out).not.toContain('openai.chat');

    const json = cli('calls', '--project', 'demo', '--dir', dir, '--json');
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.out) as Call[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ opName: 'researchAssistant', kind: 'agent', status: 'success', traceId: one('researchAssistant').traceId });
    expect(listed[0]!.summary.totalCost).toBeCloseTo(TOTAL, 12);
  });

  it('a missing store or an empty project gets one clear line', () => {
    const missing = cli('calls', '--project', 'demo', '--dir', join(dir, 'missing'));
    expect(missing.code).toBe(0);
    expect(missing.out.trim()).toMatch(/^No tracewire store at \S*tracewire\.db yet[^\n]*$/);
    const empty = cli('trace', 'latest', '--project', 'elsewhere', '--dir', dir);
    expect(empty.code).toBe(0);
    expect(empty.out.trim()).toMatch(/^No calls recorded for project "elsewhere"[^\n]*$/);
    expect(missing.err + empty.err).toBe('');
  });
});
