/**
 * tracewire quickstart: your own functions as ops, an OpenAI call inside them, and the trace
 * read back and printed. Offline by default (recorded exchanges); with OPENAI_API_KEY set it
 * talks to the real API instead.
 *
 *   npm run example
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { formatTrace, init, op } from 'tracewire';
import { recordedFetch } from './recorded-fetch.mjs';

const live = Boolean(process.env.OPENAI_API_KEY);
// Offline runs keep their traces in a scratch folder; set TRACEWIRE_DIR to keep them elsewhere.
const tracewire = init({ project: 'quickstart', dir: live ? undefined : mkdtempSync(join(tmpdir(), 'tracewire-quickstart-')) });

const openai = new OpenAI(live ? {} : { apiKey: 'offline', fetch: recordedFetch(['../test/fixtures/wire/openai/js-chat-stream.json']) });

const findNotes = op(function findNotes(topic) {
  return [`${topic} exports traces, metrics and logs`, `${topic} has a collector`];
}, { kind: 'retriever' });

const tellJoke = op(async function tellJoke(topic) {
  const notes = findNotes(topic);
  const stream = await openai.chat.completions.create({
    model: 'gpt-3.5-turbo',
    messages: [{ role: 'system', content: notes.join('\n') }, { role: 'user', content: `Tell me a joke about ${topic}` }],
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}, { kind: 'agent' });

const [joke, call] = await tellJoke.invoke('OpenTelemetry');
console.log(`${joke}\n`);
console.log(formatTrace(await tracewire.getTrace(call.traceId)));
console.log(`\nstored in ${tracewire.settings.dir}; look again with: npx tracewire trace ${call.traceId} --project quickstart --dir ${tracewire.settings.dir}`);
