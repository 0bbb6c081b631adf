/** The details of one call: its facts, then inputs, output, exception, attributes and summary as JSON text. */
import { formatCost, formatLatency, totalTokensOf } from '../../cli/format.js';
import type { Call } from '../../types.js';
import { formatTime, formatTokens, h, jsonBlock } from './dom.js';

function section(title: string, value: unknown): HTMLElement {
  return h('section', { class: 'detail-section', attrs: { 'data-section': title.toLowerCase() } }, h('h3', {}, title), jsonBlock(value));
}

export function detailsOf(call: Call): HTMLElement {
  return h('div', { class: 'call-details', attrs: { 'data-call-id': call.id } },
    h('h2', {}, call.displayName),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Op'), h('dd', {}, call.opName),
      h('dt', {}, 'Kind'), h('dd', {}, call.kind),
      h('dt', {}, 'Status'), h('dd', {}, h('span', { class: `badge status-${call.status}` }, call.status)),
      h('dt', {}, 'Started'), h('dd', {}, formatTime(call.startedAt)),
      h('dt', {}, 'Latency'), h('dd', {}, formatLatency(call.summary.latencyMs)),
      call.summary.timeToFirstTokenMs !== undefined ? h('dt', {}, 'First token') : null,
      call.summary.timeToFirstTokenMs !== undefined ? h('dd', {}, formatLatency(call.summary.timeToFirstTokenMs)) : null,
      h('dt', {}, 'Tokens'), h('dd', {}, formatTokens(totalTokensOf(call.summary))),
      h('dt', {}, 'Cost'), h('dd', {}, formatCost(call.summary.totalCost)),
      h('dt', {}, 'Call id'), h('dd', { class: 'mono' }, call.id)),
    call.exception ? section('Exception', call.exception) : null,
    section('Inputs', call.inputs),
    section('Output', call.output),
    section('Attributes', call.attributes),
    section('Summary', call.summary));
}
