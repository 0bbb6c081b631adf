/**
 * Streamed transcriptions and images: the record holds the response the same request returns
 * without streaming. The wire corpus has no recording of either stream, so the events below
 * follow the SDK's own types (openai 6.49: TranscriptionStreamEvent, ImageGenStreamEvent,
 * ImageEditStreamEvent), and each streamed record is compared with the record of the
 * matching non-streamed answer.
 */
import { http, HttpResponse } from 'msw';
import { Stream } from 'openai/streaming';
import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/types.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { audioFile, drain, openaiClient, sseAnswer } from '../helpers/openai.js';
import { expectStreamTiming } from '../helpers/openai-stream.js';
import { typedSseText } from '../helpers/sse.js';
import { fixtureFetch } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

/** The non-streamed and the streamed record of the same op, told apart by the request. */
async function plainAndStreamed(opName: string): Promise<[Call, Call]> {
  const calls = (await t.calls()).filter((c) => c.opName === opName);
  expect(calls).toHaveLength(2);
  const streamed = calls.find((c) => c.inputs.stream === true)!;
  return [calls.find((c) => c !== streamed)!, streamed];
}

/** A fetch serving one SSE answer without msw, whose bodies never settle when a stream is left early (see fixtureFetch). */
function streamFetch(url: string, bodyText: string): typeof fetch {
  const response = { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' }, bodyText };
  return fixtureFetch({ provider: 'openai', api: 'audio', stream: true, scenario: url, source: {}, meta: {}, exchanges: [{ request: { method: 'POST', url, body: null }, response }] });
}

/** Same output, usage and cost as the non-streamed record; the streamed one also has its timing. */
function expectSameRecord(plain: Call, streamed: Call): void {
  expect([plain.status, streamed.status]).toEqual(['success', 'success']);
  expect(streamed.output).toEqual(plain.output);
  expect(streamed.summary.usage).toEqual(plain.summary.usage);
  // Priced, and at the same price: the pricer's fast path may differ in the last bit.
  expect(streamed.summary.totalCost).toBeGreaterThan(0);
  expect(streamed.summary.totalCost).toBeCloseTo(plain.summary.totalCost!, 15);
  expectStreamTiming(streamed);
}

describe('audio.transcriptions.create({ stream: true })', () => {
  const TRANSCRIBE = 'openai.audio.transcriptions.create';
  const URL = /\/audio\/transcriptions$/;
  const usage = { type: 'tokens', input_tokens: 50, input_token_details: { text_tokens: 0, audio_tokens: 50 }, output_tokens: 3, total_tokens: 53 };
  const logprobs = [{ token: 'Hello', logprob: -0.01, bytes: [72, 101, 108, 108, 111] }, { token: ' world', logprob: -0.2, bytes: [32, 119, 111, 114, 108, 100] }];
  const events = [
    { type: 'transcript.text.delta', delta: 'Hello', logprobs: [logprobs[0]] },
    { type: 'transcript.text.delta', delta: ' world', logprobs: [logprobs[1]] },
    { type: 'transcript.text.done', text: 'Hello world', logprobs, usage },
  ];
  const request = { model: 'gpt-4o-mini-transcribe', include: ['logprobs' as const] };

  it('is recorded as the transcription returned without streaming: text, logprobs, usage and cost', async () => {
    server.use(http.post(URL, () => HttpResponse.json({ text: 'Hello world', logprobs, usage })));
    await openaiClient().audio.transcriptions.create({ ...request, file: audioFile() });
    server.use(sseAnswer(URL, typedSseText(events)));
    const stream = await openaiClient().audio.transcriptions.create({ ...request, file: audioFile(), stream: true });
    expect(stream).toBeInstanceOf(Stream);
    expect(await drain(stream)).toEqual(events);

    const [plain, streamed] = await plainAndStreamed(TRANSCRIBE);
    expect(streamed.output).toEqual({ text: 'Hello world', logprobs, usage });
    expect(streamed.summary.usage).toEqual({ 'gpt-4o-mini-transcribe': { requests: 1, inputTokens: 50, outputTokens: 3, totalTokens: 53 } });
    expectSameRecord(plain, streamed);
  });

  it('left before transcript.text.done: cancelled, with the text and logprobs of the deltas read', async () => {
    const client = openaiClient(undefined, { fetch: streamFetch('https://api.openai.com/v1/audio/transcriptions', typedSseText(events)) });
    const stream = await client.audio.transcriptions.create({ ...request, file: audioFile(), stream: true });
    expect(await drain(stream, 2)).toEqual(events.slice(0, 2));
    const call = await t.one(TRANSCRIBE);
    expect(call.status).toBe('cancelled');
    expect(call.output).toEqual({ text: 'Hello world', logprobs });
  });

  it('diarized: the segment events are the segments of the non-streamed diarized_json answer', async () => {
    const segments = [
      { type: 'transcript.text.segment', id: 'seg_0', start: 0, end: 1.2, speaker: 'A', text: 'Hello' },
      { type: 'transcript.text.segment', id: 'seg_1', start: 1.2, end: 2, speaker: 'B', text: ' world' },
    ];
    server.use(sseAnswer(URL, typedSseText([...segments, { type: 'transcript.text.done', text: 'Hello world', usage }])));
    const stream = await openaiClient().audio.transcriptions.create({
      model: 'gpt-4o-transcribe-diarize', response_format: 'diarized_json', chunking_strategy: 'auto', file: audioFile(), stream: true,
    });
    await drain(stream);
    expect((await t.one(TRANSCRIBE)).output).toEqual({ text: 'Hello world', segments, usage });
  });
});

describe('images with stream: true', () => {
  const usage = { total_tokens: 4300, input_tokens: 50, output_tokens: 4250, input_tokens_details: { text_tokens: 50, image_tokens: 0 } };
  const settings = { background: 'opaque', output_format: 'png', quality: 'low', size: '1024x1024' };
  const PARTIAL = 'UEFSVElBTC1JTUFHRS0w';
  /** The non-streamed answer holding the image the completed event carries. */
  const plainAnswer = { created: 1750000000, ...settings, data: [{ b64_json: 'RklOQUwtSU1BR0U=' }], usage };
  const eventsOf = (prefix: 'image_generation' | 'image_edit') => [
    { type: `${prefix}.partial_image`, b64_json: PARTIAL, partial_image_index: 0, created_at: 1750000000, ...settings },
    { type: `${prefix}.partial_image`, b64_json: `${PARTIAL}MQ==`, partial_image_index: 1, created_at: 1750000000, ...settings },
    { type: `${prefix}.completed`, b64_json: 'RklOQUwtSU1BR0U=', created_at: 1750000000, ...settings, usage },
  ];

  it('images.generate: recorded as the ImagesResponse returned without streaming, usage and cost, no partial image', async () => {
    const URL = /\/images\/generations$/;
    const request = { model: 'gpt-image-1', prompt: 'a cat', quality: 'low' as const };
    server.use(http.post(URL, () => HttpResponse.json(plainAnswer)));
    await openaiClient().images.generate(request);
    const events = eventsOf('image_generation');
    server.use(sseAnswer(URL, typedSseText(events)));
    const stream = await openaiClient().images.generate({ ...request, stream: true, partial_images: 2 });
    expect(stream).toBeInstanceOf(Stream);
    expect(await drain(stream)).toEqual(events);

    const [plain, streamed] = await plainAndStreamed('openai.images.generate');
    expect(streamed.kind).toBe('image');
    expect(streamed.output).toEqual(plainAnswer);
    expect(streamed.summary.usage).toEqual({ 'gpt-image-1': { requests: 1, inputTokens: 50, outputTokens: 4250, totalTokens: 4300 } });
    expectSameRecord(plain, streamed);
    expect(JSON.stringify(streamed)).not.toContain(PARTIAL);
  });

  it('images.edit: the same, from image_edit.* events', async () => {
    const URL = /\/images\/edits$/;
    const image = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'cat.png', { type: 'image/png' });
    const request = { model: 'gpt-image-1', prompt: 'add a hat', image, quality: 'low' as const };
    server.use(http.post(URL, () => HttpResponse.json(plainAnswer)));
    await openaiClient().images.edit(request);
    server.use(sseAnswer(URL, typedSseText(eventsOf('image_edit'))));
    await drain(await openaiClient().images.edit({ ...request, stream: true, partial_images: 2 }));

    const [plain, streamed] = await plainAndStreamed('openai.images.edit');
    expect(streamed.output).toEqual(plainAnswer);
    expectSameRecord(plain, streamed);
    expect(JSON.stringify(streamed)).not.toContain(PARTIAL);
  });
});
