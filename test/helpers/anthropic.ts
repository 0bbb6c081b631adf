/** Real @anthropic-ai/sdk clients pointed at msw, and readers of what a Messages stream handed the app. */
import Anthropic from '@anthropic-ai/sdk';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { parseSse, sseJson } from './sse.js';
import { loadFixture, type WireFixture } from './wire.js';

export { drain } from './openai.js';

/** A key shaped like a real one, so a leak anywhere in a record or a store file is found by a plain search. */
export const ANTHROPIC_TEST_KEY = 'sk-ant-api03-TESTKEY-0123456789abcdef-SECRET-zz';

/** msw ignores the query string, so this matches `/v1/messages` and `/v1/messages?beta=true`. */
export const MESSAGES_URL = /\/v1\/messages$/;
export const COUNT_TOKENS_URL = /\/v1\/messages\/count_tokens$/;

export type AnthropicEvent = Record<string, any>;
export type MessageJson = Record<string, any>;

/** A real client pointed at msw; retries off so error tests see one request. */
export function anthropicClient(options: ConstructorParameters<typeof Anthropic>[0] = {}): Anthropic {
  return new Anthropic({ apiKey: ANTHROPIC_TEST_KEY, maxRetries: 0, ...options });
}

/**
 * The events the SDK's `Stream` yields for an SSE body: `ping` events and data without an
 * `event:` line are skipped by the SDK, everything else is parsed JSON, in order.
 */
export function sseEvents(text: string): AnthropicEvent[] {
  return parseSse(text)
    .filter((e) => e.event !== undefined && e.event !== 'ping' && e.data !== '')
    .map((e) => JSON.parse(e.data) as AnthropicEvent);
}

/** The events of one recorded streamed exchange, as the app receives them. */
export function recordedEvents(fixture: WireFixture, exchange = 0): AnthropicEvent[] {
  return sseEvents(fixture.exchanges[exchange]!.response.bodyText!);
}

/** The JSON payloads of one recorded stream, found by name under anthropic/ (ping included: a reducer must ignore it). */
export function eventsOf(name: string, exchange = 0): AnthropicEvent[] {
  const text = loadFixture(`anthropic/${name}.json`).exchanges[exchange]!.response.bodyText;
  if (text === undefined) throw new Error(`${name} #${exchange} is not a stream`);
  return sseJson(text) as AnthropicEvent[];
}

/** The JSON response body of one recorded exchange, found by name under anthropic/. */
export function bodyOf(name: string, exchange = 0): MessageJson {
  return loadFixture(`anthropic/${name}.json`).exchanges[exchange]!.response.body as MessageJson;
}

/** The request body of one recorded exchange. */
export function requestOf<T = any>(fixture: WireFixture, exchange = 0): T {
  return fixture.exchanges[exchange]!.request.body as T;
}

/** The JSON response body of one recorded exchange. */
export function responseOf(fixture: WireFixture, exchange = 0): MessageJson {
  return fixture.exchanges[exchange]!.response.body as MessageJson;
}

/** Anthropic SSE text: each payload under an `event:` line named after its `type`. */
export function anthropicSse(payloads: readonly AnthropicEvent[]): string {
  return payloads.map((p) => `event: ${String(p.type)}\ndata: ${JSON.stringify(p)}\n\n`).join('');
}

/**
 * A streamed SSE answer for the Messages endpoint that behaves like a real connection when the
 * client aborts: the body errors with an AbortError (msw alone keeps feeding an aborted body).
 * `wholeBody` sends everything in one piece, so an early `break` never cancels a body that is
 * still being fed (cancelling a mocked body mid-pull can hang under msw, untraced too).
 */
export function sseStreamHandler(text: string, options: { chunkSize?: number; delayMs?: number; wholeBody?: boolean } = {}): HttpHandler {
  return http.post(MESSAGES_URL, ({ request }) => sseResponse(abortableBody(text, request.signal, options)), { once: true });
}

function abortableBody(text: string, signal: AbortSignal, options: { chunkSize?: number; delayMs?: number; wholeBody?: boolean }): ReadableStream<Uint8Array> {
  const size = options.wholeBody ? text.length : (options.chunkSize ?? 64);
  const delay = options.delayMs ?? 0;
  const encoder = new TextEncoder();
  let offset = 0;
  let gone = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal.addEventListener('abort', () => {
        if (gone) return;
        gone = true;
        controller.error(new DOMException('This operation was aborted', 'AbortError'));
      });
    },
    async pull(controller) {
      if (gone) return;
      if (offset >= text.length) {
        gone = true;
        controller.close();
        return;
      }
      await new Promise((resolve) => (delay > 0 ? setTimeout(resolve, delay) : setImmediate(resolve)));
      if (gone) return;
      controller.enqueue(encoder.encode(text.slice(offset, offset + size)));
      offset += size;
    },
    cancel() {
      gone = true;
    },
  });
}

export function sseResponse(body: string | ReadableStream<Uint8Array>, status = 200): Response {
  return new HttpResponse(body, { status, headers: { 'content-type': 'text/event-stream' } });
}

/** A once-only handler answering the Messages endpoint with `status` and a JSON body. */
export function jsonAnswer(body: unknown, status = 200, url: RegExp = MESSAGES_URL): HttpHandler {
  return http.post(url, () => HttpResponse.json(body as never, { status }), { once: true });
}

/** The text a stream's `text_delta` events carry for one content block (all blocks when omitted). */
export function deltaText(events: readonly AnthropicEvent[], index?: number): string {
  return events
    .filter((e) => e.type === 'content_block_delta' && e.delta?.type === 'text_delta' && (index === undefined || e.index === index))
    .map((e) => e.delta.text as string)
    .join('');
}

/** The joined `partial_json` of one tool_use block, parsed. */
export function deltaJson(events: readonly AnthropicEvent[], index: number): unknown {
  const text = events
    .filter((e) => e.type === 'content_block_delta' && e.index === index && e.delta?.type === 'input_json_delta')
    .map((e) => e.delta.partial_json as string)
    .join('');
  return JSON.parse(text);
}

/** Recorded text cut after its first `count` SSE events that the SDK yields (ping lines kept as they come). */
export function firstEventsText(text: string, count: number): string {
  const blocks = text.split('\n\n');
  const out: string[] = [];
  let yielded = 0;
  for (const block of blocks) {
    if (yielded >= count) break;
    out.push(block);
    if (/^event: (?!ping)/m.test(block)) yielded++;
  }
  return out.join('\n\n') + '\n\n';
}

/** A short message stream written here: message_start, one text block in two deltas, message_delta, message_stop. */
export function smallStream(model = 'claude-sonnet-4-6'): AnthropicEvent[] {
  return [
    { type: 'message_start', message: { id: 'msg_small', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' there' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } },
    { type: 'message_stop' },
  ];
}

/** The SDK helpers add `parsed_output` (null without an output format); the API's Message has none. */
export function withoutParsedOutput(message: unknown): MessageJson {
  const { parsed_output: _parsed, ...rest } = JSON.parse(JSON.stringify(message)) as MessageJson;
  return rest;
}
