/**
 * A call record as an OTLP/JSON span, with attributes after the OpenTelemetry GenAI semantic
 * conventions (kept apart from the transport in otlp.ts).
 *
 * Ids: the span's trace id is the call's trace id (a UUIDv7 is 128 bits, like an OTel trace id)
 * and its span id is the last 16 hex digits of the call id (the random part of the UUIDv7), so
 * a child finds its parent's span id from `parentId` alone and batches need no shared state.
 * A call that began inside an OpenTelemetry span other than the one its tracewire parent began
 * under (a root inside any span; a descendant inside a span the application opened within its
 * parent) records that span (`attributes.otelParent`, beginCall) and is exported as its child,
 * in its trace. Its descendants record the OTel trace id (`attributes.otelTraceId`) and hang
 * from their tracewire parent in that trace; they carry the id themselves because they usually
 * end, and are exported, before the call that joined.
 */
import type { Call, CallKind, Usage } from '../types.js';

export type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };
export interface KeyValue { key: string; value: AnyValue }

/** Inputs, output and any other string attribute are cut to this many UTF-8 bytes. */
export const MAX_ATTRIBUTE_BYTES = 64 * 1024;
const MODEL_KINDS = new Set<CallKind>(['llm', 'embedding', 'rerank', 'image', 'audio', 'moderation']);
// Provider names as the GenAI conventions spell them, where they differ from ours.
const PROVIDER_NAMES: Record<string, string> = { azure: 'azure.ai.openai', mistral: 'mistral_ai' };
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const USAGE_ATTRIBUTES: Array<[keyof Usage, string]> = [
  ['inputTokens', 'gen_ai.usage.input_tokens'],
  ['outputTokens', 'gen_ai.usage.output_tokens'],
  ['cacheReadTokens', 'gen_ai.usage.cache_read.input_tokens'],
  ['cacheWriteTokens', 'gen_ai.usage.cache_creation.input_tokens'],
  ['reasoningTokens', 'gen_ai.usage.reasoning.output_tokens'],
];

/** One call as an OTLP/JSON span. */
export function toOtlpSpan(call: Call) {
  const otelParent = call.attributes.otelParent as { traceId?: unknown; spanId?: unknown } | undefined;
  const otelTraceId = hexOrUndefined(otelParent?.traceId, HEX32) ?? hexOrUndefined(call.attributes.otelTraceId, HEX32);
  const parentSpanId = hexOrUndefined(otelParent?.spanId, HEX16) ?? (call.parentId !== null ? spanIdOf(call.parentId) : undefined);
  const start = unixNanos(call.startedAt);
  const end = call.endedAt === null ? start : unixNanos(call.endedAt);
  const isModel = MODEL_KINDS.has(call.kind);
  const attributes: KeyValue[] = [
    str('tracewire.call_id', call.id),
    str('tracewire.trace_id', call.traceId),
    str('tracewire.op_name', call.opName),
    str('tracewire.kind', call.kind),
    str('tracewire.project', call.project),
    str('tracewire.status', call.status),
    ...genAiAttributes(call, isModel),
  ];
  if (isNumber(call.summary.totalCost)) attributes.push(dbl('tracewire.total_cost', call.summary.totalCost));
  const { otelParent: _p, otelTraceId: _t, ...rest } = call.attributes;
  if (Object.keys(rest).length > 0) attributes.push(str('tracewire.attributes', json(rest)));
  attributes.push(str('tracewire.inputs', json(call.inputs)));
  if (call.output !== null && call.output !== undefined) attributes.push(str('tracewire.output', json(call.output)));
  const events = [];
  let status: { code: number; message?: string } | undefined;
  if (call.status === 'error') {
    const e = call.exception;
    status = { code: STATUS_ERROR, message: cap(e?.message ?? 'error') };
    attributes.push(str('error.type', e?.type ?? 'Error'));
    if (e?.status !== undefined) attributes.push(int('http.response.status_code', e.status));
    const eventAttributes = [str('exception.type', e?.type ?? 'Error'), str('exception.message', e?.message ?? '')];
    if (e?.stack) eventAttributes.push(str('exception.stacktrace', e.stack));
    events.push({ timeUnixNano: end, name: 'exception', attributes: eventAttributes });
  }
  return {
    traceId: otelTraceId ?? call.traceId.replaceAll('-', '').toLowerCase(),
    spanId: spanIdOf(call.id),
    ...(parentSpanId !== undefined ? { parentSpanId } : {}),
    name: call.displayName,
    kind: isModel ? SPAN_KIND_CLIENT : SPAN_KIND_INTERNAL,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes,
    events,
    // Success and cancellation leave the status unset: OK is the application's to set, and a
    // cancelled call did not fail (tracewire.status says it was cancelled).
    ...(status ? { status } : {}),
  };
}

function genAiAttributes(call: Call, isModel: boolean): KeyValue[] {
  const out: KeyValue[] = [];
  const operation = operationName(call);
  if (operation !== undefined) out.push(str('gen_ai.operation.name', operation));
  if (call.kind === 'tool') out.push(str('gen_ai.tool.name', call.displayName));
  if (call.kind === 'agent') out.push(str('gen_ai.agent.name', call.displayName));
  // Usage on other kinds is their descendants' sum: repeating it would double-count.
  if (!isModel) return out;
  const provider = call.attributes.provider;
  if (typeof provider === 'string' && provider !== 'unknown') {
    const name = PROVIDER_NAMES[provider] ?? provider;
    out.push(str('gen_ai.provider.name', name), str('gen_ai.system', name));
  }
  const inputs = call.inputs;
  if (typeof inputs.model === 'string') out.push(str('gen_ai.request.model', inputs.model));
  if (isNumber(inputs.temperature)) out.push(dbl('gen_ai.request.temperature', inputs.temperature));
  if (isNumber(inputs.top_p)) out.push(dbl('gen_ai.request.top_p', inputs.top_p));
  const maxTokens = inputs.max_tokens ?? inputs.max_completion_tokens ?? inputs.max_output_tokens ?? inputs.maxTokens;
  if (isNumber(maxTokens)) out.push(int('gen_ai.request.max_tokens', maxTokens));
  const output = call.output as Record<string, unknown> | null;
  const models = Object.keys(call.summary.usage ?? {});
  const responseModel = models[0] ?? (typeof output?.model === 'string' ? output.model : undefined);
  if (responseModel !== undefined) out.push(str('gen_ai.response.model', responseModel));
  if (typeof output?.id === 'string') out.push(str('gen_ai.response.id', output.id));
  const usage = Object.values(call.summary.usage ?? {});
  for (const [field, key] of USAGE_ATTRIBUTES) {
    // Usage the provider did not report stays absent, never zero (SPEC §3).
    const reported = usage.map((u) => u[field]).filter(isNumber);
    if (reported.length > 0) out.push(int(key, reported.reduce((a, b) => a + b, 0)));
  }
  const ttft = call.summary.timeToFirstTokenMs;
  if (isNumber(ttft)) out.push(dbl('gen_ai.response.time_to_first_chunk', ttft / 1000));
  const server = serverOf(call.attributes.baseUrl);
  if (server) out.push(str('server.address', server.host), int('server.port', server.port));
  return out;
}

/** The conventions' operation names; kinds they do not name keep ours. */
function operationName(call: Call): string | undefined {
  switch (call.kind) {
    case 'llm':
      if (/(^|\.)(completions\.create|generate|generateStream)$|\.fim\./.test(call.opName) && !/chat\.completions/.test(call.opName)) {
        return 'text_completion';
      }
      return /countTokens$/.test(call.opName) ? 'count_tokens' : 'chat';
    case 'embedding': return 'embeddings';
    case 'tool': return 'execute_tool';
    case 'agent': return 'invoke_agent';
    case 'retriever': return 'retrieval';
    case 'rerank': case 'image': case 'audio': case 'moderation': return call.kind;
    default: return undefined;
  }
}

function serverOf(baseUrl: unknown): { host: string; port: number } | undefined {
  if (typeof baseUrl !== 'string') return undefined;
  try {
    const url = new URL(baseUrl);
    return { host: url.hostname, port: url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443 };
  } catch {
    return undefined;
  }
}

function spanIdOf(uuid: string): string {
  return uuid.replaceAll('-', '').slice(-16).toLowerCase();
}

function hexOrUndefined(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

/** Nanoseconds exceed 2^53, so they are written as a string: milliseconds and six zeros. */
function unixNanos(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '0' : `${ms}000000`;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '"[not serializable]"';
  }
}

/** Cuts at a UTF-8 byte budget with a marker; the quick length test skips the byte count for short strings. */
function cap(text: string): string {
  if (text.length * 3 <= MAX_ATTRIBUTE_BYTES) return text;
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_ATTRIBUTE_BYTES) return text;
  const marker = `…[truncated by tracewire: ${bytes} bytes]`;
  const room = MAX_ATTRIBUTE_BYTES - Buffer.byteLength(marker);
  return Buffer.from(text).subarray(0, room).toString('utf8').replace(/\uFFFD$/, '') + marker;
}

export function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: cap(value) } };
}
function int(key: string, value: number): KeyValue {
  return { key, value: { intValue: String(Math.trunc(value)) } };
}
function dbl(key: string, value: number): KeyValue {
  return { key, value: { doubleValue: value } };
}

/** Finite numbers only: NaN or Infinity would not survive JSON. */
function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
