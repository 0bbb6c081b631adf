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
/**
 * tracewire's provider names (integrations/openai/provider.ts) as `gen_ai.provider.name`: the
 * conventions' well-known value where the registry has one (anthropic ... x_ai), else our own
 * name for a service we recognise (a custom value, which the conventions allow). A provider
 * added to the host table without an entry here counts as unrecognised (providerName).
 */
const PROVIDER_NAMES = new Map<string, string>([
  ['openai', 'openai'], ['anthropic', 'anthropic'], ['cohere', 'cohere'], ['mistral', 'mistral_ai'],
  ['azure', 'azure.ai.openai'], ['gemini', 'gcp.gemini'], ['vertex', 'gcp.vertex_ai'], ['bedrock', 'aws.bedrock'],
  ['xai', 'x_ai'], ['deepseek', 'deepseek'], ['groq', 'groq'], ['perplexity', 'perplexity'],
  ['together', 'together'], ['openrouter', 'openrouter'], ['fireworks', 'fireworks'], ['anyscale', 'anyscale'],
  ['deepinfra', 'deepinfra'], ['cerebras', 'cerebras'], ['ollama', 'ollama'],
]);
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

export type OtlpSpan = ReturnType<typeof toOtlpSpan>;

/** One call as an OTLP/JSON span. */
export function toOtlpSpan(call: Call) {
  const otelParent = call.attributes.otelParent as { traceId?: unknown; spanId?: unknown } | undefined;
  const otelTraceId = hexOrUndefined(otelParent?.traceId, HEX32) ?? hexOrUndefined(call.attributes.otelTraceId, HEX32);
  const parentSpanId = hexOrUndefined(otelParent?.spanId, HEX16) ?? (call.parentId !== null ? spanIdOf(call.parentId) : undefined);
  const start = unixNanos(call.startedAt);
  const end = call.endedAt === null ? start : unixNanos(call.endedAt);
  const isModel = MODEL_KINDS.has(call.kind);
  const operation = operationName(call);
  // The conventions name a model call "{operation} {request model}"; an op keeps the name its
  // author gave it, whatever its kind (its inputs need not name a model).
  const conventional = isModel && operation !== undefined && integrationOf(call) !== undefined;
  const attributes: KeyValue[] = [
    str('tracewire.call_id', call.id),
    str('tracewire.trace_id', call.traceId),
    str('tracewire.op_name', call.opName),
    str('tracewire.kind', call.kind),
    str('tracewire.project', call.project),
    str('tracewire.status', call.status),
    ...genAiAttributes(call, isModel, operation),
  ];
  if (conventional && call.displayName !== call.opName) attributes.push(str('tracewire.display_name', call.displayName));
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
    name: conventional ? modelSpanName(operation, call.inputs.model) : call.displayName,
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

function genAiAttributes(call: Call, isModel: boolean, operation: string | undefined): KeyValue[] {
  const out: KeyValue[] = [];
  if (operation !== undefined) out.push(str('gen_ai.operation.name', operation));
  if (call.kind === 'tool') out.push(str('gen_ai.tool.name', call.displayName));
  if (call.kind === 'agent') out.push(str('gen_ai.agent.name', call.displayName));
  // Usage on other kinds is their descendants' sum: repeating it would double-count.
  if (!isModel) return out;
  const provider = providerName(call);
  // gen_ai.system: the attribute's name before 1.37, still read by many backends.
  if (provider !== undefined) out.push(str('gen_ai.provider.name', provider), str('gen_ai.system', provider));
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

function modelSpanName(operation: string, model: unknown): string {
  return typeof model === 'string' && model !== '' ? cap(`${operation} ${model}`) : operation;
}

/** The integration that recorded the call; undefined for an op. */
function integrationOf(call: Call): string | undefined {
  const name = (call.attributes.integration as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * A server we do not recognise (`local`, a host name, `unknown`) is named after the API its
 * SDK speaks: the conventions ask for the instrumentation's best knowledge, which may differ
 * from who serves the model, and `server.address` says which server it was. An op's own
 * `provider` attribute is kept as given.
 */
function providerName(call: Call): string | undefined {
  const provider = call.attributes.provider;
  const known = typeof provider === 'string' ? PROVIDER_NAMES.get(provider) : undefined;
  if (known !== undefined) return known;
  const integration = integrationOf(call);
  if (integration !== undefined) return PROVIDER_NAMES.get(integration);
  return typeof provider === 'string' && provider !== 'unknown' ? provider : undefined;
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
  return { key, value: { intValue: int64Text(value) } };
}

/**
 * A finite number as an int64's decimal digits, clamped to the int64 range: `String` writes
 * 1e21 and up with an exponent, which no int64 reader takes (a request's `max_tokens` is the
 * app's to set, to anything).
 */
function int64Text(value: number): string {
  const whole = Math.trunc(value);
  if (Number.isSafeInteger(whole)) return String(whole);
  if (whole >= 2 ** 63) return '9223372036854775807';
  if (whole <= -(2 ** 63)) return '-9223372036854775808';
  return BigInt(whole).toString();
}
function dbl(key: string, value: number): KeyValue {
  return { key, value: { doubleValue: value } };
}

/** Finite numbers only: NaN or Infinity would not survive JSON. */
function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
