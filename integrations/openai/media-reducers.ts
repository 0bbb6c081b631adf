/**
 * Streams of the transcription and image endpoints are typed events whose last one
 * (`transcript.text.done`, `image_generation.completed`) carries what the non-streaming
 * response holds. The earlier events are folded only so that a stream cut short still leaves
 * what was produced so far. Events are read, never changed; the objects kept are never
 * mutated by the SDK afterwards.
 */
import type { StreamReducer } from '../../src/patching/types.js';
import { type Json, asObject } from '../shared/json.js';
import { joinPiece } from '../shared/text.js';

// ---------------------------------------------------------------- audio.transcriptions

interface TranscriptionState {
  text: string;
  /** The deltas' logprobs: `done` repeats them all, but a stream cut short has only these. */
  logprobs: unknown[] | undefined;
  /** `transcript.text.segment` events, which are the `segments` of a `diarized_json` answer. */
  segments: Json[] | undefined;
  done: Json | undefined;
}

function addTranscriptionEvent(state: TranscriptionState, chunk: unknown): void {
  const event = asObject(chunk);
  if (event === undefined) return;
  switch (event.type) {
    case 'transcript.text.delta': {
      if (typeof event.delta === 'string') state.text = joinPiece(state.text, event.delta);
      const logprobs = event.logprobs;
      if (Array.isArray(logprobs)) {
        const all = (state.logprobs ??= []);
        for (let i = 0; i < logprobs.length; i++) all.push(logprobs[i]);
      }
      break;
    }
    case 'transcript.text.segment':
      (state.segments ??= []).push(event);
      break;
    case 'transcript.text.done':
      state.done = event;
  }
}

/** `Transcription` (or `TranscriptionDiarized`): text, logprobs, segments and usage when sent. */
function finishTranscription(state: TranscriptionState): Json {
  const done = state.done;
  const out: Json = { text: typeof done?.text === 'string' ? done.text : state.text };
  const logprobs = Array.isArray(done?.logprobs) ? done.logprobs : state.logprobs;
  if (logprobs !== undefined) out.logprobs = logprobs;
  if (state.segments !== undefined) out.segments = state.segments;
  const usage = asObject(done?.usage);
  if (usage !== undefined) out.usage = usage;
  return out;
}

/** Every transcription event carries text (`delta` or `text`); the first non-empty one is the first token. */
function isFirstTranscriptionToken(chunk: unknown): boolean {
  const event = asObject(chunk);
  const text = typeof event?.delta === 'string' ? event.delta : event?.text;
  return typeof text === 'string' && text !== '';
}

export function transcriptionReducer(): StreamReducer<TranscriptionState> {
  return {
    init: () => ({ text: '', logprobs: undefined, segments: undefined, done: undefined }),
    add: addTranscriptionEvent,
    finish: finishTranscription,
    isFirstToken: isFirstTranscriptionToken,
  };
}

// ---------------------------------------------------------------- images.generate / images.edit

/**
 * Partial images are left out: each is a whole base64 image, and the non-streaming response
 * holds only the final one. Their settings are kept, for a stream cut before `completed`.
 */
interface ImagesState {
  created: unknown;
  background: unknown;
  outputFormat: unknown;
  quality: unknown;
  size: unknown;
  /** One `{ b64_json }` per completed event, as in the non-streaming `data`. */
  data: Json[];
  usage: Json | undefined;
}

function addImageEvent(state: ImagesState, chunk: unknown): void {
  const event = asObject(chunk);
  if (event === undefined) return;
  state.created = event.created_at ?? state.created;
  state.background = event.background ?? state.background;
  state.outputFormat = event.output_format ?? state.outputFormat;
  state.quality = event.quality ?? state.quality;
  state.size = event.size ?? state.size;
  if (event.type === 'image_generation.completed' || event.type === 'image_edit.completed') {
    state.data.push({ b64_json: event.b64_json });
    // Whether each completed event of an n > 1 stream reports its own image or the whole
    // request is not documented: the last one reported is kept rather than a guessed sum.
    state.usage = asObject(event.usage) ?? state.usage;
  }
}

/** `ImagesResponse`: `created` is the events' `created_at`; a setting not sent stays absent. */
function finishImages(state: ImagesState): Json {
  const out: Json = {};
  if (state.created !== undefined) out.created = state.created;
  if (state.background !== undefined) out.background = state.background;
  out.data = state.data;
  if (state.outputFormat !== undefined) out.output_format = state.outputFormat;
  if (state.quality !== undefined) out.quality = state.quality;
  if (state.size !== undefined) out.size = state.size;
  if (state.usage !== undefined) out.usage = state.usage;
  return out;
}

export function imagesReducer(): StreamReducer<ImagesState> {
  return {
    init: () => ({ created: undefined, background: undefined, outputFormat: undefined, quality: undefined, size: undefined, data: [], usage: undefined }),
    add: addImageEvent,
    finish: finishImages,
  };
}
