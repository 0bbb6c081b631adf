// What the app sees of failed requests it never awaits, traced (TRACE=1) or not: the
// unhandledRejection events, by the error's class. Requests go to a port nothing listens on.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createRequire } from 'node:module';
import * as tracewire from 'tracewire';

const support = createRequire(import.meta.url)(process.env.TW_SUPPORT);
if (process.env.TRACE === '1') tracewire.init({ exporters: ['memory'] });
const seen = [];
process.on('unhandledRejection', (reason) => seen.push(reason?.constructor?.name ?? String(reason)));

const dead = 'http://127.0.0.1:9';
const openai = new OpenAI({ apiKey: 'k', baseURL: dead, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: 'k', baseURL: dead, maxRetries: 0 });
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const message = { model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };

// Never awaited: untraced, each failure is an unhandled rejection.
openai.chat.completions.create(chat);
anthropic.messages.create(message);
// Handled by the app, through the parsed result or the raw response: no unhandled rejection.
await openai.chat.completions.create(chat).catch(() => {});
await anthropic.messages.create(message).asResponse().catch(() => {});
await openai.chat.completions.create(chat).withResponse().catch(() => {});
// A helper that awaits a promise derived from create's (_thenUnwrap).
await openai.chat.completions.parse(chat).catch(() => {});
await new Promise((resolve) => setTimeout(resolve, 300));
support.report({ seen: seen.sort() });
