// What the app sees of failed requests it never awaits, traced (TRACE=1) or not: the
// unhandledRejection events, by the error's class, and (traced) the status of each record.
// Requests go to a port nothing listens on.
import Anthropic from '@anthropic-ai/sdk';
import { Mistral } from '@mistralai/mistralai';
import { CohereClientV2 } from 'cohere-ai';
import OpenAI from 'openai';
import { createRequire } from 'node:module';
import * as tracewire from 'tracewire';

const support = createRequire(import.meta.url)(process.env.TW_SUPPORT);
const recorded = [];
const client = process.env.TRACE === '1' ? tracewire.init({ exporters: [{ name: 'collect', export: (calls) => void recorded.push(...calls) }] }) : undefined;
const seen = [];
process.on('unhandledRejection', (reason) => seen.push(reason?.constructor?.name ?? String(reason)));

const dead = 'http://127.0.0.1:9';
const openai = new OpenAI({ apiKey: 'k', baseURL: dead, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: 'k', baseURL: dead, maxRetries: 0 });
const cohere = new CohereClientV2({ token: 'k', environment: dead });
const mistral = new Mistral({ apiKey: 'k', serverURL: dead, retryConfig: { strategy: 'none' } });
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const message = { model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };
const cohereChat = { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }] };
const noRetries = { maxRetries: 0 };
const mistralChat = { model: 'mistral-small-latest', messages: [{ role: 'user', content: 'hi' }] };

// Never awaited: untraced, each failure is an unhandled rejection.
openai.chat.completions.create(chat);
anthropic.messages.create(message);
cohere.chat(cohereChat, noRetries);
mistral.chat.complete(mistralChat);
mistral.chat.stream(mistralChat);
const failing = tracewire.op(async function failing() {
  throw new RangeError('from the app');
});
failing();
// Handled by the app, through the parsed result or the raw response: no unhandled rejection.
await openai.chat.completions.create(chat).catch(() => {});
await anthropic.messages.create(message).asResponse().catch(() => {});
await openai.chat.completions.create(chat).withResponse().catch(() => {});
// A helper that awaits a promise derived from create's (_thenUnwrap).
await openai.chat.completions.parse(chat).catch(() => {});
await cohere.chat(cohereChat, noRetries).catch(() => {});
await cohere.chat(cohereChat, noRetries).withRawResponse().catch(() => {});
await mistral.chat.complete(mistralChat).catch(() => {});
await failing().catch(() => {});
try {
  await mistral.chat.stream(mistralChat);
} catch {}
await new Promise((resolve) => setTimeout(resolve, 300));
await client?.flush();
support.report({ seen: seen.sort(), records: recorded.map((r) => `${r.opName} ${r.status}`).sort() });
// Cohere's request timer would keep the process alive for minutes.
process.exit(0);
