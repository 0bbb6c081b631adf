/**
 * Calls for the viewer's tests, written straight into a store: a few traces with what the
 * table and the trace views must show (nesting, kinds, an error, a running call, usage and
 * cost, LLM output that looks like HTML), and as many plain traces as paging needs.
 */
import type { Call } from '../../src/types.js';

/** Text an attacker could get an LLM to write: it must show as these characters, never run. */
export const HOSTILE_OUTPUT = 'See <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> "quoted" 100%_done \\ok';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function call(fields: Partial<Call> & Pick<Call, 'id' | 'traceId' | 'opName'>): Call {
  return {
    parentId: null,
    project: 'demo',
    displayName: fields.opName,
    kind: 'function',
    startedAt: iso(0),
    endedAt: iso(10),
    status: 'success',
    inputs: {},
    output: null,
    exception: null,
    attributes: {},
    summary: { latencyMs: 10 },
    ...fields,
  };
}

const usage = (input: number, output: number) => ({ 'gpt-4o-mini-2024-07-18': { requests: 1, inputTokens: input, outputTokens: output, totalTokens: input + output } });

/** The agent trace: a root with two tool calls, an LLM call and a failing function. */
export function agentTrace(): Call[] {
  const trace = 'trace-agent';
  const summary = { latencyMs: 400, usage: usage(120, 30), totalCost: 0.004 };
  return [
    call({ id: 'agent-root', traceId: trace, opName: 'research_assistant', kind: 'agent', startedAt: iso(1000), endedAt: iso(1400), inputs: { question: 'How do refunds work?' }, output: 'Refunds take 5 days.', summary }),
    call({ id: 'agent-search-1', traceId: trace, parentId: 'agent-root', opName: 'search', kind: 'tool', startedAt: iso(1010), endedAt: iso(1100), inputs: { query: 'refund policy', limit: 3 }, output: ['policy.md'], summary: { latencyMs: 90 } }),
    call({ id: 'agent-search-2', traceId: trace, parentId: 'agent-root', opName: 'search', kind: 'tool', startedAt: iso(1100), endedAt: iso(1180), inputs: { query: 'refund timing', limit: 5 }, output: ['faq.md'], summary: { latencyMs: 80 } }),
    call({
      id: 'agent-llm', traceId: trace, parentId: 'agent-root', opName: 'openai.chat.completions.create', kind: 'llm', startedAt: iso(1180), endedAt: iso(1380),
      inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarize the refund policy' }] },
      output: { choices: [{ index: 0, message: { role: 'assistant', content: HOSTILE_OUTPUT }, finish_reason: 'stop' }] },
      attributes: { provider: 'openai', baseUrl: 'https://api.openai.com/v1' },
      summary: { latencyMs: 200, usage: usage(120, 30), costs: { 'gpt-4o-mini-2024-07-18': { inputCost: 0.002, outputCost: 0.002, totalCost: 0.004 } }, totalCost: 0.004 },
    }),
    call({ id: 'agent-flaky', traceId: trace, parentId: 'agent-root', opName: 'verify', startedAt: iso(1380), endedAt: iso(1395), status: 'error', exception: { type: 'TimeoutError', message: 'verifier timed out' }, summary: { latencyMs: 15 } }),
  ];
}

/** A lone LLM call that failed (a rate limit), with no usage. */
export function failedTrace(): Call[] {
  return [call({
    id: 'failed-llm', traceId: 'trace-failed', opName: 'openai.chat.completions.create', kind: 'llm', startedAt: iso(2000), endedAt: iso(2050), status: 'error',
    inputs: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] },
    exception: { type: 'RateLimitError', message: '429 Rate limit reached', status: 429 },
    summary: { latencyMs: 50 },
  })];
}

/** A trace still running: no end, no latency, no cost yet. */
export function runningTrace(): Call[] {
  return [call({
    id: 'running-root', traceId: 'trace-running', opName: 'nightly_batch', displayName: 'nightly "eu" batch', kind: 'chain',
    startedAt: iso(3000), endedAt: null, status: 'running',
    // Letters whose case LIKE cannot fold, some with no case at all, and a number, for the search.
    inputs: { schedule: 'Übersicht für "Zürich"', label: 'Σύνοψη レポート', retries: 7321 },
    summary: {},
  })];
}

/** Ids are unique across projects, as real (UUIDv7) ones are. */
export const fillerId = (i: number, project = 'demo') => `${project}-filler-${String(i).padStart(4, '0')}`;

/** `count` cheap one-call traces, a second apart, each with its index in its inputs and cost. */
export function fillerTraces(count: number, project = 'demo'): Call[] {
  return Array.from({ length: count }, (_, i) => call({
    id: fillerId(i, project), traceId: `trace-${fillerId(i, project)}`, project, opName: 'classify', kind: 'llm',
    startedAt: iso(10_000 + i * 1000), endedAt: iso(10_000 + i * 1000 + 20 + i),
    inputs: { text: `ticket number ${i}` }, output: i % 2 ? 'billing' : 'shipping',
    summary: { latencyMs: 20 + i, usage: usage(10 + i, 1), totalCost: (i + 1) * 1e-6 },
  }));
}

export function seedCalls(): Call[] {
  return [...agentTrace(), ...failedTrace(), ...runningTrace(), ...fillerTraces(3)];
}

/** One trace of `depth` calls, each the child of the one before, in project "deep". */
export function deepTrace(depth: number): Call[] {
  return Array.from({ length: depth }, (_, i) => call({
    id: `deep-${i}`, traceId: 'trace-deep', project: 'deep', parentId: i === 0 ? null : `deep-${i - 1}`, opName: `step_${i}`,
    startedAt: iso(i), endedAt: iso(2 * depth - i), summary: { latencyMs: 2 * depth - 2 * i },
  }));
}

/**
 * A trace whose process was killed `hoursAgo` hours ago (trace-orphan): the root and one child
 * never ended; the calls that did span 6.9 s.
 */
export function orphanTrace(hoursAgo = 26): Call[] {
  const t0 = Date.now() - hoursAgo * 3_600_000;
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  const step = (id: string, parentId: string | null, start: number, end: number | null, kind: Call['kind'] = 'function'): Call => call({
    id: `orphan-${id}`, parentId: parentId && `orphan-${parentId}`, traceId: 'trace-orphan', opName: id === 'root' ? 'crashed_job' : `step_${id}`, kind, startedAt: at(start),
    endedAt: end === null ? null : at(end), status: end === null ? 'running' : 'success', summary: end === null ? {} : { latencyMs: end - start },
  });
  return [step('root', null, 0, null, 'agent'), step('a', 'root', 100, 1600, 'tool'), step('c', 'root', 4800, null, 'chain'), step('d', 'c', 4900, 6900, 'llm')];
}
