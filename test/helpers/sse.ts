/**
 * A small server-sent-events parser for test fixtures: it turns a recorded `bodyText` into the
 * payloads an SDK yields, so reducers can be checked without running an SDK.
 */

export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

/** Splits SSE text into events (any line ending; comments skipped; multi-line data joined). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;
  const dispatch = () => {
    if (data.length > 0) events.push({ event, id, data: data.join('\n') });
    data = [];
    event = undefined;
    id = undefined;
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      dispatch();
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  }
  dispatch();
  return events;
}

/** The JSON payloads of an SSE body, as the OpenAI-style SDKs yield them (`[DONE]` dropped). */
export function sseJson(text: string): unknown[] {
  return parseSse(text)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data) as unknown);
}

/** An SSE body carrying `payloads` as OpenAI sends them, ending with `[DONE]` unless told otherwise. */
export function sseText(payloads: readonly unknown[], done = true): string {
  const events = payloads.map((payload) => `data: ${JSON.stringify(payload)}\n\n`);
  return events.join('') + (done ? 'data: [DONE]\n\n' : '');
}

/**
 * An SSE body of typed events as the Responses, transcription and image endpoints send them:
 * each `data:` line follows an `event:` line naming its `type`, and no `[DONE]` closes it.
 */
export function typedSseText<T extends { type: string }>(payloads: readonly T[]): string {
  return payloads.map((payload) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`).join('');
}
