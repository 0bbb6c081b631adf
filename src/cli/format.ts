/** Plain-text views of calls for the terminal: a trace as a tree, and a table of calls. */
import type { Call, Summary } from '../types.js';

export function tokensOf(summary: Summary): { input: number; output: number } | undefined {
  const usage = summary.usage;
  if (!usage) return undefined;
  let input = 0;
  let output = 0;
  let any = false;
  for (const entry of Object.values(usage)) {
    if (entry.inputTokens !== undefined) (input += entry.inputTokens), (any = true);
    if (entry.outputTokens !== undefined) (output += entry.outputTokens), (any = true);
  }
  return any ? { input, output } : undefined;
}

/** All tokens over all models (a model's totalTokens, else its input + output); null when no usage was reported. */
export function totalTokensOf(summary: Summary): number | null {
  const usage = summary.usage;
  if (!usage) return null;
  let total = 0;
  for (const entry of Object.values(usage)) total += entry.totalTokens ?? (entry.inputTokens ?? 0) + (entry.outputTokens ?? 0);
  return total;
}

export function formatCost(usd: number | undefined): string {
  if (usd === undefined) return '-';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(3)}`;
  return `$${usd.toFixed(4)}`;
}

export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${Math.round(ms)}ms`;
}

function formatTokens(summary: Summary): string {
  const tokens = tokensOf(summary);
  return tokens ? `${tokens.input}→${tokens.output} tok` : '';
}

const STATUS_MARK: Record<Call['status'], string> = { success: '✓', error: '✗', cancelled: '⊘', running: '…' };

function describeCall(call: Call): string {
  const parts = [
    `${STATUS_MARK[call.status]} ${call.displayName}`,
    `[${call.kind}]`,
    formatLatency(call.summary.latencyMs),
    formatTokens(call.summary),
    call.summary.totalCost !== undefined ? formatCost(call.summary.totalCost) : '',
  ];
  if (call.exception) parts.push(`${call.exception.type}: ${firstLine(call.exception.message)}`);
  return parts.filter(Boolean).join('  ');
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}

/** The trace's calls (parents before children) drawn as a tree, then the root's totals. */
export function formatTrace(calls: Call[]): string {
  if (calls.length === 0) return '';
  const children = new Map<string | null, Call[]>();
  const ids = new Set(calls.map((c) => c.id));
  for (const call of calls) {
    const parent = call.parentId !== null && ids.has(call.parentId) ? call.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(call);
    children.set(parent, list);
  }
  const lines: string[] = [];
  // An explicit stack, not recursion: a trace can nest thousands of calls deep.
  const roots = children.get(null) ?? [];
  const pending: Array<{ call: Call; prefix: string; last: boolean; root: boolean }> = [];
  for (let i = roots.length - 1; i >= 0; i--) pending.push({ call: roots[i]!, prefix: '', last: true, root: true });
  while (pending.length > 0) {
    const { call, prefix, last, root } = pending.pop()!;
    lines.push(root ? describeCall(call) : `${prefix}${last ? '└─ ' : '├─ '}${describeCall(call)}`);
    const kids = children.get(call.id) ?? [];
    const nextPrefix = indent(root ? '' : prefix + (last ? '   ' : '│  '));
    for (let i = kids.length - 1; i >= 0; i--) pending.push({ call: kids[i]!, prefix: nextPrefix, last: i === kids.length - 1, root: false });
  }
  const top = roots[0]!;
  const tokens = tokensOf(top.summary);
  lines.push('');
  lines.push(
    `trace ${top.traceId}: ${calls.length} call${calls.length === 1 ? '' : 's'}, ` +
      `${formatLatency(top.summary.latencyMs)}` +
      (tokens ? `, ${tokens.input} input + ${tokens.output} output tokens` : '') +
      `, total cost ${formatCost(top.summary.totalCost)}`,
  );
  return lines.join('\n');
}

/** The tree's guides, 3 characters a level: past 40 levels only the innermost are drawn, after an ellipsis. */
const MAX_INDENT = 120;

function indent(prefix: string): string {
  return prefix.length <= MAX_INDENT ? prefix : `…  ${prefix.slice(prefix.length - MAX_INDENT + 3)}`;
}

/** One line per call: when, op, status, latency, tokens, cost, trace id. */
export function formatCallsTable(calls: Call[]): string {
  const rows = calls.map((c) => [
    c.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    c.displayName,
    c.status,
    formatLatency(c.summary.latencyMs),
    formatTokens(c.summary) || '-',
    formatCost(c.summary.totalCost),
    c.traceId,
  ]);
  const header = ['started', 'op', 'status', 'latency', 'tokens', 'cost', 'trace'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
