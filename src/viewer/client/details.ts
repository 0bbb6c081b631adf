/** The details of one call: its facts, then inputs, output, exception, attributes and summary as JSON text. */
import { formatCost, totalTokensOf } from '../../cli/format.js';
import type { Call } from '../../types.js';
import { facts, formatDuration, formatTime, formatTokens, h, jsonBlock, statusBadge } from './dom.js';

function section(title: string, value: unknown): HTMLElement {
  return h('section', { class: 'detail-section', attrs: { 'data-section': title.toLowerCase() } }, h('h3', {}, title), jsonBlock(value));
}

export function detailsOf(call: Call): HTMLElement {
  // Another writer's record may lack a summary.
  const summary = call.summary ?? {};
  return h('div', { class: 'call-details', attrs: { 'data-call-id': call.id } },
    h('h2', {}, call.displayName),
    facts([
      ['Op', call.opName],
      ['Kind', call.kind],
      ['Status', statusBadge(call.status)],
      ['Started', formatTime(call.startedAt)],
      ['Latency', formatDuration(summary.latencyMs)],
      summary.timeToFirstTokenMs !== undefined ? ['First token', formatDuration(summary.timeToFirstTokenMs)] : undefined,
      ['Tokens', formatTokens(totalTokensOf(summary))],
      ['Cost', formatCost(summary.totalCost)],
      ['Call id', h('span', { class: 'mono' }, call.id)],
    ]),
    call.exception ? section('Exception', call.exception) : null,
    section('Inputs', call.inputs),
    section('Output', call.output),
    section('Attributes', call.attributes),
    section('Summary', call.summary));
}
