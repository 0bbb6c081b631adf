// The usual ESM app, no loader flag: its tracing module first, then the four SDKs as static
// imports. Node links the whole graph before evaluating any of it, so init() runs with every
// SDK linked and none evaluated (cohere-ai is CommonJS, Mistral 2.x ESM only).
import { tw } from './tracing-module.mjs';
import OpenAI from 'openai';
import * as anthropic from '@anthropic-ai/sdk';
import * as cohere from 'cohere-ai';
import * as mistral from '@mistralai/mistralai';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const support = require(process.env.TW_SUPPORT);
const fake = (name) => require(`${process.env.TW_HELPERS}/fake-${name}.cjs`);
const messages = [{ role: 'user', content: 'static' }];

await support.chat(support.fakeClient(OpenAI), 'static');
await fake('anthropic').fakeClient(anthropic).messages.create({ ...fake('anthropic').request, messages });
await fake('cohere').fakeClient(cohere).chat({ model: 'command-r', message: 'static' });
await fake('cohere').fakeClient(cohere, { v2: true }).chat({ model: 'command-r', messages });
await fake('mistral').fakeClient(mistral).chat.complete({ model: 'mistral-tiny', messages });
support.report({ calls: await tw.getCalls() });
